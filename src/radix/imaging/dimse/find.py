"""C-FIND over the index (PS3.4 C.2–C.4), Patient Root and Study Root, at every level.

Matching keys on indexed attributes become SQL (single value, wildcard ``*``/``?``, UID list, date and
time ranges, modalities in study); a Python matcher then decides exactly (PN case-insensitive, other
text case-sensitive on every database) and also matches keys the index keeps only in the stored DICOM
JSON. Return keys come from the index columns, the counts, and the DICOM JSON kept at ingest — the
files are never read. The same search selects the instances of a C-MOVE or C-GET.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from pydicom.datadict import dictionary_VR, keyword_for_tag
from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue
from pydicom.sequence import Sequence
from pydicom.tag import Tag
from sqlalchemy.orm import Session, defer

from radix.imaging.models import Instance, Patient, Series, Study

LEVELS = ("PATIENT", "STUDY", "SERIES", "IMAGE")
BATCH = 500

# DICOM status codes of the query/retrieve service (PS3.4 C.4.1.1.4)
IDENTIFIER_MISMATCH = 0xA900
UNABLE_TO_PROCESS = 0xC000


class QueryError(Exception):
    def __init__(self, message: str, status: int = IDENTIFIER_MISMATCH) -> None:
        super().__init__(message)
        self.status = status


# how an attribute matches
PN, TEXT, UID, DATE, TIME, NUMBER = "pn", "text", "uid", "date", "time", "number"
MODALITIES, COUNT = "modalities", "count"


@dataclass(frozen=True)
class Attr:
    level: str
    kind: str
    #: where its value is: an entity ("patient", "study", "series", "instance") and its attribute
    source: tuple[str, str] | None = None


# attributes with an index column (or a count); everything else is read from the stored DICOM JSON
_PATIENT = {
    "PatientName": PN, "PatientID": TEXT, "PatientBirthDate": DATE, "PatientSex": TEXT,
}
_PATIENT_COLUMNS = {"PatientName": "name", "PatientID": "patient_id", "PatientBirthDate": "birth_date",
                    "PatientSex": "sex"}
_STUDY_COPY = {"PatientName": "patient_name", "PatientID": "patient_id",
               "PatientBirthDate": "patient_birth_date", "PatientSex": "patient_sex"}
_COLUMNS: dict[str, Attr] = {
    "StudyInstanceUID": Attr("STUDY", UID, ("study", "study_uid")),
    "StudyDate": Attr("STUDY", DATE, ("study", "study_date")),
    "StudyTime": Attr("STUDY", TIME, ("study", "study_time")),
    "AccessionNumber": Attr("STUDY", TEXT, ("study", "accession_number")),
    "StudyID": Attr("STUDY", TEXT, ("study", "study_id")),
    "StudyDescription": Attr("STUDY", TEXT, ("study", "description")),
    "ReferringPhysicianName": Attr("STUDY", PN, ("study", "referring_physician")),
    "ModalitiesInStudy": Attr("STUDY", MODALITIES, ("study", "modalities")),
    "NumberOfStudyRelatedSeries": Attr("STUDY", COUNT, ("study", "num_series")),
    "NumberOfStudyRelatedInstances": Attr("STUDY", COUNT, ("study", "num_instances")),
    "SeriesInstanceUID": Attr("SERIES", UID, ("series", "series_uid")),
    "Modality": Attr("SERIES", TEXT, ("series", "modality")),
    "SeriesNumber": Attr("SERIES", NUMBER, ("series", "series_number")),
    "SeriesDescription": Attr("SERIES", TEXT, ("series", "description")),
    "BodyPartExamined": Attr("SERIES", TEXT, ("series", "body_part")),
    "SeriesDate": Attr("SERIES", DATE, ("series", "series_date")),
    "NumberOfSeriesRelatedInstances": Attr("SERIES", COUNT, ("series", "num_instances")),
    "SOPInstanceUID": Attr("IMAGE", UID, ("instance", "sop_uid")),
    "SOPClassUID": Attr("IMAGE", UID, ("instance", "sop_class_uid")),
    "InstanceNumber": Attr("IMAGE", NUMBER, ("instance", "instance_number")),
    "Rows": Attr("IMAGE", NUMBER, ("instance", "rows")),
    "Columns": Attr("IMAGE", NUMBER, ("instance", "columns")),
    "NumberOfFrames": Attr("IMAGE", NUMBER, ("instance", "num_frames")),
    "NumberOfPatientRelatedStudies": Attr("PATIENT", COUNT),
    "NumberOfPatientRelatedSeries": Attr("PATIENT", COUNT),
    "NumberOfPatientRelatedInstances": Attr("PATIENT", COUNT),
}
_MODELS = {"patient": Patient, "study": Study, "series": Series, "instance": Instance}
#: keys that only steer the query, never match
_CONTROL = {"QueryRetrieveLevel", "SpecificCharacterSet", "RetrieveAETitle", "InstanceAvailability",
            "TimezoneOffsetFromUTC", "QueryRetrieveView"}
UNIQUE = {"PATIENT": "PatientID", "STUDY": "StudyInstanceUID", "SERIES": "SeriesInstanceUID",
          "IMAGE": "SOPInstanceUID"}
_TEXT_VRS = {"AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UI", "UR",
             "UT"}
_NUMERIC_VRS = {"IS", "DS", "US", "UL", "SS", "SL", "FL", "FD", "UV", "SV"}


def attr_of(keyword: str, query_level: str, vr: str | None = None) -> Attr:
    """Where an attribute lives for a query at ``query_level``."""
    if keyword in _PATIENT:
        if query_level == "PATIENT":
            return Attr("PATIENT", _PATIENT[keyword], ("patient", _PATIENT_COLUMNS[keyword]))
        return Attr("PATIENT", _PATIENT[keyword], ("study", _STUDY_COPY[keyword]))
    if keyword in _COLUMNS:
        return _COLUMNS[keyword]
    kind = PN if vr == "PN" else DATE if vr in ("DA", "DT") else TIME if vr == "TM" else UID if vr == "UI" \
        else NUMBER if vr in _NUMERIC_VRS else TEXT
    return Attr("", kind)  # level unknown: read from the DICOM JSON of the row, where present


# --- matching -------------------------------------------------------------------------------------


def _values(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple, MultiValue)):
        return [str(v) for v in value if v is not None and str(v) != ""]
    text = str(value)
    return [v for v in text.split("\\") if v != ""] if "\\" in text else [text]


def _pn(text: str) -> str:
    """A person name without its empty trailing components and groups."""
    groups = [g.rstrip("^") for g in text.split("=")]
    while groups and not groups[-1]:
        groups.pop()
    return "=".join(groups).strip()


def _wild(pattern: str, *, ignore_case: bool) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


@dataclass
class Condition:
    keyword: str
    tag: int
    attr: Attr
    wanted: list[str]

    def matches(self, actual: Any) -> bool:
        values = _values(actual)
        kind = self.attr.kind
        for q in self.wanted:
            if q == "*":
                return True
            for v in values:
                if _one(kind, q, v):
                    return True
        return False


def _one(kind: str, q: str, v: str) -> bool:
    if kind == UID:
        return q == v
    if kind in (DATE, TIME):
        if "-" in q:  # range matching; a time's upper bound includes its fractions ("12" up to 12:59:59)
            lo, _, hi = (part.strip() for part in q.partition("-"))
            return (not lo or v >= lo) and (not hi or v <= hi or (kind == TIME and v.startswith(hi)))
        if "*" in q or "?" in q:
            return bool(_wild(q.strip(), ignore_case=False).fullmatch(v))
        return v == q.strip() or (kind == TIME and v.startswith(q.strip()))
    if kind == NUMBER:
        try:
            return float(q) == float(v)
        except ValueError:
            return False
    if kind == MODALITIES:
        return q.strip().upper() == v.strip().upper()
    if kind == PN:
        return bool(_wild(_pn(q), ignore_case=True).fullmatch(_pn(v)))
    return bool(_wild(q.strip(), ignore_case=False).fullmatch(v.strip()))


def _like(value: str) -> str:
    escaped = value.replace("!", "!!").replace("%", "!%").replace("_", "!_")
    return escaped.replace("*", "%").replace("?", "_")


def _sql(cond: Condition, column: Any) -> Any | None:
    """A SQL condition at least as wide as ``cond`` (the Python matcher has the last word)."""
    kind = cond.attr.kind
    wanted = cond.wanted
    if "*" in wanted:
        return None
    if kind == UID:
        return column.in_(wanted)
    ors = []
    for q in wanted:
        if kind in (DATE, TIME) and "-" in q:
            lo, _, hi = q.partition("-")
            parts = [column.is_not(None)]
            if lo.strip():
                parts.append(column >= lo.strip())
            if hi.strip():
                parts.append(column <= hi.strip() + ("\uffff" if kind == TIME else ""))
            ors.append(sa.and_(*parts))
        elif kind == NUMBER:
            try:
                ors.append(column == int(float(q)))
            except (ValueError, OverflowError):
                ors.append(sa.false())
        elif kind == MODALITIES:
            ors.append(column.like(f"%\\{_like(q.strip().upper())}\\%", escape="!"))
        elif kind == PN:
            pattern = _like(_pn(q).lower())
            pattern = pattern if pattern.endswith("%") else pattern + "%"
            ors.append(sa.func.lower(column).like(pattern, escape="!"))
        elif "*" in q or "?" in q or kind == TIME:
            ors.append(column.like(_like(q.strip()) + ("" if "*" in q else "%"), escape="!"))
        else:
            ors.append(column == q.strip())
    return sa.or_(*ors) if ors else None


# --- rows -----------------------------------------------------------------------------------------


@dataclass
class Row:
    level: str
    patient: Patient | None = None
    study: Study | None = None
    series: Series | None = None
    instance: Instance | None = None
    counts: dict[str, int] = field(default_factory=dict)
    _json: dict[str, dict[str, Any]] | None = None

    def json(self) -> dict[str, dict[str, Any]]:
        """The stored DICOM JSON that describes this row (instance: everything; series and study:
        their modules)."""
        if self._json is None:
            merged: dict[str, Any] = {}
            for text in (
                self.study.attributes if self.study is not None else None,
                self.series.attributes if self.series is not None else None,
                self.instance.metadata_json if self.instance is not None else None,
            ):
                if text:
                    try:
                        merged.update(json.loads(text))
                    except ValueError:
                        pass
            self._json = merged
        return self._json

    def value(self, keyword: str, tag: int, attr: Attr) -> tuple[bool, Any]:
        """(known, value) of an attribute for this row."""
        if attr.kind == COUNT and attr.source is None:
            return True, self.counts.get(keyword, 0)
        if attr.source is not None:
            entity = getattr(self, attr.source[0])
            if entity is None:
                return False, None
            return True, getattr(entity, attr.source[1])
        if self.level == "PATIENT":
            return False, None
        item = self.json().get(f"{tag:08X}")
        if item is None:
            return False, None
        if "Value" in item:
            return True, item
        return True, None


def _json_value(tag: int, item: dict[str, Any] | None) -> DataElement | None:
    if item is None or "Value" not in item:
        return None
    try:
        ds = Dataset.from_json({f"{tag:08X}": item})
        return ds[tag]
    except Exception:
        return None


# --- the search -----------------------------------------------------------------------------------


@dataclass
class Query:
    root: str  # "PATIENT" or "STUDY"
    level: str
    conditions: list[Condition]
    #: the requested return keys: (tag, keyword, VR, attr)
    returns: list[tuple[int, str, str, Attr]]
    needs_json: bool


def parse(root: str, identifier: Dataset) -> Query:
    level = str(identifier.get("QueryRetrieveLevel", "") or "").strip().upper()
    if level not in LEVELS:
        raise QueryError("查询层级(QueryRetrieveLevel)不正确")
    if root == "STUDY" and level == "PATIENT":
        raise QueryError("Study Root 不支持 PATIENT 层级查询")
    depth = LEVELS.index(level)
    conditions: list[Condition] = []
    returns: list[tuple[int, str, str, Attr]] = []
    needs_json = False
    for elem in identifier:
        tag = int(elem.tag)
        if elem.tag.group in (0x0000, 0x0002) or elem.tag.element == 0x0000:
            continue
        keyword = elem.keyword or keyword_for_tag(tag) or ""
        if keyword in _CONTROL:
            continue
        vr = elem.VR
        attr = attr_of(keyword, level, vr)
        if attr.level and LEVELS.index(attr.level) > depth:
            returns.append((tag, keyword, vr, Attr(attr.level, attr.kind)))  # below the level: empty
            continue
        if attr.source is None and attr.kind != COUNT:
            needs_json = True
        returns.append((tag, keyword, vr, attr))
        if vr == "SQ" or attr.kind == COUNT:
            continue  # sequence matching is not supported: returned as stored
        wanted = _values(elem.value) if vr in _TEXT_VRS or vr in _NUMERIC_VRS else []
        if wanted:
            conditions.append(Condition(keyword, tag, attr, wanted))
    # the unique keys of the level and the levels above it are always returned
    present = {r[0] for r in returns}
    for lv in LEVELS[1 if root == "STUDY" else 0: depth + 1]:
        keyword = UNIQUE[lv]
        tag = int(Tag(keyword))
        if tag not in present:
            returns.append((tag, keyword, dictionary_VR(tag), attr_of(keyword, level)))
    return Query(root=root, level=level, conditions=conditions, returns=returns, needs_json=needs_json)


def _statement(q: Query) -> tuple[sa.Select, Any, tuple[str, ...]]:
    if q.level == "PATIENT":
        return sa.select(Patient), Patient.id, ("patient",)
    if q.level == "STUDY":
        return sa.select(Study), Study.id, ("study",)
    if q.level == "SERIES":
        stmt = sa.select(Series, Study).join(Study, Study.id == Series.study_ref)
        return stmt, Series.id, ("series", "study")
    stmt = (sa.select(Instance, Series, Study).join(Series, Series.id == Instance.series_ref)
            .join(Study, Study.id == Instance.study_ref))
    if not q.needs_json:
        stmt = stmt.options(defer(Instance.metadata_json))
    return stmt, Instance.id, ("instance", "series", "study")


def _patient_counts(session: Session, ids: list[int]) -> dict[int, dict[str, int]]:
    if not ids:
        return {}
    rows = session.execute(
        sa.select(Study.patient_ref, sa.func.count(), sa.func.sum(Study.num_series),
                  sa.func.sum(Study.num_instances))
        .where(Study.patient_ref.in_(ids)).group_by(Study.patient_ref)
    ).all()
    return {r[0]: {"NumberOfPatientRelatedStudies": int(r[1] or 0),
                   "NumberOfPatientRelatedSeries": int(r[2] or 0),
                   "NumberOfPatientRelatedInstances": int(r[3] or 0)} for r in rows}


def search(session: Session, q: Query, *, limit: int | None = None) -> Iterator[Row]:
    """Matching rows, in index order, read in batches (the session's tenant scope applies)."""
    stmt, pk, entities = _statement(q)
    for cond in q.conditions:
        if cond.attr.source is None:
            continue
        column = getattr(_MODELS[cond.attr.source[0]], cond.attr.source[1])
        clause = _sql(cond, column)
        if clause is not None:
            stmt = stmt.where(clause)
    last = 0
    sent = 0
    while True:
        batch = session.execute(stmt.where(pk > last).order_by(pk).limit(BATCH)).all()
        if not batch:
            return
        last = batch[-1][0].id
        counts = _patient_counts(session, [r[0].id for r in batch]) if q.level == "PATIENT" else {}
        for record in batch:
            row = Row(level=q.level, **dict(zip(entities, record, strict=True)))
            if row.patient is not None:
                row.counts = counts.get(row.patient.id, {})
            if all(_accepts(row, c) for c in q.conditions):
                yield row
                sent += 1
                if limit is not None and sent >= limit:
                    return
        if len(batch) < BATCH:
            return


def _accepts(row: Row, cond: Condition) -> bool:
    known, value = row.value(cond.keyword, cond.tag, cond.attr)
    if not known:
        return False
    if isinstance(value, dict):  # a DICOM JSON item
        element = _json_value(cond.tag, value)
        if element is None:
            return False
        value = element.value
    return cond.matches(value)


def answer(row: Row, q: Query, *, ae_title: str) -> Dataset:
    """The C-FIND response identifier of one row: every requested key, empty when unknown."""
    ds = Dataset()
    for tag, keyword, vr, attr in q.returns:
        known, value = (False, None) if attr.level and LEVELS.index(attr.level) > LEVELS.index(q.level) \
            else row.value(keyword, tag, attr)
        if isinstance(value, dict):
            element = _json_value(tag, value)
            if element is not None:
                ds.add(element)
                continue
            value = None
        if vr == "SQ":
            ds.add(DataElement(tag, "SQ", Sequence()))
            continue
        if value is None or value == "":
            ds.add(DataElement(tag, vr, None))
            continue
        if attr.kind == MODALITIES:
            value = [m for m in str(value).split("\\") if m]
        elif vr in _NUMERIC_VRS and not isinstance(value, (int, float)):
            try:
                value = int(value)
            except (TypeError, ValueError):
                value = None
        elif vr not in _NUMERIC_VRS:
            value = str(value)
        ds.add(DataElement(tag, vr, value))
    ds.QueryRetrieveLevel = q.level
    ds.RetrieveAETitle = ae_title
    if _non_ascii(ds):
        ds.SpecificCharacterSet = "ISO_IR 192"
    return ds


def _non_ascii(ds: Dataset) -> bool:
    for elem in ds.iterall():
        if elem.VR in ("SQ", "OB", "OW", "UN"):
            continue
        for v in elem.value if isinstance(elem.value, (list, MultiValue)) else [elem.value]:
            if isinstance(v, str) and not v.isascii():
                return True
            if v is not None and elem.VR == "PN" and not str(v).isascii():
                return True
    return False


# --- retrieve -------------------------------------------------------------------------------------


def retrieve_query(root: str, identifier: Dataset) -> Query:
    """The instances a C-MOVE / C-GET asks for: its unique keys matched at image level."""
    level = str(identifier.get("QueryRetrieveLevel", "") or "").strip().upper()
    if level not in LEVELS or (root == "STUDY" and level == "PATIENT"):
        raise QueryError("检索层级(QueryRetrieveLevel)不正确")
    key = UNIQUE[level]
    if not _values(identifier.get(key)):
        raise QueryError(f"检索缺少唯一键 {key}")
    probe = Dataset()
    probe.QueryRetrieveLevel = "IMAGE"
    for lv in LEVELS[: LEVELS.index(level) + 1]:
        keyword = UNIQUE[lv]
        if keyword in identifier and _values(identifier.get(keyword)):
            probe.add(DataElement(int(Tag(keyword)), dictionary_VR(Tag(keyword)), identifier[keyword].value))
    q = parse("PATIENT", probe)
    q.root = root
    return q


def instances(session: Session, q: Query) -> list[Instance]:
    return [row.instance for row in search(session, q) if row.instance is not None]
