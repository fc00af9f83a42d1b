"""No acknowledged instance is lost: kill -9 the DICOM service during a storescu burst, restart it, and
find every instance storescu saw acknowledged in the index, with its file readable and intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pydicom
import pytest
import sqlalchemy as sa
from pydicom.dataset import Dataset
from pynetdicom.sop_class import StudyRootQueryRetrieveInformationModelFind as FIND

from radix.core.storage import blobs
from radix.imaging.models import Instance
from tests.conftest import system_session
from tests.imaging.dimse.conftest import add_node, bare_tenant, dataset_bytes, scu
from tests.imaging.dimse.test_dicom_command import wait_echo
from tests.interop import peers

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dcmtk")]

BURST = 2000
KILL_AFTER = 300  # acknowledged instances before the kill


def _service(port: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "radix", "dicom", "--port", str(port), "--processes", "2"],
                            env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def test_kill_9_during_a_burst_loses_no_acknowledged_instance(tmp_path):
    peers.require("storescu")
    tenant_id = bare_tenant()
    node = add_node(tenant_id)
    files = peers.make_ct_series(tmp_path / "burst", BURST, size=16, patient_id="CRASH")
    port = peers.free_port()
    service = _service(port)
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    senders = []
    try:
        wait_echo(port, node.ae_title)
        time.sleep(1.0)  # both receivers bound
        for log, half in zip(logs, (files[0::2], files[1::2]), strict=True):  # two associations
            with open(log, "w") as fh:
                senders.append(subprocess.Popen(
                    ["storescu", "-v", "-aet", node.ae_title, "-aec", "RADIX", "127.0.0.1", str(port), *map(str, half)],
                    env=peers.peer_env(), stdout=fh, stderr=subprocess.STDOUT))
        deadline = time.time() + 60
        while time.time() < deadline:
            acked = sum(log.read_text().count("Received Store Response (Success)") for log in logs)
            if acked >= KILL_AFTER or all(s.poll() is not None for s in senders):
                break
            time.sleep(0.05)
        os.killpg(service.pid, signal.SIGKILL)  # the supervisor and both receivers, mid-burst
        service.wait(10)
        for sender in senders:
            sender.wait(60)
    finally:
        peers.stop(service, signal.SIGKILL)
        for sender in senders:
            if sender.poll() is None:
                sender.kill()
    acknowledged = set()
    for log in logs:
        outcome = peers.parse_storescu(log.read_text())
        acknowledged |= outcome.succeeded
    assert KILL_AFTER <= len(acknowledged) < BURST, "the kill must land mid-burst"

    restarted = _service(port)
    try:
        wait_echo(port, node.ae_title)
        uids = {pydicom.dcmread(f, stop_before_pixels=True).SOPInstanceUID: f for f in map(str, acknowledged)}
        with system_session() as s:
            rows = {r.sop_uid: r.blob_key for r in s.execute(
                sa.select(Instance.sop_uid, Instance.blob_key).where(Instance.tenant_id == tenant_id))}
        missing = set(uids) - set(rows)
        assert not missing, f"{len(missing)} acknowledged instances lost"
        for uid, path in uids.items():
            assert dataset_bytes(blobs().get(rows[uid])) == dataset_bytes(open(path, "rb").read())
        for key in rows.values():  # and no index row without its file, acknowledged or not
            assert blobs().exists(key)
        # the restarted service finds them
        assoc = scu(node.ae_title, [FIND], port)
        identifier = Dataset()
        identifier.QueryRetrieveLevel = "IMAGE"
        identifier.PatientID = "CRASH"
        identifier.SOPInstanceUID = ""
        found = {str(ds.SOPInstanceUID) for status, ds in assoc.send_c_find(identifier, FIND)
                 if status and status.Status == 0xFF00}
        assoc.release()
        assert set(uids) <= found
    finally:
        peers.stop(restarted)
