from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator

from radix.core.jobs.models import JobStatus
from radix.core.schemas import AppModel, F
from radix.platform.rules import Text, plain_text
from radix.platform.schedule.cron import normalize_cron

Cron = Annotated[str, AfterValidator(normalize_cron)]
Name = Annotated[str, AfterValidator(plain_text)]
CRON_HELP = "5 位 Cron 表达式（分 时 日 月 周），按北京时间执行，如 0 2 * * * 表示每天 2:00，*/30 * * * * 表示每 30 分钟"


class ScheduleRead(AppModel):
    id: int = F(zh="编号", en="ID")
    tenant_id: int = F(zh="机构", en="Institution", column=False)
    name: str = F(zh="调度名称", en="Name")
    job_type: str = F(zh="调度类型", en="Job type", column=False)
    job_type_name: str | None = F(None, zh="调度类型", en="Job type")
    cron: str = F(zh="Cron 表达式", en="Cron")
    params: dict[str, Any] = F(default_factory=dict, zh="参数", en="Parameters", column=False)
    enabled: bool = F(zh="启用", en="Enabled")
    remark: str | None = F(None, zh="备注", en="Remark", column=False)
    last_run_at: dt.datetime | None = F(None, zh="上次执行时间", en="Last run")
    last_run_id: int | None = F(None, zh="上次任务", en="Last run ID", column=False)
    last_status: JobStatus | None = F(None, zh="上次执行结果", en="Last result")
    next_run_at: dt.datetime | None = F(None, zh="下次执行时间", en="Next run")
    created_by: str | None = F(None, zh="创建人", en="Created by", column=False)
    created_at: dt.datetime = F(zh="创建时间", en="Created at")
    updated_at: dt.datetime = F(zh="更新时间", en="Updated at", column=False)


class ScheduleCreate(AppModel):
    name: Name = F(zh="调度名称", en="Name", min_length=1, max_length=64)
    job_type: str = F(zh="调度类型", en="Job type", min_length=1, max_length=64, widget="job-type-select")
    cron: Cron = F(zh="Cron 表达式", en="Cron", max_length=64, description=CRON_HELP)
    params: dict[str, Any] = F(default_factory=dict, zh="参数", en="Parameters", widget="job-params",
                               description="按调度类型填写，不填使用默认值")
    enabled: bool = F(True, zh="启用", en="Enabled", widget="switch")
    remark: Text = F(None, zh="备注", en="Remark", max_length=500, widget="textarea")


class ScheduleUpdate(AppModel):
    name: Name | None = F(None, zh="调度名称", en="Name", min_length=1, max_length=64)
    job_type: str | None = F(None, zh="调度类型", en="Job type", min_length=1, max_length=64)
    cron: Cron | None = F(None, zh="Cron 表达式", en="Cron", max_length=64, description=CRON_HELP)
    params: dict[str, Any] | None = F(None, zh="参数", en="Parameters")
    enabled: bool | None = F(None, zh="启用", en="Enabled")
    remark: Text = F(None, zh="备注", en="Remark", max_length=500)
