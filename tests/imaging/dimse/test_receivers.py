"""Receivers sharing one listening socket: each new association goes to the least busy one."""

from __future__ import annotations

import socket
import time

from pynetdicom.sop_class import CTImageStorage, Verification

from radix.imaging.dimse import server as dimse_server
from tests.imaging.dimse.conftest import add_node, scu


def test_loads_table_is_shared_and_ignores_stopped_receivers():
    table = dimse_server.Loads.create(3)
    first, second = dimse_server.Loads(table.fd, 0), dimse_server.Loads(table.fd, 1)
    assert [table.get(n) for n in range(3)] == [-1, -1, -1]  # nothing running yet
    first.publish(2)
    second.publish(1)
    assert table.get(0) == 2 and table.get(1) == 1  # one memory: what one writes, all read
    assert first.others_less_busy(2) and not second.others_less_busy(1)
    second.publish(-1)  # stopped: not a candidate
    assert not first.others_less_busy(2)


def _wait(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def test_associations_spread_evenly_over_receivers_sharing_a_socket(configured, tenant):
    node = add_node(tenant["id"])
    listener = socket.create_server(("127.0.0.1", 0), backlog=16)
    table = dimse_server.Loads.create(2)
    receivers = []
    for slot in range(2):  # as `serve` starts them, here in one process: each its own descriptor and slot
        loads = dimse_server.Loads(table.fd, slot)
        loads.publish(0)
        receivers.append(dimse_server.start("127.0.0.1", 0, "RADIX", listen_fd=listener.dup().detach(), loads=loads))
    port = listener.getsockname()[1]
    assert all(r.server_address[1] == port for r in receivers)
    held = []
    try:
        for n in range(6):
            assoc = scu(node.ae_title, [CTImageStorage], port)
            assert assoc.is_established
            held.append(assoc)
            assert _wait(lambda: sum(len(r.storage.active()) for r in receivers) == n + 1)
        # served in turn, never three on one while the other has one
        assert [len(r.storage.active()) for r in receivers] == [3, 3]
        assert [table.get(0), table.get(1)] == [3, 3]
        for assoc in held:
            assoc.release()
        assert _wait(lambda: [table.get(0), table.get(1)] == [0, 0])
        # an echo on the shared socket is answered
        echo = scu(node.ae_title, [Verification], port)
        assert echo.is_established and echo.send_c_echo().Status == 0
        echo.release()
        # stopping one receiver leaves the socket to the other: it still accepts
        dimse_server.stop(receivers[0], grace=1)
        table.set(0, -1)
        late = scu(node.ae_title, [Verification], port)
        assert late.is_established
        late.release()
    finally:
        for assoc in held:
            if assoc.is_established:
                assoc.abort()
        for r in receivers[1:]:
            dimse_server.stop(r, grace=1)
        listener.close()
