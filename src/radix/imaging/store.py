"""Ingest: every way in (DIMSE C-STORE, STOW-RS, ZIP upload, the demo) ends here.

An instance is made durable first (the blob store fsyncs and renames), then indexed in one
transaction; only when that transaction has committed does the caller acknowledge it. Pixel data is
never decoded: the header is parsed, the instance's DICOM JSON is kept with bulk data replaced by
BulkDataURI templates, and the Pixel Data position is remembered so frames can be served by offset.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import struct
import time
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pydicom
import pydicom.uid
import sqlalchemy as sa
from pydicom import filereader
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset, FileDataset
from pydicom.errors import InvalidDicomError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from radix.config import get_settings
from radix.core.db import Prepared, db, session_scope, utcnow
from radix.core.storage import blobs
from radix.core.tenancy import Scope, set_scope
from radix.imaging import dicomjson
from radix.imaging.models import EventKind, ImageEvent, Instance, Patient, Series, Study

log = logging.getLogger(__name__)

#: placeholder in stored BulkDataURIs, replaced by the DICOMweb base URL when served
BULK_BASE = "{wado}"
BULK_THRESHOLD = 1024

#: DICOM status codes (PS3.4 B.2.3 / PS3.7 C)
SUCCESS = 0x0000
WARNING_COERCED = 0xB000
FAILURE_CANNOT_UNDERSTAND = 0xC000
FAILURE_OUT_OF_RESOURCES = 0xA700
FAILURE_DUPLICATE_REJECTED = 0xA900
FAILURE_REFUSED = 0x0124

STUDY_TAGS = (
    "SpecificCharacterSet", "StudyDate", "StudyTime", "AccessionNumber", "ReferringPhysicianName",
    "StudyDescription", "PatientName", "PatientID", "IssuerOfPatientID", "PatientBirthDate", "PatientSex",
    "StudyInstanceUID", "StudyID", "InstitutionName", "PatientAge",
)
SERIES_TAGS = (
    "SpecificCharacterSet", "Modality", "SeriesDescription", "SeriesNumber", "SeriesInstanceUID",
    "BodyPartExamined", "SeriesDate", "SeriesTime", "PerformedProcedureStepStartDate",
    "PerformedProcedureStepStartTime", "Laterality",
)


class IngestError(Exception):
    def __init__(self, message: str, status: int = FAILURE_CANNOT_UNDERSTAND) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Arrival:
    """Where an instance comes from: the tenant and institution it belongs to, and how it came."""

    tenant_id: int
    institution_id: int | None = None
    source: str = "dimse"
    calling_ae: str | None = None
    node: str | None = None


@dataclass
class Parsed:
    raw: bytes
    dataset: Dataset
    transfer_syntax: str
    sop_uid: str
    sop_class_uid: str
    study_uid: str
    series_uid: str
    #: the DICOM JSON as a dict (``metadata_json`` is its text)
    attributes: dict[str, Any]
    metadata_json: str
    pixel_offset: int | None
    pixel_length: int | None


@dataclass
class IngestResult:
    status: int
    sop_uid: str | None
    study_uid: str | None = None
    series_uid: str | None = None
    sop_class_uid: str | None = None
    message: str = ""
    duplicate: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status in (SUCCESS, WARNING_COERCED)


def _text(ds: Dataset, keyword: str, limit: int | None = None) -> str | None:
    value = ds.get(keyword)
    if value is None or value == "":
        return None
    if isinstance(value, pydicom.multival.MultiValue):
        value = "\\".join(str(v) for v in value)
    text = str(value).strip().replace("\x00", "")
    if not text:
        return None
    return text[:limit] if limit else text


def _uid(ds: Dataset, tag: int, keyword: str) -> str | None:
    """A UID as ``_text`` gives it, read from the raw element when it has not been converted yet."""
    elem = ds._dict.get(tag)  # noqa: SLF001 — the raw elements as read
    if isinstance(elem, RawDataElement) and isinstance(elem.value, bytes):
        return elem.value.decode("latin-1").replace("\x00", "").strip() or None
    return _text(ds, keyword)


def _json_int(attributes: dict[str, Any], tag: str) -> int | None:
    """An integer attribute's single value from the instance's DICOM JSON (as ``_int`` reads it)."""
    values = (attributes.get(tag) or {}).get("Value")
    if not values or len(values) != 1:
        return None
    try:
        return int(values[0])
    except (TypeError, ValueError):
        return None


def _int(ds: Dataset, keyword: str) -> int | None:
    try:
        value = ds.get(keyword)
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def name_search(name: str | None) -> str | None:
    """PatientName as fuzzy matching sees it: lower case, component and group separators as spaces."""
    if not name:
        return None
    return re.sub(r"\s+", " ", name.replace("^", " ").replace("=", " ")).strip().lower() or None


def _bulk_uri(study: str, series: str, sop: str) -> dicomjson.BulkHandler:
    base = f"{BULK_BASE}/studies/{study}/series/{series}/instances/{sop}/bulkdata/"
    return lambda tag: f"{base}{tag:08X}"


#: long-length VRs of explicit VR encoding (a 2-byte reserved field, then a 4-byte length)
_LONG_VRS = frozenset((b"OB", b"OD", b"OF", b"OL", b"OV", b"OW", b"SQ", b"SV", b"UC", b"UN", b"UR", b"UT", b"UV"))
#: transfer syntax → (implicit VR, little endian) for the data sets read without pydicom's file reader
_PLAIN_ENCODINGS = {"1.2.840.10008.1.2": (True, True), "1.2.840.10008.1.2.1": (False, True),
                    "1.2.840.10008.1.2.2": (False, False)}
_READ_ERRORS = (InvalidDicomError, EOFError, ValueError, KeyError, TypeError, OSError, AttributeError, IndexError)


def _file_meta(raw: bytes) -> tuple[int, dict[int, str]] | None:
    """Where a standard Part 10 header's File Meta Information (group 0002, explicit VR little endian,
    after the 128-byte preamble and ``DICM``) ends, and its text values by element number; None for
    anything else (no preamble, another encoding, a value running past the end)."""
    if raw[128:132] != b"DICM":
        return None
    values: dict[int, str] = {}
    offset, end = 132, len(raw)
    while offset + 8 <= end:
        group, element = struct.unpack_from("<HH", raw, offset)
        if group != 0x0002:
            break
        vr = raw[offset + 4:offset + 6]
        if not (vr.isalpha() and vr.isupper()):
            return None
        if vr in _LONG_VRS:
            if offset + 12 > end:
                return None
            length, start = struct.unpack_from("<I", raw, offset + 8)[0], offset + 12
        else:
            length, start = struct.unpack_from("<H", raw, offset + 6)[0], offset + 8
        if start + length > end:
            return None
        if vr in (b"UI", b"SH", b"AE"):
            values[element] = raw[start:start + length].decode("latin-1").strip("\x00 ")
        offset = start + length
    return offset, values


def _read_header(raw: bytes) -> tuple[Dataset, str, dict[int, str]]:
    """The data set (elements of ``BULK_THRESHOLD`` bytes or more left unread), its transfer syntax and
    the file meta's text values. A standard header in a plain transfer syntax is read here, the data set
    with pydicom's own ``read_dataset`` (what ``dcmread`` does after the meta, without building a
    ``FileDataset``: half of its time for an instance like a 512² CT slice); anything else by ``dcmread``."""
    meta = _file_meta(raw)
    if meta is not None:
        end, values = meta
        ts = values.get(0x0010, "")
        encoding = _PLAIN_ENCODINGS.get(ts)
        if encoding is None and ts and ts != "1.2.840.10008.1.2.1.99":
            uid = pydicom.uid.UID(ts)
            if uid.is_transfer_syntax and not uid.is_deflated:  # compressed: encapsulated, explicit VR
                encoding = (uid.is_implicit_VR, uid.is_little_endian)
        if encoding is not None:
            fp = io.BytesIO(raw)
            fp.seek(end)
            ds = filereader.read_dataset(fp, *encoding, defer_size=BULK_THRESHOLD)
            # as dcmread's: a deferred element is read from the buffer when asked for
            return FileDataset(fp, ds, is_implicit_VR=encoding[0], is_little_endian=encoding[1]), ts, values
    ds = pydicom.dcmread(io.BytesIO(raw), defer_size=BULK_THRESHOLD)
    file_meta = getattr(ds, "file_meta", None)
    values = {}
    if file_meta is not None:
        for element, keyword in ((0x0002, "MediaStorageSOPClassUID"), (0x0003, "MediaStorageSOPInstanceUID"),
                                 (0x0010, "TransferSyntaxUID")):
            value = _text(file_meta, keyword)
            if value:
                values[element] = value
    return ds, values.get(0x0010, ""), values


def parse(raw: bytes) -> Parsed:
    """Read a Part 10 file's header (no pixel decoding) and build its DICOM JSON."""
    try:
        ds, ts, meta = _read_header(raw)
    except _READ_ERRORS as exc:
        raise IngestError(f"不是有效的 DICOM 文件：{exc}") from None
    sop_uid = _uid(ds, 0x00080018, "SOPInstanceUID") or meta.get(0x0003)
    sop_class = _uid(ds, 0x00080016, "SOPClassUID") or meta.get(0x0002)
    study_uid = _uid(ds, 0x0020000D, "StudyInstanceUID")
    series_uid = _uid(ds, 0x0020000E, "SeriesInstanceUID")
    missing = [k for k, v in (("SOPInstanceUID", sop_uid), ("SOPClassUID", sop_class), ("StudyInstanceUID", study_uid),
                              ("SeriesInstanceUID", series_uid), ("TransferSyntaxUID", ts)) if not v]
    if missing:
        raise IngestError("缺少必需的 DICOM 属性：" + "、".join(missing))
    for uid in (sop_uid, study_uid, series_uid):
        if len(uid) > 64 or not re.fullmatch(r"[0-9.]+", uid):
            raise IngestError(f"UID 格式不正确：{uid[:80]}")
    pixel_offset = pixel_length = None
    raw_pixel = ds.get_item(0x7FE00010, keep_deferred=True) if 0x7FE00010 in ds else None
    if raw_pixel is not None and getattr(raw_pixel, "value_tell", None) is not None:
        pixel_offset = int(raw_pixel.value_tell)
        length = raw_pixel.length
        pixel_length = None if length == 0xFFFFFFFF else int(length)
    if ts == "1.2.840.10008.1.2.1.99":
        # deflated: positions refer to the inflated stream, not to the stored file
        pixel_offset = pixel_length = None
    if pixel_offset is not None and pixel_length is not None and pixel_offset + pixel_length > len(raw):
        raise IngestError("像素数据不完整（文件被截断）")
    try:
        as_json = dicomjson.to_json_dict(ds, _bulk_uri(study_uid, series_uid, sop_uid), BULK_THRESHOLD)
    except Exception as exc:  # a malformed element: keep what can be said, refuse the rest
        raise IngestError(f"DICOM 属性无法解析：{exc}") from None
    return Parsed(
        raw=raw,
        dataset=ds,
        transfer_syntax=ts,
        sop_uid=sop_uid,
        sop_class_uid=sop_class,
        study_uid=study_uid,
        series_uid=series_uid,
        attributes=as_json,
        metadata_json=json.dumps(as_json, ensure_ascii=False, separators=(",", ":")),
        pixel_offset=pixel_offset,
        pixel_length=pixel_length,
    )


def _subset(metadata: str, keywords: tuple[str, ...]) -> str:
    from pydicom.datadict import tag_for_keyword

    data = json.loads(metadata)
    tags = {f"{tag_for_keyword(k):08X}" for k in keywords if tag_for_keyword(k) is not None}
    return json.dumps({k: v for k, v in data.items() if k in tags}, ensure_ascii=False, separators=(",", ":"))


def blob_key(tenant_id: int, parsed: Parsed) -> str:
    digest = hashlib.sha1(f"{parsed.study_uid}/{parsed.series_uid}/{parsed.sop_uid}".encode()).hexdigest()
    return f"dicom/{tenant_id}/{digest[:2]}/{digest}.dcm"


def duplicate_policy() -> str:
    return get_settings().duplicate_policy


def ingest(raw: bytes, arrival: Arrival) -> IngestResult:
    """Store and index one Part 10 file. Returns only when it is durable and committed (or refused)."""
    try:
        parsed = parse(raw)
    except IngestError as exc:
        record_failure(arrival, None, None, str(exc))
        return IngestResult(status=exc.status, sop_uid=None, message=str(exc))
    for attempt in range(5):
        try:
            return _store_and_index(parsed, arrival)
        except IntegrityError:
            # another receiver created the same patient/study/series at the same moment, or a cached
            # study/series was deleted meanwhile: forget what we knew and index again
            forget_refs()
            time.sleep(0.01 * (attempt + 1))
        except OSError as exc:
            record_failure(arrival, parsed.sop_uid, parsed.study_uid, f"存储失败：{exc}")
            return IngestResult(status=FAILURE_OUT_OF_RESOURCES, sop_uid=parsed.sop_uid, study_uid=parsed.study_uid,
                                message=f"存储失败：{exc}")
    return IngestResult(status=FAILURE_OUT_OF_RESOURCES, sop_uid=parsed.sop_uid, message="索引冲突，请重试")


def _scope(arrival: Arrival) -> Scope:
    return Scope(tenant_id=arrival.tenant_id, visible=frozenset({arrival.tenant_id}), actor=arrival.calling_ae or arrival.source)


def record_failure(arrival: Arrival, sop_uid: str | None, study_uid: str | None, message: str) -> None:
    try:
        with session_scope() as s:
            set_scope(s, _scope(arrival))
            s.add(ImageEvent(tenant_id=arrival.tenant_id, sop_uid=sop_uid or "-", study_uid=study_uid,
                             kind=EventKind.FAILED, node=arrival.node, message=message[:500]))
    except Exception:  # the failure itself must not break the association
        log.exception("could not record a failed instance")


#: (tenant, study UID, series UID) -> (study id, series id), per process. Only a hint: the instance
#: insert's foreign keys prove it still holds, and a failed insert forgets it (see ``ingest``).
_REFS: dict[tuple[int, str, str], tuple[int, int]] = {}
_REFS_MAX = 4096


def forget_refs() -> None:
    _REFS.clear()


def _known_refs(conn: sa.Connection, tenant_id: int, parsed: Parsed) -> tuple[int, int] | None:
    key = (tenant_id, parsed.study_uid, parsed.series_uid)
    refs = _REFS.get(key)
    if refs is not None:
        return refs
    row = _SQL.refs.first(conn, {"tenant": tenant_id, "series_uid": parsed.series_uid, "study_uid": parsed.study_uid})
    if row is None:
        return None
    return _remember(key, (row[0], row[1]))


def _remember(key: tuple[int, str, str], refs: tuple[int, int]) -> tuple[int, int]:
    if len(_REFS) >= _REFS_MAX:
        _REFS.clear()
    _REFS[key] = refs
    return refs


#: the columns a new instance's row is written with (``_index``)
_INSTANCE_COLUMNS = (
    "tenant_id", "sop_uid", "series_ref", "study_ref", "transfer_syntax", "size_bytes", "blob_key", "sop_class_uid",
    "instance_number", "num_frames", "rows", "columns", "pixel_offset", "pixel_length", "source", "calling_ae",
    "received_at", "metadata_json", "created_at", "updated_at", "created_by",
)
_EVENT_COLUMNS = ("tenant_id", "sop_uid", "study_uid", "kind", "at", "node", "message")


class _Existing(NamedTuple):
    id: int
    size_bytes: int
    study_ref: int
    series_ref: int


class _Statements:
    """The hot path's statements, built once: Core on the tables (no ORM unit of work, no statement
    construction per instance). Those every instance runs are ``Prepared``: compiled once per dialect and
    run on the DBAPI cursor."""

    def __init__(self) -> None:
        inst, series, study, event = Instance.__table__, Series.__table__, Study.__table__, ImageEvent.__table__
        p = sa.bindparam
        self.existing = Prepared(sa.select(inst.c.id, inst.c.size_bytes, inst.c.study_ref, inst.c.series_ref)
                                 .where(inst.c.tenant_id == p("tenant"), inst.c.sop_uid == p("sop_uid")))
        self.refs = Prepared(sa.select(series.c.study_ref, series.c.id).join(study, study.c.id == series.c.study_ref)
                             .where(series.c.tenant_id == p("tenant"), series.c.series_uid == p("series_uid"),
                                    study.c.study_uid == p("study_uid")))
        # inline: the new row's id is not asked back (no RETURNING on PostgreSQL)
        self.insert = Prepared(sa.insert(inst).inline(), *_INSTANCE_COLUMNS)
        self.insert_events = Prepared(sa.insert(event).inline(), *_EVENT_COLUMNS)
        self.overwrite = sa.update(inst).where(inst.c.id == p("row_id"))
        # the UIDs in the WHERE prove that cached ids still name this study and series
        self.series_added = Prepared(sa.update(series).where(
            series.c.id == p("row_id"), series.c.series_uid == p("uid"), series.c.tenant_id == p("tenant")
        ).values(num_instances=series.c.num_instances + 1, size_bytes=series.c.size_bytes + p("size"),
                 updated_at=p("at", type_=series.c.updated_at.type)))
        self.study_added = Prepared(sa.update(study).where(
            study.c.id == p("row_id"), study.c.study_uid == p("uid"), study.c.tenant_id == p("tenant")
        ).values(num_instances=study.c.num_instances + 1, size_bytes=study.c.size_bytes + p("size"),
                 last_received_at=p("at", type_=study.c.last_received_at.type),
                 updated_at=p("at", type_=study.c.updated_at.type)))
        self.series_removed = sa.update(series).where(series.c.id == p("row_id")).values(
            num_instances=series.c.num_instances - 1, size_bytes=series.c.size_bytes - p("size"))
        self.study_removed = sa.update(study).where(study.c.id == p("row_id")).values(
            num_instances=study.c.num_instances - 1, size_bytes=study.c.size_bytes - p("size"))


_SQL = _Statements()


def _store_and_index(parsed: Parsed, arrival: Arrival) -> IngestResult:
    """Look up, write the file durably, then index in one short write transaction. Core statements on
    the hot path (the study and series exist); the ORM and patient identity only when an instance
    opens a new series."""
    received = utcnow()
    tenant_id = arrival.tenant_id
    base = dict(status=SUCCESS, sop_uid=parsed.sop_uid, study_uid=parsed.study_uid, series_uid=parsed.series_uid,
                sop_class_uid=parsed.sop_class_uid)
    with db.engine.connect() as conn:
        row = _SQL.existing.first(conn, {"tenant": tenant_id, "sop_uid": parsed.sop_uid})
        existing = _Existing(*row) if row is not None else None
        policy = duplicate_policy()
        if existing is not None and policy == "keep":
            return IngestResult(**base, duplicate=True, message="实例已存在，保留原有数据")
        if existing is not None and policy == "reject":
            with _write(conn):
                _events(conn, parsed, arrival, [(EventKind.FAILED, received, "实例已存在，按策略拒收")])
            return IngestResult(**{**base, "status": FAILURE_DUPLICATE_REJECTED}, duplicate=True,
                                message="实例已存在，按策略拒收")
        refs = _known_refs(conn, tenant_id, parsed)
        conn.rollback()  # nothing is held while the file is written
        key = blob_key(tenant_id, parsed)
        blobs().put(key, parsed.raw)  # durable before it is indexed
        stored_at = utcnow()
        if refs is None:
            with db.writer_turn(), session_scope() as s:  # a new series (and maybe study, patient): the ORM, one transaction
                set_scope(s, _scope(arrival))
                patient = _patient(s, parsed.dataset, tenant_id)
                study = _study(s, parsed, patient, arrival, received)
                series = _series(s, parsed, study, tenant_id)
                _index(s.connection(), parsed, arrival, existing, key, (study.id, series.id), received, stored_at)
            _remember((tenant_id, parsed.study_uid, parsed.series_uid), (study.id, series.id))
        else:
            with _write(conn):
                _index(conn, parsed, arrival, existing, key, refs, received, stored_at)
    return IngestResult(**base, duplicate=existing is not None, message="已归档")


class _write:
    """A write transaction on a connection: committed when the block ends, rolled back on error."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
        self.turn = db.writer_turn()

    def __enter__(self) -> sa.Connection:
        if self.conn.in_transaction():
            self.conn.rollback()
        self.turn.__enter__()
        try:
            self.conn.begin()
        except BaseException:
            self.turn.__exit__(None, None, None)
            raise
        return self.conn

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        try:
            if exc_type is None:
                self.conn.commit()
            else:
                self.conn.rollback()
        finally:
            self.turn.__exit__(None, None, None)


def _index(conn: sa.Connection, parsed: Parsed, arrival: Arrival, existing: Any, key: str,
           refs: tuple[int, int], received: Any, stored_at: Any) -> None:
    study_id, series_id = refs
    tenant_id = arrival.tenant_id
    size = len(parsed.raw)
    shape = {"sop_class_uid": parsed.sop_class_uid,
             "instance_number": _json_int(parsed.attributes, "00200013"),
             "num_frames": _json_int(parsed.attributes, "00280008") or 1,
             "rows": _json_int(parsed.attributes, "00280010"),
             "columns": _json_int(parsed.attributes, "00280011")}
    if existing is not None:  # overwrite: same key, new bytes, refreshed row
        conn.execute(_SQL.overwrite, {
            "row_id": existing.id, "series_ref": series_id, "study_ref": study_id,
            "transfer_syntax": parsed.transfer_syntax, "size_bytes": size, "blob_key": key,
            "metadata_json": parsed.metadata_json, "pixel_offset": parsed.pixel_offset,
            "pixel_length": parsed.pixel_length, "received_at": received, "updated_at": received,
            "updated_by": _actor(arrival), **shape})
        # out of where it was, into where it is now (usually the same series: only the size changes)
        conn.execute(_SQL.series_removed, {"row_id": existing.series_ref, "size": existing.size_bytes})
        conn.execute(_SQL.study_removed, {"row_id": existing.study_ref, "size": existing.size_bytes})
    else:
        _SQL.insert.execute(conn, {
            "tenant_id": tenant_id,
            "sop_uid": parsed.sop_uid,
            "series_ref": series_id,
            "study_ref": study_id,
            "transfer_syntax": parsed.transfer_syntax,
            "size_bytes": size,
            "blob_key": key,
            **shape,
            "pixel_offset": parsed.pixel_offset,
            "pixel_length": parsed.pixel_length,
            "source": arrival.source,
            "calling_ae": arrival.calling_ae,
            "received_at": received,
            "metadata_json": parsed.metadata_json,
            "created_at": received,
            "updated_at": received,
            "created_by": _actor(arrival),
        })
    touched = _SQL.series_added.execute(conn, {"row_id": series_id, "uid": parsed.series_uid, "tenant": tenant_id,
                                               "size": size, "at": received}).rowcount
    touched += _SQL.study_added.execute(conn, {"row_id": study_id, "uid": parsed.study_uid, "tenant": tenant_id,
                                               "size": size, "at": received}).rowcount
    if touched != 2:  # the cached study or series went away under us: index again
        raise IntegrityError("study or series vanished", None, Exception("stale refs"))
    _events(conn, parsed, arrival, [(EventKind.RECEIVED, received, arrival.source),
                                    (EventKind.STORED, stored_at, key),
                                    (EventKind.INDEXED, utcnow(), None)])


def _actor(arrival: Arrival) -> str:
    return (arrival.calling_ae or arrival.source)[:64]


def _events(conn: sa.Connection, parsed: Parsed, arrival: Arrival, steps: list[tuple[EventKind, Any, str | None]]) -> None:
    _SQL.insert_events.executemany(conn, [
        {"tenant_id": arrival.tenant_id, "sop_uid": parsed.sop_uid, "study_uid": parsed.study_uid, "kind": kind,
         "at": at, "node": arrival.node, "message": message}
        for kind, at, message in steps
    ])


def _patient(s: Session, ds: Dataset, tenant_id: int) -> Patient:
    from radix.imaging import identity

    return identity.resolve(s, ds, tenant_id)


def _study(s: Session, parsed: Parsed, patient: Patient, arrival: Arrival, received: Any) -> Study:
    study = s.scalar(sa.select(Study).where(Study.tenant_id == arrival.tenant_id, Study.study_uid == parsed.study_uid))
    ds = parsed.dataset
    if study is None:
        name = _text(ds, "PatientName", 200)
        study = Study(
            tenant_id=arrival.tenant_id,
            study_uid=parsed.study_uid,
            patient_ref=patient.id,
            institution_id=arrival.institution_id,
            patient_id=_text(ds, "PatientID", 64),
            patient_name=name,
            patient_name_search=name_search(name),
            patient_birth_date=_text(ds, "PatientBirthDate", 8),
            patient_sex=_text(ds, "PatientSex", 16),
            study_date=_text(ds, "StudyDate", 8),
            study_time=_text(ds, "StudyTime", 16),
            accession_number=_text(ds, "AccessionNumber", 64),
            study_id=_text(ds, "StudyID", 16),
            description=_text(ds, "StudyDescription", 128),
            referring_physician=_text(ds, "ReferringPhysicianName", 200),
            institution_name=_text(ds, "InstitutionName", 128),
            body_part=_text(ds, "BodyPartExamined", 64),
            modalities="\\",
            num_series=0,
            num_instances=0,
            size_bytes=0,
            received_at=received,
            last_received_at=received,
            attributes=_subset(parsed.metadata_json, STUDY_TAGS),
        )
        s.add(study)
        s.flush()
    return study


def _series(s: Session, parsed: Parsed, study: Study, tenant_id: int) -> Series:
    series = s.scalar(sa.select(Series).where(Series.tenant_id == tenant_id, Series.series_uid == parsed.series_uid))
    ds = parsed.dataset
    if series is None:
        modality = _text(ds, "Modality", 16)
        series = Series(
            tenant_id=tenant_id,
            series_uid=parsed.series_uid,
            study_ref=study.id,
            modality=modality,
            series_number=_int(ds, "SeriesNumber"),
            description=_text(ds, "SeriesDescription", 128),
            body_part=_text(ds, "BodyPartExamined", 64),
            series_date=_text(ds, "SeriesDate", 8),
            num_instances=0,
            size_bytes=0,
            attributes=_subset(parsed.metadata_json, SERIES_TAGS),
        )
        s.add(series)
        s.flush()
        values: dict[str, Any] = {"num_series": Study.num_series + 1}
        if modality and f"\\{modality}\\" not in (study.modalities or "\\"):
            values["modalities"] = (study.modalities or "\\") + f"{modality}\\"
        if not study.body_part and series.body_part:
            values["body_part"] = series.body_part
        s.execute(sa.update(Study).where(Study.id == study.id).values(**values))
    return series
