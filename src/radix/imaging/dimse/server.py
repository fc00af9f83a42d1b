"""The DIMSE service process: one pynetdicom AE per process, N processes on one port.

Each accepted connection is looked at first (``ArchiveServer``): an association that only stores is served
by ``storepath`` (the upper layer and C-STORE on the socket, in the connection's thread), anything else
by pynetdicom. A process is still bound by the GIL, so throughput grows with processes: each binds the
same port with ``SO_REUSEPORT`` and the kernel spreads incoming connections over them. ``serve``
supervises the receiver processes (restarting one that dies) and stops them with itself.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Any

from pynetdicom import AE, _config
from pynetdicom.transport import ThreadedAssociationServer

from radix.imaging.dimse import contexts, storepath
from radix.imaging.dimse.handlers import Archive

log = logging.getLogger(__name__)

#: simultaneous associations one process accepts
MAX_ASSOCIATIONS = 64
#: a receiver that dies sooner than this after its start, three times running, stops the service
MIN_UPTIME = 5.0


class ArchiveServer(ThreadedAssociationServer):
    """pynetdicom's server, with each new connection looked at first: a storage association is served by
    ``storepath`` in the connection's thread, anything else goes to pynetdicom unchanged. With
    ``reuse_port`` the port is bound with ``SO_REUSEPORT``, so that several processes share it."""

    daemon_threads = True  # storage associations run in these threads: a stop aborts them, never joins
    reuse_port = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.storage = storepath.Registry()
        super().__init__(*args, **kwargs)

    def server_bind(self) -> None:
        if self.reuse_port:
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        super().server_bind()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
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


class ReusePortServer(ArchiveServer):
    reuse_port = True


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


def start(host: str, port: int, ae_title: str, *, reuse_port: bool = False) -> ArchiveServer:
    """Start an SCP in background threads of this process; ``.shutdown()`` stops it.
    ``server.server_address[1]`` is the bound port (pass 0 for a free one)."""
    ae = make_ae(ae_title)
    archive = Archive(ae_title)
    server = ae.make_server((host, port), ae_title=ae_title, evt_handlers=archive.handlers(),
                            server_class=ReusePortServer if reuse_port else ArchiveServer)
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


def run(host: str, port: int, ae_title: str, *, reuse_port: bool = False) -> None:
    """One receiver process, until SIGTERM or SIGINT."""
    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.set())
    server = start(host, port, ae_title, reuse_port=reuse_port)
    log.info("DICOM receiver %s listening on %s:%s (pid %s)", ae_title, host, port, os.getpid())
    stopping.wait()
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
    _check_port(host, port)
    command = [sys.executable, "-m", "radix", "dicom", "--processes", "1", "--reuse-port"]
    children: dict[int, tuple[subprocess.Popen, float]] = {}
    quick_deaths: dict[int, int] = {}

    def spawn(slot: int) -> None:
        proc = subprocess.Popen(command, env=dict(os.environ), preexec_fn=_die_with_parent)
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
    return code


def _check_port(host: str, port: int) -> None:
    """Fail early, with a message, when something else holds the port."""
    probe = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
    except OSError as exc:
        raise SystemExit(f"DICOM 端口 {host}:{port} 不可用：{exc}") from None
    finally:
        probe.close()


def server_port(server: Any) -> int:
    return int(server.server_address[1])
