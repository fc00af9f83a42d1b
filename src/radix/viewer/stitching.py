"""图像拼接 (manual 2 §3.1.32): CR/DR/DX images joined into one, vertically or horizontally.

Each image is rotated (degrees, clockwise on screen) and scaled about its centre, then placed one after
the other along the direction (centred across it), ``overlap`` pixels over the previous one and moved by
its own pan (``dx``, ``dy``). Where images overlap they are blended linearly: each image weighs by its
distance to its own leading/trailing edge along the direction, so the overlap fades from one into the
other and a pixel only one image covers keeps that image's value exactly. The viewer's preview
(``web/src/modules/viewer/series/logic/stitch.ts``) follows the same rules on smaller images.

The result goes into the archive as a DICOM Secondary Capture image of the first image's study (new
series, through ``store.ingest``), or back as a PNG.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pydicom
import sqlalchemy as sa
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, PYDICOM_IMPLEMENTATION_UID, generate_uid

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from radix.imaging.models import Study
    from radix.viewer.series_schemas import StitchRequest

SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7"
MODALITIES = ("CR", "DR", "DX")
#: the stitched image may not exceed this many pixels (a full spine at 0.15 mm is ~4000 × 12000)
MAX_PIXELS = 60_000_000

#: the patient and study modules are copied from the first image onto the stitched one
COPIED = (
    "SpecificCharacterSet", "PatientName", "PatientID", "IssuerOfPatientID", "PatientBirthDate", "PatientSex",
    "PatientAge", "OtherPatientIDsSequence", "StudyInstanceUID", "StudyDate", "StudyTime", "AccessionNumber",
    "ReferringPhysicianName", "StudyID", "StudyDescription", "InstitutionName", "BodyPartExamined",
    "PatientOrientation", "Laterality", "FrameOfReferenceUID",
)


@dataclass
class Placement:
    """One image as it is placed: rotation (degrees), scale and pan (output pixels)."""

    rotate: float = 0.0
    scale: float = 1.0
    dx: float = 0.0
    dy: float = 0.0


@dataclass
class Stitched:
    pixels: np.ndarray  # float64, the output canvas
    covered: np.ndarray  # bool, where some image is
    boxes: list[tuple[int, int, int, int]]  # per image: top, left, height, width on the canvas


def warp(image: np.ndarray, rotate: float, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """``image`` rotated clockwise by ``rotate`` degrees and scaled by ``scale`` about its centre, on the
    bounding box of the result; and the mask of the pixels that come from the image. Quarter turns at
    scale 1 are exact (no interpolation)."""
    quarter = round(rotate / 90)
    if scale == 1 and math.isclose(rotate, quarter * 90, abs_tol=1e-9):
        out = np.rot90(image, k=-quarter % 4)
        return out.astype(np.float64), np.ones(out.shape, dtype=bool)
    h, w = image.shape
    theta = math.radians(rotate)
    c, s = math.cos(theta), math.sin(theta)
    # the corners of the transformed rectangle, about the centre
    corners = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]]) * scale
    turned = corners @ np.array([[c, s], [-s, c]])  # (x, y) → (x c − y s, x s + y c), y pointing down
    out_w = max(1, int(math.ceil(turned[:, 0].max() - turned[:, 0].min() - 1e-9)))
    out_h = max(1, int(math.ceil(turned[:, 1].max() - turned[:, 1].min() - 1e-9)))
    v, u = np.mgrid[0:out_h, 0:out_w].astype(np.float64)
    # output pixel centres about the output centre → back through the rotation and scale
    x, y = u + 0.5 - out_w / 2, v + 0.5 - out_h / 2
    sx = (x * c + y * s) / scale + w / 2 - 0.5
    sy = (-x * s + y * c) / scale + h / 2 - 0.5
    inside = (sx >= -0.5) & (sx <= w - 0.5) & (sy >= -0.5) & (sy <= h - 0.5)
    sx, sy = np.clip(sx, 0, w - 1), np.clip(sy, 0, h - 1)
    x0, y0 = np.minimum(np.floor(sx).astype(np.int64), max(w - 2, 0)), np.minimum(np.floor(sy).astype(np.int64), max(h - 2, 0))
    fx, fy = np.clip(sx - x0, 0, 1), np.clip(sy - y0, 0, 1)
    x1, y1 = np.minimum(x0 + 1, w - 1), np.minimum(y0 + 1, h - 1)
    img = image.astype(np.float64)
    top = img[y0, x0] * (1 - fx) + img[y0, x1] * fx
    bottom = img[y1, x0] * (1 - fx) + img[y1, x1] * fx
    out = top * (1 - fy) + bottom * fy
    return np.where(inside, out, 0.0), inside


def stitch(images: Sequence[np.ndarray], placements: Sequence[Placement], *, direction: str = "vertical",
           overlap: int = 0, blend: str = "linear", background: float = 0.0) -> Stitched:
    """Join ``images`` (2-D arrays of the same meaning of values) as the module docstring says."""
    if direction not in ("vertical", "horizontal"):
        raise ValueError(direction)
    warped = [warp(img, p.rotate, p.scale) for img, p in zip(images, placements, strict=True)]
    vertical = direction == "vertical"
    across = max(w.shape[1] if vertical else w.shape[0] for w, _ in warped)
    tops, lefts = [], []
    along = 0.0
    for n, ((w, _), p) in enumerate(zip(warped, placements, strict=True)):
        h_i, w_i = w.shape
        if n:
            along -= overlap
        if vertical:
            tops.append(along + p.dy)
            lefts.append((across - w_i) / 2 + p.dx)
            along += h_i
        else:
            lefts.append(along + p.dx)
            tops.append((across - h_i) / 2 + p.dy)
            along += w_i
    tops_i = [int(round(t)) for t in tops]
    lefts_i = [int(round(x)) for x in lefts]
    min_top, min_left = min(tops_i), min(lefts_i)
    tops_i = [t - min_top for t in tops_i]
    lefts_i = [x - min_left for x in lefts_i]
    height = max(t + w.shape[0] for t, (w, _) in zip(tops_i, warped, strict=True))
    width = max(x + w.shape[1] for x, (w, _) in zip(lefts_i, warped, strict=True))
    if height * width > MAX_PIXELS:
        raise ValueError(f"拼接结果过大（{width}×{height}），请缩小图像或减少平移")
    total = np.zeros((height, width))
    weights = np.zeros((height, width))
    boxes = []
    for (w, mask), top, left in zip(warped, tops_i, lefts_i, strict=True):
        h_i, w_i = w.shape
        boxes.append((top, left, h_i, w_i))
        region = (slice(top, top + h_i), slice(left, left + w_i))
        if blend == "linear":
            n = h_i if vertical else w_i
            ramp = np.minimum(np.arange(1, n + 1), np.arange(n, 0, -1)).astype(np.float64)
            weight = (ramp[:, None] if vertical else ramp[None, :]) * mask
            total[region] += w * weight
            weights[region] += weight
        else:  # the later image lies on top
            total[region] = np.where(mask, w, total[region])
            weights[region] = np.where(mask, 1.0, weights[region])
    covered = weights > 0
    pixels = np.full((height, width), float(background))
    pixels[covered] = total[covered] / weights[covered]
    return Stitched(pixels, covered, boxes)


# --- DICOM in and out -------------------------------------------------------------------------------


@dataclass
class Source:
    dataset: Dataset
    pixels: np.ndarray  # presentation values: MONOCHROME1 already inverted
    bits: int


def read_source(raw: bytes, frame: int = 1) -> Source:
    """The image of a Part 10 file as presentation values (MONOCHROME2). ``ValueError`` (Chinese) if it
    cannot be stitched."""
    ds = pydicom.dcmread(io.BytesIO(raw))
    modality = str(ds.get("Modality", "") or "")
    if modality not in MODALITIES:
        raise ValueError(f"只有 CR、DR、DX 影像可以拼接（该影像为 {modality or '未知'}）")
    if int(ds.get("SamplesPerPixel", 1) or 1) != 1:
        raise ValueError("只支持灰度影像拼接")
    try:
        array = ds.pixel_array
    except Exception as exc:
        raise ValueError(f"影像像素无法解码：{exc}") from None
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    if frames > 1:
        if not 1 <= frame <= frames:
            raise ValueError(f"帧号应在 1 到 {frames} 之间")
        array = array[frame - 1]
    bits = int(ds.get("BitsStored", 16) or 16)
    pixels = array.astype(np.float64)
    if str(ds.get("PhotometricInterpretation", "")) == "MONOCHROME1":
        pixels = (float(pixels.max()) if int(ds.get("PixelRepresentation", 0)) else float(2 ** bits - 1)) - pixels
    return Source(ds, pixels, bits)


def _spacing(ds: Dataset) -> list[float] | None:
    for keyword in ("PixelSpacing", "ImagerPixelSpacing"):
        value = ds.get(keyword)
        if value is not None and len(value) == 2:
            try:
                return [float(value[0]), float(value[1])]
            except (TypeError, ValueError):
                return None
    return None


def secondary_capture(sources: Sequence[Source], placements: Sequence[Placement], result: Stitched, *,
                      series_number: int, description: str, direction: str, blend: str) -> bytes:
    """The stitched image as a Part 10 Secondary Capture file in a new series of the first image's study."""
    first = sources[0].dataset
    bits = min(16, max(s.bits for s in sources))
    pixels = np.clip(np.rint(result.pixels), 0, 2 ** bits - 1).astype(np.uint16)
    sop_uid = generate_uid()
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = SECONDARY_CAPTURE
    meta.MediaStorageSOPInstanceUID = sop_uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
    ds = Dataset()
    ds.file_meta = meta
    for keyword in COPIED:
        if keyword in first:
            setattr(ds, keyword, first.data_element(keyword).value)
    now = dt.datetime.now()
    ds.SOPClassUID = SECONDARY_CAPTURE
    ds.SOPInstanceUID = sop_uid
    ds.SeriesInstanceUID = generate_uid()
    ds.SeriesNumber = series_number
    ds.InstanceNumber = 1
    ds.SeriesDescription = description[:64]
    ds.Modality = str(first.get("Modality", "OT"))
    ds.ConversionType = "WSD"
    ds.ImageType = ["DERIVED", "SECONDARY", "STITCHED"]
    ds.SeriesDate = ds.ContentDate = now.strftime("%Y%m%d")
    ds.SeriesTime = ds.ContentTime = now.strftime("%H%M%S")
    ds.DerivationDescription = (f"图像拼接：{'纵向' if direction == 'vertical' else '横向'}，"
                                f"{len(sources)} 幅，{'线性融合' if blend == 'linear' else '覆盖'}")[:1024]
    refs = []
    for source in sources:
        ref = Dataset()
        ref.ReferencedSOPClassUID = source.dataset.SOPClassUID
        ref.ReferencedSOPInstanceUID = source.dataset.SOPInstanceUID
        refs.append(ref)
    ds.SourceImageSequence = refs
    spacings = [_spacing(s.dataset) for s in sources]
    if all(spacings) and len({(round(sp[0] / p.scale, 6), round(sp[1] / p.scale, 6))  # type: ignore[index]
                              for sp, p in zip(spacings, placements, strict=True)}) == 1:
        ds.PixelSpacing = [round(spacings[0][0] / placements[0].scale, 6), round(spacings[0][1] / placements[0].scale, 6)]  # type: ignore[index]
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows, ds.Columns = pixels.shape
    ds.BitsAllocated = 16
    ds.BitsStored = bits
    ds.HighBit = bits - 1
    ds.PixelRepresentation = 0
    low, high = window_of(sources, result)
    ds.WindowCenter = round((low + high) / 2, 2)
    ds.WindowWidth = round(max(high - low, 1), 2)
    ds.PixelData = pixels.tobytes()
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


def window_of(sources: Sequence[Source], result: Stitched) -> tuple[float, float]:
    """The first image's own window when it has one (and is not inverted), else the 1st–99th percentile."""
    first = sources[0].dataset
    photometric = str(first.get("PhotometricInterpretation", ""))
    try:
        centre, width = first.get("WindowCenter"), first.get("WindowWidth")
        if centre is not None and width is not None and photometric == "MONOCHROME2":
            centre = float(centre[0] if isinstance(centre, pydicom.multival.MultiValue) else centre)
            width = float(width[0] if isinstance(width, pydicom.multival.MultiValue) else width)
            return centre - width / 2, centre + width / 2
    except (TypeError, ValueError):
        pass
    values = result.pixels[result.covered]
    low, high = (float(np.percentile(values, 1)), float(np.percentile(values, 99))) if values.size else (0.0, 1.0)
    return low, max(high, low + 1)


def png(result: Stitched, low: float, high: float) -> bytes:
    from PIL import Image

    scaled = np.clip((result.pixels - low) / max(high - low, 1e-6) * 255, 0, 255).astype(np.uint8)
    scaled[~result.covered] = 0
    out = io.BytesIO()
    Image.fromarray(scaled, mode="L").save(out, format="PNG")
    return out.getvalue()


# --- the archive ------------------------------------------------------------------------------------


def _load(session: Session, data: StitchRequest) -> tuple[Study, list[Source], list[Placement]]:
    from radix.core.errors import Invalid, NotFound
    from radix.core.storage import blobs
    from radix.imaging.models import Instance, Series
    from radix.viewer import series_ops

    study = series_ops.study_or_404(session, data.study_uid)
    uids = [img.sop_uid for img in data.images]
    rows = {(r.sop_uid, r.series_uid): r.blob_key for r in session.execute(
        sa.select(Instance.sop_uid, Series.series_uid, Instance.blob_key)
        .join(Series, Series.id == Instance.series_ref)
        .where(Instance.study_ref == study.id, Instance.sop_uid.in_(uids)))}
    storage = blobs()
    sources = []
    for n, img in enumerate(data.images, start=1):
        key = rows.get((img.sop_uid, img.series_uid))
        if key is None:
            raise NotFound(f"第 {n} 幅影像不在该检查中或已被删除", code="IMAGE_NOT_FOUND")
        try:
            sources.append(read_source(storage.get(key), img.frame))
        except ValueError as exc:
            raise Invalid.field(f"images[{n - 1}]", f"第 {n} 幅影像：{exc}", code="STITCH_UNSUPPORTED") from None
    placements = [Placement(rotate=i.rotate, scale=i.scale, dx=i.dx, dy=i.dy) for i in data.images]
    return study, sources, placements


def _stitch(sources: list[Source], placements: list[Placement], data: StitchRequest) -> Stitched:
    from radix.core.errors import Invalid

    try:
        return stitch([s.pixels for s in sources], placements, direction=data.direction, overlap=data.overlap,
                      blend=data.blend)
    except ValueError as exc:
        raise Invalid(str(exc), code="STITCH_TOO_LARGE") from None


def to_archive(session: Session, data: StitchRequest) -> dict[str, Any]:
    """Stitch, and store the result as a Secondary Capture image in a new series of the study."""
    from radix.imaging import store
    from radix.viewer import series_ops

    study, sources, placements = _load(session, data)
    result = _stitch(sources, placements, data)
    number = series_ops.next_series_number(session, study)
    description = (data.description or "").strip() or "图像拼接"
    raw = secondary_capture(sources, placements, result, series_number=number, description=description,
                            direction=data.direction, blend=data.blend)
    stored = store.ingest(raw, store.Arrival(tenant_id=study.tenant_id, institution_id=study.institution_id,
                                             source=series_ops.SOURCE, node="阅片图像拼接"))
    if not stored.ok:
        raise series_ops.IngestFailed(f"拼接图像存档失败：{stored.message}")
    return {"studyUid": study.study_uid, "seriesUid": stored.series_uid, "sopUid": stored.sop_uid,
            "seriesNumber": number, "rows": int(result.pixels.shape[0]), "columns": int(result.pixels.shape[1])}


def to_png(session: Session, data: StitchRequest) -> bytes:
    _, sources, placements = _load(session, data)
    result = _stitch(sources, placements, data)
    if data.window_center is not None and data.window_width is not None:
        low, high = data.window_center - data.window_width / 2, data.window_center + data.window_width / 2
    else:
        low, high = window_of(sources, result)
    return png(result, low, high)
