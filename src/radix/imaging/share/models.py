"""A study shared by link (分享记录). Only the token's hash is kept: the link is shown once."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from radix.core.db import Base, Entity, UTCDateTime, enum_column
from radix.core.schemas import LabeledEnum
from radix.core.tenancy import TenantMixin


class ShareValidity(LabeledEnum):
    MIN30 = "30m", "30分钟", "30 minutes"
    MIN60 = "60m", "60分钟", "60 minutes"
    PERMANENT = "permanent", "永久", "Permanent"

    @property
    def duration(self) -> dt.timedelta | None:
        return {"30m": dt.timedelta(minutes=30), "60m": dt.timedelta(minutes=60)}.get(self.value)


class ShareStatus(LabeledEnum):
    ACTIVE = "active", "有效", "Active"
    EXPIRED = "expired", "已过期", "Expired"
    REVOKED = "revoked", "已撤销", "Revoked"
    EXHAUSTED = "exhausted", "访问已达上限", "Visitor limit reached"


class Share(Entity, TenantMixin, Base):
    __tablename__ = "imaging_share"

    study_ref: Mapped[int] = mapped_column(sa.ForeignKey("study.id", ondelete="CASCADE"), index=True)
    study_uid: Mapped[str] = mapped_column(sa.String(64))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    validity: Mapped[ShareValidity] = mapped_column(enum_column(ShareValidity))
    #: None: permanent (到期时间为空则无限期)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)
    max_visitors: Mapped[int | None] = mapped_column(sa.Integer)
    visits: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_visit_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[str | None] = mapped_column(sa.String(64))
