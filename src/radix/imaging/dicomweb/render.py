"""Rendered images and thumbnails (PS3.18 8.3.5): a frame through its modality LUT and a VOI window
to 8 bits, scaled into the viewport, as JPEG or PNG. Used by WADO-RS /rendered, /thumbnail and WADO-URI."""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import sqlalchemy as sa
from PIL import Image

from radix.core.errors import NotFound
from radix.imaging.dicomweb import multipart as mp
from radix.imaging.dicomweb.access import Access
from radix.imaging.dicomweb.errors import BadRequest, NotAcceptable
from radix.imaging.dicomweb.frames import FrameReader, PixelInfo
from radix.imaging.models import Instance, Series, Study

IMAGE_TYPES = ("image/jpeg", "image/png")
MAX_VIEWPORT = 4096
THUMBNAIL_SIZE = 128
FUNCTIONS = {"linear": "LINEAR", "linear-exact": "LINEAR_EXACT", "linear_exact": "LINEAR_EXACT",
             "sigmoid": "SIGMOID"}


@dataclass
class Window:
    center: float
    width: float
    function: str = "LINEAR"


@dataclass
class Viewport:
    width: int | None
    height: int | None
    #: source region in pixels (x, y, w, h); negative w/h flips
    region: tuple[int, int, int, int] | None = None
    #: source region as fractions (WADO-URI ``region``)
    fractions: tuple[float, float, float, float] | None = None


@dataclass
class RenderOptions:
    media: str = "image/jpeg"
    window: Window | None = None
    viewport: Viewport | None = None
    quality: int = 90


# --- parameters ------------------------------------------------------------------------------------


def _number(text: str, name: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise BadRequest(f"参数 {name} 应为数字", code="BAD_RENDER_PARAM") from None
    if not math.isfinite(value) or abs(value) > 1e9:
        raise BadRequest(f"参数 {name} 超出允许的范围", code="BAD_RENDER_PARAM")
    return value


def parse_window(text: str | None) -> Window | None:
    if text is None or not text.strip():
        return None
    parts = [p.strip() for p in text.split(",")]
    if len(parts) not in (2, 3):
        raise BadRequest("参数 window 应为 中心,宽度[,函数]，如 40,400,linear", code="BAD_RENDER_PARAM")
    center, width = _number(parts[0], "window"), _number(parts[1], "window")
    function = "LINEAR"
    if len(parts) == 3:
        function = FUNCTIONS.get(parts[2].lower()) or ""
        if not function:
            raise BadRequest("参数 window 的函数只能是 linear、linear-exact 或 sigmoid",
                             code="BAD_RENDER_PARAM")
    return _checked_window(center, width, function)


def _checked_window(center: float, width: float, function: str) -> Window:
    if width <= 0 or (function == "LINEAR" and width < 1):
        raise BadRequest("窗宽必须大于 0（线性函数时不小于 1）", code="BAD_RENDER_PARAM")
    return Window(center, width, function)


def window_from(center: str | None, width: str | None) -> Window | None:
    """WADO-URI ``windowCenter`` + ``windowWidth`` (both or neither)."""
    if center is None and width is None:
        return None
    if center is None or width is None:
        raise BadRequest("windowCenter 和 windowWidth 需要同时提供", code="BAD_RENDER_PARAM")
    return _checked_window(_number(center, "windowCenter"), _number(width, "windowWidth"), "LINEAR")


def _size(text: str, name: str) -> int:
    if not re.fullmatch(r"\d{1,6}", text.strip()):
        raise BadRequest(f"参数 {name} 应为正整数", code="BAD_RENDER_PARAM")
    value = int(text)
    if not 1 <= value <= MAX_VIEWPORT:
        raise BadRequest(f"参数 {name} 应在 1 到 {MAX_VIEWPORT} 之间", code="BAD_RENDER_PARAM")
    return value


def parse_viewport(text: str | None) -> Viewport | None:
    if text is None or not text.strip():
        return None
    parts = [p.strip() for p in text.split(",")]
    if len(parts) not in (2, 6):
        raise BadRequest("参数 viewport 应为 宽,高[,sx,sy,sw,sh]", code="BAD_RENDER_PARAM")
    width = _size(parts[0], "viewport") if parts[0] else None
    height = _size(parts[1], "viewport") if parts[1] else None
    if width is None and height is None:
        raise BadRequest("参数 viewport 至少需要宽或高", code="BAD_RENDER_PARAM")
    region = None
    if len(parts) == 6:
        try:
            sx, sy, sw, sh = (int(p) if p else 0 for p in parts[2:])
        except ValueError:
            raise BadRequest("参数 viewport 的源区域应为整数", code="BAD_RENDER_PARAM") from None
        if any(abs(v) > 10**6 for v in (sx, sy, sw, sh)):
            raise BadRequest("参数 viewport 的源区域超出范围", code="BAD_RENDER_PARAM")
        region = (sx, sy, sw, sh)
    return Viewport(width, height, region)


def viewport_from_uri(rows: str | None, columns: str | None, region: str | None) -> Viewport | None:
    height = _size(rows, "rows") if rows is not None else None
    width = _size(columns, "columns") if columns is not None else None
    fractions = None
    if region is not None:
        parts = [p.strip() for p in region.split(",")]
        if len(parts) != 4:
            raise BadRequest("参数 region 应为 x1,y1,x2,y2（0 到 1 之间）", code="BAD_RENDER_PARAM")
        x1, y1, x2, y2 = (_number(p, "region") for p in parts)
        if not (0 <= x1 < x2 <= 1 and 0 <= y1 < y2 <= 1):
            raise BadRequest("参数 region 应为 x1,y1,x2,y2（0 到 1 之间，且 x1<x2、y1<y2）",
                             code="BAD_RENDER_PARAM")
        fractions = (x1, y1, x2, y2)
    if width is None and height is None and fractions is None:
        return None
    return Viewport(width, height, fractions=fractions)


def parse_quality(text: str | None) -> int:
    if text is None or not text.strip():
        return 90
    if not re.fullmatch(r"\d{1,3}", text.strip()) or not 1 <= int(text) <= 100:
        raise BadRequest("参数 quality 应为 1 到 100 的整数", code="BAD_RENDER_PARAM")
    return int(text)


def negotiate_image(accept: list[mp.MediaType]) -> str:
    for mt in accept:
        if mt.type in IMAGE_TYPES:
            return mt.type
        if mt.type in ("*/*", "image/*"):
            return "image/jpeg"
    raise NotAcceptable("渲染图像仅支持 image/jpeg 或 image/png")


# --- rendering -------------------------------------------------------------------------------------


def _first_number(item: dict[str, Any] | None, tag: str) -> float | None:
    if not item or not isinstance(item.get(tag), dict):
        return None
    values = item[tag].get("Value")
    if not values:
        return None
    try:
        return float(values[0])
    except (TypeError, ValueError):
        return None


def _first_text(item: dict[str, Any] | None, tag: str) -> str | None:
    if not item or not isinstance(item.get(tag), dict):
        return None
    values = item[tag].get("Value")
    return str(values[0]).strip().upper() if values else None


def _item(meta: dict[str, Any], tag: str, index: int = 0) -> dict[str, Any] | None:
    element = meta.get(tag)
    if not isinstance(element, dict):
        return None
    values = element.get("Value") or []
    return values[index] if len(values) > index and isinstance(values[index], dict) else None


def _frame_groups(meta: dict[str, Any], frame: int) -> list[dict[str, Any]]:
    """Where a frame's rescale and window may live: per-frame groups, shared groups, then the top level."""
    groups = []
    for tag, index in (("52009230", frame - 1), ("52009229", 0)):
        item = _item(meta, tag, index)
        if item:
            groups.append(item)
    return groups


def _lookup(meta: dict[str, Any], frame: int, sequence: str, tag: str, text: bool = False) -> Any:
    for group in _frame_groups(meta, frame):
        value = (_first_text if text else _first_number)(_item(group, sequence), tag)
        if value is not None:
            return value
    return (_first_text if text else _first_number)(meta, tag)


def modality_lut(arr: np.ndarray, meta: dict[str, Any], frame: int) -> np.ndarray:
    slope = _lookup(meta, frame, "00289145", "00281053") or 1.0
    intercept = _lookup(meta, frame, "00289145", "00281052") or 0.0
    out = arr.astype(np.float64)
    if slope != 1.0 or intercept != 0.0:
        out = out * slope + intercept
    return out


def stored_window(meta: dict[str, Any], frame: int) -> Window | None:
    center = _lookup(meta, frame, "00289132", "00281050")
    width = _lookup(meta, frame, "00289132", "00281051")
    if center is None or width is None or width <= 0:
        return None
    function = _lookup(meta, frame, "00289132", "00281056", text=True) or "LINEAR"
    if function not in ("LINEAR", "LINEAR_EXACT", "SIGMOID") or (function == "LINEAR" and width < 1):
        function = "LINEAR_EXACT"
    return Window(center, width, function)


def apply_window(values: np.ndarray, window: Window) -> np.ndarray:
    """PS3.3 C.11.2.1.2 to 0..255."""
    c, w = window.center, window.width
    if window.function == "SIGMOID":
        out = 255.0 / (1.0 + np.exp(-4.0 * (values - c) / w))
    elif window.function == "LINEAR_EXACT":
        out = ((values - c) / w + 0.5) * 255.0
    else:
        if w > 1:
            out = ((values - (c - 0.5)) / (w - 1) + 0.5) * 255.0
        else:
            out = np.where(values > c - 0.5, 255.0, 0.0)
    return np.clip(out, 0, 255).astype(np.uint8)


def to_8bit(reader: FrameReader, frame: int, window: Window | None) -> Image.Image:
    info: PixelInfo = reader.info
    arr = reader.array(frame)
    photometric = info.photometric
    if photometric == "PALETTE COLOR":
        arr = _palette(reader, arr)
    if arr.ndim == 3:  # colour (already RGB)
        if window is not None:
            rgb = apply_window(arr.astype(np.float64), window)
        elif arr.dtype != np.uint8:
            shift = max(0, int(info.bits_stored if photometric != "PALETTE COLOR" else 16) - 8)
            rgb = np.clip(arr.astype(np.int64) >> shift, 0, 255).astype(np.uint8)
        else:
            rgb = arr
        return Image.fromarray(np.ascontiguousarray(rgb[..., :3]), "RGB")
    values = modality_lut(arr, info.meta, frame)
    win = window or stored_window(info.meta, frame)
    if win is None:
        low, high = float(np.min(values)), float(np.max(values))
        win = Window((low + high) / 2, max(high - low, 1.0), "LINEAR_EXACT")
    gray = apply_window(values, win)
    if photometric == "MONOCHROME1":
        gray = 255 - gray
    return Image.fromarray(np.ascontiguousarray(gray), "L")


def _palette(reader: FrameReader, arr: np.ndarray) -> np.ndarray:
    import pydicom
    from pydicom.pixels import apply_color_lut

    reader.fh.seek(0)
    header = pydicom.dcmread(reader.fh, stop_before_pixels=True)
    try:
        return apply_color_lut(arr, header)
    except Exception:
        return arr


def fit(image: Image.Image, viewport: Viewport | None) -> Image.Image:
    if viewport is None:
        return image
    if viewport.fractions is not None:
        x1, y1, x2, y2 = viewport.fractions
        w, h = image.size
        left, top = int(x1 * w), int(y1 * h)
        image = image.crop((left, top, max(int(x2 * w), left + 1), max(int(y2 * h), top + 1)))
    if viewport.region is not None:
        sx, sy, sw, sh = viewport.region
        w, h = image.size
        sw = sw or w - sx
        sh = sh or h - sy
        box = (min(sx, sx + sw), min(sy, sy + sh), max(sx, sx + sw), max(sy, sy + sh))
        box = (max(0, box[0]), max(0, box[1]), min(w, box[2]), min(h, box[3]))
        if box[2] <= box[0] or box[3] <= box[1]:
            raise BadRequest("参数 viewport 的源区域不在图像内", code="BAD_RENDER_PARAM")
        image = image.crop(box)
        if sw < 0:
            image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        if sh < 0:
            image = image.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    w, h = image.size
    if viewport.width is None and viewport.height is None:
        return image
    scale_w = viewport.width / w if viewport.width else math.inf
    scale_h = viewport.height / h if viewport.height else math.inf
    scale = min(scale_w, scale_h)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    if size == (w, h):
        return image
    return image.resize(size, Image.Resampling.LANCZOS if scale < 1 else Image.Resampling.BILINEAR)


def encode(image: Image.Image, options: RenderOptions) -> bytes:
    buf = io.BytesIO()
    if options.media == "image/png":
        image.save(buf, format="PNG", optimize=False, compress_level=3)
    else:
        image.save(buf, format="JPEG", quality=options.quality)
    return buf.getvalue()


def render(instance: Instance, frame: int, options: RenderOptions) -> bytes:
    with FrameReader(instance) as reader:
        reader.check([frame])
        image = to_8bit(reader, frame, options.window)
    return encode(fit(image, options.viewport), options)


# --- what a thumbnail shows ------------------------------------------------------------------------


def representative(access: Access, *, study: Study, series: Series | None = None) -> Instance:
    """The middle image of the series (or of the study's first series that has images)."""
    session = access.session
    if series is None:
        series_id = session.scalar(
            sa.select(Instance.series_ref).join(Series, Instance.series_ref == Series.id)
            .where(Instance.study_ref == study.id, Instance.rows.is_not(None))
            .order_by(Series.series_number.is_(None), Series.series_number, Series.id).limit(1)
        )
    else:
        series_id = series.id
    if series_id is None:
        raise NotFound("没有可显示的图像", code="NO_PIXEL_DATA")
    count = session.scalar(sa.select(sa.func.count(Instance.id)).where(Instance.series_ref == series_id,
                                                                       Instance.rows.is_not(None))) or 0
    if not count:
        raise NotFound("没有可显示的图像", code="NO_PIXEL_DATA")
    instance = session.scalars(
        sa.select(Instance).where(Instance.series_ref == series_id, Instance.rows.is_not(None))
        .order_by(Instance.instance_number.is_(None), Instance.instance_number, Instance.id)
        .offset(count // 2).limit(1)
    ).first()
    if instance is None:
        raise NotFound("没有可显示的图像", code="NO_PIXEL_DATA")
    return instance
