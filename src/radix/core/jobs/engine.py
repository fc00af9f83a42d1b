"""The job engine.

A job type is a plain function registered with ``@job("type", "中文名")``; it receives a
:class:`JobContext` (params, a scoped session, progress/log reporting, cancellation). ``enqueue``
writes a ``job_run`` row in the caller's unit of work and hands the run to Huey only after that
unit of work commits. Huey keeps the queue (SQLite file by default, Redis when configured); our
own rows keep the truth, so a run whose worker died is marked interrupted on the next start.

A run is claimed with a conditional UPDATE (pending → running), so a message delivered twice, or a
run cancelled while queued, never executes twice or after its cancellation. Progress and log lines
are written in their own short transactions so that other processes (the SSE stream) see them at
once; on SQLite, where only one connection may write, they go through the job's own connection
while the job holds uncommitted writes (and become visible when it commits).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ValidationError
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from radix.config import get_settings
from radix.core.db import db, session_scope, utcnow
from radix.core.errors import AppError, Invalid, translate_pydantic_error
from radix.core.jobs.models import JobRun, JobStatus
from radix.core.tenancy import SYSTEM, Scope, get_scope, set_scope

log = logging.getLogger(__name__)

MAX_LOG_LINES = 2000
#: while a run lasts its worker refreshes ``heartbeat_at`` this often
HEARTBEAT_SECONDS = 30.0
#: a run of another host whose heartbeat is older than this is taken for dead
STALE_AFTER = dt.timedelta(minutes=5)
INTERRUPTED_MESSAGE = "任务因服务重启而中断"


@dataclass
class JobType:
    name: str
    zh: str
    fn: Callable[[JobContext], Any]
    #: may be chosen in 调度设置 (scheduled with cron)
    schedulable: bool = False
    en: str | None = None
    #: the pydantic model its params must satisfy (checked by ``enqueue`` and the schedule form)
    params: type[BaseModel] | None = None


_types: dict[str, JobType] = {}
_periodic: list[Callable[[], None]] = []


def job(
    name: str, zh: str, *, schedulable: bool = False, en: str | None = None, params: type[BaseModel] | None = None
) -> Callable:
    def deco(fn: Callable[[JobContext], Any]) -> Callable[[JobContext], Any]:
        _types[name] = JobType(name=name, zh=zh, fn=fn, schedulable=schedulable, en=en, params=params)
        return fn

    return deco


def job_types() -> dict[str, JobType]:
    return dict(_types)


def register_periodic(fn: Callable[[], None]) -> None:
    """Something to run once a minute on the (single) scheduling consumer."""
    if fn not in _periodic:
        _periodic.append(fn)


def run_periodic() -> None:
    """One scheduler tick: every registered periodic function, each failure logged and contained."""
    for fn in _periodic.copy():  # a periodic function may register another
        try:
            fn()
        except Exception:
            log.exception("periodic task %s failed", getattr(fn, "__qualname__", fn))


def validate_params(type: str, params: dict[str, Any] | None) -> dict[str, Any]:
    """The params of a run of ``type``, checked against the type's model (camelCase keys)."""
    jt = _types.get(type)
    if jt is None:
        raise AppError(f"未知的任务类型：{type}", code="UNKNOWN_JOB_TYPE")
    if jt.params is None:
        return dict(params or {})
    try:
        model = jt.params.model_validate(params or {})
    except ValidationError as exc:
        fields = []
        for err in exc.errors():
            f = translate_pydantic_error(err)
            f["field"] = "params" if f["field"] == "_" else f"params.{f['field']}"
            fields.append(f)
        raise Invalid(f"任务参数不正确：{fields[0]['message']}", code="INVALID_JOB_PARAMS", fields=fields) from None
    return model.model_dump(mode="json", by_alias=True)


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
        values: dict[str, Any] = {"progress": pct, "heartbeat_at": utcnow()}
        if message is not None:
            values["message"] = message[:500]
        self._write(lambda s: s.execute(_update_run(self.run_id, **values)))

    def log(self, line: str) -> None:
        stamped = f"{utcnow().isoformat(timespec='seconds')} {line}"

        def append(s: Session) -> None:
            lines = s.scalar(sa.select(JobRun.log).where(JobRun.id == self.run_id))
            lines = [*(lines or []), stamped][-MAX_LOG_LINES:]
            s.execute(_update_run(self.run_id, log=lines))

        self._write(append)

    def check_cancelled(self) -> None:
        now = time.monotonic()
        if now - self._last_cancel_check < 0.5:
            return
        self._last_cancel_check = now
        with session_scope(commit=False) as s:
            set_scope(s, SYSTEM)
            flag = s.scalar(sa.select(JobRun.cancel_requested).where(JobRun.id == self.run_id))
        if flag:
            raise Cancelled()

    def _write(self, fn: Callable[[Session], Any]) -> None:
        """Progress is advisory: it never fails the job (a busy database only delays the bar)."""
        try:
            if self._holds_sqlite_write_lock():
                fn(self.session)
                return
            with session_scope() as s:
                set_scope(s, SYSTEM)
                fn(s)
        except OperationalError:
            log.warning("could not record progress of job %s", self.run_id, exc_info=True)

    def _holds_sqlite_write_lock(self) -> bool:
        s = self.session
        if s.get_bind().dialect.name != "sqlite" or not s.in_transaction():
            return False
        return bool(getattr(s.connection().connection.dbapi_connection, "in_transaction", False))


def _update_run(run_id: int, **values: Any) -> sa.Update:
    return (
        sa.update(JobRun).where(JobRun.id == run_id).values(**values).execution_options(synchronize_session=False)
    )


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
        run_periodic()

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
    params = validate_params(type, params)
    scope = get_scope(session)
    run = JobRun(
        type=type,
        name=(name or jt.zh)[:128],
        params=params,
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
    for run_id in ids:
        try:
            get_huey().radix_run_job(run_id)
        except Exception:  # the caller's work is committed: record the failure on the run, never raise
            log.exception("could not hand job %s to the queue", run_id)
            _finish(run_id, JobStatus.FAILED, message="任务提交到队列失败，请检查任务队列服务后重试")


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop("radix_jobs_after_commit", None)


def run_now(run_id: int) -> None:
    """Execute a run in this process (tests, CLI)."""
    execute(run_id)


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


#: runs executing in this process right now (a run recorded with our own pid but absent here is dead)
_active: dict[int, int] = {}
_active_lock = threading.Lock()


def _claim(run_id: int) -> tuple[str, dict[str, Any], int, int | None] | None:
    """pending → running, atomically; None when the run is gone, taken, finished or cancelled."""
    now = utcnow()
    with session_scope() as s:
        set_scope(s, SYSTEM)
        claimed = s.execute(
            _update_run(run_id, status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, worker=_worker_id())
            .where(JobRun.status == JobStatus.PENDING, JobRun.cancel_requested.is_(False))
        ).rowcount
        if claimed != 1:
            s.execute(
                _update_run(run_id, status=JobStatus.CANCELLED, finished_at=now, message="任务已取消")
                .where(JobRun.status == JobStatus.PENDING, JobRun.cancel_requested.is_(True))
            )
            return None
        row = s.execute(
            sa.select(JobRun.type, JobRun.params, JobRun.tenant_id, JobRun.account_id).where(JobRun.id == run_id)
        ).one()
    return row.type, dict(row.params or {}), row.tenant_id, row.account_id


def _heartbeat(run_id: int) -> Callable[[], None]:
    """Refresh ``heartbeat_at`` in the background while the run lasts; returns the stopper."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            try:
                with session_scope() as s:
                    set_scope(s, SYSTEM)
                    s.execute(_update_run(run_id, heartbeat_at=utcnow()).where(JobRun.status == JobStatus.RUNNING))
            except Exception:
                log.debug("heartbeat of job %s skipped", run_id, exc_info=True)

    thread = threading.Thread(target=beat, name=f"job-{run_id}-heartbeat", daemon=True)
    thread.start()
    return stop.set


def execute(run_id: int) -> None:
    # registered before the claim commits and dropped after the outcome is stored, so that
    # mark_interrupted never mistakes a run of this very process for one of a dead predecessor
    with _active_lock:
        _active[run_id] = _active.get(run_id, 0) + 1  # counted: a duplicate delivery may overlap
    try:
        claimed = _claim(run_id)
        if claimed is None:
            return
        type_, params, tenant_id, account_id = claimed
        stop_heartbeat = _heartbeat(run_id)
        try:
            _execute(run_id, type_, params, tenant_id, account_id)
        finally:
            stop_heartbeat()
    finally:
        with _active_lock:
            _active[run_id] -= 1
            if not _active[run_id]:
                del _active[run_id]


def _execute(run_id: int, type_: str, params: dict[str, Any], tenant_id: int, account_id: int | None) -> None:
    jt = _types.get(type_)
    if jt is None:
        _finish(run_id, JobStatus.FAILED, message=f"未知的任务类型：{type_}")
        return
    scope = _job_scope(tenant_id, account_id)
    session = db.session()
    set_scope(session, scope)
    ctx = JobContext(
        run_id=run_id, type=type_, params=params, tenant_id=tenant_id, account_id=account_id, session=session, scope=scope
    )
    try:
        try:
            result = jt.fn(ctx)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
    except Cancelled:
        _finish(run_id, JobStatus.CANCELLED, message="任务已取消")
        return
    except AppError as exc:
        _finish(run_id, JobStatus.FAILED, message=exc.message, result={"code": exc.code, **exc.extra})
        return
    except Exception as exc:  # a job failure must be recorded, whatever it is
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


def _job_scope(tenant_id: int, account_id: int | None) -> Scope:
    if _tenant_resolver is None:
        visible: frozenset[int] | None = frozenset({tenant_id})
    else:
        is_platform, ids = _tenant_resolver(tenant_id)
        visible = None if is_platform else ids
    return Scope(tenant_id=tenant_id, visible=visible, actor="job", account_id=account_id)


def _is_platform(tenant_id: int) -> bool:
    return _tenant_resolver is not None and _tenant_resolver(tenant_id)[0]


def _visible(tenant_id: int) -> frozenset[int]:
    if _tenant_resolver is None:
        return frozenset({tenant_id})
    return _tenant_resolver(tenant_id)[1]


def mark_interrupted(*, only_dead_local: bool = False) -> int:
    """Runs left 'running' by a dead worker become 'interrupted' (on worker start and every minute).

    A worker of this host is dead when its pid is gone (or is ours, but the run is not executing
    here: the pid was reused after a restart). With ``only_dead_local`` that is all; otherwise a
    run of another host counts as dead once its heartbeat is older than :data:`STALE_AFTER`.
    """
    host = socket.gethostname()
    me = os.getpid()
    now = utcnow()
    with session_scope() as s:
        set_scope(s, SYSTEM)
        rows = s.execute(
            sa.select(JobRun.id, JobRun.worker, JobRun.heartbeat_at, JobRun.started_at).where(
                JobRun.status == JobStatus.RUNNING
            )
        ).all()
        with _active_lock:  # read after the rows: a run claimed here meanwhile is already listed
            active = set(_active)
        dead: list[int] = []
        for run_id, worker, heartbeat_at, started_at in rows:
            w_host, _, w_pid = (worker or "").rpartition(":")
            if w_host == host and w_pid.isdigit():
                pid = int(w_pid)
                gone = run_id not in active if pid == me else not _pid_alive(pid)
            elif only_dead_local:
                gone = False
            else:
                last = heartbeat_at or started_at
                gone = last is None or now - last > STALE_AFTER
            if gone:
                dead.append(run_id)
        if dead:
            s.execute(
                sa.update(JobRun)
                .where(JobRun.id.in_(dead), JobRun.status == JobStatus.RUNNING)
                .values(status=JobStatus.INTERRUPTED, message=INTERRUPTED_MESSAGE, finished_at=now)
                .execution_options(synchronize_session=False)
            )
    return len(dead)


def _reap() -> None:
    mark_interrupted()


register_periodic(_reap)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def request_cancel(session: Session, run: JobRun) -> None:
    """Cancel a queued run at once; ask a running one to stop at its next ``check_cancelled``."""
    if run.status not in (JobStatus.PENDING, JobStatus.RUNNING):
        return
    live = (JobStatus.PENDING, JobStatus.RUNNING)
    session.execute(
        sa.update(JobRun)
        .where(JobRun.id == run.id, JobRun.status.in_(live))
        .values(cancel_requested=True)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        sa.update(JobRun)
        .where(JobRun.id == run.id, JobRun.status == JobStatus.PENDING)
        .values(status=JobStatus.CANCELLED, finished_at=utcnow(), message="任务已取消")
        .execution_options(synchronize_session=False)
    )
    session.flush()
    session.refresh(run)


def run_consumer(*, workers: int = 2, periodic: bool = True) -> None:
    """Run a Huey consumer in this process until SIGTERM/SIGINT (``radix worker``)."""
    from huey.consumer import Consumer

    mark_interrupted(only_dead_local=not periodic)
    huey = get_huey()
    # an idle SQLite queue is polled at most a second apart (Huey's default backs off to 10 s)
    consumer = Consumer(
        huey, workers=workers, worker_type="thread", periodic=periodic, check_worker_health=True, max_delay=1.0
    )
    consumer.run()
