from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from radix.core.db import Base, BigIntPK, UTCDateTime, utcnow
from radix.core.tenancy import TenantScoped


class _LogBase(TenantScoped):
    """Append-only log rows. ``tenant_id`` has no foreign key: logs outlive deleted tenants, and
    a failed login to an unknown tenant has none (only the platform sees those)."""

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    tenant_id: Mapped[int | None] = mapped_column(sa.BigInteger, index=True)
    tenant_name: Mapped[str | None] = mapped_column(sa.String(64))
    account_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    username: Mapped[str | None] = mapped_column(sa.String(64))
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class LoginLog(_LogBase, Base):
    __tablename__ = "login_log"

    tenant_input: Mapped[str | None] = mapped_column(sa.String(64))
    success: Mapped[bool] = mapped_column(sa.Boolean, index=True)
    code: Mapped[str | None] = mapped_column(sa.String(32))
    message: Mapped[str | None] = mapped_column(sa.String(200))
    browser: Mapped[str | None] = mapped_column(sa.String(64))
    os: Mapped[str | None] = mapped_column(sa.String(64))


class OperationLog(_LogBase, Base):
    __tablename__ = "operation_log"

    method: Mapped[str] = mapped_column(sa.String(8))
    path: Mapped[str] = mapped_column(sa.String(255))
    action: Mapped[str] = mapped_column(sa.String(32), index=True)
    title: Mapped[str | None] = mapped_column(sa.String(64))
    target_type: Mapped[str | None] = mapped_column(sa.String(64))
    target_id: Mapped[str | None] = mapped_column(sa.String(64))
    status_code: Mapped[int] = mapped_column(sa.Integer)
    success: Mapped[bool] = mapped_column(sa.Boolean, index=True)
    error_code: Mapped[str | None] = mapped_column(sa.String(64))
    error_message: Mapped[str | None] = mapped_column(sa.String(500))
    duration_ms: Mapped[int] = mapped_column(sa.Integer, default=0)


class AccessLog(_LogBase, Base):
    """Page visits and record views (报告调阅, 影像调阅)."""

    __tablename__ = "access_log"

    kind: Mapped[str] = mapped_column(sa.String(16), index=True)  # page / record
    page: Mapped[str | None] = mapped_column(sa.String(255))
    title: Mapped[str | None] = mapped_column(sa.String(100))
    target_type: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    target_id: Mapped[str | None] = mapped_column(sa.String(64))
