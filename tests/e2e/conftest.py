"""Browser tests: a real `radix serve` on a temporary data dir, driven in headless Chromium (Debian's
/usr/bin/chromium) by Playwright. Screenshots go to test-artifacts/e2e/ (not committed)."""

from __future__ import annotations

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

import pytest

from tests.net import free_port

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
WEB_DIST = Path(os.environ.get("RADIX_WEB_DIST") or ROOT / "src" / "radix" / "web_dist") / "index.html"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.sqlite_only)
            item.add_marker(pytest.mark.xdist_group("e2e"))


def _missing() -> str | None:
    if not WEB_DIST.exists():
        return "the web console is not built (make web)"
    if not Path(CHROMIUM).exists():
        return "Debian chromium is not installed"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


@pytest.fixture(scope="session")
def e2e_ready() -> None:
    reason = _missing()
    if reason:
        if os.environ.get("RADIX_E2E_REQUIRED"):
            pytest.fail(f"browser tests cannot run: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def server(e2e_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`radix demo` then `radix serve` on a fresh data dir; yields the base URL."""
    data = tmp_path_factory.mktemp("e2e-data")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RADIX_") or k == "RADIX_WEB_DIST"}
    env["RADIX_DATA_DIR"] = str(data)
    radix = [sys.executable, "-m", "radix"]
    subprocess.run(radix + ["demo"], env=env, check=True, capture_output=True, timeout=300)
    port = free_port()
    log = open(data / "serve.log", "w")
    proc = subprocess.Popen(radix + ["serve", "--port", str(port), "--dicom-port", str(free_port())], env=env,
                            stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "/api/health", timeout=1)
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError((data / "serve.log").read_text()[-3000:])
    yield base
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()


@pytest.fixture(scope="session")
def browser(e2e_ready: None) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Session:
    """One browser context (one user) with helpers for the console."""

    def __init__(self, browser: Any, base: str, name: str) -> None:
        self.base = base
        self.name = name
        self.context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN", accept_downloads=True)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.set_default_timeout(15000)

    def shot(self, label: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.name}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def login(self, tenant: str | None, username: str, password: str, *, via_tid: str | None = None) -> None:
        page = self.page
        page.goto(self.base + (f"/login?tid={via_tid}" if via_tid else "/login"))
        if tenant is not None:
            page.get_by_test_id("login-tenant").fill(tenant)
        page.get_by_test_id("login-username").fill(username)
        page.get_by_test_id("login-password").fill(password)
        page.get_by_test_id("login-agree").click()
        page.get_by_test_id("login-submit").click()
        page.get_by_test_id("user-menu").wait_for()

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.page.get_by_test_id("user-menu").wait_for()

    def api(self, method: str, path: str, body: Any = None) -> Any:
        """Call the API with this browser's session cookie (for checks, not for the steps under test)."""
        response = self.page.request.fetch(self.base + path, method=method, data=json.dumps(body) if body is not None else None,
                                           headers={"Content-Type": "application/json"})
        return response.json() if response.body() else None

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def session_factory(browser: Any, server: str) -> Iterator[Any]:
    made: list[Session] = []

    def make(name: str) -> Session:
        s = Session(browser, server, name)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()
