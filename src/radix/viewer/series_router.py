"""The viewer's series tools over HTTP: 序列管理 (split, new series from the window), 配准 (automatic
rigid registration, the user's saved results) and 图像拼接 (stitched image into the archive or as PNG)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from radix.core import audit
from radix.core.errors import NotFound
from radix.core.security import Principal, current_principal, get_session, require
from radix.viewer import registration, series_ops, stitching
from radix.viewer.schemas import UID
from radix.viewer.series_schemas import (AutoRegistrationRequest, NewSeriesRequest, RegistrationList,
                                         RegistrationRead, RegistrationSave, SeriesList, SeriesRead, SplitRequest,
                                         StitchRead, StitchRequest)

router = APIRouter(prefix="/viewer", tags=["影像阅片"])

UidPath = Annotated[str, Path(max_length=64, pattern=UID)]


def _series(made: series_ops.NewSeries) -> dict[str, Any]:
    return {"studyUid": made.study_uid, "seriesUid": made.series_uid, "seriesNumber": made.series_number,
            "description": made.description, "modality": made.modality, "count": made.count}


# --- 序列管理 -----------------------------------------------------------------------------------------


@router.post("/studies/{study_uid}/series/{series_uid}/split", status_code=201, response_model=SeriesList,
             summary="手动拆分序列（原序列保留，生成两个新序列）",
             dependencies=[require("viewer:series:edit"), audit.audit("CREATE", "拆分序列")])
def split_series(request: Request, study_uid: UidPath, series_uid: UidPath, data: SplitRequest,
                 session: Session = get_session) -> Any:
    audit.set_target(request, "series", series_uid)
    made = series_ops.split_series(session, study_uid=study_uid, series_uid=series_uid, split_at=data.split_at)
    return {"items": [_series(m) for m in made]}


@router.post("/studies/{study_uid}/series", status_code=201, response_model=SeriesRead,
             summary="当前窗口影像新增为序列",
             dependencies=[require("viewer:series:edit"), audit.audit("CREATE", "新增序列")])
def new_series(request: Request, study_uid: UidPath, data: NewSeriesRequest, session: Session = get_session) -> Any:
    made = series_ops.series_from_images(session, study_uid=study_uid, sop_uids=data.sop_uids,
                                         description=data.description)
    audit.set_target(request, "series", made.series_uid)
    return _series(made)


# --- 配准 ---------------------------------------------------------------------------------------------


def _registration(row: Any, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    out = RegistrationRead.model_validate(row).model_dump(by_alias=True)
    return {**out, **(extra or {})}


@router.post("/registrations/auto", response_model=RegistrationRead, summary="自动配准（刚体），结果保存为最近一次配准",
             dependencies=[require("viewer:registration:edit"), audit.audit("RUN", "自动配准")])
def auto_register(request: Request, data: AutoRegistrationRequest, session: Session = get_session,
                  principal: Principal = current_principal) -> Any:
    audit.set_target(request, "series", data.moving_series_uid)
    result = registration.auto_register(
        session, study_uid=data.study_uid, fixed_series_uid=data.fixed_series_uid,
        moving_series_uid=data.moving_series_uid, moving_study_uid=data.moving_study_uid, metric=data.metric,
        initial=data.initial)
    row = registration.save(session, account_id=principal.account_id, study_uid=data.study_uid,
                            fixed_series_uid=data.fixed_series_uid, moving_series_uid=data.moving_series_uid,
                            matrix=registration.matrix_json(result.matrix), method="auto", metric=result.metric,
                            score=round(result.score, 6))
    return _registration(row, {"params": [round(p, 4) for p in result.params], "evaluations": result.evaluations})


@router.put("/registrations", response_model=RegistrationRead, summary="保存配准结果（手动或调整后）",
            dependencies=[require("viewer:registration:edit"), audit.audit("UPDATE", "保存配准")])
def save_registration(request: Request, data: RegistrationSave, session: Session = get_session,
                      principal: Principal = current_principal) -> Any:
    audit.set_target(request, "series", data.moving_series_uid)
    row = registration.save(session, account_id=principal.account_id, study_uid=data.study_uid,
                            fixed_series_uid=data.fixed_series_uid, moving_series_uid=data.moving_series_uid,
                            matrix=data.matrix, method=data.method, metric=data.metric, score=data.score)
    return _registration(row)


@router.get("/registrations", response_model=RegistrationList, summary="我的配准结果（最近保存的在前）",
            dependencies=[require("viewer:registration:query")])
def list_registrations(study_uid: Annotated[str | None, Query(alias="studyUid", max_length=64, pattern=UID)] = None,
                       fixed: Annotated[str | None, Query(alias="fixedSeriesUid", max_length=64, pattern=UID)] = None,
                       moving: Annotated[str | None, Query(alias="movingSeriesUid", max_length=64, pattern=UID)] = None,
                       session: Session = get_session, principal: Principal = current_principal) -> Any:
    rows = registration.last(session, account_id=principal.account_id, fixed_series_uid=fixed,
                             moving_series_uid=moving, study_uid=study_uid)
    return {"items": [_registration(r) for r in rows], "total": len(rows)}


@router.delete("/registrations", summary="清除配准结果",
               dependencies=[require("viewer:registration:edit"), audit.audit("DELETE", "清除配准")])
def clear_registration(request: Request,
                       fixed: Annotated[str, Query(alias="fixedSeriesUid", max_length=64, pattern=UID)],
                       moving: Annotated[str, Query(alias="movingSeriesUid", max_length=64, pattern=UID)],
                       session: Session = get_session, principal: Principal = current_principal) -> dict[str, int]:
    audit.set_target(request, "series", moving)
    deleted = registration.clear(session, account_id=principal.account_id, fixed_series_uid=fixed,
                                 moving_series_uid=moving)
    if not deleted:
        raise NotFound("没有保存的配准结果", code="REGISTRATION_NOT_FOUND")
    return {"deleted": deleted}


# --- 图像拼接 -----------------------------------------------------------------------------------------


@router.post("/stitch", status_code=201, response_model=StitchRead, summary="图像拼接，结果存入检查（DICOM 二次采集图像）",
             dependencies=[require("viewer:stitch:export"), audit.audit("CREATE", "图像拼接")])
def stitch_to_archive(request: Request, data: StitchRequest, session: Session = get_session) -> Any:
    made = stitching.to_archive(session, data)
    audit.set_target(request, "series", made["seriesUid"])
    return made


@router.post("/stitch/png", summary="图像拼接，导出 PNG", response_class=Response,
             responses={200: {"content": {"image/png": {}}}},
             dependencies=[require("viewer:stitch:export"), audit.audit("EXPORT", "图像拼接")])
def stitch_to_png(data: StitchRequest, session: Session = get_session) -> Response:
    return Response(stitching.to_png(session, data), media_type="image/png",
                    headers={"Content-Disposition": "attachment; filename=\"stitched.png\""})

