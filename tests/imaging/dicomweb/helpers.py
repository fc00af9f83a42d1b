"""Making DICOM files and reading multipart answers in the DICOMweb tests."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import numpy as np
import pydicom
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

CT = "1.2.840.10008.5.1.4.1.1.2"
MR = "1.2.840.10008.5.1.4.1.1.4"
PET = "1.2.840.10008.5.1.4.1.1.128"
SOP_CLASS = {"CT": CT, "MR": MR, "PT": PET}


_uids = __import__("itertools").count(1)


def uid() -> str:
    """A UID that is the same in every pytest-xdist worker at collection time (parametrize ids must match),
    unique within a run."""
    return f"1.2.826.0.1.3680043.10.1104.77.{next(_uids)}"


def make_instance(*, study: str, series: str, sop: str | None = None, modality: str = "CT", patient_name: str = "Test^Patient",
                  patient_id: str = "P0", accession: str = "A0", study_date: str = "20260101", study_time: str = "120000",
                  series_number: int = 1, instance_number: int = 1, rows: int = 8, columns: int = 8,
                  charset: str | None = None, extra: dict[str, Any] | None = None, seed: int = 0) -> bytes:
    ds = Dataset()
    if charset:
        ds.SpecificCharacterSet = charset
    ds.SOPClassUID = SOP_CLASS.get(modality, CT)
    ds.SOPInstanceUID = sop or uid()
    ds.StudyInstanceUID = study
    ds.SeriesInstanceUID = series
    ds.Modality = modality
    ds.PatientName = patient_name
    ds.PatientID = patient_id
    ds.PatientBirthDate = "19800101"
    ds.PatientSex = "M"
    ds.PatientAge = "045Y"
    ds.PatientWeight = "70"
    ds.AccessionNumber = accession
    ds.StudyDate = study_date
    ds.StudyTime = study_time
    ds.StudyID = "1"
    ds.StudyDescription = f"{modality} study"
    ds.ReferringPhysicianName = "Ref^Doctor"
    ds.SeriesNumber = series_number
    ds.SeriesDescription = f"{modality} series {series_number}"
    ds.InstanceNumber = instance_number
    ds.ImagePositionPatient = [0, 0, instance_number]
    ds.Rows = rows
    ds.Columns = columns
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.RescaleSlope = 1
    ds.RescaleIntercept = -1024
    ds.WindowCenter = 40
    ds.WindowWidth = 400
    for key, value in (extra or {}).items():
        setattr(ds, key, value)
    rng = np.random.default_rng(seed + instance_number)
    ds.PixelData = rng.integers(0, 4096, size=(rows, columns), dtype=np.uint16).tobytes()
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta = meta
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    return buf.getvalue()


def sample_file(name: str, *, fresh_uids: bool = True) -> tuple[bytes, Dataset]:
    """A pydicom test file, with new UIDs so that files sharing UIDs can live in one tenant."""
    path = Path(get_testdata_file(name))
    if not fresh_uids:
        raw = path.read_bytes()
        return raw, pydicom.dcmread(io.BytesIO(raw))
    ds = pydicom.dcmread(path)
    ds.StudyInstanceUID = uid()
    ds.SeriesInstanceUID = uid()
    ds.SOPInstanceUID = uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    raw = buf.getvalue()
    return raw, pydicom.dcmread(io.BytesIO(raw))


def parse_multipart(response: Any) -> list[tuple[dict[str, str], bytes]]:
    ctype = response.headers["content-type"]
    assert ctype.startswith("multipart/related"), ctype
    m = re.search(r'boundary="?([^";]+)"?', ctype)
    assert m, ctype
    boundary = b"--" + m.group(1).encode()
    body = response.content
    assert body.startswith(boundary), body[:80]
    parts = []
    for chunk in body.split(b"\r\n" + boundary)[0:]:
        if chunk.startswith(boundary):
            chunk = chunk[len(boundary):]
        if chunk.startswith(b"--"):
            break
        assert chunk.startswith(b"\r\n"), chunk[:40]
        head, _, data = chunk[2:].partition(b"\r\n\r\n")
        headers = {}
        for line in head.split(b"\r\n"):
            name, _, value = line.partition(b":")
            headers[name.strip().lower().decode()] = value.strip().decode()
        parts.append((headers, data))
    return parts


def multipart_body(parts: list[bytes], boundary: str = "radixtestboundary", content_type: str = "application/dicom") -> tuple[bytes, str]:
    out = b""
    for data in parts:
        out += f"--{boundary}\r\nContent-Type: {content_type}\r\n\r\n".encode() + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return out, f'multipart/related; type="application/dicom"; boundary={boundary}'


def tag(data: dict[str, Any], keyword_tag: str) -> Any:
    element = data.get(keyword_tag)
    if element is None:
        return None
    values = element.get("Value")
    return values if values is None else (values[0] if len(values) == 1 else values)
