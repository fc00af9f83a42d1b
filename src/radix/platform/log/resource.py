"""登录日志 / 操作日志 / 访问日志: read-only lists (append-only through the API), last 7 days by default."""

from __future__ import annotations

import datetime as dt

from radix.core.audit import ACTIONS
from radix.core.listing import Filter
from radix.core.resource import Resource
from radix.platform.log.models import AccessLog, LoginLog, OperationLog
from radix.platform.log.schemas import AccessLogRead, LoginLogRead, OperationLogRead


def _common(time_zh: str) -> list[Filter]:
    return [
        Filter("tenantId", op="eq", type=int, zh="机构", en="Institution", widget="tenant-select"),
        Filter("tenantName", op="contains", zh="机构名称", en="Institution name"),
        Filter("username", op="contains", zh="账号", en="Username"),
        Filter("ip", op="contains", zh="IP 地址", en="IP"),
        Filter("createdAt", op="range", type=dt.datetime, zh=time_zh, en="Time", default_days=7, widget="log-range"),
    ]


login_logs = Resource(
    name="login_log",
    path="/platform/logs/login",
    model=LoginLog,
    read=LoginLogRead,
    perm="platform:login_log",
    zh="登录日志",
    en="Login log",
    filters=_common("登录时间") + [Filter("success", op="eq", type=bool, zh="登录结果", en="Result")],
    sortable=["createdAt", "username"],
    deletable=False,
)

operation_logs = Resource(
    name="operation_log",
    path="/platform/logs/operation",
    model=OperationLog,
    read=OperationLogRead,
    perm="platform:operation_log",
    zh="操作日志",
    en="Operation log",
    filters=_common("操作时间")
    + [
        Filter("title", op="contains", zh="操作模块", en="Module"),
        Filter("action", op="eq", zh="操作类型", en="Action",
               options=[{"value": k, "label": v, "labelEn": k.title()} for k, v in ACTIONS.items()]),
        Filter("success", op="eq", type=bool, zh="操作结果", en="Result"),
    ],
    sortable=["createdAt", "durationMs", "username"],
    deletable=False,
)

access_logs = Resource(
    name="access_log",
    path="/platform/logs/access",
    model=AccessLog,
    read=AccessLogRead,
    perm="platform:access_log",
    zh="访问日志",
    en="Access log",
    filters=_common("访问时间")
    + [
        Filter("kind", op="eq", zh="访问类型", en="Kind",
               options=[{"value": "page", "label": "页面访问", "labelEn": "Page"},
                        {"value": "record", "label": "记录调阅", "labelEn": "Record view"}]),
        Filter("targetType", op="eq", zh="对象类型", en="Target type"),
        Filter("pagePath", op="contains", column="page", zh="页面", en="Page"),
    ],
    sortable=["createdAt", "username"],
    deletable=False,
)
