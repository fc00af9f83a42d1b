"""Archive routes beyond the generic lists: the image detail page (影像数据详情: basic information,
DICOM tags, the event chain) and patient merges (manual 3 §2.3.1)."""

from __future__ import annotations

import base64
import json
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request
from pydantic import Field
from sqlalchemy.orm import Session

from radix.core import audit
from radix.core.errors import NotFound
from radix.core.resource import Ctx, row_dict
from radix.core.schemas import AppModel, F
from radix.core.security import Principal, current_principal, get_session, require
from radix.imaging import resource
from radix.imaging.identity import service as identity
from radix.imaging.identity.models import MergeReason
from radix.imaging.identity.schemas import MergeHistory, MergeIn, MergeRead
from radix.imaging.models import ImageEvent, Instance, Patient, Series, Study
from radix.imaging.schemas import ImageEventRead, InstanceRead, StudyRead

router = APIRouter()

#: a tag value longer than this is cut in the detail page
MAX_VALUE = 256


# --- 影像数据详情 ------------------------------------------------------------------------------------


class SeriesBrief(AppModel):
    id: int = F(zh="编号", en="ID")
    series_uid: str = F(zh="序列UID", en="Series UID")
    modality: str | None = F(None, zh="模态", en="Modality")
    series_number: int | None = F(None, zh="序列号", en="Series No.")
    description: str | None = F(None, zh="序列描述", en="Description")
    body_part: str | None = F(None, zh="检查部位", en="Body part")
    num_instances: int = F(zh="图像数", en="Images")
    size_bytes: int = F(zh="大小（字节）", en="Size (bytes)")


class TagRow(AppModel):
    tag: str = F(zh="标签", en="Tag", description="(gggg,eeee)")
    keyword: str = F(zh="关键字", en="Keyword")
    name: str = F(zh="名称", en="Name")
    vr: str = F(zh="VR", en="VR")
    value: str = F(zh="值", en="Value")
    depth: int = F(0, zh="层级", en="Depth", description="序列中的元素为 1、2…")


class InstanceDetail(AppModel):
    instance: InstanceRead
    study: StudyRead
    series: SeriesBrief
    tags: list[TagRow] = Field(default_factory=list)
    events: list[ImageEventRead] = Field(default_factory=list)


def _tag_text(tag: str) -> str:
    return f"({tag[:4]},{tag[4:]})".upper()


def _describe(tag: str) -> tuple[str, str]:
    from pydicom.datadict import dictionary_description, dictionary_keyword

    number = int(tag, 16)
    if (number >> 16) % 2 == 1:
        return "", "私有标签"
    try:
        return dictionary_keyword(number), dictionary_description(number)
    except KeyError:
        return "", "未知标签"


def _value_text(element: dict[str, Any], bulk_length: int | None) -> str:
    if "BulkDataURI" in element or "InlineBinary" in element:
        n = bulk_length
        if n is None and "InlineBinary" in element:
            try:
                n = len(base64.b64decode(element["InlineBinary"]))
            except ValueError:
                n = None
        return f"<二进制数据 {n} 字节>" if n is not None else "<二进制数据>"
    values = element.get("Value")
    if not values:
        return ""
    parts = []
    for v in values:
        if isinstance(v, dict):  # PN: alphabetic = ideographic = phonetic
            parts.append("=".join(v.get(k, "") for k in ("Alphabetic", "Ideographic", "Phonetic")).rstrip("="))
        else:
            parts.append(str(v))
    text = "\\".join(parts)
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE] + f"…（共 {len(text)} 个字符）"


def _bulk_lengths(inst: Instance, data: dict[str, Any]) -> dict[str, int]:
    """Lengths of top-level bulk data elements: Pixel Data from the index, others from the file header."""
    out: dict[str, int] = {}
    if "7FE00010" in data and inst.pixel_offset is not None:
        out["7FE00010"] = inst.pixel_length if inst.pixel_length is not None else max(inst.size_bytes - inst.pixel_offset, 0)
    others = [t for t, e in data.items() if "BulkDataURI" in e and t not in out]
    if others:
        try:
            import pydicom

            from radix.core.storage import blobs

            with blobs().open(inst.blob_key) as fh:
                ds = pydicom.dcmread(fh, defer_size=256, stop_before_pixels=True)
                for t in others:
                    number = int(t, 16)
                    if number in ds:
                        length = ds.get_item(number, keep_deferred=True).length
                        if length != 0xFFFFFFFF:
                            out[t] = int(length)
        except Exception:  # the page shows "<二进制数据>" without a length rather than failing
            pass
    return out


def flatten_tags(inst: Instance) -> list[dict[str, Any]]:
    try:
        data = json.loads(inst.metadata_json or "{}")
    except ValueError:
        return []
    lengths = _bulk_lengths(inst, data)
    rows: list[dict[str, Any]] = []

    def walk(items: dict[str, Any], depth: int) -> None:
        for tag in sorted(items):
            element = items[tag]
            keyword, name = _describe(tag)
            vr = element.get("vr", "")
            if vr == "SQ":
                seq = element.get("Value") or []
                rows.append({"tag": _tag_text(tag), "keyword": keyword, "name": name, "vr": vr,
                             "value": f"<序列，{len(seq)} 项>", "depth": depth})
                for item in seq:
                    if isinstance(item, dict) and len(rows) < 5000:
                        walk(item, depth + 1)
                continue
            rows.append({"tag": _tag_text(tag), "keyword": keyword, "name": name, "vr": vr,
                         "value": _value_text(element, lengths.get(tag) if depth == 0 else None), "depth": depth})

    walk(data, 0)
    return rows


@router.get(
    "/imaging/instances/{id}/detail",
    response_model=InstanceDetail,
    summary="影像数据详情（基本信息、DICOM 信息、影像事件）",
    tags=[resource.instances.zh],
    dependencies=[require(resource.instances.permission("query"))],
)
def instance_detail(request: Request, inst: Instance = resource.instances.load, session: Session = get_session,
                    principal: Principal = current_principal) -> Any:
    from radix.platform.log import service as log_service

    ctx = Ctx(session, principal, request)
    study = session.get(Study, inst.study_ref)
    series = session.get(Series, inst.series_ref)
    if study is None or series is None:
        raise NotFound("影像数据不存在或已被删除")
    events = list(session.scalars(sa.select(ImageEvent).where(
        ImageEvent.tenant_id == inst.tenant_id, ImageEvent.sop_uid == inst.sop_uid).order_by(ImageEvent.at, ImageEvent.id)))
    log_service.record_view(session, request, principal, page=f"/imaging/instance/{inst.id}", title="影像调阅",
                            target_type="study", target_id=study.id)
    return {
        "instance": resource.instances.service.read(ctx, inst),
        "study": resource.studies.service.read(ctx, study),
        "series": row_dict(series),
        "tags": flatten_tags(inst),
        "events": resource.events.service.read_many(ctx, events),
    }


# --- patient merges ------------------------------------------------------------------------------


def _merge_read(session: Session, record: Any) -> dict[str, Any]:
    ids = {record.from_ref, record.into_ref}
    people = {p.id: p for p in session.scalars(sa.select(Patient).where(Patient.id.in_(ids)))}
    return identity.describe(record, people)


@router.post(
    "/imaging/patients/{id}/merge",
    response_model=MergeRead,
    summary="合并患者（把该患者的检查并入另一患者）",
    tags=[resource.patients.zh],
    dependencies=[require(resource.patients.permission("merge")), audit.audit("UPDATE", "合并患者")],
)
def merge_patient(data: MergeIn, patient: Patient = resource.patients.load, session: Session = get_session) -> Any:
    into = session.get(Patient, data.into_id)
    if into is None:
        raise NotFound("要合并到的患者不存在或已被删除", code="MERGE_TARGET_NOT_FOUND")
    record = identity.merge(session, source=patient, into=into, reason=MergeReason.MANUAL, remark=data.remark)
    return _merge_read(session, record)


@router.post(
    "/imaging/patients/{id}/unmerge",
    response_model=MergeRead,
    summary="撤销合并（移回合并时移走的检查）",
    tags=[resource.patients.zh],
    dependencies=[require(resource.patients.permission("unmerge")), audit.audit("UPDATE", "撤销合并患者")],
)
def unmerge_patient(patient: Patient = resource.patients.load, session: Session = get_session) -> Any:
    record = identity.unmerge(session, patient)
    return _merge_read(session, record)


@router.get(
    "/imaging/patients/{id}/merges",
    response_model=MergeHistory,
    summary="患者合并记录及其他患者号",
    tags=[resource.patients.zh],
    dependencies=[require(resource.patients.permission("query"))],
)
def patient_merges(patient: Patient = resource.patients.load, session: Session = get_session) -> Any:
    return {"items": identity.history(session, patient), "aliases": identity.aliases(session, patient)}
