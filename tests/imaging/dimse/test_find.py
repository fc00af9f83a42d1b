"""C-FIND over the index, through a real association (pynetdicom SCU → the archive's SCP)."""

from __future__ import annotations

from typing import Any

import pytest
from pydicom.dataset import Dataset
from pynetdicom.sop_class import (
    PatientRootQueryRetrieveInformationModelFind as PATIENT_ROOT,
)
from pynetdicom.sop_class import (
    StudyRootQueryRetrieveInformationModelFind as STUDY_ROOT,
)

from radix.imaging import store
from tests.imaging.dimse.conftest import add_node, ct, part10, scu


@pytest.fixture(scope="module")
def archive(tenant_factory: Any) -> dict[str, Any]:
    """Three studies of one tenant, one of another; the node of each tenant."""
    tenant, _ = tenant_factory()
    other, _ = tenant_factory()
    a = ct(PatientName="Zhang^San", PatientID="ZS001", StudyDate="20240110", AccessionNumber="ACC-A1",
           StudyDescription="胸部CT")
    a2 = ct(PatientName="Zhang^San", PatientID="ZS001", StudyDate="20240110", AccessionNumber="ACC-A1",
            StudyInstanceUID=a.StudyInstanceUID, SeriesInstanceUID=a.SeriesInstanceUID, InstanceNumber=2)
    a_mr = ct(PatientName="Zhang^San", PatientID="ZS001", StudyDate="20240110", AccessionNumber="ACC-A1",
              StudyInstanceUID=a.StudyInstanceUID, Modality="MR", SeriesNumber=2,
              SOPClassUID="1.2.840.10008.5.1.4.1.1.4")
    b = ct(PatientName="张三", PatientID="ZS002", StudyDate="20240205", AccessionNumber="ACC-B2", Modality="DX",
           PatientBirthDate="19800101", SOPClassUID="1.2.840.10008.5.1.4.1.1.1.1")
    c = ct(PatientName="Zhao^Si", PatientID="ZS003", StudyDate="20231231", StudyTime="231500", AccessionNumber="acc-c3",
           SliceThickness="2.5")
    d = ct(PatientName="Zhang^Wu", PatientID="ZS001", StudyDate="20240110")
    for ds in (a, a2, a_mr, b, c):
        assert store.ingest(part10(ds), store.Arrival(tenant_id=tenant["id"], source="test")).ok
    assert store.ingest(part10(d), store.Arrival(tenant_id=other["id"], source="test")).ok
    return {
        "node": add_node(tenant["id"]), "other_node": add_node(other["id"]),
        "a": a, "a2": a2, "a_mr": a_mr, "b": b, "c": c, "d": d,
    }


def query(port: int, calling: str, level: str, model: Any = STUDY_ROOT, **keys: Any) -> tuple[list[Dataset], int]:
    """(matches, final status) of one C-FIND."""
    identifier = Dataset()
    identifier.QueryRetrieveLevel = level
    for keyword, value in keys.items():
        setattr(identifier, keyword, value)
    assoc = scu(calling, [model], port)
    assert assoc.is_established
    matches: list[Dataset] = []
    final = None
    try:
        for status, found in assoc.send_c_find(identifier, model):
            if status and status.Status in (0xFF00, 0xFF01):
                matches.append(found)
            elif status:
                final = int(status.Status)
    finally:
        assoc.release()
    return matches, final


def uids(matches: list[Dataset], keyword: str = "StudyInstanceUID") -> set[str]:
    return {str(m.get(keyword)) for m in matches}


def test_patient_name_wildcards_are_case_insensitive_and_tenant_scoped(dicom_scp, archive):
    node = archive["node"].ae_title
    found, status = query(dicom_scp.port, node, "STUDY", PatientName="zhang*", StudyInstanceUID="")
    assert status == 0 and uids(found) == {archive["a"].StudyInstanceUID}  # not the other tenant's Zhang^Wu
    found, _ = query(dicom_scp.port, node, "STUDY", PatientName="Zha?^*", StudyInstanceUID="")
    assert uids(found) == {archive["c"].StudyInstanceUID}
    found, _ = query(dicom_scp.port, archive["other_node"].ae_title, "STUDY", PatientName="zhang*", StudyInstanceUID="")
    assert uids(found) == {archive["d"].StudyInstanceUID}


def test_chinese_names_match_and_come_back_in_utf8(dicom_scp, archive):
    found, _ = query(dicom_scp.port, archive["node"].ae_title, "STUDY", SpecificCharacterSet="ISO_IR 192",
                     PatientName="张三", PatientBirthDate="", StudyDescription="")
    assert uids(found) == {archive["b"].StudyInstanceUID}
    assert str(found[0].PatientName) == "张三" and found[0].PatientBirthDate == "19800101"
    assert found[0].SpecificCharacterSet == "ISO_IR 192"
    found, _ = query(dicom_scp.port, archive["node"].ae_title, "STUDY", SpecificCharacterSet="ISO_IR 192",
                     StudyDescription="胸部*")
    assert uids(found) == {archive["a"].StudyInstanceUID}


@pytest.mark.parametrize("dates, expected", [
    ("20240101-20240131", {"a"}),
    ("-20231231", {"c"}),
    ("20240201-", {"b"}),
    ("20240110", {"a"}),
])
def test_study_date_ranges(dicom_scp, archive, dates, expected):
    found, _ = query(dicom_scp.port, archive["node"].ae_title, "STUDY", StudyDate=dates, StudyInstanceUID="")
    assert uids(found) == {archive[k].StudyInstanceUID for k in expected}


def test_uid_lists_accession_numbers_and_modalities_in_study(dicom_scp, archive):
    node = archive["node"].ae_title
    found, _ = query(dicom_scp.port, node, "STUDY",
                     StudyInstanceUID=[archive["a"].StudyInstanceUID, archive["b"].StudyInstanceUID])
    assert uids(found) == {archive["a"].StudyInstanceUID, archive["b"].StudyInstanceUID}
    assert not query(dicom_scp.port, node, "STUDY", AccessionNumber="acc-a1")[0]  # case-sensitive
    found, _ = query(dicom_scp.port, node, "STUDY", AccessionNumber="ACC-*", StudyInstanceUID="")
    assert uids(found) == {archive["a"].StudyInstanceUID, archive["b"].StudyInstanceUID}
    found, _ = query(dicom_scp.port, node, "STUDY", ModalitiesInStudy="MR", NumberOfStudyRelatedSeries="",
                     NumberOfStudyRelatedInstances="", SOPInstanceUID="")
    assert uids(found) == {archive["a"].StudyInstanceUID}
    assert list(found[0].ModalitiesInStudy) == ["CT", "MR"]
    assert found[0].NumberOfStudyRelatedSeries == 2 and found[0].NumberOfStudyRelatedInstances == 3
    assert found[0].SOPInstanceUID == ""  # a key below the query level comes back empty
    assert found[0].RetrieveAETitle == "RADIX"


def test_series_and_image_levels(dicom_scp, archive):
    node = archive["node"].ae_title
    a = archive["a"]
    found, _ = query(dicom_scp.port, node, "SERIES", StudyInstanceUID=a.StudyInstanceUID, Modality="",
                     SeriesNumber="", NumberOfSeriesRelatedInstances="")
    by_modality = {m.Modality: m for m in found}
    assert set(by_modality) == {"CT", "MR"}
    assert by_modality["CT"].NumberOfSeriesRelatedInstances == 2 and by_modality["MR"].SeriesNumber == 2
    found, _ = query(dicom_scp.port, node, "SERIES", StudyInstanceUID=a.StudyInstanceUID, Modality="M?")
    assert uids(found, "SeriesInstanceUID") == {archive["a_mr"].SeriesInstanceUID}

    found, _ = query(dicom_scp.port, node, "IMAGE", StudyInstanceUID=a.StudyInstanceUID,
                     SeriesInstanceUID=a.SeriesInstanceUID, SOPInstanceUID="", InstanceNumber="2")
    assert uids(found, "SOPInstanceUID") == {archive["a2"].SOPInstanceUID}
    # an attribute the index keeps only in the stored DICOM JSON: returned and matched
    c = archive["c"]
    found, _ = query(dicom_scp.port, node, "IMAGE", StudyInstanceUID=c.StudyInstanceUID, SliceThickness="",
                     SOPClassUID="")
    assert len(found) == 1 and float(found[0].SliceThickness) == 2.5
    assert found[0].SOPClassUID == "1.2.840.10008.5.1.4.1.1.2"
    assert len(query(dicom_scp.port, node, "IMAGE", SliceThickness="2.5", SOPInstanceUID="")[0]) == 1
    assert not query(dicom_scp.port, node, "IMAGE", SliceThickness="3", SOPInstanceUID="")[0]
    found, _ = query(dicom_scp.port, node, "IMAGE", SOPInstanceUID=[archive["b"].SOPInstanceUID, c.SOPInstanceUID])
    assert uids(found, "SOPInstanceUID") == {archive["b"].SOPInstanceUID, c.SOPInstanceUID}
    found, _ = query(dicom_scp.port, node, "STUDY", StudyTime="2300-2359", StudyInstanceUID="")
    assert uids(found) == {c.StudyInstanceUID}


def test_patient_root_patient_level_with_counts(dicom_scp, archive):
    found, status = query(dicom_scp.port, archive["node"].ae_title, "PATIENT", PATIENT_ROOT, PatientID="ZS00*",
                          PatientName="", NumberOfPatientRelatedStudies="", NumberOfPatientRelatedInstances="")
    assert status == 0
    by_id = {m.PatientID: m for m in found}
    assert set(by_id) == {"ZS001", "ZS002", "ZS003"}
    assert by_id["ZS001"].NumberOfPatientRelatedStudies == 1 and by_id["ZS001"].NumberOfPatientRelatedInstances == 3
    found, _ = query(dicom_scp.port, archive["node"].ae_title, "STUDY", PATIENT_ROOT, PatientID="ZS002",
                     StudyInstanceUID="")
    assert uids(found) == {archive["b"].StudyInstanceUID}


def test_invalid_levels_fail(dicom_scp, archive):
    found, status = query(dicom_scp.port, archive["node"].ae_title, "PATIENT", STUDY_ROOT, PatientID="*")
    assert not found and status == 0xA900
    found, status = query(dicom_scp.port, archive["node"].ae_title, "WARD", STUDY_ROOT)
    assert not found and status == 0xA900
