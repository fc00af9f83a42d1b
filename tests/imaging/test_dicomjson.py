"""The ingest's DICOM JSON writer says what pydicom's to_json_dict says, element for element."""

from __future__ import annotations

import io
import struct
import warnings
from pathlib import Path

import pydicom
import pytest
from pydicom.data import get_testdata_file
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.filewriter import dcmwrite
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian

from radix.imaging import dicomjson, store, synth
from tests.imaging.shipped import SHIPPED, quiet  # noqa: F401 — quiet: the module's fixture


def uri(tag: int) -> str:
    return f"{{wado}}/bulkdata/{tag:08X}"


def both(raw: bytes) -> tuple[object, object]:
    """(pydicom's JSON, ours) of the same bytes, each read as the ingest reads them; an exception's
    type stands in for a result."""
    out = []
    for write in ("pydicom", "radix"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                ds = pydicom.dcmread(io.BytesIO(raw), defer_size=1024, force=True)
            except Exception as exc:  # noqa: BLE001 — unreadable for both alike
                out.append(type(exc).__name__)
                continue
            try:
                if write == "pydicom":
                    out.append(ds.to_json_dict(1024, lambda e: uri(e.tag)))
                else:
                    out.append(dicomjson.to_json_dict(ds, uri, 1024))
            except Exception as exc:  # noqa: BLE001 — the comparison is the point
                out.append(type(exc).__name__)
    return out[0], out[1]


pytestmark = pytest.mark.usefixtures("quiet")


@pytest.mark.parametrize("path", SHIPPED, ids=[Path(p).name for p in SHIPPED])
def test_every_file_pydicom_ships_gets_the_same_json(path):
    want, got = both(Path(path).read_bytes())
    assert got == want


def test_the_files_are_really_there_and_most_are_made_fast():
    assert len(SHIPPED) > 90
    raw = Path(get_testdata_file("CT_small.dcm")).read_bytes()
    ds = pydicom.dcmread(io.BytesIO(raw), defer_size=1024)
    fast = [tag for tag, elem in ds._dict.items()
            if isinstance(elem, RawDataElement) and dicomjson._fast(elem, True, 768, uri) is not None]
    assert len(fast) > 0.9 * len(ds._dict)
    assert dicomjson.to_json_dict(ds, uri, 1024)["7FE00010"] == {"vr": "OW", "BulkDataURI": uri(0x7FE00010)}


def test_demo_studies_with_chinese_names_get_the_same_json():
    plan = synth.demo_plan("demo-a", institution="演示医院")
    seen = 0
    for info, gen in plan:
        small = {"slices": 2, "size": 32} if gen in (synth.ct_chest, synth.mr_brain) else {}
        for ds in list(gen(info, **small))[:2]:
            want, got = both(synth.encode(ds))
            assert isinstance(want, dict) and got == want, info.key
            seen += 1
    assert seen >= 5


def _file(ds: Dataset, syntax: str = ExplicitVRLittleEndian) -> bytes:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    meta.MediaStorageSOPInstanceUID = "1.2.3.4.5"
    meta.TransferSyntaxUID = syntax
    ds.file_meta = meta
    ds.preamble = b"\0" * 128
    buf = io.BytesIO()
    dcmwrite(buf, ds, implicit_vr=syntax == ImplicitVRLittleEndian, little_endian=True)
    return buf.getvalue()


def _raw(tag: int, vr: str, value: bytes) -> bytes:
    """One explicit-VR little-endian element, written by hand so that odd values survive."""
    group, element = tag >> 16, tag & 0xFFFF
    if vr in ("OB", "OW", "OF", "OD", "OL", "OV", "SQ", "UC", "UN", "UR", "UT", "SV", "UV"):
        return struct.pack("<HH2sHL", group, element, vr.encode(), 0, len(value)) + value
    return struct.pack("<HH2sH", group, element, vr.encode(), len(value)) + value


ODD_VALUES = [
    (0x00280030, "DS", b"0.5\\0.5 "),
    (0x00280030, "DS", b" 1e-3\\+2.50"),
    (0x00281050, "DS", b"40\\\\80"),  # an empty value in the middle
    (0x00281050, "DS", b"1A"),  # not a number
    (0x00281050, "DS", b"1.5\x00"),
    (0x00281050, "DS", b"  "),
    (0x00200013, "IS", b"+12 "),
    (0x00200013, "IS", b"1.0 "),
    (0x00200013, "IS", b"12\\\\3 "),
    (0x00080060, "CS", b"CT\\MR\\"),
    (0x00080060, "CS", b"\\ "),
    (0x00080060, "CS", b"  "),
    (0x00080054, "AE", b" RADIX \\ PACS"),
    (0x00080054, "AE", b"    "),
    (0x00100010, "PN", b"Doe^John^^^ "),
    (0x00100010, "PN", b"Doe^John\\Roe^Jane"),
    (0x00100010, "PN", b"Doe^John\\\\Roe"),
    (0x00100010, "PN", b"Doe^John=^=^"),
    (0x00081030, "LO", b"Chest \\ CT\x00"),
    (0x00204000, "LT", b"line one\\line two  "),
    (0x00080018, "UI", b"1.2.3.4\x00"),
    (0x00280010, "US", b"\x00\x02"),
    (0x00280010, "US", b"\x00\x02\x01"),  # a length that is not a multiple of 2
    (0x00281101, "US", b"\x00\x00\x00\x00\x10\x00"),  # LUT descriptor
    (0x00189328, "FD", struct.pack("<2d", 0.1, -3.5)),
    (0x00189306, "FL", struct.pack("<f", 0.3)),
    (0x00420011, "OB", b"\x01\x02\x03\x04"),
    (0x00420011, "OB", bytes(900)),
    (0x00091010, "LO", b"PRIVATE CREATOR"),
    (0x00091001, "UN", b"\x01\x02"),
    (0x00200032, "UN", b"1\\2\\3 "),  # a known tag sent as UN
    (0x0040A30A, "UT", "中文".encode()),
]


@pytest.mark.parametrize(("tag", "vr", "value"), ODD_VALUES, ids=[f"{vr}-{v[:12]!r}" for _, vr, v in ODD_VALUES])
def test_odd_values_get_the_same_json(tag, vr, value):
    head = _file(Dataset())
    body = _raw(0x00080005, "CS", b"ISO_IR 192") + _raw(tag, vr, value)
    want, got = both(head + body)
    assert got == want


def test_implicit_vr_and_character_sets_get_the_same_json():
    for charset, name in (("ISO_IR 192", "王^小明"), ("GB18030", "王^小明"), ("ISO 2022 IR 87", "Yamada^Tarou"),
                          (None, "Doe^John")):
        ds = Dataset()
        if charset:
            ds.SpecificCharacterSet = charset
        ds.PatientName = name
        ds.PatientID = "ID 1 "
        ds.StudyDescription = "胸部 CT" if charset in ("ISO_IR 192", "GB18030") else "Chest CT"
        ds.InstanceNumber = 3
        ds.PixelSpacing = [0.5, 0.5]
        ds.Rows = 2
        ds.add_new(0x00090010, "LO", "ACME")
        ds.add_new(0x00091001, "LO", "private value")
        ds.add_new(0x7FE00010, "OW", bytes(2000))
        for syntax in (ExplicitVRLittleEndian, ImplicitVRLittleEndian):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                raw = _file(ds, syntax)
            want, got = both(raw)
            assert isinstance(want, dict) and got == want, (charset, syntax)


def test_parse_keeps_bulk_data_as_uris_of_the_instance():
    parsed = store.parse(synth.sample("demo-a", "dicomjson", slices=1)[0])
    meta = pydicom.dcmread(io.BytesIO(parsed.raw))
    assert '"7FE00010":{"vr":"OW","BulkDataURI":"{wado}/studies/' in parsed.metadata_json
    assert f"/instances/{meta.SOPInstanceUID}/bulkdata/7FE00010" in parsed.metadata_json
