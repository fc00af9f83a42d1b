"""任务记录 over HTTP: list/detail/export, live progress over SSE, cancel, interrupted runs, tenancy."""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time
from typing import Any

import pytest
import sqlalchemy as sa

from radix.core.db import session_scope, utcnow
from radix.core.jobs import engine
from radix.core.jobs.models import JobRun, JobStatus
from radix.core.tenancy import SYSTEM, set_scope
from radix.platform.job import service as job_service

STEPS = 5
started: set[int] = set()


@engine.job("test.api.steps", "测试分步任务")
def _steps(ctx: engine.JobContext) -> dict[str, Any]:
    started.add(ctx.run_id)
    for i in range(1, STEPS + 1):
        time.sleep(0.12)
        ctx.progress(i * 100 / (STEPS + 1), f"第{i}步")
        ctx.log(f"完成第{i}步")
    return {"message": "全部完成", "steps": STEPS}


def queued_run(tenant_id: int, account_id: int | None = None, params: dict | None = None) -> int:
    """A run as a worker would find it in the queue (pending, not yet handed to Huey here)."""
    with session_scope() as s:
        set_scope(s, SYSTEM)
        run = engine.enqueue(s, "test.api.steps", params=params, tenant_id=tenant_id, account_id=account_id,
                             name="分步任务" + str(time.monotonic_ns())[-6:])
        s.info.pop("radix_jobs_after_commit", None)
        return run.id


def tenant_of(api: Any) -> int:
    return api.me["tenant"]["id"]


def read_events(api: Any, run_id: int, on_open: Any = None) -> tuple[list[dict[str, Any]], list[str], str]:
    data: list[dict[str, Any]] = []
    names: list[str] = []
    with api.client.stream("GET", f"/api/v1/jobs/{run_id}/events", headers=api._headers(None)) as r:
        assert r.status_code == 200, r.read()
        content_type = r.headers["content-type"]
        if on_open is not None:
            on_open()
        event = "message"
        for line in r.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                payload = json.loads(line.split(":", 1)[1])
                names.append(event)
                if event == "message":
                    data.append(payload)
                event = "message"
            if names and names[-1] == "end":
                break
    return data, names, content_type


def test_sse_streams_a_real_run_to_the_end(regional_admin: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(job_service, "POLL_SECONDS", 0.03)
    run_id = queued_run(tenant_of(regional_admin), params={"note": "sse"})
    worker = threading.Thread(target=engine.run_now, args=(run_id,))
    try:
        events, names, content_type = read_events(regional_admin, run_id, on_open=worker.start)  # run once watched
    finally:
        worker.join(20)
    assert content_type.startswith("text/event-stream")
    assert names[-1] == "end"
    progress = [e["progress"] for e in events]
    assert progress == sorted(progress), progress
    assert len({p for p in progress if 0 < p < 100}) >= 2, events
    assert any(e["status"] == "running" for e in events)
    assert events[-1] == {"id": run_id, "status": "succeeded", "progress": 100, "message": "全部完成"}

    detail = regional_admin.ok("GET", f"/api/v1/jobs/{run_id}")
    assert detail["params"] == {"note": "sse"}
    assert [line.split(" ", 1)[1] for line in detail["log"]] == [f"完成第{i}步" for i in range(1, STEPS + 1)]
    assert detail["result"] == {"steps": STEPS} and detail["finishedAt"] and detail["worker"]

    # a finished run's stream sends its final state and ends at once
    events, names, _ = read_events(regional_admin, run_id)
    assert events == [{"id": run_id, "status": "succeeded", "progress": 100, "message": "全部完成"}]
    assert names == ["message", "end"]


def test_list_filters_detail_and_export(regional_admin: Any) -> None:
    tid = tenant_of(regional_admin)
    done = queued_run(tid)
    engine.run_now(done)
    waiting = queued_run(tid)
    page = regional_admin.ok("GET", "/api/v1/jobs", params={"type": "test.api.steps", "pageSize": 50})
    ids = [row["id"] for row in page["items"]]
    assert ids.index(waiting) < ids.index(done)  # newest first
    assert all(row["type"] == "test.api.steps" for row in page["items"])
    ok = regional_admin.ok("GET", "/api/v1/jobs", params={"type": "test.api.steps", "status": "succeeded", "pageSize": 200})
    assert done in [r["id"] for r in ok["items"]] and waiting not in [r["id"] for r in ok["items"]]
    name = regional_admin.ok("GET", f"/api/v1/jobs/{done}")["name"]
    assert [r["id"] for r in regional_admin.ok("GET", "/api/v1/jobs", params={"name": name[-6:]})["items"]] == [done]
    today = utcnow().date().isoformat()
    assert regional_admin.ok("GET", "/api/v1/jobs", params={"createdAtFrom": today, "type": "test.api.steps"})["total"] >= 2
    assert regional_admin.ok("GET", "/api/v1/jobs", params={"createdAtTo": "2000-01-01"})["total"] == 0
    bad = regional_admin.get("/api/v1/jobs", params={"status": "nope"})
    assert bad.status_code == 422 and bad.json()["code"] == "VALIDATION_ERROR"
    assert regional_admin.get("/api/v1/jobs/99999999999").status_code == 404
    export = regional_admin.get("/api/v1/jobs/export", params={"type": "test.api.steps"})
    assert export.status_code == 200 and export.content[:2] == b"PK"
    assert regional_admin.ok("GET", "/api/v1/meta/resources/job_run")["capabilities"]["create"] is False


def test_cancel_a_pending_run(regional_admin: Any) -> None:
    run_id = queued_run(tenant_of(regional_admin))
    body = regional_admin.ok("POST", f"/api/v1/jobs/{run_id}/cancel")
    assert body["status"] == "cancelled" and body["cancelRequested"] is True and body["finishedAt"]
    engine.run_now(run_id)  # the queue delivers it later: it must not start
    assert run_id not in started
    assert regional_admin.ok("GET", f"/api/v1/jobs/{run_id}")["status"] == "cancelled"
    again = regional_admin.post(f"/api/v1/jobs/{run_id}/cancel")
    assert again.status_code == 409 and again.json()["code"] == "JOB_FINISHED"


def test_a_run_of_a_dead_worker_becomes_interrupted(regional_admin: Any) -> None:
    run_id = queued_run(tenant_of(regional_admin))
    proc = subprocess.Popen(["true"])
    proc.wait()
    with session_scope() as s:
        set_scope(s, SYSTEM)
        s.execute(sa.update(JobRun).where(JobRun.id == run_id).values(
            status=JobStatus.RUNNING, worker=f"{socket.gethostname()}:{proc.pid}", started_at=utcnow(),
            heartbeat_at=utcnow(), progress=30))
    assert regional_admin.ok("GET", f"/api/v1/jobs/{run_id}")["status"] == "running"
    assert engine.mark_interrupted() >= 1
    body = regional_admin.ok("GET", f"/api/v1/jobs/{run_id}")
    assert body["status"] == "interrupted" and body["message"] == "任务因服务重启而中断" and body["progress"] == 30


def test_another_tenants_run_is_not_found(new_tenant: Any, regional_admin: Any) -> None:
    tenant, admin = new_tenant()
    run_id = queued_run(tenant["id"])
    assert admin.ok("GET", f"/api/v1/jobs/{run_id}")["id"] == run_id
    _, other_admin = new_tenant()
    for api in (other_admin, regional_admin):
        for method, url in (("GET", f"/api/v1/jobs/{run_id}"), ("GET", f"/api/v1/jobs/{run_id}/events"),
                            ("POST", f"/api/v1/jobs/{run_id}/cancel")):
            r = api.request(method, url)
            assert r.status_code == 404, (method, url, r.text)
            assert r.json()["code"] == "NOT_FOUND"
        assert run_id not in [row["id"] for row in api.ok("GET", "/api/v1/jobs", params={"pageSize": 200})["items"]]
    assert admin.ok("GET", "/api/v1/jobs")["total"] >= 1
    assert admin.client.get(f"/api/v1/jobs/{run_id}/events").status_code == 401  # no token


def test_job_types_for_the_schedule_form(regional_admin: Any) -> None:
    types = regional_admin.ok("GET", "/api/v1/jobs/types", params={"schedulable": "true"})
    by_name = {t["name"]: t for t in types}
    assert {"platform.purge_logs", "platform.expire_sessions", "platform.purge_job_runs"} <= set(by_name)
    assert all(t["schedulable"] for t in types) and "core.import" not in by_name
    purge = by_name["platform.purge_logs"]
    assert purge["zh"] == "清理历史日志"
    fields = {f["name"]: f for f in purge["params"]}
    assert fields["retentionDays"]["default"] == 180 and fields["retentionDays"]["min"] == 180
    everything = {t["name"] for t in regional_admin.ok("GET", "/api/v1/jobs/types")}
    assert "core.import" in everything and "test.api.steps" in everything


def test_sse_keeps_a_quiet_stream_alive_and_ends_on_cancel(regional_admin: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(job_service, "POLL_SECONDS", 0.02)
    monkeypatch.setattr(job_service, "KEEPALIVE_SECONDS", 0.05)
    run_id = queued_run(tenant_of(regional_admin))
    lines: list[str] = []
    with regional_admin.client.stream("GET", f"/api/v1/jobs/{run_id}/events",
                                      headers=regional_admin._headers(None)) as r:
        assert r.headers["cache-control"] == "no-cache"
        for line in r.iter_lines():
            lines.append(line)
            if line == ": keep-alive" and lines.count(line) == 1:  # quiet while queued: now cancel it
                with session_scope() as s:
                    set_scope(s, SYSTEM)
                    engine.request_cancel(s, s.get(JobRun, run_id))
    assert lines[0] == "retry: 3000"
    data = [json.loads(line[5:]) for line in lines if line.startswith("data:")]
    assert data[0]["status"] == "pending" and data[-1]["status"] == "cancelled"
    assert lines[-3] == "event: end" and json.loads(lines[-2][5:])["status"] == "cancelled"
