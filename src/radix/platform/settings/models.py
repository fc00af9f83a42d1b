from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from radix.core.db import Base, Entity
from radix.core.tenancy import TenantMixin


class PlatformSetting(Entity, TenantMixin, Base):
    """平台设置 of a tenant: site information, login page and the two agreements.

    A tenant without its own row shows the platform tenant's.
    """

    __tablename__ = "platform_setting"
    __table_args__ = (sa.UniqueConstraint("tenant_id"),)

    site_name: Mapped[str] = mapped_column(sa.String(64))
    site_name_en: Mapped[str | None] = mapped_column(sa.String(64))
    logo: Mapped[str | None] = mapped_column(sa.String(200))
    login_title: Mapped[str | None] = mapped_column(sa.String(64))
    login_subtitle: Mapped[str | None] = mapped_column(sa.String(200))
    login_notice: Mapped[str | None] = mapped_column(sa.String(500))
    copyright: Mapped[str | None] = mapped_column(sa.String(200))
    icp: Mapped[str | None] = mapped_column(sa.String(64))
    privacy_policy: Mapped[str] = mapped_column(sa.Text)
    user_agreement: Mapped[str] = mapped_column(sa.Text)
