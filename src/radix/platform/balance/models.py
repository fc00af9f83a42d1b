"""账户管理 (manual 1 §6.4): a tenant's balance and recharges. The models are ready; the pages and the
payment flow arrive with the payments work (WeChat Pay adapter)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from radix.core.db import Base, Entity, JSONType, UTCDateTime, enum_column
from radix.core.schemas import LabeledEnum
from radix.core.tenancy import TenantMixin


class TenantBalance(Entity, TenantMixin, Base):
    __tablename__ = "tenant_balance"
    __table_args__ = (sa.UniqueConstraint("tenant_id"),)

    balance: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), default=Decimal("0"))
    #: 余额提醒: warn when the balance falls below this line
    warn_line: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    #: 提醒方式: ["sms", "email", "site"]
    remind_methods: Mapped[list[Any]] = mapped_column(JSONType, default=list)


class RechargeStatus(LabeledEnum):
    PENDING = "pending", "待支付", "Pending"
    PAID = "paid", "已支付", "Paid"
    CLOSED = "closed", "已关闭", "Closed"
    FAILED = "failed", "支付失败", "Failed"


class Recharge(Entity, TenantMixin, Base):
    __tablename__ = "recharge"

    out_trade_no: Mapped[str] = mapped_column(sa.String(64), unique=True)
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2))
    channel: Mapped[str] = mapped_column(sa.String(32), default="wechat")
    status: Mapped[RechargeStatus] = mapped_column(enum_column(RechargeStatus), default=RechargeStatus.PENDING)
    paid_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    provider_payload: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
