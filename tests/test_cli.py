"""The `radix` command line, run as a real process against a scratch database."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.net import free_port, wait_http

pytestmark = pytest.mark.xdist_group("cli")


def _env(tmp_path: Path, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RADIX_")}
    env.update(RADIX_DATA_DIR=str(tmp_path / "data"), RADIX_DATABASE_URL=url)
    return env


def _radix(env: dict[str, str], *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "radix", *args], env=env, capture_output=True, text=True,
                          timeout=300, input=input)


def _count(url: str, table: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
    finally:
        engine.dispose()


def test_db_upgrade_downgrade_demo_and_reset_password(tmp_path, scratch_database_url):
    env = _env(tmp_path, scratch_database_url)
    r = _radix(env, "db", "upgrade")
    assert r.returncode == 0, r.stderr
    assert "0001_platform_core" in _radix(env, "db", "current").stdout
    r = _radix(env, "db", "downgrade", "--revision", "base")
    assert r.returncode == 0, r.stderr
    assert _radix(env, "db", "current").stdout.strip() == "(empty)"

    first = _radix(env, "demo")
    assert first.returncode == 0, first.stderr
    assert "sysadmin" in first.stdout and "demo-a" in first.stdout and "Radix2026" in first.stdout
    counts = {t: _count(scratch_database_url, t) for t in ("tenant", "account", "role", "exam_item", "modality")}
    assert counts["tenant"] == 4 and counts["account"] == 10 and counts["exam_item"] >= 4 * 50
    again = _radix(env, "demo")
    assert again.returncode == 0, again.stderr
    assert {t: _count(scratch_database_url, t) for t in counts} == counts  # idempotent

    r = _radix(env, "user", "reset-password", "--tenant", "demo-a", "--username", "doctor", "--password", "Changed123")
    assert r.returncode == 0 and "demo-a/doctor" in r.stdout, r.stderr
    r = _radix(env, "user", "reset-password", "--tenant", "demo-a", "--username", "doctor", "--password", "short")
    assert r.returncode != 0 and "密码" in r.stderr
    r = _radix(env, "user", "reset-password", "--tenant", "nowhere", "--username", "doctor", "--password", "Changed123")
    assert r.returncode != 0 and "租户不存在" in r.stderr


def test_serve_migrates_runs_the_worker_and_stops_cleanly(tmp_path, scratch_database_url):
    env = _env(tmp_path, scratch_database_url)
    env["RADIX_ADMIN_PASSWORD"] = "Start1234"
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "radix", "serve", "--port", str(port), "--dicom-port", str(free_port())],
                            env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/api/health", 60)
        login = urllib.request.Request(
            base + "/api/v1/auth/login",
            data=json.dumps({"tenant": "platform", "username": "sysadmin", "password": "Start1234",
                             "agreeTerms": True}).encode(),
            headers={"Content-Type": "application/json"})
        token = json.load(urllib.request.urlopen(login))["token"]
        # a job enqueued through the API is executed by the worker `serve` started
        req = urllib.request.Request(base + "/api/v1/platform/schedules", headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            data=json.dumps({"name": "清理会话", "jobType": "platform.expire_sessions", "cron": "0 4 * * *"}).encode())
        schedule = json.load(urllib.request.urlopen(req))
        run_req = urllib.request.Request(base + f"/api/v1/platform/schedules/{schedule['id']}/run", method="POST",
                                         headers={"Authorization": f"Bearer {token}"})
        run = json.load(urllib.request.urlopen(run_req))
        deadline = time.time() + 30
        status = run["status"]
        while time.time() < deadline and status not in ("succeeded", "failed"):
            time.sleep(0.3)
            detail = urllib.request.Request(base + f"/api/v1/jobs/{run['id']}", headers={"Authorization": f"Bearer {token}"})
            status = json.load(urllib.request.urlopen(detail))["status"]
        assert status == "succeeded"
        # the SPA fallback or the API banner answers at /
        assert urllib.request.urlopen(base + "/").status == 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode in (0, -signal.SIGTERM), out[-3000:]
    assert "Radix listening" in out
