"""Storage associations served directly on the socket: the DICOM upper layer (PS3.8) and C-STORE/C-ECHO
(PS3.7) for the archive's receive path, without pynetdicom's reactor.

pynetdicom runs every association as two threads that poll each other (1 ms sleeps) and builds Python
objects for every PDU, PDV and DIMSE message: about 0.75 of a core per 100 instances/s before the archive
does any work. An association that only stores (what modalities, PACS forwarding and storescu open) needs
little of that: read PDUs, join the data set's fragments, store it, answer. Here that is one blocking loop
per association over a buffered socket.

Which associations come here is decided on the A-ASSOCIATE-RQ, *peeked* from the socket (MSG_PEEK), so
that anything else goes to pynetdicom untouched: an association proposing only storage SOP classes (standard,
private or unknown) and Verification, without role selection, user identity or extended negotiation, is
served here; every other one (query/retrieve, C-GET with its storage roles, anything unusual, a request
too large to peek) is handed to pynetdicom as if it had just been accepted. Who may associate and what
is acknowledged are the same as over pynetdicom (``handlers.Archive``): the caller is resolved from the
calling AE title, a storage context gets the first transfer syntax the peer lists that the archive keeps,
and an instance is acknowledged only after ``store.ingest`` returned — durable and indexed.
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from pynetdicom import PYNETDICOM_IMPLEMENTATION_UID, PYNETDICOM_IMPLEMENTATION_VERSION

from radix.config import get_settings
from radix.imaging import store
from radix.imaging.dimse import callers, contexts, handlers
from radix.imaging.dimse.callers import Caller

log = logging.getLogger(__name__)

APPLICATION_CONTEXT = b"1.2.840.10008.3.1.1.1"
#: the maximum P-DATA PDU length the archive announces: 0 is "no limit" (fewer, larger PDUs)
MAXIMUM_PDU = 0
#: an A-ASSOCIATE-RQ larger than this is left to pynetdicom (it is peeked whole from the socket)
PEEK_LIMIT = 64 * 1024
#: seconds to wait for the peer to close the connection after the association ended
ARTIM = 2.0
#: seconds an A-ASSOCIATE-RJ is held back. pynetdicom as requestor checks that its socket is still
#: connected *after* sending its request; a rejection answered (and the socket closed by its reader
#: thread) before that check reads to it as "connection failed", an abort instead of the rejection.
REJECT_DELAY = 0.1

# PDU types
A_ASSOCIATE_RQ, A_ASSOCIATE_AC, A_ASSOCIATE_RJ = 0x01, 0x02, 0x03
P_DATA_TF, A_RELEASE_RQ, A_RELEASE_RP, A_ABORT = 0x04, 0x05, 0x06, 0x07
# A-ABORT (source, reason) from the service provider
ABORT_UNEXPECTED_PDU = (0x02, 0x02)
ABORT_UNRECOGNIZED_PDU = (0x02, 0x01)
ABORT_INVALID_PARAMETER = (0x02, 0x06)
# A-ASSOCIATE-RJ (result, source, reason): transient, service provider (presentation), local limit exceeded
REJECT_LOCAL_LIMIT = (0x02, 0x03, 0x02)
# presentation context results
ACCEPTED, NO_REASON, ABSTRACT_SYNTAX_NOT_SUPPORTED, TRANSFER_SYNTAXES_NOT_SUPPORTED = 0, 2, 3, 4
# DIMSE command fields
C_STORE_RQ, C_STORE_RSP, C_ECHO_RQ, C_ECHO_RSP = 0x0001, 0x8001, 0x0030, 0x8030
NO_DATA_SET = 0x0101
# user information sub-items the fast path answers (maximum length, implementation UID and version);
# any other (async window 0x53, roles 0x54, extended 0x56/0x57, user identity 0x58) goes to pynetdicom
_PLAIN_USER_ITEMS = {0x51, 0x52, 0x55}


class ProtocolError(Exception):
    """The peer broke the protocol: the association is aborted."""

    def __init__(self, message: str, reason: tuple[int, int] = ABORT_UNEXPECTED_PDU) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass
class Proposed:
    context_id: int
    abstract_syntax: str
    transfer_syntaxes: list[str]


@dataclass
class Request:
    """What an A-ASSOCIATE-RQ asks for (PS3.8 §9.3.2)."""

    called: bytes
    calling: bytes
    contexts: list[Proposed] = field(default_factory=list)
    maximum_length: int = 0
    user_items: set[int] = field(default_factory=set)
    size: int = 0

    @property
    def calling_ae(self) -> str:
        return self.calling.decode("ascii", "replace").strip()

    def storage_only(self) -> bool:
        """Only storage and Verification proposed, with nothing that needs pynetdicom's negotiation."""
        return bool(self.contexts) and self.user_items <= _PLAIN_USER_ITEMS and all(
            cx.abstract_syntax == contexts.VERIFICATION or contexts.is_storage(cx.abstract_syntax)
            for cx in self.contexts)


def _items(data: bytes, offset: int, end: int) -> list[tuple[int, bytes]]:
    out = []
    while offset + 4 <= end:
        kind, length = data[offset], struct.unpack_from(">H", data, offset + 2)[0]
        if offset + 4 + length > end:
            raise ValueError("item runs past its PDU")
        out.append((kind, data[offset + 4:offset + 4 + length]))
        offset += 4 + length
    if offset != end:
        raise ValueError("trailing bytes in PDU")
    return out


def _uid(value: bytes) -> str:
    return value.decode("ascii").rstrip("\x00 ")


def parse_request(pdu: bytes) -> Request:
    """An A-ASSOCIATE-RQ PDU (header included); ValueError when it is not one or is malformed."""
    if len(pdu) < 74 or pdu[0] != A_ASSOCIATE_RQ:
        raise ValueError("not an A-ASSOCIATE-RQ")
    request = Request(called=pdu[10:26], calling=pdu[26:42], size=len(pdu))
    for kind, value in _items(pdu, 74, len(pdu)):
        if kind == 0x20:
            syntaxes: list[str] = []
            abstract = ""
            for sub, sub_value in _items(value, 4, len(value)):
                if sub == 0x30:
                    abstract = _uid(sub_value)
                elif sub == 0x40:
                    syntaxes.append(_uid(sub_value))
            request.contexts.append(Proposed(value[0], abstract, syntaxes))
        elif kind == 0x50:
            for sub, sub_value in _items(value, 0, len(value)):
                request.user_items.add(sub)
                if sub == 0x51 and len(sub_value) == 4:
                    request.maximum_length = struct.unpack(">I", sub_value)[0]
    return request


def peek_request(sock: socket.socket, timeout: float) -> Request | None:
    """The A-ASSOCIATE-RQ waiting on a new connection, read without consuming it; None when the first
    PDU is something else, malformed, too large, or does not arrive whole in time (pynetdicom then
    deals with the connection as it would have)."""
    deadline = time.monotonic() + timeout
    sock.settimeout(timeout)
    try:
        header = sock.recv(6, socket.MSG_PEEK | socket.MSG_WAITALL)
        if len(header) < 6 or header[0] != A_ASSOCIATE_RQ:
            return None
        size = 6 + struct.unpack(">I", header[2:6])[0]
        if size > PEEK_LIMIT:
            return None
        while True:
            pdu = sock.recv(size, socket.MSG_PEEK | socket.MSG_WAITALL)
            if len(pdu) >= size or not pdu or time.monotonic() > deadline:
                break
            time.sleep(0.002)
    except OSError:
        return None
    if len(pdu) < size:
        return None
    try:
        return parse_request(pdu)
    except (ValueError, UnicodeDecodeError, struct.error):
        return None


# --- encoding ----------------------------------------------------------------------------------------


def _item(kind: int, value: bytes) -> bytes:
    return struct.pack(">BBH", kind, 0, len(value)) + value


def _pdu(kind: int, body: bytes) -> bytes:
    return struct.pack(">BBI", kind, 0, len(body)) + body


def accept_pdu(request: Request, results: list[tuple[int, int, str]]) -> bytes:
    """A-ASSOCIATE-AC: per proposed context (id, result, transfer syntax)."""
    items = [_item(0x10, APPLICATION_CONTEXT)]
    for context_id, result, syntax in results:
        items.append(_item(0x21, bytes((context_id, 0, result, 0)) + _item(0x40, syntax.encode("ascii"))))
    version = PYNETDICOM_IMPLEMENTATION_VERSION.encode("ascii")
    user = (_item(0x51, struct.pack(">I", MAXIMUM_PDU)) + _item(0x52, PYNETDICOM_IMPLEMENTATION_UID.encode("ascii"))
            + _item(0x55, version))
    items.append(_item(0x50, user))
    return _pdu(A_ASSOCIATE_AC, struct.pack(">HH", 1, 0) + request.called + request.calling + b"\x00" * 32
                + b"".join(items))


def reject_pdu(result: int, source: int, reason: int) -> bytes:
    return _pdu(A_ASSOCIATE_RJ, bytes((0, result, source, reason)))


def abort_pdu(source: int, reason: int) -> bytes:
    return _pdu(A_ABORT, bytes((0, 0, source, reason)))


def negotiate(request: Request, caller: Caller) -> list[tuple[int, int, str]]:
    """The result of each proposed context, as ``handlers.Archive.on_requested`` decides over pynetdicom:
    Verification always (explicit, else implicit little endian, the acceptor's order); storage when the
    caller may store or get, with the first transfer syntax the peer lists that the archive keeps."""
    storage_allowed = caller.allow_store or caller.allow_get
    out = []
    for cx in request.contexts:
        first = cx.transfer_syntaxes[0] if cx.transfer_syntaxes else contexts.IMPLICIT_LE
        if cx.abstract_syntax == contexts.VERIFICATION:
            ours = [contexts.EXPLICIT_LE, contexts.IMPLICIT_LE, contexts.EXPLICIT_BE, contexts.DEFLATED_LE]
            chosen = next((ts for ts in ours if ts in cx.transfer_syntaxes), None)
        elif not storage_allowed:
            out.append((cx.context_id, ABSTRACT_SYNTAX_NOT_SUPPORTED, first))
            continue
        else:
            chosen = next((ts for ts in cx.transfer_syntaxes if ts in contexts.TS_UIDS), None)
        if chosen is None:
            out.append((cx.context_id, TRANSFER_SYNTAXES_NOT_SUPPORTED, first))
        else:
            out.append((cx.context_id, ACCEPTED, chosen))
    return out


def _element(tag: int, value: bytes) -> bytes:
    return struct.pack("<HHI", 0, tag, len(value)) + value


def _uid_value(value: bytes) -> bytes:
    return value if len(value) % 2 == 0 else value + b"\x00"


def response(command: dict[int, bytes], field_: int, status: int) -> bytes:
    """A C-STORE-RSP or C-ECHO-RSP command set (implicit VR little endian) answering ``command``."""
    body = [_element(0x0002, command.get(0x0002, b""))]
    body += [_element(0x0100, struct.pack("<H", field_)),
             _element(0x0120, command.get(0x0110, b"\x00\x00")),
             _element(0x0800, struct.pack("<H", NO_DATA_SET)),
             _element(0x0900, struct.pack("<H", status))]
    if 0x1000 in command:
        body.append(_element(0x1000, command[0x1000]))
    joined = b"".join(body)
    return _element(0x0000, struct.pack("<I", len(joined))) + joined


def parse_command(data: bytes) -> dict[int, bytes]:
    """A command set's elements (group 0000, implicit VR little endian) by element number."""
    out: dict[int, bytes] = {}
    offset = 0
    while offset + 8 <= len(data):
        group, element, length = struct.unpack_from("<HHI", data, offset)
        if group != 0 or offset + 8 + length > len(data):
            raise ProtocolError("malformed command set", ABORT_INVALID_PARAMETER)
        out[element] = data[offset + 8:offset + 8 + length]
        offset += 8 + length
    if offset != len(data):
        raise ProtocolError("malformed command set", ABORT_INVALID_PARAMETER)
    return out


def _us(command: dict[int, bytes], element: int) -> int | None:
    value = command.get(element)
    return struct.unpack("<H", value)[0] if value is not None and len(value) == 2 else None


def _kernel_timeouts(sock: socket.socket, seconds: float) -> None:
    """A blocking socket whose receives and sends fail after ``seconds`` (SO_RCVTIMEO/SO_SNDTIMEO). A
    Python-level timeout would do the same with a poll() before every recv: ~2 % of a receiver's CPU."""
    sock.settimeout(None)
    whole = int(seconds)
    value = struct.pack("ll", whole, int((seconds - whole) * 1_000_000))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, value)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, value)


# --- the association --------------------------------------------------------------------------------


class StoreAssociation:
    """One storage association on an accepted socket whose A-ASSOCIATE-RQ is still unread."""

    def __init__(self, sock: socket.socket, address: Any, request: Request, *, network_timeout: float) -> None:
        self.sock = sock
        self.host = str(address[0]) if isinstance(address, tuple) else str(address or "")
        self.request = request
        self.network_timeout = network_timeout
        self.accepted: dict[int, tuple[str, str]] = {}  # context id → (abstract syntax, transfer syntax)
        self.caller: Caller | None = None
        self.stored = 0
        #: the receiver serves as many associations as it may: refuse this one (transient, as pynetdicom does)
        self.over_limit = False
        self._reader: BinaryIO | None = None

    def run(self) -> None:
        """Negotiate, then serve until release, abort or a broken connection; never raises."""
        try:
            _kernel_timeouts(self.sock, self.network_timeout)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._reader = self.sock.makefile("rb", buffering=256 * 1024)
            self._read_pdu()  # the A-ASSOCIATE-RQ, already parsed
            if self._associate():
                self._serve()
        except ProtocolError as exc:
            log.info("storage association from %s aborted: %s", self._label(), exc)
            self._send(abort_pdu(*exc.reason))
        except (OSError, EOFError) as exc:  # the peer went away (or timed out): nothing pending is acked
            log.info("storage association from %s ended: %s", self._label(), exc)
        except Exception:
            log.exception("storage association from %s failed", self._label())
            self._send(abort_pdu(0x02, 0x00))
        finally:
            self._close()

    def _label(self) -> str:
        return self.caller.label if self.caller else f"{self.request.calling_ae}@{self.host}"

    def _associate(self) -> bool:
        if self.over_limit:
            log.warning("association from %s refused: the receiver serves as many as it may", self.request.calling_ae)
            self._reject(REJECT_LOCAL_LIMIT)
            return False
        try:
            caller = callers.resolve(self.request.calling_ae, self.host, get_settings().unknown_callers)
        except Exception:  # the index is unavailable: the peer may retry later
            log.exception("could not resolve calling AE %s", self.request.calling_ae)
            self._reject(handlers.REJECT_TRANSIENT)
            return False
        if caller is None:
            log.info("association from unknown calling AE %r (%s) refused", self.request.calling_ae, self.host)
            self._reject(handlers.REJECT_UNKNOWN_CALLER)
            return False
        self.caller = caller
        results = negotiate(self.request, caller)
        by_id = {cx.context_id: cx for cx in self.request.contexts}
        self.accepted = {cid: (by_id[cid].abstract_syntax, ts) for cid, result, ts in results if result == ACCEPTED}
        self._send(accept_pdu(self.request, results))
        return True

    def _serve(self) -> None:
        command = bytearray()
        data: list[memoryview] = []  # the data set's fragments, views into the PDUs they came in
        pending: tuple[int, dict[int, bytes]] | None = None  # context id and command awaiting its data set
        while True:
            kind, body = self._read_pdu()
            if kind == A_RELEASE_RQ:
                self._send(_pdu(A_RELEASE_RP, b"\x00\x00\x00\x00"))
                return
            if kind == A_ABORT:
                return
            if kind != P_DATA_TF:
                raise ProtocolError(f"unexpected PDU 0x{kind:02X}",
                                    ABORT_UNEXPECTED_PDU if kind <= A_ABORT else ABORT_UNRECOGNIZED_PDU)
            view = memoryview(body)
            offset = 0
            while offset < len(body):
                if offset + 6 > len(body):
                    raise ProtocolError("truncated PDV", ABORT_INVALID_PARAMETER)
                length = struct.unpack_from(">I", body, offset)[0]
                context_id, header = body[offset + 4], body[offset + 5]
                if length < 2 or offset + 4 + length > len(body):
                    raise ProtocolError("PDV length runs past its PDU", ABORT_INVALID_PARAMETER)
                if context_id not in self.accepted:
                    raise ProtocolError(f"PDV on presentation context {context_id}, which was not accepted",
                                        ABORT_INVALID_PARAMETER)
                fragment = view[offset + 6:offset + 4 + length]
                offset += 4 + length
                if header & 0x01:  # command
                    if pending is not None:
                        raise ProtocolError("a command arrived before the data set of the previous one")
                    command += fragment
                    if header & 0x02:
                        parsed = parse_command(bytes(command))
                        command.clear()
                        if _us(parsed, 0x0800) == NO_DATA_SET:
                            self._answer(context_id, parsed, None)
                        else:
                            pending = (context_id, parsed)
                else:
                    if pending is None or pending[0] != context_id:
                        raise ProtocolError("a data set arrived without its command")
                    data.append(fragment)
                    if header & 0x02:
                        self._answer(context_id, pending[1], data)
                        data.clear()
                        pending = None

    def _answer(self, context_id: int, command: dict[int, bytes], data: list[memoryview] | None) -> None:
        field_ = _us(command, 0x0100)
        if field_ == C_ECHO_RQ:
            self._send_command(context_id, response(command, C_ECHO_RSP, 0x0000))
        elif field_ == C_STORE_RQ and data is not None:
            self._send_command(context_id, response(command, C_STORE_RSP, self._store(context_id, command, data)))
        else:
            raise ProtocolError(f"DIMSE command 0x{field_ or 0:04X} is not served on a storage association")

    def _store(self, context_id: int, command: dict[int, bytes], data: list[memoryview]) -> int:
        caller = self.caller
        if caller is None or not caller.allow_store:
            return handlers.REFUSED_NOT_AUTHORIZED
        _, syntax = self.accepted[context_id]
        try:
            raw = handlers.part10_file(_uid(command.get(0x0002, b"")), _uid(command.get(0x1000, b"")), syntax, *data)
        except ValueError:
            log.info("C-STORE from %s refused: its SOP Class or Instance UID is not a UID", caller.label)
            return handlers.UNABLE_TO_PROCESS
        try:
            result = store.ingest(raw, caller.arrival())
        except Exception:  # nothing was acknowledged: the peer keeps the instance and may resend it
            log.exception("C-STORE from %s failed", caller.label)
            return handlers.OUT_OF_RESOURCES
        if not result.ok:
            log.info("C-STORE from %s refused (0x%04X): %s", caller.label, result.status, result.message)
        else:
            self.stored += 1
        return result.status

    def _reject(self, reason: tuple[int, int, int]) -> None:
        time.sleep(REJECT_DELAY)
        self._send(reject_pdu(*reason))

    # --- I/O ---

    def _read_pdu(self) -> tuple[int, bytes]:
        assert self._reader is not None
        header = self._reader.read(6)
        if header is None:  # the receive timeout passed (the socket file reads None then)
            raise TimeoutError(f"nothing received for {self.network_timeout} s")
        if len(header) < 6:
            raise EOFError("connection closed")
        kind, length = header[0], struct.unpack(">I", header[2:6])[0]
        body = self._reader.read(length)
        if body is None or len(body) < length:
            raise EOFError("connection closed (or silent) inside a PDU")
        return kind, body

    def _send_command(self, context_id: int, command: bytes) -> None:
        # one PDV, the last fragment of a command (0x03); a response fits any peer's maximum length
        pdv = struct.pack(">IBB", len(command) + 2, context_id, 0x03) + command
        self._send(_pdu(P_DATA_TF, pdv))

    def _send(self, data: bytes) -> None:
        try:
            self.sock.sendall(data)
        except OSError:
            pass

    def _close(self) -> None:
        """Close as PS3.8 wants after a release, reject or abort: stop sending, then let the peer close
        first (ARTIM), so that the last PDU is read rather than reset away with unread data."""
        try:
            if self._reader is not None:
                self._reader.close()
            self.sock.shutdown(socket.SHUT_WR)
            self.sock.settimeout(ARTIM)
            while self.sock.recv(65536):
                pass
        except OSError:
            pass
        self.sock.close()

    def abort(self) -> None:
        """From another thread (the service stopping): abort and close the connection."""
        self._send(abort_pdu(0x00, 0x00))
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class Registry:
    """The storage associations a receiver serves now (so that a stop can wait for them, then abort)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active: set[StoreAssociation] = set()
        self.served = 0

    def run(self, assoc: StoreAssociation, limit: int | None = None, others: int = 0) -> None:
        """Serve ``assoc``; with ``limit``, refuse it when that many associations (``others`` of them
        served elsewhere, by pynetdicom) are already open."""
        with self._lock:
            assoc.over_limit = limit is not None and limit > 0 and len(self._active) + others >= limit
            self._active.add(assoc)
            self.served += 1
        try:
            assoc.run()
        finally:
            with self._lock:
                self._active.discard(assoc)

    def active(self) -> list[StoreAssociation]:
        with self._lock:
            return list(self._active)
