"""Ingest: durable, indexed, DICOM JSON kept, duplicates per policy, malformed files refused."""

from __future__ import annotations

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
        kinds = [e.kind for e in s.scalars(sa.select(ImageEvent).where(ImageEvent.sop_uid == result.sop_uid)
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
