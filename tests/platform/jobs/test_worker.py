"""A real consumer: ``python -m radix worker`` in its own process takes a run from the queue
(SQLite file, or Redis when redis-server is installed) and executes it to the end."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from radix.config import reset_settings
from radix.core.db import session_scope, utcnow
from radix.core.jobs import engine
from radix.core.jobs.models import JobRun, JobStatus
from radix.core.tenancy import SYSTEM, set_scope
from radix.platform.account.models import Account, AuthSession, SessionEndReason
from radix.platform.job import jobs as _platform_jobs  # noqa: F401 - registers platform.expire_sessions
from radix.platform.tenant.models import Tenant
from tests.net import free_port


def _queue_env(data_dir: Path, redis_url: str | None) -> dict[str, str]:
    env = {"RADIX_DATA_DIR": str(data_dir), "RADIX_JOBS_IMMEDIATE": "0"}
    if redis_url:
        env["RADIX_REDIS_URL"] = redis_url
    return env


def _start_worker(database_url: str, queue_env: dict[str, str]) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "RADIX_REDIS_URL"}
    env.update(queue_env, RADIX_DATABASE_URL=database_url, PYTHONUNBUFFERED="1")
    log = open(Path(queue_env["RADIX_DATA_DIR"]) / "worker.log", "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen([sys.executable, "-m", "radix", "worker", "--workers", "1"], env=env,
                            stdout=log, stderr=subprocess.STDOUT)


def _enqueue_through(queue_env: dict[str, str]) -> tuple[int, int]:
    """Enqueue an expire_sessions run into the worker's queue (this process otherwise runs jobs inline)."""
    saved = {k: os.environ.get(k) for k in (*queue_env, "RADIX_REDIS_URL")}
    os.environ.update(queue_env)
    reset_settings()
    engine.reset_huey()
    try:
        with session_scope() as s:
            set_scope(s, SYSTEM)
            tenant_id = s.scalar(sa.select(Tenant.id).where(Tenant.code == "demo-a"))
            account_id = s.scalar(sa.select(Account.id).where(Account.tenant_id == tenant_id).limit(1))
            now = utcnow()
            stale = AuthSession(token_hash=secrets.token_hex(32), account_id=account_id, tenant_id=tenant_id,
                                created_at=now - dt.timedelta(days=8), last_seen_at=now - dt.timedelta(minutes=1),
                                expires_at=now - dt.timedelta(minutes=1))
            s.add(stale)
            run = engine.enqueue(s, "platform.expire_sessions", tenant_id=tenant_id)
            s.flush()
            ids = run.id, stale.id
        return ids
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        reset_settings()
        engine.reset_huey()


def _wait_finished(run_id: int, worker: subprocess.Popen, timeout: float = 40) -> JobRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with session_scope(commit=False) as s:
            set_scope(s, SYSTEM)
            run = s.get(JobRun, run_id)
        if JobStatus(run.status).finished:
            return run
        assert worker.poll() is None, "the worker exited"
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} still {run.status} after {timeout}s")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _check_real_run(database_url: str, queue_env: dict[str, str]) -> None:
    worker = _start_worker(database_url, queue_env)
    try:
        run_id, session_id = _enqueue_through(queue_env)
        run = _wait_finished(run_id, worker)
        log = (Path(queue_env["RADIX_DATA_DIR"]) / "worker.log").read_text(errors="replace")
        assert run.status == JobStatus.SUCCEEDED, (run.message, log[-3000:])
        assert run.worker == f"{socket.gethostname()}:{worker.pid}"  # executed there, not here
        assert run.result["expired"] >= 1
        with session_scope(commit=False) as s:
            set_scope(s, SYSTEM)
            assert s.get(AuthSession, session_id).end_reason == SessionEndReason.EXPIRED
    finally:
        _stop(worker)
    assert worker.returncode is not None


def test_a_real_worker_on_the_sqlite_queue(database_url: str, tmp_path: Path) -> None:
    _check_real_run(database_url, _queue_env(tmp_path, None))


@pytest.fixture()
def redis_url(tmp_path: Path) -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (the Makefile installs it in CI)")
    port = free_port()
    proc = subprocess.Popen([server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.05)
        client.close()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(proc)


def test_a_real_worker_on_the_redis_queue(database_url: str, tmp_path: Path, redis_url: str) -> None:
    _check_real_run(database_url, _queue_env(tmp_path, redis_url))
