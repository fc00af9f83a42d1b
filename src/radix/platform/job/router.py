from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from radix.core.audit import audit
from radix.core.jobs import engine
from radix.core.jobs.models import JobRun
from radix.core.security import Principal, current_principal, get_session, require
from radix.platform.job import service
from radix.platform.job.resource import resource
from radix.platform.job.schemas import JobRunDetail, JobRunRead, JobTypeRead

router = APIRouter(prefix="/jobs", tags=["任务记录"])


@router.get("/types", response_model=list[JobTypeRead], summary="任务类型（调度设置的调度类型）",
            dependencies=[require("platform:job:list", "platform:schedule:list", any_of=True)])
def job_types(schedulable: bool | None = Query(None, title="只看可调度的")) -> Any:
    return service.types(schedulable=schedulable)


@router.get("/{id}", response_model=JobRunDetail, summary="任务详情（参数与日志）", dependencies=[require()])
def detail(run: JobRun = resource.load, principal: Principal = current_principal) -> Any:
    service.check_may_view(principal, run)
    return JobRunDetail.model_validate(run)


@router.post("/{id}/cancel", response_model=JobRunRead, summary="取消任务",
             dependencies=[require("platform:job:cancel"), audit("UPDATE", "取消任务")])
def cancel(run: JobRun = resource.load, session: Session = get_session) -> Any:
    service.check_cancellable(run)
    engine.request_cancel(session, run)
    return JobRunRead.model_validate(run)


@router.get(
    "/{id}/events",
    response_class=StreamingResponse,
    summary="任务进度（Server-Sent Events）",
    responses={200: {"content": {"text/event-stream": {}}, "description": "data: {id,status,progress,message}"}},
    dependencies=[require()],
)
def events(run: JobRun = resource.load, principal: Principal = current_principal) -> StreamingResponse:
    service.check_may_view(principal, run)
    return StreamingResponse(
        service.events(run.id, principal.scope),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
