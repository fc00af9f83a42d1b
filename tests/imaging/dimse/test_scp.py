"""The SCP with pynetdicom peers: who may associate and do what, durable C-STORE, malformed data,
private SOP classes, C-GET, C-MOVE (with transcoding for a peer that accepts only uncompressed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pydicom
import pytest
import sqlalchemy as sa
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset
from pynetdicom import build_role, evt
from pynetdicom.sop_class import (
    CTImageStorage,
    SecondaryCaptureImageStorage,
    StudyRootQueryRetrieveInformationModelFind,
    StudyRootQueryRetrieveInformationModelGet,
    StudyRootQueryRetrieveInformationModelMove,
    Verification,
)

from radix.config import get_settings
from radix.core.schemas import Status
from radix.core.storage import blobs
from radix.imaging import store
from radix.imaging.models import EventKind, ImageEvent, Instance
from tests.conftest import system_session, unique
from tests.imaging.dimse.conftest import (
    add_node,
    ct,
    dataset_bytes,
    part10,
    scu,
    send_raw,
    set_node,
    storage_peer,
)

PRIVATE_SOP_CLASS = "1.2.826.0.1.3680043.9.7433.1.1"


def instance(sop_uid: str) -> Instance | None:
    with system_session() as s:
        row = s.scalar(sa.select(Instance).where(Instance.sop_uid == sop_uid))
        if row is not None:
            s.expunge(row)
        return row


def test_a_node_stores_into_its_tenant_and_events_name_it(dicom_scp, tenant):
    node = add_node(tenant["id"])
    assoc = scu(node.ae_title, [CTImageStorage], dicom_scp.port)
    assert assoc.is_established
    ds = ct()
    try:
        assert assoc.send_c_store(ds).Status == 0x0000
    finally:
        assoc.release()
    row = instance(ds.SOPInstanceUID)
    assert row.tenant_id == tenant["id"] and row.source == "dimse" and row.calling_ae == node.ae_title
    assert pydicom.dcmread(blobs().open(row.blob_key)).SOPInstanceUID == ds.SOPInstanceUID  # durable before the answer
    with system_session() as s:
        events = s.execute(sa.select(ImageEvent.kind, ImageEvent.node).where(ImageEvent.sop_uid == ds.SOPInstanceUID)
                           .order_by(ImageEvent.id)).all()
    assert [k for k, _ in events] == [EventKind.RECEIVED, EventKind.STORED, EventKind.INDEXED]
    assert {n for _, n in events} == {f"{node.ae_title}@127.0.0.1"}


def test_unknown_callers_are_refused_or_quarantined(dicom_scp, monkeypatch):
    stranger = unique("X").upper()[:16]
    assoc = scu(stranger, [Verification], dicom_scp.port)
    assert assoc.is_rejected and not assoc.is_established, (
        f"established={assoc.is_established} aborted={assoc.is_aborted} stranger={stranger}")
    assert assoc.acceptor.primitive.diagnostic == 0x03  # calling AE title not recognised

    monkeypatch.setattr(get_settings(), "unknown_callers", "quarantine")
    assoc = scu(stranger, [Verification, CTImageStorage, StudyRootQueryRetrieveInformationModelFind], dicom_scp.port)
    assert assoc.is_established
    ds = ct()
    try:
        assert assoc.send_c_echo().Status == 0
        assert assoc.send_c_store(ds).Status == 0
        # a quarantined caller may store, never query
        assert StudyRootQueryRetrieveInformationModelFind not in {cx.abstract_syntax for cx in assoc.accepted_contexts}
    finally:
        assoc.release()
    row = instance(ds.SOPInstanceUID)
    with system_session() as s:
        from radix.platform.tenant.models import Tenant

        platform = s.scalar(sa.select(Tenant.id).where(Tenant.code == "platform"))
    assert row.tenant_id == platform and row.source == "quarantine" and row.calling_ae == stranger


def test_a_disabled_node_is_a_stranger(dicom_scp, tenant):
    node = add_node(tenant["id"])
    set_node(node.id, status=Status.DISABLED)
    assoc = scu(node.ae_title, [Verification], dicom_scp.port)
    assert assoc.is_rejected


def test_a_node_does_only_what_it_is_allowed(dicom_scp, tenant):
    node = add_node(tenant["id"], allow_store=False, allow_find=False, allow_move=False, allow_get=False)
    assoc = scu(node.ae_title, [Verification, CTImageStorage, StudyRootQueryRetrieveInformationModelFind,
                                StudyRootQueryRetrieveInformationModelMove], dicom_scp.port)
    assert assoc.is_established
    try:
        accepted = {cx.abstract_syntax for cx in assoc.accepted_contexts}
        assert Verification in accepted
        assert StudyRootQueryRetrieveInformationModelFind not in accepted
        assert StudyRootQueryRetrieveInformationModelMove not in accepted
        assert assoc.send_c_echo().Status == 0
    finally:
        assoc.release()
    node = add_node(tenant["id"], allow_store=False, allow_get=True)
    assoc = scu(node.ae_title, [CTImageStorage], dicom_scp.port)
    ds = ct()
    try:
        assert assoc.send_c_store(ds).Status == 0x0124  # refused: not authorised
    finally:
        assoc.release()
    assert instance(ds.SOPInstanceUID) is None


def test_malformed_instances_fail_alone_and_the_association_carries_on(dicom_scp, tenant):
    node = add_node(tenant["id"])
    assoc = scu(node.ae_title, [CTImageStorage], dicom_scp.port)
    assert assoc.is_established
    no_study = ct()
    del no_study.StudyInstanceUID
    body = dataset_bytes(part10(no_study))
    good = ct()
    try:
        assert send_raw(assoc, CTImageStorage, "1.2.3.4", b"\x08\x00\x16\x00UI\xff\x7fgarbage") == 0xC000
        assert send_raw(assoc, CTImageStorage, no_study.SOPInstanceUID, body, msg_id=2) == 0xC000
        assert send_raw(assoc, CTImageStorage, "1.2.3.5", body[: len(body) // 3], msg_id=3) in (0xC000,)
        assert assoc.send_c_store(good).Status == 0x0000  # the same association goes on
        assert assoc.is_established
    finally:
        assoc.release()
    assert instance(good.SOPInstanceUID) is not None and instance(no_study.SOPInstanceUID) is None
    with system_session() as s:
        failures = s.scalars(sa.select(ImageEvent.message).where(
            ImageEvent.kind == EventKind.FAILED, ImageEvent.node == f"{node.ae_title}@127.0.0.1")).all()
    assert len(failures) == 3 and any("StudyInstanceUID" in m for m in failures)
    again = scu(node.ae_title, [Verification], dicom_scp.port)  # and so does the server
    assert again.is_established and again.send_c_echo().Status == 0
    again.release()


def test_private_sop_classes_and_compressed_syntaxes_are_stored_as_sent(dicom_scp, tenant):
    node = add_node(tenant["id"])
    private = ct(SOPClassUID=PRIVATE_SOP_CLASS)
    j2k = pydicom.dcmread(get_testdata_file("JPEG2000.dcm"))
    j2k.SOPInstanceUID = pydicom.uid.generate_uid()
    assoc = scu(node.ae_title, [PRIVATE_SOP_CLASS, (SecondaryCaptureImageStorage, [j2k.file_meta.TransferSyntaxUID,
                                                                                 "1.2.840.10008.1.2.1"])],
                dicom_scp.port)
    assert assoc.is_established
    try:
        assert assoc.send_c_store(private).Status == 0
        assert assoc.send_c_store(j2k).Status == 0
    finally:
        assoc.release()
    assert instance(private.SOPInstanceUID).sop_class_uid == PRIVATE_SOP_CLASS
    stored = instance(j2k.SOPInstanceUID)
    assert stored.transfer_syntax == "1.2.840.10008.1.2.4.91"  # accepted as sent, not transcoded
    assert pydicom.dcmread(blobs().open(stored.blob_key)).PixelData == j2k.PixelData


def _study(tenant_id: int, count: int = 3) -> list[Dataset]:
    first = ct(PatientID="MOVE1")
    series = [first] + [ct(PatientID="MOVE1", StudyInstanceUID=first.StudyInstanceUID,
                           SeriesInstanceUID=first.SeriesInstanceUID, InstanceNumber=i + 2,
                           PixelData=np.full(16, i, dtype=np.uint16).tobytes()) for i in range(count - 1)]
    for ds in series:
        assert store.ingest(part10(ds), store.Arrival(tenant_id=tenant_id, source="test")).ok
    return series


def test_c_get_returns_the_study_on_the_same_association(dicom_scp, tenant):
    study = _study(tenant["id"])
    node = add_node(tenant["id"])
    received: dict[str, Dataset] = {}

    def on_store(event: Any) -> int:
        received[event.request.AffectedSOPInstanceUID] = event.dataset
        return 0

    from pynetdicom import AE

    ae = AE(ae_title=node.ae_title)
    ae.add_requested_context(StudyRootQueryRetrieveInformationModelGet)
    ae.add_requested_context(CTImageStorage)
    assoc = ae.associate("127.0.0.1", dicom_scp.port, ae_title="RADIX", ext_neg=[build_role(CTImageStorage, scp_role=True)],
                         evt_handlers=[(evt.EVT_C_STORE, on_store)])
    assert assoc.is_established
    identifier = Dataset()
    identifier.QueryRetrieveLevel = "STUDY"
    identifier.StudyInstanceUID = study[0].StudyInstanceUID
    try:
        final = list(assoc.send_c_get(identifier, StudyRootQueryRetrieveInformationModelGet))[-1][0]
    finally:
        assoc.release()
    assert final.Status == 0 and final.NumberOfCompletedSuboperations == 3
    assert {uid: ds.PixelData for uid, ds in received.items()} == {ds.SOPInstanceUID: ds.PixelData for ds in study}


def _move(port: int, calling: str, destination: str, **keys: Any) -> Dataset:
    assoc = scu(calling, [StudyRootQueryRetrieveInformationModelMove], port)
    assert assoc.is_established
    identifier = Dataset()
    for keyword, value in keys.items():
        setattr(identifier, keyword, value)
    try:
        return list(assoc.send_c_move(identifier, destination, StudyRootQueryRetrieveInformationModelMove))[-1][0]
    finally:
        assoc.release()


def test_c_move_sends_to_a_node_of_the_same_tenant(dicom_scp, tenant, tenant_factory):
    study = _study(tenant["id"])
    mover = add_node(tenant["id"])
    with storage_peer(unique("P").upper()[:16]) as peer:
        add_node(tenant["id"], ae_title=peer.ae_title, port=peer.port)
        final = _move(dicom_scp.port, mover.ae_title, peer.ae_title, QueryRetrieveLevel="STUDY",
                      StudyInstanceUID=study[0].StudyInstanceUID)
        assert final.Status == 0 and final.NumberOfCompletedSuboperations == 3
        assert set(peer.received) == {ds.SOPInstanceUID for ds in study}
        for ds in study:
            row = instance(ds.SOPInstanceUID)
            assert dataset_bytes(peer.received[ds.SOPInstanceUID]) == dataset_bytes(blobs().get(row.blob_key))
        with system_session() as s:
            forwarded = s.scalars(sa.select(ImageEvent.sop_uid).where(
                ImageEvent.kind == EventKind.FORWARDED, ImageEvent.node == f"{peer.ae_title}@127.0.0.1")).all()
        assert set(forwarded) == set(peer.received)

        # the destination must be a registered node of the caller's tenant that may receive moves
        assert _move(dicom_scp.port, mover.ae_title, "NOWHERE", QueryRetrieveLevel="STUDY",
                     StudyInstanceUID=study[0].StudyInstanceUID).Status == 0xA801
        other, _ = tenant_factory()
        stranger = add_node(other["id"])
        assert _move(dicom_scp.port, stranger.ae_title, peer.ae_title, QueryRetrieveLevel="STUDY",
                     StudyInstanceUID=study[0].StudyInstanceUID).Status == 0xA801


def test_c_move_decompresses_for_a_peer_that_accepts_only_uncompressed(dicom_scp, tenant):
    raw = Path(get_testdata_file("JPEG2000.dcm")).read_bytes()
    result = store.ingest(raw, store.Arrival(tenant_id=tenant["id"], source="test"))
    assert result.ok
    mover = add_node(tenant["id"])
    with storage_peer(unique("U").upper()[:16], ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2"]) as peer:
        add_node(tenant["id"], ae_title=peer.ae_title, port=peer.port)
        final = _move(dicom_scp.port, mover.ae_title, peer.ae_title, QueryRetrieveLevel="IMAGE",
                      StudyInstanceUID=result.study_uid, SeriesInstanceUID=result.series_uid,
                      SOPInstanceUID=result.sop_uid)
        assert final.Status == 0 and final.NumberOfCompletedSuboperations == 1
        assert peer.syntaxes[result.sop_uid] in ("1.2.840.10008.1.2.1", "1.2.840.10008.1.2")
        got = pydicom.dcmread(__import__("io").BytesIO(peer.received[result.sop_uid]))
        expected = pydicom.dcmread(get_testdata_file("JPEG2000.dcm")).pixel_array
        assert np.array_equal(got.pixel_array, expected)
