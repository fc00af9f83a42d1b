"""Real DICOM peers for the tests: dcmtk's command line tools and Orthanc, each on a free loopback
port, with Nagle off (Debian's dcmtk leaves it on: TCP_NODELAY=1 in every peer's environment)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydicom
import pytest

from tests.net import free_port, wait_port

DCMTK_TOOLS = ("echoscu", "storescu", "findscu", "movescu", "getscu", "storescp")


def require(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (Debian packages dcmtk / orthanc)")


def peer_env() -> dict[str, str]:
    env = dict(os.environ)
    env["TCP_NODELAY"] = "1"
    return env


def run(*args: str, timeout: float = 60, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], env=peer_env(), capture_output=True, text=True, timeout=timeout,
                          cwd=cwd)


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


# --- storescu ------------------------------------------------------------------------------------


@dataclass
class StoreOutcome:
    """What storescu reported per file: the response status text, or why it did not send."""

    sent: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    output: str = ""

    @property
    def succeeded(self) -> set[str]:
        return {f for f, status in self.sent.items() if status.startswith("Success")}


_SENDING = re.compile(r"^I: Sending file: (.+)$")
_RESPONSE = re.compile(r"^I: Received Store Response \((.+)\)$")
_FAILED = re.compile(r"^E: Store Failed, file: (.+):$")


def parse_storescu(output: str) -> StoreOutcome:
    """Per file: storescu's verbose log says which file it sends and what the SCP answered."""
    outcome = StoreOutcome(output=output)
    current: str | None = None
    for line in output.splitlines():
        if m := _SENDING.match(line):
            current = m.group(1)
        elif (m := _RESPONSE.match(line)) and current:
            outcome.sent[current] = m.group(1)
            current = None
        elif m := _FAILED.match(line):
            outcome.failed[m.group(1)] = line
            current = None
    return outcome


def _storescu_config(path: Path, pairs: set[tuple[str, str]]) -> None:
    """A storescu profile proposing each (SOP class, transfer syntax) pair in its own context, plus
    uncompressed for every SOP class, so that every file travels in its own transfer syntax."""
    syntaxes = sorted({ts for _, ts in pairs})
    lines = ["[[TransferSyntaxes]]"]
    for i, ts in enumerate(syntaxes):
        lines += [f"[TS{i}]", f"TransferSyntax1 = {ts}"]
    lines += ["[Uncompressed]", "TransferSyntax1 = 1.2.840.10008.1.2.1", "TransferSyntax2 = 1.2.840.10008.1.2"]
    lines += ["[[PresentationContexts]]", "[Contexts]"]
    n = 0
    for sop_class, ts in sorted(pairs):
        n += 1
        lines.append(f"PresentationContext{n} = {sop_class}\\TS{syntaxes.index(ts)}")
    for sop_class in sorted({c for c, _ in pairs}):
        n += 1
        lines.append(f"PresentationContext{n} = {sop_class}\\Uncompressed")
    lines += ["[[Profiles]]", "[Radix]", "PresentationContexts = Contexts"]
    path.write_text("\n".join(lines) + "\n")


def file_syntax(path: Path) -> tuple[str, str] | None:
    """(SOP class, transfer syntax) of a DICOM file as storescu will read it, or None."""
    try:
        ds = pydicom.dcmread(path, stop_before_pixels=True, force=True)
        sop_class = str(ds.get("SOPClassUID") or ds.file_meta.get("MediaStorageSOPClassUID") or "")
        meta = getattr(ds, "file_meta", None)
        ts = str(meta.get("TransferSyntaxUID", "") if meta is not None else "") or "1.2.840.10008.1.2"
        return (sop_class, ts) if sop_class else None
    except Exception:
        return None


def storescu(files: list[Path], port: int, *, aet: str, aec: str = "RADIX", workdir: Path,
             extra: tuple[str, ...] = (), timeout: float = 120) -> StoreOutcome:
    """Send files with storescu in one association, each proposed in its own transfer syntax (at most
    128 presentation contexts per association, so files are sent in groups when needed)."""
    groups: list[tuple[set[tuple[str, str]], list[Path]]] = []
    for f in files:
        pair = file_syntax(f) or ("1.2.840.10008.5.1.4.1.1.7", "1.2.840.10008.1.2.1")
        for pairs, members in groups:
            classes = {c for c, _ in pairs | {pair}}
            if len(pairs | {pair}) + len(classes) <= 128:
                pairs.add(pair)
                members.append(f)
                break
        else:
            groups.append(({pair}, [f]))
    total = StoreOutcome()
    for i, (pairs, members) in enumerate(groups):
        config = workdir / f"storescu-{i}.cfg"
        _storescu_config(config, pairs)
        r = run("storescu", "-v", "-nh", "--config-file", config, "Radix", "-aet", aet, "-aec", aec, *extra,
                "127.0.0.1", str(port), *members, timeout=timeout)
        outcome = parse_storescu(r.stdout + r.stderr)
        total.sent.update(outcome.sent)
        total.failed.update(outcome.failed)
        total.output += outcome.output
    return total


# --- storescp ------------------------------------------------------------------------------------


@dataclass
class StoreSCP:
    ae_title: str
    port: int
    directory: Path
    proc: subprocess.Popen

    def files(self) -> list[Path]:
        return sorted(p for p in self.directory.rglob("*") if p.is_file())


@contextlib.contextmanager
def storescp(directory: Path, ae_title: str = "STORESCP") -> Iterator[StoreSCP]:
    """dcmtk storescp on a free port, accepting every transfer syntax, writing files bit-preserving."""
    require("storescp")
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    proc = subprocess.Popen(["storescp", "-aet", ae_title, "+xa", "+B", "-od", str(directory), "-fe", ".dcm",
                             str(port)], env=peer_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        wait_port(port)
        yield StoreSCP(ae_title, port, directory, proc)
    finally:
        stop(proc)


# --- generated instances -------------------------------------------------------------------------


def make_ct_series(directory: Path, count: int, *, size: int = 64, patient_id: str = "SYN", study_uid: str | None = None,
                   prefix: str = "2.25.") -> list[Path]:
    """``count`` CT instances of one series (explicit VR little endian, ``size``×``size`` 16-bit), written
    fast: the header is built once and only the UIDs and numbers change per file."""
    import numpy as np
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    directory.mkdir(parents=True, exist_ok=True)
    study_uid = study_uid or generate_uid(prefix=prefix if prefix != "2.25." else None)
    series_uid = generate_uid()
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    pixels = (np.arange(size * size, dtype=np.uint16) % 4096).reshape(size, size).tobytes()
    paths = []
    for i in range(count):
        sop_uid = generate_uid()
        meta.MediaStorageSOPInstanceUID = sop_uid
        ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
        ds.SpecificCharacterSet = "ISO_IR 192"
        ds.SOPClassUID = meta.MediaStorageSOPClassUID
        ds.SOPInstanceUID = sop_uid
        ds.StudyDate = "20240315"
        ds.StudyTime = "101500"
        ds.Modality = "CT"
        ds.PatientName = "测试^患者"
        ds.PatientID = patient_id
        ds.StudyInstanceUID = study_uid
        ds.SeriesInstanceUID = series_uid
        ds.SeriesNumber = 1
        ds.InstanceNumber = i + 1
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.Rows = ds.Columns = size
        ds.BitsAllocated = 16
        ds.BitsStored = 12
        ds.HighBit = 11
        ds.PixelRepresentation = 0
        ds.PixelData = pixels
        path = directory / f"{i:05d}.dcm"
        ds.save_as(path, enforce_file_format=True)
        paths.append(path)
    return paths


# --- Orthanc -------------------------------------------------------------------------------------


@dataclass
class Orthanc:
    ae_title: str
    dicom_port: int
    http_port: int
    proc: subprocess.Popen

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.http_port}{path}"

    def request(self, method: str, path: str, body: bytes | dict | list | None = None, timeout: float = 60) -> Any:
        import json
        import urllib.request

        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url(path), data=data, method=method)
        with urllib.request.urlopen(req, timeout=timeout) as rsp:
            payload = rsp.read()
            if rsp.headers.get("Content-Type", "").startswith("application/json"):
                return json.loads(payload)
            return payload


@contextlib.contextmanager
def orthanc(workdir: Path, modalities: dict[str, dict[str, Any]], ae_title: str = "ORTHANC") -> Iterator[Orthanc]:
    """Debian's Orthanc on free ports with a temporary configuration.

    Orthanc has no listen-address option and must reach the archive on the host's loopback (so it
    cannot live in a network namespace of its own): instead its HTTP API answers only local clients
    and its DICOM port only the configured modalities, from their configured host.
    """
    import json

    require("Orthanc")
    with socket.socket() as a, socket.socket() as b:  # two distinct free ports
        a.bind(("127.0.0.1", 0))
        b.bind(("127.0.0.1", 0))
        http_port, dicom_port = a.getsockname()[1], b.getsockname()[1]
    config = {
        "Name": "RadixInterop",
        "StorageDirectory": str(workdir / "storage"),
        "IndexDirectory": str(workdir / "index"),
        "HttpPort": http_port,
        "DicomPort": dicom_port,
        "DicomAet": ae_title,
        "RemoteAccessAllowed": False,
        "AuthenticationEnabled": False,
        "DicomCheckCalledAet": True,
        "DicomCheckModalityHost": True,
        "DicomAlwaysAllowEcho": False,
        "DicomAlwaysAllowStore": False,
        "DicomAlwaysAllowFind": False,
        "DicomAlwaysAllowMove": False,
        "DicomModalities": modalities,
        "SaveJobs": False,
        "Plugins": [],
        "StableAge": 1,
        "HttpTimeout": 60,
    }
    path = workdir / "orthanc.json"
    workdir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config))
    log = open(workdir / "orthanc.log", "w")
    proc = subprocess.Popen([shutil.which("Orthanc"), str(path)], env=peer_env(), stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    server = Orthanc(ae_title, dicom_port, http_port, proc)
    try:
        deadline = time.time() + 30
        while True:
            try:
                server.request("GET", "/system", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    log.flush()
                    raise AssertionError("Orthanc did not start: "
                                         + (workdir / "orthanc.log").read_text()[-2000:]) from None
                time.sleep(0.2)
        yield server
    finally:
        stop(proc)
        log.close()
