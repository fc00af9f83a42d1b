from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from radix.core.db import Base, Entity, JSONType, UTCDateTime, enum_column
from radix.core.schemas import LabeledEnum, Status
from radix.core.tenancy import TenantMixin


class Gender(LabeledEnum):
    MALE = "male", "男", "Male"
    FEMALE = "female", "女", "Female"
    UNKNOWN = "unknown", "未知", "Unknown"


class Account(Entity, TenantMixin, Base):
    __tablename__ = "account"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "username"),
        sa.UniqueConstraint("tenant_id", "phone"),
    )

    username: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(32))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(100))
    id_number: Mapped[str | None] = mapped_column(sa.String(18))
    gender: Mapped[Gender] = mapped_column(enum_column(Gender), default=Gender.UNKNOWN)
    title: Mapped[str | None] = mapped_column(sa.String(32))
    person_type: Mapped[str | None] = mapped_column(sa.String(32))
    institution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("institution.id", ondelete="SET NULL"))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id", ondelete="SET NULL"))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    status: Mapped[Status] = mapped_column(enum_column(Status), default=Status.ENABLED, index=True)
    #: the tenant's own administrator (created with the tenant, bound to 超级管理员)
    is_admin: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    failed_logins: Mapped[int] = mapped_column(sa.Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_login_ip: Mapped[str | None] = mapped_column(sa.String(64))
    #: per-user UI preferences (navigation mode, language, …)
    preferences: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    remark: Mapped[str | None] = mapped_column(sa.String(500))


account_role = sa.Table(
    "account_role",
    Base.metadata,
    sa.Column("account_id", sa.ForeignKey("account.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("role_id", sa.ForeignKey("role.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class SessionEndReason(LabeledEnum):
    LOGOUT = "logout", "主动退出", "Logged out"
    REPLACED = "replaced", "在其他地点登录", "Replaced by a newer login"
    IDLE = "idle", "长时间未操作", "Idle timeout"
    EXPIRED = "expired", "会话过期", "Expired"
    REVOKED = "revoked", "管理员强制下线", "Revoked by an administrator"


class AuthSession(Base):
    """A login session. Only the SHA-256 of the opaque token is stored."""

    __tablename__ = "auth_session"

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id", ondelete="CASCADE"), index=True)
    tenant_id: Mapped[int] = mapped_column(sa.ForeignKey("tenant.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    end_reason: Mapped[SessionEndReason | None] = mapped_column(enum_column(SessionEndReason))
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(255))
