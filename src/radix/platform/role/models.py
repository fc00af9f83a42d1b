from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from radix.core.db import Base, Entity, enum_column
from radix.core.schemas import Status
from radix.core.tenancy import TenantMixin

SUPER_ADMIN = "super_admin"
DIRECTOR = "director"
CLINICIAN = "clinician"


class Role(Entity, TenantMixin, Base):
    __tablename__ = "role"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "name"),)

    name: Mapped[str] = mapped_column(sa.String(32))
    #: built-in roles keep their key (super_admin / director / clinician)
    key: Mapped[str | None] = mapped_column(sa.String(32))
    sort: Mapped[int] = mapped_column(sa.Integer, default=0)
    status: Mapped[Status] = mapped_column(enum_column(Status), default=Status.ENABLED, index=True)
    builtin: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    remark: Mapped[str | None] = mapped_column(sa.String(500))


role_menu = sa.Table(
    "role_menu",
    Base.metadata,
    sa.Column("role_id", sa.ForeignKey("role.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("menu_id", sa.ForeignKey("menu.id", ondelete="CASCADE"), primary_key=True, index=True),
)
