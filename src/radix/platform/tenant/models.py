from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from radix.core.db import Base, Entity, enum_column
from radix.core.schemas import LabeledEnum, Status
from radix.core.tenancy import TenantScoped


class TenantKind(LabeledEnum):
    PLATFORM = "platform", "平台", "Platform"
    REGIONAL = "regional", "区域租户", "Regional"
    NORMAL = "normal", "普通租户", "Normal"



class Tenant(Entity, TenantScoped, Base):
    """A customer of the platform: the platform itself, a regional group (区域) or a hospital.

    ``path`` is the materialized ancestry (``/1/4/9/``): a regional tenant sees every tenant whose
    path starts with its own.
    """

    __tablename__ = "tenant"

    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    short_name: Mapped[str] = mapped_column(sa.String(32))
    kind: Mapped[TenantKind] = mapped_column(enum_column(TenantKind), index=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tenant.id", ondelete="RESTRICT"), index=True)
    path: Mapped[str] = mapped_column(sa.String(255), default="/", index=True)
    region: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    hospital_type: Mapped[str | None] = mapped_column(sa.String(32))
    hospital_level: Mapped[str | None] = mapped_column(sa.String(32))
    status: Mapped[Status] = mapped_column(enum_column(Status), default=Status.ENABLED, index=True)
    contact_name: Mapped[str | None] = mapped_column(sa.String(32))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(20))
    address: Mapped[str | None] = mapped_column(sa.String(200))
    admin_username: Mapped[str | None] = mapped_column(sa.String(32))
    needs_implementation: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    remark: Mapped[str | None] = mapped_column(sa.String(500))

    @hybrid_property
    def tenant_id(self) -> int:  # the scope column of the tenant table is its own id
        return self.id
