"""调度设置: schedules fire their job type at the cron's times, each due time exactly once.

The scheduler tick runs every minute on the one scheduling consumer (``radix worker --scheduler``).
A schedule is claimed for one due time with a conditional UPDATE that moves ``next_run_at`` on, so
two ticks that overlap (a slow tick, a second scheduler started by mistake) cannot both fire it.
A schedule that was due several times while nothing ran fires once, then follows its cron again.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import sqlalchemy as sa
from croniter import CroniterError
from sqlalchemy.orm import Session

from radix.core.db import session_scope, utcnow
from radix.core.errors import AppError, Conflict, Invalid
from radix.core.jobs import engine
from radix.core.jobs.models import JobRun, JobStatus
from radix.core.schemas import Status
from radix.core.tenancy import SYSTEM, Scope, set_scope
from radix.platform.schedule.cron import next_after
from radix.platform.schedule.models import ScheduleJob
from radix.platform.tenant.models import Tenant

log = logging.getLogger(__name__)

#: who the scheduler's runs are "created by"
SCHEDULER = "scheduler"
#: schedules fired per tick at most (the rest are still due at the next tick)
TICK_LIMIT = 500


def check_job_type(name: str) -> engine.JobType:
    jt = engine.job_types().get(name)
    if jt is None or not jt.schedulable:
        raise Invalid.field("jobType", "请选择有效的调度类型", code="INVALID_JOB_TYPE")
    return jt


def check_params(job_type: str, params: dict[str, Any] | None) -> dict[str, Any]:
    return engine.validate_params(job_type, params)


def next_run(cron: str, enabled: bool, *, now: dt.datetime | None = None) -> dt.datetime | None:
    return next_after(cron, now or utcnow()) if enabled else None


def live_statuses(session: Session, run_ids: list[int]) -> dict[int, JobStatus]:
    """The current status of the schedules' last runs (the stored one may lag behind)."""
    ids = [i for i in run_ids if i is not None]
    if not ids:
        return {}
    return dict(session.execute(sa.select(JobRun.id, JobRun.status).where(JobRun.id.in_(ids))).all())


def run_now(session: Session, schedule: ScheduleJob) -> JobRun:
    """立即执行: a run now, as the schedule's tenant, by the caller; the cron timing is unchanged."""
    if engine.job_types().get(schedule.job_type) is None:
        raise Conflict("该调度的任务类型已不可用，请修改调度类型", code="JOB_TYPE_UNAVAILABLE")
    run = engine.enqueue(
        session, schedule.job_type, params=schedule.params, name=schedule.name,
        tenant_id=schedule.tenant_id, schedule_id=schedule.id,
    )
    schedule.last_run_at = run.created_at
    schedule.last_run_id = run.id
    schedule.last_status = run.status
    session.flush()
    return run


# --- the scheduler ----------------------------------------------------------------------------------


def due(session: Session, now: dt.datetime) -> list[int]:
    """Enabled schedules of enabled tenants whose next time has come, oldest first."""
    return list(
        session.scalars(
            sa.select(ScheduleJob.id)
            .join(Tenant, Tenant.id == ScheduleJob.tenant_id)
            .where(ScheduleJob.enabled.is_(True), ScheduleJob.next_run_at <= now, Tenant.status == Status.ENABLED)
            .order_by(ScheduleJob.next_run_at, ScheduleJob.id)
            .limit(TICK_LIMIT)
        )
    )


def fire(schedule_id: int, now: dt.datetime) -> int | None:
    """Claim the schedule's due time and enqueue its run; None when another tick claimed it first."""
    with session_scope() as s:
        set_scope(s, Scope(tenant_id=None, visible=None, actor=SCHEDULER))
        row = s.execute(
            sa.select(ScheduleJob.cron, ScheduleJob.job_type, ScheduleJob.params, ScheduleJob.name,
                      ScheduleJob.tenant_id).where(ScheduleJob.id == schedule_id)
        ).first()
        if row is None:
            return None
        try:
            following = next_after(row.cron, now)
        except (CroniterError, ValueError, KeyError):  # an expression that no longer parses stops the schedule
            following = None
        claimed = s.execute(
            sa.update(ScheduleJob)
            .where(ScheduleJob.id == schedule_id, ScheduleJob.enabled.is_(True), ScheduleJob.next_run_at <= now,
                   ScheduleJob.cron == row.cron)
            .values(next_run_at=following, last_run_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            return None
        try:
            run = engine.enqueue(s, row.job_type, params=row.params, name=row.name, tenant_id=row.tenant_id,
                                 schedule_id=schedule_id)
        except AppError as exc:
            # the type is gone or its params no longer fit: leave a failed run that says why
            run = JobRun(type=row.job_type, name=row.name, params=row.params or {}, tenant_id=row.tenant_id,
                         schedule_id=schedule_id, status=JobStatus.FAILED, message=f"调度未能执行：{exc.message}"[:500],
                         finished_at=now, log=[])
            s.add(run)
            s.flush()
        s.execute(
            sa.update(ScheduleJob)
            .where(ScheduleJob.id == schedule_id)
            .values(last_run_id=run.id, last_status=run.status)
            .execution_options(synchronize_session=False)
        )
        return run.id


def sync_last_status(session: Session) -> None:
    """Copy finished runs' outcome onto their schedules (lists read the live status anyway)."""
    current = sa.select(JobRun.status).where(JobRun.id == ScheduleJob.last_run_id).scalar_subquery()
    session.execute(
        sa.update(ScheduleJob)
        .where(ScheduleJob.last_status.in_([JobStatus.PENDING, JobStatus.RUNNING]),
               sa.exists().where(JobRun.id == ScheduleJob.last_run_id, JobRun.status != ScheduleJob.last_status))
        .values(last_status=current)
        .execution_options(synchronize_session=False)
    )


def tick(now: dt.datetime | None = None) -> list[int]:
    """One minute of the scheduler: fire what is due; returns the ids of the runs it enqueued."""
    now = now or utcnow()
    with session_scope() as s:
        set_scope(s, SYSTEM)
        sync_last_status(s)
    with session_scope(commit=False) as s:
        set_scope(s, SYSTEM)
        ids = due(s, now)
    fired: list[int] = []
    for schedule_id in ids:
        try:
            run_id = fire(schedule_id, now)
        except Exception:
            log.exception("schedule %s could not fire", schedule_id)
            continue
        if run_id is not None:
            fired.append(run_id)
    return fired
