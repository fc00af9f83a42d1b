"""WADO-RS (PS3.18 10.4): instances, metadata, frames and bulk data.

/metadata is the instances' DICOM JSON kept at ingest, joined as text with the BulkDataURI
templates pointed at this request's base URL — no file is opened. Instances stream from the blob
store as they are stored (``transfer-syntax=*`` or none) or transcoded to a requested syntax; frames
are cut by offset, or taken compressed as stored, or decoded and re-encoded.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pydicom
import sqlalchemy as sa
from fastapi import Response
from fastapi.responses import StreamingResponse
from pydicom.uid import UID

from radix.core.errors import NotFound
from radix.core.storage import blobs
from radix.imaging.dicomweb import frames as fr
from radix.imaging.dicomweb import multipart as mp
from radix.imaging.dicomweb.access import Access
from radix.imaging.dicomweb.errors import BadRequest, NotAcceptable
from radix.imaging.models import Instance, Series, Study
from radix.imaging.store import BULK_BASE

log = logging.getLogger(__name__)

DICOM = "application/dicom"
_BULK = f'"BulkDataURI":"{BULK_BASE}'
_BULK_WITH_PATH = re.compile(r'"BulkDataURI":"\{wado\}([^"]*)"')
#: what a whole instance can be transcoded into
DATASET_TARGETS = {fr.EXPLICIT_LE, fr.IMPLICIT_LE, fr.RLE, fr.J2K_LOSSLESS}
MAX_FRAMES_PER_REQUEST = 10_000


# --- metadata --------------------------------------------------------------------------------------


def resolve_bulk_uris(text: str, access: Access) -> str:
    base = json.dumps(access.base)[1:-1]
    if access.share_query:
        suffix = json.dumps(access.url_suffix())[1:-1]
        return _BULK_WITH_PATH.sub(lambda m: f'"BulkDataURI":"{base}{m.group(1)}{suffix}"', text)
    return text.replace(_BULK, '"BulkDataURI":"' + base)


def metadata_response(access: Access, media_type: str, *, study: Study, series: Series | None = None,
                      instance: Instance | None = None) -> Response:
    if instance is not None:
        rows = [(instance.metadata_json, instance.transfer_syntax)]
    else:
        stmt = sa.select(Instance.metadata_json, Instance.transfer_syntax)
        stmt = stmt.where(Instance.series_ref == series.id) if series is not None else stmt.where(
            Instance.study_ref == study.id)
        stmt = stmt.order_by(Instance.series_ref, Instance.instance_number.is_(None),
                             Instance.instance_number, Instance.id)
        rows = access.session.execute(stmt).all()
    body = resolve_bulk_uris("[" + ",".join(_with_syntax(text, ts) for text, ts in rows) + "]", access)
    return mp.json_answer(access.request, body.encode("utf-8"), media_type)


def _with_syntax(text: str, ts: str) -> str:
    """The kept JSON plus AvailableTransferSyntaxUID (0008,3002): viewers learn the stored encoding
    before they ask for frames (the file meta group is not part of the dataset's JSON)."""
    if not text.startswith("{") or '"00083002"' in text:
        return text
    head = '{"00083002":{"vr":"UI","Value":[' + json.dumps(ts) + "]}"
    return head + ("}" if text.strip() == "{}" else "," + text[1:])


# --- retrieve instances (application/dicom) --------------------------------------------------------


def negotiate_dicom(accept: list[mp.MediaType], stored: set[str], *, single: bool) -> tuple[str | None, bool]:
    """(transfer syntax to transcode to, or None for as stored; multipart?) for a retrieve."""
    for mt in accept:
        if mt.type in ("*/*", "multipart/*"):
            return None, True
        if mt.type == "multipart/related":
            if (mt.param("type") or DICOM).lower() not in (DICOM, "*/*"):
                continue
            multipart = True
        elif mt.type in (DICOM, "application/*") and single:
            multipart = False
        else:
            continue
        ts = mt.param("transfer-syntax")
        if ts in (None, "*"):
            return None, multipart
        if ts in DATASET_TARGETS or stored <= {ts}:
            return ts, multipart
    raise NotAcceptable("无法以请求的格式或传输语法返回影像"
                        "（支持 multipart/related; type=\"application/dicom\"）")


def transcode_instance(raw: bytes, target: str) -> bytes:
    """The Part 10 file re-encoded in ``target`` (pixel data decoded and, if asked, re-compressed)."""
    ds = pydicom.dcmread(io.BytesIO(raw))
    current = str(ds.file_meta.get("TransferSyntaxUID", ""))
    if current == target:
        return raw
    has_pixels = "PixelData" in ds
    big_endian = current == str(pydicom.uid.ExplicitVRBigEndian)
    if has_pixels and UID(current).is_compressed:
        ds.decompress()
    elif has_pixels and big_endian:
        info = _info_of(ds)
        ds.PixelData = b"".join(fr.native_bytes(a, info) for a in _frames_of(ds))
    target_uid = UID(target)
    if has_pixels and target_uid.is_compressed:
        ds.compress(target_uid)
    else:
        ds.file_meta.TransferSyntaxUID = target_uid
    buf = io.BytesIO()
    if big_endian:
        pydicom.dcmwrite(buf, ds, implicit_vr=target == fr.IMPLICIT_LE, little_endian=True,
                         enforce_file_format=True, force_encoding=True)
    else:
        ds.save_as(buf, enforce_file_format=True)
    return buf.getvalue()


def _info_of(ds: pydicom.Dataset) -> fr.PixelInfo:
    return fr.PixelInfo(rows=ds.Rows, columns=ds.Columns, samples_per_pixel=ds.get("SamplesPerPixel", 1),
                        bits_allocated=ds.BitsAllocated, bits_stored=ds.get("BitsStored", ds.BitsAllocated),
                        pixel_representation=ds.get("PixelRepresentation", 0),
                        photometric=str(ds.get("PhotometricInterpretation", "MONOCHROME2")),
                        planar_configuration=int(ds.get("PlanarConfiguration", 0) or 0),
                        number_of_frames=int(ds.get("NumberOfFrames", 1) or 1), meta={})


def _frames_of(ds: pydicom.Dataset) -> list[Any]:
    arr = ds.pixel_array
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    return list(arr) if frames > 1 else [arr]


def retrieve_response(access: Access, accept: list[mp.MediaType], instances: list[Instance], *,
                      single: bool) -> Response:
    if not instances:
        raise NotFound("没有可返回的影像实例", code="INSTANCE_NOT_FOUND")
    target, multipart = negotiate_dicom(accept, {i.transfer_syntax for i in instances}, single=single)
    studies, series = _parent_uids(access, instances)
    items = [(i.blob_key, i.transfer_syntax, i.sop_uid,
              access.instance_url(studies[i.study_ref], series[i.series_ref], i.sop_uid)) for i in instances]
    if not multipart:
        key, ts, sop, _ = items[0]
        data = blobs().get(key) if target in (None, ts) else transcoded_file(key, ts, target, sop)[0]
        return Response(content=data, media_type=DICOM)
    boundary = mp.new_boundary()

    def parts() -> Iterator[bytes]:
        for key, ts, sop, url in items:
            if target is None or target == ts:
                fh = blobs().open(key)
                size = _size(fh)
                yield mp.part_head(boundary, f"{DICOM}; transfer-syntax={ts}", size, url)
                yield from mp.iter_file(fh)
                yield mp.CRLF
            else:
                data, out_ts = transcoded_file(key, ts, target, sop)
                yield mp.part_bytes(boundary, f"{DICOM}; transfer-syntax={out_ts}", data, url)
        yield mp.closing(boundary)

    return StreamingResponse(parts(), media_type=mp.content_type(DICOM, boundary))


def _parent_uids(access: Access, instances: list[Instance]) -> tuple[dict[int, str], dict[int, str]]:
    study_ids = {i.study_ref for i in instances}
    series_ids = {i.series_ref for i in instances}
    session = access.session
    studies = dict(session.execute(sa.select(Study.id, Study.study_uid).where(Study.id.in_(study_ids))).all())
    series = dict(session.execute(
        sa.select(Series.id, Series.series_uid).where(Series.id.in_(series_ids))).all())
    return studies, series


def transcoded_file(key: str, ts: str, target: str, sop: str) -> tuple[bytes, str]:
    raw = blobs().get(key)
    try:
        return transcode_instance(raw, target), target
    except Exception:  # an instance that cannot be converted is sent as it is stored, and says so
        log.warning("could not transcode %s from %s to %s", sop, ts, target, exc_info=True)
        return raw, ts


def _size(fh: Any) -> int | None:
    try:
        pos = fh.tell()
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(pos)
        return size - pos
    except (OSError, AttributeError):
        return None


# --- frames ----------------------------------------------------------------------------------------


def parse_frame_list(text: str) -> list[int]:
    items = [t.strip() for t in text.split(",")]
    if (not items or len(items) > MAX_FRAMES_PER_REQUEST
            or any(not re.fullmatch(r"\d{1,9}", t) for t in items)):
        raise BadRequest("帧号列表格式不正确，应为逗号分隔的正整数，如 1,2,3", code="BAD_FRAME_LIST")
    numbers = [int(t) for t in items]
    if any(n < 1 for n in numbers):
        raise BadRequest("帧号从 1 开始", code="BAD_FRAME_LIST")
    return numbers


def frames_response(accept: list[mp.MediaType], instance: Instance, numbers: list[int]) -> Response:
    reader = fr.FrameReader(instance)
    try:
        reader.check(numbers)
        choice, multipart = fr.negotiate(accept, instance.transfer_syntax, single_part_ok=len(numbers) == 1)
        # the first frame is made before answering, so that a frame that cannot be read is an error status
        first = reader.frame(numbers[0], choice)
    except Exception:
        reader.close()
        raise
    content_type = fr.part_content_type(choice.ts)
    if not multipart:
        reader.close()
        return Response(content=first, media_type=content_type)
    boundary = mp.new_boundary()

    def parts() -> Iterator[bytes]:
        with reader:
            yield mp.part_bytes(boundary, content_type, first)
            for n in numbers[1:]:
                yield mp.part_bytes(boundary, content_type, reader.frame(n, choice))
            yield mp.closing(boundary)

    media = mp.content_type(fr.media_type_of(choice.ts), boundary, choice.ts)
    return StreamingResponse(parts(), media_type=media)


# --- bulk data -------------------------------------------------------------------------------------


def parse_tag(text: str) -> int:
    if not re.fullmatch(r"[0-9A-Fa-f]{8}", text):
        raise BadRequest("属性标签应为 8 位十六进制，如 7FE00010", code="BAD_TAG")
    return int(text, 16)


def bulkdata_response(accept: list[mp.MediaType], instance: Instance, tag: int) -> Response:
    if tag == 0x7FE00010:
        return _pixel_bulkdata(accept, instance)
    value = _element_value(instance, tag)
    multipart = _bulk_multipart(accept)
    if not multipart:
        return Response(content=value, media_type=fr.OCTET)
    boundary = mp.new_boundary()
    body = mp.part_bytes(boundary, fr.OCTET, value) + mp.closing(boundary)
    return Response(content=body, media_type=mp.content_type(fr.OCTET, boundary))


def _bulk_multipart(accept: list[mp.MediaType]) -> bool:
    for mt in accept:
        if mt.type in ("*/*", "multipart/*"):
            return True
        if mt.type == "multipart/related" and (mt.param("type") or fr.OCTET).lower() in (fr.OCTET, "*/*"):
            return True
        if mt.type in (fr.OCTET, "application/*"):
            return False
    raise NotAcceptable("批量数据仅支持 multipart/related; type=\"application/octet-stream\"")


def _pixel_bulkdata(accept: list[mp.MediaType], instance: Instance) -> Response:
    """Pixel Data as bulk data: native pixel data as one part, compressed frames one part each."""
    reader = fr.FrameReader(instance)
    numbers = list(range(1, reader.info.number_of_frames + 1))
    if instance.transfer_syntax in fr.NATIVE:
        reader.close()
        multipart = _bulk_multipart(accept)
        whole = instance.pixel_offset is not None and instance.pixel_length
        if instance.transfer_syntax in fr.NATIVE_LE and whole:
            data = blobs().read_range(instance.blob_key, instance.pixel_offset, instance.pixel_length)
        else:
            with reader:
                data = b"".join(reader.native(n) for n in numbers)
        if not multipart:
            return Response(content=data, media_type=fr.OCTET)
        boundary = mp.new_boundary()
        body = mp.part_bytes(boundary, fr.part_content_type(fr.EXPLICIT_LE), data) + mp.closing(boundary)
        return Response(content=body, media_type=mp.content_type(fr.OCTET, boundary))
    reader.close()
    return frames_response(accept, instance, numbers)


def _element_value(instance: Instance, tag: int) -> bytes:
    with fr._open(instance) as fh:
        try:
            ds = pydicom.dcmread(fh, stop_before_pixels=tag < 0x7FE00010)
        except Exception:
            raise NotFound("无法读取该影像实例", code="BULKDATA_NOT_FOUND") from None
        element = _find(ds, tag)
        if element is None or element.value is None:
            raise NotFound("该影像实例没有这个批量数据属性", code="BULKDATA_NOT_FOUND")
        value = element.value
        if isinstance(value, bytes):
            return value
        if isinstance(value, str):
            return value.encode("utf-8")
        return _encode_value(element)


def _find(ds: pydicom.Dataset, tag: int) -> Any:
    if tag in ds:
        return ds[tag]
    for element in ds:  # nested bulk data (e.g. an icon's pixel data) carries only its own tag
        if element.VR == "SQ":
            for item in element.value or []:
                found = _find(item, tag)
                if found is not None:
                    return found
    return None


def _encode_value(element: Any) -> bytes:
    from pydicom.filebase import DicomBytesIO
    from pydicom.filewriter import write_data_element

    buf = DicomBytesIO()
    buf.is_little_endian = True
    buf.is_implicit_VR = True
    write_data_element(buf, element)
    raw = buf.getvalue()
    return raw[8:]  # implicit VR header: tag (4) + length (4)
