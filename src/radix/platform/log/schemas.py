from __future__ import annotations

import datetime as dt

from radix.core.schemas import AppModel, F


class _LogRead(AppModel):
    id: int = F(zh="编号", en="ID")
    tenant_id: int | None = F(None, zh="机构", en="Institution", column=False)
    tenant_name: str | None = F(None, zh="机构名称", en="Institution")
    account_id: int | None = F(None, zh="账号编号", en="Account", column=False)
    username: str | None = F(None, zh="账号", en="Username")
    ip: str | None = F(None, zh="IP 地址", en="IP")
    user_agent: str | None = F(None, zh="客户端", en="User agent", column=False)


class LoginLogRead(_LogRead):
    tenant_input: str | None = F(None, zh="登录输入的机构", en="Tenant entered", column=False)
    browser: str | None = F(None, zh="浏览器", en="Browser")
    os: str | None = F(None, zh="操作系统", en="OS")
    success: bool = F(zh="登录结果", en="Result")
    code: str | None = F(None, zh="结果代码", en="Code", column=False)
    message: str | None = F(None, zh="描述", en="Message")
    created_at: dt.datetime = F(zh="登录时间", en="Time")


class OperationLogRead(_LogRead):
    title: str | None = F(None, zh="操作模块", en="Module")
    action: str = F(zh="操作类型", en="Action")
    method: str = F(zh="请求方式", en="Method", column=False)
    path: str = F(zh="请求地址", en="Path")
    target_type: str | None = F(None, zh="对象类型", en="Target type", column=False)
    target_id: str | None = F(None, zh="对象编号", en="Target")
    success: bool = F(zh="操作结果", en="Result")
    status_code: int = F(zh="状态码", en="Status", column=False)
    error_code: str | None = F(None, zh="错误代码", en="Error code", column=False)
    error_message: str | None = F(None, zh="错误信息", en="Error")
    duration_ms: int = F(zh="耗时（毫秒）", en="Duration (ms)")
    created_at: dt.datetime = F(zh="操作时间", en="Time")


class AccessLogRead(_LogRead):
    kind: str = F(zh="访问类型", en="Kind")
    page: str | None = F(None, zh="页面", en="Page")
    title: str | None = F(None, zh="标题", en="Title")
    target_type: str | None = F(None, zh="对象类型", en="Target type")
    target_id: str | None = F(None, zh="对象编号", en="Target")
    created_at: dt.datetime = F(zh="访问时间", en="Time")
