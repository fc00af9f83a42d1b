"""Login, operation and access logs (append-only)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from radix.core.audit import OperationRecord
from radix.core.db import session_scope
from radix.core.tenancy import SYSTEM, scoped
from radix.platform.log.models import AccessLog, LoginLog, OperationLog

_BROWSERS = [("Edg/", "Edge"), ("QIHU 360", "360浏览器"), ("360SE", "360浏览器"), ("Chrome/", "Chrome"),
             ("Firefox/", "Firefox"), ("Safari/", "Safari"), ("MicroMessenger", "微信")]
_OSES = [("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iOS"), ("Mac OS X", "macOS"),
         ("Linux", "Linux")]


def parse_agent(ua: str | None) -> tuple[str | None, str | None]:
    if not ua:
        return None, None
    browser = next((name for token, name in _BROWSERS if token in ua), None)
    if browser == "Chrome" and (m := re.search(r"Chrome/(\d+)", ua)):
        browser = f"Chrome {m.group(1)}"
    os_name = next((name for token, name in _OSES if token in ua), None)
    return browser, os_name


def record_login(
    session: Session,
    *,
    tenant_id: int | None,
    tenant_name: str | None,
    tenant_input: str | None,
    account_id: int | None,
    username: str | None,
    ip: str | None,
    user_agent: str | None,
    success: bool,
    code: str | None,
    message: str,
) -> None:
    browser, os_name = parse_agent(user_agent)
    with scoped(session, SYSTEM):
        session.add(
            LoginLog(
                tenant_id=tenant_id,
                tenant_name=tenant_name,
                tenant_input=(tenant_input or "")[:64] or None,
                account_id=account_id,
                username=(username or "")[:64] or None,
                ip=ip,
                user_agent=(user_agent or "")[:255] or None,
                success=success,
                code=code,
                message=message[:200],
                browser=browser,
                os=os_name,
            )
        )
        session.flush()


def write_operation(record: OperationRecord) -> None:
    """The audit sink: one operation-log row per write request, in its own unit of work."""
    from radix.platform.tenant.models import Tenant

    with session_scope() as s:
        with scoped(s, SYSTEM):
            tenant_name = s.get(Tenant, record.tenant_id).name if record.tenant_id and s.get(Tenant, record.tenant_id) else None
            s.add(
                OperationLog(
                    tenant_id=record.tenant_id,
                    tenant_name=tenant_name,
                    account_id=record.account_id,
                    username=record.username,
                    ip=record.ip,
                    user_agent=record.user_agent,
                    method=record.method,
                    path=record.path,
                    action=record.action,
                    title=record.title,
                    target_type=record.target_type,
                    target_id=record.target_id,
                    status_code=record.status_code,
                    success=record.success,
                    error_code=record.error_code,
                    error_message=record.error_message,
                    duration_ms=record.duration_ms,
                )
            )


def record_access(
    session: Session,
    *,
    tenant_id: int | None,
    tenant_name: str | None,
    account_id: int | None,
    username: str | None,
    ip: str | None,
    user_agent: str | None,
    kind: str,
    page: str | None = None,
    title: str | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
) -> None:
    with scoped(session, SYSTEM):
        session.add(
            AccessLog(
                tenant_id=tenant_id,
                tenant_name=tenant_name,
                account_id=account_id,
                username=username,
                ip=ip,
                user_agent=(user_agent or "")[:255] or None,
                kind=kind,
                page=(page or "")[:255] or None,
                title=(title or "")[:100] or None,
                target_type=target_type,
                target_id=None if target_id is None else str(target_id)[:64],
            )
        )
        session.flush()


def record_view(session: Session, request: Any, principal: Any, *, page: str, title: str, target_type: str,
                target_id: Any) -> None:
    """A record view (调阅) by the current user, from a route."""
    from radix.core.audit import client_ip

    record_access(
        session,
        tenant_id=principal.tenant_id,
        tenant_name=principal.tenant_name,
        account_id=principal.account_id,
        username=principal.username,
        ip=client_ip(request.scope),
        user_agent=request.headers.get("user-agent"),
        kind="record",
        page=page,
        title=title,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
    )
