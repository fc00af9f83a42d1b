"""`make bench`: the archive against Orthanc 1.10 (Debian default config), side by side, in one run.

1. ingest: 500 × 512×512 CT (explicit LE) over C-STORE with dcmtk storescu (TCP_NODELAY=1), 1 and 4 associations,
   into Orthanc, into Radix, and into dcmtk's storescp --fork (files only: the machine's ceiling), in turn, three
   rounds, a fresh study each time; medians, with each server's CPU time per instance and how busy the cores were.
   On 4 associations also into Radix with its fsyncs, or its index statements, switched off (bench/ablation.py):
   where the target lies on this machine.
2. metadata: WADO-RS /metadata of that 500-instance study.
3. qido: QIDO-RS latency (PatientName fuzzy and wildcard, StudyDate range, PatientID) with 20,000 instances
   indexed in each; per query 300 timed requests to each server, in turn (who goes first alternating), after 10
   untimed; p95 and median.
Results land in bench/results/archive.json and as a table in the README.
Then the viewer part (bench/viewer.py): bench/results/viewer.json and its own README table.
"""

from __future__ import annotations

import contextlib
import json
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench import ablation, common

INGEST_COUNT = 500
INGEST_ROUNDS = 3  # sends per receiver and association count, interleaved: the machine's speed drifts
QIDO_INSTANCES = int(__import__("os").environ.get("RADIX_BENCH_QIDO_INSTANCES", "20000"))
QIDO_REPEAT = 300  # timed requests per query and server
QIDO_WARMUP = 10


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def _send(files: list[Path], server: dict[str, Any], associations: int) -> dict[str, float]:
    """Instances/s over `associations` storescu processes, the server's CPU milliseconds per instance and
    how busy the machine's cores were meanwhile."""
    common.make_room()
    cpu, (all_before, idle_before) = common.group_cpu(server["pgid"]), common.machine_busy()
    seconds = common.storescu(files, server["dicom_port"], "BENCH", server["aet"], associations)
    used, (all_after, idle_after) = common.group_cpu(server["pgid"]) - cpu, common.machine_busy()
    busy = 1 - (idle_after - idle_before) / max(1, all_after - all_before)
    return {"rate": len(files) / seconds, "cpu_ms": 1000 * used / len(files), "busy": 100 * busy}


def ingest_and_metadata(tmp: Path) -> dict[str, Any]:
    """Per association count, the receivers (storescp, Orthanc, Radix; on 4 associations also the ablated
    Radix receivers) run side by side and are sent to in turn, INGEST_ROUNDS times (the order rotating each
    round), each time a fresh 500-instance study; medians are reported."""
    out: dict[str, Any] = {"instances": INGEST_COUNT, "size": "512x512 int16, explicit LE", "rounds": INGEST_ROUNDS}
    studies: dict[str, str] = {}
    for associations in (1, 4):
        with contextlib.ExitStack() as stack:
            sink = stack.enter_context(common.storescp(tmp / f"sink-{associations}"))
            o = stack.enter_context(common.orthanc(tmp / f"orthanc-{associations}"))
            r = stack.enter_context(common.radix(tmp / f"radix-{associations}"))
            servers = {"storescp": sink, "orthanc": o, "radix": r}
            if associations == 4:  # where the target lies: Radix with one requirement switched off
                for name in ablation.ABLATIONS:
                    servers[f"radix_{name}"] = stack.enter_context(common.radix(
                        tmp / f"radix-{name}", dicom_path=ablation.site_dir(tmp, name)))
            runs: dict[str, list[dict[str, float]]] = {name: [] for name in servers}
            for k in range(INGEST_ROUNDS):
                names = list(servers)
                for name in names[k % len(names):] + names[: k % len(names)]:
                    for attempt in range(2):  # a failed send is recorded, and tried once more with a fresh study
                        folder = tmp / f"ct-{name}-{associations}-{k}-{attempt}"
                        files = common.ct_series(folder, INGEST_COUNT,
                                                 patient_id=f"B{associations}{k}{names.index(name)}{attempt}")
                        study = _study_uid(files[0])
                        try:
                            runs[name].append(_send(files, servers[name], associations))
                        except RuntimeError as exc:
                            if attempt:
                                raise
                            out.setdefault("failed_sends", []).append(
                                {"server": name, "associations": associations, "round": k, "error": str(exc)[:300]})
                            continue
                        # the sent set stays until the run ends: this disk's ext4 has no journal, and there
                        # every file created skips the inodes deleted in the last half minute one by one
                        # (recently_deleted), so deleting 500 files here made the next server's stores
                        # slower (storescp's CPU per instance went from 0.44 to 1.8 ms within one run)
                        studies.setdefault(name, study)
                        break
            for name, measured in runs.items():
                out[f"{name}_{associations}"] = round(statistics.median(m["rate"] for m in measured), 1)
                out[f"{name}_cpu_ms_{associations}"] = round(statistics.median(m["cpu_ms"] for m in measured), 2)
                out[f"{name}_busy_{associations}"] = round(statistics.median(m["busy"] for m in measured))
                out[f"{name}_runs_{associations}"] = [round(m["rate"], 1) for m in measured]
            if associations == 1:
                times = common.timed_get(f"{o['http']}/dicom-web/studies/{studies['orthanc']}/metadata",
                                         {"Accept": "application/dicom+json"})
                out["orthanc_metadata_s"] = round(statistics.median(times), 4)
                times = common.timed_get(f"{r['http']}/dicom-web/studies/{studies['radix']}/metadata",
                                         {"Accept": "application/dicom+json", "Authorization": f"Bearer {r['token']}"})
                out["radix_metadata_s"] = round(statistics.median(times), 4)
    return out


# The component separator is sent as a literal ``^``: Orthanc 1.10's DICOMweb plugin does not
# percent-decode it, and ``PATIENT%5E001*`` matched nothing there (an empty answer against Radix's 100
# studies, in every run before 2026-11-28 23:40). Orthanc does no fuzzy matching (PS3.18 makes it optional; it
# answers ``fuzzymatching=true`` with an exact match, here none), so it is given the nearest query it
# can answer with the same studies: the name's prefix as a wildcard. Each server's match count is
# recorded, and the table says where they differ.
QIDO_QUERIES: dict[str, tuple[str, str]] = {  # name → (Radix's query, Orthanc's)
    "name_fuzzy": ("/dicom-web/studies?PatientName=patient^0012&fuzzymatching=true",
                   "/dicom-web/studies?PatientName=patient^0012*"),
    "name_wildcard": ("/dicom-web/studies?PatientName=PATIENT^001*",) * 2,
    "date_range": ("/dicom-web/studies?StudyDate=20261101-20261130&limit=100",) * 2,
    "patient_id": ("/dicom-web/studies?PatientID=P000123",) * 2,
}


def qido(tmp: Path) -> dict[str, Any]:
    per_study = 50
    files: list[Path] = []
    for n in range(QIDO_INSTANCES // per_study):
        files += common.ct_series(tmp / "qido" / f"s{n:04d}", per_study, size=32, patient=f"PATIENT^{n:05d}",
                                  patient_id=f"P{n:06d}")
    out: dict[str, Any] = {"instances": len(files), "requests_per_query": QIDO_REPEAT}
    with common.orthanc(tmp / "orthanc-qido") as o, common.radix(tmp / "radix-qido") as r:
        for name, server in (("orthanc", o), ("radix", r)):
            try:
                common.storescu(files, server["dicom_port"], "BENCH", server["aet"], 4)
            except RuntimeError as exc:  # recorded; sent once more (what was stored already is kept)
                out.setdefault("failed_sends", []).append({"server": name, "associations": 4, "error": str(exc)[:300]})
                common.storescu(files, server["dicom_port"], "BENCH", server["aet"], 4)
        servers = {
            "orthanc": (o["http"], {"Accept": "application/dicom+json"}),
            "radix": (r["http"], {"Accept": "application/dicom+json", "Authorization": f"Bearer {r['token']}"}),
        }
        for name, (radix_query, orthanc_query) in QIDO_QUERIES.items():
            asked = {"radix": radix_query, "orthanc": orthanc_query}
            for server, (base, headers) in servers.items():
                with urllib.request.urlopen(urllib.request.Request(base + asked[server], headers=headers)) as answer:
                    out[f"{server}_{name}_matches"] = len(json.loads(answer.read() or b"[]"))
            # warm-up, then the two servers asked in turn (a passing load slows both alike)
            times: dict[str, list[float]] = {server: [] for server in servers}
            for n in range(QIDO_WARMUP + QIDO_REPEAT):
                for server, (base, headers) in list(servers.items())[:: 1 if n % 2 else -1]:  # who goes first alternates
                    (t,) = common.timed_get(base + asked[server], headers, repeat=1)
                    if n >= QIDO_WARMUP:
                        times[server].append(t)
            for server, ts in times.items():
                out[f"{server}_{name}_p95_ms"] = round(_p95(ts) * 1000, 2)
                out[f"{server}_{name}_median_ms"] = round(statistics.median(ts) * 1000, 2)
    return out


def _study_uid(path: Path) -> str:
    import pydicom

    return str(pydicom.dcmread(path, stop_before_pixels=True).StudyInstanceUID)


def _faster(anchor: float, ours: float) -> str:
    """Latency ratio in words: anchor time / our time."""
    ratio = anchor / ours
    return f"{ratio:.1f}× faster" if ratio >= 1 else f"{1 / ratio:.1f}× slower"


def readme_table(result: dict[str, Any]) -> str:
    i, q = result["ingest"], result.get("qido", {})
    rows = [
        "| benchmark | Orthanc 1.10 (Debian default) | Radix | Radix / Orthanc |",
        "|---|---|---|---|",
        *(f"| C-STORE 500×512² CT, {n} association{'s' if n > 1 else ''} (inst/s, median of {i['rounds']}; "
          f"server CPU ms/instance; cores busy) | {i[f'orthanc_{n}']} ({i[f'orthanc_cpu_ms_{n}']} ms; "
          f"{i[f'orthanc_busy_{n}']} %) | {i[f'radix_{n}']} ({i[f'radix_cpu_ms_{n}']} ms; {i[f'radix_busy_{n}']} %) | "
          f"{i[f'radix_{n}'] / i[f'orthanc_{n}']:.2f}× |" for n in (1, 4)),
        f"| WADO-RS /metadata, 500-instance study (s, median) | {i['orthanc_metadata_s']} | {i['radix_metadata_s']} | "
        f"{_faster(i['orthanc_metadata_s'], i['radix_metadata_s'])} |",
    ]
    for name in ("name_fuzzy", "name_wildcard", "date_range", "patient_id"):
        if f"radix_{name}_p95_ms" in q:
            o, r = (q.get(f"{server}_{name}_matches", "?") for server in ("orthanc", "radix"))
            note = " (Orthanc: the prefix as a wildcard; it has no fuzzy matching)" if name == "name_fuzzy" else ""
            rows.append(f"| QIDO {name}{note} at {q['instances']} instances (p95 ms; studies matched) | "
                        f"{q[f'orthanc_{name}_p95_ms']} ({o}) | {q[f'radix_{name}_p95_ms']} ({r}) | "
                        f"{_faster(q[f'orthanc_{name}_p95_ms'], q[f'radix_{name}_p95_ms'])}"
                        f"{'' if o == r else ' (not the same answer)'} |")
    failed = [f for part in (i, q) for f in part.get("failed_sends", [])]
    failures = ("\n\nFailed sends in this run (each tried once more): "
                + "; ".join(f"{f['server']} ({f['associations']} assoc.): {f['error'][:120]}" for f in failed)
                if failed else "")
    ceiling = ("\n\nThe same storescu runs into dcmtk's `storescp --fork` (a process per association, files written "
               "without fsync, nothing parsed or indexed): the most a receiver takes on this machine while the "
               f"senders share its two cores — {i['storescp_1']} inst/s on 1 association "
               f"({i['storescp_cpu_ms_1']} ms CPU/instance), {i['storescp_4']} on 4 ({i['storescp_cpu_ms_4']} ms; "
               f"cores {i['storescp_busy_4']} % busy).") if "storescp_4" in i else ""
    target = 2 * i["orthanc_4"]  # the ingest target
    if "storescp_4" in i:
        ceiling += (f" The issue's ingest target, 2× Orthanc on 4 associations, is {target:.0f} inst/s here: "
                    + ("more than storescp itself took in this run."
                       if target > i["storescp_4"] else f"{'met' if i['radix_4'] >= target else 'not met'}."))
    return "\n".join(rows) + ceiling + _ablations(i, target) + failures


def _ablations(i: dict[str, Any], target: float) -> str:
    """Radix's receivers with one requirement switched off, in the same rounds (bench/ablation.py)."""
    measured = [(name, what) for name, (what, _) in ablation.ABLATIONS.items() if f"radix_{name}_4" in i]
    if not measured:
        return ""
    parts = []
    for name, what in measured:
        rate = i[f"radix_{name}_4"]
        parts.append(f"{what}: {rate} inst/s ({i[f'radix_{name}_cpu_ms_4']} ms; {rate / i['orthanc_4']:.2f}× "
                     f"Orthanc, target {'met' if rate >= target else 'not met'})")
    return ("\n\nIn the same rounds on 4 associations, Radix with one of the issue's requirements switched off (an "
            "ablation, never Radix's behaviour): " + "; ".join(parts) + ".")


def main() -> int:
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="radix-bench-") as tmp:
        result = {"machine": "2 cores, 24 GB", "when": time.strftime("%Y-%m-%d %H:%M"),
                  "ingest": ingest_and_metadata(Path(tmp))}
        if QIDO_INSTANCES:
            result["qido"] = qido(Path(tmp))
    result["seconds"] = round(time.time() - started)
    path = common.save("archive", result)
    table = readme_table(result)
    result_md = common.RESULTS / "archive.md"
    result_md.write_text(table + "\n")
    _update_readme(table)
    print(json.dumps(result, indent=2))
    print(f"saved {path}")
    from bench import viewer  # the viewer in headless Chromium over Radix's and Orthanc's DICOMweb

    return viewer.main()


def _update_readme(table: str) -> None:
    common.update_readme("archive", table)


if __name__ == "__main__":
    sys.exit(main())
