"""Frames: cut from the stored file without parsing it, decoded and re-encoded only when asked.

Native little-endian pixel data is sliced at ``pixel_offset`` (kept at ingest); encapsulated pixel
data is read from the same offset through its Basic Offset Table / fragments. Anything else
(big endian, deflate, bit-packed frames) goes through pydicom. Decoding uses pydicom's pixel
backends (pylibjpeg with openjpeg and libjpeg, pillow, and pydicom's own RLE codec).
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass
from typing import Any, BinaryIO

import numpy as np
from pydicom import encaps
from pydicom.pixels import get_decoder, get_encoder
from pydicom.pixels.utils import pack_bits
from pydicom.uid import (
    UID,
    DeflatedExplicitVRLittleEndian,
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
)

from radix.core.errors import NotFound
from radix.core.storage import blobs
from radix.imaging.dicomweb.errors import NotAcceptable
from radix.imaging.dicomweb.multipart import MediaType
from radix.imaging.models import Instance

log = logging.getLogger(__name__)

EXPLICIT_LE = str(ExplicitVRLittleEndian)
IMPLICIT_LE = str(ImplicitVRLittleEndian)
NATIVE_LE = {EXPLICIT_LE, IMPLICIT_LE}
NATIVE = NATIVE_LE | {str(ExplicitVRBigEndian), str(DeflatedExplicitVRLittleEndian)}
RLE = "1.2.840.10008.1.2.5"
J2K_LOSSLESS = "1.2.840.10008.1.2.4.90"
OCTET = "application/octet-stream"

#: PS3.18 Table 8.7.3-5: the media type of each compressed pixel data transfer syntax (first = default)
MEDIA_TYPES: dict[str, tuple[str, ...]] = {
    "image/jpeg": ("1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57",
                   "1.2.840.10008.1.2.4.70"),
    "image/jls": ("1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81"),
    "image/jp2": ("1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91"),
    "image/jpx": ("1.2.840.10008.1.2.4.92", "1.2.840.10008.1.2.4.93"),
    "image/dicom-rle": (RLE,),
    "image/jphc": ("1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203"),
    "image/jxl": ("1.2.840.10008.1.2.4.110", "1.2.840.10008.1.2.4.111", "1.2.840.10008.1.2.4.112"),
    OCTET: (EXPLICIT_LE, IMPLICIT_LE),
}
ALIASES = {"image/x-dicom-rle": "image/dicom-rle", "image/x-jls": "image/jls", "image/x-jp2": "image/jp2"}
MEDIA_OF: dict[str, str] = {ts: media for media, syntaxes in MEDIA_TYPES.items() for ts in syntaxes}
#: what we can encode a decoded frame into
ENCODABLE = {EXPLICIT_LE, IMPLICIT_LE, RLE, J2K_LOSSLESS}
VIDEO = {"1.2.840.10008.1.2.4.100", "1.2.840.10008.1.2.4.101", "1.2.840.10008.1.2.4.102",
         "1.2.840.10008.1.2.4.103", "1.2.840.10008.1.2.4.104", "1.2.840.10008.1.2.4.105",
         "1.2.840.10008.1.2.4.106", "1.2.840.10008.1.2.4.107", "1.2.840.10008.1.2.4.108"}


def media_type_of(ts: str) -> str:
    return MEDIA_OF.get(ts, OCTET)


def part_content_type(ts: str) -> str:
    return f"{media_type_of(ts)}; transfer-syntax={ts}"


def can_decode(ts: str) -> bool:
    if ts in NATIVE:
        return True
    try:
        return get_decoder(UID(ts)).is_available
    except (NotImplementedError, ValueError):
        return False


# --- the image pixel module of an instance (from its kept DICOM JSON) ----------------------------


def _first(meta: dict[str, Any], tag: str, default: Any = None) -> Any:
    element = meta.get(tag)
    if not isinstance(element, dict):
        return default
    values = element.get("Value")
    if not values:
        return default
    return values[0]


@dataclass
class PixelInfo:
    rows: int
    columns: int
    samples_per_pixel: int
    bits_allocated: int
    bits_stored: int
    pixel_representation: int
    photometric: str
    planar_configuration: int
    number_of_frames: int
    meta: dict[str, Any]

    @classmethod
    def of(cls, instance: Instance) -> PixelInfo:
        try:
            meta = json.loads(instance.metadata_json)
        except ValueError:
            meta = {}
        if "7FE00010" not in meta:
            raise NotFound("该影像实例没有像素数据", code="NO_PIXEL_DATA")
        try:
            bits_allocated = int(_first(meta, "00280100", 0))
            info = cls(
                rows=int(_first(meta, "00280010", instance.rows or 0)),
                columns=int(_first(meta, "00280011", instance.columns or 0)),
                samples_per_pixel=int(_first(meta, "00280002", 1)),
                bits_allocated=bits_allocated,
                bits_stored=int(_first(meta, "00280101", bits_allocated)),
                pixel_representation=int(_first(meta, "00280103", 0)),
                photometric=str(_first(meta, "00280004", "MONOCHROME2")).strip(),
                planar_configuration=int(_first(meta, "00280006", 0) or 0),
                number_of_frames=max(1, int(instance.num_frames or 1)),
                meta=meta,
            )
        except (TypeError, ValueError):
            raise NotFound("该影像实例的像素属性不完整", code="NO_PIXEL_DATA") from None
        if info.rows <= 0 or info.columns <= 0 or info.bits_allocated not in (1, 8, 16, 32, 64):
            raise NotFound("该影像实例的像素属性不完整", code="NO_PIXEL_DATA")
        return info

    @property
    def frame_bits(self) -> int:
        samples = self.samples_per_pixel
        if self.photometric == "YBR_FULL_422" and samples == 3:
            return self.rows * self.columns * 2 * self.bits_allocated
        return self.rows * self.columns * samples * self.bits_allocated

    def options(self, ts: str) -> dict[str, Any]:
        opts: dict[str, Any] = {
            "rows": self.rows, "columns": self.columns, "samples_per_pixel": self.samples_per_pixel,
            "bits_allocated": self.bits_allocated, "bits_stored": self.bits_stored,
            "pixel_representation": self.pixel_representation, "photometric_interpretation": self.photometric,
            "number_of_frames": 1, "transfer_syntax_uid": UID(ts),
        }
        if self.samples_per_pixel > 1:
            opts["planar_configuration"] = self.planar_configuration
        return opts


# --- negotiation -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """How to answer frames: as stored, or decoded and encoded as ``ts``."""

    ts: str
    transcode: bool


def negotiate(accept: list[MediaType], stored_ts: str, *,
              single_part_ok: bool = False) -> tuple[Choice, bool]:
    """Pick the first acceptable way to answer frames of an instance stored as ``stored_ts``.

    Returns (choice, multipart). ``transfer-syntax=*`` takes the stored encoding whatever it is."""
    for mt in accept:
        multipart = True
        if mt.type in ("*/*", "multipart/*"):
            part_type = OCTET
        elif mt.type == "multipart/related":
            part_type = (mt.param("type") or OCTET).lower()
        elif single_part_ok and (mt.type in MEDIA_TYPES or mt.type in ALIASES):
            part_type, multipart = mt.type, False
        else:
            continue
        if part_type in ("*/*", "image/*", "application/*"):
            part_type = OCTET
        part_type = ALIASES.get(part_type, part_type)
        if part_type not in MEDIA_TYPES:
            continue
        choice = _choose(part_type, mt.param("transfer-syntax"), stored_ts)
        if choice is not None:
            return choice, multipart
    raise NotAcceptable("无法以请求的传输语法返回该影像的帧", code="NOT_ACCEPTABLE")


def _choose(part_type: str, requested: str | None, stored: str) -> Choice | None:
    stored_media = media_type_of(stored)
    if requested == "*":
        if part_type == OCTET or stored_media == part_type:
            return Choice(_stored_label(stored), transcode=not _sliceable_ts(stored))
        requested = None
    if requested is None:
        if part_type == OCTET and stored in NATIVE_LE:
            return Choice(EXPLICIT_LE, transcode=False)
        if part_type != OCTET and stored_media == part_type:
            return Choice(stored, transcode=False)
        requested = MEDIA_TYPES[part_type][0]
    if requested not in MEDIA_TYPES[part_type]:
        return None
    if requested == stored or (requested in NATIVE_LE and stored in NATIVE_LE):
        return Choice(requested, transcode=False)
    if requested in ENCODABLE and can_decode(stored) and stored not in VIDEO:
        return Choice(requested, transcode=True)
    return None


def _sliceable_ts(ts: str) -> bool:
    return ts in NATIVE_LE or ts not in NATIVE


def _stored_label(ts: str) -> str:
    """The syntax a stored frame is answered in: native data is little endian once cut."""
    if ts in NATIVE:
        return EXPLICIT_LE
    return ts


# --- reading frames --------------------------------------------------------------------------------


def _open(instance: Instance) -> BinaryIO:
    fh = blobs().open(instance.blob_key)
    if not getattr(fh, "seekable", lambda: False)():
        data = fh.read()
        fh.close()
        return io.BytesIO(data)
    return fh


class FrameReader:
    """Frames of one instance, read from one open file."""

    def __init__(self, instance: Instance, info: PixelInfo | None = None) -> None:
        self.instance = instance
        self.info = info or PixelInfo.of(instance)
        self.ts = instance.transfer_syntax
        self._fh: BinaryIO | None = None

    def __enter__(self) -> FrameReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    @property
    def fh(self) -> BinaryIO:
        if self._fh is None:
            self._fh = _open(self.instance)
        return self._fh

    def check(self, numbers: list[int]) -> None:
        for n in numbers:
            if n < 1 or n > self.info.number_of_frames:
                raise NotFound(f"帧号 {n} 超出范围（共 {self.info.number_of_frames} 帧）",
                               code="FRAME_NOT_FOUND")
        if self.ts in VIDEO:
            raise NotAcceptable("视频格式的影像不能按帧获取", code="NOT_ACCEPTABLE")

    @property
    def can_slice(self) -> bool:
        inst = self.instance
        return (self.ts in NATIVE_LE and inst.pixel_offset is not None and inst.pixel_length is not None
                and self.info.frame_bits % 8 == 0
                and self.info.number_of_frames * self.info.frame_bits // 8 <= inst.pixel_length)

    @property
    def encapsulated(self) -> bool:
        return self.ts not in NATIVE and self.instance.pixel_offset is not None

    def stored(self, n: int) -> bytes:
        """Frame ``n`` (1-based) exactly as stored: a native slice or the compressed frame's bytes."""
        if self.can_slice:
            data = self._slice(n)
            if len(data) != self.info.frame_bits // 8:
                raise NotFound("该帧的像素数据不完整", code="FRAME_NOT_FOUND")
            return data
        if self.encapsulated:
            self.fh.seek(self.instance.pixel_offset)
            return encaps.get_frame(self.fh, n - 1, number_of_frames=self.info.number_of_frames)
        if self.ts not in NATIVE:  # compressed, but where its pixel data starts was not kept
            import pydicom

            self.fh.seek(0)
            ds = pydicom.dcmread(self.fh)
            return encaps.get_frame(ds.PixelData, n - 1, number_of_frames=self.info.number_of_frames)
        return self.native(n)

    def array(self, n: int) -> np.ndarray:
        """Frame ``n`` decoded (as pydicom's ``pixel_array`` gives it: colour as RGB, interleaved)."""
        info = self.info
        if self.can_slice and info.bits_allocated != 1:
            dtype = _dtype(info)
            arr = np.frombuffer(self.stored(n), dtype=dtype)
            if info.samples_per_pixel > 1 and info.photometric != "YBR_FULL_422":
                if info.planar_configuration == 1:
                    return arr.reshape(info.samples_per_pixel, info.rows, info.columns).transpose(1, 2, 0)
                return arr.reshape(info.rows, info.columns, info.samples_per_pixel)
            if info.samples_per_pixel == 1:
                return arr.reshape(info.rows, info.columns)
        if self.encapsulated:
            try:
                frame = self.stored(n)
                arr, _ = get_decoder(UID(self.ts)).as_array(encaps.encapsulate([frame]), index=0,
                                                            **info.options(self.ts))
                return arr
            except Exception:  # inconsistent header vs codestream: let pydicom read the whole file
                log.info("frame decode fell back to the file reader for %s", self.instance.sop_uid,
                         exc_info=True)
        from pydicom.pixels import pixel_array

        self.fh.seek(0)
        if self.ts == str(DeflatedExplicitVRLittleEndian):  # the functional reader does not inflate
            import pydicom

            return pixel_array(pydicom.dcmread(self.fh), index=n - 1)
        return pixel_array(self.fh, index=n - 1)

    def native(self, n: int) -> bytes:
        """Frame ``n`` as Explicit VR Little Endian pixel data bytes."""
        if self.can_slice:
            return self._slice(n)
        return native_bytes(self.array(n), self.info)

    def _slice(self, n: int) -> bytes:
        # a byte range, not an open file: one ranged GET on an object store
        size = self.info.frame_bits // 8
        return blobs().read_range(self.instance.blob_key, self.instance.pixel_offset + (n - 1) * size, size)

    def encode(self, n: int, ts: str) -> bytes:
        if ts in NATIVE_LE:
            return self.native(n)
        arr = self.array(n)
        info = self.info
        photometric = info.photometric
        if arr.ndim == 3 and photometric.startswith("YBR"):
            photometric = "RGB"  # decoded colour is RGB
        opts: dict[str, Any] = {
            "rows": info.rows, "columns": info.columns, "samples_per_pixel": info.samples_per_pixel,
            "bits_allocated": info.bits_allocated, "bits_stored": info.bits_stored,
            "pixel_representation": info.pixel_representation, "photometric_interpretation": photometric,
            "number_of_frames": 1,
        }
        if info.samples_per_pixel > 1:
            opts["planar_configuration"] = 0
        return get_encoder(UID(ts)).encode(np.ascontiguousarray(arr), **opts)

    def frame(self, n: int, choice: Choice) -> bytes:
        if not choice.transcode:
            return self.stored(n)
        try:
            return self.encode(n, choice.ts)
        except (NotFound, NotAcceptable):
            raise
        except Exception as exc:
            log.warning("could not transcode frame %d of %s to %s: %s", n, self.instance.sop_uid, choice.ts,
                        exc)
            raise NotAcceptable("无法将该影像转换为请求的传输语法，可以 transfer-syntax=* 获取原始编码",
                                code="TRANSCODE_FAILED") from None


def _dtype(info: PixelInfo) -> np.dtype:
    kind = "i" if info.pixel_representation == 1 else "u"
    if info.bits_allocated == 64:
        return np.dtype("<f8")
    return np.dtype(f"<{kind}{info.bits_allocated // 8}")


def native_bytes(arr: np.ndarray, info: PixelInfo) -> bytes:
    """A decoded frame laid out as the instance's native pixel data (little endian)."""
    if info.bits_allocated == 1:
        return pack_bits(arr, pad=False)
    arr = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
    if arr.ndim == 3 and info.planar_configuration == 1:
        arr = arr.transpose(2, 0, 1)
    return np.ascontiguousarray(arr).tobytes()
