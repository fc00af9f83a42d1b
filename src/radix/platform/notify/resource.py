"""短信模板 / 邮件模板 / 短信日志 / 邮件日志 as generic resources, and the two settings pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel

from radix.core.listing import Filter
from radix.core.resource import CrudService, Ctx, Resource, Unique
from radix.core.schemas import Status
from radix.core.singleton import Singleton
from radix.platform.account import service as account_service
from radix.platform.notify import service
from radix.platform.notify.models import Channel, EmailSetting, NotifyLog, NotifyTemplate, SendStatus, SmsSetting
from radix.platform.notify.schemas import (
    EmailLogRead,
    EmailSettingRead,
    EmailSettingUpdate,
    EmailTemplateCreate,
    EmailTemplateRead,
    EmailTemplateUpdate,
    SmsLogRead,
    SmsSettingRead,
    SmsSettingUpdate,
    SmsTemplateCreate,
    SmsTemplateUpdate,
    TemplateRead,
    variables,
)


class TemplateService(CrudService):
    def __init__(self, channel: Channel) -> None:
        self.channel = channel

    def query(self, ctx: Ctx) -> sa.Select:
        return sa.select(NotifyTemplate).where(NotifyTemplate.channel == self.channel)

    def values(self, ctx: Ctx, data: BaseModel, *, partial: bool) -> dict[str, Any]:
        values = data.model_dump(exclude_unset=partial)
        if partial:
            # a null in a PATCH clears only what may be empty
            values = {k: v for k, v in values.items() if v is not None or k in ("scene", "remark")}
        else:
            values["channel"] = self.channel
        return values

    def create(self, ctx: Ctx, data: BaseModel) -> Any:
        values = self.values(ctx, data, partial=False)
        service.check_scene(ctx.session, self.channel, tenant_id=ctx.principal.tenant_id, scene=values.get("scene"),
                            status=values["status"], exclude_id=None)
        return super().create(ctx, data)

    def update(self, ctx: Ctx, obj: Any, data: BaseModel) -> Any:
        values = self.values(ctx, data, partial=True)
        service.check_scene(ctx.session, self.channel, tenant_id=obj.tenant_id,
                            scene=values.get("scene", obj.scene), status=values.get("status", obj.status),
                            exclude_id=obj.id)
        self.check_unique(ctx, values, obj)
        for key, value in values.items():
            setattr(obj, key, value)
        ctx.session.flush()
        return obj

    def extras(self, ctx: Ctx, objs: list[Any]) -> dict[int, dict[str, Any]]:
        return {o.id: {"variables": variables((o.subject or "") + "\n" + o.content)} for o in objs}


class LogService(CrudService):
    def __init__(self, channel: Channel) -> None:
        self.channel = channel

    def query(self, ctx: Ctx) -> sa.Select:
        return sa.select(NotifyLog).where(NotifyLog.channel == self.channel)

    def extras(self, ctx: Ctx, objs: list[Any]) -> dict[int, dict[str, Any]]:
        if self.channel != Channel.SMS:
            return {}
        return {o.id: {"recipient": account_service.mask_phone(o.recipient)} for o in objs}


def _template_filters(with_code: bool) -> list[Filter]:
    filters = [
        Filter("tenantId", op="eq", type=int, zh="机构名称", en="Institution", widget="tenant-select"),
        Filter("name", op="contains", zh="模板名称", en="Name"),
    ]
    if with_code:
        filters.append(Filter("code", op="contains", zh="模板code", en="Code"))
    filters += [
        Filter("scene", op="eq", zh="业务场景", en="Scene", dict="notify_scene"),
        Filter("status", op="eq", type=Status, zh="状态", en="Status"),
    ]
    return filters


def _log_filters(recipient_zh: str) -> list[Filter]:
    return [
        Filter("tenantId", op="eq", type=int, zh="机构名称", en="Institution", widget="tenant-select"),
        Filter("templateName", op="contains", zh="模板名称", en="Template"),
        Filter("recipient", op="eq", zh=recipient_zh, en="Recipient"),
        # 近七天 by default; the page offers 近一个月 / 近三个月 / 自定义 as ranges
        Filter("createdAt", op="range", type=dt.datetime, zh="选择时间", en="Time", default_days=7),
        Filter("status", op="eq", type=SendStatus, zh="发送状态", en="Status"),
    ]


sms_template = Resource(
    name="sms_template",
    path="/platform/sms/templates",
    model=NotifyTemplate,
    read=TemplateRead,
    create=SmsTemplateCreate,
    update=SmsTemplateUpdate,
    perm="platform:sms_template",
    zh="短信模板",
    en="SMS template",
    filters=_template_filters(with_code=True),
    sortable=["createdAt", "updatedAt", "name", "code"],
    unique=[Unique(("channel", "code"), "模板code已存在")],
    service=TemplateService(Channel.SMS),
)

email_template = Resource(
    name="email_template",
    path="/platform/email/templates",
    model=NotifyTemplate,
    read=EmailTemplateRead,
    create=EmailTemplateCreate,
    update=EmailTemplateUpdate,
    perm="platform:email_template",
    zh="邮件模板",
    en="Email template",
    filters=_template_filters(with_code=False),
    sortable=["createdAt", "updatedAt", "name", "code"],
    unique=[Unique(("channel", "code"), "模板code已存在")],
    service=TemplateService(Channel.EMAIL),
)

sms_log = Resource(
    name="sms_log",
    path="/platform/sms/logs",
    model=NotifyLog,
    read=SmsLogRead,
    perm="platform:sms_log",
    zh="短信日志",
    en="SMS log",
    filters=_log_filters("手机号"),
    sortable=["createdAt", "sentAt", "status"],
    deletable=False,
    service=LogService(Channel.SMS),
)

email_log = Resource(
    name="email_log",
    path="/platform/email/logs",
    model=NotifyLog,
    read=EmailLogRead,
    perm="platform:email_log",
    zh="邮件日志",
    en="Email log",
    filters=_log_filters("收件人"),
    sortable=["createdAt", "sentAt", "status"],
    deletable=False,
    service=LogService(Channel.EMAIL),
)

sms_setting = Singleton(
    name="sms_setting",
    path="/platform/sms/settings",
    model=SmsSetting,
    read=SmsSettingRead,
    update=SmsSettingUpdate,
    perm="platform:sms_setting",
    zh="短信设置",
    en="SMS settings",
    defaults=service.sms_defaults,
    before_save=service.check_sms_setting,
    to_read=service.sms_to_read,
)

email_setting = Singleton(
    name="email_setting",
    path="/platform/email/settings",
    model=EmailSetting,
    read=EmailSettingRead,
    update=EmailSettingUpdate,
    perm="platform:email_setting",
    zh="邮件设置",
    en="Email settings",
    defaults=service.email_defaults,
    before_save=service.check_email_setting,
    to_read=service.email_to_read,
)
