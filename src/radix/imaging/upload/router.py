"""本地上传 routes: the upload itself (streamed, size-checked while it arrives), cancel, and the list."""

from __future__ import annotations

import zipfile
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from sqlalchemy.orm import Session

from radix.core import audit
from radix.core.errors import Invalid, TooLarge
from radix.core.security import Principal, current_principal, get_session, require
from radix.imaging.upload import service
from radix.imaging.upload.models import Upload
from radix.imaging.upload.resource import uploads
from radix.imaging.upload.schemas import UploadRead, UploadStarted

#: multipart framing around the file (boundaries, part headers) allowed on top of the size limit
_FRAMING = 64 * 1024

router = APIRouter()
router.include_router(uploads.router())
actions = APIRouter(prefix="/imaging/uploads", tags=[uploads.zh])


def _too_large() -> TooLarge:
    limit = service.MAX_UPLOAD_BYTES
    text = f"{limit / 1024**3:g} GB" if limit >= 1024**3 else f"{limit / 1024**2:g} MB"
    return TooLarge(f"仅支持上传 {text} 以内（含 {text}）的 ZIP 文件", code="UPLOAD_TOO_LARGE")


async def _limited(request: Request) -> AsyncIterator[bytes]:
    """The request body, refused with 413 as soon as it exceeds the limit (never read to the end)."""
    received = 0
    limit = service.MAX_UPLOAD_BYTES + _FRAMING
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            raise _too_large()
        yield chunk


async def _receive(request: Request) -> UploadFile:
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise Invalid.field("file", "请以 multipart/form-data 方式上传 ZIP 文件", code="BAD_CONTENT_TYPE")
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > service.MAX_UPLOAD_BYTES + _FRAMING:
        raise _too_large()
    try:
        # file parts spool to a temporary file beyond 1 MB: the upload never sits in memory
        form = await MultiPartParser(request.headers, _limited(request), max_files=1, max_fields=10).parse()
    except MultiPartException as exc:
        raise Invalid.field("file", f"上传内容格式不正确：{exc.message}", code="BAD_MULTIPART") from None
    file = form.get("file")
    if not isinstance(file, UploadFile):
        for value in form.values():
            if isinstance(value, UploadFile):
                await value.close()
        raise Invalid.field("file", "请选择要上传的 ZIP 文件", code="FILE_REQUIRED")
    return file


def _check(file: UploadFile) -> tuple[str, int]:
    name = service.clean_file_name(file.filename)
    if not name.lower().endswith(".zip"):
        raise Invalid.field("file", "仅支持上传 ZIP 格式的压缩文件（.zip）", code="BAD_FILE_TYPE")
    fh = file.file
    fh.seek(0, 2)
    size = fh.tell()
    fh.seek(0)
    if size > service.MAX_UPLOAD_BYTES:
        raise _too_large()
    if size == 0:
        raise Invalid.field("file", "上传的文件是空的", code="EMPTY_FILE")
    if not zipfile.is_zipfile(fh):
        raise Invalid.field("file", "文件不是有效的 ZIP 压缩包", code="BAD_ZIP")
    fh.seek(0)
    return name, size


@actions.post(
    "",
    status_code=202,
    response_model=UploadStarted,
    summary="上传 ZIP 影像压缩包",
    description="multipart/form-data，字段 file：DICOM 文件打包的 .zip，不超过 2GB。返回上传记录与归档任务编号。",
    dependencies=[require(uploads.permission("add")), audit.audit("UPLOAD", uploads.zh)],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {"file": {"type": "string", "format": "binary", "description": "ZIP 文件"}},
                    }
                }
            },
        }
    },
)
async def upload(request: Request, session: Session = get_session, principal: Principal = current_principal) -> Any:
    file = await _receive(request)
    try:
        name, size = await run_in_threadpool(_check, file)
        row = await run_in_threadpool(
            service.start, session, tenant_id=principal.tenant_id, file_name=name, size=size, data=file.file)
    finally:
        await file.close()
    audit.set_target(request, uploads.name, row.id)
    return {"id": row.id, "status": row.status, "job_id": row.job_id, "file_name": row.file_name,
            "size_bytes": row.size_bytes}


@actions.post(
    "/{id}/cancel",
    response_model=UploadRead,
    summary="取消上传",
    dependencies=[require(uploads.permission("cancel")), audit.audit("UPDATE", "取消上传")],
)
def cancel(request: Request, upload: Upload = uploads.load, session: Session = get_session,
           principal: Principal = current_principal) -> Any:
    from radix.core.resource import Ctx

    service.cancel(session, upload)
    return uploads.service.read(Ctx(session, principal, request), upload)


router.include_router(actions)
