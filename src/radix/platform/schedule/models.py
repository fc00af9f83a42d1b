from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from radix.core.db import Base, Entity, JSONType, UTCDateTime, enum_column
from radix.core.jobs.models import JobStatus
from radix.core.tenancy import TenantMixin


class ScheduleJob(Entity, TenantMixin, Base):
    """调度设置: a job type run on a cron (in the display time zone) with fixed params."""

    __tablename__ = "schedule_job"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "name"),
        # the scheduler's question every minute: which enabled schedules are due
        sa.Index("ix_schedule_job_due", "enabled", "next_run_at"),
    )

    name: Mapped[str] = mapped_column(sa.String(64))
    job_type: Mapped[str] = mapped_column(sa.String(64), index=True)
    cron: Mapped[str] = mapped_column(sa.String(64))
    params: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    enabled: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    remark: Mapped[str | None] = mapped_column(sa.String(500))
    last_run_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_run_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    last_status: Mapped[JobStatus | None] = mapped_column(enum_column(JobStatus))
    next_run_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
