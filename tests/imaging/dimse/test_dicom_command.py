"""`radix dicom --processes N`: N receiver processes sharing one listening socket, supervised."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from pynetdicom.sop_class import CTImageStorage, Verification

from radix.imaging.models import Instance
from tests.conftest import system_session
from tests.imaging.dimse.conftest import add_node, bare_tenant, ct, scu
from tests.net import free_port


def start(port: int, processes: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "radix", "dicom", "--port", str(port), "--processes", str(processes)],
                            env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)


def wait_echo(port: int, calling: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        assoc = scu(calling, [Verification], port)
        if assoc.is_established:
            assoc.release()
            return
        time.sleep(0.2)
    raise AssertionError(f"no DICOM service on port {port}")


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _sockets(pid: int, port: int, state: str) -> int:
    """How many sockets on the port in that state (/proc/net/tcp: 0A listening, 01 established) the
    process holds."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == state:
            inodes.add(fields[9])
    held = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        held += target.startswith("socket:[") and target[8:-1] in inodes
    return held


def listening(pid: int, port: int) -> bool:
    return _sockets(pid, port, "0A") > 0


@pytest.mark.slow
def test_receivers_share_the_port_and_are_restarted(tmp_path):
    node = add_node(bare_tenant())
    port = free_port()
    proc = start(port, 2)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)
    reader.start()
    try:
        wait_echo(port, node.ae_title)
        deadline = time.time() + 30
        # each receiver holds the socket from its start, and serves once it says so
        while time.time() < deadline and not (len(children(proc.pid)) == 2
                                               and all(listening(c, port) for c in children(proc.pid))
                                               and sum("DICOM receiver RADIX listening" in x for x in lines) == 2):
            time.sleep(0.2)
        receivers = children(proc.pid)
        assert len(receivers) == 2 and all(listening(c, port) for c in receivers)
        assert all(any(f"(pid {c})" in x for x in lines) for c in receivers)

        # associations open at once are spread evenly: the busier receiver leaves a new one to the other
        held = []
        for _ in range(4):
            held.append(scu(node.ae_title, [CTImageStorage], port))
            assert held[-1].is_established
        deadline = time.time() + 10
        while time.time() < deadline and [_sockets(c, port, "01") for c in receivers] != [2, 2]:
            time.sleep(0.1)
        assert [_sockets(c, port, "01") for c in receivers] == [2, 2]
        for assoc in held:
            assoc.release()

        # parallel associations are all served
        sent: list[str] = []
        errors: list[str] = []

        def send(n: int) -> None:
            assoc = scu(node.ae_title, [CTImageStorage], port)
            try:
                for _ in range(n):
                    ds = ct()
                    if assoc.send_c_store(ds).Status == 0:
                        sent.append(ds.SOPInstanceUID)
            except Exception as exc:  # reported below
                errors.append(repr(exc))
            finally:
                assoc.release()

        threads = [threading.Thread(target=send, args=(5,)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors and len(sent) == 20
        with system_session() as s:
            assert s.scalar(sa.select(sa.func.count()).select_from(Instance).where(Instance.sop_uid.in_(sent))) == 20

        # a receiver killed is replaced; the service answers throughout
        os.kill(receivers[0], signal.SIGKILL)
        deadline = time.time() + 20
        while time.time() < deadline and not (len(children(proc.pid)) == 2 and receivers[0] not in children(proc.pid)):
            time.sleep(0.2)
        assert len(children(proc.pid)) == 2 and receivers[0] not in children(proc.pid)
        wait_echo(port, node.ae_title)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        reader.join(10)
    out = "".join(lines)
    assert proc.returncode == 0, out[-3000:]
    assert f"listening on 127.0.0.1:{port} (2 processes)" in out
    assert not any(os.path.exists(f"/proc/{c}") and Path(f"/proc/{c}/stat").read_text().split()[2] != "Z"
                   for c in receivers[1:])


def test_a_taken_port_is_reported(tmp_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        proc = start(port, 2)
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode != 0 and "不可用" in out
