"""What patient identity remembers: the other hospital IDs and visit numbers a patient arrived with,
and every merge (automatic or by hand) with the studies it moved, so that it can be undone exactly."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from radix.core.db import Base, BigIntPK, Entity, JSONType, UTCDateTime, enum_column, utcnow
from radix.core.schemas import LabeledEnum
from radix.core.tenancy import TenantMixin


class AliasKind(LabeledEnum):
    PATIENT_ID = "patient_id", "患者号", "Patient ID"
    VISIT_NUMBER = "visit_number", "就诊号", "Visit number"


class PatientAlias(TenantMixin, Base):
    """Another identifier of a patient: a hospital patient ID (e.g. an emergency number) or a visit
    number that arrived with the same resident ID number."""

    __tablename__ = "patient_alias"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "kind", "value"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    patient_ref: Mapped[int] = mapped_column(sa.ForeignKey("patient.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AliasKind] = mapped_column(enum_column(AliasKind))
    value: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MergeReason(LabeledEnum):
    AUTO = "auto", "自动合并", "Automatic"
    MANUAL = "manual", "手动合并", "Manual"


class PatientMerge(Entity, TenantMixin, Base):
    """One merge: ``from_ref`` joined ``into_ref``; ``study_ids`` are the studies that moved."""

    __tablename__ = "patient_merge"

    from_ref: Mapped[int] = mapped_column(sa.ForeignKey("patient.id", ondelete="CASCADE"), index=True)
    into_ref: Mapped[int] = mapped_column(sa.ForeignKey("patient.id", ondelete="CASCADE"), index=True)
    reason: Mapped[MergeReason] = mapped_column(enum_column(MergeReason))
    remark: Mapped[str | None] = mapped_column(sa.String(500))
    study_ids: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    undone_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    undone_by: Mapped[str | None] = mapped_column(sa.String(64))
