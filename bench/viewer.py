"""`make bench`, viewer part: the Radix viewer in headless Chromium over Radix's DICOMweb and over Orthanc's.

The same 200-slice 512×512 CT (`common.ct_series`, explicit LE, int16) is sent with storescu to Radix
and to Orthanc 1.10 (Debian, DICOMweb plugin). Headless Chromium (Debian's, through Playwright) opens the
same viewer build, `/viewer?studyUIDs=<uid>`, logged in as demo-a's `doctor`, in three variants:

- `radix`: straight at `radix web` (the real deployment; the absolute targets apply to it);
- `radix_warm`: straight at `radix web`, a returning user: the same browser context opened the viewer once
  before (another study), so the console's code is in the HTTP cache (assets are immutable) and Cornerstone's
  GPU capability probe in localStorage; the study's images are not cached;
- `radix_proxy` and `orthanc_proxy`: through a small reverse proxy in this process that serves everything
  from Radix except `/dicom-web/…`, which it forwards to Radix's resp. Orthanc's `/dicom-web/…`. The
  browser sees one origin, so Orthanc needs no CORS headers and the viewer no bench-only switch; both go
  through the same proxy, so "no slower than over Orthanc" compares like with like.

`radix web` serves a copy of the console taken at the start (src/radix/web_dist may be rebuilt meanwhile).
Each run is a fresh browser context (empty HTTP cache, so the console's bundle and every frame are
fetched again; `radix_warm` first visits another study in it), and the runs of the variants are interleaved. An init script in the page polls
every animation frame and records, in `performance.now()` (milliseconds since navigation start):

- first image: the `cornerstone-canvas` of `viewport-0` holds a non-blank picture (standard deviation
  of the middle half's grey values above 5);
- whole stack: the series panel's progress bar of the series reads 100 % (the viewer counts Cornerstone's
  IMAGE_LOADED events of the series' 200 images; the bar is refreshed at most every 150 ms);
- MPR ready: after the stack is loaded, `tool-mpr` is clicked from inside the page; the time from the
  click until `viewport-0..2` each show a non-blank canvas and their W/L overlay.

Results land in bench/results/viewer.json and as a table in the README between `<!-- bench:viewer -->`
markers. `python -m bench.viewer` runs only this part; `python -m bench.run` runs it after the archive.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pydicom

from bench import common

RUNS = int(os.environ.get("RADIX_BENCH_VIEWER_RUNS", "3"))
SLICES = 200
VARIANTS = ("radix", "radix_proxy", "orthanc_proxy", "radix_warm")
TARGETS = {"first_image_s": 1.0, "stack_s": 5.0, "mpr_s": 5.0}
LABELS = {"first_image_s": "first image", "stack_s": "whole stack (200 images)", "mpr_s": "MPR ready (3 panes)"}
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
INDEX = common.ROOT / "src" / "radix" / "web_dist" / "index.html"
USER = {"tenant": "demo-a", "username": "doctor", "password": "Radix2026", "agreeTerms": True}
HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
       "content-length", "host", "server", "date"}

# Runs in every page before the console's scripts: records the three moments in window.__bench.
PROBE = """
(() => {
  const B = (window.__bench = { first: null, stack: null, mprStart: null, mpr: null });
  performance.setResourceTimingBufferSize(5000);
  const vp = (n) => document.querySelector(`[data-testid=viewport-${n}]`);
  function drawn(n) {
    const el = vp(n);
    const canvas = el && el.querySelector('canvas.cornerstone-canvas');
    if (!canvas || canvas.width < 16 || canvas.height < 16) return false;
    const ctx = canvas.getContext('2d');
    if (!ctx) return false;
    const w = canvas.width, h = canvas.height;
    const d = ctx.getImageData(w >> 2, h >> 2, w >> 1, h >> 1).data;
    let n0 = 0, s = 0, s2 = 0;
    for (let i = 0; i < d.length; i += 4 * 5) { const v = d[i] + d[i + 1] + d[i + 2]; n0++; s += v; s2 += v * v; }
    const mean = s / n0;
    return Math.sqrt(Math.max(0, s2 / n0 - mean * mean)) / 3 > 5;
  }
  const overlay = (n) => (vp(n)?.querySelector('[data-testid=overlay-wl]')?.textContent ?? '').startsWith('W:');
  function poll() {
    const now = performance.now();
    try {
      if (B.first === null && drawn(0)) B.first = now;
      if (B.stack === null) {
        const bar = document.querySelector('[data-testid^=series-progress-] .el-progress-bar__inner');
        if (bar && bar.style.width === '100%') B.stack = now;
      }
      const panes = () => !vp(3) && [0, 1, 2].every((n) => overlay(n) && drawn(n));
      if (B.mprStart !== null && B.mpr === null && panes()) B.mpr = now;
    } catch (e) {
      B.error = String(e);
    }
    if (B.mpr === null) requestAnimationFrame(poll);
  }
  requestAnimationFrame(poll);
})();
"""


# Where the time to first image goes, from the page's resource timings and the viewer's marks (ms since
# navigation start): the viewer's milestones, the console's scripts, the series metadata, the first and the
# last frame received.
WHERE = """
(first) => {
  const r = performance.getEntriesByType('resource');
  const ends = (f) => r.filter(f).map((e) => e.responseEnd);
  const max = (xs) => (xs.length ? Math.max(...xs) : null);
  const min = (xs) => (xs.length ? Math.min(...xs) : null);
  const frames = (e) => e.name.includes('/frames/');
  // the viewer's own milestones (performance.mark('viewer:…')): entry, setup, mounted, cornerstone, engine,
  // studies, first-requested, first-decoded, shown
  const marks = Object.fromEntries(performance.getEntriesByType('mark')
    .filter((m) => m.name.startsWith('viewer:') && m.startTime <= first).map((m) => ['at_' + m.name.slice(7), m.startTime]));
  return {
    ...marks,
    app_scripts: max(ends((e) => /[.](js|mjs|wasm|css)([?]|$)/.test(e.name) && e.responseEnd <= first)),
    metadata: max(ends((e) => /[/]series[/][^/]+[/]metadata/.test(e.name))),
    first_frame: min(ends(frames)),
    last_frame: max(ends((e) => frames(e) && e.responseEnd <= window.__bench.mprStart)),
    frame_requests: r.filter(frames).length,
    frame_requests_before_mpr: r.filter((e) => frames(e) && e.startTime <= window.__bench.mprStart).length,
  };
}
"""


# --- the reverse proxy -------------------------------------------------------------------------------

class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _ProxyServer

    def setup(self) -> None:
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().setup()
        self._upstream: dict[str, http.client.HTTPConnection] = {}

    def finish(self) -> None:
        super().finish()
        for conn in self._upstream.values():
            conn.close()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass

    def _connection(self, netloc: str) -> http.client.HTTPConnection:
        conn = self._upstream.get(netloc)
        if conn is None:
            conn = self._upstream[netloc] = http.client.HTTPConnection(netloc, timeout=300)
            conn.connect()
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn

    def _forward(self) -> None:
        netloc = self.server.upstream_for(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        headers["Host"] = netloc
        for attempt in (1, 2):
            conn = self._connection(netloc)
            try:
                conn.request(self.command, self.path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                conn.close()
                del self._upstream[netloc]
                if attempt == 2:
                    self.send_error(502)
                    return
        if response.will_close:
            conn.close()
            del self._upstream[netloc]
        out = [f"HTTP/1.1 {response.status} {response.reason}\r\n"]
        out += [f"{k}: {v}\r\n" for k, v in response.getheaders() if k.lower() not in HOP]
        out.append(f"Content-Length: {len(data)}\r\n\r\n")
        self.wfile.write("".join(out).encode("latin-1") + (data if self.command != "HEAD" else b""))

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _forward


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def __init__(self, radix: str, dicomweb: str) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.radix = urllib.parse.urlsplit(radix).netloc
        self.dicomweb = urllib.parse.urlsplit(dicomweb).netloc

    def upstream_for(self, path: str) -> str:
        return self.dicomweb if path == "/dicom-web" or path.startswith("/dicom-web/") else self.radix


class Proxy:
    """One origin for the browser: Radix for everything, `/dicom-web/…` from `dicomweb`'s server."""

    def __init__(self, radix: str, dicomweb: str) -> None:
        self.server = _ProxyServer(radix, dicomweb)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Proxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- one run in the browser ----------------------------------------------------------------------------

def measure(browser: Any, base: str, study_uid: str, before: str | None = None) -> dict[str, float]:
    """One load of the viewer at `base`: seconds to first image, whole stack, MPR ready. Cold (a new browser
    context), or with `before` a returning user: the context first opened the viewer on that other study."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    try:
        login = context.request.post(f"{base}/api/v1/auth/login", data=json.dumps(USER),
                                     headers={"Content-Type": "application/json"})
        if not login.ok:
            raise RuntimeError(f"login at {base} failed: {login.status} {login.text()[:300]}")
        context.add_init_script(PROBE)
        if before:
            visit = context.new_page()
            visit.goto(f"{base}/viewer?studyUIDs={before}", wait_until="commit")
            visit.wait_for_function("() => window.__bench && window.__bench.first !== null", timeout=120_000,
                                    polling=100)
            visit.close()
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: m.type == "error" and errors.append(f"console: {m.text}"[:300]))
        page.goto(f"{base}/viewer?studyUIDs={study_uid}", wait_until="commit")
        try:
            page.wait_for_function("() => window.__bench && window.__bench.first !== null", timeout=120_000,
                                   polling=100)
            page.wait_for_function("() => window.__bench.stack !== null", timeout=300_000, polling=100)
            page.evaluate("() => { window.__bench.mprStart = performance.now();"
                          " document.querySelector('[data-testid=tool-mpr]').click() }")
            page.wait_for_function("() => window.__bench.mpr !== null", timeout=300_000, polling=100)
        except Exception as exc:
            state = page.evaluate("() => window.__bench")
            raise RuntimeError(f"viewer at {base}: {exc}; state {state}; errors {errors[-8:]}") from exc
        b = page.evaluate("() => window.__bench")
        out = {"first_image_s": round(b["first"] / 1000, 3), "stack_s": round(b["stack"] / 1000, 3),
               "mpr_s": round((b["mpr"] - b["mprStart"]) / 1000, 3)}
        out["where"] = {k: (round(v / 1000, 3) if v is not None and not k.startswith("frame_") else v)
                        for k, v in page.evaluate(WHERE, b["first"]).items()}
        return out
    finally:
        context.close()


def _snapshot_console(dest: Path) -> Path:
    """A consistent copy of the built console (src/radix/web_dist may be rebuilt while the bench runs)."""
    for _ in range(30):
        shutil.rmtree(dest, ignore_errors=True)
        before = INDEX.read_bytes() if INDEX.exists() else b""
        try:
            shutil.copytree(INDEX.parent, dest)
        except (OSError, shutil.Error):
            time.sleep(2)
            continue
        html = (dest / "index.html").read_text() if (dest / "index.html").exists() else ""
        assets = re.findall(r'(?:src|href)="/(assets/[^"]+)"', html)
        if html and html.encode() == before and all((dest / a).is_file() for a in assets):
            return dest
        time.sleep(2)
    raise RuntimeError("src/radix/web_dist keeps changing (a build in progress?): run the benchmark again")


def run(tmp: Path) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    files = common.ct_series(tmp / "ct200", SLICES)
    study_uid = str(pydicom.dcmread(files[0], stop_before_pixels=True).StudyInstanceUID)
    # the returning user's earlier study (radix_warm): another patient's small CT
    earlier = common.ct_series(tmp / "ct-earlier", 20, patient="EARLIER^VISIT", patient_id="EARLIER1")
    earlier_uid = str(pydicom.dcmread(earlier[0], stop_before_pixels=True).StudyInstanceUID)
    runs: dict[str, list[dict[str, float]]] = {v: [] for v in VARIANTS}
    web_dist = _snapshot_console(tmp / "web_dist")
    with common.orthanc(tmp / "orthanc-viewer") as o, common.radix(tmp / "radix-viewer", web_dist=web_dist) as r:
        common.storescu(files, o["dicom_port"], "BENCH", o["aet"], 1)
        common.storescu(files, r["dicom_port"], "BENCH", r["aet"], 1)
        common.storescu(earlier, r["dicom_port"], "BENCH", r["aet"], 1)
        with Proxy(r["http"], r["http"]) as via_radix, Proxy(r["http"], o["http"]) as via_orthanc, \
                sync_playwright() as p:
            bases = {"radix": r["http"], "radix_proxy": via_radix.url, "orthanc_proxy": via_orthanc.url,
                     "radix_warm": r["http"]}
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            load_start = round(os.getloadavg()[0], 2)
            try:
                # warm-up, not counted: Chromium's first start, the servers' first requests
                measure(browser, bases["radix"], study_uid)
                for n in range(RUNS):
                    for variant in VARIANTS:
                        before = earlier_uid if variant == "radix_warm" else None
                        runs[variant].append(measure(browser, bases[variant], study_uid, before))
                        print(f"run {n + 1} {variant}: {runs[variant][-1]}", flush=True)
            finally:
                browser.close()
    out: dict[str, Any] = {"instances": len(files), "size": "512x512 int16, explicit LE", "runs": RUNS,
                           "load_average_1m": {"start": load_start, "end": round(os.getloadavg()[0], 2)}}
    for variant, rows in runs.items():
        out[variant] = {"median": {k: round(statistics.median(row[k] for row in rows), 3) for k in TARGETS},
                        "runs": rows}
    out["targets"] = {
        k: {"target_s": t,
            "met": out["radix"]["median"][k] <= t,
            "not_slower_than_orthanc": out["radix_proxy"]["median"][k] <= out["orthanc_proxy"]["median"][k]}
        for k, t in TARGETS.items()
    }
    return out


# --- results ----------------------------------------------------------------------------------------------

def readme_table(result: dict[str, Any]) -> str:
    v = result["viewer"]
    yes = {True: "yes", False: "**no**"}
    rows = [
        f"| viewer, {v['instances']}×512² CT, headless Chromium (s, median of {v['runs']}) | Orthanc 1.10 DICOMweb "
        "(via proxy) | Radix (via proxy) | Radix (direct) | Radix (direct, returning user) | target (Radix direct) "
        "| met | no slower than Orthanc |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key, label in LABELS.items():
        t = v["targets"][key]
        rows.append(f"| {label} | {v['orthanc_proxy']['median'][key]} | {v['radix_proxy']['median'][key]} | "
                    f"{v['radix']['median'][key]} | {v['radix_warm']['median'][key]} | ≤ {t['target_s']:g} s | "
                    f"{yes[t['met']]} | "
                    f"{yes[t['not_slower_than_orthanc']]} |")
    load = v["load_average_1m"]
    rows += ["", f"Measured {result['when']}; 1-minute load average {load['start']} → {load['end']} on the 2 shared cores "
                 "(a busy machine; every run, and where the time to first image goes, are in "
                 "`bench/results/viewer.json`)."]
    return "\n".join(rows)


def update_readme(table: str) -> None:
    common.update_readme("viewer", table, after="archive")


def main() -> int:
    if not INDEX.exists():
        print("the web console is not built (make web): skipping the viewer benchmark", file=sys.stderr)
        return 1
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="radix-bench-viewer-") as tmp:
        result = {"machine": "2 cores, 24 GB", "when": time.strftime("%Y-%m-%d %H:%M"), "viewer": run(Path(tmp))}
    result["seconds"] = round(time.time() - started)
    path = common.save("viewer", result)
    table = readme_table(result)
    (common.RESULTS / "viewer.md").write_text(table + "\n")
    update_readme(table)
    print(json.dumps(result, indent=2))
    print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
