"""Synthetic but realistic studies for the demo and for tests: pydicom + numpy, no real patient.

Every UID is derived from a name (``2.25.`` + a UUIDv5, ISO/IEC 9834-8), so the same tenant and
study key always give the same UIDs; pydicom's ``generate_uid`` ignores its entropy sources unless
given an org root, and a ``2.25`` UID needs none. Names carry both their alphabetic and ideographic
groups (``Zhang^San=张^三``) under Specific Character Set ``ISO_IR 192`` (UTF-8).

The CT chest volume has the geometry a viewer needs for MPR and volume rendering: one Frame of
Reference, axial orientation, constant Pixel Spacing, and Image Position (Patient) stepping by exactly
the Slice Thickness (= Spacing Between Slices) from slice to slice.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.filewriter import dcmwrite
from pydicom.sequence import Sequence
from pydicom.uid import PYDICOM_IMPLEMENTATION_UID, ExplicitVRLittleEndian

from radix.core import clock, idnumber

UID_ROOT = "2.25."
_NAMESPACE = uuid.UUID("6f6c2f0e-5b1e-4a8e-9a53-7261646978a1")
CHARSET = "ISO_IR 192"

CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2"
MR_IMAGE = "1.2.840.10008.5.1.4.1.1.4"
DX_PRESENTATION = "1.2.840.10008.5.1.4.1.1.1.1"
MG_PRESENTATION = "1.2.840.10008.5.1.4.1.1.1.2"
US_MULTIFRAME = "1.2.840.10008.5.1.4.1.1.3.1"


def uid(*parts: object) -> str:
    """A deterministic UID for a name: ``2.25.<UUIDv5 as a decimal integer>`` (at most 44 characters)."""
    return UID_ROOT + str(uuid.uuid5(_NAMESPACE, "/".join(str(p) for p in parts)).int)


def id_number(region: str, birth: dt.date, sequence: int) -> str:
    """A resident ID number (GB 11643) with a correct check character; an odd sequence is a man."""
    body = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, idnumber.WEIGHTS, strict=True))
    return body + idnumber.CHECK[total % 11]


@dataclass(frozen=True)
class Person:
    family: str
    given: str
    family_zh: str
    given_zh: str
    sex: str
    birth: dt.date
    patient_id: str
    id_number: str | None = None
    visit_number: str | None = None

    @property
    def dicom_name(self) -> str:
        return f"{self.family}^{self.given}={self.family_zh}^{self.given_zh}"

    def age(self, on: dt.date) -> str:
        years = on.year - self.birth.year - ((on.month, on.day) < (self.birth.month, self.birth.day))
        return f"{max(years, 0):03d}Y"


@dataclass(frozen=True)
class StudyInfo:
    tenant: str
    key: str
    person: Person
    accession: str
    date: dt.date
    time: str
    description: str
    institution: str = "Radix 演示医院"
    referring: str = "Li^Hua=李^华"

    @property
    def study_uid(self) -> str:
        return uid(self.tenant, self.key, "study")

    def series_uid(self, number: int) -> str:
        return uid(self.tenant, self.key, "series", number)

    def sop_uid(self, series: int, number: int) -> str:
        return uid(self.tenant, self.key, "sop", series, number)

    @property
    def frame_of_reference(self) -> str:
        return uid(self.tenant, self.key, "for")


def _base(info: StudyInfo, *, sop_class: str, modality: str, series: int, number: int, series_description: str,
          body_part: str, manufacturer_model: str) -> Dataset:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = info.sop_uid(series, number)
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
    meta.ImplementationVersionName = "RADIX_DEMO"

    ds = Dataset()
    ds.file_meta = meta
    ds.SpecificCharacterSet = CHARSET
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"] if modality in ("CT", "MR") else ["ORIGINAL", "PRIMARY"]
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = info.sop_uid(series, number)
    date = f"{info.date:%Y%m%d}"
    ds.StudyDate = ds.SeriesDate = ds.ContentDate = ds.AcquisitionDate = date
    ds.StudyTime = info.time
    ds.SeriesTime = ds.ContentTime = ds.AcquisitionTime = info.time
    ds.AccessionNumber = info.accession
    ds.Modality = modality
    ds.Manufacturer = "Radix Demo"
    ds.ManufacturerModelName = manufacturer_model
    ds.InstitutionName = info.institution
    ds.StationName = f"{modality}01"
    ds.ReferringPhysicianName = info.referring
    ds.StudyDescription = info.description
    ds.SeriesDescription = series_description
    p = info.person
    ds.PatientName = p.dicom_name
    ds.PatientID = p.patient_id
    ds.IssuerOfPatientID = "HIS"
    ds.PatientBirthDate = f"{p.birth:%Y%m%d}"
    ds.PatientSex = p.sex
    ds.PatientAge = p.age(info.date)
    if p.id_number:
        other = Dataset()
        other.PatientID = p.id_number
        other.IssuerOfPatientID = "居民身份证"
        other.TypeOfPatientID = "TEXT"
        ds.OtherPatientIDsSequence = Sequence([other])
    if p.visit_number:
        ds.AdmissionID = p.visit_number
    ds.BodyPartExamined = body_part
    ds.StudyInstanceUID = info.study_uid
    ds.SeriesInstanceUID = info.series_uid(series)
    ds.StudyID = info.accession[-8:]
    ds.SeriesNumber = series
    ds.InstanceNumber = number
    return ds


def _pixels(ds: Dataset, array: np.ndarray, *, bits_stored: int, signed: bool = False) -> None:
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows, ds.Columns = int(array.shape[-2]), int(array.shape[-1])
    ds.BitsAllocated = array.dtype.itemsize * 8
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = 1 if signed else 0
    ds.PixelData = np.ascontiguousarray(array).tobytes()


def encode(ds: Dataset) -> bytes:
    """The dataset as a DICOM Part 10 file (preamble, file meta, explicit VR little endian)."""
    buf = io.BytesIO()
    dcmwrite(buf, ds, enforce_file_format=True)
    return buf.getvalue()


# --- CT chest -------------------------------------------------------------------------------------

CT_SIZE = 512
CT_SPACING = 0.703125  # mm: a 360 mm field of view
CT_THICKNESS = 1.5  # mm, also the spacing between slices


class _ChestPhantom:
    """Hounsfield units of an axial chest slice: body, fat, lungs, heart, aorta, trachea, spine, ribs,
    sternum, liver and the table, from ellipses whose sizes follow the slice's height."""

    def __init__(self, size: int, spacing: float, seed: int) -> None:
        axis = (np.arange(size, dtype=np.float32) - (size - 1) / 2) * spacing
        self.x = axis[np.newaxis, :]  # towards the patient's left
        self.y = axis[:, np.newaxis]  # towards the patient's back
        e = self._ellipse
        self.body = e(0, 0, 165, 115)
        self.muscle = e(0, 0, 153, 103)
        self.lung_r = e(-72, -2, 58, 78)
        self.lung_l = e(74, -2, 54, 76)
        self.heart = e(18, -18, 58, 52)
        self.aorta = e(24, 42, 13, 13)
        self.trachea = e(0, -12, 9, 9)
        self.bronchus_r = e(-22, -4, 6, 6)
        self.bronchus_l = e(22, -4, 6, 6)
        self.vertebra = e(0, 68, 19, 17)
        self.marrow = e(0, 68, 15, 13)
        self.canal = e(0, 92, 7, 7)
        self.lamina = e(0, 104, 16, 7)
        self.sternum = e(0, -98, 14, 6)
        self.liver = e(-48, 6, 105, 85)
        self.rib_band = (e(0, 0, 150, 100) <= 1) & (e(0, 0, 141, 91) > 1)
        self.angle = np.arctan2(self.y, self.x).astype(np.float32)
        # ribs leave the spine and the sternum free
        front_back = np.abs(np.cos(self.angle)) > 0.28
        self.rib_band &= np.broadcast_to(front_back, self.rib_band.shape)
        self.rib_phase = (np.cos(self.angle) * 9.0).astype(np.float32)
        table = (self.y >= 128) & (self.y <= 134) & (np.abs(self.x) <= 175)
        self.table = np.broadcast_to(table, (size, size))
        rng = np.random.default_rng(seed)
        # pulmonary vessels: thin branching structures, running roughly cranio-caudally
        self.vessels = (_texture(rng, (size, size), 5) > 1.9) | (np.abs(_texture(rng, (size, size), 22)) < 0.025)
        self.noise = [rng.normal(0, 11, (size, size)).astype(np.float32) for _ in range(6)]

    def _ellipse(self, cx: float, cy: float, a: float, b: float) -> np.ndarray:
        return ((self.x - cx) / a) ** 2 + ((self.y - cy) / b) ** 2

    def slice(self, index: int, count: int, z: float) -> np.ndarray:
        t = index / max(count - 1, 1)  # 0 at the lung apices, 1 at the upper abdomen
        hu = np.full(self.body.shape, -1000.0, dtype=np.float32)
        hu[self.body <= 1] = -95.0  # subcutaneous fat
        hu[self.muscle <= 1] = 45.0
        lung = float(np.clip(np.sin(np.pi * min(t / 0.86, 1.0)) ** 0.55, 0, 1)) if t < 0.86 else 0.0
        if lung > 0.05:
            s2 = lung * lung
            lungs = (self.lung_r <= s2) | (self.lung_l <= s2 * 0.97)
            hu[lungs] = -860.0
            hu[lungs & self.vessels] = -420.0
        if 0.42 < t < 0.88:
            h = np.sin(np.pi * (t - 0.42) / 0.46)
            hu[self.heart <= h * h] = 38.0
        if t >= 0.7:
            d = min((t - 0.7) / 0.2, 1.0)
            hu[self.liver <= d * d] = 62.0
        if t < 0.36:
            hu[self.trachea <= 1] = -1000.0
        elif t < 0.46:
            hu[self.bronchus_r <= 1] = -1000.0
            hu[self.bronchus_l <= 1] = -1000.0
        hu[self.aorta <= 1] = 48.0
        if 0.15 < t < 0.72:
            hu[self.sternum <= 1] = 420.0
        disc = (z % 26.0) < 5.0
        if disc:
            hu[self.vertebra <= 1] = 85.0
        else:
            hu[self.vertebra <= 1] = 850.0
            hu[self.marrow <= 1] = 260.0
            hu[self.lamina <= 1] = 700.0
        hu[self.canal <= 1] = 15.0
        if t < 0.92:
            ribs = self.rib_band & (((z + self.rib_phase) % 24.0) < 8.0)
            hu[ribs] = 720.0
        hu[self.table] = 150.0
        hu += self.noise[index % len(self.noise)]
        return hu


def ct_chest(info: StudyInfo, *, slices: int = 200, size: int = CT_SIZE) -> Iterator[Dataset]:
    """An axial chest CT (胸部CT平扫) of ``slices`` × ``size``² int16 slices, from the apices down."""
    phantom = _ChestPhantom(size, CT_SPACING * CT_SIZE / size, seed=len(info.tenant) * 7 + slices)
    spacing = CT_SPACING * CT_SIZE / size
    origin = -(size - 1) / 2 * spacing
    for i in range(slices):
        z = round(-i * CT_THICKNESS, 4)
        ds = _base(info, sop_class=CT_IMAGE, modality="CT", series=1, number=i + 1, series_description="胸部 1.5mm 肺窗",
                   body_part="CHEST", manufacturer_model="Synthetic CT 64")
        ds.FrameOfReferenceUID = info.frame_of_reference
        ds.PositionReferenceIndicator = ""
        ds.PatientPosition = "HFS"
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.ImagePositionPatient = [round(origin, 4), round(origin, 4), z]
        ds.SliceLocation = z
        ds.SliceThickness = CT_THICKNESS
        ds.SpacingBetweenSlices = CT_THICKNESS
        ds.PixelSpacing = [spacing, spacing]
        ds.KVP = 120
        ds.XRayTubeCurrent = 200
        ds.ConvolutionKernel = "B60f"
        ds.RescaleIntercept = -1024
        ds.RescaleSlope = 1
        ds.RescaleType = "HU"
        ds.WindowCenter = [-600, 40]
        ds.WindowWidth = [1500, 400]
        ds.WindowCenterWidthExplanation = ["LUNG", "MEDIASTINUM"]
        hu = phantom.slice(i, slices, z)
        stored = np.clip(np.rint(hu + 1024), -1024, 3071).astype(np.int16)
        _pixels(ds, stored, bits_stored=16, signed=True)
        yield ds


# --- MR brain -------------------------------------------------------------------------------------


def mr_brain(info: StudyInfo, *, slices: int = 24, size: int = 256) -> Iterator[Dataset]:
    """An axial T2-weighted brain series (头颅MR平扫 T2WI)."""
    spacing = 230.0 / size
    thickness, gap = 5.0, 1.0
    axis = (np.arange(size, dtype=np.float32) - (size - 1) / 2) * spacing
    x, y = axis[np.newaxis, :], axis[:, np.newaxis]
    rng = np.random.default_rng(11)
    noise = rng.normal(0, 18, (size, size)).astype(np.float32)
    origin = -(size - 1) / 2 * spacing
    for i in range(slices):
        t = i / max(slices - 1, 1)
        z = round(60.0 - i * (thickness + gap), 3)
        scale = float(np.sqrt(max(1 - ((t - 0.45) / 0.62) ** 2, 0.05)))
        img = np.zeros((size, size), dtype=np.float32)
        head = (x / (78 * scale)) ** 2 + (y / (96 * scale)) ** 2
        img[head <= 1] = 380  # scalp
        img[head <= 0.9] = 120  # skull (dark on T2)
        img[head <= 0.82] = 900  # CSF rim
        img[head <= 0.76] = 620  # grey matter
        img[head <= 0.55] = 470  # white matter
        if 0.3 < t < 0.7:
            v = ((np.abs(x) - 9) / 6) ** 2 + (y / 24) ** 2
            img[v <= 1] = 1500  # lateral ventricles (bright CSF)
        img[head <= 1] += noise[head <= 1]
        ds = _base(info, sop_class=MR_IMAGE, modality="MR", series=1, number=i + 1, series_description="T2WI 轴位",
                   body_part="HEAD", manufacturer_model="Synthetic MR 1.5T")
        ds.FrameOfReferenceUID = info.frame_of_reference
        ds.PatientPosition = "HFS"
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.ImagePositionPatient = [round(origin, 4), round(origin, 4), z]
        ds.SliceLocation = z
        ds.SliceThickness = thickness
        ds.SpacingBetweenSlices = thickness + gap
        ds.PixelSpacing = [round(spacing, 6), round(spacing, 6)]
        ds.ScanningSequence = "SE"
        ds.SequenceVariant = "SK"
        ds.ScanOptions = ""
        ds.MRAcquisitionType = "2D"
        ds.RepetitionTime = 4000
        ds.EchoTime = 100
        ds.MagneticFieldStrength = 1.5
        ds.WindowCenter = 700
        ds.WindowWidth = 1400
        _pixels(ds, np.clip(img, 0, 4095).astype(np.uint16), bits_stored=12)
        yield ds


# --- DR chest -------------------------------------------------------------------------------------


def dr_chest(info: StudyInfo, *, size: int = 1536) -> Iterator[Dataset]:
    """A PA chest radiograph (胸部正位): bright bones and mediastinum, dark lungs."""
    axis = np.linspace(-1, 1, size, dtype=np.float32)
    x, y = axis[np.newaxis, :], axis[:, np.newaxis]
    img = np.full((size, size), 150.0, dtype=np.float32)
    torso = (x / 0.78) ** 2 + ((y - 0.1) / 1.05) ** 2
    img[torso <= 1] = 2300
    for cx in (-0.36, 0.36):
        lung = ((x - cx) / 0.27) ** 2 + ((y + 0.02) / 0.62) ** 2
        img[lung <= 1] = 900
    heart = ((x - 0.1) / 0.3) ** 2 + ((y - 0.32) / 0.24) ** 2
    img[heart <= 1] = 2500
    img[np.broadcast_to(np.abs(x) < 0.055, img.shape) & (torso <= 1)] = 3000  # spine
    for k in range(9):  # ribs as arcs across each lung
        arc = np.abs(y + 0.52 - k * 0.13 - 0.18 * (np.abs(x) - 0.35) ** 2 * 4) < 0.018
        img[arc & (np.abs(x) > 0.07) & (np.abs(x) < 0.68) & (torso <= 1)] += 700
    clav = np.abs(y + 0.62 - 0.25 * np.abs(x)) < 0.02
    img[clav & (np.abs(x) > 0.06) & (np.abs(x) < 0.5)] = 3100
    img += np.random.default_rng(5).normal(0, 40, img.shape).astype(np.float32)
    ds = _base(info, sop_class=DX_PRESENTATION, modality="DX", series=1, number=1, series_description="胸部正位 PA",
               body_part="CHEST", manufacturer_model="Synthetic DR")
    ds.PresentationIntentType = "FOR PRESENTATION"
    ds.ViewPosition = "PA"
    ds.PatientOrientation = ["R", "F"]
    ds.ImagerPixelSpacing = [0.28, 0.28]
    ds.PixelSpacing = [0.28, 0.28]
    ds.KVP = 125
    ds.WindowCenter = 2048
    ds.WindowWidth = 4096
    ds.ImageLaterality = "U"
    _pixels(ds, np.clip(img, 0, 4095).astype(np.uint16), bits_stored=12)
    yield ds


# --- MG pair --------------------------------------------------------------------------------------


def _texture(rng: np.random.Generator, shape: tuple[int, int], cell: int) -> np.ndarray:
    """Smooth random texture: coarse noise upsampled bilinearly (fibroglandular tissue)."""
    h, w = shape[0] // cell + 2, shape[1] // cell + 2
    coarse = rng.normal(0, 1, (h, w)).astype(np.float32)
    ys = np.linspace(0, h - 1.001, shape[0], dtype=np.float32)
    xs = np.linspace(0, w - 1.001, shape[1], dtype=np.float32)
    y0, x0 = ys.astype(int), xs.astype(int)
    fy, fx = (ys - y0)[:, None], (xs - x0)[None, :]
    a = coarse[y0][:, x0]
    b = coarse[y0][:, x0 + 1]
    c = coarse[y0 + 1][:, x0]
    d = coarse[y0 + 1][:, x0 + 1]
    return a * (1 - fy) * (1 - fx) + b * (1 - fy) * fx + c * fy * (1 - fx) + d * fy * fx


def mg_pair(info: StudyInfo, *, rows: int = 1280, columns: int = 1024) -> Iterator[Dataset]:
    """Right and left cranio-caudal mammograms (双侧乳腺 CC 位)."""
    for number, side in ((1, "R"), (2, "L")):
        rng = np.random.default_rng(20 + number)
        yy = np.linspace(-1, 1, rows, dtype=np.float32)[:, None]
        xx = np.linspace(0, 1, columns, dtype=np.float32)[None, :]
        depth = xx if side == "L" else 1 - xx  # the chest wall at the image edge of that side
        breast = (depth / 0.82) ** 2 + (yy / 0.78) ** 2 <= 1
        img = np.full((rows, columns), 60.0, dtype=np.float32)
        tissue = 1700 + 450 * _texture(rng, (rows, columns), 48) + 160 * _texture(rng, (rows, columns), 9)
        img[breast] = tissue[breast] * (1.05 - 0.35 * np.broadcast_to(depth, img.shape)[breast])
        ds = _base(info, sop_class=MG_PRESENTATION, modality="MG", series=1, number=number,
                   series_description=f"{'右' if side == 'R' else '左'}侧 CC 位", body_part="BREAST",
                   manufacturer_model="Synthetic MG")
        ds.PresentationIntentType = "FOR PRESENTATION"
        ds.ImageLaterality = side
        ds.Laterality = side
        ds.ViewPosition = "CC"
        ds.PatientOrientation = ["P", "L" if side == "R" else "R"]
        ds.ImagerPixelSpacing = [0.1, 0.1]
        ds.PixelSpacing = [0.1, 0.1]
        ds.WindowCenter = 1800
        ds.WindowWidth = 2600
        _pixels(ds, np.clip(img, 0, 4095).astype(np.uint16), bits_stored=12)
        yield ds


# --- US cine --------------------------------------------------------------------------------------


def us_cine(info: StudyInfo, *, frames: int = 30, rows: int = 480, columns: int = 640) -> Iterator[Dataset]:
    """A cardiac ultrasound cine loop (心脏超声): a sector with speckle and a beating chamber."""
    rng = np.random.default_rng(31)
    yy = np.arange(rows, dtype=np.float32)[:, None]
    xx = (np.arange(columns, dtype=np.float32) - columns / 2)[None, :]
    r = np.sqrt(xx * xx + (yy + 20) ** 2)
    theta = np.arctan2(xx, yy + 20)
    sector = (np.abs(theta) < np.radians(38)) & (r < rows - 10) & (r > 30)
    speckle = rng.rayleigh(1.0, (4, rows, columns)).astype(np.float32)
    data = np.zeros((frames, rows, columns), dtype=np.uint8)
    for f in range(frames):
        phase = np.sin(2 * np.pi * f / frames)
        img = np.where(sector, 70 + 45 * speckle[f % 4], 0).astype(np.float32)
        chamber = (xx / (70 + 14 * phase)) ** 2 + ((yy - 250) / (95 + 12 * phase)) ** 2
        img[(chamber <= 1) & sector] *= 0.15
        wall = (chamber > 1) & (chamber <= 1.35) & sector
        img[wall] = np.minimum(img[wall] * 1.9, 255)
        img *= np.clip(1.15 - r / (rows * 1.6), 0.3, 1.0)  # depth attenuation
        data[f] = np.clip(img, 0, 255).astype(np.uint8)
    ds = _base(info, sop_class=US_MULTIFRAME, modality="US", series=1, number=1, series_description="心尖四腔心切面",
               body_part="HEART", manufacturer_model="Synthetic US")
    ds.NumberOfFrames = frames
    ds.FrameTime = round(1000 / 30, 3)
    ds.FrameIncrementPointer = 0x00181063  # Frame Time
    ds.CineRate = 30
    ds.RecommendedDisplayFrameRate = 30
    ds.PlanarConfiguration = 0
    ds.LossyImageCompression = "00"
    _pixels(ds, data, bits_stored=8)
    ds.PixelRepresentation = 0
    yield ds


# --- the demo set ---------------------------------------------------------------------------------

Generator = Callable[[StudyInfo], Iterator[Dataset]]

#: per demo hospital: its patients (the first has two hospital IDs sharing one resident ID number)
_PEOPLE = {
    "demo-a": [
        ("Zhang", "San", "张", "三", "M", dt.date(1968, 3, 14), 11),
        ("Li", "Si", "李", "四", "M", dt.date(1975, 9, 2), 23),
        ("Wang", "Fang", "王", "芳", "F", dt.date(1982, 12, 24), 42),
        ("Zhao", "Min", "赵", "敏", "F", dt.date(1971, 6, 8), 64),
        ("Chen", "Jing", "陈", "静", "F", dt.date(1990, 1, 19), 86),
    ],
    "demo-b": [
        ("Liu", "Yang", "刘", "洋", "M", dt.date(1960, 7, 30), 15),
        ("Yang", "Fan", "杨", "帆", "M", dt.date(1985, 4, 11), 37),
        ("Huang", "Li", "黄", "丽", "F", dt.date(1979, 10, 5), 48),
        ("Zhou", "Ting", "周", "婷", "F", dt.date(1969, 2, 27), 62),
        ("Wu", "Xue", "吴", "雪", "F", dt.date(1993, 8, 16), 84),
    ],
}

_REGION = {"demo-a": "330106", "demo-b": "330102"}

#: key, generator, accession prefix, description, days ago, time, person index
_STUDIES: list[tuple[str, Generator, str, str, int, str, int]] = [
    ("ct-chest", ct_chest, "CT", "胸部CT平扫", 0, "083012", 0),
    ("mr-brain", mr_brain, "MR", "头颅MR平扫", 1, "101544", 1),
    ("dr-chest", dr_chest, "DX", "胸部正位片", 0, "091503", 2),
    ("mg-pair", mg_pair, "MG", "双侧乳腺钼靶", 3, "142210", 3),
    ("us-heart", us_cine, "US", "心脏彩超", 7, "155930", 4),
    ("dr-followup", dr_chest, "DX", "胸部正位片（急诊）", 0, "221845", 0),
]


def people(tenant: str) -> list[Person]:
    prefix = "A" if tenant.endswith("a") else "B"
    out = []
    for n, (family, given, fz, gz, sex, birth, seq) in enumerate(_PEOPLE.get(tenant, _PEOPLE["demo-a"]), start=1):
        region = _REGION.get(tenant, "330106")
        seq = seq * 10 + (1 if sex == "M" else 2)  # GB 11643: an odd sequence is a man
        out.append(Person(family, given, fz, gz, sex, birth, f"{prefix}{100000 + n}",
                          id_number=id_number(region, birth, seq), visit_number=f"ZY{prefix}{2026000 + n * 37}"))
    return out


def demo_plan(tenant: str, *, institution: str, today: dt.date | None = None) -> list[tuple[StudyInfo, Generator]]:
    """The demo studies of a hospital, with the generator of each. The emergency DR follow-up is filed
    under another hospital patient ID (急诊号) with the same resident ID number: identity joins it."""
    today = today or clock.today()
    persons = people(tenant)
    plan = []
    for seq, (key, gen, prefix, description, days, time, who) in enumerate(_STUDIES, start=1):
        person = persons[who]
        if key == "dr-followup":
            person = Person(person.family, person.given, person.family_zh, person.given_zh, person.sex, person.birth,
                            f"JZ{person.patient_id[1:]}", id_number=person.id_number)
        date = today - dt.timedelta(days=days)
        accession = f"{prefix}{date:%Y%m%d}{seq:04d}"
        plan.append((StudyInfo(tenant=tenant, key=key, person=person, accession=accession, date=date, time=time,
                               description=description, institution=institution), gen))
    return plan


def sample(tenant: str, key: str, *, person: Person | None = None, slices: int = 2, size: int = 32,
           description: str = "测试检查", date: dt.date | None = None) -> list[bytes]:
    """A small MR study as Part 10 files (tests and examples): distinct UIDs per (tenant, key)."""
    digits = uid(tenant, key, "sample")[len(UID_ROOT):]
    person = person or Person("Zhang", "San", "张", "三", "M", dt.date(1970, 1, 1), f"P{digits[:8]}")
    info = StudyInfo(tenant=tenant, key=key, person=person, accession=f"MR{digits[-10:]}",
                     date=date or clock.today(), time="090000", description=description)
    return [encode(ds) for ds in mr_brain(info, slices=slices, size=size)]
