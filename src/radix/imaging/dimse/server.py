"""The DIMSE service process: one pynetdicom AE per process, N processes on one port.

Each accepted connection is looked at first (``ArchiveServer``): an association that only stores is served
by ``storepath`` (the upper layer and C-STORE on the socket, in the connection's thread), anything else
by pynetdicom. A process is still bound by the GIL, so throughput grows with processes. ``serve`` binds the
port once and hands the listening socket to N receiver processes, with a small table in shared memory
(``Loads``) where each one keeps how many associations it serves: a receiver busier than another lets
that one accept a new connection (for up to ``DEFER`` seconds), so associations are spread evenly.
(``SO_REUSEPORT`` spread them by a hash of their addresses instead: with two receivers, four associations
landed 3 + 1 or 4 + 0 in five runs of eight, and the receiver with three ran them at about 25 % more CPU
per instance, its threads queueing for its GIL.) ``serve`` also supervises the receivers (restarting one
that dies) and stops them with itself.
"""

from __future__ import annotations

import ctypes
import logging
import mmap
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Any

from pynetdicom import AE, _config
from pynetdicom.transport import ThreadedAssociationServer

from radix.core import gctune
from radix.imaging.dimse import contexts, storepath
from radix.imaging.dimse.handlers import Archive

log = logging.getLogger(__name__)

#: simultaneous associations one process accepts
MAX_ASSOCIATIONS = 64
#: a receiver that dies sooner than this after its start, three times running, stops the service
MIN_UPTIME = 5.0
#: on a shared listening socket, the longest a receiver leaves a new connection to a less busy one
DEFER = 0.1
#: connections waiting to be accepted
BACKLOG = 128


class Loads:
    """How many associations each receiver of the service serves (-1: none running in that slot), in
    memory they all map: a memfd the supervisor makes and each receiver inherits."""

    def __init__(self, fd: int, slot: int | None = None) -> None:
        self.fd = fd
        self.slot = slot
        self._map = mmap.mmap(fd, os.fstat(fd).st_size)
        self._values = memoryview(self._map).cast("q")

    @classmethod
    def create(cls, slots: int) -> Loads:
        fd = os.memfd_create("radix-dicom-loads")
        os.ftruncate(fd, 8 * slots)
        loads = cls(fd)
        for n in range(slots):
            loads.set(n, -1)
        return loads

    def set(self, slot: int, value: int) -> None:
        self._values[slot] = value

    def get(self, slot: int) -> int:
        return int(self._values[slot])

    def publish(self, busy: int) -> None:
        if self.slot is not None:
            self._values[self.slot] = busy

    def others_less_busy(self, busy: int) -> bool:
        """Is another running receiver serving fewer associations than ``busy``?"""
        return any(0 <= value < busy for n, value in enumerate(self._values) if n != self.slot)


class ArchiveServer(ThreadedAssociationServer):
    """pynetdicom's server, with each new connection looked at first: a storage association is served by
    ``storepath`` in the connection's thread, anything else goes to pynetdicom unchanged. With
    ``listen_fd`` it serves a listening socket it shares with other receiver processes (see the module)."""

    daemon_threads = True  # storage associations run in these threads: a stop aborts them, never joins
    #: an inherited listening socket's file descriptor, instead of binding the address
    listen_fd: int | None = None
    #: with ``listen_fd``: the receivers' shared load table, this one's slot set
    loads: Loads | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.storage = storepath.Registry()
        self._open = 0  # connections accepted and not yet closed
        self._open_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def server_bind(self) -> None:
        if self.listen_fd is None:
            super().server_bind()
            return
        self.socket.close()
        self.socket = socket.socket(fileno=self.listen_fd)
        self.socket.setblocking(False)  # another receiver may accept first: accept() must not wait then
        self.server_address = self.socket.getsockname()

    def server_activate(self) -> None:
        if self.listen_fd is None:
            super().server_activate()

    def server_close(self) -> None:
        if self.listen_fd is None:
            super().server_close()
        else:  # only this receiver's descriptor: a shutdown() would stop the socket for every receiver
            self.socket.close()

    def busy(self) -> int:
        """Associations this receiver serves: storage ones here, any other one by pynetdicom."""
        return self._open + len(self.ae.active_associations)

    def get_request(self) -> tuple[socket.socket, Any]:
        if self.loads is not None:
            self._leave_to_others()
        request, address = self.socket.accept()  # BlockingIOError (ignored by the caller): taken by another
        self._count(+1)
        return request, address

    def _leave_to_others(self) -> None:
        """While a less busy receiver may take the waiting connection, let it (up to ``DEFER`` seconds)."""
        assert self.loads is not None
        deadline = time.monotonic() + DEFER
        while self.loads.others_less_busy(self.busy()) and time.monotonic() < deadline:
            time.sleep(0.001)
            if not select.select([self.socket], [], [], 0)[0]:
                return  # taken: accept() says so

    def _count(self, delta: int) -> None:
        with self._open_lock:
            self._open += delta
        if self.loads is not None:
            self.loads.publish(self.busy())

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            self._serve_connection(request, client_address)
        finally:
            self._count(-1)

    def _serve_connection(self, request: Any, client_address: Any) -> None:
        blocking = request.gettimeout()
        try:
            found = storepath.peek_request(request, self.ae.acse_timeout or 30)
            if found is not None and found.storage_only():
                self.storage.run(storepath.StoreAssociation(request, client_address, found,
                                                            network_timeout=self.ae.network_timeout or 120),
                                 limit=self.ae.maximum_associations, others=len(self.ae.active_associations))
                return
            request.settimeout(blocking)  # as pynetdicom gets it from accept()
        except Exception:
            log.exception("could not look at the association request from %s", client_address)
        super().process_request_thread(request, client_address)


def make_ae(ae_title: str) -> AE:
    # pynetdicom's standard handlers format every PDU and DIMSE message for logging: costly, unused
    _config.LOG_HANDLER_LEVEL = "none"
    contexts.install()
    ae = AE(ae_title=ae_title)
    ae.require_called_aet = False
    ae.require_calling_aet = []
    ae.maximum_associations = MAX_ASSOCIATIONS
    ae.maximum_pdu_size = 0  # no limit: fewer, larger P-DATA PDUs from peers that can send them
    ae.acse_timeout = 30
    ae.dimse_timeout = 60
    ae.network_timeout = 120
    ae.connection_timeout = 10
    ae.supported_contexts = contexts.service_contexts()
    return ae


def start(host: str, port: int, ae_title: str, *, listen_fd: int | None = None,
          loads: Loads | None = None) -> ArchiveServer:
    """Start an SCP in background threads of this process; ``.shutdown()`` stops it.
    ``server.server_address[1]`` is the bound port (pass 0 for a free one). With ``listen_fd``, serve that
    inherited listening socket (shared with other receivers, whose loads ``loads`` tells) instead of
    binding ``host:port``."""
    ae = make_ae(ae_title)
    archive = Archive(ae_title)
    server_class = ArchiveServer
    if listen_fd is not None:
        server_class = type("SharedSocketServer", (ArchiveServer,), {"listen_fd": listen_fd, "loads": loads})
    server = ae.make_server((host, port), ae_title=ae_title, evt_handlers=archive.handlers(),
                            server_class=server_class)
    ae._servers.append(server)  # so that ae.shutdown() finds it, as with ae.start_server
    thread = threading.Thread(target=server.serve_forever, name=f"dicom-{ae_title}-{port}", daemon=True)
    thread.start()
    return server


def stop(server: ArchiveServer, grace: float = 10.0) -> None:
    """Stop accepting, let running associations finish for ``grace`` seconds, then abort the rest."""
    ae = server.ae
    storage = getattr(server, "storage", None)
    server.shutdown()
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and (any(a.is_acceptor for a in ae.active_associations)
                                           or (storage is not None and storage.active())):
        time.sleep(0.1)
    if storage is not None:
        for assoc in storage.active():
            assoc.abort()
    ae.shutdown()


def run(host: str, port: int, ae_title: str, *, listen_fd: int | None = None, loads: Loads | None = None) -> None:
    """One receiver process, until SIGTERM or SIGINT."""
    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.set())
    if loads is not None:
        loads.publish(0)
    server = start(host, port, ae_title, listen_fd=listen_fd, loads=loads)
    gctune.settle()
    log.info("DICOM receiver %s listening on %s:%s (pid %s)", ae_title, host, port, os.getpid())
    stopping.wait()
    if loads is not None:
        loads.publish(-1)  # no longer accepting: the others must not leave connections to this one
    stop(server)


def _die_with_parent() -> None:
    """In a receiver process: be killed when the supervisor dies (even by kill -9)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def serve(host: str, port: int, ae_title: str, processes: int) -> int:
    """Run the DICOM service: in this process, or as ``processes`` receivers sharing the port.

    A receiver that dies is started again; one that keeps dying right after its start (it cannot bind,
    or cannot reach the database) stops the service with an error instead of spinning.
    """
    if processes <= 1:
        run(host, port, ae_title)
        return 0
    listener = _listen(host, port)
    loads = Loads.create(processes)
    children: dict[int, tuple[subprocess.Popen, float]] = {}
    quick_deaths: dict[int, int] = {}

    def spawn(slot: int) -> None:
        loads.set(slot, -1)
        command = [sys.executable, "-m", "radix", "dicom", "--processes", "1", "--listen-fd", str(listener.fileno()),
                   "--loads-fd", str(loads.fd), "--slot", str(slot)]
        proc = subprocess.Popen(command, env=dict(os.environ), preexec_fn=_die_with_parent,
                                pass_fds=(listener.fileno(), loads.fd))
        children[slot] = (proc, time.monotonic())

    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.set())
    for slot in range(processes):
        spawn(slot)
    print(f"Radix DICOM {ae_title} listening on {host}:{port} ({processes} processes)", flush=True)
    code = 0
    while not stopping.wait(0.5):
        for slot, (proc, started) in list(children.items()):
            if proc.poll() is None:
                continue
            quick = time.monotonic() - started < MIN_UPTIME
            quick_deaths[slot] = quick_deaths.get(slot, 0) + 1 if quick else 0
            if quick_deaths[slot] >= 3:
                log.error("DICOM receiver keeps exiting at start (code %s): stopping", proc.returncode)
                code = 1
                stopping.set()
                break
            log.warning("DICOM receiver %s exited (code %s): restarting", proc.pid, proc.returncode)
            spawn(slot)
    for proc, _ in children.values():
        if proc.poll() is None:
            proc.terminate()
    deadline = time.monotonic() + 15
    for proc, _ in children.values():
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
    listener.close()
    return code


def _listen(host: str, port: int) -> socket.socket:
    """The service's listening socket, which the receivers inherit; fails with a message when something
    else holds the port."""
    try:
        return socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET,
                                    backlog=BACKLOG)
    except OSError as exc:
        raise SystemExit(f"DICOM 端口 {host}:{port} 不可用：{exc}") from None


def server_port(server: Any) -> int:
    return int(server.server_address[1])
