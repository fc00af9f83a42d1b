"""The routes beyond the generic ones: 发送测试 and the effective (possibly inherited) settings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from radix.core import audit as audit_mod
from radix.core.errors import NotFound
from radix.core.resource import Ctx, Resource
from radix.core.security import Principal, current_principal, get_session, require
from radix.platform.notify import service
from radix.platform.notify.models import Channel, NotifyTemplate, SendStatus
from radix.platform.notify.resource import email_log, email_template, sms_log, sms_template
from radix.platform.notify.schemas import EmailLogRead, EmailTestIn, SmsLogRead, SmsTestIn

TenantQuery = Query(None, alias="tenantId", ge=1, le=2**62, title="机构（区域管理员可指定区域内机构）")


def _tenant(session: Session, principal: Principal, tenant_id: int | None) -> int:
    tid = tenant_id or principal.tenant_id
    if not principal.scope.can_see(tid):
        raise NotFound("机构不存在")
    service.ancestry(session, tid)  # 404 for a tenant that does not exist (the platform sees "all")
    return tid


def _template(session: Session, principal: Principal, resource: Resource, template_id: int | None) -> NotifyTemplate | None:
    if template_id is None:
        return None
    return resource.service.load(Ctx(session, principal, None), template_id)


def _result(request: Request, session: Session, principal: Principal, log_resource: Resource, log: Any) -> Any:
    """The log row of the attempt; a failed attempt answers 502 (the row is still kept)."""
    audit_mod.set_target(request, "notify_log", log.id)
    body = log_resource.service.read(Ctx(session, principal, request), log)
    if log.status == SendStatus.FAILED:
        return JSONResponse(
            status_code=502,
            content={"code": "SEND_FAILED", "message": f"发送失败：{log.error}",
                     "log": body.model_dump(by_alias=True, mode="json")},
        )
    return body


def _router(channel: Channel, path: str, perm: str, test_in: type, log_read: type, log_resource: Resource,
            template_resource: Resource) -> APIRouter:
    r = APIRouter(prefix=path, tags=[f"{channel.zh}设置"])

    def effective(
        tenant_id: int | None = TenantQuery, session: Session = get_session, principal: Principal = current_principal
    ) -> dict[str, Any]:
        return service.effective_summary(session, channel, _tenant(session, principal, tenant_id))

    r.add_api_route(
        "/effective", effective, methods=["GET"], summary=f"当前生效的{channel.zh}设置（本机构未设置时继承区域或平台的设置）",
        dependencies=[require(f"{perm}:query")],
    )

    def send_test(
        request: Request,
        data: Any,
        tenant_id: int | None = TenantQuery,
        session: Session = get_session,
        principal: Principal = current_principal,
    ) -> Any:
        tid = _tenant(session, principal, tenant_id)
        template = _template(session, principal, template_resource, data.template_id)
        recipient = data.phone if channel == Channel.SMS else data.to
        log = service.send_test(session, channel=channel, tenant_id=tid, recipient=recipient, template=template,
                                params=data.params)
        return _result(request, session, principal, log_resource, log)

    send_test.__annotations__["data"] = test_in
    r.add_api_route(
        "/test", send_test, methods=["POST"], response_model=log_read,
        summary=f"发送测试{channel.zh}（立即发送并返回结果）",
        responses={502: {"description": "服务商拒绝或无法连接，发送记录仍会保存"}},
        dependencies=[require(f"{perm}:test"), audit_mod.audit("SEND", f"测试{channel.zh}")],
    )
    return r


sms_router = _router(Channel.SMS, "/platform/sms/settings", "platform:sms_setting", SmsTestIn, SmsLogRead, sms_log,
                     sms_template)
email_router = _router(Channel.EMAIL, "/platform/email/settings", "platform:email_setting", EmailTestIn, EmailLogRead,
                       email_log, email_template)
