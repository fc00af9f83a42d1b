"""The SCP's event handlers: who may associate, C-ECHO, C-STORE, C-FIND, C-MOVE, C-GET.

An association is accepted only for a known caller (or quarantined, per settings); its presentation
contexts are chosen for that caller (query/retrieve only where the node is allowed). A C-STORE is
acknowledged with the status ``store.ingest`` returned, after it returned: durable and indexed.
"""

from __future__ import annotations

import io
import logging
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pydicom
from pydicom.dataset import Dataset
from pynetdicom import PYNETDICOM_IMPLEMENTATION_UID, PYNETDICOM_IMPLEMENTATION_VERSION, evt

from radix.config import get_settings
from radix.core.db import session_scope
from radix.core.storage import blobs
from radix.core.tenancy import set_scope
from radix.imaging import store
from radix.imaging.dimse import callers, contexts, find
from radix.imaging.dimse.callers import Caller
from radix.imaging.models import EventKind, ImageEvent

log = logging.getLogger(__name__)

SUCCESS = 0x0000
PENDING = 0xFF00
CANCEL = 0xFE00
REFUSED_NOT_AUTHORIZED = 0x0124
OUT_OF_RESOURCES = 0xA700
UNABLE_TO_PROCESS = 0xC000

# A-ASSOCIATE-RJ (result, source, diagnostic)
REJECT_UNKNOWN_CALLER = (0x01, 0x01, 0x03)  # permanent, service user, calling AE title not recognised
REJECT_TRANSIENT = (0x02, 0x01, 0x01)  # transient, service user, no reason given

_FIND = {contexts.PATIENT_ROOT_FIND, contexts.STUDY_ROOT_FIND}
_MOVE = {contexts.PATIENT_ROOT_MOVE, contexts.STUDY_ROOT_MOVE}
_GET = {contexts.PATIENT_ROOT_GET, contexts.STUDY_ROOT_GET}


def caller_of(assoc: Any) -> Caller | None:
    return getattr(assoc, "radix_caller", None)


@dataclass
class SubOperations:
    """What a peer answered to the C-STOREs of a C-MOVE or C-GET (from its C-STORE responses)."""

    results: dict[str, int] = field(default_factory=dict)

    def on_dimse_recv(self, event: Any) -> None:
        message = event.message
        if type(message).__name__ != "C_STORE_RSP":
            return
        cs = message.command_set
        uid = str(cs.get("AffectedSOPInstanceUID", "") or "")
        if uid:
            self.results[uid] = int(cs.get("Status", 0xC000))


class Archive:
    """The archive as an SCP under one AE title. Settings are read when used, so that a change of
    ``unknown_callers`` applies to the next association."""

    def __init__(self, ae_title: str) -> None:
        self.ae_title = ae_title

    def handlers(self) -> list[tuple[Any, Any]]:
        return [
            (evt.EVT_REQUESTED, self.on_requested),
            (evt.EVT_C_ECHO, self.on_echo),
            (evt.EVT_C_STORE, self.on_store),
            (evt.EVT_C_FIND, self.on_find),
            (evt.EVT_C_MOVE, self.on_move),
            (evt.EVT_C_GET, self.on_get),
        ]

    # --- association ---------------------------------------------------------------------------

    def on_requested(self, event: Any) -> None:
        assoc = event.assoc
        request = assoc.requestor.primitive
        calling = str(request.calling_ae_title or "").strip()
        host = str(assoc.requestor.address or "")
        try:
            caller = callers.resolve(calling, host, get_settings().unknown_callers)
        except Exception:  # the index is unavailable: the peer may retry later
            log.exception("could not resolve calling AE %s", calling)
            self._reject(assoc, REJECT_TRANSIENT)
            return
        if caller is None:
            log.info("association from unknown calling AE %r (%s) refused", calling, host)
            self._reject(assoc, REJECT_UNKNOWN_CALLER)
            return
        assoc.radix_caller = caller
        allowed = {contexts.VERIFICATION}
        if caller.allow_find:
            allowed |= _FIND
        if caller.allow_move:
            allowed |= _MOVE
        if caller.allow_get:
            allowed |= _GET
        service = [cx for cx in assoc.acceptor.supported_contexts if str(cx.abstract_syntax) in allowed]
        storage = contexts.storage_contexts_for(request.presentation_context_definition_list)
        if not caller.allow_store and not caller.allow_get:
            storage = []
        assoc.acceptor.supported_contexts = service + storage

    @staticmethod
    def _reject(assoc: Any, reason: tuple[int, int, int]) -> None:
        assoc.acse.send_reject(*reason)
        evt.trigger(assoc, evt.EVT_REJECTED, {})
        assoc.kill()

    # --- C-ECHO ----------------------------------------------------------------------------------

    def on_echo(self, event: Any) -> int:
        return SUCCESS

    # --- C-STORE ---------------------------------------------------------------------------------

    def on_store(self, event: Any) -> int:
        caller = caller_of(event.assoc)
        if caller is None or not caller.allow_store:
            return REFUSED_NOT_AUTHORIZED
        try:
            raw = part10(event)
            result = store.ingest(raw, caller.arrival())
        except Exception:  # nothing was acknowledged: the peer keeps the instance and may resend it
            log.exception("C-STORE from %s failed", caller.label)
            return OUT_OF_RESOURCES
        if not result.ok:
            log.info("C-STORE from %s refused (0x%04X): %s", caller.label, result.status, result.message)
        return result.status

    # --- C-FIND ----------------------------------------------------------------------------------

    def on_find(self, event: Any) -> Iterator[tuple[int, Dataset | None]]:
        caller = caller_of(event.assoc)
        if caller is None or not caller.allow_find:
            yield REFUSED_NOT_AUTHORIZED, None
            return
        root = contexts.ROOTS.get(str(event.request.AffectedSOPClassUID), "STUDY")
        try:
            query = find.parse(root, event.identifier)
        except find.QueryError as exc:
            log.info("C-FIND from %s refused: %s", caller.label, exc)
            yield exc.status, None
            return
        except Exception:
            log.exception("C-FIND identifier from %s could not be read", caller.label)
            yield UNABLE_TO_PROCESS, None
            return
        with session_scope(commit=False) as s:
            set_scope(s, caller.scope())
            for row in find.search(s, query):
                if event.is_cancelled:
                    yield CANCEL, None
                    return
                yield PENDING, find.answer(row, query, ae_title=self.ae_title)

    # --- C-MOVE and C-GET ------------------------------------------------------------------------

    def _selection(self, caller: Caller, event: Any) -> list[tuple[str, str, str, str, str]]:
        """(blob key, SOP class, transfer syntax, SOP instance UID, study UID) of what is asked."""
        root = contexts.ROOTS.get(str(event.request.AffectedSOPClassUID), "STUDY")
        query = find.retrieve_query(root, event.identifier)
        with session_scope(commit=False) as s:
            set_scope(s, caller.scope())
            return [(row.instance.blob_key, row.instance.sop_class_uid, row.instance.transfer_syntax,
                     row.instance.sop_uid, row.study.study_uid) for row in find.search(s, query)]

    def on_move(self, event: Any) -> Iterator[Any]:
        caller = caller_of(event.assoc)
        destination = None
        if caller is not None and caller.allow_move:
            destination = callers.destination(caller, event.move_destination or "")
        if destination is None:
            log.info("C-MOVE to %r refused: not a node of the caller's tenant that may receive moves",
                     event.move_destination)
            yield None, None  # pynetdicom answers 0xA801: move destination unknown
            return
        selection = self._selection(caller, event)  # an invalid identifier fails the request here
        accepted: dict[str, Any] = {}
        answers = SubOperations()
        yield destination.host, destination.port, {
            "contexts": contexts.requested_for((c, ts) for _, c, ts, _, _ in selection),
            "evt_handlers": [(evt.EVT_ACCEPTED, lambda e: accepted.update(assoc=e.assoc)),
                             (evt.EVT_DIMSE_RECV, answers.on_dimse_recv)],
        }
        yield len(selection)
        for item in selection:
            if event.is_cancelled:
                yield CANCEL, None
                break
            store_assoc = accepted.get("assoc")
            yield PENDING, _outgoing(item, store_assoc.accepted_contexts if store_assoc else [])
        _record_forwarded(caller, f"{destination.ae_title}@{destination.host}", "C-MOVE", selection, answers)

    def on_get(self, event: Any) -> Iterator[Any]:
        caller = caller_of(event.assoc)
        if caller is None or not caller.allow_get:
            yield 1
            yield REFUSED_NOT_AUTHORIZED, None
            return
        try:
            selection = self._selection(caller, event)
        except find.QueryError as exc:
            yield 1
            yield exc.status, None
            return
        answers = SubOperations()
        event.assoc.bind(evt.EVT_DIMSE_RECV, answers.on_dimse_recv)
        try:
            yield len(selection)
            for item in selection:
                if event.is_cancelled:
                    yield CANCEL, None
                    break
                yield PENDING, _outgoing(item, event.assoc.accepted_contexts)
        finally:
            event.assoc.unbind(evt.EVT_DIMSE_RECV, answers.on_dimse_recv)
        _record_forwarded(caller, caller.label, "C-GET", selection, answers)


def _meta_element(element: int, vr: bytes, value: str, pad: bytes) -> bytes:
    data = value.encode("ascii")
    if len(data) % 2:
        data += pad
    return struct.pack("<HH", 0x0002, element) + vr + struct.pack("<H", len(data)) + data


def part10(event: Any) -> bytes:
    """The received C-STORE data set as a Part 10 file: what ``event.encoded_dataset()`` returns,
    with the File Meta Information written here directly instead of through a pydicom dataset
    (which cost as much as indexing the instance)."""
    request = event.request
    try:
        return part10_file(str(request.AffectedSOPClassUID), str(request.AffectedSOPInstanceUID),
                           str(event.context.transfer_syntax), request.DataSet.getvalue())
    except ValueError:  # not plain ASCII or too long: let pydicom say what it makes of it
        return event.encoded_dataset()


def part10_file(sop_class: str, sop_uid: str, transfer_syntax: str, *data: bytes | memoryview) -> bytes:
    """A Part 10 file of a data set received under ``transfer_syntax``: preamble, File Meta Information
    (as pynetdicom writes it, byte for byte) and the data set as received, given whole or as the
    fragments it came in (joined here, the one copy they are made). ValueError when a UID is not plain
    ASCII or too long for its element."""
    try:
        meta = b"".join((
            b"\x02\x00\x01\x00OB\x00\x00\x02\x00\x00\x00\x00\x01",
            _meta_element(0x0002, b"UI", sop_class, b"\x00"),
            _meta_element(0x0003, b"UI", sop_uid, b"\x00"),
            _meta_element(0x0010, b"UI", transfer_syntax, b"\x00"),
            _meta_element(0x0012, b"UI", PYNETDICOM_IMPLEMENTATION_UID, b"\x00"),
            _meta_element(0x0013, b"SH", PYNETDICOM_IMPLEMENTATION_VERSION, b" "),
        ))
    except (UnicodeError, struct.error) as exc:
        raise ValueError(str(exc)) from exc
    group_length = b"\x02\x00\x00\x00UL\x04\x00" + struct.pack("<I", len(meta))
    return b"".join((b"\x00" * 128, b"DICM", group_length, meta, *data))


def _outgoing(item: tuple[str, str, str, str, str], accepted: list[Any]) -> Dataset:
    """The stored instance, ready for this association; a stub pynetdicom counts as a failed
    sub-operation (with its SOP Instance UID) when it cannot be read or sent."""
    key, sop_class, _, sop_uid, _ = item
    try:
        with blobs().open(key) as fh:
            ds = pydicom.dcmread(io.BytesIO(fh.read()))
        return contexts.fit(ds, accepted)
    except Exception as exc:
        log.warning("instance %s cannot be sent: %s", sop_uid, exc)
        stub = Dataset()
        stub.SOPClassUID = sop_class
        stub.SOPInstanceUID = sop_uid
        return stub


def _record_forwarded(caller: Caller, node: str, how: str, selection: list[tuple[str, str, str, str, str]],
                      answers: SubOperations) -> None:
    """Image events (已转发 / 失败) for the sub-operations the peer answered."""
    if not selection:
        return
    try:
        with session_scope() as s:
            set_scope(s, caller.scope())
            for _, _, _, sop_uid, study_uid in selection:
                status = answers.results.get(sop_uid)
                if status is None:
                    continue
                ok = status == SUCCESS or (status & 0xF000) == 0xB000
                s.add(ImageEvent(tenant_id=caller.tenant_id, sop_uid=sop_uid, study_uid=study_uid,
                                 kind=EventKind.FORWARDED if ok else EventKind.FAILED, node=node[:100],
                                 message=f"{how} (0x{status:04X})" if not ok else how))
    except Exception:  # the events are a record: their failure must not fail the retrieve
        log.exception("could not record the sub-operations of a %s", how)
