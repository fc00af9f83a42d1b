"""调度设置 (manual 1 §6.10): CRUD with cron validation, run now, the scheduler tick, and the
platform's own schedulable jobs doing their work."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from radix.core.db import session_scope, utcnow
from radix.core.jobs.models import JobRun, JobStatus
from radix.core.tenancy import SYSTEM, set_scope
from radix.platform.account.models import Account, AuthSession, SessionEndReason
from radix.platform.log.models import AccessLog, LoginLog, OperationLog
from radix.platform.schedule import service
from radix.platform.schedule.models import ScheduleJob
from tests.conftest import unique

URL = "/api/v1/platform/schedules"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def create(api: Any, **overrides: Any) -> dict[str, Any]:
    body = {"name": unique("调度"), "jobType": "platform.expire_sessions", "cron": "0 2 * * *", **overrides}
    return api.ok("POST", URL, json=body, status=201)


def make_due(schedule_id: int, minutes_ago: int = 3) -> dt.datetime:
    when = utcnow() - dt.timedelta(minutes=minutes_ago)
    with session_scope() as s:
        set_scope(s, SYSTEM)
        s.execute(sa.update(ScheduleJob).where(ScheduleJob.id == schedule_id).values(next_run_at=when))
    return when


def runs_of(schedule_id: int) -> list[JobRun]:
    with session_scope(commit=False) as s:
        set_scope(s, SYSTEM)
        return list(s.scalars(sa.select(JobRun).where(JobRun.schedule_id == schedule_id).order_by(JobRun.id)))


def assert_next_at(value: str, hour: int, minute: int) -> None:
    """The next run is the next hour:minute on the Beijing clock."""
    at = dt.datetime.fromisoformat(value)
    local = at.astimezone(SHANGHAI)
    assert (local.hour, local.minute, local.second) == (hour, minute, 0), local
    assert utcnow() - dt.timedelta(seconds=5) < at <= utcnow() + dt.timedelta(days=1)


def test_crud_with_cron_validation(regional_admin: Any) -> None:
    created = create(regional_admin, jobType="platform.purge_logs", cron=" 0  2 * * * ", remark="每天凌晨")
    assert created["cron"] == "0 2 * * *"
    assert created["jobTypeName"] == "清理历史日志" and created["enabled"] is True
    assert created["params"] == {"retentionDays": 180, "kinds": ["login", "operation", "access"]}
    assert_next_at(created["nextRunAt"], 2, 0)  # 02:00 Beijing time, i.e. 18:00 UTC
    assert created["lastRunAt"] is None and created["lastStatus"] is None

    for cron in ("0 2 * *", "0 0 2 * * *", "61 * * * *", "@daily", "每天两点", "0 0 30 2 *"):
        r = regional_admin.post(URL, json={"name": unique("调度"), "jobType": "platform.purge_logs", "cron": cron})
        assert r.status_code == 422, cron
        assert r.json()["fields"][0]["field"] == "cron"
        assert r.json()["fields"][0]["message"].startswith("Cron 表达式不正确"), r.json()
    for job_type in ("core.import", "no.such.type"):
        r = regional_admin.post(URL, json={"name": unique("调度"), "jobType": job_type, "cron": "0 2 * * *"})
        assert r.status_code == 422 and r.json()["code"] == "INVALID_JOB_TYPE"
    for params in ({"retentionDays": 30}, {"unknown": 1}, {"kinds": []}):
        r = regional_admin.post(URL, json={"name": unique("调度"), "jobType": "platform.purge_logs",
                                           "cron": "0 2 * * *", "params": params})
        assert r.status_code == 422 and r.json()["code"] == "INVALID_JOB_PARAMS", r.json()
        assert r.json()["fields"][0]["field"].startswith("params")
    dup = regional_admin.post(URL, json={"name": created["name"], "jobType": "platform.purge_logs", "cron": "0 3 * * *"})
    assert dup.status_code == 409 and dup.json()["message"] == "调度名称已存在"
    assert regional_admin.post(URL, json={"name": "", "jobType": "x", "cron": "x"}).status_code == 422

    sid = created["id"]
    changed = regional_admin.ok("PATCH", f"{URL}/{sid}", json={"cron": "30 23 * * *", "params": {"retentionDays": 365}})
    assert_next_at(changed["nextRunAt"], 23, 30)
    assert changed["params"]["retentionDays"] == 365
    bad = regional_admin.patch(f"{URL}/{sid}", json={"cron": "0 25 * * *"})
    assert bad.status_code == 422 and bad.json()["fields"][0]["message"] == "Cron 表达式不正确"
    off = regional_admin.ok("PATCH", f"{URL}/{sid}", json={"enabled": False})
    assert off["enabled"] is False and off["nextRunAt"] is None
    on = regional_admin.ok("PATCH", f"{URL}/{sid}", json={"enabled": True})
    assert_next_at(on["nextRunAt"], 23, 30)
    switched = regional_admin.patch(f"{URL}/{sid}", json={"jobType": "platform.purge_job_runs"})
    assert switched.status_code == 422  # the kept params do not fit the new type
    assert regional_admin.ok("PATCH", f"{URL}/{sid}", json={"jobType": "platform.purge_job_runs", "params": {}})[
        "params"] == {"retentionDays": 90}

    other = create(regional_admin, enabled=False)
    assert other["nextRunAt"] is None
    page = regional_admin.ok("GET", URL, params={"name": created["name"][2:]})
    assert [r["id"] for r in page["items"]] == [sid]
    by_type = regional_admin.ok("GET", URL, params={"jobType": "platform.expire_sessions", "pageSize": 200})
    assert other["id"] in [r["id"] for r in by_type["items"]] and sid not in [r["id"] for r in by_type["items"]]
    disabled = regional_admin.ok("GET", URL, params={"enabled": "false", "pageSize": 200})
    assert other["id"] in [r["id"] for r in disabled["items"]]
    assert all(not r["enabled"] for r in disabled["items"])
    newest = regional_admin.ok("GET", URL, params={"pageSize": 2})["items"]
    assert newest[0]["id"] == other["id"]
    described = regional_admin.ok("GET", "/api/v1/meta/resources/schedule")
    job_type_filter = next(f for f in described["filters"] if f["name"] == "jobType")
    assert {"value": "platform.purge_logs", "label": "清理历史日志", "labelEn": "Purge old logs"} in job_type_filter["options"]
    assert regional_admin.get(f"{URL}/export").content[:2] == b"PK"

    regional_admin.ok("DELETE", f"{URL}/{other['id']}", status=204)
    assert regional_admin.get(f"{URL}/{other['id']}").status_code == 404


def test_run_now_enqueues_as_the_schedule(regional_admin: Any) -> None:
    sched = create(regional_admin)
    run = regional_admin.ok("POST", f"{URL}/{sched['id']}/run", status=202)
    assert run["scheduleId"] == sched["id"] and run["name"] == sched["name"] and run["type"] == "platform.expire_sessions"
    assert run["createdBy"] == "admin"
    done = regional_admin.ok("GET", f"/api/v1/jobs/{run['id']}")
    assert done["status"] == "succeeded", done
    after = regional_admin.ok("GET", f"{URL}/{sched['id']}")
    assert after["lastRunId"] == run["id"] and after["lastStatus"] == "succeeded" and after["lastRunAt"]
    assert after["nextRunAt"] == sched["nextRunAt"]  # the cron timing is not disturbed
    listed = regional_admin.ok("GET", "/api/v1/jobs", params={"scheduleId": sched["id"]})
    assert [r["id"] for r in listed["items"]] == [run["id"]]


def test_tick_fires_a_due_schedule_exactly_once(new_tenant: Any) -> None:
    tenant, admin = new_tenant()
    sched = create(admin, cron="*/5 * * * *")
    idle = create(admin, enabled=False)
    make_due(sched["id"])
    make_due(idle["id"])
    now = utcnow()
    first = service.tick(now)
    second = service.tick(now)
    runs = runs_of(sched["id"])
    assert len(runs) == 1 and runs[0].id in first and runs[0].id not in second
    run = runs[0]
    assert run.tenant_id == tenant["id"] and run.created_by == service.SCHEDULER and run.account_id is None
    assert run.status == JobStatus.SUCCEEDED  # immediate mode in tests: executed on commit
    assert runs_of(idle["id"]) == []

    after = admin.ok("GET", f"{URL}/{sched['id']}")
    assert after["lastRunId"] == run.id and after["lastStatus"] == "succeeded"
    next_at = dt.datetime.fromisoformat(after["nextRunAt"])
    assert now < next_at <= now + dt.timedelta(minutes=5) and next_at.minute % 5 == 0
    service.tick(now)  # the stored status catches up with the run
    with session_scope(commit=False) as s:
        set_scope(s, SYSTEM)
        assert s.get(ScheduleJob, sched["id"]).last_status == JobStatus.SUCCEEDED


def test_overlapping_ticks_never_double_fire(new_tenant: Any) -> None:
    _, admin = new_tenant()
    sched = create(admin, cron="* * * * *")
    make_due(sched["id"])
    now = utcnow()
    # two schedulers both saw the schedule due, and fire it at the same moment
    with session_scope(commit=False) as s:
        set_scope(s, SYSTEM)
        assert sched["id"] in service.due(s, now)
    barrier = threading.Barrier(2)
    results: list[int | None] = []

    def fire() -> None:
        barrier.wait(5)
        results.append(service.fire(sched["id"], now))

    threads = [threading.Thread(target=fire) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 2 and results.count(None) == 1, results
    assert len(runs_of(sched["id"])) == 1
    assert service.fire(sched["id"], now) is None  # and later, with the same stale view


def test_disabled_tenants_schedules_do_not_fire(new_tenant: Any, sysadmin: Any) -> None:
    tenant, admin = new_tenant()
    sched = create(admin)
    make_due(sched["id"])
    from radix.core.schemas import Status
    from radix.platform.tenant.models import Tenant

    with session_scope() as s:
        set_scope(s, SYSTEM)
        s.execute(sa.update(Tenant).where(Tenant.id == tenant["id"]).values(status=Status.DISABLED))
    try:
        service.tick()
        assert runs_of(sched["id"]) == []
    finally:
        with session_scope() as s:
            set_scope(s, SYSTEM)
            s.execute(sa.update(Tenant).where(Tenant.id == tenant["id"]).values(status=Status.ENABLED))


def test_another_tenants_schedule_is_not_found(new_tenant: Any) -> None:
    _, a = new_tenant()
    _, b = new_tenant()
    sched = create(a)
    for method, url in (("GET", f"{URL}/{sched['id']}"), ("PATCH", f"{URL}/{sched['id']}"),
                        ("DELETE", f"{URL}/{sched['id']}"), ("POST", f"{URL}/{sched['id']}/run")):
        r = b.request(method, url, json={} if method == "PATCH" else None)
        assert r.status_code == 404, (method, url, r.text)
    assert b.ok("GET", URL)["total"] == 0
    # the same name is free in another tenant
    create(b, name=sched["name"])


def _logs(tenant_id: int, days_ago: int) -> dict[str, int]:
    at = utcnow() - dt.timedelta(days=days_ago)
    with session_scope() as s:
        set_scope(s, SYSTEM)
        rows = [
            LoginLog(tenant_id=tenant_id, success=True, created_at=at),
            OperationLog(tenant_id=tenant_id, method="POST", path="/x", action="CREATE", status_code=201,
                         success=True, created_at=at),
            AccessLog(tenant_id=tenant_id, kind="page", page="/x", created_at=at),
        ]
        s.add_all(rows)
        s.flush()
        return {type(r).__name__: r.id for r in rows}


def _exists(ids: dict[str, int]) -> list[str]:
    models = {"LoginLog": LoginLog, "OperationLog": OperationLog, "AccessLog": AccessLog}
    with session_scope(commit=False) as s:
        set_scope(s, SYSTEM)
        return [name for name, i in ids.items() if s.get(models[name], i) is not None]


def test_purge_logs_keeps_recent_and_other_tenants_logs(new_tenant: Any) -> None:
    tenant, admin = new_tenant()
    other, _ = new_tenant()
    old, recent, others_old = _logs(tenant["id"], 400), _logs(tenant["id"], 10), _logs(other["id"], 400)
    sched = create(admin, jobType="platform.purge_logs", params={"retentionDays": 365})
    run = admin.ok("POST", f"{URL}/{sched['id']}/run", status=202)
    done = admin.ok("GET", f"/api/v1/jobs/{run['id']}")
    assert done["status"] == "succeeded", done
    assert _exists(old) == []
    assert len(_exists(recent)) == 3 and len(_exists(others_old)) == 3
    assert done["result"]["deleted"] == {"login": 1, "operation": 1, "access": 1}
    assert done["message"].startswith("已删除") and done["message"].endswith("的日志 3 条")


def _session(account_id: int, tenant_id: int, *, expires_in: dt.timedelta, idle_for: dt.timedelta) -> int:
    now = utcnow()
    with session_scope() as s:
        set_scope(s, SYSTEM)
        row = AuthSession(token_hash=secrets.token_hex(32), account_id=account_id, tenant_id=tenant_id,
                          created_at=now - idle_for, last_seen_at=now - idle_for, expires_at=now + expires_in)
        s.add(row)
        s.flush()
        return row.id


def _ended(session_id: int) -> SessionEndReason | None:
    with session_scope(commit=False) as s:
        set_scope(s, SYSTEM)
        return s.get(AuthSession, session_id).end_reason


def test_expire_sessions_ends_expired_and_idle_sessions_of_its_tenant(new_tenant: Any) -> None:
    tenant, admin = new_tenant()
    other, other_admin = new_tenant()
    me, them = admin.me["user"]["id"], other_admin.me["user"]["id"]
    expired = _session(me, tenant["id"], expires_in=-dt.timedelta(minutes=1), idle_for=dt.timedelta(minutes=1))
    idle = _session(me, tenant["id"], expires_in=dt.timedelta(days=1), idle_for=dt.timedelta(hours=2))
    live = _session(me, tenant["id"], expires_in=dt.timedelta(days=1), idle_for=dt.timedelta(minutes=1))
    theirs = _session(them, other["id"], expires_in=-dt.timedelta(minutes=1), idle_for=dt.timedelta(minutes=1))
    sched = create(admin)
    run = admin.ok("POST", f"{URL}/{sched['id']}/run", status=202)
    done = admin.ok("GET", f"/api/v1/jobs/{run['id']}")
    assert done["status"] == "succeeded" and done["result"] == {"expired": 1, "idle": 1}, done
    assert _ended(expired) == SessionEndReason.EXPIRED and _ended(idle) == SessionEndReason.IDLE
    assert _ended(live) is None and _ended(theirs) is None
    assert admin.ok("GET", "/api/v1/auth/me")  # the admin's own login is untouched
    with session_scope(commit=False) as s:
        set_scope(s, SYSTEM)
        assert s.get(Account, me) is not None
