"""Film tests: tenants made through the API, small CT images with known pixels ingested through the
archive, printer nodes, and a real pynetdicom Print SCP (Basic Grayscale Print Management Meta SOP
Class) on a free port that keeps everything it was asked to do."""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian, generate_uid
from pynetdicom import AE, evt

from radix.imaging import store
from tests.conftest import Api, make_tenant, system_session, unique

META = "1.2.840.10008.5.1.1.9"
FILM_SESSION = "1.2.840.10008.5.1.1.1"
FILM_BOX = "1.2.840.10008.5.1.1.2"
ANNOTATION_BOX = "1.2.840.10008.5.1.1.15"
IMAGE_BOX = "1.2.840.10008.5.1.1.4"
CT = "1.2.840.10008.5.1.4.1.1.2"


@dataclass
class Hospital:
    tenant: dict[str, Any]
    api: Api


@pytest.fixture(scope="module")
def tenant_factory(app: Any) -> Iterator[Any]:
    clients: list[TestClient] = []

    def make() -> Hospital:
        tenant, api, made = make_tenant(app, "fm", "胶片测试")
        clients.extend(made)
        return Hospital(tenant, api)

    yield make
    for c in clients:
        c.close()


# --- images ----------------------------------------------------------------------------------------


def halves(rows: int = 40, columns: int = 60, left: int = 0, right: int = 1000) -> np.ndarray:
    """A CT slice whose left half is ``left`` HU and right half ``right`` HU (intercept -1024)."""
    arr = np.empty((rows, columns), dtype=np.uint16)
    arr[:, : columns // 2] = left + 1024
    arr[:, columns // 2:] = right + 1024
    return arr


def ct_file(*, study: str, series: str, number: int, pixels: np.ndarray, patient: str = "Zhang^San=张^三",
            patient_id: str = "F001", accession: str = "ACC1") -> tuple[bytes, dict[str, str]]:
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.SOPClassUID = CT
    ds.SOPInstanceUID = generate_uid()
    ds.StudyInstanceUID = study
    ds.SeriesInstanceUID = series
    ds.Modality = "CT"
    ds.PatientName = patient
    ds.PatientID = patient_id
    ds.PatientBirthDate = "19700101"
    ds.PatientSex = "M"
    ds.AccessionNumber = accession
    ds.StudyDate = "20260105"
    ds.StudyTime = "090000"
    ds.SeriesNumber = 3
    ds.InstanceNumber = number
    ds.Rows, ds.Columns = pixels.shape
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
    ds.PixelData = pixels.astype(np.uint16).tobytes()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = CT
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    return buf.getvalue(), {"studyUid": study, "seriesUid": series, "sopUid": str(ds.SOPInstanceUID)}


def ingest_study(tenant_id: int, count: int, **kw: Any) -> list[dict[str, str]]:
    """A CT series of ``count`` half-dark / half-bright slices in the tenant's archive; their cell refs."""
    study, series = generate_uid(), generate_uid()
    refs = []
    for n in range(1, count + 1):
        raw, ref = ct_file(study=study, series=series, number=n, pixels=halves(), **kw)
        assert store.ingest(raw, store.Arrival(tenant_id=tenant_id, source="test")).ok
        refs.append(ref)
    return refs


def add_printer(tenant_id: int, port: int, *, ae_title: str | None = None, allow_print: bool = True) -> int:
    from radix.imaging.models import DicomNode

    ae = (ae_title or unique("PR").upper())[:16]
    with system_session() as s:
        node = DicomNode(tenant_id=tenant_id, name=f"胶片打印机{ae[-4:]}", ae_title=ae, host="127.0.0.1", port=port,
                         allow_print=allow_print)
        s.add(node)
        s.flush()
        return node.id


# --- a real Print SCP ------------------------------------------------------------------------------


@dataclass
class PrintScp:
    ae_title: str
    port: int = 0
    sessions: dict[str, Dataset] = field(default_factory=dict)
    film_boxes: dict[str, Dataset] = field(default_factory=dict)
    #: film box UID → its image box UIDs, in position order
    box_images: dict[str, list[str]] = field(default_factory=dict)
    #: image box UID → (position, pixels as rows × columns uint8)
    images: dict[str, tuple[int, np.ndarray]] = field(default_factory=dict)
    printed: list[str] = field(default_factory=list)
    #: film box UID → its annotation boxes' texts by position (Basic Annotation Box)
    annotations: dict[str, dict[int, str]] = field(default_factory=dict)
    deleted: list[tuple[str, str]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)

    def films(self) -> list[dict[str, Any]]:
        """What was printed, film by film: the box's attributes and its images by position."""
        out = []
        for uid in self.printed:
            images = {}
            for image_uid in self.box_images[uid]:
                if image_uid in self.images:
                    position, pixels = self.images[image_uid]
                    images[position] = pixels
            out.append({"box": self.film_boxes[uid], "images": images})
        return out


@contextlib.contextmanager
def print_scp(*, refuse_session: int | None = None, called_ae: str | None = None,
              annotation_boxes: int = 0) -> Iterator[PrintScp]:
    """A Basic Grayscale Print SCP. ``refuse_session``: answer the Film Session N-CREATE with this
    failure status. ``annotation_boxes``: also the Basic Annotation Box SOP Class, with this many boxes per
    film box asking for an Annotation Display Format ID. The SCP only accepts associations addressed to its
    own AE title."""
    scp = PrintScp(called_ae or unique("PSCP").upper()[:16])
    lock = threading.Lock()
    image_box_class: dict[str, str] = {}
    annotation_box_of: dict[str, str] = {}  # annotation box UID → its film box UID

    def on_create(event: Any) -> tuple[int, Dataset | None]:
        req = event.request
        cls = str(req.AffectedSOPClassUID)
        uid = str(req.AffectedSOPInstanceUID or generate_uid())
        attrs = event.attribute_list
        with lock:
            scp.calls.append(f"N-CREATE {cls}")
            if cls == FILM_SESSION:
                if refuse_session is not None:
                    return refuse_session, None
                scp.sessions[uid] = attrs
                return 0x0000, attrs
            if cls == FILM_BOX:
                ref = attrs.ReferencedFilmSessionSequence[0].ReferencedSOPInstanceUID
                if ref not in scp.sessions:
                    return 0x0112, None  # no such film session
                fmt = str(attrs.ImageDisplayFormat)
                cols, rows = (int(v) for v in fmt.split("\\")[1].split(","))
                scp.film_boxes[uid] = attrs
                uids = [generate_uid() for _ in range(cols * rows)]
                scp.box_images[uid] = uids
                items = []
                for image_uid in uids:
                    item = Dataset()
                    item.ReferencedSOPClassUID = IMAGE_BOX
                    item.ReferencedSOPInstanceUID = image_uid
                    image_box_class[image_uid] = IMAGE_BOX
                    items.append(item)
                answer = Dataset()
                answer.ImageDisplayFormat = attrs.ImageDisplayFormat
                answer.ReferencedImageBoxSequence = items
                if annotation_boxes and "AnnotationDisplayFormatID" in attrs:
                    notes = []
                    for _ in range(annotation_boxes):
                        note = Dataset()
                        note.ReferencedSOPClassUID = ANNOTATION_BOX
                        note.ReferencedSOPInstanceUID = generate_uid()
                        annotation_box_of[note.ReferencedSOPInstanceUID] = uid
                        notes.append(note)
                    answer.ReferencedBasicAnnotationBoxSequence = notes
                    scp.annotations[uid] = {}
                return 0x0000, answer
        return 0x0118, None

    def on_set(event: Any) -> tuple[int, Dataset | None]:
        uid = str(event.request.RequestedSOPInstanceUID)
        mods = event.modification_list
        with lock:
            scp.calls.append(f"N-SET {event.request.RequestedSOPClassUID}")
            if uid in annotation_box_of:
                scp.annotations[annotation_box_of[uid]][int(mods.AnnotationPosition)] = str(mods.TextString)
                return 0x0000, None
            if uid not in image_box_class:
                return 0x0112, None
            item = mods.BasicGrayscaleImageSequence[0]
            pixels = np.frombuffer(item.PixelData, dtype=np.uint8).reshape(int(item.Rows), int(item.Columns))
            assert item.BitsAllocated == 8 and item.PhotometricInterpretation == "MONOCHROME2"
            scp.images[uid] = (int(mods.ImageBoxPosition), pixels.copy())
        return 0x0000, None

    def on_action(event: Any) -> tuple[int, Dataset | None]:
        uid = str(event.request.RequestedSOPInstanceUID)
        with lock:
            scp.calls.append(f"N-ACTION {event.request.RequestedSOPClassUID}")
            if event.action_type != 1 or uid not in scp.film_boxes:
                return 0x0112, None
            scp.printed.append(uid)
        return 0x0000, None

    def on_delete(event: Any) -> int:
        with lock:
            cls, uid = str(event.request.RequestedSOPClassUID), str(event.request.RequestedSOPInstanceUID)
            scp.calls.append(f"N-DELETE {cls}")
            scp.deleted.append((cls, uid))
        return 0x0000

    ae = AE(ae_title=scp.ae_title)
    ae.require_called_aet = True
    ae.add_supported_context(META, [ExplicitVRLittleEndian, ImplicitVRLittleEndian])
    if annotation_boxes:
        ae.add_supported_context(ANNOTATION_BOX, [ExplicitVRLittleEndian, ImplicitVRLittleEndian])
    ae.maximum_pdu_size = 0
    server = ae.start_server(("127.0.0.1", 0), block=False, evt_handlers=[
        (evt.EVT_N_CREATE, on_create), (evt.EVT_N_SET, on_set), (evt.EVT_N_ACTION, on_action),
        (evt.EVT_N_DELETE, on_delete)])
    scp.port = server.server_address[1]
    try:
        yield scp
    finally:
        ae.shutdown()
