from __future__ import annotations

import datetime as dt
from typing import Any

from radix.core.jobs.models import JobStatus
from radix.core.schemas import AppModel, F


class JobRunRead(AppModel):
    id: int = F(zh="编号", en="ID")
    tenant_id: int = F(zh="租户", en="Tenant", column=False)
    type: str = F(zh="任务类型", en="Type")
    name: str = F(zh="任务名称", en="Name")
    target_type: str | None = F(None, zh="对象类型", en="Target type", column=False)
    target_id: str | None = F(None, zh="对象编号", en="Target", column=False)
    schedule_id: int | None = F(None, zh="调度", en="Schedule", column=False)
    status: JobStatus = F(zh="状态", en="Status")
    progress: int = F(zh="进度", en="Progress")
    message: str | None = F(None, zh="信息", en="Message")
    cancel_requested: bool = F(False, zh="已请求取消", en="Cancel requested", column=False)
    result: dict[str, Any] | None = F(None, zh="结果", en="Result", column=False)
    created_by: str | None = F(None, zh="发起人", en="Started by")
    created_at: dt.datetime = F(zh="创建时间", en="Created at")
    started_at: dt.datetime | None = F(None, zh="开始时间", en="Started at")
    finished_at: dt.datetime | None = F(None, zh="结束时间", en="Finished at")


class JobRunDetail(JobRunRead):
    params: dict[str, Any] = F(default_factory=dict, zh="参数", en="Parameters")
    log: list[Any] = F(default_factory=list, zh="日志", en="Log")
    worker: str | None = F(None, zh="执行节点", en="Worker", column=False)
    heartbeat_at: dt.datetime | None = F(None, zh="最近心跳", en="Last heartbeat", column=False)


class JobEvent(AppModel):
    """What the progress stream (SSE) sends whenever a run changes."""

    id: int
    status: JobStatus
    progress: int
    message: str | None = None
