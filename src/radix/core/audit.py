"""Operation logging, declared on routes and written for every write request.

``audit("UPDATE", "账号")`` on a route names the action and its target. A middleware records every
non-GET request under ``/api`` after it has been answered (success or failure, status, duration),
so a write can never go unlogged; the platform registers the sink that stores the rows.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio
from fastapi import Depends, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

ACTIONS = {
    "CREATE": "新增",
    "UPDATE": "修改",
    "DELETE": "删除",
    "EXPORT": "导出",
    "IMPORT": "导入",
    "GRANT": "授权",
    "RESET_PASSWORD": "重置密码",
    "ENABLE": "启用",
    "DISABLE": "禁用",
    "LOGOUT": "退出登录",
    "UPLOAD": "上传",
    "SEND": "发送",
    "SYNC": "同步",
    "RUN": "执行",
    "OTHER": "其他",
}


@dataclass
class OperationRecord:
    tenant_id: int | None
    account_id: int | None
    username: str | None
    ip: str | None
    user_agent: str | None
    method: str
    path: str
    action: str
    title: str | None
    target_type: str | None
    target_id: str | None
    status_code: int
    success: bool
    error_code: str | None
    error_message: str | None
    duration_ms: int


Sink = Callable[[OperationRecord], None]
_sinks: list[Sink] = []


def register_sink(sink: Sink) -> None:
    if sink not in _sinks:
        _sinks.append(sink)


def audit(action: str, title: str | None = None) -> Any:
    """Route dependency naming what a write does (for the operation log)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action}")

    def _mark(request: Request) -> None:
        request.state.audit_action = action
        if title:
            request.state.audit_title = title

    _mark.__radix_audit__ = action  # type: ignore[attr-defined]
    return Depends(_mark)


def set_target(request: Request, target_type: str | None, target_id: Any) -> None:
    request.state.audit_target_type = target_type
    request.state.audit_target_id = None if target_id is None else str(target_id)


def skip(request: Request) -> None:
    """The route logs itself elsewhere (login → login log)."""
    request.state.audit_skip = True


def route_audit(route: Any) -> str | None:
    found: str | None = None

    def walk(dependant: Any) -> None:
        nonlocal found
        for dep in dependant.dependencies:
            if hasattr(dep.call, "__radix_audit__"):
                found = dep.call.__radix_audit__
            walk(dep)

    walk(route.dependant)
    return found


def client_ip(scope: Scope) -> str | None:
    headers = dict(scope.get("headers") or [])
    forwarded = headers.get(b"x-forwarded-for")
    from radix.config import get_settings

    if forwarded and get_settings().trust_proxy:
        return forwarded.decode("latin-1").split(",")[0].strip()
    client = scope.get("client")
    return client[0] if client else None


class AuditMiddleware:
    WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

    def __init__(self, app: ASGIApp, prefix: str = "/api") -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in self.WRITE_METHODS or not scope["path"].startswith(
            self.prefix
        ):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}
        body = bytearray()

        async def _send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            elif message["type"] == "http.response.body" and status["code"] >= 400 and len(body) < 4096:
                body.extend(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, _send)
        finally:
            state = scope.get("state") or {}
            if not state.get("audit_skip") and _sinks:
                record = self._record(scope, state, status["code"], bytes(body), started)
                try:
                    await anyio.to_thread.run_sync(self._write, record)
                except Exception:  # the log must never break the answer
                    log.exception("could not write operation log")

    @staticmethod
    def _write(record: OperationRecord) -> None:
        for sink in _sinks:
            sink(record)

    @staticmethod
    def _record(scope: Scope, state: dict[str, Any], code: int, body: bytes, started: float) -> OperationRecord:
        principal = state.get("principal")
        error_code = error_message = None
        if code >= 400:
            try:
                payload = json.loads(body or b"{}")
                error_code = payload.get("code")
                error_message = payload.get("message")
            except (ValueError, AttributeError):
                error_message = body[:500].decode("utf-8", "replace")
        headers = dict(scope.get("headers") or [])
        path_params = scope.get("path_params") or {}
        method = scope["method"]
        default_action = {"POST": "CREATE", "PUT": "UPDATE", "PATCH": "UPDATE", "DELETE": "DELETE"}[method]
        return OperationRecord(
            tenant_id=getattr(principal, "tenant_id", None),
            account_id=getattr(principal, "account_id", None),
            username=getattr(principal, "username", None),
            ip=client_ip(scope),
            user_agent=headers.get(b"user-agent", b"").decode("latin-1")[:255] or None,
            method=method,
            path=scope["path"][:255],
            action=state.get("audit_action", default_action),
            title=state.get("audit_title"),
            target_type=state.get("audit_target_type"),
            target_id=state.get("audit_target_id") or (str(path_params["id"]) if "id" in path_params else None),
            status_code=code,
            success=code < 400,
            error_code=error_code,
            error_message=(error_message or "")[:500] or None,
            duration_ms=int((time.perf_counter() - started) * 1000),
        )
