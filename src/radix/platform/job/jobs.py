"""The platform's own housekeeping jobs, meant for 调度设置 (each runs within its tenant's scope)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from radix.core import clock
from radix.core.db import utcnow
from radix.core.jobs.engine import JobContext, job
from radix.core.jobs.models import JobRun, JobStatus
from radix.platform.account.models import AuthSession, SessionEndReason
from radix.platform.job.schemas import ExpireSessionsParams, LogKind, PurgeJobRunsParams, PurgeLogsParams
from radix.platform.log.models import AccessLog, LoginLog, OperationLog
from radix.platform.security import service as security_service

#: rows deleted per transaction, so that a purge never holds SQLite's write lock for long
BATCH = 2000

LOG_MODELS: dict[LogKind, Any] = {LogKind.LOGIN: LoginLog, LogKind.OPERATION: OperationLog, LogKind.ACCESS: AccessLog}
FINISHED = [s for s in JobStatus if s.finished]


def _local_date(moment: dt.datetime) -> str:
    return clock.local_date(moment).isoformat()


def _purge(ctx: JobContext, model: Any, *conditions: Any) -> int:
    """Delete matching rows in batches, committing each (the tenant scope applies to every statement)."""
    deleted = 0
    while True:
        ids = ctx.session.scalars(sa.select(model.id).where(*conditions).order_by(model.id).limit(BATCH)).all()
        if not ids:
            return deleted
        ctx.session.execute(sa.delete(model).where(model.id.in_(ids)).execution_options(synchronize_session=False))
        ctx.session.commit()
        deleted += len(ids)
        ctx.check_cancelled()


@job("platform.purge_logs", "清理历史日志", en="Purge old logs", schedulable=True, params=PurgeLogsParams)
def purge_logs(ctx: JobContext) -> dict[str, Any]:
    p = PurgeLogsParams.model_validate(ctx.params)
    cutoff = utcnow() - dt.timedelta(days=p.retention_days)
    kinds = list(dict.fromkeys(p.kinds))
    counts: dict[str, int] = {}
    for n, kind in enumerate(kinds, start=1):
        model = LOG_MODELS[kind]
        counts[kind.value] = _purge(ctx, model, model.created_at < cutoff)
        ctx.log(f"{kind.zh}：删除 {counts[kind.value]} 条")
        ctx.progress(n * 100 / len(kinds), f"已清理{kind.zh}")
    total = sum(counts.values())
    return {"message": f"已删除 {_local_date(cutoff)} 之前的日志 {total} 条", "deleted": counts, "before": cutoff.isoformat()}


@job("platform.expire_sessions", "清理过期会话", en="End expired sessions", schedulable=True,
     params=ExpireSessionsParams)
def expire_sessions(ctx: JobContext) -> dict[str, Any]:
    """End login sessions past their expiry, and those idle longer than their tenant's 自动登出 time,
    so that 在线用户 and single-session checks see only live sessions."""
    now = utcnow()
    visible = ctx.scope.visible  # auth_session is not tenant-scoped automatically: scope it here

    def in_scope(stmt: Any) -> Any:
        return stmt if visible is None else stmt.where(AuthSession.tenant_id.in_(visible))

    live = AuthSession.ended_at.is_(None)
    expired = ctx.session.execute(
        in_scope(sa.update(AuthSession).where(live, AuthSession.expires_at <= now))
        .values(ended_at=now, end_reason=SessionEndReason.EXPIRED)
        .execution_options(synchronize_session=False)
    ).rowcount or 0
    ctx.progress(50, f"已结束过期会话 {expired} 个")
    idle = 0
    tenant_ids = ctx.session.scalars(in_scope(sa.select(AuthSession.tenant_id).where(live).distinct())).all()
    for tenant_id in tenant_ids:
        policy = security_service.get(ctx.session, tenant_id)
        if not policy.auto_logout_enabled:
            continue
        idle_since = now - dt.timedelta(minutes=policy.auto_logout_minutes)
        idle += ctx.session.execute(
            sa.update(AuthSession)
            .where(live, AuthSession.tenant_id == tenant_id, AuthSession.last_seen_at < idle_since)
            .values(ended_at=now, end_reason=SessionEndReason.IDLE)
            .execution_options(synchronize_session=False)
        ).rowcount or 0
    return {"message": f"已结束过期会话 {expired} 个、长时间未操作的会话 {idle} 个", "expired": expired, "idle": idle}


@job("platform.purge_job_runs", "清理任务记录", en="Purge old job runs", schedulable=True, params=PurgeJobRunsParams)
def purge_job_runs(ctx: JobContext) -> dict[str, Any]:
    p = PurgeJobRunsParams.model_validate(ctx.params)
    cutoff = utcnow() - dt.timedelta(days=p.retention_days)
    deleted = _purge(ctx, JobRun, JobRun.status.in_(FINISHED), JobRun.finished_at < cutoff, JobRun.id != ctx.run_id)
    return {"message": f"已删除 {_local_date(cutoff)} 之前结束的任务记录 {deleted} 条", "deleted": deleted}
