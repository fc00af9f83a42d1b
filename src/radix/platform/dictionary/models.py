"""Master data (数据维护, manual 1 §6.9): hospital types and levels, person types, modalities, body parts,
exam items and charge items.

Every table is tenant-owned and keyed by a ``code`` unique within its tenant; the platform tenant's
rows are the standard set other tenants copy with 数据同步. Rows refer to each other by code within the
same tenant (a body part's modality, an exam item's body part), enforced by composite foreign keys.
"""

from __future__ import annotations

import decimal
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from radix.core.db import Base, Entity, enum_column
from radix.core.schemas import LabeledEnum, Status
from radix.core.tenancy import TenantMixin

#: prices in yuan with two decimals
Money = sa.Numeric(12, 2)


class MasterData(Entity, TenantMixin):
    """The columns every master-data table shares."""

    #: the column holding whether the row is offered in selects (``status`` or ``enabled``)
    active_field: ClassVar[str]

    code: Mapped[str] = mapped_column(sa.String(32), sort_order=-4)
    name: Mapped[str] = mapped_column(sa.String(100), sort_order=-3)
    sort: Mapped[int] = mapped_column(sa.Integer, default=0)
    remark: Mapped[str | None] = mapped_column(sa.String(500))

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.UniqueConstraint("tenant_id", "code"), *cls.references())

    @classmethod
    def references(cls) -> tuple[Any, ...]:
        """Composite foreign keys ``(tenant_id, <x>_code) → <x>(tenant_id, code)`` of this table."""
        return ()

    @classmethod
    def active(cls) -> sa.ColumnElement[bool]:
        raise NotImplementedError


class WithStatus:
    active_field: ClassVar[str] = "status"

    status: Mapped[Status] = mapped_column(enum_column(Status), default=Status.ENABLED, index=True)

    @classmethod
    def active(cls) -> sa.ColumnElement[bool]:
        return cls.status == Status.ENABLED  # type: ignore[return-value]


class WithEnabled:
    active_field: ClassVar[str] = "enabled"

    enabled: Mapped[bool] = mapped_column(sa.Boolean, default=True, index=True)

    @classmethod
    def active(cls) -> sa.ColumnElement[bool]:
        return cls.enabled.is_(True)  # type: ignore[return-value]


def _ref(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["tenant_id", column], [f"{table}.tenant_id", f"{table}.code"])


class HospitalType(WithStatus, MasterData, Base):
    """医院类型 (综合医院, 专科医院 …); tenants refer to it by code."""

    __tablename__ = "hospital_type"


class HospitalLevel(WithStatus, MasterData, Base):
    """医院等级 (三级甲等 = 3A …)."""

    __tablename__ = "hospital_level"


class PersonType(WithStatus, MasterData, Base):
    """人员类型 of accounts (影像诊断医师, 技师 …)."""

    __tablename__ = "person_type"


class Modality(WithStatus, MasterData, Base):
    """模态: the DICOM modality codes the department works with (CT, MR, DR …)."""

    __tablename__ = "modality"

    description: Mapped[str | None] = mapped_column(sa.String(500))


class BodyPart(WithStatus, MasterData, Base):
    """部位, examined with one modality (头颅 for CT and 头颅 for MR are two rows)."""

    __tablename__ = "body_part"

    modality_code: Mapped[str] = mapped_column(sa.String(16), index=True)

    @classmethod
    def references(cls) -> tuple[Any, ...]:
        return (_ref("modality_code", "modality"),)


class ExamItem(WithEnabled, MasterData, Base):
    """检查项目 (头颅CT平扫 …): what a registration orders."""

    __tablename__ = "exam_item"

    modality_code: Mapped[str] = mapped_column(sa.String(16), index=True)
    body_part_code: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    price: Mapped[decimal.Decimal | None] = mapped_column(Money)

    @classmethod
    def references(cls) -> tuple[Any, ...]:
        return (_ref("modality_code", "modality"), _ref("body_part_code", "body_part"))


class ChargeType(LabeledEnum):
    EXAM = "exam", "检查费", "Examination"
    MATERIAL = "material", "材料费", "Material"
    TREATMENT = "treatment", "诊疗费", "Treatment"
    DRUG = "drug", "药品费", "Drug"
    OTHER = "other", "其他", "Other"


class ChargeItem(WithEnabled, MasterData, Base):
    """收费项目 with its price (检查费, 对比剂等材料费 …)."""

    __tablename__ = "charge_item"

    type: Mapped[ChargeType] = mapped_column(enum_column(ChargeType), default=ChargeType.EXAM, index=True)
    modality_code: Mapped[str | None] = mapped_column(sa.String(16), index=True)
    price: Mapped[decimal.Decimal] = mapped_column(Money)

    @classmethod
    def references(cls) -> tuple[Any, ...]:
        return (_ref("modality_code", "modality"),)
