"""The upload list (上传列表): newest first, by status and upload time; no generic create (the upload
route is the create)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from radix.core.listing import Filter
from radix.core.resource import Action, CrudService, Ctx, Resource
from radix.imaging.upload import service
from radix.imaging.upload.models import Upload, UploadStatus
from radix.imaging.upload.schemas import UploadRead


class UploadService(CrudService):
    def extras(self, ctx: Ctx, objs: list[Any]) -> dict[int, dict[str, Any]]:
        progress = service.progress_of(ctx.session, objs)
        out = {}
        for o in objs:
            pct = progress.get(o.job_id, 0) if o.job_id else 0
            if o.status in (UploadStatus.ARCHIVED, UploadStatus.FAILED):
                pct = 100
            out[o.id] = {"progress": pct, "report": o.report or [], "study_uids": o.study_uids or []}
        return out


uploads = Resource(
    name="upload",
    path="/imaging/uploads",
    model=Upload,
    read=UploadRead,
    perm="imaging:upload",
    zh="本地上传",
    en="Upload",
    filters=[
        Filter("tenantId", op="eq", type=int, zh="机构名称", en="Institution", widget="tenant-select"),
        Filter("fileName", op="contains", zh="文件名", en="File name"),
        Filter("status", op="in", type=UploadStatus, zh="上传状态", en="Status"),
        Filter("createdAt", op="range", type=dt.datetime, zh="上传时间", en="Uploaded at"),
    ],
    sortable=["createdAt", "sizeBytes", "fileName"],
    default_sort="-createdAt",
    service=UploadService(),
    actions=[
        Action("cancel", "取消上传", "Cancel", "imaging:upload:cancel", "/{id}/cancel", confirm="确认取消该上传吗？",
               when={"status": [UploadStatus.RECEIVED.value, UploadStatus.ARCHIVING.value]}),
    ],
    exportable=False,
    deletable=False,
)
