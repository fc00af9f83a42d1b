"""DICOMweb routes: QIDO-RS, WADO-RS and STOW-RS at ``/dicom-web``, WADO-URI at ``/wado``.

Mounted at the root (not under ``/api/v1``): viewers such as OHIF and Cornerstone3D are pointed at
``<origin>/dicom-web`` and expect the PS3.18 resource paths unchanged.
"""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response

from radix.core.audit import AuditMiddleware, audit
from radix.imaging.dicomweb import multipart as mp
from radix.imaging.dicomweb import qido, render, stow, uri, wado
from radix.imaging.dicomweb.access import PREFIX, STORE, Access, record_image_view
from radix.imaging.dicomweb.errors import BadRequest
from radix.imaging.dicomweb.service import instances_of, read_route
from radix.imaging.models import Instance, Series, Study

router = APIRouter(prefix=PREFIX, tags=["DICOMweb"])
uri_router = APIRouter(tags=["DICOMweb"])


def _query_params(*names: str) -> dict[str, Any]:
    return {"parameters": [{"name": n, "in": "query", "required": False, "schema": {"type": "string"}}
                           for n in names]}


_QIDO_COMMON = ("limit", "offset", "fuzzymatching", "includefield")
_STUDY_KEYS = ("StudyInstanceUID", "PatientName", "PatientID", "AccessionNumber", "StudyDate", "StudyTime",
               "ModalitiesInStudy", "StudyDescription")
_SERIES_KEYS = ("SeriesInstanceUID", "Modality", "SeriesNumber")
_INSTANCE_KEYS = ("SOPInstanceUID", "SOPClassUID", "InstanceNumber")
_RENDER = ("window", "viewport", "quality")


# --- QIDO-RS ---------------------------------------------------------------------------------------


def _search(request: Request, access: Access, level: str, *, study: Study | None = None,
            series: Series | None = None) -> Response:
    media = mp.negotiate_json(mp.parse_accept(request.headers.get("accept")))
    query = qido.parse(list(request.query_params.multi_items()), level, bounded=study is not None)
    results = qido.run(query, access, study=study, series=series)
    return mp.json_answer(request, qido.body(results), media, qido.warning_header(query, len(results)))


@read_route(router, "/studies", summary="QIDO-RS 查询检查",
            openapi_extra=_query_params(*_QIDO_COMMON, *_STUDY_KEYS, *_SERIES_KEYS))
def search_studies(request: Request, access: Access) -> Response:
    return _search(request, access, qido.STUDY)


@read_route(router, "/series", summary="QIDO-RS 查询序列（所有检查）",
                    openapi_extra=_query_params(*_QIDO_COMMON, *_STUDY_KEYS, *_SERIES_KEYS))
def search_all_series(request: Request, access: Access) -> Response:
    return _search(request, access, qido.SERIES)


@read_route(router, "/instances", summary="QIDO-RS 查询实例（所有检查）",
                    openapi_extra=_query_params(*_QIDO_COMMON, *_STUDY_KEYS, *_SERIES_KEYS, *_INSTANCE_KEYS))
def search_all_instances(request: Request, access: Access) -> Response:
    return _search(request, access, qido.INSTANCE)


@read_route(router, "/studies/{study}/series", summary="QIDO-RS 查询检查的序列",
                    openapi_extra=_query_params(*_QIDO_COMMON, *_SERIES_KEYS))
def search_series(request: Request, access: Access, st: Study) -> Response:
    return _search(request, access, qido.SERIES, study=st)


@read_route(router, "/studies/{study}/instances", summary="QIDO-RS 查询检查的实例",
                    openapi_extra=_query_params(*_QIDO_COMMON, *_SERIES_KEYS, *_INSTANCE_KEYS))
def search_study_instances(request: Request, access: Access, st: Study) -> Response:
    return _search(request, access, qido.INSTANCE, study=st)


@read_route(router, "/studies/{study}/series/{series}/instances", summary="QIDO-RS 查询序列的实例",
                    openapi_extra=_query_params(*_QIDO_COMMON, *_INSTANCE_KEYS))
def search_series_instances(request: Request, access: Access, st: Study, se: Series) -> Response:
    return _search(request, access, qido.INSTANCE, study=st, series=se)


# --- WADO-RS: instances and metadata ---------------------------------------------------------------


def _accept(request: Request) -> list[mp.MediaType]:
    return mp.parse_accept(request.headers.get("accept"))


def _instances(access: Access, **where: Any) -> list[Instance]:
    from sqlalchemy.orm import defer

    return list(access.session.scalars(instances_of(access, **where).options(defer(Instance.metadata_json))))


@read_route(router, "/studies/{study}", summary="WADO-RS 获取检查（multipart/related; application/dicom）")
def retrieve_study(request: Request, access: Access, st: Study) -> Response:
    response = wado.retrieve_response(access, _accept(request), _instances(access, study=st), single=False)
    record_image_view(access, st.study_uid)
    return response


@read_route(router, "/studies/{study}/series/{series}", summary="WADO-RS 获取序列")
def retrieve_series(request: Request, access: Access, st: Study, se: Series) -> Response:
    response = wado.retrieve_response(access, _accept(request), _instances(access, series=se), single=False)
    record_image_view(access, st.study_uid)
    return response


@read_route(router, "/studies/{study}/series/{series}/instances/{instance}", summary="WADO-RS 获取实例")
def retrieve_instance(request: Request, access: Access, inst: Instance) -> Response:
    return wado.retrieve_response(access, _accept(request), [inst], single=True)


@read_route(router, "/studies/{study}/metadata", summary="WADO-RS 检查元数据（DICOM JSON）")
def study_metadata(request: Request, access: Access, st: Study) -> Response:
    media = mp.negotiate_json(_accept(request))
    response = wado.metadata_response(access, media, study=st)
    record_image_view(access, st.study_uid)
    return response


@read_route(router, "/studies/{study}/series/{series}/metadata", summary="WADO-RS 序列元数据（DICOM JSON）")
def series_metadata(request: Request, access: Access, st: Study, se: Series) -> Response:
    media = mp.negotiate_json(_accept(request))
    response = wado.metadata_response(access, media, study=st, series=se)
    record_image_view(access, st.study_uid)
    return response


@read_route(router, "/studies/{study}/series/{series}/instances/{instance}/metadata",
                    summary="WADO-RS 实例元数据（DICOM JSON）")
def instance_metadata(request: Request, access: Access, st: Study, inst: Instance) -> Response:
    media = mp.negotiate_json(_accept(request))
    return wado.metadata_response(access, media, study=st, instance=inst)


# --- WADO-RS: frames, bulk data, rendered, thumbnails ----------------------------------------------


def _frame_etag(request: Request, inst: Instance) -> str:
    """Names this answer's bytes: the stored instance as it is now (an overwrite changes the key, size or
    time) and what was asked (the path's frames, the Accept header's transfer syntax)."""
    seed = "|".join((str(inst.id), inst.blob_key, str(inst.size_bytes), str(inst.received_at), request.url.path,
                     request.headers.get("accept", "")))
    return '"' + hashlib.blake2b(seed.encode(), digest_size=12).hexdigest() + '"'


@read_route(router, "/studies/{study}/series/{series}/instances/{instance}/frames/{frames}",
            summary="WADO-RS 获取帧")
def retrieve_frames(request: Request, access: Access, frames: str, inst: Instance) -> Response:
    """Frames carry an ETag: a browser keeps them (the viewer's 缓存 on) and asks again with If-None-Match,
    answered 304 without the pixels while the instance is unchanged."""
    numbers = wado.parse_frame_list(frames)
    etag = _frame_etag(request, inst)
    cache = {"ETag": etag, "Cache-Control": "private, no-cache", "Vary": "Accept"}
    if etag in [v.strip() for v in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=cache)
    response = wado.frames_response(_accept(request), inst, numbers)
    response.headers.update(cache)
    return response


@read_route(router, "/studies/{study}/series/{series}/instances/{instance}/bulkdata/{tag}",
                    summary="WADO-RS 获取批量数据")
def retrieve_bulkdata(request: Request, access: Access, tag: str, inst: Instance) -> Response:
    return wado.bulkdata_response(_accept(request), inst, wado.parse_tag(tag))


def _render_options(request: Request, *, thumbnail: bool = False) -> render.RenderOptions:
    q = request.query_params
    viewport = render.parse_viewport(q.get("viewport"))
    if viewport is None and thumbnail:
        viewport = render.Viewport(render.THUMBNAIL_SIZE, render.THUMBNAIL_SIZE)
    return render.RenderOptions(media=render.negotiate_image(_accept(request)),
                                window=render.parse_window(q.get("window")), viewport=viewport,
                                quality=render.parse_quality(q.get("quality")))


def _rendered(options: render.RenderOptions, inst: Instance, numbers: list[int]) -> Response:
    if len(numbers) == 1:
        return Response(content=render.render(inst, numbers[0], options), media_type=options.media)
    boundary = mp.new_boundary()
    body = b"".join(mp.part_bytes(boundary, options.media, render.render(inst, n, options)) for n in numbers)
    return Response(content=body + mp.closing(boundary), media_type=mp.content_type(options.media, boundary))


@read_route(router, "/studies/{study}/series/{series}/instances/{instance}/rendered",
                    summary="WADO-RS 渲染实例（JPEG/PNG）", openapi_extra=_query_params(*_RENDER))
def rendered_instance(request: Request, access: Access, inst: Instance) -> Response:
    return _rendered(_render_options(request), inst, [1])


@read_route(router, "/studies/{study}/series/{series}/instances/{instance}/frames/{frames}/rendered",
                    summary="WADO-RS 渲染帧（JPEG/PNG）", openapi_extra=_query_params(*_RENDER))
def rendered_frames(request: Request, access: Access, frames: str, inst: Instance) -> Response:
    numbers = wado.parse_frame_list(frames)
    if len(numbers) > 100:
        raise BadRequest("一次最多渲染 100 帧", code="BAD_FRAME_LIST")
    return _rendered(_render_options(request), inst, numbers)


@read_route(router, "/studies/{study}/thumbnail", summary="WADO-RS 检查缩略图",
                    openapi_extra=_query_params("viewport"))
def study_thumbnail(request: Request, access: Access, st: Study) -> Response:
    options = _render_options(request, thumbnail=True)
    return _rendered(options, render.representative(access, study=st), [1])


@read_route(router, "/studies/{study}/series/{series}/thumbnail", summary="WADO-RS 序列缩略图",
                    openapi_extra=_query_params("viewport"))
def series_thumbnail(request: Request, access: Access, st: Study, se: Series) -> Response:
    options = _render_options(request, thumbnail=True)
    return _rendered(options, render.representative(access, study=st, series=se), [1])


@read_route(router, "/studies/{study}/series/{series}/instances/{instance}/thumbnail",
            summary="WADO-RS 实例缩略图", openapi_extra=_query_params("viewport"))
def instance_thumbnail(request: Request, access: Access, inst: Instance) -> Response:
    return _rendered(_render_options(request, thumbnail=True), inst, [1])


@read_route(router, "/studies/{study}/series/{series}/instances/{instance}/frames/{frames}/thumbnail",
                    summary="WADO-RS 帧缩略图", openapi_extra=_query_params("viewport"))
def frame_thumbnail(request: Request, access: Access, frames: str, inst: Instance) -> Response:
    numbers = wado.parse_frame_list(frames)
    return _rendered(_render_options(request, thumbnail=True), inst, numbers[:1])


# --- STOW-RS ---------------------------------------------------------------------------------------


#: the body is read as a stream, so it is described here rather than declared as a parameter
_STOW_DESCRIPTION = ("请求体为 multipart/related; type=\"application/dicom\""
                     "（每个分段一个 DICOM Part 10 文件），"
                     "或单个 application/dicom 文件。返回 PS3.18 存储响应数据集（DICOM JSON）：全部成功 200，"
                     "部分失败 202，全部失败 409。")


@router.post("/studies", summary="STOW-RS 存储实例", dependencies=[audit("UPLOAD", "STOW-RS 存储影像")],
             description=_STOW_DESCRIPTION)
async def store_instances(request: Request, access: Access = STORE) -> Response:
    return await stow.handle(request, access, None)


@router.post("/studies/{study}", summary="STOW-RS 存储实例到指定检查",
             dependencies=[audit("UPLOAD", "STOW-RS 存储影像")], description=_STOW_DESCRIPTION)
async def store_study_instances(request: Request, study: str, access: Access = STORE) -> Response:
    return await stow.handle(request, access, study)


# --- WADO-URI --------------------------------------------------------------------------------------


@read_route(uri_router, "/wado", summary="WADO-URI 获取影像", openapi_extra=_query_params(*uri.PARAMETERS))
def wado_uri(request: Request, access: Access) -> Response:
    return uri.handle(request, access)


def install(app: FastAPI) -> None:
    before = len(app.router.routes)
    app.include_router(router)
    app.include_router(uri_router)
    # first in the app's routing: a request is matched against the routes in order, and the hundreds of
    # /api routes ahead of these cost a viewer's every frame and query more than the answer itself
    # (the prefixes do not overlap, so the order decides nothing else)
    added = app.router.routes[before:]
    del app.router.routes[before:]
    app.router.routes[0:0] = added
    # writes here (STOW-RS) go to the operation log like every write under /api
    app.add_middleware(AuditMiddleware, prefix=PREFIX)
