from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from radix.core.db import Base, Entity
from radix.core.tenancy import TenantMixin


class SecurityPolicy(Entity, TenantMixin, Base):
    """A tenant's 安全策略 (one row per tenant; defaults apply until it is saved)."""

    __tablename__ = "security_policy"
    __table_args__ = (sa.UniqueConstraint("tenant_id"),)

    auto_logout_enabled: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    auto_logout_minutes: Mapped[int] = mapped_column(sa.Integer, default=30)
    password_expiry_enabled: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    password_expiry_days: Mapped[int] = mapped_column(sa.Integer, default=90)
    password_min_length: Mapped[int] = mapped_column(sa.Integer, default=6)
    password_max_length: Mapped[int] = mapped_column(sa.Integer, default=12)
    password_require_digit: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    password_require_letter: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    password_require_upper: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    password_require_special: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    lockout_enabled: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    lockout_threshold: Mapped[int] = mapped_column(sa.Integer, default=5)
    lockout_minutes: Mapped[int] = mapped_column(sa.Integer, default=15)
    ip_limit_enabled: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    single_session_enabled: Mapped[bool] = mapped_column(sa.Boolean, default=True)


class IpRule(Entity, TenantMixin, Base):
    """An allowed address or CIDR range for IP登录限制."""

    __tablename__ = "ip_rule"

    cidr: Mapped[str] = mapped_column(sa.String(64))
    enabled: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    remark: Mapped[str | None] = mapped_column(sa.String(200))
