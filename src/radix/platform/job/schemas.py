from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

from radix.core.jobs.schemas import JobEvent, JobRunDetail, JobRunRead  # noqa: F401 - the job domain's schemas
from radix.core.schemas import AppModel, F, LabeledEnum


class JobTypeRead(AppModel):
    name: str = F(zh="任务类型", en="Type")
    zh: str = F(zh="名称", en="Name (zh)")
    en: str = F(zh="英文名称", en="Name")
    schedulable: bool = F(zh="可调度", en="Schedulable")
    params: list[dict[str, Any]] = F(default_factory=list, zh="参数表单", en="Parameter fields")


# --- params of the platform's own job types ---------------------------------------------------


class _Params(AppModel):
    model_config = ConfigDict(extra="forbid")


class LogKind(LabeledEnum):
    LOGIN = "login", "登录日志", "Login log"
    OPERATION = "operation", "操作日志", "Operation log"
    ACCESS = "access", "访问日志", "Access log"


class PurgeLogsParams(_Params):
    retention_days: int = F(
        180, zh="保留天数", en="Days kept", ge=180, le=3650,
        description="删除早于该天数的日志。《网络安全法》要求网络日志至少留存六个月，因此不少于180天",
    )
    kinds: list[LogKind] = F(
        default_factory=lambda: list(LogKind), zh="日志类型", en="Logs", min_length=1, max_length=3
    )


class ExpireSessionsParams(_Params):
    pass


class PurgeJobRunsParams(_Params):
    retention_days: int = F(90, zh="保留天数", en="Days kept", ge=7, le=3650,
                            description="删除结束时间早于该天数的任务记录（运行中和排队中的不受影响）")
