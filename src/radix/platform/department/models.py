from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from radix.core.db import Base, Entity, enum_column
from radix.core.schemas import Status
from radix.core.tenancy import TenantMixin


class Department(Entity, TenantMixin, Base):
    __tablename__ = "department"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "code"),)

    institution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("institution.id", ondelete="SET NULL"))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id", ondelete="SET NULL"))
    code: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(64))
    leader: Mapped[str | None] = mapped_column(sa.String(32))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    sort: Mapped[int] = mapped_column(sa.Integer, default=0)
    status: Mapped[Status] = mapped_column(enum_column(Status), default=Status.ENABLED)
    remark: Mapped[str | None] = mapped_column(sa.String(500))
