from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from radix.core.db import Base, Entity, JSONType, enum_column
from radix.core.schemas import Status
from radix.core.tenancy import TenantMixin


class Institution(Entity, TenantMixin, Base):
    """An institution (机构) of a tenant: its main institution (机构信息) and sub-institutions (子机构)."""

    __tablename__ = "institution"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "code"),)

    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("institution.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(64))
    short_name: Mapped[str | None] = mapped_column(sa.String(32))
    region: Mapped[str | None] = mapped_column(sa.String(64))
    hospital_type: Mapped[str | None] = mapped_column(sa.String(32))
    hospital_level: Mapped[str | None] = mapped_column(sa.String(32))
    address: Mapped[str | None] = mapped_column(sa.String(200))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    website: Mapped[str | None] = mapped_column(sa.String(200))
    introduction: Mapped[str | None] = mapped_column(sa.Text)
    photos: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    sort: Mapped[int] = mapped_column(sa.Integer, default=0)
    status: Mapped[Status] = mapped_column(enum_column(Status), default=Status.ENABLED)
    remark: Mapped[str | None] = mapped_column(sa.String(500))
