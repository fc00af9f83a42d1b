"""短信管理 and 邮件管理 (manual 1 §6.7, §6.8): per-tenant provider settings, templates and send logs.

SMS and email share one template table and one log table (``channel`` tells them apart): they have
the same lifecycle, filters and delivery path, and differ only in a few columns (an email has a
subject) and in the provider that delivers them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from radix.core.db import Base, Entity, JSONType, UTCDateTime, enum_column
from radix.core.schemas import LabeledEnum, Status
from radix.core.tenancy import TenantMixin
from radix.core.crypto import SealedString


class Channel(LabeledEnum):
    SMS = "sms", "短信", "SMS"
    EMAIL = "email", "邮件", "Email"


class SmsProvider(LabeledEnum):
    ALIYUN = "aliyun", "阿里云短信", "Aliyun SMS"
    LOCAL = "local", "本地记录（不实际发送）", "Local (record only)"


class EmailProvider(LabeledEnum):
    SMTP = "smtp", "SMTP 邮件服务器", "SMTP server"
    LOCAL = "local", "本地记录（不实际发送）", "Local (record only)"


class SmtpSecurity(LabeledEnum):
    SSL = "ssl", "SSL/TLS", "SSL/TLS"
    STARTTLS = "starttls", "STARTTLS", "STARTTLS"
    NONE = "none", "不加密", "None"


class SendStatus(LabeledEnum):
    PENDING = "pending", "待发送", "Pending"
    SUCCESS = "success", "发送成功", "Sent"
    FAILED = "failed", "发送失败", "Failed"


class SendSource(LabeledEnum):
    BUSINESS = "business", "业务发送", "Business"
    TEST = "test", "测试发送", "Test"


class SmsSetting(Entity, TenantMixin, Base):
    """短信设置 of a tenant (one row; a tenant without one uses its region's, then the platform's)."""

    __tablename__ = "sms_setting"
    __table_args__ = (sa.UniqueConstraint("tenant_id"),)

    provider: Mapped[SmsProvider] = mapped_column(enum_column(SmsProvider), default=SmsProvider.LOCAL)
    access_key_id: Mapped[str | None] = mapped_column(sa.String(64))
    #: write-only: never returned by the API
    access_key_secret: Mapped[str | None] = mapped_column(SealedString())
    sign_name: Mapped[str | None] = mapped_column(sa.String(32))
    region_id: Mapped[str] = mapped_column(sa.String(32), default="cn-hangzhou")
    endpoint: Mapped[str] = mapped_column(sa.String(128), default="dysmsapi.aliyuncs.com")
    remark: Mapped[str | None] = mapped_column(sa.String(500))


class EmailSetting(Entity, TenantMixin, Base):
    """邮件设置 of a tenant (one row; inherited like :class:`SmsSetting`)."""

    __tablename__ = "email_setting"
    __table_args__ = (sa.UniqueConstraint("tenant_id"),)

    provider: Mapped[EmailProvider] = mapped_column(enum_column(EmailProvider), default=EmailProvider.LOCAL)
    host: Mapped[str | None] = mapped_column(sa.String(128))
    port: Mapped[int] = mapped_column(sa.Integer, default=465)
    security: Mapped[SmtpSecurity] = mapped_column(enum_column(SmtpSecurity), default=SmtpSecurity.SSL)
    username: Mapped[str | None] = mapped_column(sa.String(128))
    #: write-only: never returned by the API
    password: Mapped[str | None] = mapped_column(SealedString())
    from_address: Mapped[str | None] = mapped_column(sa.String(128))
    from_name: Mapped[str | None] = mapped_column(sa.String(64))
    timeout_seconds: Mapped[int] = mapped_column(sa.Integer, default=10)
    remark: Mapped[str | None] = mapped_column(sa.String(500))


class NotifyTemplate(Entity, TenantMixin, Base):
    """短信模板 / 邮件模板. ``code`` is the provider's template code (阿里云 ``SMS_…``) for SMS and a
    free key for email; ``scene`` binds the template to a business use (验证码, 余额提醒 …)."""

    __tablename__ = "notify_template"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "channel", "code"),)

    channel: Mapped[Channel] = mapped_column(enum_column(Channel, 8), index=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    code: Mapped[str] = mapped_column(sa.String(64))
    scene: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    subject: Mapped[str | None] = mapped_column(sa.String(200))
    content: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[Status] = mapped_column(enum_column(Status), default=Status.ENABLED, index=True)
    remark: Mapped[str | None] = mapped_column(sa.String(500))


class NotifyLog(Entity, TenantMixin, Base):
    """短信日志 / 邮件日志: one message to one recipient, with what was sent and how it went.

    ``content`` and ``params`` are what may be shown (verification codes masked); ``payload`` keeps
    the real values only until the delivery attempt is over.
    """

    __tablename__ = "notify_log"

    channel: Mapped[Channel] = mapped_column(enum_column(Channel, 8), index=True)
    template_id: Mapped[int | None] = mapped_column(sa.ForeignKey("notify_template.id", ondelete="SET NULL"), index=True)
    template_name: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    template_code: Mapped[str | None] = mapped_column(sa.String(64))
    scene: Mapped[str | None] = mapped_column(sa.String(32))
    recipient: Mapped[str] = mapped_column(sa.String(128), index=True)
    subject: Mapped[str | None] = mapped_column(sa.String(200))
    content: Mapped[str] = mapped_column(sa.Text)
    params: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    status: Mapped[SendStatus] = mapped_column(enum_column(SendStatus), default=SendStatus.PENDING, index=True)
    provider: Mapped[str | None] = mapped_column(sa.String(16))
    provider_message_id: Mapped[str | None] = mapped_column(sa.String(128))
    error: Mapped[str | None] = mapped_column(sa.String(500))
    source: Mapped[SendSource] = mapped_column(enum_column(SendSource), default=SendSource.BUSINESS)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
