"""Orthanc 1.10 (Debian) and the archive, both ways: Orthanc C-MOVEs a study from the archive, the
archive C-STOREs a study to Orthanc and C-MOVEs one from it; pixel data compared byte for byte."""

from __future__ import annotations

import io

import pydicom
import pytest
import sqlalchemy as sa

from radix.core.storage import blobs
from radix.imaging.dimse import scu
from radix.imaging.models import Instance, Study
from tests.conftest import system_session
from tests.imaging.dimse.conftest import add_node, dataset_bytes
from tests.interop import peers

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dcmtk")]


def _pixels(raw: bytes) -> bytes:
    return pydicom.dcmread(io.BytesIO(raw)).PixelData


def _archive(tenant_id: int, study_uid: str) -> dict[str, bytes]:
    with system_session() as s:
        rows = s.execute(sa.select(Instance.sop_uid, Instance.blob_key).join(Study, Study.id == Instance.study_ref)
                         .where(Study.tenant_id == tenant_id, Study.study_uid == study_uid)).all()
    return {uid: blobs().get(key) for uid, key in rows}


def _orthanc_study(orthanc: peers.Orthanc, study_uid: str) -> dict[str, bytes]:
    ids = orthanc.request("POST", "/tools/find", {"Level": "Instance", "Query": {"StudyInstanceUID": study_uid}})
    out = {}
    for instance_id in ids:
        raw = orthanc.request("GET", f"/instances/{instance_id}/file")
        out[str(pydicom.dcmread(io.BytesIO(raw), stop_before_pixels=True).SOPInstanceUID)] = raw
    return out


def test_orthanc_and_the_archive_exchange_studies(dicom_scp, tenant_factory, tmp_path):
    peers.require("Orthanc", "storescu")
    tenant, api = tenant_factory()
    radix = {"AET": "RADIX", "Host": "127.0.0.1", "Port": dicom_scp.port, "AllowEcho": True, "AllowFind": True,
             "AllowMove": True, "AllowGet": True, "AllowStore": True}
    with peers.orthanc(tmp_path / "orthanc", {"radix": radix}, ae_title="ORTHANCT") as orthanc:
        node = add_node(tenant["id"], ae_title="ORTHANCT", port=orthanc.dicom_port)
        assert orthanc.request("POST", "/modalities/radix/echo", b"{}") is not None
        assert api.ok("POST", f"/api/v1/imaging/nodes/{node.id}/echo")["ok"] is True

        # a study in the archive (sent with storescu), moved by Orthanc to itself
        first = peers.make_ct_series(tmp_path / "a", 5, size=64, patient_id="ORTH1")
        study_a = str(pydicom.dcmread(first[0]).StudyInstanceUID)
        sent = peers.storescu(first, dicom_scp.port, aet=node.ae_title, workdir=tmp_path)
        assert len(sent.succeeded) == 5, sent.output[-2000:]
        orthanc.request("POST", "/modalities/radix/move", {
            "Level": "Study", "Resources": [{"StudyInstanceUID": study_a}], "TargetAet": "ORTHANCT",
            "Synchronous": True})
        theirs, ours = _orthanc_study(orthanc, study_a), _archive(tenant["id"], study_a)
        assert set(theirs) == set(ours) and len(ours) == 5
        for uid in ours:
            assert _pixels(theirs[uid]) == _pixels(ours[uid])

        # another study, sent by the archive (the API's send job, C-STORE SCU) to Orthanc
        second = peers.make_ct_series(tmp_path / "b", 4, size=128, patient_id="ORTH2")
        study_b = str(pydicom.dcmread(second[0]).StudyInstanceUID)
        assert len(peers.storescu(second, dicom_scp.port, aet=node.ae_title, workdir=tmp_path).succeeded) == 4
        with system_session() as s:
            study_id = s.scalar(sa.select(Study.id).where(Study.tenant_id == tenant["id"], Study.study_uid == study_b))
        run = api.ok("POST", f"/api/v1/imaging/studies/{study_id}/send", json={"nodeId": node.id}, status=202)
        assert api.ok("GET", f"/api/v1/jobs/{run['id']}")["status"] == "succeeded"
        theirs, ours = _orthanc_study(orthanc, study_b), _archive(tenant["id"], study_b)
        assert set(theirs) == set(ours) and len(ours) == 4
        for uid in ours:
            assert _pixels(theirs[uid]) == _pixels(ours[uid])

        # a study only Orthanc has, fetched by the archive's C-MOVE SCU into the archive
        third = peers.make_ct_series(tmp_path / "c", 3, size=32, patient_id="ORTH3")
        study_c = str(pydicom.dcmread(third[0]).StudyInstanceUID)
        for path in third:
            orthanc.request("POST", "/instances", path.read_bytes())
        report = scu.move(scu.Target("ORTHANCT", "127.0.0.1", orthanc.dicom_port), destination="RADIX",
                          level="STUDY", keys={"StudyInstanceUID": study_c})
        assert report.ok and report.completed == 3, report.message
        ours = _archive(tenant["id"], study_c)
        originals = {str(pydicom.dcmread(p).SOPInstanceUID): p.read_bytes() for p in third}
        assert set(ours) == set(originals)
        for uid, raw in originals.items():
            assert _pixels(ours[uid]) == _pixels(raw)
            assert dataset_bytes(ours[uid])[-len(_pixels(raw)):] == _pixels(raw)
