"""Ingest: durable, indexed, DICOM JSON kept, duplicates per policy, malformed files refused."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pydicom
import pytest
import sqlalchemy as sa
from pydicom.data import get_testdata_file

from radix.imaging import store
from radix.imaging.models import EventKind, ImageEvent, Instance, Series, Study
from tests.conftest import system_session


def _raw(name: str) -> bytes:
    return Path(get_testdata_file(name)).read_bytes()


def test_ingest_indexes_and_keeps_metadata(new_tenant):
    tenant, _ = new_tenant()
    result = store.ingest(_raw("CT_small.dcm"), store.Arrival(tenant_id=tenant["id"], source="test"))
    assert result.ok and not result.duplicate, result.message
    with system_session() as s:
        inst = s.scalar(sa.select(Instance).where(Instance.tenant_id == tenant["id"], Instance.sop_uid == result.sop_uid))
        study = s.get(Study, inst.study_ref)
        series = s.get(Series, inst.series_ref)
        assert study.num_instances == 1 and study.num_series == 1 and study.modalities == "\\CT\\"
        assert series.modality == "CT" and inst.transfer_syntax == "1.2.840.10008.1.2.1"
        meta = json.loads(inst.metadata_json)
        assert meta["00080018"]["Value"] == [result.sop_uid]
        assert meta["7FE00010"]["BulkDataURI"].startswith(store.BULK_BASE + "/studies/")
        # the stored bytes are the received bytes, and the pixel offset points at Pixel Data
        from radix.core.storage import blobs

        stored = blobs().get(inst.blob_key)
        assert stored == _raw("CT_small.dcm")
        ds = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
        assert stored[inst.pixel_offset: inst.pixel_offset + inst.pixel_length] == ds.PixelData
        kinds = [e.kind for e in s.scalars(sa.select(ImageEvent).where(ImageEvent.sop_uid == result.sop_uid,
                                                                      ImageEvent.tenant_id == tenant["id"])
                                                  .order_by(ImageEvent.id))]
        assert kinds == [EventKind.RECEIVED, EventKind.STORED, EventKind.INDEXED]


def test_duplicates_follow_the_policy(new_tenant, monkeypatch):
    tenant, _ = new_tenant()
    arrival = store.Arrival(tenant_id=tenant["id"], source="test")
    first = store.ingest(_raw("MR_small.dcm"), arrival)
    again = store.ingest(_raw("MR_small.dcm"), arrival)
    assert first.ok and again.ok and again.duplicate
    monkeypatch.setattr(store, "duplicate_policy", lambda: "reject")
    refused = store.ingest(_raw("MR_small.dcm"), arrival)
    assert refused.status == store.FAILURE_DUPLICATE_REJECTED
    monkeypatch.setattr(store, "duplicate_policy", lambda: "overwrite")
    over = store.ingest(_raw("MR_small.dcm"), arrival)
    assert over.ok and over.duplicate
    with system_session() as s:
        study = s.scalar(sa.select(Study).where(Study.tenant_id == tenant["id"], Study.study_uid == first.study_uid))
        assert study.num_instances == 1  # never counted twice


def test_ingest_indexes_the_instance_shape_and_an_overwrite_refreshes_it(new_tenant, monkeypatch):
    tenant, _ = new_tenant()
    arrival = store.Arrival(tenant_id=tenant["id"], source="test")
    ds = pydicom.dcmread(get_testdata_file("MR_small.dcm"))
    first = store.ingest(_raw("MR_small.dcm"), arrival)
    monkeypatch.setattr(store, "duplicate_policy", lambda: "overwrite")
    ds.InstanceNumber = 7
    ds.ImageComments = "重发，序号更正"
    ds.SpecificCharacterSet = "ISO_IR 192"
    buf = io.BytesIO()
    ds.save_as(buf)
    again = store.ingest(buf.getvalue(), arrival)
    assert first.ok and again.ok and again.duplicate
    with system_session() as s:
        inst = s.scalar(sa.select(Instance).where(Instance.tenant_id == tenant["id"], Instance.sop_uid == first.sop_uid))
        assert (inst.instance_number, inst.rows, inst.columns, inst.num_frames) == (7, 64, 64, 1)
        assert inst.sop_class_uid == ds.SOPClassUID
        assert json.loads(inst.metadata_json)["00204000"]["Value"] == ["重发，序号更正"]


def test_same_instance_in_two_tenants_is_two_rows(new_tenant):
    a, _ = new_tenant()
    b, _ = new_tenant()
    for t in (a, b):
        assert store.ingest(_raw("CT_small.dcm"), store.Arrival(tenant_id=t["id"])).ok
    with system_session() as s:
        tenants = set(s.scalars(sa.select(Instance.tenant_id).where(Instance.tenant_id.in_([a["id"], b["id"]]))))
        assert tenants == {a["id"], b["id"]}


@pytest.mark.parametrize("payload", [b"not dicom at all", b"DICM" * 10, b""])
def test_malformed_files_are_refused_with_a_failure_status(new_tenant, payload):
    tenant, _ = new_tenant()
    result = store.ingest(payload, store.Arrival(tenant_id=tenant["id"]))
    assert not result.ok and result.status == store.FAILURE_CANNOT_UNDERSTAND and result.message


def test_study_list_filters_by_one_whole_modality(new_tenant):
    tenant, admin = new_tenant()
    for name in ("CT_small.dcm", "MR_small.dcm"):
        assert store.ingest(_raw(name), store.Arrival(tenant_id=tenant["id"])).ok
    ct = admin.ok("GET", "/api/v1/imaging/studies?modality=CT&receivedAtFrom=2000-01-01")["items"]
    mr = admin.ok("GET", "/api/v1/imaging/studies?modality=mr&receivedAtFrom=2000-01-01")["items"]
    assert [s["modalities"] for s in ct] == ["\\CT\\"] and [s["modalities"] for s in mr] == ["\\MR\\"]
    assert admin.ok("GET", "/api/v1/imaging/studies?modality=C")["total"] == 0


def test_instances_without_patient_id_share_their_study_patient(new_tenant):
    from pydicom.uid import generate_uid

    tenant, _ = new_tenant()
    ds = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    del ds.PatientID
    ds.StudyInstanceUID = generate_uid()
    results = []
    for _ in range(2):
        ds.SOPInstanceUID = generate_uid()
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        import io

        buf = io.BytesIO()
        ds.save_as(buf)
        results.append(store.ingest(buf.getvalue(), store.Arrival(tenant_id=tenant["id"])))
    assert all(r.ok for r in results), [r.message for r in results]


def test_truncated_pixel_data_is_refused(new_tenant):
    tenant, _ = new_tenant()
    raw = _raw("CT_small.dcm")
    result = store.ingest(raw[:-1000], store.Arrival(tenant_id=tenant["id"]))
    assert not result.ok and "截断" in result.message


def test_study_list_filters_by_study_date_range(new_tenant):
    """Study dates are DICOM DA text; the date range compares them as YYYYMMDD on every engine."""
    tenant, admin = new_tenant()
    for name in ("MR_small.dcm", "CT_small.dcm"):  # the older study arrives last
        assert store.ingest(_raw(name), store.Arrival(tenant_id=tenant["id"])).ok
    q = "/api/v1/imaging/studies?studyDateFrom={}&studyDateTo={}"
    assert [s["modalities"] for s in admin.ok("GET", q.format("2004-01-19", "2004-01-19"))["items"]] == ["\\CT\\"]
    assert [s["modalities"] for s in admin.ok("GET", q.format("2004-02-01", "2004-12-31"))["items"]] == ["\\MR\\"]
    assert admin.ok("GET", q.format("2005-01-01", "2005-12-31"))["total"] == 0
    # newest 检查时间 first by default (manual 3 §2.2.1.1), whatever order they arrived in
    assert [s["studyDate"] for s in admin.ok("GET", "/api/v1/imaging/studies")["items"]] == ["20040826", "20040119"]


def test_a_deleted_study_is_not_reused_from_the_receivers_memory(new_tenant):
    """The receiver remembers study/series ids; a study deleted meanwhile is recreated, never written into."""
    from pydicom.uid import generate_uid

    tenant, admin = new_tenant()
    ds = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()

    def send() -> store.IngestResult:
        ds.SOPInstanceUID = generate_uid()
        buf = io.BytesIO()
        ds.save_as(buf, enforce_file_format=True)
        result = store.ingest(buf.getvalue(), store.Arrival(tenant_id=tenant["id"]))
        assert result.ok, result.message
        return result

    send()
    with system_session() as s:
        old = s.scalar(sa.select(Study).where(Study.tenant_id == tenant["id"], Study.study_uid == ds.StudyInstanceUID))
        old_id = old.id
        s.delete(old)
    send()
    with system_session() as s:
        study = s.scalar(sa.select(Study).where(Study.tenant_id == tenant["id"], Study.study_uid == ds.StudyInstanceUID))
        assert study is not None and study.num_instances == 1 and study.num_series == 1
        count = s.scalar(sa.select(sa.func.count()).select_from(Instance).where(Instance.study_ref == study.id))
        assert count == 1
        assert s.get(Study, old_id) is None or old_id == study.id
