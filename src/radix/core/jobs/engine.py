"""The job engine.

A job type is a plain function registered with ``@job("type", "中文名")``; it receives a
:class:`JobContext` (params, a scoped session, progress/log reporting, cancellation). ``enqueue``
writes a ``job_run`` row in the caller's unit of work and hands the run to Huey only after that
unit of work commits. Huey keeps the queue (SQLite file by default, Redis when configured); our
own rows keep the truth, so a run whose worker died is marked interrupted on the next start.
"""

from __future__ import annotations

import logging
import os
import socket
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from radix.config import get_settings
from radix.core.db import session_scope, utcnow
from radix.core.errors import AppError
from radix.core.jobs.models import JobRun, JobStatus
from radix.core.tenancy import SYSTEM, Scope, get_scope, set_scope

log = logging.getLogger(__name__)

MAX_LOG_LINES = 2000


@dataclass
class JobType:
    name: str
    zh: str
    fn: Callable[["JobContext"], Any]
    #: may be chosen in 调度设置 (scheduled with cron)
    schedulable: bool = False
    en: str | None = None


_types: dict[str, JobType] = {}
_periodic: list[Callable[[], None]] = []


def job(name: str, zh: str, *, schedulable: bool = False, en: str | None = None) -> Callable:
    def deco(fn: Callable[[JobContext], Any]) -> Callable[[JobContext], Any]:
        _types[name] = JobType(name=name, zh=zh, fn=fn, schedulable=schedulable, en=en)
        return fn

    return deco


def job_types() -> dict[str, JobType]:
    return dict(_types)


def register_periodic(fn: Callable[[], None]) -> None:
    """Something to run once a minute on the (single) scheduling consumer."""
    if fn not in _periodic:
        _periodic.append(fn)


class Cancelled(Exception):
    pass


@dataclass
class JobContext:
    run_id: int
    type: str
    params: dict[str, Any]
    tenant_id: int
    account_id: int | None
    session: Session
    scope: Scope
    _last_cancel_check: float = 0.0
    result: dict[str, Any] = field(default_factory=dict)

    def progress(self, percent: float, message: str | None = None) -> None:
        pct = max(0, min(100, int(percent)))
        with session_scope() as s:
            values: dict[str, Any] = {"progress": pct, "heartbeat_at": utcnow()}
            if message is not None:
                values["message"] = message[:500]
            s.execute(sa.update(JobRun).where(JobRun.id == self.run_id).values(**values))

    def log(self, line: str) -> None:
        with session_scope() as s:
            set_scope(s, SYSTEM)
            run = s.get(JobRun, self.run_id)
            if run is not None:
                lines = list(run.log or [])
                lines.append(f"{utcnow().isoformat(timespec='seconds')} {line}")
                run.log = lines[-MAX_LOG_LINES:]

    def check_cancelled(self) -> None:
        import time

        now = time.monotonic()
        if now - self._last_cancel_check < 0.5:
            return
        self._last_cancel_check = now
        with session_scope() as s:
            flag = s.scalar(sa.select(JobRun.cancel_requested).where(JobRun.id == self.run_id))
        if flag:
            raise Cancelled()


# --- Huey -----------------------------------------------------------------------------------------

_huey: Any = None


def get_huey() -> Any:
    global _huey
    if _huey is None:
        _huey = _make_huey()
    return _huey


def reset_huey() -> None:
    global _huey
    _huey = None


def _make_huey() -> Any:
    from huey import RedisHuey, SqliteHuey, crontab

    settings = get_settings()
    if settings.redis_url:
        huey = RedisHuey("radix", url=settings.redis_url, immediate=settings.jobs_immediate)
    else:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(
            "radix", filename=str((settings.data_dir / "jobs.db").resolve()), immediate=settings.jobs_immediate
        )

    @huey.task(name="radix.run_job")
    def _run_job(run_id: int) -> None:
        execute(run_id)

    @huey.periodic_task(crontab(minute="*"), name="radix.tick")
    def _tick() -> None:
        for fn in list(_periodic):
            try:
                fn()
            except Exception:
                log.exception("periodic task failed")

    huey.radix_run_job = _run_job
    return huey


# --- enqueue and execute ---------------------------------------------------------------------------


def enqueue(
    session: Session,
    type: str,
    *,
    params: dict[str, Any] | None = None,
    name: str | None = None,
    target_type: str | None = None,
    target_id: Any = None,
    tenant_id: int | None = None,
    account_id: int | None = None,
    schedule_id: int | None = None,
) -> JobRun:
    jt = _types.get(type)
    if jt is None:
        raise AppError(f"未知的任务类型：{type}", code="UNKNOWN_JOB_TYPE")
    scope = get_scope(session)
    run = JobRun(
        type=type,
        name=name or jt.zh,
        params=params or {},
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        tenant_id=tenant_id or scope.tenant_id,
        account_id=account_id or scope.account_id,
        schedule_id=schedule_id,
        status=JobStatus.PENDING,
        log=[],
    )
    session.add(run)
    session.flush()
    pending = session.info.setdefault("radix_jobs_after_commit", [])
    pending.append(run.id)
    return run


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session: Session) -> None:
    ids = session.info.pop("radix_jobs_after_commit", None)
    if not ids:
        return
    huey = get_huey()
    for run_id in ids:
        huey.radix_run_job(run_id)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop("radix_jobs_after_commit", None)


def run_now(run_id: int) -> None:
    """Execute a run in this process (tests, CLI)."""
    execute(run_id)


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def execute(run_id: int) -> None:
    with session_scope() as s:
        set_scope(s, SYSTEM)
        run = s.get(JobRun, run_id)
        if run is None or run.status != JobStatus.PENDING:
            return
        if run.cancel_requested:
            run.status = JobStatus.CANCELLED
            run.finished_at = utcnow()
            return
        run.status = JobStatus.RUNNING
        run.started_at = run.heartbeat_at = utcnow()
        run.worker = _worker_id()
        jt = _types.get(run.type)
        params, tenant_id, account_id, type_ = dict(run.params or {}), run.tenant_id, run.account_id, run.type
    if jt is None:
        _finish(run_id, JobStatus.FAILED, message=f"未知的任务类型：{type_}")
        return
    work = session_scope()
    session = work.__enter__()
    scope = Scope(tenant_id=tenant_id, visible=None if _is_platform(tenant_id) else _visible(tenant_id), actor="job")
    set_scope(session, scope)
    ctx = JobContext(
        run_id=run_id, type=type_, params=params, tenant_id=tenant_id, account_id=account_id, session=session, scope=scope
    )
    try:
        result = jt.fn(ctx)
        work.__exit__(None, None, None)
    except Cancelled:
        work.__exit__(Cancelled, Cancelled(), None)
        _finish(run_id, JobStatus.CANCELLED, message="任务已取消")
        return
    except AppError as exc:
        work.__exit__(type(exc), exc, exc.__traceback__)
        _finish(run_id, JobStatus.FAILED, message=exc.message, result={"code": exc.code, **exc.extra})
        return
    except Exception as exc:  # a job failure must be recorded, whatever it is
        work.__exit__(type(exc), exc, exc.__traceback__)
        log.exception("job %s (%s) failed", run_id, type_)
        _finish(run_id, JobStatus.FAILED, message=f"任务执行失败：{exc}"[:500], trace=traceback.format_exc())
        return
    merged = dict(ctx.result)
    if isinstance(result, dict):
        merged.update(result)
    _finish(run_id, JobStatus.SUCCEEDED, message=merged.pop("message", None) or "已完成", result=merged)


def _finish(
    run_id: int, status: JobStatus, *, message: str, result: dict[str, Any] | None = None, trace: str | None = None
) -> None:
    with session_scope() as s:
        set_scope(s, SYSTEM)
        run = s.get(JobRun, run_id)
        if run is None:
            return
        run.status = status
        run.message = message[:500]
        run.finished_at = utcnow()
        if status == JobStatus.SUCCEEDED:
            run.progress = 100
        if result is not None:
            run.result = result
        if trace:
            run.log = (list(run.log or []) + [trace[-4000:]])[-MAX_LOG_LINES:]


_tenant_resolver: Callable[[int], tuple[bool, frozenset[int]]] | None = None


def register_tenant_resolver(fn: Callable[[int], tuple[bool, frozenset[int]]]) -> None:
    """The platform tells the engine what a tenant may see: (is platform, visible tenant ids)."""
    global _tenant_resolver
    _tenant_resolver = fn


def _is_platform(tenant_id: int) -> bool:
    return _tenant_resolver is not None and _tenant_resolver(tenant_id)[0]


def _visible(tenant_id: int) -> frozenset[int]:
    if _tenant_resolver is None:
        return frozenset({tenant_id})
    return _tenant_resolver(tenant_id)[1]


def mark_interrupted(*, only_dead_local: bool = False) -> int:
    """Runs left 'running' by a crashed worker become 'interrupted' (called when a worker starts)."""
    host = socket.gethostname()
    count = 0
    with session_scope() as s:
        set_scope(s, SYSTEM)
        runs = s.scalars(sa.select(JobRun).where(JobRun.status == JobStatus.RUNNING)).all()
        for run in runs:
            if only_dead_local:
                worker = run.worker or ""
                w_host, _, w_pid = worker.rpartition(":")
                if w_host != host or not w_pid.isdigit() or _pid_alive(int(w_pid)):
                    continue
            run.status = JobStatus.INTERRUPTED
            run.message = "任务因服务重启而中断"
            run.finished_at = utcnow()
            count += 1
    return count


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def request_cancel(session: Session, run: JobRun) -> None:
    if run.status in (JobStatus.PENDING, JobStatus.RUNNING):
        run.cancel_requested = True
        if run.status == JobStatus.PENDING:
            run.status = JobStatus.CANCELLED
            run.finished_at = utcnow()
            run.message = "任务已取消"
        session.flush()


def run_consumer(*, workers: int = 2, periodic: bool = True) -> None:
    """Run a Huey consumer in this process until SIGTERM/SIGINT (``radix worker``)."""
    from huey.consumer import Consumer

    mark_interrupted(only_dead_local=not periodic)
    huey = get_huey()
    consumer = Consumer(huey, workers=workers, worker_type="thread", periodic=periodic, check_worker_health=True)
    consumer.run()
