from __future__ import annotations

import datetime as dt

from radix.core.schemas import AppModel, F
from radix.imaging.upload.models import UploadStatus


class UploadReportEntry(AppModel):
    entry: str = F(zh="文件", en="Entry")
    kind: str = F(zh="类型", en="Kind", description="non_dicom 非DICOM文件 / rejected 已拒绝 / failed 归档失败")
    reason: str = F(zh="原因", en="Reason")


class UploadRead(AppModel):
    id: int = F(zh="编号", en="ID", column=False)
    tenant_id: int = F(zh="机构", en="Institution", column=False)
    tenant_name: str | None = F(None, zh="机构名称", en="Institution")
    file_name: str = F(zh="文件名", en="File name")
    size_bytes: int = F(zh="文件大小（字节）", en="Size (bytes)")
    status: UploadStatus = F(zh="上传状态", en="Status")
    progress: int = F(0, zh="进度", en="Progress")
    total_entries: int = F(zh="文件数", en="Files")
    stored_count: int = F(zh="已归档", en="Archived")
    duplicate_count: int = F(zh="已存在", en="Already stored", column=False)
    failed_count: int = F(zh="归档失败", en="Failed")
    non_dicom_count: int = F(zh="非DICOM文件", en="Not DICOM")
    rejected_count: int = F(zh="已拒绝", en="Rejected", column=False)
    message: str | None = F(None, zh="说明", en="Message")
    report: list[UploadReportEntry] = F(default_factory=list, zh="未归档文件", en="Entries not archived", column=False)
    study_uids: list[str] = F(default_factory=list, zh="检查UID", en="Study UIDs", column=False)
    job_id: int | None = F(None, zh="任务编号", en="Job", column=False)
    created_by: str | None = F(None, zh="上传人", en="Uploaded by")
    created_at: dt.datetime = F(zh="上传时间", en="Uploaded at")
    started_at: dt.datetime | None = F(None, zh="开始归档", en="Started", column=False)
    finished_at: dt.datetime | None = F(None, zh="完成时间", en="Finished", column=False)


class UploadStarted(AppModel):
    id: int = F(zh="编号", en="ID")
    status: UploadStatus = F(zh="上传状态", en="Status")
    job_id: int = F(zh="任务编号", en="Job")
    file_name: str = F(zh="文件名", en="File name")
    size_bytes: int = F(zh="文件大小（字节）", en="Size (bytes)")
