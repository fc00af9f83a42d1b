"""本地上传 (manual 4 §4.1.5): one row per uploaded ZIP, from 请求已接收 to 影像已归档 / 影像归档失败."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from radix.core.db import Base, Entity, JSONType, UTCDateTime, enum_column
from radix.core.schemas import LabeledEnum
from radix.core.tenancy import TenantMixin


class UploadStatus(LabeledEnum):
    RECEIVED = "received", "请求已接收", "Received"
    ARCHIVING = "archiving", "归档中", "Archiving"
    ARCHIVED = "archived", "影像已归档", "Archived"
    FAILED = "failed", "影像归档失败", "Failed"
    CANCELLED = "cancelled", "已取消", "Cancelled"

    @property
    def live(self) -> bool:
        return self in (UploadStatus.RECEIVED, UploadStatus.ARCHIVING)


class Upload(Entity, TenantMixin, Base):
    __tablename__ = "imaging_upload"

    file_name: Mapped[str] = mapped_column(sa.String(255))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    status: Mapped[UploadStatus] = mapped_column(enum_column(UploadStatus), default=UploadStatus.RECEIVED, index=True)
    #: the ZIP in the blob store while it waits to be archived (removed afterwards)
    blob_key: Mapped[str | None] = mapped_column(sa.String(200))
    job_id: Mapped[int | None] = mapped_column(sa.BigInteger, index=True)
    total_entries: Mapped[int] = mapped_column(sa.Integer, default=0)
    stored_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    duplicate_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    failed_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    non_dicom_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    rejected_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    message: Mapped[str | None] = mapped_column(sa.String(500))
    #: the entries not archived: [{"entry", "kind": non_dicom / rejected / failed, "reason"}]
    report: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    #: the studies the upload added to (for 查看 / 数据计算)
    study_uids: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
