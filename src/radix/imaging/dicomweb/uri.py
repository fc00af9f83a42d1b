"""WADO-URI (PS3.18 9): ``/wado?requestType=WADO&studyUID=…&seriesUID=…&objectUID=…``.

``contentType=application/dicom`` answers the stored file (``transferSyntax`` transcodes it);
``image/jpeg`` (the default for images) and ``image/png`` render a frame with ``windowCenter`` /
``windowWidth``, ``rows`` / ``columns``, ``region`` and ``imageQuality``.
"""

from __future__ import annotations

import re

from fastapi import Request, Response

from radix.core.storage import blobs
from radix.imaging.dicomweb import render
from radix.imaging.dicomweb import service as locate
from radix.imaging.dicomweb.access import Access, record_image_view
from radix.imaging.dicomweb.errors import BadRequest, NotAcceptable
from radix.imaging.dicomweb.wado import DATASET_TARGETS, DICOM, transcoded_file

PARAMETERS = ("requestType", "studyUID", "seriesUID", "objectUID", "contentType", "transferSyntax",
              "frameNumber", "windowCenter", "windowWidth", "rows", "columns", "region", "imageQuality",
              "anonymize", "charset", "annotation", "presentationUID", "presentationSeriesUID")
_UID = re.compile(r"[0-9]+(\.[0-9]+)*")


def _uid(request: Request, name: str) -> str:
    value = request.query_params.get(name)
    if not value:
        raise BadRequest(f"缺少参数 {name}", code="BAD_WADO_URI")
    if len(value) > 64 or not _UID.fullmatch(value):
        raise BadRequest(f"参数 {name} 不是有效的 UID", code="BAD_WADO_URI")
    return value


def _content_type(text: str | None, has_pixels: bool) -> str:
    if text is None or not text.strip():
        return "image/jpeg" if has_pixels else DICOM
    for item in text.split(","):
        media = item.split(";")[0].strip().lower()
        if media == DICOM:
            return DICOM
        if media in render.IMAGE_TYPES and has_pixels:
            return media
        if media in ("*/*", "image/*") and has_pixels:
            return "image/jpeg"
        if media == "*/*":
            return DICOM
    raise NotAcceptable("该影像不能以请求的 contentType 返回"
                        "（支持 application/dicom、image/jpeg、image/png）")


def handle(request: Request, access: Access) -> Response:
    q = request.query_params
    if q.get("requestType") != "WADO":
        raise BadRequest("参数 requestType 必须为 WADO", code="BAD_WADO_URI")
    study_uid = _uid(request, "studyUID")
    series_uid = _uid(request, "seriesUID")
    sop_uid = _uid(request, "objectUID")
    if (q.get("anonymize") or "").lower() == "yes":
        raise BadRequest("暂不支持匿名化返回（anonymize=yes）", code="BAD_WADO_URI")
    study = locate.study_or_404(access, study_uid)
    series = locate.series_or_404(access, study, series_uid)
    instance = locate.instance_or_404(access, series, sop_uid)
    media = _content_type(q.get("contentType"), instance.rows is not None)
    if media == DICOM:
        ts = q.get("transferSyntax")
        if ts and ts != instance.transfer_syntax:
            if ts not in DATASET_TARGETS:
                raise NotAcceptable("不支持转换为请求的传输语法", code="NOT_ACCEPTABLE")
            data = transcoded_file(instance.blob_key, instance.transfer_syntax, ts, instance.sop_uid)[0]
        else:
            data = blobs().get(instance.blob_key)
        response = Response(content=data, media_type=DICOM)
    else:
        frame_text = q.get("frameNumber")
        frame = 1
        if frame_text is not None:
            if not re.fullmatch(r"\d{1,9}", frame_text.strip()) or int(frame_text) < 1:
                raise BadRequest("参数 frameNumber 应为正整数", code="BAD_WADO_URI")
            frame = int(frame_text)
        options = render.RenderOptions(
            media=media,
            window=render.window_from(q.get("windowCenter"), q.get("windowWidth")),
            viewport=render.viewport_from_uri(q.get("rows"), q.get("columns"), q.get("region")),
            quality=render.parse_quality(q.get("imageQuality")),
        )
        response = Response(content=render.render(instance, frame, options), media_type=media)
    record_image_view(access, study.study_uid)
    return response
