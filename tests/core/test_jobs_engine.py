"""The job engine itself: claiming, progress seen by other connections, cancellation, params,
interrupted runs, and a queue that refuses a run."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import threading
import time
from typing import Any

import pytest
import sqlalchemy as sa

from radix.core.db import session_scope, utcnow
from radix.core.errors import AppError, Invalid
from radix.core.jobs import engine
from radix.core.jobs.models import JobRun, JobStatus
from radix.core.schemas import AppModel, F
from radix.core.tenancy import SYSTEM, set_scope

calls: dict[str, int] = {}
gate = threading.Event()
reached = threading.Event()


class EchoParams(AppModel):
    times: int = F(1, zh="次数", ge=1, le=5)


@engine.job("test.engine.echo", "测试回声", params=EchoParams)
def _echo(ctx: engine.JobContext) -> dict[str, Any]:
    calls[str(ctx.run_id)] = calls.get(str(ctx.run_id), 0) + 1
    return {"message": "回声" * ctx.params["times"]}


@engine.job("test.engine.halfway", "测试半程")
def _halfway(ctx: engine.JobContext) -> None:
    ctx.progress(40, "半程")
    ctx.log("到达半程")
    reached.set()
    assert gate.wait(20)


@engine.job("test.engine.loop", "测试循环")
def _loop(ctx: engine.JobContext) -> None:
    reached.set()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        ctx.check_cancelled()
        time.sleep(0.05)


@engine.job("test.engine.writer", "测试写入")
def _writer(ctx: engine.JobContext) -> None:
    from radix.platform.log.models import AccessLog

    # the job holds uncommitted writes while it reports progress (SQLite: one writer at a time)
    ctx.session.add(AccessLog(tenant_id=ctx.tenant_id, kind="page", page="/test", title="engine"))
    ctx.session.flush()
    ctx.progress(60, "写入中")
    ctx.log("已写入")


def demo_tenant_id() -> int:
    from radix.platform.tenant.models import Tenant

    with session_scope(commit=False) as s:
        set_scope(s, SYSTEM)
        return s.scalar(sa.select(Tenant.id).where(Tenant.code == "demo"))


def make_run(type_: str, params: dict | None = None, *, dispatch: bool = False) -> int:
    """A queued run; without ``dispatch`` it stays pending (as if no worker had taken it yet)."""
    with session_scope() as s:
        set_scope(s, SYSTEM)
        run = engine.enqueue(s, type_, params=params, tenant_id=demo_tenant_id())
        if not dispatch:
            s.info.pop("radix_jobs_after_commit", None)
        return run.id


def get_run(run_id: int) -> JobRun:
    with session_scope(commit=False) as s:
        set_scope(s, SYSTEM)
        return s.get(JobRun, run_id)


def set_running(run_id: int, worker: str, heartbeat: dt.datetime | None) -> None:
    with session_scope() as s:
        set_scope(s, SYSTEM)
        s.execute(sa.update(JobRun).where(JobRun.id == run_id).values(
            status=JobStatus.RUNNING, worker=worker, started_at=heartbeat or utcnow(), heartbeat_at=heartbeat))


def test_a_run_is_claimed_once() -> None:
    run_id = make_run("test.engine.echo", {"times": 2})
    engine.run_now(run_id)
    engine.run_now(run_id)  # a message delivered twice
    run = get_run(run_id)
    assert calls[str(run_id)] == 1
    assert run.status == JobStatus.SUCCEEDED and run.progress == 100 and run.message == "回声回声"
    assert run.worker == f"{socket.gethostname()}:{os.getpid()}" and run.started_at and run.finished_at


def test_params_are_validated_when_enqueued() -> None:
    with pytest.raises(Invalid) as exc:
        make_run("test.engine.echo", {"times": 9})
    assert exc.value.code == "INVALID_JOB_PARAMS"
    assert exc.value.fields[0]["field"] == "params.times"
    with pytest.raises(AppError) as unknown:
        make_run("test.engine.nope")
    assert unknown.value.code == "UNKNOWN_JOB_TYPE"


def test_progress_and_log_are_visible_while_the_run_lasts() -> None:
    reached.clear()
    gate.clear()
    run_id = make_run("test.engine.halfway")
    worker = threading.Thread(target=engine.run_now, args=(run_id,))
    worker.start()
    try:
        assert reached.wait(10)
        run = get_run(run_id)  # read from another connection, while the job is still running
        assert run.status == JobStatus.RUNNING
        assert run.progress == 40 and run.message == "半程"
        assert any(line.endswith("到达半程") for line in run.log)
    finally:
        gate.set()
        worker.join(20)
    assert get_run(run_id).status == JobStatus.SUCCEEDED


def test_progress_while_the_job_holds_uncommitted_writes() -> None:
    run_id = make_run("test.engine.writer")
    started = time.monotonic()
    engine.run_now(run_id)
    assert time.monotonic() - started < 5  # no wait on SQLite's write lock
    run = get_run(run_id)
    assert run.status == JobStatus.SUCCEEDED, run.message
    assert any(line.endswith("已写入") for line in run.log)


def test_a_running_run_stops_when_cancelled() -> None:
    reached.clear()
    run_id = make_run("test.engine.loop")
    worker = threading.Thread(target=engine.run_now, args=(run_id,))
    worker.start()
    assert reached.wait(10)
    with session_scope() as s:
        set_scope(s, SYSTEM)
        run = s.get(JobRun, run_id)
        engine.request_cancel(s, run)
        assert run.cancel_requested and run.status == JobStatus.RUNNING
    worker.join(10)
    assert not worker.is_alive()
    run = get_run(run_id)
    assert run.status == JobStatus.CANCELLED and run.message == "任务已取消"


def test_a_queued_run_cancelled_never_starts() -> None:
    run_id = make_run("test.engine.echo")
    with session_scope() as s:
        set_scope(s, SYSTEM)
        engine.request_cancel(s, s.get(JobRun, run_id))
    engine.run_now(run_id)
    assert str(run_id) not in calls
    assert get_run(run_id).status == JobStatus.CANCELLED


def test_dead_workers_runs_become_interrupted() -> None:
    host = socket.gethostname()
    proc = subprocess.Popen(["true"])
    proc.wait()
    dead_pid = proc.pid
    now = utcnow()
    runs = {
        "dead_local": f"{host}:{dead_pid}",
        "live_local": f"{host}:1",
        "own_pid_not_running_here": f"{host}:{os.getpid()}",
        "remote_stale": "elsewhere:123",
        "remote_fresh": "elsewhere:124",
    }
    ids = {}
    for key, worker in runs.items():
        ids[key] = make_run("test.engine.echo")
        set_running(ids[key], worker, now - dt.timedelta(minutes=10) if key == "remote_stale" else now)
    try:
        engine.mark_interrupted(only_dead_local=True)
        status = {k: get_run(i).status for k, i in ids.items()}
        assert status["dead_local"] == JobStatus.INTERRUPTED
        assert status["own_pid_not_running_here"] == JobStatus.INTERRUPTED
        assert status["live_local"] == status["remote_stale"] == status["remote_fresh"] == JobStatus.RUNNING

        engine.mark_interrupted()
        assert get_run(ids["remote_stale"]).status == JobStatus.INTERRUPTED
        assert get_run(ids["remote_stale"]).message == engine.INTERRUPTED_MESSAGE
        assert get_run(ids["live_local"]).status == JobStatus.RUNNING
        assert get_run(ids["remote_fresh"]).status == JobStatus.RUNNING
    finally:
        with session_scope() as s:
            set_scope(s, SYSTEM)
            s.execute(sa.update(JobRun).where(JobRun.id.in_(ids.values()), JobRun.status == JobStatus.RUNNING)
                      .values(status=JobStatus.FAILED))


def test_a_queue_that_refuses_the_run_marks_it_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        def radix_run_job(self, run_id: int) -> None:
            raise ConnectionError("queue down")

    monkeypatch.setattr(engine, "get_huey", lambda: Broken())
    run_id = make_run("test.engine.echo", dispatch=True)  # the caller's commit still succeeds
    run = get_run(run_id)
    assert run.status == JobStatus.FAILED and "任务提交到队列失败" in run.message


def test_periodic_failures_are_contained(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def boom() -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "_periodic", [boom, lambda: seen.append("ran")])
    engine.run_periodic()
    assert seen == ["ran"]
