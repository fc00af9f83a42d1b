"""STOW-RS (PS3.18 10.5): store instances from a multipart/related body.

The body is read as a stream; each part is spooled and handed to the archive's one way in
(``store.ingest``, source ``stow``) as soon as it is complete, so a large request never sits in
memory whole. The answer is the Store Instances Response dataset: ReferencedSOPSequence with a
RetrieveURL per stored instance, FailedSOPSequence with a FailureReason per refused one;
200 when all were stored, 202 when some failed, 409 when none was stored.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import anyio
import pydicom
from fastapi import Request, Response

from radix.core.audit import set_target
from radix.imaging import store
from radix.imaging.dicomweb import multipart as mp
from radix.imaging.dicomweb.access import Access
from radix.imaging.dicomweb.errors import BadRequest, UnsupportedMediaType

log = logging.getLogger(__name__)

DICOM = "application/dicom"
#: one instance may be this large (the same bound as a ZIP upload)
MAX_INSTANCE_BYTES = 2 * 1024**3

# FailureReason values (PS3.18 Table I.2-?, PS3.4 B.2.3)
PROCESSING_FAILURE = 0x0110
SOP_CLASS_NOT_SUPPORTED = 0x0122
OUT_OF_RESOURCES = 0xA700
DATASET_DOES_NOT_MATCH = 0xA900
CANNOT_UNDERSTAND = 0xC000


@dataclass
class Outcome:
    stored: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    studies: set[str] = field(default_factory=set)


@dataclass
class Target:
    tenant_id: int
    institution_id: int | None
    node: str


def target_of(access: Access) -> Target:
    from radix.platform.institution import service as institution_service

    principal = access.principal
    assert principal is not None
    main = institution_service.main_of(access.session, principal.tenant_id)
    return Target(tenant_id=principal.tenant_id, institution_id=main.id if main else None,
                  node=f"STOW-RS {principal.username}"[:100])


def _uids(raw: bytes) -> tuple[str | None, str | None, str | None]:
    """(SOP Class, SOP Instance, Study Instance UID) from the header, when it can be read."""
    try:
        ds = pydicom.dcmread(io.BytesIO(raw), stop_before_pixels=True,
                             specific_tags=["SOPClassUID", "SOPInstanceUID", "StudyInstanceUID"])
    except Exception:
        return None, None, None

    def text(keyword: str) -> str | None:
        value = ds.get(keyword)
        return str(value).strip() or None if value else None

    return text("SOPClassUID"), text("SOPInstanceUID"), text("StudyInstanceUID")


def _failed(sop_class: str | None, sop_uid: str | None, reason: int) -> dict[str, Any]:
    item: dict[str, Any] = {"00081197": {"vr": "US", "Value": [reason]}}
    if sop_class:
        item["00081150"] = {"vr": "UI", "Value": [sop_class]}
    if sop_uid:
        item["00081155"] = {"vr": "UI", "Value": [sop_uid]}
    return dict(sorted(item.items()))


def _reason(status: int) -> int:
    if status in (store.FAILURE_OUT_OF_RESOURCES, store.FAILURE_DUPLICATE_REJECTED,
                  store.FAILURE_CANNOT_UNDERSTAND):
        return status
    if status == store.FAILURE_REFUSED:
        return SOP_CLASS_NOT_SUPPORTED
    return PROCESSING_FAILURE


def store_part(raw: bytes, target: Target, study_uid: str | None, access: Access, outcome: Outcome) -> None:
    """Ingest one part (in a worker thread: ingest does blocking I/O and its own transaction)."""
    sop_class, sop_uid, part_study = _uids(raw)
    if study_uid is not None and part_study is not None and part_study != study_uid:
        outcome.failed.append(_failed(sop_class, sop_uid, DATASET_DOES_NOT_MATCH))
        return
    result = store.ingest(raw, store.Arrival(tenant_id=target.tenant_id, institution_id=target.institution_id,
                                             source="stow", node=target.node))
    if study_uid is not None and result.ok and result.study_uid != study_uid:  # header unreadable above
        outcome.failed.append(_failed(result.sop_class_uid, result.sop_uid, DATASET_DOES_NOT_MATCH))
        return
    if not result.ok:
        outcome.failed.append(_failed(result.sop_class_uid or sop_class, result.sop_uid or sop_uid,
                                      _reason(result.status)))
        return
    item: dict[str, Any] = {
        "00081150": {"vr": "UI", "Value": [result.sop_class_uid]},
        "00081155": {"vr": "UI", "Value": [result.sop_uid]},
        "00081190": {"vr": "UR", "Value": [access.instance_url(result.study_uid, result.series_uid,
                                                                result.sop_uid)]},
    }
    if result.status == store.WARNING_COERCED:
        item["00081196"] = {"vr": "US", "Value": [store.WARNING_COERCED]}
    outcome.stored.append(item)
    outcome.studies.add(result.study_uid)


async def _body(request: Request) -> AsyncIterator[bytes]:
    async for chunk in request.stream():
        if chunk:
            yield chunk


async def handle(request: Request, access: Access, study_uid: str | None) -> Response:
    if study_uid is not None and (len(study_uid) > 64 or not re.fullmatch(r"[0-9]+(\.[0-9]+)*", study_uid)):
        raise BadRequest("路径中的 StudyInstanceUID 不是有效的 UID", code="BAD_UID")
    ctype = mp.parse_content_type(request.headers.get("content-type"))
    target = await anyio.to_thread.run_sync(target_of, access)
    # the request's own unit of work ends here: ingest commits in its own transactions, and an
    # open write transaction (the session's last-seen stamp) must not hold the database meanwhile
    await anyio.to_thread.run_sync(access.session.commit)
    outcome = Outcome()
    if ctype.type == DICOM:  # a single instance as the whole body
        raw = await request.body()
        if not raw:
            raise BadRequest("请求中没有 DICOM 实例", code="EMPTY_STOW")
        await anyio.to_thread.run_sync(store_part, raw, target, study_uid, access, outcome)
    elif ctype.type == "multipart/related":
        part_type = (ctype.param("type") or DICOM).lower()
        if part_type != DICOM:
            raise UnsupportedMediaType(
                f"暂不支持以 {part_type[:64]} 存储，请使用 multipart/related; type=\"application/dicom\"")
        boundary = ctype.param("boundary")
        if not boundary:
            raise BadRequest("Content-Type 缺少 boundary 参数", code="BAD_MULTIPART")
        count = 0
        async for part in mp.read_parts(_body(request), boundary, MAX_INSTANCE_BYTES):
            count += 1
            declared = (part.content_type or DICOM).split(";")[0].strip().lower()
            if part.too_large:
                outcome.failed.append(_failed(None, None, OUT_OF_RESOURCES))
            elif declared != DICOM or part.size == 0:
                outcome.failed.append(_failed(None, None, CANNOT_UNDERSTAND))
            else:
                raw = await anyio.to_thread.run_sync(part.read)
                await anyio.to_thread.run_sync(store_part, raw, target, study_uid, access, outcome)
        if count == 0:
            raise BadRequest("请求中没有 DICOM 实例", code="EMPTY_STOW")
    else:
        raise UnsupportedMediaType(
            "STOW-RS 请求的 Content-Type 应为 multipart/related; type=\"application/dicom\"")
    return _answer(access, outcome, study_uid)


def _answer(access: Access, outcome: Outcome, study_uid: str | None) -> Response:
    body: dict[str, Any] = {}
    studies = {study_uid} if study_uid else outcome.studies
    if len(studies) == 1 and outcome.stored:
        only = next(iter(studies))
        body["00081190"] = {"vr": "UR", "Value": [access.study_url(only)]}
        set_target(access.request, "study", only)
    if outcome.failed:
        body["00081198"] = {"vr": "SQ", "Value": outcome.failed}
    if outcome.stored:
        body["00081199"] = {"vr": "SQ", "Value": outcome.stored}
    status = 200 if not outcome.failed else (202 if outcome.stored else 409)
    log.info("STOW-RS: %d stored, %d failed", len(outcome.stored), len(outcome.failed))
    return Response(content=json.dumps(body, ensure_ascii=False).encode("utf-8"), status_code=status,
                    media_type="application/dicom+json")
