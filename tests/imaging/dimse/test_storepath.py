"""The storage path: which associations the SCP serves itself (storage only) and which go to pynetdicom,
fragmented data sets, and peers that break the protocol — each ending only their own association."""

from __future__ import annotations

import socket
import struct
import time
from typing import Any

import pydicom
import pytest
import sqlalchemy as sa
from pynetdicom import build_role
from pynetdicom.sop_class import CTImageStorage, StudyRootQueryRetrieveInformationModelFind, Verification

from radix.core.storage import blobs
from radix.imaging.dimse import server as dimse_server
from radix.imaging.dimse import storepath
from radix.imaging.models import Instance
from tests.conftest import system_session
from tests.imaging.dimse.conftest import add_node, ct, dataset_bytes, part10, scu

EXPLICIT_LE = "1.2.840.10008.1.2.1"


def stored_bytes(sop_uid: str) -> bytes | None:
    with system_session() as s:
        key = s.scalar(sa.select(Instance.blob_key).where(Instance.sop_uid == sop_uid))
    if key is None:
        return None
    with blobs().open(key) as fh:
        return fh.read()


def served(dicom_scp: Any) -> int:
    return dicom_scp.server.storage.served


def test_a_storage_association_is_served_by_the_storage_path(dicom_scp, tenant):
    node = add_node(tenant["id"])
    before = served(dicom_scp)
    ds = ct()
    assoc = scu(node.ae_title, [(CTImageStorage, [EXPLICIT_LE]), Verification], dicom_scp.port)
    assert assoc.is_established
    try:
        assert assoc.send_c_echo().Status == 0
        assert assoc.send_c_store(ds).Status == 0
    finally:
        assoc.release()
    assert assoc.is_released
    assert served(dicom_scp) == before + 1
    assert dataset_bytes(stored_bytes(ds.SOPInstanceUID)) == dataset_bytes(part10(ds))


def test_query_retrieve_and_role_selection_go_to_pynetdicom(dicom_scp, tenant):
    node = add_node(tenant["id"], allow_find=True)
    before = served(dicom_scp)
    assoc = scu(node.ae_title, [CTImageStorage, StudyRootQueryRetrieveInformationModelFind], dicom_scp.port)
    assert assoc.is_established
    try:
        assert StudyRootQueryRetrieveInformationModelFind in {cx.abstract_syntax for cx in assoc.accepted_contexts}
        query = pydicom.Dataset()
        query.QueryRetrieveLevel = "STUDY"
        query.StudyInstanceUID = ""
        statuses = [status.Status for status, _ in assoc.send_c_find(query, StudyRootQueryRetrieveInformationModelFind)]
        assert statuses[-1] == 0
    finally:
        assoc.release()

    from pynetdicom import AE

    ae = AE(ae_title=node.ae_title)
    ae.add_requested_context(CTImageStorage)
    with_role = ae.associate("127.0.0.1", dicom_scp.port, ae_title="RADIX",
                             ext_neg=[build_role(CTImageStorage, scu_role=True, scp_role=True)])
    assert with_role.is_established
    with_role.release()
    assert served(dicom_scp) == before  # neither came to the storage path


def test_a_data_set_in_many_small_pdus_is_stored_whole(dicom_scp, tenant, monkeypatch):
    import numpy as np

    monkeypatch.setattr(storepath, "MAXIMUM_PDU", 4096)  # the peer must fragment to fit
    node = add_node(tenant["id"])
    ds = ct(Rows=64, Columns=64, PixelData=np.arange(64 * 64, dtype=np.uint16).tobytes())
    assoc = scu(node.ae_title, [(CTImageStorage, [EXPLICIT_LE])], dicom_scp.port)
    assert assoc.is_established
    assert assoc.acceptor.maximum_length == 4096
    try:
        assert assoc.send_c_store(ds).Status == 0
    finally:
        assoc.release()
    assert dataset_bytes(stored_bytes(ds.SOPInstanceUID)) == dataset_bytes(part10(ds))


# --- peers that break the protocol ----------------------------------------------------------------


def _request(calling: str, abstract: str = CTImageStorage, syntax: str = EXPLICIT_LE) -> bytes:
    """An A-ASSOCIATE-RQ written out by hand (PS3.8 §9.3.2), one presentation context (id 1)."""
    def item(kind: int, value: bytes) -> bytes:
        return struct.pack(">BBH", kind, 0, len(value)) + value

    context = bytes((1, 0, 0, 0)) + item(0x30, abstract.encode()) + item(0x40, syntax.encode())
    body = (struct.pack(">HH", 1, 0) + b"RADIX".ljust(16) + calling.encode().ljust(16) + b"\x00" * 32
            + item(0x10, b"1.2.840.10008.3.1.1.1") + item(0x20, context)
            + item(0x50, item(0x51, struct.pack(">I", 16384)) + item(0x52, b"1.2.3.4")))
    return struct.pack(">BBI", 1, 0, len(body)) + body


def _read_pdu(sock: socket.socket) -> tuple[int, bytes]:
    header = b""
    while len(header) < 6:
        chunk = sock.recv(6 - len(header))
        if not chunk:
            return 0, b""
        header += chunk
    length = struct.unpack(">I", header[2:])[0]
    body = b""
    while len(body) < length:
        body += sock.recv(length - len(body))
    return header[0], body


def _connect(port: int, calling: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(_request(calling))
    kind, body = _read_pdu(sock)
    assert kind == 0x02, f"not accepted: PDU 0x{kind:02X}"
    return sock


def _pdv(context_id: int, header: int, data: bytes) -> bytes:
    pdv = struct.pack(">IBB", len(data) + 2, context_id, header) + data
    return struct.pack(">BBI", 4, 0, len(pdv)) + pdv


def _store_command(sop_uid: str) -> bytes:
    def element(tag: int, value: bytes) -> bytes:
        if len(value) % 2:
            value += b"\x00"
        return struct.pack("<HHI", 0, tag, len(value)) + value

    body = (element(0x0002, CTImageStorage.encode()) + element(0x0100, struct.pack("<H", 1))
            + element(0x0110, struct.pack("<H", 7)) + element(0x0700, struct.pack("<H", 0))
            + element(0x0800, struct.pack("<H", 0)) + element(0x1000, sop_uid.encode()))
    return element(0x0000, struct.pack("<I", len(body))) + body


def _still_serves(dicom_scp: Any, node: Any) -> None:
    again = scu(node.ae_title, [Verification], dicom_scp.port)
    assert again.is_established and again.send_c_echo().Status == 0
    again.release()


@pytest.mark.parametrize("case", ["unknown-pdu", "unaccepted-context", "data-before-command", "bad-command"])
def test_a_broken_peer_is_aborted_and_nothing_is_stored(dicom_scp, tenant, case):
    node = add_node(tenant["id"])
    ds = ct()
    data = dataset_bytes(part10(ds))
    sock = _connect(dicom_scp.port, node.ae_title)
    try:
        if case == "unknown-pdu":
            sock.sendall(struct.pack(">BBI", 0x42, 0, 2) + b"\x00\x00")
        elif case == "unaccepted-context":
            sock.sendall(_pdv(3, 0x03, _store_command(ds.SOPInstanceUID)))
        elif case == "data-before-command":
            sock.sendall(_pdv(1, 0x02, data))
        else:
            sock.sendall(_pdv(1, 0x03, b"\x00\x00\x00\x00\xff\xff\xff\x7f"))
        kind, body = _read_pdu(sock)
        assert kind == 0x07  # A-ABORT
        assert body[2] == 0x02  # from the service provider
    finally:
        sock.close()
    assert stored_bytes(ds.SOPInstanceUID) is None
    _still_serves(dicom_scp, node)


@pytest.mark.parametrize("how", ["close", "abort"])
def test_a_peer_that_leaves_mid_data_set_stores_nothing(dicom_scp, tenant, how):
    node = add_node(tenant["id"])
    ds = ct()
    data = dataset_bytes(part10(ds))
    sock = _connect(dicom_scp.port, node.ae_title)
    sock.sendall(_pdv(1, 0x03, _store_command(ds.SOPInstanceUID)) + _pdv(1, 0x00, data[: len(data) // 2]))
    if how == "abort":
        sock.sendall(struct.pack(">BBI", 7, 0, 4) + b"\x00\x00\x00\x00")
    time.sleep(0.2)
    sock.close()
    time.sleep(0.3)
    assert stored_bytes(ds.SOPInstanceUID) is None
    _still_serves(dicom_scp, node)


def test_a_hand_written_store_is_acknowledged_after_it_is_indexed(dicom_scp, tenant):
    """The same bytes on the wire as a modality sends: command, data set in two fragments, release."""
    node = add_node(tenant["id"])
    ds = ct()
    data = dataset_bytes(part10(ds))
    sock = _connect(dicom_scp.port, node.ae_title)
    try:
        sock.sendall(_pdv(1, 0x03, _store_command(ds.SOPInstanceUID)) + _pdv(1, 0x00, data[:100])
                     + _pdv(1, 0x02, data[100:]))
        kind, body = _read_pdu(sock)
        assert kind == 0x04
        command = storepath.parse_command(body[6:])
        assert struct.unpack("<H", command[0x0100])[0] == 0x8001
        assert struct.unpack("<H", command[0x0120])[0] == 7
        assert struct.unpack("<H", command[0x0900])[0] == 0
        assert command[0x1000].rstrip(b"\x00").decode() == ds.SOPInstanceUID
        assert stored_bytes(ds.SOPInstanceUID) is not None  # indexed before the answer
        sock.sendall(struct.pack(">BBI", 5, 0, 4) + b"\x00\x00\x00\x00")
        assert _read_pdu(sock)[0] == 0x06  # A-RELEASE-RP
    finally:
        sock.close()


def test_an_oversized_request_goes_to_pynetdicom(dicom_scp, tenant, monkeypatch):
    monkeypatch.setattr(storepath, "PEEK_LIMIT", 64)
    node = add_node(tenant["id"])
    before = served(dicom_scp)
    ds = ct()
    assoc = scu(node.ae_title, [CTImageStorage], dicom_scp.port)
    assert assoc.is_established
    try:
        assert assoc.send_c_store(ds).Status == 0
    finally:
        assoc.release()
    assert served(dicom_scp) == before and stored_bytes(ds.SOPInstanceUID) is not None


def test_parse_request_refuses_what_is_not_a_request():
    with pytest.raises(ValueError):
        storepath.parse_request(b"\x02\x00\x00\x00\x00\x04abcd")
    good = _request("CALLER")
    request = storepath.parse_request(good)
    assert request.calling_ae == "CALLER" and request.maximum_length == 16384
    assert [(c.context_id, c.abstract_syntax, c.transfer_syntaxes) for c in request.contexts] == [
        (1, CTImageStorage, [EXPLICIT_LE])]
    assert request.storage_only()
    with pytest.raises(ValueError):
        storepath.parse_request(good[:-3])  # an item runs past the end


def test_stop_aborts_a_storage_association_that_does_not_end(configured, tenant):
    node = add_node(tenant["id"])
    srv = dimse_server.start("127.0.0.1", 0, "RADIX")
    sock = _connect(srv.server_address[1], node.ae_title)
    try:
        deadline = time.monotonic() + 5
        while not srv.storage.active() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert srv.storage.active()
        started = time.monotonic()
        dimse_server.stop(srv, grace=0.5)
        assert time.monotonic() - started < 5
        kind, _ = _read_pdu(sock)
        assert kind in (0x07, 0)  # aborted (or closed)
    finally:
        sock.close()


def test_storage_associations_count_toward_the_receivers_limit(dicom_scp, tenant, monkeypatch):
    monkeypatch.setattr(dicom_scp.server.ae, "maximum_associations", 1)
    node = add_node(tenant["id"])
    first = scu(node.ae_title, [CTImageStorage], dicom_scp.port)
    assert first.is_established
    try:
        second = scu(node.ae_title, [CTImageStorage], dicom_scp.port)
        assert second.is_rejected
        rejection = second.acceptor.primitive
        assert (rejection.result, rejection.result_source, rejection.diagnostic) == (0x02, 0x03, 0x02)
        assert first.send_c_store(ct()).Status == 0  # the one being served carries on
    finally:
        first.release()
    deadline = time.monotonic() + 5
    while dicom_scp.server.storage.active() and time.monotonic() < deadline:
        time.sleep(0.05)
    again = scu(node.ae_title, [CTImageStorage], dicom_scp.port)
    assert again.is_established
    again.release()


def test_a_peer_silent_for_the_network_timeout_is_let_go(dicom_scp, tenant, monkeypatch):
    """The receive timeout is the kernel's (SO_RCVTIMEO): a storage association whose peer sends nothing,
    between PDUs or inside one, ends after it and the receiver goes on serving."""
    monkeypatch.setattr(dicom_scp.server.ae, "network_timeout", 0.5)
    node = add_node(tenant["id"])
    for partial in (b"", struct.pack(">BBI", 4, 0, 1000) + b"\x00" * 10):  # silent, then half a PDU
        sock = _connect(dicom_scp.port, node.ae_title)
        try:
            sock.sendall(partial)
            started = time.monotonic()
            sock.settimeout(10)
            while sock.recv(65536):  # the receiver closes the connection (no abort owed: it timed out)
                pass
            assert 0.4 < time.monotonic() - started < 5
        finally:
            sock.close()
    _still_serves(dicom_scp, node)
