from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from radix.core.db import Base, Entity, JSONType, enum_column
from radix.core.schemas import LabeledEnum
from radix.core.tenancy import TenantMixin


class App(Entity, Base):
    """An application a tenant can subscribe to (平台, iData, RIS, 云影像, AI, 运营)."""

    __tablename__ = "app"

    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    name_en: Mapped[str] = mapped_column(sa.String(64))
    description: Mapped[str | None] = mapped_column(sa.String(500))
    icon: Mapped[str | None] = mapped_column(sa.String(64))
    sort: Mapped[int] = mapped_column(sa.Integer, default=0)
    #: the base app is opened for every tenant when it is created (its 配置 pages)
    is_base: Mapped[bool] = mapped_column(sa.Boolean, default=False)


class BillingMode(LabeledEnum):
    YEARLY = "yearly", "按年付费", "Yearly"
    MONTHLY = "monthly", "按月付费", "Monthly"
    USAGE = "usage", "按量付费", "Pay per use"
    PERPETUAL = "perpetual", "买断", "Perpetual"
    FREE = "free", "免费", "Free"


class AppStatus(LabeledEnum):
    NOT_OPENED = "not_opened", "未开通", "Not opened"
    EXPIRED = "expired", "已过期", "Expired"
    RENEW_DUE = "renew_due", "待续期", "Renewal due"
    NORMAL = "normal", "正常", "Normal"


RENEW_WINDOW_DAYS = 90


class TenantApp(Entity, TenantMixin, Base):
    """A tenant's subscription to an app: billing mode and validity; its status is computed."""

    __tablename__ = "tenant_app"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "app_code"),)

    app_code: Mapped[str] = mapped_column(sa.ForeignKey("app.code", ondelete="CASCADE"))
    billing_mode: Mapped[BillingMode] = mapped_column(enum_column(BillingMode))
    valid_from: Mapped[dt.date] = mapped_column(sa.Date)
    #: None: no end (买断 / 免费)
    valid_until: Mapped[dt.date | None] = mapped_column(sa.Date)
    config: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    remark: Mapped[str | None] = mapped_column(sa.String(500))

    def status(self, today: dt.date) -> AppStatus:
        return subscription_status(self.valid_from, self.valid_until, today)

    def is_valid(self, today: dt.date) -> bool:
        return self.status(today) in (AppStatus.NORMAL, AppStatus.RENEW_DUE)


def subscription_status(valid_from: dt.date | None, valid_until: dt.date | None, today: dt.date) -> AppStatus:
    if valid_from is None:
        return AppStatus.NOT_OPENED
    if valid_until is None:
        return AppStatus.NORMAL
    if valid_until < today:
        return AppStatus.EXPIRED
    if (valid_until - today).days <= RENEW_WINDOW_DAYS:
        return AppStatus.RENEW_DUE
    return AppStatus.NORMAL
