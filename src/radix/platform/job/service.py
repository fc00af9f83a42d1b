"""任务记录: who may look at a run, the job types for the schedule form, and the progress stream."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import anyio
import sqlalchemy as sa
from pydantic_core import PydanticUndefined

from radix.core.db import session_scope
from radix.core.errors import Conflict, Forbidden
from radix.core.jobs import engine
from radix.core.jobs.models import JobRun, JobStatus
from radix.core.resource import describe_fields
from radix.core.security import Principal
from radix.core.tenancy import Scope, set_scope
from radix.platform.job.schemas import JobEvent, JobTypeRead

#: how often the stream looks at the run, how long it may stay silent, and how long it lives at most
#: (an EventSource reconnects by itself after the last)
POLL_SECONDS = 0.5
KEEPALIVE_SECONDS = 15.0
MAX_STREAM_SECONDS = 3600.0


def check_may_view(principal: Principal, run: JobRun) -> None:
    """任务记录 holders see every run of their scope; anyone sees the runs they started (an import)."""
    if principal.has("platform:job:query") or (run.account_id is not None and run.account_id == principal.account_id):
        return
    raise Forbidden("没有权限查看该任务（需要 platform:job:query）")


def check_cancellable(run: JobRun) -> None:
    if JobStatus(run.status).finished:
        raise Conflict(f"任务已{JobStatus(run.status).zh}，无法取消", code="JOB_FINISHED")


def _param_fields(model: Any) -> list[dict[str, Any]]:
    if model is None:
        return []
    fields = describe_fields(model, create=model)
    by_name = {f["name"]: f for f in fields}
    for name, info in model.model_fields.items():
        entry = by_name.get(info.alias or name)
        if entry is None:
            continue
        default = info.get_default(call_default_factory=True) if info.default is PydanticUndefined else info.default
        if default is not None and default is not PydanticUndefined:
            entry["default"] = json.loads(json.dumps(default, default=str))
    return fields


def types(*, schedulable: bool | None = None) -> list[JobTypeRead]:
    out = []
    for jt in sorted(engine.job_types().values(), key=lambda t: t.name):
        if schedulable is not None and jt.schedulable != schedulable:
            continue
        out.append(JobTypeRead(name=jt.name, zh=jt.zh, en=jt.en or jt.name, schedulable=jt.schedulable,
                               params=_param_fields(jt.params)))
    return out


def type_options(*, schedulable: bool | None = None) -> list[dict[str, str]]:
    return [{"value": t.name, "label": t.zh, "labelEn": t.en} for t in types(schedulable=schedulable)]


# --- the progress stream ----------------------------------------------------------------------


def snapshot(run_id: int, scope: Scope) -> dict[str, Any] | None:
    with session_scope(commit=False) as s:
        set_scope(s, scope)
        row = s.execute(
            sa.select(JobRun.id, JobRun.status, JobRun.progress, JobRun.message).where(JobRun.id == run_id)
        ).first()
    if row is None:
        return None
    event = JobEvent(id=row.id, status=row.status, progress=row.progress, message=row.message)
    return event.model_dump(mode="json", by_alias=True)


def _sse(data: dict[str, Any], event: str | None = None) -> str:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data, ensure_ascii=False)}\n\n"


async def events(run_id: int, scope: Scope) -> AsyncIterator[str]:
    """Server-Sent Events: the run's state whenever it changes, the final state, then ``event: end``.

    The row is polled in a worker thread, so a stream never blocks the event loop; a comment line
    keeps proxies from closing a quiet stream.
    """
    yield "retry: 3000\n\n"
    started = quiet_since = time.monotonic()
    last: dict[str, Any] | None = None
    while True:
        state = await anyio.to_thread.run_sync(snapshot, run_id, scope)
        now = time.monotonic()
        if state is None:
            yield _sse({"id": run_id, "message": "任务不存在或已被删除"}, event="end")
            return
        if state != last:
            yield _sse(state)
            last, quiet_since = state, now
        if JobStatus(state["status"]).finished:
            yield _sse(state, event="end")
            return
        if now - quiet_since >= KEEPALIVE_SECONDS:
            yield ": keep-alive\n\n"
            quiet_since = now
        if now - started >= MAX_STREAM_SECONDS:
            return
        await anyio.sleep(POLL_SECONDS)
