"""An instance's DICOM JSON (PS3.18 F), written at ingest straight from the raw header.

pydicom's ``Dataset.to_json_dict`` converts every element into a typed value first (and reads a
deferred Pixel Data just to learn that it is bulk data): about 0.4 ms for a small CT header and
several milliseconds for a full one with its private groups. This writer makes the same JSON for
the elements whose raw form says everything — numbers, plain strings and numbers-as-strings, bulk
and inline binary — in little endian; every other element (sequences, person names with groups,
non-ASCII text, odd values, implicit private tags…) is handed to pydicom, one element at a time. So
the output is what pydicom would write, element for element; ``tests/imaging/test_dicomjson.py``
holds that against every file pydicom ships.
"""

from __future__ import annotations

import base64
import re
import struct
from collections.abc import Callable
from typing import Any

from pydicom.datadict import dictionary_VR
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset

#: a bulk-data URI for a tag
BulkHandler = Callable[[int], str]

_NUMBERS = {"US": ("H", 2, int), "SS": ("h", 2, int), "UL": ("L", 4, int), "SL": ("l", 4, int),
            "FL": ("f", 4, float), "FD": ("d", 8, float), "SV": ("q", 8, int), "UV": ("Q", 8, int)}
#: VRs held as bytes: BulkDataURI above the threshold, InlineBinary below
_BINARY = frozenset({"OB", "OD", "OF", "OL", "OV", "OW"})
#: string VRs pydicom splits at backslashes and right-strips of spaces and NULs, default repertoire
_PLAIN = frozenset({"AS", "CS", "DA", "DT", "TM", "UI"})
#: text VRs that follow Specific Character Set: split (SH, LO, UC) or kept whole (ST, LT, UT)
_SPLIT_TEXT = frozenset({"SH", "LO", "UC"})
_WHOLE_TEXT = frozenset({"ST", "LT", "UT"})
#: character sets in which ASCII bytes (without ESC) mean ASCII
_ASCII_SAFE = frozenset({"", "ISO_IR 6", "ISO 2022 IR 6", "ISO_IR 100", "ISO_IR 192", "GB18030", "GBK"})
#: LUT descriptors get a first-value fix in pydicom
_LUT_DESCRIPTORS = frozenset({0x00281101, 0x00281102, 0x00281103, 0x00283002})
_IS = re.compile(r" *[+-]?[0-9]+ *")
_DS = re.compile(r" *[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)? *")


def to_json_dict(ds: Dataset, bulk_uri: BulkHandler, threshold: int = 1024) -> dict[str, Any]:
    """The DICOM JSON of ``ds`` (its top level, as read with ``dcmread``), equal to pydicom's
    ``ds.to_json_dict(threshold, handler)`` with a handler giving ``bulk_uri(elem.tag)``."""
    elements = ds._dict  # noqa: SLF001 — the raw elements as read, not yet converted
    text_ok = _ascii_safe(elements.get(0x00080005))
    inline_max = (threshold // 4) * 3
    out: dict[str, Any] = {}
    for tag, elem in elements.items():
        entry = None
        if type(elem) is RawDataElement and elem.is_little_endian:
            entry = _fast(elem, text_ok, inline_max, bulk_uri)
        if entry is None:
            entry = ds[tag].to_json_dict(lambda e: bulk_uri(e.tag), threshold)
        out[f"{tag:08X}"] = entry
    return out


def _ascii_safe(charset: Any) -> bool:
    if charset is None:
        return True
    if type(charset) is not RawDataElement:
        values = [charset.value] if isinstance(charset.value, str | None) else list(charset.value)
        return all((v or "").strip() in _ASCII_SAFE for v in values)
    raw = charset.value or b""
    return raw.isascii() and all(v.strip(" \x00") in _ASCII_SAFE for v in raw.decode().split("\\"))


def _fast(elem: RawDataElement, text_ok: bool, inline_max: int, bulk_uri: BulkHandler) -> dict[str, Any] | None:
    """The element's JSON from its raw bytes, or None when pydicom should say it."""
    tag = elem.tag
    vr = elem.VR
    if vr is None:  # implicit VR: the dictionary's, unless private, ambiguous or unknown
        if tag >> 16 & 1 or tag & 0xFFFF == 0:
            return None
        try:
            vr = dictionary_VR(tag)
        except KeyError:
            return None
    value = elem.value
    if value is None:  # deferred: only bulk data is known without reading it
        if vr in _BINARY and elem.length != 0xFFFFFFFF and elem.length > inline_max:
            return {"vr": vr, "BulkDataURI": bulk_uri(tag)}
        return None
    if not value:
        return {"vr": vr} if vr in _NUMBERS or vr in _BINARY or vr in _PLAIN or vr in _SPLIT_TEXT else None
    if vr in _BINARY:
        if len(value) > inline_max:
            return {"vr": vr, "BulkDataURI": bulk_uri(tag)}
        return {"vr": vr, "InlineBinary": base64.b64encode(value).decode()}
    number = _NUMBERS.get(vr)
    if number is not None:
        fmt, size, _ = number
        if len(value) % size or tag in _LUT_DESCRIPTORS:
            return None
        return {"vr": vr, "Value": list(struct.unpack(f"<{len(value) // size}{fmt}", value))}
    if not value.isascii() or b"\x1b" in value:
        return None
    if vr in _PLAIN:
        text = value.decode().rstrip(" \x00")
        return {"vr": vr, "Value": text.split("\\")} if text else {"vr": vr}
    if vr == "AE":
        items = [s.strip() for s in value.decode().split("\\")]
        return {"vr": vr, "Value": items} if items != [""] else {"vr": vr}
    if vr == "IS" or vr == "DS":
        text = value.decode().strip() if vr == "DS" else value.decode().rstrip(" \x00")
        if not text:
            return {"vr": vr}
        items = text.split("\\")
        pattern, kind = (_IS, int) if vr == "IS" else (_DS, float)
        if not all(pattern.fullmatch(s) for s in items):
            return None
        return {"vr": vr, "Value": [kind(s) for s in items]}
    if not text_ok:
        return None
    if vr in _SPLIT_TEXT:
        items = [s.rstrip("\x00 ") for s in value.decode().split("\\")]
        return {"vr": vr, "Value": items} if items != [""] else {"vr": vr}
    if vr in _WHOLE_TEXT:
        text = value.decode().rstrip("\x00 ")
        return {"vr": vr, "Value": [text]} if text else {"vr": vr}
    if vr == "PN":
        text = value.rstrip(b"\x00 ").decode()
        items = text.split("\\")
        if "=" in text or (len(items) > 1 and not all(items)):
            return None
        return {"vr": vr, "Value": [{"Alphabetic": s} for s in items]} if text else {"vr": vr}
    return None
