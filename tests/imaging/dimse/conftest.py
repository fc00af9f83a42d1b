"""The archive's SCP running in the test process (on a free port), nodes registered in the test
database, tenants made through the API, and small pynetdicom peers."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydicom.dataset import Dataset
from pynetdicom import AE, AllStoragePresentationContexts, evt
from pynetdicom.sop_class import Verification

from tests.conftest import Api, make_tenant, system_session, unique


@dataclass
class Scp:
    ae_title: str
    port: int
    server: Any


@pytest.fixture(scope="session")
def dicom_scp(configured: None) -> Iterator[Scp]:
    """`radix dicom`'s SCP, in background threads of the test process."""
    from radix.imaging.dimse import server

    srv = server.start("127.0.0.1", 0, "RADIX")
    yield Scp("RADIX", srv.server_address[1], srv)
    server.stop(srv, grace=2)


@dataclass
class Node:
    id: int
    tenant_id: int
    ae_title: str


@pytest.fixture(scope="module")
def tenant_factory(app: Any) -> Iterator[Any]:
    """``tenant_factory()`` → (tenant row, its admin's Api); one login per tenant, closed with the module."""
    clients: list[TestClient] = []

    def make() -> tuple[dict[str, Any], Api]:
        tenant, api, made = make_tenant(app, "dm", "DIMSE测试")
        clients.extend(made)
        return tenant, api

    yield make
    for c in clients:
        c.close()


@pytest.fixture(scope="module")
def tenant(tenant_factory: Any) -> dict[str, Any]:
    """A tenant of the module's tests (made through the API)."""
    return tenant_factory()[0]


def bare_tenant() -> int:
    """A tenant row under the platform, without accounts or apps: all the DIMSE side needs."""
    import sqlalchemy as sa

    from radix.platform.tenant.models import Tenant, TenantKind

    code = unique("b")
    with system_session() as s:
        platform = s.scalar(sa.select(Tenant).where(Tenant.code == "platform"))
        tenant = Tenant(code=code, name=f"接收测试{code}", short_name=f"接收{code[-6:]}", kind=TenantKind.NORMAL,
                        parent_id=platform.id)
        s.add(tenant)
        s.flush()
        tenant.path = f"{platform.path}{tenant.id}/"
        return tenant.id


def add_node(tenant_id: int, *, ae_title: str | None = None, host: str = "127.0.0.1", port: int = 104,
             **flags: Any) -> Node:
    """A DICOM node of a tenant, written directly (its AE title unique across the platform)."""
    from radix.imaging.models import DicomNode

    ae = (ae_title or unique("N").upper())[:16]
    with system_session() as s:
        node = DicomNode(tenant_id=tenant_id, name=f"节点{ae}", ae_title=ae, host=host, port=port, **flags)
        s.add(node)
        s.flush()
        return Node(node.id, tenant_id, ae)


def set_node(node_id: int, **values: Any) -> None:
    from radix.imaging.models import DicomNode

    with system_session() as s:
        node = s.get(DicomNode, node_id)
        for key, value in values.items():
            setattr(node, key, value)


# --- pynetdicom peers ------------------------------------------------------------------------------


def scu(calling: str, contexts: list[Any], port: int, called: str = "RADIX") -> Any:
    """An association from ``calling`` to the SCP (not asserted established: callers check)."""
    ae = AE(ae_title=calling)
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 20
    for cx in contexts:
        if isinstance(cx, tuple):
            ae.add_requested_context(*cx)
        else:
            ae.add_requested_context(cx)
    return ae.associate("127.0.0.1", port, ae_title=called)


@dataclass
class StoragePeer:
    """A pynetdicom storage SCP (a remote node of the archive) that keeps what it receives."""

    ae_title: str
    port: int
    received: dict[str, bytes] = field(default_factory=dict)
    syntaxes: dict[str, str] = field(default_factory=dict)


@contextlib.contextmanager
def storage_peer(ae_title: str = "PEERSCP", transfer_syntaxes: list[str] | None = None) -> Iterator[StoragePeer]:
    peer = StoragePeer(ae_title, 0)
    lock = threading.Lock()

    def on_store(event: Any) -> int:
        with lock:
            sop_uid = str(event.request.AffectedSOPInstanceUID)
            peer.received[sop_uid] = event.encoded_dataset()
            peer.syntaxes[sop_uid] = str(event.context.transfer_syntax)
        return 0x0000

    ae = AE(ae_title=ae_title)
    for cx in AllStoragePresentationContexts:
        ae.add_supported_context(cx.abstract_syntax, transfer_syntaxes or cx.transfer_syntax + [
            "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91",
            "1.2.840.10008.1.2.5", "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81", "1.2.840.10008.1.2.4.51"])
    ae.add_supported_context(Verification)
    server = ae.start_server(("127.0.0.1", 0), block=False,
                             evt_handlers=[(evt.EVT_C_STORE, on_store)])
    peer.port = server.server_address[1]
    try:
        yield peer
    finally:
        ae.shutdown()


def dataset_bytes(raw: bytes) -> bytes:
    """A Part 10 file's data set, after its preamble and file meta information."""
    import io

    from pydicom.filereader import _read_file_meta_info

    fp = io.BytesIO(raw)
    if raw[128:132] == b"DICM":
        fp.seek(132)
        _read_file_meta_info(fp)
    elif raw[:2] == b"\x02\x00":
        _read_file_meta_info(fp)
    return raw[fp.tell():]


def ct(tmp: Path | None = None, **attrs: Any) -> Dataset:
    """A small CT data set with fresh UIDs; keyword arguments set attributes."""
    import numpy as np
    from pydicom.dataset import FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    ds.SOPInstanceUID = generate_uid()
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.PatientID = "P1"
    ds.PatientName = "Test^Patient"
    ds.StudyDate = "20240115"
    ds.StudyTime = "093000"
    ds.Modality = "CT"
    ds.SeriesNumber = 1
    ds.InstanceNumber = 1
    ds.Rows = ds.Columns = 4
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.PixelData = np.arange(16, dtype=np.uint16).tobytes()
    for key, value in attrs.items():
        setattr(ds, key, value)
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    return ds


def part10(ds: Dataset) -> bytes:
    import io

    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    return buf.getvalue()


def send_raw(assoc: Any, sop_class: str, sop_uid: str, payload: bytes, msg_id: int = 1) -> int | None:
    """C-STORE ``payload`` as the data set, unchecked and unencoded (how a broken modality sends)."""
    import io
    import time

    from pynetdicom.dimse_primitives import C_STORE

    req = C_STORE()
    req.MessageID = msg_id
    req.AffectedSOPClassUID = sop_class
    req.AffectedSOPInstanceUID = sop_uid
    req.Priority = 2
    req.DataSet = io.BytesIO(payload)
    context = next(cx for cx in assoc.accepted_contexts if cx.abstract_syntax == sop_class)
    assoc._reactor_checkpoint.clear()
    while not assoc._is_paused:
        time.sleep(0.0001)
    try:
        assoc.dimse.send_msg(req, context.context_id)
        _, rsp = assoc.dimse.get_msg(block=True)
    finally:
        assoc._reactor_checkpoint.set()
    return None if rsp is None else int(rsp.Status)
