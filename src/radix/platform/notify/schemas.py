from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator

from radix.core.schemas import AppModel, F, Status
from radix.platform.notify.models import EmailProvider, SendSource, SendStatus, SmsProvider, SmtpSecurity
from radix.platform.rules import CONTROL, Text

VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]{0,31})\}")
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
MOBILE = r"^1\d{10}$"
HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,126}[A-Za-z0-9])?$")
TEMPLATE_CODE = r"^[A-Za-z0-9_.-]+$"


def _one_line(what: str):
    def check(value: str | None) -> str | None:
        if value is not None and CONTROL.search(value):
            raise ValueError(f"{what}不能包含换行或控制字符")
        return value

    return AfterValidator(check)


def _host(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    if not HOST.match(value):
        raise ValueError("服务器地址格式不正确，请填写域名或 IP，如 smtp.example.com")
    return value


def _params(value: dict[str, Any] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, raw in (value or {}).items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,31}", str(key)):
            raise ValueError(f"参数名“{str(key)[:32]}”不正确，只能包含字母、数字和下划线")
        if isinstance(raw, (dict, list)):
            raise ValueError(f"参数“{key}”的值应为文本")
        text = "" if raw is None else str(raw)
        if len(text) > 500:
            raise ValueError(f"参数“{key}”的值不能超过500个字符")
        if "\x00" in text:
            raise ValueError(f"参数“{key}”包含非法字符")
        out[str(key)] = text
    if len(out) > 30:
        raise ValueError("模板参数不能超过30个")
    return out


Host = Annotated[str | None, AfterValidator(_host)]
Params = Annotated[dict[str, Any], AfterValidator(_params)]


def variables(text: str | None) -> list[str]:
    """The ``${name}`` placeholders of a template, in order of first use."""
    return list(dict.fromkeys(VARIABLE.findall(text or "")))


# --- settings -------------------------------------------------------------------------------------


class SmsSettingRead(AppModel):
    tenant_id: int = F(zh="机构", en="Institution")
    saved: bool = F(False, zh="已保存", en="Saved")
    provider: SmsProvider = F(zh="短信服务商", en="Provider")
    access_key_id: str | None = F(None, zh="AccessKey ID", en="AccessKey ID")
    access_key_secret_set: bool = F(False, zh="已设置 AccessKey Secret", en="AccessKey secret set")
    sign_name: str | None = F(None, zh="短信签名", en="Sign name")
    region_id: str = F("cn-hangzhou", zh="地域 ID", en="Region ID")
    endpoint: str = F("dysmsapi.aliyuncs.com", zh="服务地址", en="Endpoint")
    remark: str | None = F(None, zh="备注", en="Remark")
    updated_at: dt.datetime | None = F(None, zh="更新时间", en="Updated at")
    updated_by: str | None = F(None, zh="更新人", en="Updated by")


class SmsSettingUpdate(AppModel):
    provider: SmsProvider = F(zh="短信服务商", en="Provider",
                              description="选择“本地记录”时短信只记入短信日志，不实际发出")
    access_key_id: Annotated[str | None, _one_line("AccessKey ID")] = F(
        None, zh="AccessKey ID", en="AccessKey ID", max_length=64, description="使用阿里云短信时必填")
    access_key_secret: Annotated[str | None, _one_line("AccessKey Secret")] = F(
        None, zh="AccessKey Secret", en="AccessKey secret", max_length=128, widget="password",
        description="使用阿里云短信时必填；已设置时留空表示不修改")
    sign_name: Annotated[str | None, _one_line("短信签名")] = F(
        None, zh="短信签名", en="Sign name", max_length=32, description="阿里云控制台中审核通过的签名名称，使用阿里云短信时必填")
    region_id: str | None = F(None, zh="地域 ID", en="Region ID", max_length=32, pattern=r"^[a-z0-9-]+$",
                              description="默认 cn-hangzhou")
    endpoint: Host = F(None, zh="服务地址", en="Endpoint", max_length=128, description="默认 dysmsapi.aliyuncs.com")
    remark: Text = F(None, zh="备注", en="Remark", max_length=500, widget="textarea")


class EmailSettingRead(AppModel):
    tenant_id: int = F(zh="机构", en="Institution")
    saved: bool = F(False, zh="已保存", en="Saved")
    provider: EmailProvider = F(zh="发送方式", en="Provider")
    host: str | None = F(None, zh="SMTP 服务器", en="SMTP host")
    port: int = F(465, zh="端口", en="Port")
    security: SmtpSecurity = F(SmtpSecurity.SSL, zh="加密方式", en="Security")
    username: str | None = F(None, zh="邮箱账号", en="Username")
    password_set: bool = F(False, zh="已设置密码", en="Password set")
    from_address: str | None = F(None, zh="发件人邮箱", en="From address")
    from_name: str | None = F(None, zh="发件人名称", en="From name")
    timeout_seconds: int = F(10, zh="超时（秒）", en="Timeout (s)")
    remark: str | None = F(None, zh="备注", en="Remark")
    updated_at: dt.datetime | None = F(None, zh="更新时间", en="Updated at")
    updated_by: str | None = F(None, zh="更新人", en="Updated by")


class EmailSettingUpdate(AppModel):
    provider: EmailProvider = F(zh="发送方式", en="Provider",
                                description="选择“本地记录”时邮件只记入邮件日志，不实际发出")
    host: Host = F(None, zh="SMTP 服务器", en="SMTP host", max_length=128, description="如 smtp.exmail.qq.com，使用 SMTP 时必填")
    port: int | None = F(None, zh="端口", en="Port", ge=1, le=65535, description="SSL 常用 465，STARTTLS 常用 587")
    security: SmtpSecurity | None = F(None, zh="加密方式", en="Security")
    username: Annotated[str | None, _one_line("邮箱账号")] = F(
        None, zh="邮箱账号", en="Username", max_length=128, description="服务器要求登录时填写")
    password: Annotated[str | None, _one_line("密码")] = F(
        None, zh="密码（授权码）", en="Password", max_length=256, widget="password", description="已设置时留空表示不修改")
    from_address: str | None = F(None, zh="发件人邮箱", en="From address", max_length=128, pattern=EMAIL,
                                 description="使用 SMTP 时必填")
    from_name: Annotated[str | None, _one_line("发件人名称")] = F(None, zh="发件人名称", en="From name", max_length=64)
    timeout_seconds: int | None = F(None, zh="超时（秒）", en="Timeout (s)", ge=1, le=120)
    remark: Text = F(None, zh="备注", en="Remark", max_length=500, widget="textarea")


class SmsTestIn(AppModel):
    phone: str = F(zh="手机号", en="Phone", pattern=MOBILE, description="11位手机号")
    template_id: int = F(zh="短信模板", en="Template", ge=1, le=2**62, widget="sms-template-select")
    params: Params = F(default_factory=dict, zh="模板参数", en="Parameters", description="模板中 ${变量} 的取值")


class EmailTestIn(AppModel):
    to: str = F(zh="收件人邮箱", en="To", max_length=128, pattern=EMAIL)
    template_id: int | None = F(None, zh="邮件模板", en="Template", ge=1, le=2**62, widget="email-template-select",
                                description="不选时发送一封固定内容的测试邮件")
    params: Params = F(default_factory=dict, zh="模板参数", en="Parameters")


# --- templates ------------------------------------------------------------------------------------


class TemplateRead(AppModel):
    id: int = F(zh="编号", en="ID")
    tenant_id: int = F(zh="机构", en="Institution", column=False)
    tenant_name: str | None = F(None, zh="机构名称", en="Institution")
    name: str = F(zh="模板名称", en="Name")
    code: str = F(zh="模板code", en="Code")
    scene: str | None = F(None, zh="业务场景", en="Scene", dict="notify_scene")
    content: str = F(zh="模板内容", en="Content")
    variables: list[str] = F(default_factory=list, zh="模板变量", en="Variables")
    status: Status = F(zh="状态", en="Status")
    remark: str | None = F(None, zh="备注", en="Remark", column=False)
    created_by: str | None = F(None, zh="创建人", en="Created by", column=False)
    created_at: dt.datetime = F(zh="创建时间", en="Created at")
    updated_at: dt.datetime = F(zh="更新时间", en="Updated at", column=False)


class EmailTemplateRead(TemplateRead):
    subject: str | None = F(None, zh="邮件主题", en="Subject")


_SCENE = F(None, zh="业务场景", en="Scene", dict="notify_scene", max_length=32,
           description="绑定后，平台在该业务（如找回密码的验证码）中使用此模板；同一场景只能有一个启用的模板")


class SmsTemplateCreate(AppModel):
    name: Annotated[str, _one_line("模板名称")] = F(zh="模板名称", en="Name", min_length=2, max_length=30)
    code: str = F(zh="模板code", en="Code", min_length=1, max_length=64, pattern=TEMPLATE_CODE,
                  description="阿里云短信控制台中审核通过的模板 CODE，如 SMS_154950909")
    scene: str | None = _SCENE
    content: str = F(zh="模板内容", en="Content", min_length=1, max_length=500, widget="textarea",
                     description="与阿里云审核通过的模板内容一致，变量写作 ${code}")
    status: Status = F(Status.ENABLED, zh="状态", en="Status")
    remark: Text = F(None, zh="备注", en="Remark", max_length=500, widget="textarea")


class SmsTemplateUpdate(AppModel):
    name: Annotated[str | None, _one_line("模板名称")] = F(None, zh="模板名称", en="Name", min_length=2, max_length=30)
    code: str | None = F(None, zh="模板code", en="Code", min_length=1, max_length=64, pattern=TEMPLATE_CODE)
    scene: str | None = F(None, zh="业务场景", en="Scene", dict="notify_scene", max_length=32)
    content: str | None = F(None, zh="模板内容", en="Content", min_length=1, max_length=500)
    status: Status | None = F(None, zh="状态", en="Status")
    remark: Text = F(None, zh="备注", en="Remark", max_length=500)


class EmailTemplateCreate(AppModel):
    name: Annotated[str, _one_line("模板名称")] = F(zh="模板名称", en="Name", min_length=2, max_length=30)
    code: str = F(zh="模板code", en="Code", min_length=1, max_length=64, pattern=TEMPLATE_CODE,
                  description="模板的唯一标识，字母、数字、下划线")
    scene: str | None = _SCENE
    subject: Annotated[str, _one_line("邮件主题")] = F(zh="邮件主题", en="Subject", min_length=1, max_length=200,
                                                       description="可使用 ${变量}")
    content: str = F(zh="模板内容", en="Content", min_length=1, max_length=20000, widget="richtext",
                     description="HTML 正文，变量写作 ${name}")
    status: Status = F(Status.ENABLED, zh="状态", en="Status")
    remark: Text = F(None, zh="备注", en="Remark", max_length=500, widget="textarea")


class EmailTemplateUpdate(AppModel):
    name: Annotated[str | None, _one_line("模板名称")] = F(None, zh="模板名称", en="Name", min_length=2, max_length=30)
    code: str | None = F(None, zh="模板code", en="Code", min_length=1, max_length=64, pattern=TEMPLATE_CODE)
    scene: str | None = F(None, zh="业务场景", en="Scene", dict="notify_scene", max_length=32)
    subject: Annotated[str | None, _one_line("邮件主题")] = F(None, zh="邮件主题", en="Subject", min_length=1,
                                                              max_length=200)
    content: str | None = F(None, zh="模板内容", en="Content", min_length=1, max_length=20000)
    status: Status | None = F(None, zh="状态", en="Status")
    remark: Text = F(None, zh="备注", en="Remark", max_length=500)


# --- logs -----------------------------------------------------------------------------------------


class LogRead(AppModel):
    id: int = F(zh="编号", en="ID")
    tenant_id: int = F(zh="机构", en="Institution", column=False)
    tenant_name: str | None = F(None, zh="机构名称", en="Institution")
    template_id: int | None = F(None, zh="模板", en="Template", column=False)
    template_name: str | None = F(None, zh="模板名称", en="Template")
    template_code: str | None = F(None, zh="模板code", en="Template code")
    scene: str | None = F(None, zh="业务场景", en="Scene", dict="notify_scene", column=False)
    recipient: str = F(zh="接收人", en="Recipient")
    content: str = F(zh="发送内容", en="Content")
    params: dict[str, Any] = F(default_factory=dict, zh="模板参数", en="Parameters", column=False)
    status: SendStatus = F(zh="发送状态", en="Status")
    provider: str | None = F(None, zh="发送渠道", en="Provider")
    provider_message_id: str | None = F(None, zh="回执编号", en="Message ID", column=False)
    error: str | None = F(None, zh="失败原因", en="Error")
    source: SendSource = F(zh="来源", en="Source")
    created_by: str | None = F(None, zh="操作人", en="Operator", column=False)
    created_at: dt.datetime = F(zh="发送时间", en="Created at")
    sent_at: dt.datetime | None = F(None, zh="完成时间", en="Finished at", column=False)


class SmsLogRead(LogRead):
    recipient: str = F(zh="手机号", en="Phone", masked="phone")


class EmailLogRead(LogRead):
    recipient: str = F(zh="收件人", en="To")
    subject: str | None = F(None, zh="邮件主题", en="Subject")
