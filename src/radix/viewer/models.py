"""Viewer state kept per user: annotations and measurements of a study (标注/测量), viewer settings."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from radix.core.db import Base, Entity, JSONType
from radix.core.tenancy import TenantMixin


class ViewerAnnotation(Entity, TenantMixin, Base):
    """One annotation or measurement a user drew on a study. ``data`` is the viewer's own drawing
    (Cornerstone3D annotation: tool, image reference, handle points in patient space), kept as sent so
    that it comes back exactly; the columns beside it are what the server looks things up by."""

    __tablename__ = "viewer_annotation"
    __table_args__ = (sa.UniqueConstraint("account_id", "uid"),)

    account_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id", ondelete="CASCADE"), index=True)
    study_uid: Mapped[str] = mapped_column(sa.String(64), index=True)
    series_uid: Mapped[str | None] = mapped_column(sa.String(64))
    sop_uid: Mapped[str | None] = mapped_column(sa.String(64))
    #: the viewer's annotation UID (stable across reloads)
    uid: Mapped[str] = mapped_column(sa.String(64))
    tool: Mapped[str] = mapped_column(sa.String(32))
    label: Mapped[str | None] = mapped_column(sa.String(128))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)


class ViewerSetting(Entity, TenantMixin, Base):
    """A user's viewer settings (设置, manual 2 §3.1.33); missing keys take the defaults."""

    __tablename__ = "viewer_setting"
    __table_args__ = (sa.UniqueConstraint("account_id"),)

    account_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id", ondelete="CASCADE"))
    values: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class ViewerRegistration(Entity, TenantMixin, Base):
    """A user's registration (配准, manual 2 §3.1.31) of a moving series onto a fixed one: the rigid
    transform from the moving series' patient coordinates to the fixed series' (4×4, row-major, mm),
    kept per user per series pair so the viewer reopens the last result."""

    __tablename__ = "viewer_registration"
    __table_args__ = (sa.UniqueConstraint("account_id", "fixed_series_uid", "moving_series_uid"),)

    account_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id", ondelete="CASCADE"), index=True)
    study_uid: Mapped[str] = mapped_column(sa.String(64))
    fixed_series_uid: Mapped[str] = mapped_column(sa.String(64))
    moving_series_uid: Mapped[str] = mapped_column(sa.String(64))
    #: 16 numbers, row-major
    matrix: Mapped[list[float]] = mapped_column(JSONType)
    #: auto (自动配准) or manual (手动调整)
    method: Mapped[str] = mapped_column(sa.String(16))
    metric: Mapped[str | None] = mapped_column(sa.String(16))
    score: Mapped[float | None] = mapped_column(sa.Float)
