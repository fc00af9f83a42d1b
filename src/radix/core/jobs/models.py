from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from radix.core.db import Base, Entity, JSONType, UTCDateTime, enum_column
from radix.core.schemas import LabeledEnum
from radix.core.tenancy import TenantMixin


class JobStatus(LabeledEnum):
    PENDING = "pending", "排队中", "Pending"
    RUNNING = "running", "运行中", "Running"
    SUCCEEDED = "succeeded", "已完成", "Succeeded"
    FAILED = "failed", "失败", "Failed"
    CANCELLED = "cancelled", "已取消", "Cancelled"
    INTERRUPTED = "interrupted", "已中断", "Interrupted"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.INTERRUPTED)


class JobRun(Entity, TenantMixin, Base):
    """One execution of a background job, with its progress and log."""

    __tablename__ = "job_run"

    type: Mapped[str] = mapped_column(sa.String(64), index=True)
    name: Mapped[str] = mapped_column(sa.String(128))
    target_type: Mapped[str | None] = mapped_column(sa.String(64))
    target_id: Mapped[str | None] = mapped_column(sa.String(64))
    schedule_id: Mapped[int | None] = mapped_column(sa.BigInteger, index=True)
    status: Mapped[JobStatus] = mapped_column(
        enum_column(JobStatus), default=JobStatus.PENDING,
        index=True,
    )
    progress: Mapped[int] = mapped_column(sa.Integer, default=0)
    message: Mapped[str | None] = mapped_column(sa.String(500))
    params: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    log: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    account_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    worker: Mapped[str | None] = mapped_column(sa.String(128))
    cancel_requested: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
