from __future__ import annotations

import datetime as dt

from fastapi import APIRouter

from radix.core.jobs.models import JobRun, JobStatus
from radix.core.listing import Filter
from radix.core.resource import Action, Resource
from radix.platform.job.schemas import JobRunRead

resource = Resource(
    name="job_run",
    path="/jobs",
    model=JobRun,
    read=JobRunRead,
    perm="platform:job",
    zh="任务记录",
    en="Job runs",
    filters=[
        Filter("type", op="eq", zh="任务类型", en="Type", widget="job-type-select"),
        Filter("status", op="eq", type=JobStatus, zh="状态", en="Status"),
        Filter("name", op="contains", zh="任务名称", en="Name"),
        Filter("createdAt", op="range", type=dt.datetime, zh="创建时间", en="Created at"),
        Filter("scheduleId", op="eq", type=int, zh="调度", en="Schedule", widget="hidden"),
    ],
    sortable=["createdAt", "startedAt", "finishedAt"],
    deletable=False,
    actions=[
        Action("cancel", "取消", "Cancel", "platform:job:cancel", "/{id}/cancel", confirm="确认取消该任务吗？",
               when={"status": [JobStatus.PENDING.value, JobStatus.RUNNING.value]}),
    ],
    module="platform",
)


def list_router() -> APIRouter:
    """The generic list and export routes; the detail (with params and log) lives in router.py."""
    r = resource.router()
    r.routes = [
        route for route in r.routes
        if not (getattr(route, "path", "") == f"{resource.path}/{{id}}" and "GET" in getattr(route, "methods", ()))
    ]
    return r
