"""Sending SMS and email: which settings and template apply, rendering, the log row, delivery.

Other domains send through :func:`send_sms` / :func:`send_email`, naming a *scene* (see
``scenes.py``)::

    from radix.platform.notify import service as notify_service
    notify_service.send_sms(session, phone="13800000000", scene="verify_code", params={"code": "123456"})

That writes a pending log row in the caller's unit of work and queues its delivery as a job, so a
slow provider never holds a request and a message is never sent for a transaction that rolled
back. Settings and templates a tenant has not set itself are taken from its region, then from the
platform (the ancestry in ``tenant.path``).
"""

from __future__ import annotations

import html
import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from radix.core.db import utcnow
from radix.core.errors import Conflict, Invalid, NotFound
from radix.core.jobs import engine as jobs
from radix.core.schemas import Status
from radix.core.security import Principal
from radix.core.tenancy import SYSTEM, get_scope, scoped
from radix.platform.notify import providers, scenes
from radix.platform.notify.models import (
    Channel,
    EmailProvider,
    EmailSetting,
    NotifyLog,
    NotifyTemplate,
    SendSource,
    SendStatus,
    SmsProvider,
    SmsSetting,
    SmtpSecurity,
)
from radix.platform.notify.schemas import EMAIL, MOBILE, VARIABLE, variables
from radix.platform.tenant.models import Tenant

DELIVER_JOB = "notify.deliver"
MASK = "******"
TEST_SUBJECT = "Radix 邮件设置测试"
TEST_BODY = "<p>您好：</p><p>这是一封来自 Radix 影像平台的测试邮件，收到即表示邮件设置可以正常发送。</p>"


class NotConfigured(Conflict):
    code = "NOTIFY_NOT_CONFIGURED"


# --- settings -------------------------------------------------------------------------------------


def sms_defaults() -> dict[str, Any]:
    return {
        "provider": SmsProvider.LOCAL,
        "access_key_id": None,
        "access_key_secret": None,
        "sign_name": None,
        "region_id": "cn-hangzhou",
        "endpoint": "dysmsapi.aliyuncs.com",
        "remark": None,
    }


def email_defaults() -> dict[str, Any]:
    return {
        "provider": EmailProvider.LOCAL,
        "host": None,
        "port": 465,
        "security": SmtpSecurity.SSL,
        "username": None,
        "password": None,
        "from_address": None,
        "from_name": None,
        "timeout_seconds": 10,
        "remark": None,
    }


SETTING_MODELS: dict[Channel, Any] = {Channel.SMS: SmsSetting, Channel.EMAIL: EmailSetting}
DEFAULTS = {Channel.SMS: sms_defaults, Channel.EMAIL: email_defaults}


def _columns(row: Any, *, exclude: tuple[str, ...]) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in exclude}


def sms_to_read(_session: Session, row: SmsSetting) -> dict[str, Any]:
    return {**_columns(row, exclude=("access_key_secret",)), "access_key_secret_set": bool(row.access_key_secret)}


def email_to_read(_session: Session, row: EmailSetting) -> dict[str, Any]:
    return {**_columns(row, exclude=("password",)), "password_set": bool(row.password)}


def _keep_when_blank(values: dict[str, Any], *names: str) -> None:
    """A blank secret (or a blank field that has a default) means "leave it as it is"."""
    for name in names:
        if name in values and values[name] in (None, ""):
            values.pop(name)


def _require(merged: dict[str, Any], required: list[tuple[str, str, str]]) -> None:
    fields = [{"field": field, "message": message} for key, field, message in required if not merged.get(key)]
    if fields:
        raise Invalid(fields[0]["message"], fields=fields)


def check_sms_setting(
    _session: Session, _principal: Principal, row: SmsSetting, values: dict[str, Any], _request: Any = None
) -> None:
    _keep_when_blank(values, "access_key_secret", "region_id", "endpoint")
    merged = {**_columns(row, exclude=()), **values}
    if merged["provider"] == SmsProvider.ALIYUN:
        _require(merged, [
            ("access_key_id", "accessKeyId", "请填写 AccessKey ID"),
            ("access_key_secret", "accessKeySecret", "请填写 AccessKey Secret"),
            ("sign_name", "signName", "请填写短信签名"),
        ])


def check_email_setting(
    _session: Session, _principal: Principal, row: EmailSetting, values: dict[str, Any], _request: Any = None
) -> None:
    _keep_when_blank(values, "password", "port", "security", "timeout_seconds")
    merged = {**_columns(row, exclude=()), **values}
    if merged["provider"] == EmailProvider.SMTP:
        required = [
            ("host", "host", "请填写 SMTP 服务器"),
            ("from_address", "fromAddress", "请填写发件人邮箱"),
        ]
        if merged.get("username"):
            required.append(("password", "password", "请填写邮箱密码（授权码）"))
        _require(merged, required)


def ancestry(session: Session, tenant_id: int) -> list[int]:
    """The tenant itself, then its region, …, up to the platform."""
    with scoped(session, SYSTEM):
        tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound("机构不存在")
    ids = [int(p) for p in (tenant.path or "").strip("/").split("/") if p.isdigit()]
    if tenant_id not in ids:
        ids.append(tenant_id)
    return list(reversed(ids))


def effective_setting(session: Session, channel: Channel, tenant_id: int) -> Any:
    """The settings a tenant's messages go out with: its own, else the nearest ancestor's, else the
    defaults (the local provider). Returned rows are never modified here."""
    model = SETTING_MODELS[channel]
    chain = ancestry(session, tenant_id)
    with scoped(session, SYSTEM):
        rows = {r.tenant_id: r for r in session.scalars(sa.select(model).where(model.tenant_id.in_(chain)))}
    for tid in chain:
        if tid in rows:
            return rows[tid]
    return model(**DEFAULTS[channel]())


def effective_summary(session: Session, channel: Channel, tenant_id: int) -> dict[str, Any]:
    setting = effective_setting(session, channel, tenant_id)
    source_id = setting.tenant_id
    name = None
    if source_id is not None:
        with scoped(session, SYSTEM):
            name = session.scalar(sa.select(Tenant.name).where(Tenant.id == source_id))
    return {
        "tenantId": tenant_id,
        "provider": setting.provider.value,
        "providerName": setting.provider.zh,
        "inherited": source_id is not None and source_id != tenant_id,
        "sourceTenantId": source_id,
        "sourceTenantName": name,
        "configured": source_id is not None,
    }


# --- templates ------------------------------------------------------------------------------------


def check_scene(session: Session, channel: Channel, *, tenant_id: int, scene: str | None, status: Status,
                exclude_id: int | None) -> None:
    if scene is None:
        return
    found = scenes.get(scene)
    if found is None:
        raise Invalid.field("scene", "业务场景不存在，请从可选项中选择")
    if status != Status.ENABLED:
        return
    stmt = sa.select(NotifyTemplate.name).where(
        NotifyTemplate.tenant_id == tenant_id,
        NotifyTemplate.channel == channel,
        NotifyTemplate.scene == scene,
        NotifyTemplate.status == Status.ENABLED,
    )
    if exclude_id is not None:
        stmt = stmt.where(NotifyTemplate.id != exclude_id)
    other = session.scalars(stmt.limit(1)).first()
    if other is not None:
        raise Conflict(
            f"“{found.zh}”场景已有启用的模板“{other}”，请先禁用该模板",
            code="SCENE_TAKEN",
            fields=[{"field": "scene", "message": f"“{found.zh}”场景已有启用的模板“{other}”"}],
        )


def find_template(session: Session, channel: Channel, tenant_id: int, *, scene: str | None = None,
                  code: str | None = None) -> NotifyTemplate:
    """The enabled template for a scene (or with a code), the tenant's own before its ancestors'."""
    chain = ancestry(session, tenant_id)
    stmt = sa.select(NotifyTemplate).where(
        NotifyTemplate.channel == channel,
        NotifyTemplate.status == Status.ENABLED,
        NotifyTemplate.tenant_id.in_(chain),
    )
    stmt = stmt.where(NotifyTemplate.scene == scene) if scene else stmt.where(NotifyTemplate.code == code)
    with scoped(session, SYSTEM):
        found = {t.tenant_id: t for t in session.scalars(stmt.order_by(NotifyTemplate.id))}
    for tid in chain:
        if tid in found:
            return found[tid]
    known = scenes.get(scene)
    what = f"“{known.zh if known else scene}”场景" if scene else f"code 为 {code} "
    page = "短信管理 > 短信模板" if channel == Channel.SMS else "邮件管理 > 邮件模板"
    raise NotConfigured(f"未找到{what}的启用{channel.zh}模板，请在 {page} 中添加")


def render(text: str, values: dict[str, str], *, escape: bool = False) -> str:
    def one(match: re.Match[str]) -> str:
        value = values.get(match.group(1), "")
        return html.escape(value) if escape else value

    return VARIABLE.sub(one, text)


# --- sending --------------------------------------------------------------------------------------


def prepare(
    session: Session,
    *,
    channel: Channel,
    tenant_id: int,
    recipient: str,
    template: NotifyTemplate | None,
    params: dict[str, Any] | None,
    source: SendSource,
) -> NotifyLog:
    """Render the message and write its (pending) log row."""
    if template is None:
        subject, content, scene, names = TEST_SUBJECT, TEST_BODY, None, []
    else:
        subject, content, scene = template.subject, template.content, template.scene
        names = variables((subject or "") + "\n" + content)
    given = {str(k): "" if v is None else str(v) for k, v in (params or {}).items()}
    missing = [n for n in names if given.get(n, "") == ""]
    if missing:
        raise Invalid.field("params", f"缺少模板参数：{'、'.join(missing)}", code="TEMPLATE_PARAMS_MISSING")
    real = {n: given[n] for n in names}
    secret = scenes.secret_names(scene)
    shown = {n: MASK if n in secret else v for n, v in real.items()}
    escape = channel == Channel.EMAIL
    log = NotifyLog(
        tenant_id=tenant_id,
        channel=channel,
        template_id=template.id if template else None,
        template_name=template.name if template else "测试邮件",
        template_code=template.code if template else None,
        scene=scene,
        recipient=recipient,
        subject=render(subject, shown) if subject else None,
        content=render(content, shown, escape=escape),
        params=shown,
        payload={
            "subject": render(subject, real) if subject else None,
            "content": render(content, real, escape=escape),
            "params": real,
        },
        status=SendStatus.PENDING,
        source=source,
    )
    session.add(log)
    session.flush()
    return log


def deliver(session: Session, log: NotifyLog) -> NotifyLog:
    """Hand a pending message to the tenant's provider and record the outcome (once)."""
    if log.status != SendStatus.PENDING:
        return log
    payload = log.payload or {}
    setting = effective_setting(session, log.channel, log.tenant_id)
    provider = setting.provider.value
    message = providers.Outgoing(
        recipient=log.recipient,
        content=payload.get("content") or "",
        subject=payload.get("subject"),
        template_code=log.template_code,
        params=dict(payload.get("params") or {}),
        reference=str(log.id),
    )
    try:
        if not payload:
            raise providers.DeliveryError("发送内容已失效，请重新发送")
        if provider == "local":
            message_id = providers.send_local(message)
        elif log.channel == Channel.SMS:
            message_id = providers.send_aliyun(setting, message)
        else:
            message_id = providers.send_smtp(setting, message)
    except providers.DeliveryError as exc:
        log.status = SendStatus.FAILED
        log.error = exc.message
    else:
        log.status = SendStatus.SUCCESS
        log.provider_message_id = (message_id or "")[:128] or None
        log.error = None
    log.provider = provider
    log.payload = None
    log.sent_at = utcnow()
    session.flush()
    return log


def _queue(session: Session, log: NotifyLog) -> NotifyLog:
    jobs.enqueue(
        session, DELIVER_JOB, params={"logId": log.id}, name=f"发送{log.channel.zh}",
        target_type="notify_log", target_id=log.id, tenant_id=log.tenant_id,
    )
    return log


def _tenant(session: Session, tenant_id: int | None) -> int:
    tid = tenant_id or get_scope(session).tenant_id
    if tid is None:
        raise NotFound("未指定发送机构", code="TENANT_REQUIRED")
    return tid


def send_sms(
    session: Session,
    *,
    phone: str,
    scene: str | None = None,
    template_code: str | None = None,
    params: dict[str, Any] | None = None,
    tenant_id: int | None = None,
) -> NotifyLog:
    """Queue an SMS from the tenant's template for ``scene`` (or with ``template_code``)."""
    if not re.fullmatch(MOBILE, phone or ""):
        raise Invalid.field("phone", "手机号需要输入11位数字")
    if not scene and not template_code:
        raise ValueError("send_sms needs a scene or a template_code")
    tid = _tenant(session, tenant_id)
    template = find_template(session, Channel.SMS, tid, scene=scene, code=template_code)
    log = prepare(session, channel=Channel.SMS, tenant_id=tid, recipient=phone, template=template, params=params,
                  source=SendSource.BUSINESS)
    return _queue(session, log)


def send_email(
    session: Session,
    *,
    to: str,
    scene: str | None = None,
    template_code: str | None = None,
    params: dict[str, Any] | None = None,
    tenant_id: int | None = None,
) -> NotifyLog:
    """Queue an email from the tenant's template for ``scene`` (or with ``template_code``)."""
    if not re.fullmatch(EMAIL, to or "") or len(to) > 128:
        raise Invalid.field("to", "邮箱格式不正确")
    if not scene and not template_code:
        raise ValueError("send_email needs a scene or a template_code")
    tid = _tenant(session, tenant_id)
    template = find_template(session, Channel.EMAIL, tid, scene=scene, code=template_code)
    log = prepare(session, channel=Channel.EMAIL, tenant_id=tid, recipient=to, template=template, params=params,
                  source=SendSource.BUSINESS)
    return _queue(session, log)


def send_test(
    session: Session,
    *,
    channel: Channel,
    tenant_id: int,
    recipient: str,
    template: NotifyTemplate | None,
    params: dict[str, Any] | None,
) -> NotifyLog:
    """发送测试: delivered at once with the tenant's effective settings, so the page shows the result."""
    if template is not None and template.channel != channel:
        raise Invalid.field("templateId", f"请选择{channel.zh}模板")
    log = prepare(session, channel=channel, tenant_id=tenant_id, recipient=recipient, template=template,
                  params=params, source=SendSource.TEST)
    return deliver(session, log)
