"""数据存储 (manual 3 §2.4.3.7, manual 1 §4.1): storage used by institution, modality, file type
(transfer syntax family) and day, from the index with portable GROUP BY queries. Tenant scope is the
session's: a regional administrator sees its members (``tenantId`` narrows to one)."""

from __future__ import annotations

import datetime as dt
import shutil
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Query
from pydantic import Field
from sqlalchemy.orm import Session

from radix.core import clock
from radix.core.resource import tenant_names
from radix.core.schemas import AppModel, F
from radix.core.security import get_session, require
from radix.imaging.models import Instance, Series, Study

router = APIRouter(prefix="/imaging/stats", tags=["数据存储"])

DAYS = 30

#: transfer syntax families, in the order the chart shows them
UNCOMPRESSED, JPEG, J2K, JLS, RLE, OTHER = "未压缩", "JPEG", "JPEG 2000", "JPEG-LS", "RLE", "其他"
FAMILIES = (UNCOMPRESSED, JPEG, J2K, JLS, RLE, OTHER)


def family(ts: str | None) -> str:
    ts = (ts or "").strip()
    if ts in ("1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2"):
        return UNCOMPRESSED
    if ts == "1.2.840.10008.1.2.5":
        return RLE
    prefix = "1.2.840.10008.1.2.4."
    if ts.startswith(prefix):
        tail = ts[len(prefix):]
        if tail.isdigit():
            n = int(tail)
            if 50 <= n <= 70:
                return JPEG
            if n in (80, 81):
                return JLS
            if 90 <= n <= 93 or 201 <= n <= 204:  # JPEG 2000 and HTJ2K (JPEG 2000 Part 15)
                return J2K
    return OTHER


class Usage(AppModel):
    instances: int = F(0, zh="图像数", en="Images")
    bytes: int = F(0, zh="大小（字节）", en="Bytes")
    studies: int = F(0, zh="检查数", en="Studies")


class InstitutionUsage(Usage):
    tenant_id: int = F(zh="机构", en="Institution")
    name: str | None = F(None, zh="机构名称", en="Institution")


class ModalityUsage(Usage):
    modality: str = F(zh="检查类型", en="Modality")
    series: int = F(0, zh="序列数", en="Series")


class FileTypeUsage(AppModel):
    type: str = F(zh="文件类型", en="File type", description="未压缩 / JPEG / JPEG 2000 / JPEG-LS / RLE / 其他")
    instances: int = F(0, zh="图像数", en="Images")
    bytes: int = F(0, zh="大小（字节）", en="Bytes")


class DayUsage(AppModel):
    date: dt.date = F(zh="日期", en="Date")
    instances: int = F(0, zh="接收图像数", en="Images received")
    bytes: int = F(0, zh="接收大小（字节）", en="Bytes received")


class Disk(AppModel):
    total: int = F(zh="总空间（字节）", en="Total")
    used: int = F(zh="已用空间（字节）", en="Used")
    free: int = F(zh="剩余空间（字节）", en="Free")


class StorageStats(AppModel):
    total: Usage
    by_institution: list[InstitutionUsage] = Field(default_factory=list)
    by_modality: list[ModalityUsage] = Field(default_factory=list)
    by_file_type: list[FileTypeUsage] = Field(default_factory=list)
    by_day: list[DayUsage] = Field(default_factory=list)
    disk: Disk | None = F(None, zh="存储空间", en="Disk", description="文件存储所在磁盘（对象存储时为空）")


def _where(column: Any, tenant_id: int | None) -> list[Any]:
    return [column == tenant_id] if tenant_id is not None else []


def storage_usage(session: Session, *, tenant_id: int | None = None, today: dt.date | None = None) -> dict[str, Any]:
    total = session.execute(
        sa.select(sa.func.count(Study.id), sa.func.coalesce(sa.func.sum(Study.num_instances), 0),
                  sa.func.coalesce(sa.func.sum(Study.size_bytes), 0)).where(*_where(Study.tenant_id, tenant_id))
    ).one()

    rows = session.execute(
        sa.select(Study.tenant_id, sa.func.count(Study.id), sa.func.coalesce(sa.func.sum(Study.num_instances), 0),
                  sa.func.coalesce(sa.func.sum(Study.size_bytes), 0))
        .where(*_where(Study.tenant_id, tenant_id)).group_by(Study.tenant_id)
    ).all()
    names = tenant_names(session, {r[0] for r in rows})
    by_institution = sorted(
        ({"tenant_id": t, "name": names.get(t), "studies": n, "instances": int(i), "bytes": int(b)} for t, n, i, b in rows),
        key=lambda r: (-r["bytes"], r["tenant_id"]))

    rows = session.execute(
        sa.select(Series.modality, sa.func.count(Series.id), sa.func.count(sa.distinct(Series.study_ref)),
                  sa.func.coalesce(sa.func.sum(Series.num_instances), 0), sa.func.coalesce(sa.func.sum(Series.size_bytes), 0))
        .where(*_where(Series.tenant_id, tenant_id)).group_by(Series.modality)
    ).all()
    modalities: dict[str, dict[str, Any]] = {}
    for modality, series, studies, instances, size in rows:
        key = (modality or "").strip().upper() or "未知"
        entry = modalities.setdefault(key, {"modality": key, "series": 0, "studies": 0, "instances": 0, "bytes": 0})
        entry["series"] += series
        entry["studies"] += studies
        entry["instances"] += int(instances)
        entry["bytes"] += int(size)
    by_modality = sorted(modalities.values(), key=lambda r: (-r["bytes"], r["modality"]))

    rows = session.execute(
        sa.select(Instance.transfer_syntax, sa.func.count(Instance.id), sa.func.coalesce(sa.func.sum(Instance.size_bytes), 0))
        .where(*_where(Instance.tenant_id, tenant_id)).group_by(Instance.transfer_syntax)
    ).all()
    families = {f: {"type": f, "instances": 0, "bytes": 0} for f in FAMILIES}
    for ts, count, size in rows:
        entry = families[family(ts)]
        entry["instances"] += count
        entry["bytes"] += int(size)
    by_file_type = [v for v in families.values() if v["instances"]]

    # the last 30 days in the display time zone, one SUM(CASE …) per day: portable, one scan of the index range
    today = today or clock.today()
    days = [today - dt.timedelta(days=DAYS - 1 - k) for k in range(DAYS)]
    bounds = [clock.day_start(d) for d in days]
    bounds.append(clock.day_start(today + dt.timedelta(days=1)))
    columns = []
    for k in range(DAYS):
        inside = sa.and_(Instance.received_at >= bounds[k], Instance.received_at < bounds[k + 1])
        columns.append(sa.func.coalesce(sa.func.sum(sa.case((inside, 1), else_=0)), 0))
        columns.append(sa.func.coalesce(sa.func.sum(sa.case((inside, Instance.size_bytes), else_=0)), 0))
    values = session.execute(
        sa.select(*columns).where(Instance.received_at >= bounds[0], Instance.received_at < bounds[-1],
                                  *_where(Instance.tenant_id, tenant_id))
    ).one()
    by_day = [{"date": days[k], "instances": int(values[2 * k]), "bytes": int(values[2 * k + 1])} for k in range(DAYS)]

    return {
        "total": {"studies": total[0], "instances": int(total[1]), "bytes": int(total[2])},
        "by_institution": by_institution,
        "by_modality": by_modality,
        "by_file_type": by_file_type,
        "by_day": by_day,
        "disk": _disk(),
    }


def _disk() -> dict[str, int] | None:
    from radix.core.storage import FileBlobStore, blobs

    store = blobs()
    if not isinstance(store, FileBlobStore):
        return None
    path = store.root
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        usage = shutil.disk_usage(path)
    except OSError:
        return None
    return {"total": usage.total, "used": usage.used, "free": usage.free}


@router.get(
    "/storage",
    response_model=StorageStats,
    summary="存储使用情况（按机构、检查类型、文件类型、日期）",
    dependencies=[require("imaging:storage:query")],
)
def storage(
    tenant_id: Annotated[int | None, Query(alias="tenantId", ge=1, le=2**62, title="机构")] = None,
    session: Session = get_session,
) -> Any:
    return storage_usage(session, tenant_id=tenant_id)
