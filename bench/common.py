"""Shared plumbing of the benchmarks: synthetic data sets, Orthanc and Radix started on loopback,
storescu runs. Everything runs on this machine, side by side, in one run."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from tests.net import free_port, wait_http, wait_port  # the loopback helpers the tests use

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
UID_ROOT = "1.2.826.0.1.3680043.10.1104."


def ct_series(directory: Path, count: int, size: int = 512, patient: str = "BENCH^CT", patient_id: str = "BENCH001",
              study_uid: str | None = None) -> list[Path]:
    """`count` explicit-LE CT slices of size×size (int16), one study, one series, consistent geometry."""
    directory.mkdir(parents=True, exist_ok=True)
    study_uid = study_uid or generate_uid(UID_ROOT)
    series_uid = generate_uid(UID_ROOT)
    rng = np.random.default_rng(7)
    base = (rng.normal(0, 40, (size, size))).astype(np.int16)
    paths = []
    for i in range(count):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
        meta.MediaStorageSOPInstanceUID = generate_uid(UID_ROOT)
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = FileDataset(str(directory / f"{i:05d}.dcm"), {}, file_meta=meta, preamble=b"\0" * 128)
        ds.SOPClassUID = meta.MediaStorageSOPClassUID
        ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
        ds.StudyInstanceUID = study_uid
        ds.SeriesInstanceUID = series_uid
        ds.PatientName = patient
        ds.PatientID = patient_id
        ds.StudyDate = "20261128"
        ds.StudyTime = "080000"
        ds.AccessionNumber = "ACC" + patient_id[-6:]
        ds.Modality = "CT"
        ds.SeriesNumber = 1
        ds.InstanceNumber = i + 1
        ds.ImagePositionPatient = [-250.0, -250.0, float(i)]
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.PixelSpacing = [500 / size, 500 / size]
        ds.SliceThickness = 1.0
        ds.Rows = ds.Columns = size
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.BitsAllocated = 16
        ds.BitsStored = 16
        ds.HighBit = 15
        ds.PixelRepresentation = 1
        ds.RescaleIntercept = -1024
        ds.RescaleSlope = 1
        ds.PixelData = (base + i).tobytes()
        path = directory / f"{i:05d}.dcm"
        ds.save_as(path, enforce_file_format=True)
        paths.append(path)
    return paths


def storescu(files: list[Path], port: int, aet: str, aec: str, associations: int) -> float:
    """Send the files over `associations` parallel storescu processes (one association each);
    seconds until all are done."""
    env = {**os.environ, "TCP_NODELAY": "1"}
    chunks = [files[i::associations] for i in range(associations)]
    start = time.perf_counter()
    procs = [
        subprocess.Popen(["storescu", "-aet", aet, "-aec", aec, "127.0.0.1", str(port), *map(str, chunk)],
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for chunk in chunks
    ]
    outputs = [p.communicate()[0] for p in procs]
    elapsed = time.perf_counter() - start
    failed = [f"exit {p.returncode}: " + out.decode(errors="replace")[-800:]
              for p, out in zip(procs, outputs, strict=True) if p.returncode != 0]
    if failed:
        raise RuntimeError(f"storescu failed ({len(failed)} of {len(procs)}): " + failed[0])
    return elapsed


@contextlib.contextmanager
def orthanc(workdir: Path) -> Iterator[dict[str, Any]]:
    """Debian's Orthanc 1.10 with its default storage settings (SQLite index), DICOMweb plugin on, on free ports."""
    binary = shutil.which("Orthanc") or "/usr/sbin/Orthanc"
    http_port, dicom_port = free_port(), free_port()
    config = {
        "Name": "bench",
        "StorageDirectory": str(workdir / "storage"),
        "IndexDirectory": str(workdir / "index"),
        "HttpPort": http_port,
        "DicomPort": dicom_port,
        "DicomAet": "ORTHANC",
        "RemoteAccessAllowed": False,
        "AuthenticationEnabled": False,
        "DicomAlwaysAllowFind": True,
        "DicomAlwaysAllowStore": True,
        "DicomCheckCalledAet": False,
        "SaveJobs": False,
        "Plugins": ["/usr/share/orthanc/plugins/libOrthancDicomWeb.so"],
        "DicomWeb": {"Enable": True, "Root": "/dicom-web/"},
    }
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "orthanc.json").write_text(json.dumps(config))
    log = open(workdir / "orthanc.log", "w")
    proc = subprocess.Popen([binary, str(workdir / "orthanc.json")], env={**os.environ, "TCP_NODELAY": "1"},
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_http(f"http://127.0.0.1:{http_port}/system", 60)
        wait_port(dicom_port, 60)
        yield {"http": f"http://127.0.0.1:{http_port}", "dicom_port": dicom_port, "aet": "ORTHANC", "workdir": workdir,
               "pgid": proc.pid}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
        log.close()


@contextlib.contextmanager
def radix(workdir: Path, processes: int = 2, web_dist: Path | None = None,
          dicom_path: Path | None = None) -> Iterator[dict[str, Any]]:
    """`radix demo` then `radix web` and `radix dicom --processes N` on a fresh data dir (SQLite), with a node
    `BENCH` of tenant demo-a so the benchmark's calling AE is accepted. With `web_dist`, `radix web` serves
    the console from that copy (the viewer bench: a rebuild of src/radix/web_dist meanwhile cannot break it).
    With `dicom_path`, that folder goes first on `radix dicom`'s PYTHONPATH (bench/ablation.py)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RADIX_")}
    env.update(RADIX_DATA_DIR=str(workdir), TCP_NODELAY="1")
    py = [sys.executable, "-m", "radix"]
    subprocess.run(py + ["demo"], env=env, check=True, capture_output=True, timeout=600)
    register = (
        "from radix.core.db import session_scope\n"
        "from radix.core.tenancy import SYSTEM, set_scope\n"
        "import sqlalchemy as sa\n"
        "from radix.platform.tenant.models import Tenant\n"
        "from radix.imaging.models import DicomNode\n"
        "import radix.models\n"
        "with session_scope() as s:\n"
        "    set_scope(s, SYSTEM)\n"
        "    t = s.scalar(sa.select(Tenant).where(Tenant.code == 'demo-a'))\n"
        "    if not s.scalar(sa.select(DicomNode).where(DicomNode.ae_title == 'BENCH')):\n"
        "        s.add(DicomNode(tenant_id=t.id, name='bench', ae_title='BENCH', host='127.0.0.1', port=1))\n"
    )
    subprocess.run([sys.executable, "-c", register], env=env, check=True, timeout=120)
    http_port, dicom_port = free_port(), free_port()
    logs = open(workdir / "radix.log", "w")
    web_cmd = py + ["web", "--port", str(http_port)]
    web_env = {**env, "RADIX_WEB_DIST": str(web_dist)} if web_dist is not None else env
    web = subprocess.Popen(web_cmd, env=web_env, stdout=logs, stderr=subprocess.STDOUT, start_new_session=True)
    dicom_env = {**env, "PYTHONPATH": os.pathsep.join(filter(None, (str(dicom_path), env.get("PYTHONPATH"))))} \
        if dicom_path is not None else env
    dicom = subprocess.Popen(py + ["dicom", "--port", str(dicom_port), "--processes", str(processes)], env=dicom_env,
                             stdout=logs, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_http(f"http://127.0.0.1:{http_port}/api/health", 60)
        wait_port(dicom_port, 60)
        login = urllib.request.Request(
            f"http://127.0.0.1:{http_port}/api/v1/auth/login",
            data=json.dumps({"tenant": "demo-a", "username": "admin", "password": "Radix2026", "agreeTerms": True}).encode(),
            headers={"Content-Type": "application/json"},
        )
        token = json.load(urllib.request.urlopen(login))["token"]
        yield {"http": f"http://127.0.0.1:{http_port}", "dicom_port": dicom_port, "aet": "RADIX", "token": token,
               "workdir": workdir, "env": env, "pgid": dicom.pid}
    except BaseException:
        logs.flush()
        print("radix.log (end):\n" + (workdir / "radix.log").read_text(errors="replace")[-4000:], file=sys.stderr)
        raise
    finally:
        for p in (web, dicom):
            os.killpg(p.pid, signal.SIGTERM)
        for p in (web, dicom):
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        logs.close()


@contextlib.contextmanager
def storescp(workdir: Path) -> Iterator[dict[str, Any]]:
    """dcmtk's storescp writing what it receives to files (no fsync, no index), a process per association
    (``--fork``): the most a receiver on this machine takes from the same storescu runs, the ceiling the
    archive's numbers are read against."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    proc = subprocess.Popen(["storescp", "--fork", "-aet", "SINK", "-od", str(workdir), str(port)],
                            env={**os.environ, "TCP_NODELAY": "1"}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_port(port, 60)
        yield {"dicom_port": port, "aet": "SINK", "pgid": proc.pid}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)


def group_cpu(pgid: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of a process group, with their
    children that have ended (storescp's per-association processes)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the name: state, ppid, pgrp, …, utime (11), stime (12)
            total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return total / ticks


def make_room(megabytes: int = 1024) -> None:
    """Leave `megabytes` of memory free: touch that much (the kernel evicts page cache for it), then let it go.

    On this machine the page cache fills the memory within minutes; from then on every page a server writes
    is first reclaimed from the cache in the writer's own time — a 512 KB file costs ~1 ms of CPU instead of
    ~0.15 ms, depending on what ran before. Every timed send starts from the same state this way.

    First everything written so far goes to the disk (``sync``): storescp writes without fsync, and its
    half gigabyte of dirty pages, flushed in the background during the next server's send, would queue
    ahead of that server's own fsyncs."""
    os.sync()
    room = bytearray(megabytes * 1024 * 1024)
    for offset in range(0, len(room), 4096):
        room[offset] = 1
    del room


def machine_busy() -> tuple[int, int]:
    """(all, idle) CPU ticks of the machine so far, from /proc/stat: busy share = 1 - Δidle / Δall."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(ticks), ticks[3] + ticks[4]  # idle + iowait


def timed_get(url: str, headers: dict[str, str] | None = None, repeat: int = 5) -> list[float]:
    times = []
    for _ in range(repeat):
        req = urllib.request.Request(url, headers=headers or {})
        start = time.perf_counter()
        with urllib.request.urlopen(req) as r:
            r.read()
        times.append(time.perf_counter() - start)
    return times


def save(name: str, result: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return path


def update_readme(name: str, table: str, after: str | None = None) -> None:
    """Put `table` in the README between `<!-- bench:<name> -->` markers: in place when they are there, else
    after the block `after` names (when present), else at the top of "## Benchmarks"."""
    readme = ROOT / "README.md"
    text = readme.read_text()
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{table}\n{end}"
    anchor = f"<!-- /bench:{after} -->" if after else None
    if start in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
    elif anchor and anchor in text:
        text = text.replace(anchor, f"{anchor}\n\n{block}", 1)
    else:
        text = text.replace("## Benchmarks\n", f"## Benchmarks\n\n{block}\n", 1)
    readme.write_text(text)
