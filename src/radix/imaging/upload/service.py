"""本地上传: a ZIP of DICOM files is streamed to the blob store, then a job unpacks it entry by entry
into the archive's one way in (``store.ingest``, source ``upload``).

Nothing of the archive is written to disk by name, yet every entry is still checked as if it were:
path traversal, absolute paths, links and encrypted entries are refused, and zip bombs are stopped by
a per-entry compression-ratio limit, a per-entry size limit and a total uncompressed limit (declared
sizes are also what :mod:`zipfile` will inflate at most, so they cannot be exceeded by lying).
"""

from __future__ import annotations

import logging
import posixpath
import re
import shutil
import tempfile
import time
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from radix.core.db import session_scope, utcnow
from radix.core.errors import AppError, Conflict
from radix.core.jobs.engine import Cancelled, JobContext, enqueue, request_cancel
from radix.core.jobs.models import JobRun, JobStatus
from radix.core.storage import blobs
from radix.core.tenancy import set_scope
from radix.imaging import store
from radix.imaging.upload.models import Upload, UploadStatus

log = logging.getLogger(__name__)

#: manual 4 §4.1.5: ZIP files up to 2 GB inclusive
MAX_UPLOAD_BYTES = 2 * 1024**3
#: an entry inflating more than this many times its compressed size is taken for a bomb …
MAX_RATIO = 200
#: … once it is larger than this (small files of zeros are harmless)
RATIO_MIN_BYTES = 4 * 1024**2
#: one DICOM file is read into memory to be ingested
MAX_ENTRY_BYTES = 1024**3
#: everything the archive would inflate to
MAX_TOTAL_BYTES = 16 * 1024**3
MAX_ENTRIES = 200_000
#: rejected entries listed in the report (the counts are always complete)
MAX_REPORT = 1000

JOB_TYPE = "imaging.upload"


class UploadRejected(AppError):
    status_code = 422
    code = "UPLOAD_REJECTED"


# --- intake ---------------------------------------------------------------------------------------


def clean_file_name(name: str | None) -> str:
    """The file name without any client path (``C:\\fakepath\\x.zip``) or control characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip()
    return base[:255] or "upload.zip"


def start(session: Session, *, tenant_id: int, file_name: str, size: int, data: IO[bytes]) -> Upload:
    """Keep the ZIP in the blob store, record the upload and enqueue its archiving job."""
    key = f"uploads/{tenant_id}/{uuid.uuid4().hex}.zip"
    data.seek(0)
    blobs().put(key, data)
    upload = Upload(tenant_id=tenant_id, file_name=file_name, size_bytes=size, status=UploadStatus.RECEIVED,
                    blob_key=key, report=[], study_uids=[], message="请求已接收，等待归档")
    session.add(upload)
    session.flush()
    run = enqueue(session, JOB_TYPE, name=f"影像上传归档：{file_name}"[:128], params={"uploadId": upload.id},
                  target_type="upload", target_id=upload.id, tenant_id=tenant_id)
    upload.job_id = run.id
    session.flush()
    return upload


def cancel(session: Session, upload: Upload) -> Upload:
    """取消上传: a queued upload is cancelled at once; a running one stops at its next entry."""
    if not upload.status.live:
        raise Conflict(f"上传{upload.status.zh}，不能取消", code="UPLOAD_NOT_CANCELLABLE")
    run = session.get(JobRun, upload.job_id) if upload.job_id else None
    if run is not None:
        request_cancel(session, run)
    running = run is not None and run.status == JobStatus.RUNNING and upload.status == UploadStatus.ARCHIVING
    if running:
        upload.message = "正在取消…"
    else:
        done = session.execute(
            sa.update(Upload).where(Upload.id == upload.id, Upload.status == UploadStatus.RECEIVED)
            .values(status=UploadStatus.CANCELLED, finished_at=utcnow(), message="上传已取消")
            .execution_options(synchronize_session=False)
        ).rowcount
        if done and upload.blob_key:
            blobs().delete(upload.blob_key)
            session.execute(sa.update(Upload).where(Upload.id == upload.id).values(blob_key=None)
                            .execution_options(synchronize_session=False))
    session.flush()
    session.refresh(upload)
    return upload


def progress_of(session: Session, uploads: list[Upload]) -> dict[int, int]:
    ids = [u.job_id for u in uploads if u.job_id]
    if not ids:
        return {}
    return dict(session.execute(sa.select(JobRun.id, JobRun.progress).where(JobRun.id.in_(ids))).all())


# --- checking entries ------------------------------------------------------------------------------


@dataclass
class Entry:
    info: zipfile.ZipInfo
    name: str


@dataclass
class Outcome:
    total: int = 0
    stored: int = 0
    duplicates: int = 0
    failed: int = 0
    non_dicom: int = 0
    rejected: int = 0
    report: list[dict[str, str]] = field(default_factory=list)
    studies: list[str] = field(default_factory=list)

    def note(self, kind: str, entry: str, reason: str) -> None:
        if kind == "non_dicom":
            self.non_dicom += 1
        elif kind == "rejected":
            self.rejected += 1
        else:
            self.failed += 1
        if len(self.report) < MAX_REPORT:
            self.report.append({"entry": entry[:255], "kind": kind, "reason": reason[:300]})

    def counts(self) -> dict[str, Any]:
        return {
            "total_entries": self.total,
            "stored_count": self.stored,
            "duplicate_count": self.duplicates,
            "failed_count": self.failed,
            "non_dicom_count": self.non_dicom,
            "rejected_count": self.rejected,
            "report": list(self.report),
            "study_uids": list(self.studies),
        }


def display_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its author wrote it: ZIPs made on Chinese Windows store GBK names without
    the UTF-8 flag, which :mod:`zipfile` reads as CP437."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


_SKIPPED = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)", re.IGNORECASE)


def unsafe_reason(info: zipfile.ZipInfo, name: str) -> str | None:
    """Why an entry is refused before it is read (None when it may be read)."""
    path = name.replace("\\", "/")
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path):
        return "使用了绝对路径，已拒绝"
    if ".." in path.split("/"):
        return "路径包含“..”（路径穿越），已拒绝"
    mode = (info.external_attr >> 16) & 0o170000
    if mode == 0o120000:
        return "是符号链接，已拒绝"
    if mode and mode not in (0o100000, 0o040000):
        return "不是普通文件（设备或管道等），已拒绝"
    if info.flag_bits & 0x1:
        return "文件已加密，无法读取"
    if info.file_size > MAX_ENTRY_BYTES:
        return f"单个文件超过 {MAX_ENTRY_BYTES // 1024**2} MB，已拒绝"
    if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return f"压缩比超过 {MAX_RATIO}:1（疑似压缩炸弹），已拒绝"
    return None


def plan(zf: zipfile.ZipFile, outcome: Outcome) -> list[Entry]:
    """The entries to read, after refusing the unsafe ones; raises for a whole-archive bomb."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise UploadRejected(f"压缩包中的文件超过 {MAX_ENTRIES} 个，已拒绝", code="UPLOAD_TOO_MANY_ENTRIES")
    total = sum(i.file_size for i in infos if not i.is_dir())
    if total > MAX_TOTAL_BYTES:
        raise UploadRejected(
            f"压缩包解压后共 {total / 1024**3:.1f} GB，超过 {MAX_TOTAL_BYTES / 1024**3:.0f} GB 的上限（疑似压缩炸弹），已拒绝",
            code="UPLOAD_BOMB")
    entries: list[Entry] = []
    for info in infos:
        name = display_name(info)
        if info.is_dir() and not (info.external_attr >> 16) & 0o170000 == 0o120000:
            continue
        if _SKIPPED.search(name.replace("\\", "/")):
            continue
        outcome.total += 1
        reason = unsafe_reason(info, name)
        if reason:
            outcome.note("rejected", name, reason)
            continue
        entries.append(Entry(info, name))
    return entries


def read_dicom(zf: zipfile.ZipFile, entry: Entry) -> tuple[bytes | None, str | None]:
    """(bytes, None) for a DICOM Part 10 file, (None, reason) for anything else."""
    base = posixpath.basename(entry.name.replace("\\", "/")).upper()
    if base == "DICOMDIR":
        return None, "DICOMDIR 目录文件，无需归档"
    with zf.open(entry.info) as fh:
        head = fh.read(132)
        if len(head) < 132 or head[128:132] != b"DICM":
            return None, "不是 DICOM 文件"
        rest = fh.read(MAX_ENTRY_BYTES + 1 - len(head))
    return head + rest, None


# --- the archiving job -------------------------------------------------------------------------------


def _update(ctx: JobContext, upload_id: int, *where: Any, **values: Any) -> int:
    """Write the upload row in its own short transaction (the list and the cancel route see it at once)."""
    with session_scope() as s:
        set_scope(s, ctx.scope)
        return s.execute(sa.update(Upload).where(Upload.id == upload_id, *where).values(**values)
                         .execution_options(synchronize_session=False)).rowcount


@contextmanager
def _opened(key: str) -> Iterator[IO[bytes]]:
    """The ZIP as a seekable file (an object store's stream is spooled to a temporary file first)."""
    fh = blobs().open(key)
    try:
        if getattr(fh, "seekable", lambda: False)():
            yield fh
            return
        with tempfile.TemporaryFile() as tmp:
            shutil.copyfileobj(fh, tmp, 1024 * 1024)
            tmp.seek(0)
            yield tmp
    finally:
        fh.close()


def _summary(o: Outcome) -> str:
    parts = [f"已归档 {o.stored} 个"]
    if o.duplicates:
        parts.append(f"其中 {o.duplicates} 个已存在")
    if o.failed:
        parts.append(f"失败 {o.failed} 个")
    if o.non_dicom:
        parts.append(f"非 DICOM 文件 {o.non_dicom} 个")
    if o.rejected:
        parts.append(f"拒绝 {o.rejected} 个")
    return "，".join(parts)


def archive(ctx: JobContext) -> dict[str, Any]:
    upload_id = int(ctx.params["uploadId"])
    with session_scope(commit=False) as s:
        set_scope(s, ctx.scope)
        upload = s.get(Upload, upload_id)
        if upload is None:
            raise AppError("上传记录不存在", code="UPLOAD_NOT_FOUND")
        key, tenant_id, file_name = upload.blob_key, upload.tenant_id, upload.file_name
    started = _update(ctx, upload_id, Upload.status == UploadStatus.RECEIVED,
                      status=UploadStatus.ARCHIVING, started_at=utcnow(), message="归档中")
    if not started or key is None:
        ctx.check_cancelled()  # cancelled while it was being picked up: the run ends cancelled too
        return {"message": "上传已取消或已处理"}
    outcome = Outcome()
    arrival = store.Arrival(tenant_id=tenant_id, source="upload", node=f"本地上传#{upload_id}")
    live = Upload.status == UploadStatus.ARCHIVING
    try:
        with _opened(key) as fh:
            try:
                zf = zipfile.ZipFile(fh)
            except (zipfile.BadZipFile, OSError, ValueError) as exc:
                raise UploadRejected(f"文件不是有效的 ZIP 压缩包：{exc}", code="UPLOAD_BAD_ZIP") from None
            with zf:
                entries = plan(zf, outcome)
                ctx.progress(1, f"共 {outcome.total} 个文件，开始归档")
                last = time.monotonic()
                for n, entry in enumerate(entries, start=1):
                    ctx.check_cancelled()
                    try:
                        raw, reason = read_dicom(zf, entry)
                    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
                        raw, reason = None, f"无法解压：{exc}"
                        outcome.note("failed", entry.name, reason)
                        continue
                    if raw is None:
                        outcome.note("non_dicom", entry.name, reason or "不是 DICOM 文件")
                        continue
                    result = store.ingest(raw, arrival)
                    del raw
                    if result.ok:
                        outcome.stored += 1
                        outcome.duplicates += int(result.duplicate)
                        if result.study_uid and result.study_uid not in outcome.studies and len(outcome.studies) < 200:
                            outcome.studies.append(result.study_uid)
                    else:
                        outcome.note("failed", entry.name, result.message or "归档失败")
                    if time.monotonic() - last > 1.0 or n == len(entries):
                        last = time.monotonic()
                        ctx.progress(1 + 98 * n / max(len(entries), 1), f"正在归档 {n}/{len(entries)}：{entry.name[-80:]}")
                        _update(ctx, upload_id, live, **{k: v for k, v in outcome.counts().items() if k != "report"})
    except Cancelled:
        _update(ctx, upload_id, Upload.status.in_([UploadStatus.ARCHIVING, UploadStatus.RECEIVED]),
                status=UploadStatus.CANCELLED, finished_at=utcnow(), blob_key=None,
                message=f"上传已取消（取消前{_summary(outcome)}）", **outcome.counts())
        blobs().delete(key)
        raise
    except UploadRejected as exc:
        _update(ctx, upload_id, live, status=UploadStatus.FAILED, finished_at=utcnow(), blob_key=None,
                message=exc.message[:500], **outcome.counts())
        blobs().delete(key)
        raise
    except Exception:
        log.exception("upload %s failed", upload_id)
        _update(ctx, upload_id, live, status=UploadStatus.FAILED, finished_at=utcnow(), blob_key=None,
                message="归档过程中发生内部错误，请重新上传或联系管理员", **outcome.counts())
        blobs().delete(key)
        raise
    blobs().delete(key)
    summary = _summary(outcome)
    if outcome.stored == 0:
        why = "所有 DICOM 文件均归档失败" if outcome.failed else "压缩包中没有可归档的 DICOM 文件"
        message = f"影像归档失败：{why}（{summary}）"
        _update(ctx, upload_id, live, status=UploadStatus.FAILED, finished_at=utcnow(), blob_key=None,
                message=message[:500], **outcome.counts())
        raise AppError(message, code="UPLOAD_NOTHING_ARCHIVED", extra={"fileName": file_name})
    _update(ctx, upload_id, live, status=UploadStatus.ARCHIVED, finished_at=utcnow(), blob_key=None,
            message=summary[:500], **outcome.counts())
    return {"message": summary, "stored": outcome.stored, "failed": outcome.failed, "nonDicom": outcome.non_dicom,
            "rejected": outcome.rejected}
