"""C-STORE throughput of `radix dicom` with dcmtk storescu (a measurement, not a test).

    .venv/bin/python -m tests.interop.throughput [--count 500] [--database-url URL]

For each instance size (64×64 and 512×512 CT, explicit VR little endian), receiver process count
(1 and 2) and association count (1 and 4), a fresh set of instances is generated, sent with
storescu (TCP_NODELAY=1) in that many parallel associations, and instances/s printed (and as JSON
with ``--json``). Runs on a scratch SQLite database unless ``--database-url`` names another one.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.interop import peers


def _prepare(env: dict[str, str]) -> None:
    code = r"""
import radix.registry; radix.registry.load_all()
from radix.config import get_settings
from radix.core import migrate
from radix.core.db import db, session_scope
from radix.core.tenancy import SYSTEM, set_scope
from radix.platform import bootstrap
import radix.models
migrate.upgrade(get_settings().resolved_database_url)
radix.models.metadata.create_all(db.engine)  # tables a migration may not have yet
bootstrap.run()
import sqlalchemy as sa
from radix.imaging.models import DicomNode
from radix.platform.tenant.models import Tenant
with session_scope() as s:
    set_scope(s, SYSTEM)
    tenant = s.scalar(sa.select(Tenant.id).order_by(Tenant.id))
    if s.scalar(sa.select(DicomNode.id).where(DicomNode.ae_title == "BENCH")) is None:
        s.add(DicomNode(tenant_id=tenant, name="bench", ae_title="BENCH", host="127.0.0.1", port=104))
"""
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(r.stderr[-3000:])


def _send(files: list[Path], port: int, associations: int) -> tuple[float, int]:
    chunks = [files[i::associations] for i in range(associations)]
    started = time.perf_counter()
    procs = [subprocess.Popen(["storescu", "-aet", "BENCH", "-aec", "RADIX", "127.0.0.1", str(port), *map(str, chunk)],
                              env=peers.peer_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for chunk in chunks if chunk]
    failures = 0
    for p in procs:
        _, err = p.communicate()
        failures += err.count("Store Failed") + err.count("Store SCU Failed")
    return time.perf_counter() - started, failures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--processes", default="1,2")
    parser.add_argument("--associations", default="1,4")
    parser.add_argument("--sizes", default="64,512")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="radix-throughput-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("RADIX_")}
    (work / "data").mkdir()
    env["RADIX_DATA_DIR"] = str(work / "data")
    if args.database_url:
        env["RADIX_DATABASE_URL"] = args.database_url
    _prepare(env)
    results = []
    for processes in map(int, args.processes.split(",")):
        port = peers.free_port()
        server = subprocess.Popen([sys.executable, "-m", "radix", "dicom", "--port", str(port), "--processes",
                                   str(processes)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
        try:
            peers.wait_port(port, 60)
            time.sleep(1.0 if processes > 1 else 0.2)  # every receiver bound
            for size in map(int, args.sizes.split(",")):
                for associations in map(int, args.associations.split(",")):
                    files = peers.make_ct_series(work / f"set-{processes}-{size}-{associations}", args.count, size=size,
                                                 patient_id=f"BENCH{size}")
                    seconds, failures = _send(files, port, associations)
                    row = {"processes": processes, "size": f"{size}x{size}", "associations": associations,
                           "instances": len(files), "failures": failures, "seconds": round(seconds, 2),
                           "per_second": round(len(files) / seconds, 1)}
                    results.append(row)
                    print(f"{processes} process(es)  {size:>3}×{size:<3}  {associations} association(s): "
                          f"{row['per_second']:7.1f} instances/s  ({len(files)} in {seconds:.1f} s, {failures} failed)",
                          flush=True)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
