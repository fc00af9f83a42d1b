"""序列管理 (manual 2 §3.1.28): split a series into two by hand, and make a new series of the images
shown in the current window.

New series are new DICOM: each image is a copy of its source with a new SOP Instance UID, the new
Series Instance UID, number and description, instance numbers 1…n, and the pixel data untouched. They
enter the archive through ``store.ingest`` like any other arrival (source ``viewer``), so indexes,
counts, thumbnails and image events stay right; the source series is never changed.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pydicom
import sqlalchemy as sa
from pydicom.dataset import Dataset
from pydicom.uid import generate_uid
from sqlalchemy.orm import Session

from radix.core.errors import AppError, Invalid, NotFound
from radix.core.storage import blobs
from radix.imaging import store
from radix.imaging.models import Instance, Series, Study

#: images one request may copy (a long CT is a few thousand)
MAX_IMAGES = 5000
SOURCE = "viewer"


class IngestFailed(AppError):
    status_code = 503
    code = "SERIES_STORE_FAILED"
    message = "新序列存档失败，请稍后重试"


@dataclass
class NewSeries:
    study_uid: str
    series_uid: str
    series_number: int
    description: str
    modality: str | None
    count: int


def study_or_404(session: Session, study_uid: str) -> Study:
    study = session.scalar(sa.select(Study).where(Study.study_uid == study_uid).limit(1))
    if study is None:
        raise NotFound("检查不存在或已被删除", code="STUDY_NOT_FOUND")
    return study


def series_or_404(session: Session, study: Study, series_uid: str) -> Series:
    series = session.scalar(sa.select(Series).where(Series.study_ref == study.id, Series.series_uid == series_uid))
    if series is None:
        raise NotFound("序列不存在或已被删除", code="SERIES_NOT_FOUND")
    return series


def _tag(meta: dict[str, Any], tag: str) -> list[Any] | None:
    value = meta.get(tag, {}).get("Value")
    return value if isinstance(value, list) else None


def viewer_order(instances: Iterable[Instance]) -> list[Instance]:
    """The order the viewer shows a stack in (``sortInstances`` in the viewer's ``logic/dicom.ts``): along
    the slice normal, head first, when every image has a position and the same orientation; else by
    instance number. A split "at image n" means the same images here as on the screen."""
    rows = []
    for inst in instances:
        meta = json.loads(inst.metadata_json or "{}")
        rows.append((inst, _tag(meta, "00200032"), _tag(meta, "00200037")))
    if not rows:
        return []
    iop = rows[0][2]

    def number(inst: Instance) -> int:
        return inst.instance_number or 0

    same = iop is not None and len(iop) == 6 and all(
        pos is not None and len(pos) == 3 and o is not None and len(o) == 6
        and all(abs(float(a) - float(b)) < 1e-4 for a, b in zip(o, iop, strict=True))
        for _, pos, o in rows)
    if not same:
        return [inst for inst, _, _ in sorted(rows, key=lambda r: (number(r[0]), r[0].id))]
    r = [float(v) for v in iop]  # type: ignore[union-attr]
    normal = (r[1] * r[5] - r[2] * r[4], r[2] * r[3] - r[0] * r[5], r[0] * r[4] - r[1] * r[3])
    return [inst for inst, _, _ in sorted(
        rows, key=lambda row: (-sum(float(p) * n for p, n in zip(row[1], normal, strict=True)), number(row[0]), row[0].id))]


def ordered_instances(session: Session, series: Series) -> list[Instance]:
    rows = list(session.scalars(sa.select(Instance).where(Instance.series_ref == series.id).limit(MAX_IMAGES + 1)))
    if len(rows) > MAX_IMAGES:
        raise Invalid(f"序列影像超过 {MAX_IMAGES} 张，不能在阅片中拆分", code="SERIES_TOO_LARGE")
    return viewer_order(rows)


def next_series_number(session: Session, study: Study) -> int:
    highest = session.scalar(sa.select(sa.func.max(Series.series_number)).where(Series.study_ref == study.id))
    return int(highest or 0) + 1


def _copy(raw: bytes, *, series_uid: str, number: int, description: str, instance_number: int) -> bytes:
    ds: Dataset = pydicom.dcmread(io.BytesIO(raw))
    source_sop, source_class = str(ds.SOPInstanceUID), str(ds.SOPClassUID)
    sop_uid = generate_uid()
    ds.SOPInstanceUID = sop_uid
    if getattr(ds, "file_meta", None) is not None:
        ds.file_meta.MediaStorageSOPInstanceUID = sop_uid
    ds.SeriesInstanceUID = series_uid
    ds.SeriesNumber = number
    ds.SeriesDescription = description[:64]
    ds.InstanceNumber = instance_number
    # where it came from (General Image module, Source Image Sequence)
    source = Dataset()
    source.ReferencedSOPClassUID = source_class
    source.ReferencedSOPInstanceUID = source_sop
    ds.SourceImageSequence = [source]
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


def _ingest_series(study: Study, sources: list[Instance], *, number: int, description: str,
                   modality: str | None) -> NewSeries:
    series_uid = generate_uid()
    storage = blobs()
    arrival = store.Arrival(tenant_id=study.tenant_id, institution_id=study.institution_id, source=SOURCE,
                            node="阅片序列管理")
    for n, inst in enumerate(sources, start=1):
        raw = _copy(storage.get(inst.blob_key), series_uid=series_uid, number=number, description=description,
                    instance_number=n)
        result = store.ingest(raw, arrival)
        if not result.ok:
            raise IngestFailed(f"新序列第 {n} 张影像存档失败：{result.message}")
    return NewSeries(study.study_uid, series_uid, number, description, modality, len(sources))


def _description(series: Series, suffix: str) -> str:
    base = (series.description or series.modality or "序列").strip()
    return f"{base} {suffix}"[:64]


def split_series(session: Session, *, study_uid: str, series_uid: str, split_at: int) -> list[NewSeries]:
    """Two new series: images 1…``split_at`` and ``split_at``+1…n of the series in viewer order."""
    study = study_or_404(session, study_uid)
    series = series_or_404(session, study, series_uid)
    images = ordered_instances(session, series)
    if len(images) < 2:
        raise Invalid("只有一张影像的序列不能拆分", code="SERIES_TOO_SMALL")
    if not 1 <= split_at < len(images):
        raise Invalid.field("splitAt", f"拆分位置应在 1 到 {len(images) - 1} 之间（该序列共 {len(images)} 张）",
                            code="SPLIT_OUT_OF_RANGE")
    number = next_series_number(session, study)
    parts = (images[:split_at], images[split_at:])
    out = []
    for k, part in enumerate(parts):
        out.append(_ingest_series(study, part, number=number + k, description=_description(series, f"拆分{k + 1}"),
                                  modality=series.modality))
    return out


def series_from_images(session: Session, *, study_uid: str, sop_uids: list[str], description: str | None) -> NewSeries:
    """One new series of the given images (of this study), in the order given."""
    study = study_or_404(session, study_uid)
    if len(set(sop_uids)) != len(sop_uids):
        raise Invalid.field("sopUids", "同一张影像不能重复加入新序列", code="DUPLICATE_IMAGE")
    rows = {inst.sop_uid: inst for inst in session.scalars(
        sa.select(Instance).where(Instance.study_ref == study.id, Instance.sop_uid.in_(sop_uids)))}
    missing = [uid for uid in sop_uids if uid not in rows]
    if missing:
        raise NotFound(f"有 {len(missing)} 张影像不在该检查中或已被删除", code="IMAGE_NOT_FOUND")
    images = [rows[uid] for uid in sop_uids]
    first = session.get(Series, images[0].series_ref)
    assert first is not None
    number = next_series_number(session, study)
    text = (description or "").strip() or _description(first, "新增序列")
    return _ingest_series(study, images, number=number, description=text, modality=first.modality)
