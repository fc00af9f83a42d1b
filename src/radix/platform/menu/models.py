from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from radix.core.db import Base, Entity, JSONType, enum_column
from radix.core.schemas import LabeledEnum, Status


class MenuKind(LabeledEnum):
    DIRECTORY = "directory", "目录", "Directory"
    MENU = "menu", "菜单", "Menu"
    BUTTON = "button", "按钮", "Button"


class Menu(Entity, Base):
    """A node of the one menu tree: directory → menu → menu → button.

    ``permission`` is the ``module:entity:action`` string routes require and ``v-hasPermi`` checks.
    ``key`` identifies built-in nodes so that seeding is idempotent.
    """

    __tablename__ = "menu"

    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("menu.id", ondelete="CASCADE"), index=True)
    key: Mapped[str | None] = mapped_column(sa.String(96), unique=True)
    kind: Mapped[MenuKind] = mapped_column(enum_column(MenuKind))
    name: Mapped[str] = mapped_column(sa.String(64))
    name_en: Mapped[str | None] = mapped_column(sa.String(64))
    permission: Mapped[str | None] = mapped_column(sa.String(100), index=True)
    path: Mapped[str | None] = mapped_column(sa.String(200))
    component: Mapped[str | None] = mapped_column(sa.String(200))
    icon: Mapped[str | None] = mapped_column(sa.String(64))
    sort: Mapped[int] = mapped_column(sa.Integer, default=0)
    app_code: Mapped[str] = mapped_column(sa.String(32), default="platform", index=True)
    #: tenant kinds that may see this node (platform / regional / normal)
    tenant_kinds: Mapped[list[Any]] = mapped_column(JSONType, default=lambda: ["platform", "regional", "normal"])
    visible: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    status: Mapped[Status] = mapped_column(enum_column(Status), default=Status.ENABLED)
    builtin: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    remark: Mapped[str | None] = mapped_column(sa.String(500))


tenant_menu = sa.Table(
    "tenant_menu",
    Base.metadata,
    sa.Column("tenant_id", sa.ForeignKey("tenant.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("menu_id", sa.ForeignKey("menu.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Workstation(Entity, Base):
    """A top-level module of the workstation navigation mode (资产 / 数据 / 监控 / 业务 / 配置 …),
    grouping menus."""

    __tablename__ = "workstation"

    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(32))
    name_en: Mapped[str | None] = mapped_column(sa.String(64))
    icon: Mapped[str | None] = mapped_column(sa.String(64))
    sort: Mapped[int] = mapped_column(sa.Integer, default=0)
    status: Mapped[Status] = mapped_column(enum_column(Status), default=Status.ENABLED)
    description: Mapped[str | None] = mapped_column(sa.String(500))


workstation_menu = sa.Table(
    "workstation_menu",
    Base.metadata,
    sa.Column("workstation_id", sa.ForeignKey("workstation.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("menu_id", sa.ForeignKey("menu.id", ondelete="CASCADE"), primary_key=True, index=True),
)
