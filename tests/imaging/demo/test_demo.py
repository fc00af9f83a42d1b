"""The demo: synthetic studies with consistent geometry and Chinese names, in demo-a and demo-b (the
session's database was seeded with ``radix demo``), idempotent, with the demo modality nodes."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pydicom
import pytest
import sqlalchemy as sa

from radix.core import clock, idnumber
from radix.imaging import demo, synth
from radix.imaging.models import DicomNode, Instance, Patient, Study
from radix.platform.tenant.models import Tenant
from tests.conftest import system_session

TODAY = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def ct_headers():
    info, generate = synth.demo_plan("demo-a", institution="演示第一人民医院", today=TODAY)[0]
    out = []
    for ds in generate(info):
        pixels = np.frombuffer(ds.PixelData, dtype=np.int16).reshape(ds.Rows, ds.Columns)
        out.append((ds, float(pixels[256, 256 - 72 * 512 // 360]) - 1024, float(pixels[256 + 68 * 512 // 360, 256]) - 1024))
        del ds.PixelData
    return out


def test_ct_volume_geometry_suits_mpr_and_volume_rendering(ct_headers):
    assert len(ct_headers) >= 200
    first = ct_headers[0][0]
    assert (first.Rows, first.Columns, first.BitsAllocated, first.PixelRepresentation) == (512, 512, 16, 1)
    step = float(first.SliceThickness)
    assert float(first.SpacingBetweenSlices) == step
    z = [float(ds.ImagePositionPatient[2]) for ds, _, _ in ct_headers]
    assert all(abs((a - b) - step) < 1e-6 for a, b in zip(z, z[1:], strict=False))  # one slice apart, head to feet
    for ds, _, _ in ct_headers:
        assert [float(v) for v in ds.ImageOrientationPatient] == [1, 0, 0, 0, 1, 0]
        assert list(ds.PixelSpacing) == list(first.PixelSpacing)
        assert list(ds.ImagePositionPatient[:2]) == list(first.ImagePositionPatient[:2])
        assert ds.FrameOfReferenceUID == first.FrameOfReferenceUID and ds.SeriesInstanceUID == first.SeriesInstanceUID
        assert float(ds.SliceLocation) == float(ds.ImagePositionPatient[2])
    assert [ds.InstanceNumber for ds, _, _ in ct_headers] == list(range(1, len(ct_headers) + 1))
    # the image is centred: the first pixel is half the field of view left and in front of the isocentre
    fov = float(first.PixelSpacing[0]) * 512
    assert abs(float(first.ImagePositionPatient[0]) + fov / 2 - float(first.PixelSpacing[0]) / 2) < 1e-3
    # and it is a chest: air-filled lung on the right mid-chest, bone in the spine
    mid = ct_headers[len(ct_headers) // 3]
    assert mid[1] < -500 and mid[2] > 200


def test_the_other_series_are_what_they_claim():
    plan = {info.key: (info, gen) for info, gen in synth.demo_plan("demo-b", institution="演示第二人民医院", today=TODAY)}
    mr = list(plan["mr-brain"][1](plan["mr-brain"][0]))
    assert len(mr) >= 20 and {ds.Modality for ds in mr} == {"MR"}
    z = [float(ds.ImagePositionPatient[2]) for ds in mr]
    assert len(set(np.round(np.diff(z), 6))) == 1
    (dx,) = plan["dr-chest"][1](plan["dr-chest"][0])
    assert dx.Modality == "DX" and dx.SOPClassUID == synth.DX_PRESENTATION and dx.Rows >= 1024
    mg = list(plan["mg-pair"][1](plan["mg-pair"][0]))
    assert [ds.ImageLaterality for ds in mg] == ["R", "L"] and {ds.ViewPosition for ds in mg} == {"CC"}
    (us,) = plan["us-heart"][1](plan["us-heart"][0])
    assert us.NumberOfFrames == 30 and len(us.PixelData) == 30 * us.Rows * us.Columns
    assert us.SOPClassUID == synth.US_MULTIFRAME and us.FrameIncrementPointer == 0x00181063


def test_chinese_names_round_trip_in_utf8():
    info, generate = synth.demo_plan("demo-a", institution="演示第一人民医院", today=TODAY)[1]
    raw = synth.encode(next(iter(generate(info))))
    assert "李^四".encode() in raw and b"ISO_IR 192" in raw
    back = pydicom.dcmread(io.BytesIO(raw))
    assert back.SpecificCharacterSet == "ISO_IR 192"
    assert str(back.PatientName) == "Li^Si=李^四" and back.PatientName.ideographic == "李^四"
    assert back.InstitutionName == "演示第一人民医院" and back.StudyDescription == "头颅MR平扫"


def test_uids_are_deterministic_and_valid():
    a = synth.demo_plan("demo-a", institution="x", today=TODAY)
    again = synth.demo_plan("demo-a", institution="x", today=TODAY + dt.timedelta(days=3))
    b = synth.demo_plan("demo-b", institution="x", today=TODAY)
    assert [i.study_uid for i, _ in a] == [i.study_uid for i, _ in again]
    assert not {i.study_uid for i, _ in a} & {i.study_uid for i, _ in b}
    for info, _ in a:
        for u in (info.study_uid, info.series_uid(1), info.sop_uid(1, 200)):
            assert len(u) <= 64 and u.startswith("2.25.") and all(p.isdigit() and (p == "0" or p[0] != "0")
                                                               for p in u.split("."))
        assert idnumber.is_valid(info.person.id_number)
    accessions = [i.accession for i, _ in a]
    assert len(set(accessions)) == len(accessions) and accessions[0] == "CT202611280001"


def test_the_demo_hospitals_have_the_studies_and_nodes(login_as):
    for code, ae in (("demo-a", "DEMO_A"), ("demo-b", "DEMO_B")):
        api = login_as(code, "admin")
        studies = api.ok("GET", "/api/v1/imaging/studies?pageSize=50")["items"]
        by_modality = {s["modalities"].strip("\\"): s for s in studies}
        assert {"CT", "MR", "DX", "MG", "US"} <= set(by_modality)
        assert by_modality["CT"]["numInstances"] >= 200
        assert any(s["studyDate"] == clock.today().strftime("%Y%m%d") for s in studies)  # 影像诊断 shows today
        assert all("=" in s["patientName"] for s in studies)
        nodes = api.ok("GET", f"/api/v1/imaging/nodes?aeTitle={ae}")["items"]
        assert len(nodes) == 1 and nodes[0]["host"] == "127.0.0.1" and nodes[0]["port"] in (11113, 11114)
        assert all(nodes[0][k] for k in ("allowStore", "allowFind", "allowMove", "allowGet"))
    with system_session() as s:
        tenant = s.scalar(sa.select(Tenant).where(Tenant.code == "demo-a"))
        assert s.scalar(sa.select(DicomNode.tenant_id).where(DicomNode.ae_title == "DEMO_A")) == tenant.id
        # the emergency radiograph arrived under another hospital ID with the same ID number: one patient
        zhang = s.scalar(sa.select(Patient).where(Patient.tenant_id == tenant.id, Patient.patient_id == "A100001"))
        assert s.scalar(sa.select(sa.func.count()).select_from(Study).where(Study.patient_ref == zhang.id)) == 2
        assert set(s.scalars(sa.select(Instance.source).where(Instance.tenant_id == tenant.id))) == {"demo"}
        platform = s.scalar(sa.select(Tenant).where(Tenant.code == "platform"))
        assert s.scalar(sa.select(Study.id).where(Study.tenant_id == platform.id).limit(1)) is None


def test_the_demo_is_idempotent():
    from radix.platform import demo as platform_demo

    def counts():
        with system_session() as s:
            return (s.scalar(sa.select(sa.func.count()).select_from(Instance).where(Instance.source == "demo")),
                    s.scalar(sa.select(sa.func.count()).select_from(DicomNode).where(DicomNode.ae_title.in_(["DEMO_A", "DEMO_B"]))))

    before = counts()
    assert before[0] >= 2 * 229 and before[1] == 2
    platform_demo.run()
    assert counts() == before
    with system_session() as s:
        tenant = s.scalar(sa.select(Tenant).where(Tenant.code == "demo-b"))
        assert demo.ingest_demo_studies(tenant.id, code="demo-b", name=tenant.name) == 0
    assert counts() == before
