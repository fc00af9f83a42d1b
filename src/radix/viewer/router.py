"""Viewer routes: the user's annotations of a study, the user's viewer settings, and a series as a
zip (下载影像, manual 2 §3.1.25)."""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Iterator
from typing import Annotated, Any
from urllib.parse import quote

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session

from radix.core import audit
from radix.core.errors import NotFound
from radix.core.resource import IdPath
from radix.core.security import Principal, current_principal, get_session, require
from radix.viewer import service
from radix.viewer.models import ViewerAnnotation
from radix.viewer.schemas import (UID, AnnotationCreate, AnnotationList, AnnotationRead, AnnotationUpdate,
                                  ViewerSettings)

router = APIRouter(prefix="/viewer", tags=["影像阅片"])

StudyUid = Annotated[str, Query(alias="studyUid", max_length=64, pattern=UID, title="检查UID")]
UidPath = Annotated[str, Path(max_length=64, pattern=UID)]


def _annotation(id: IdPath, session: Session = get_session, principal: Principal = current_principal) -> ViewerAnnotation:
    return service.get_annotation(session, account_id=principal.account_id, id=id)


annotation_or_404 = Depends(_annotation)


@router.get("/annotations", response_model=AnnotationList, summary="我的标注（某检查）",
            dependencies=[require("viewer:annotation:query")])
def list_annotations(study_uid: StudyUid, session: Session = get_session,
                     principal: Principal = current_principal) -> Any:
    rows = service.list_annotations(session, account_id=principal.account_id, study_uid=study_uid)
    return {"items": rows, "total": len(rows)}


@router.post("/annotations", status_code=201, response_model=AnnotationRead, summary="保存标注",
             dependencies=[require("viewer:annotation:edit"), audit.audit("CREATE", "影像标注")])
def create_annotation(request: Request, data: AnnotationCreate, session: Session = get_session,
                      principal: Principal = current_principal) -> Any:
    row = service.create_annotation(session, account_id=principal.account_id, data=data)
    audit.set_target(request, "viewer_annotation", row.id)
    return row


@router.patch("/annotations/{id}", response_model=AnnotationRead, summary="修改标注（重命名、调整）",
              dependencies=[require("viewer:annotation:edit"), audit.audit("UPDATE", "影像标注")])
def update_annotation(data: AnnotationUpdate, row: ViewerAnnotation = annotation_or_404,
                      session: Session = get_session) -> Any:
    return service.update_annotation(session, row, data)


@router.delete("/annotations/{id}", status_code=204, response_class=Response, summary="删除标注",
               dependencies=[require("viewer:annotation:edit"), audit.audit("DELETE", "影像标注")])
def delete_annotation(row: ViewerAnnotation = annotation_or_404, session: Session = get_session) -> Response:
    service.delete_annotation(session, row)
    return Response(status_code=204)


@router.delete("/annotations", summary="清除某检查的全部标注",
               dependencies=[require("viewer:annotation:edit"), audit.audit("DELETE", "清除影像标注")])
def clear_annotations(request: Request, study_uid: StudyUid, session: Session = get_session,
                      principal: Principal = current_principal) -> dict[str, int]:
    audit.set_target(request, "study", study_uid)
    return {"deleted": service.clear_annotations(session, account_id=principal.account_id, study_uid=study_uid)}


@router.get("/settings", response_model=ViewerSettings, summary="我的阅片设置",
            dependencies=[require("viewer:setting:query")])
def get_settings(session: Session = get_session, principal: Principal = current_principal) -> Any:
    return service.settings_of(session, account_id=principal.account_id)


@router.put("/settings", response_model=ViewerSettings, summary="保存阅片设置（未给出的项保持不变）",
            dependencies=[require("viewer:setting:edit"), audit.audit("UPDATE", "阅片设置")])
def put_settings(data: ViewerSettings, session: Session = get_session,
                 principal: Principal = current_principal) -> Any:
    return service.save_settings(session, account_id=principal.account_id, data=data)


@router.delete("/settings", response_model=ViewerSettings, summary="恢复默认阅片设置",
               dependencies=[require("viewer:setting:edit"), audit.audit("DELETE", "阅片设置")])
def reset_settings(session: Session = get_session, principal: Principal = current_principal) -> Any:
    return service.reset_settings(session, account_id=principal.account_id)


# --- 下载影像 --------------------------------------------------------------------------------------


def _safe(text: str | None, fallback: str) -> str:
    cleaned = re.sub(r"[^\w.-]+", "_", text or "", flags=re.UNICODE).strip("._")
    return cleaned[:40] or fallback


@router.get("/studies/{study_uid}/series/{series_uid}/download", summary="下载序列（ZIP）",
            response_class=StreamingResponse, responses={200: {"content": {"application/zip": {}}}},
            dependencies=[require("viewer:series:download")])
def download_series(request: Request, study_uid: UidPath, series_uid: UidPath, session: Session = get_session,
                    principal: Principal = current_principal) -> StreamingResponse:
    from radix.core.storage import blobs
    from radix.imaging.models import Instance, Series, Study
    from radix.platform.log import service as log_service

    study = session.scalar(sa.select(Study).where(Study.study_uid == study_uid).limit(1))
    series = None if study is None else session.scalar(
        sa.select(Series).where(Series.study_ref == study.id, Series.series_uid == series_uid))
    if series is None:
        raise NotFound("序列不存在或已被删除", code="SERIES_NOT_FOUND")
    instances = list(session.scalars(sa.select(Instance).where(Instance.series_ref == series.id)
                                     .order_by(Instance.instance_number, Instance.id)))
    if not instances:
        raise NotFound("该序列没有影像", code="SERIES_EMPTY")
    folder = f"{series.series_number or 0:03d}_{_safe(series.modality, 'OT')}_{_safe(series.description, 'series')}"
    # spooled: small series stay in memory, a 200-slice CT goes to a temp file, never all in RAM
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)
    store = blobs()
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for n, inst in enumerate(instances, start=1):
            zf.writestr(f"{folder}/{inst.instance_number or n:04d}_{inst.sop_uid}.dcm", store.get(inst.blob_key))
    size = spool.tell()
    spool.seek(0)
    log_service.record_view(session, request, principal, page=request.url.path[:255], title="影像下载",
                            target_type="study", target_id=study.id)

    def chunks() -> Iterator[bytes]:
        try:
            while chunk := spool.read(1024 * 1024):
                yield chunk
        finally:
            spool.close()

    name = f"{_safe(study.patient_id, 'study')}_{folder}.zip"
    return StreamingResponse(chunks(), media_type="application/zip", headers={
        "Content-Length": str(size),
        "Content-Disposition": f"attachment; filename=\"series.zip\"; filename*=UTF-8''{quote(name)}",
    })
