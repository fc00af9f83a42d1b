"""The archive's SCP and SCU with dcmtk: echoscu, storescu (every file pydicom ships), findscu, movescu to
a storescp, getscu; who is refused; the API's C-ECHO and send-to-node against a storescp."""

from __future__ import annotations

import io
from collections import defaultdict
from pathlib import Path
from typing import Any

import pydicom
import pydicom.data
import pytest
import sqlalchemy as sa
from pynetdicom.sop_class import SecondaryCaptureImageStorage

from radix.core.storage import blobs
from radix.imaging import store
from radix.imaging.models import Instance, Study
from tests.conftest import system_session
from tests.imaging.dimse.conftest import add_node, bare_tenant, dataset_bytes, scu, send_raw
from tests.interop import peers

pytestmark = pytest.mark.xdist_group("dcmtk")


@pytest.fixture(autouse=True)
def _dcmtk() -> None:
    peers.require(*peers.DCMTK_TOOLS)


@pytest.fixture(scope="module")
def hospital(tenant_factory: Any) -> tuple[dict[str, Any], Any]:
    return tenant_factory()


def stored(tenant_id: int, sop_uid: str) -> Instance | None:
    with system_session() as s:
        row = s.scalar(sa.select(Instance).where(Instance.tenant_id == tenant_id, Instance.sop_uid == sop_uid))
        if row is not None:
            s.expunge(row)
        return row


def test_echoscu_and_unknown_callers(dicom_scp, hospital):
    tenant, _ = hospital
    node = add_node(tenant["id"])
    r = peers.run("echoscu", "-aet", node.ae_title, "-aec", "RADIX", "127.0.0.1", dicom_scp.port)
    assert r.returncode == 0, r.stderr
    r = peers.run("echoscu", "-aet", "NOT_REGISTERED", "-aec", "RADIX", "127.0.0.1", dicom_scp.port)
    assert r.returncode != 0 and "Calling AE Title Not Recognized" in r.stdout + r.stderr


# --- every file pydicom ships ---------------------------------------------------------------------


def _corpus() -> list[Path]:
    root = Path(pydicom.data.__file__).parent
    return sorted(p for sub in ("test_files", "charset_files") for p in (root / sub).iterdir() if p.is_file())


def _sop_uid(path: Path) -> str | None:
    try:
        ds = pydicom.dcmread(path, stop_before_pixels=True, force=True)
        return str(ds.get("SOPInstanceUID") or "") or None
    except Exception:
        return None


def _rounds(files: list[Path]) -> list[list[Path]]:
    """Files in rounds within which SOP Instance UIDs are unique (pydicom's MR_small variants share one)."""
    rounds: list[list[Path]] = []
    seen: list[set[str]] = []
    for f in files:
        uid = _sop_uid(f) or f"none:{f.name}"
        for members, uids in zip(rounds, seen, strict=True):
            if uid not in uids:
                members.append(f)
                uids.add(uid)
                break
        else:
            rounds.append([f])
            seen.append({uid})
    return rounds


def _received(directory: Path) -> dict[str, bytes]:
    out = {}
    for path in directory.rglob("*.dcm"):
        raw = path.read_bytes()
        ds = pydicom.dcmread(io.BytesIO(raw), stop_before_pixels=True, force=True)
        out[str(ds.file_meta.MediaStorageSOPInstanceUID)] = raw
    return out


def test_every_pydicom_file_is_stored_as_received_or_refused_alone(dicom_scp, tmp_path):
    """Each file goes to the archive and, identically, to dcmtk's bit-preserving storescp: what the archive
    acknowledged is what it stored, byte for byte (the data set as received, in the syntax it was sent);
    what it refused is exactly what its parser cannot index; the association and the server go on."""
    corpus = _corpus()
    acknowledged = refused = 0
    unsent: list[Path] = []
    with peers.storescp(tmp_path / "scp") as reference:
        for n, members in enumerate(_rounds(corpus)):
            work = tmp_path / f"round{n}"
            work.mkdir()
            tenant_id = bare_tenant()  # a tenant per round: SOP Instance UIDs repeat across rounds
            node = add_node(tenant_id)
            ours = peers.storescu(members, dicom_scp.port, aet=node.ae_title, workdir=work)
            theirs = peers.storescu(members, reference.port, aet=node.ae_title, aec=reference.ae_title, workdir=work)
            received = _received(reference.directory)
            for path in reference.files():  # the next round may reuse these SOP Instance UIDs
                path.unlink()
            # storescu sent the same files to both, and the archive answered every one of them
            assert set(ours.sent) == set(theirs.sent), ours.output[-2000:]
            for name, status in ours.sent.items():
                sent = received[_sop_uid(Path(name))]
                if status.startswith("Success"):
                    acknowledged += 1
                    row = stored(tenant_id, _sop_uid(Path(name)))
                    blob = blobs().get(row.blob_key)
                    assert dataset_bytes(blob) == dataset_bytes(sent), name
                    assert row.transfer_syntax == str(pydicom.dcmread(io.BytesIO(sent), stop_before_pixels=True)
                                                      .file_meta.TransferSyntaxUID), name
                else:
                    refused += 1
                    assert "CannotUnderstand" in status or "Error" in status, (name, status)
                    with pytest.raises(store.IngestError):
                        store.parse(sent)
            unsent += [f for f in members if str(f) not in ours.sent]
    assert acknowledged >= 70 and refused >= 1
    # what storescu will not even send (no SOP UIDs, truncated, not DICOM): sent raw, each fails alone
    assoc = scu(node.ae_title, [SecondaryCaptureImageStorage], dicom_scp.port)
    assert assoc.is_established
    try:
        for i, f in enumerate(p for p in unsent if p.suffix == ".dcm"):
            status = send_raw(assoc, SecondaryCaptureImageStorage, f"1.2.826.0.1.3680043.9.7433.9.{i + 1}",
                              dataset_bytes(f.read_bytes()), msg_id=i + 1)
            assert status in (0x0000, 0xC000), (f.name, status)
            assert assoc.is_established, f.name
    finally:
        assoc.release()
    r = peers.run("echoscu", "-aet", node.ae_title, "-aec", "RADIX", "127.0.0.1", dicom_scp.port)
    assert r.returncode == 0


# --- query and retrieve ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def studies(dicom_scp, hospital, tmp_path_factory) -> dict[str, Any]:
    """Two studies sent with storescu: a CT of 王五 in March 2024 (two series), an MR of Li^Si in 2023."""
    tenant, _ = hospital
    node = add_node(tenant["id"])
    work = tmp_path_factory.mktemp("studies")
    ct = peers.make_ct_series(work / "ct1", 4, patient_id="QR001")
    study_uid = pydicom.dcmread(ct[0]).StudyInstanceUID
    ct += peers.make_ct_series(work / "ct2", 2, patient_id="QR001", study_uid=study_uid)
    mr = peers.make_ct_series(work / "mr", 3, patient_id="QR002")
    for path in mr:
        ds = pydicom.dcmread(path)
        ds.PatientName = "Li^Si"
        ds.StudyDate = "20230701"
        ds.Modality = "MR"
        ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.4"
        ds.save_as(path, enforce_file_format=True)
    for path in ct:
        ds = pydicom.dcmread(path)
        ds.PatientName = "王五"
        ds.save_as(path, enforce_file_format=True)
    outcome = peers.storescu(ct + mr, dicom_scp.port, aet=node.ae_title, workdir=work)
    assert len(outcome.succeeded) == 9, outcome.output[-2000:]
    return {"tenant": tenant, "node": node, "ct": study_uid, "mr": pydicom.dcmread(mr[0]).StudyInstanceUID,
            "ct_files": ct, "mr_files": mr}


def findscu(port: int, aet: str, workdir: Path, *keys: str, model: str = "-S") -> tuple[list[pydicom.Dataset], str]:
    out = workdir / f"find{len(list(workdir.iterdir()))}"
    out.mkdir()
    args = [a for k in keys for a in ("-k", k)]
    r = peers.run("findscu", model, "-X", "-od", out, "-aet", aet, "-aec", "RADIX", *args, "127.0.0.1", port)
    return [pydicom.dcmread(p) for p in sorted(out.glob("rsp*.dcm"))], r.stdout + r.stderr


def test_findscu_at_study_series_and_image_level(dicom_scp, studies, tmp_path):
    aet = studies["node"].ae_title
    found, log = findscu(dicom_scp.port, aet, tmp_path, "QueryRetrieveLevel=STUDY", "PatientName=王*",
                         "SpecificCharacterSet=ISO_IR 192", "StudyInstanceUID", "ModalitiesInStudy",
                         "NumberOfStudyRelatedInstances")
    assert [d.StudyInstanceUID for d in found] == [studies["ct"]], log
    assert str(found[0].PatientName) == "王五" and found[0].NumberOfStudyRelatedInstances == 6
    found, _ = findscu(dicom_scp.port, aet, tmp_path, "QueryRetrieveLevel=STUDY", "StudyDate=20230101-20231231",
                       "StudyInstanceUID", "PatientName")
    assert [(d.StudyInstanceUID, str(d.PatientName)) for d in found] == [(studies["mr"], "Li^Si")]
    found, _ = findscu(dicom_scp.port, aet, tmp_path, "QueryRetrieveLevel=STUDY", "StudyDate=20240101-",
                       "PatientID=QR00?", "StudyInstanceUID")
    assert [d.StudyInstanceUID for d in found] == [studies["ct"]]
    found, _ = findscu(dicom_scp.port, aet, tmp_path, "QueryRetrieveLevel=SERIES", f"StudyInstanceUID={studies['ct']}",
                       "SeriesInstanceUID", "NumberOfSeriesRelatedInstances", "Modality=C*")
    assert sorted(d.NumberOfSeriesRelatedInstances for d in found) == [2, 4]
    series = next(d.SeriesInstanceUID for d in found if d.NumberOfSeriesRelatedInstances == 4)
    found, _ = findscu(dicom_scp.port, aet, tmp_path, "QueryRetrieveLevel=IMAGE", f"StudyInstanceUID={studies['ct']}",
                       f"SeriesInstanceUID={series}", "SOPInstanceUID", "InstanceNumber", "Rows")
    assert sorted(d.InstanceNumber for d in found) == [1, 2, 3, 4] and {d.Rows for d in found} == {64}
    found, _ = findscu(dicom_scp.port, aet, tmp_path, "QueryRetrieveLevel=PATIENT", "PatientID=QR*", "PatientName",
                       "NumberOfPatientRelatedStudies", model="-P")
    assert sorted(d.PatientID for d in found) == ["QR001", "QR002"]


def test_a_node_without_allow_find_is_refused(dicom_scp, studies, tmp_path):
    node = add_node(studies["tenant"]["id"], allow_find=False)
    found, log = findscu(dicom_scp.port, node.ae_title, tmp_path, "QueryRetrieveLevel=STUDY", "StudyInstanceUID")
    assert not found and "No Acceptable Presentation Contexts" in log


def _pixels(raw_or_path: Any) -> bytes:
    source = io.BytesIO(raw_or_path) if isinstance(raw_or_path, bytes) else raw_or_path
    return pydicom.dcmread(source).PixelData


def _study_blobs(tenant_id: int, study_uid: str) -> dict[str, bytes]:
    with system_session() as s:
        rows = s.execute(sa.select(Instance.sop_uid, Instance.blob_key).join(Study, Study.id == Instance.study_ref)
                         .where(Study.tenant_id == tenant_id, Study.study_uid == study_uid)).all()
    return {uid: blobs().get(key) for uid, key in rows}


def test_movescu_to_a_storescp_registered_as_a_node(dicom_scp, studies, tmp_path):
    tenant_id = studies["tenant"]["id"]
    with peers.storescp(tmp_path / "moved", ae_title="MOVEDEST") as dest:
        add_node(tenant_id, ae_title="MOVEDEST", port=dest.port)
        r = peers.run("movescu", "-v", "-S", "-aet", studies["node"].ae_title, "-aec", "RADIX", "-aem", "MOVEDEST",
                      "-k", "QueryRetrieveLevel=STUDY", "-k", f"StudyInstanceUID={studies['ct']}",
                      "127.0.0.1", dicom_scp.port)
        assert r.returncode == 0 and "Final Move Response (Success)" in r.stdout + r.stderr, r.stdout + r.stderr
        moved = {str(pydicom.dcmread(p).SOPInstanceUID): p for p in dest.files()}
    originals = _study_blobs(tenant_id, studies["ct"])
    assert set(moved) == set(originals) and len(moved) == 6
    for uid, raw in originals.items():
        assert _pixels(moved[uid]) == _pixels(raw)
        assert dataset_bytes(moved[uid].read_bytes()) == dataset_bytes(raw)
    r = peers.run("movescu", "-S", "-aet", studies["node"].ae_title, "-aec", "RADIX", "-aem", "UNKNOWNDEST",
                  "-k", "QueryRetrieveLevel=STUDY", "-k", f"StudyInstanceUID={studies['ct']}", "127.0.0.1", dicom_scp.port)
    assert r.returncode != 0 and "MoveDestinationUnknown" in r.stdout + r.stderr


def test_getscu(dicom_scp, studies, tmp_path):
    out = tmp_path / "got"
    out.mkdir()
    r = peers.run("getscu", "-v", "-S", "-aet", studies["node"].ae_title, "-aec", "RADIX", "-od", out,
                  "-k", "QueryRetrieveLevel=STUDY", "-k", f"StudyInstanceUID={studies['mr']}", "127.0.0.1", dicom_scp.port)
    assert r.returncode == 0, r.stdout + r.stderr
    got = {str(pydicom.dcmread(p).SOPInstanceUID): p for p in out.iterdir()}
    originals = _study_blobs(studies["tenant"]["id"], studies["mr"])
    assert set(got) == set(originals) and len(got) == 3
    for uid, raw in originals.items():
        assert _pixels(got[uid]) == _pixels(raw)


# --- the API toward a storescp --------------------------------------------------------------------


def test_api_echo_against_a_storescp_and_a_closed_port(hospital, tmp_path):
    tenant, api = hospital
    with peers.storescp(tmp_path / "echo", ae_title="ECHOSCP") as scp:
        node = add_node(tenant["id"], ae_title="ECHOSCP", port=scp.port)
        body = api.ok("POST", f"/api/v1/imaging/nodes/{node.id}/echo")
        assert body["ok"] is True, body
        closed = scp.port
    body = api.ok("POST", f"/api/v1/imaging/nodes/{node.id}/echo")  # the storescp has stopped: port closed
    assert body["ok"] is False and str(closed) in body["message"]
    assert api.ok("GET", f"/api/v1/imaging/nodes/{node.id}")["lastEchoOk"] is False


def test_send_a_study_to_a_storescp(studies, hospital, tmp_path):
    tenant, api = hospital
    with system_session() as s:
        study_id = s.scalar(sa.select(Study.id).where(Study.tenant_id == tenant["id"], Study.study_uid == studies["ct"]))
    with peers.storescp(tmp_path / "sent", ae_title="SENDDEST") as dest:
        node = add_node(tenant["id"], ae_title="SENDDEST", port=dest.port)
        run = api.ok("POST", f"/api/v1/imaging/studies/{study_id}/send", json={"nodeId": node.id}, status=202)
        done = api.ok("GET", f"/api/v1/jobs/{run['id']}")
        assert done["status"] == "succeeded" and done["result"]["sent"] == 6, done
        received = {str(pydicom.dcmread(p).SOPInstanceUID): p.read_bytes() for p in dest.files()}
    by_uid = defaultdict(bytes, _study_blobs(tenant["id"], studies["ct"]))
    assert set(received) == set(by_uid)
    for uid, raw in received.items():
        assert dataset_bytes(raw) == dataset_bytes(by_uid[uid])
