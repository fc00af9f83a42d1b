"""QIDO-RS (PS3.18 10.6): search studies, series and instances from the index alone.

Matching (PS3.4 C.2.2.2): single value, list (``\\`` or ``,``), wildcards ``*`` and ``?``, date and
time ranges, UID lists, and ``fuzzymatching=true`` for person names (case-insensitive "contains"
over the normalized name). Query keys of a lower level than the one searched match through EXISTS
(studies with a CT series…), keys of a higher level through the join. Answers are DICOM JSON built
from the rows' kept attributes and counters; no file is read.

A page of studies is mostly the same few hundred bytes per study: each kept ``attributes`` text is
parsed and its values serialized once per process (:func:`_fragments`), and an answer is joined
from those pieces and the row's counters, so a search that matches many studies costs little more
than one that matches a few.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from typing import Any

import sqlalchemy as sa
from pydicom.datadict import dictionary_VR, keyword_for_tag, tag_for_keyword

from radix.core.db import escape_like
from radix.imaging.dicomweb.access import SHARE_PARAM, Access
from radix.imaging.dicomweb.errors import BadRequest
from radix.imaging.models import Instance, Series, Study
from radix.imaging.store import name_search

STUDY, SERIES, INSTANCE = "study", "series", "instance"
_LEVEL_RANK = {STUDY: 0, SERIES: 1, INSTANCE: 2}

#: results of an unbounded search (all studies, all series…) and the most a caller may ask for
DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000
MAX_VALUE_LENGTH = 1024
MAX_OFFSET = 10**9


@dataclass(frozen=True)
class Key:
    keyword: str
    level: str
    column: Any
    kind: str  # uid / text / pn / date / time / int / modalities

    @property
    def tag(self) -> str:
        return f"{tag_for_keyword(self.keyword):08X}"


KEYS: dict[str, Key] = {k.tag: k for k in (
    Key("StudyInstanceUID", STUDY, Study.study_uid, "uid"),
    Key("PatientName", STUDY, Study.patient_name_search, "pn"),
    Key("PatientID", STUDY, Study.patient_id, "text"),
    Key("AccessionNumber", STUDY, Study.accession_number, "text"),
    Key("StudyDate", STUDY, Study.study_date, "date"),
    Key("StudyTime", STUDY, Study.study_time, "time"),
    Key("ModalitiesInStudy", STUDY, Study.modalities, "modalities"),
    Key("StudyID", STUDY, Study.study_id, "text"),
    Key("StudyDescription", STUDY, Study.description, "text"),
    Key("ReferringPhysicianName", STUDY, Study.referring_physician, "pn-raw"),
    Key("PatientBirthDate", STUDY, Study.patient_birth_date, "date"),
    Key("PatientSex", STUDY, Study.patient_sex, "text"),
    Key("InstitutionName", STUDY, Study.institution_name, "text"),
    Key("SeriesInstanceUID", SERIES, Series.series_uid, "uid"),
    Key("Modality", SERIES, Series.modality, "code"),
    Key("SeriesNumber", SERIES, Series.series_number, "int"),
    Key("SeriesDescription", SERIES, Series.description, "text"),
    Key("BodyPartExamined", SERIES, Series.body_part, "text"),
    Key("SeriesDate", SERIES, Series.series_date, "date"),
    Key("SOPInstanceUID", INSTANCE, Instance.sop_uid, "uid"),
    Key("SOPClassUID", INSTANCE, Instance.sop_class_uid, "uid"),
    Key("InstanceNumber", INSTANCE, Instance.instance_number, "int"),
)}

#: attributes every answer carries at each level (PS3.18 Table 10.6.3-3/4/5), plus what viewers use
DEFAULTS = {
    STUDY: ("SpecificCharacterSet", "StudyDate", "StudyTime", "AccessionNumber", "InstanceAvailability",
            "ModalitiesInStudy", "ReferringPhysicianName", "RetrieveURL", "PatientName", "PatientID",
            "PatientBirthDate", "PatientSex", "StudyInstanceUID", "StudyID", "StudyDescription",
            "NumberOfStudyRelatedSeries", "NumberOfStudyRelatedInstances"),
    SERIES: ("SpecificCharacterSet", "Modality", "SeriesDescription", "SeriesNumber", "SeriesInstanceUID",
             "StudyInstanceUID", "NumberOfSeriesRelatedInstances", "PerformedProcedureStepStartDate",
             "PerformedProcedureStepStartTime", "SeriesDate", "SeriesTime", "BodyPartExamined", "RetrieveURL",
             "InstanceAvailability"),
    INSTANCE: ("SpecificCharacterSet", "SOPClassUID", "SOPInstanceUID", "InstanceAvailability", "RetrieveURL",
               "InstanceNumber", "Rows", "Columns", "BitsAllocated", "NumberOfFrames", "StudyInstanceUID",
               "SeriesInstanceUID"),
}
_DEFAULT_TAGS = {level: {f"{tag_for_keyword(k):08X}" for k in kws} for level, kws in DEFAULTS.items()}
#: present (empty when unknown) in every answer of the level
_REQUIRED = {
    STUDY: ("StudyDate", "StudyTime", "AccessionNumber", "ReferringPhysicianName", "PatientName", "PatientID",
            "PatientBirthDate", "PatientSex", "StudyInstanceUID", "StudyID"),
    SERIES: ("Modality", "SeriesNumber", "SeriesInstanceUID"),
    INSTANCE: ("SOPClassUID", "SOPInstanceUID", "InstanceNumber"),
}

RESERVED = {"limit", "offset", "fuzzymatching", "includefield", "emptyvaluematching", "multiplevaluematching",
            SHARE_PARAM}

T_RETRIEVE_URL = "00081190"
T_AVAILABILITY = "00080056"
T_MODALITIES = "00080061"
T_STUDY_UID = "0020000D"
T_SERIES_UID = "0020000E"


@dataclass
class Query:
    level: str
    conditions: dict[str, list[Any]] = field(default_factory=lambda: {STUDY: [], SERIES: [], INSTANCE: []})
    include: set[str] = field(default_factory=set)
    include_all: bool = False
    limit: int | None = None
    offset: int = 0
    fuzzy: bool = False
    #: query keys that were not used for matching (answered with a Warning header)
    warnings: list[str] = field(default_factory=list)
    #: other things the caller should know (a limit lowered, more results than returned)
    notes: list[str] = field(default_factory=list)
    limit_given: bool = False


# --- parsing ---------------------------------------------------------------------------------------


def resolve_tag(name: str) -> str | None:
    """A keyword or an 8-hex tag → ``GGGGEEEE``; None when it names no attribute."""
    name = name.strip()
    if re.fullmatch(r"[0-9A-Fa-f]{8}", name):
        return name.upper()
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name):
        tag = tag_for_keyword(name)
        if tag is not None:
            return f"{tag:08X}"
    return None


def _int(name: str, value: str, *, maximum: int) -> int:
    if not re.fullmatch(r"\+?\d{1,12}", value.strip()):
        raise BadRequest(f"参数 {name} 应为非负整数", code="BAD_QUERY")
    number = int(value)
    if number > maximum:
        raise BadRequest(f"参数 {name} 超出允许的范围（最大 {maximum}）", code="BAD_QUERY")
    return number


def parse(params: list[tuple[str, str]], level: str, *, bounded: bool) -> Query:
    """Read the query string. ``bounded``: the search is already inside one study or series."""
    query = Query(level=level)
    raw_limit = None
    for name, value in params:
        lname = name.lower()
        if lname in RESERVED:
            if lname == "limit":
                raw_limit = value
            elif lname == "offset":
                query.offset = _int("offset", value, maximum=MAX_OFFSET)
            elif lname == "fuzzymatching":
                if value.strip().lower() not in ("true", "false"):
                    raise BadRequest("参数 fuzzymatching 只能是 true 或 false", code="BAD_QUERY")
                query.fuzzy = value.strip().lower() == "true"
            elif lname == "includefield":
                _includefield(query, value)
            continue
        tag = resolve_tag(name)
        if tag is None:
            query.warnings.append(name)
            continue
        if len(value) > MAX_VALUE_LENGTH:
            raise BadRequest(f"参数 {name} 的值过长", code="BAD_QUERY")
        key = KEYS.get(tag)
        if key is None:
            query.warnings.append(name)
            if value == "":
                query.include.add(tag)
            continue
        if _LEVEL_RANK[key.level] > _LEVEL_RANK[level] and value == "":
            continue
        query.include.add(tag)
        if value == "" or value == "*":
            continue  # universal matching: return the attribute, match everything
        query.conditions[key.level].append((key, value))
    if raw_limit is not None:
        limit = _int("limit", raw_limit, maximum=10**12)
        if limit > MAX_LIMIT:
            query.notes.append(f"The limit was lowered to the maximum of {MAX_LIMIT}")
            limit = MAX_LIMIT
        query.limit = limit
        query.limit_given = True
    elif not bounded:
        query.limit = DEFAULT_LIMIT
    return query


def _includefield(query: Query, value: str) -> None:
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        if item.lower() == "all":
            query.include_all = True
            continue
        tag = resolve_tag(item)
        if tag is None:
            raise BadRequest(f"includefield 中的属性 {item[:64]} 不是有效的 DICOM 关键字或标签",
                             code="BAD_QUERY")
        query.include.add(tag)


# --- matching --------------------------------------------------------------------------------------


def _values(value: str, *, comma: bool = True) -> list[str]:
    parts = re.split(r"[\\,]" if comma else r"\\", value)
    return [p.strip() for p in parts if p.strip()]


def _wildcard(value: str) -> str:
    return escape_like(value).replace("*", "%").replace("?", "_")


def _has_wildcard(value: str) -> bool:
    return "*" in value or "?" in value


_UID = re.compile(r"[0-9]+(\.[0-9]+)*")


def _date(text: str, name: str) -> str:
    if not re.fullmatch(r"\d{8}", text):
        raise BadRequest(f"{name} 的日期 {text[:20]} 格式不正确，应为 YYYYMMDD", code="BAD_DATE")
    try:
        dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise BadRequest(f"{name} 的日期 {text} 不存在", code="BAD_DATE") from None
    return text


_TIME = re.compile(r"(\d{2})(\d{2})?(\d{2})?(\.\d{1,6})?")


def _time(text: str, name: str) -> str:
    text = text.replace(":", "")
    m = _TIME.fullmatch(text)
    if not m or (m.group(4) and not m.group(3)):
        raise BadRequest(f"{name} 的时间 {text[:20]} 格式不正确，应为 HHMMSS", code="BAD_TIME")
    hh, mm, ss = int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)
    if hh > 23 or mm > 59 or ss > 60:
        raise BadRequest(f"{name} 的时间 {text} 不存在", code="BAD_TIME")
    return text


def _range(value: str, name: str, parse_one: Any) -> tuple[str | None, str | None]:
    if value.count("-") > 1:
        raise BadRequest(f"{name} 的范围 {value[:40]} 格式不正确", code="BAD_QUERY")
    if "-" not in value:
        one = parse_one(value.strip(), name)
        return one, one
    low, high = (p.strip() for p in value.split("-"))
    if not low and not high:
        raise BadRequest(f"{name} 的范围不能两端都为空", code="BAD_QUERY")
    low = parse_one(low, name) if low else None
    high = parse_one(high, name) if high else None
    if low and high and low > high:
        raise BadRequest(f"{name} 的范围起点晚于终点", code="BAD_QUERY")
    return low, high


def _prefix(pattern: str) -> str | None:
    """``abc*`` → ``abc``: a pattern that only fixes a prefix (None for any other pattern)."""
    head = pattern[:-1]
    if pattern.endswith("*") and head and not _has_wildcard(head) and ord(head[-1]) < 0x10FFFF:
        return head
    return None


def condition(key: Key, value: str, *, fuzzy: bool, prefix_ranges: bool = False) -> Any:
    """The WHERE clause of one query key. ``prefix_ranges``: the database compares strings by code
    point (SQLite's BINARY), so ``abc*`` may also be bounded as ``abc <= x < abd``, a range its index
    on the column serves (SQLite's LIKE, case-insensitive, cannot use that index)."""
    col = key.column
    name = key.keyword
    if key.kind == "uid":
        uids = _values(value)
        if not uids or len(uids) > 1000 or any(len(u) > 64 or not _UID.fullmatch(u) for u in uids):
            raise BadRequest(f"{name} 的值不是有效的 UID 列表", code="BAD_UID")
        return col.in_(uids)
    if key.kind == "date":
        low, high = _range(value, name, _date)
        if low == high:
            return col == low
        return sa.and_(*([col >= low] if low else []), *([col <= high] if high else []))
    if key.kind == "time":
        low, high = _range(value, name, _time)
        conds = []
        if low:
            conds.append(col >= low)
        if high:
            # a bound of lower precision covers the whole minute/second it names
            conds.append(col <= high + "999999.999999"[len(high):] if "." not in high else col <= high + "9")
        return sa.and_(*conds)
    if key.kind == "int":
        items = _values(value)
        if not items or any(not re.fullmatch(r"[+-]?\d{1,9}", i) for i in items):
            raise BadRequest(f"{name} 的值应为整数", code="BAD_QUERY")
        return col.in_([int(i) for i in items])
    if key.kind in ("modalities", "code"):
        codes = [c.upper() for c in _values(value)]
        if not codes or any(not re.fullmatch(r"[A-Z0-9_ *?]{1,16}", c) for c in codes):
            raise BadRequest(f"{name} 的值不是有效的设备类型代码", code="BAD_QUERY")
        if key.kind == "modalities":
            # the stored value is "\\CT\\PT\\": its backslashes are escaped in the pattern too
            return sa.or_(*[col.like(f"%\\\\{_wildcard(c)}\\\\%", escape="\\") for c in codes])
        exact = [c for c in codes if not _has_wildcard(c)]
        conds = [col.in_(exact)] if exact else []
        conds += [col.like(_wildcard(c), escape="\\") for c in codes if _has_wildcard(c)]
        return sa.or_(*conds)
    if key.kind == "pn":
        text = name_search(value.replace("*", "\x01").replace("?", "\x02")) or ""
        text = text.replace("\x01", "*").replace("\x02", "?")
        if not text:
            return sa.true()
        if fuzzy:
            return col.like(f"%{_wildcard(text)}%", escape="\\")
        if _has_wildcard(text):
            like = col.like(_wildcard(text), escape="\\")
            head = _prefix(text) if prefix_ranges else None
            if head is None:
                return like
            return sa.and_(col >= head, col < head[:-1] + chr(ord(head[-1]) + 1), like)
        return col == text
    if key.kind == "pn-raw":
        text = value.strip().lower()
        pattern = f"%{_wildcard(text)}%" if fuzzy else _wildcard(text)
        return sa.func.lower(col).like(pattern, escape="\\")
    # text: single value, list (\), wildcards (case-insensitive, the same on every database)
    items = _values(value, comma=False) or [value]
    conds = []
    for item in items:
        if _has_wildcard(item):
            conds.append(sa.func.lower(col).like(_wildcard(item.lower()), escape="\\"))
        else:
            conds.append(col == item)
    return sa.or_(*conds)


def _where(query: Query, level: str, prefix_ranges: bool) -> list[Any]:
    return [condition(key, value, fuzzy=query.fuzzy, prefix_ranges=prefix_ranges)
            for key, value in query.conditions[level]]


def statement(query: Query, access: Access, *, study: Study | None = None,
              series: Series | None = None) -> sa.Select:
    """The SELECT for the query level, with every condition, the share limit and the path's parents."""
    ranges = access.session.get_bind().dialect.name == "sqlite"
    study_conds = _where(query, STUDY, ranges)
    series_conds = _where(query, SERIES, ranges)
    instance_conds = _where(query, INSTANCE, ranges)
    if access.study_uid is not None:
        study_conds.append(Study.study_uid == access.study_uid)
    if study is not None:
        study_conds.append(Study.id == study.id)
    if series is not None:
        series_conds.append(Series.id == series.id)

    if query.level == STUDY:
        stmt = sa.select(Study).where(*study_conds)
        if series_conds:
            stmt = stmt.where(sa.exists(
                sa.select(Series.id).where(Series.study_ref == Study.id, *series_conds)))
        if instance_conds:
            stmt = stmt.where(sa.exists(
                sa.select(Instance.id).where(Instance.study_ref == Study.id, *instance_conds)))
        return stmt.order_by(Study.study_date.is_(None), Study.study_date.desc(), Study.study_time.is_(None),
                             Study.study_time.desc(), Study.id.desc())
    if query.level == SERIES:
        stmt = (sa.select(Series, Study).join(Study, Series.study_ref == Study.id)
                .where(*study_conds, *series_conds))
        if instance_conds:
            stmt = stmt.where(sa.exists(
                sa.select(Instance.id).where(Instance.series_ref == Series.id, *instance_conds)))
        return stmt.order_by(Study.id.desc(), Series.series_number.is_(None), Series.series_number, Series.id)
    stmt = (sa.select(Instance, Series, Study).join(Series, Instance.series_ref == Series.id)
            .join(Study, Instance.study_ref == Study.id).where(*study_conds, *series_conds, *instance_conds))
    return stmt.order_by(Study.id.desc(), Series.series_number.is_(None), Series.series_number, Series.id,
                         Instance.instance_number.is_(None), Instance.instance_number, Instance.id)


# --- answers ---------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _vr(tag: str) -> str:
    try:
        vr = dictionary_VR(int(tag, 16))
    except KeyError:
        return "UN"
    return vr.split(" or ")[0] if vr else "UN"


#: (tag, VR) of the attributes present in every answer of a level
_REQUIRED_TAGS = {level: tuple((f"{tag_for_keyword(k):08X}", _vr(f"{tag_for_keyword(k):08X}")) for k in kws)
                  for level, kws in _REQUIRED.items()}


def _load(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


class Raw(str):
    """An attribute value already serialized as DICOM JSON (written into the answer as it is)."""

    __slots__ = ()


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


#: kept ``attributes`` text → its attributes as (tag, serialized value), per process
_FRAGMENTS: dict[str, dict[str, Raw]] = {}
_FRAGMENTS_MAX = 20_000


def _fragments(text: str | None) -> dict[str, Raw]:
    """A study's or series' kept attributes, each value serialized once. The text itself is the key,
    so a row whose attributes change (a correction, a merge) simply misses and is read again."""
    if not text:
        return {}
    hit = _FRAGMENTS.get(text)
    if hit is None:
        hit = {tag: Raw(_dumps(value)) for tag, value in _load(text).items()}
        if len(_FRAGMENTS) >= _FRAGMENTS_MAX:
            _FRAGMENTS.clear()
        _FRAGMENTS[text] = hit
    return dict(hit)


_AVAILABLE = Raw('{"vr":"CS","Value":["ONLINE"]}')


def _string_value(vr: str, value: str) -> Raw:
    return Raw(f'{{"vr":"{vr}","Value":[{encode_basestring(value)}]}}')


def _count(value: int) -> Raw:
    return Raw(f'{{"vr":"IS","Value":[{int(value or 0)}]}}')


def study_attributes(study: Any, access: Access) -> dict[str, Any]:
    """``study``: a Study or a row with its id, study_uid, attributes, modalities and counts."""
    data: dict[str, Any] = _fragments(study.attributes)
    data[T_MODALITIES] = Raw(_modalities_value(study.modalities))
    data["00201206"] = _count(study.num_series)
    data["00201208"] = _count(study.num_instances)
    data[T_AVAILABILITY] = _AVAILABLE
    data[T_RETRIEVE_URL] = _string_value("UR", access.study_url(study.study_uid))
    data.setdefault(T_STUDY_UID, _string_value("UI", study.study_uid))
    return data


def series_attributes(series: Series, study: Study, access: Access) -> dict[str, Any]:
    data: dict[str, Any] = _fragments(series.attributes)
    data[T_STUDY_UID] = _string_value("UI", study.study_uid)
    data.setdefault(T_SERIES_UID, _string_value("UI", series.series_uid))
    data["00201209"] = _count(series.num_instances)
    data[T_AVAILABILITY] = _AVAILABLE
    data[T_RETRIEVE_URL] = _string_value("UR", access.series_url(study.study_uid, series.series_uid))
    return data


def instance_attributes(instance: Instance, series: Series, study: Study, access: Access) -> dict[str, Any]:
    from radix.imaging.dicomweb.wado import resolve_bulk_uris

    data = _load(resolve_bulk_uris(instance.metadata_json, access))
    data[T_STUDY_UID] = {"vr": "UI", "Value": [study.study_uid]}
    data[T_SERIES_UID] = {"vr": "UI", "Value": [series.series_uid]}
    data[T_AVAILABILITY] = {"vr": "CS", "Value": ["ONLINE"]}
    data[T_RETRIEVE_URL] = {"vr": "UR", "Value": [access.instance_url(study.study_uid, series.series_uid,
                                                                           instance.sop_uid)]}
    return data


#: ``{"vr":"XX"}`` of the attributes present in every answer of a level
_REQUIRED_EMPTY = {level: tuple((tag, Raw(_dumps({"vr": vr}))) for tag, vr in tags)
                   for level, tags in _REQUIRED_TAGS.items()}


def _select(data: dict[str, Any], level: str, wanted: set[str] | None) -> dict[str, Any]:
    """The attributes the answer carries: ``wanted`` (None: all of them), then the required ones."""
    out = dict(data) if wanted is None else {tag: value for tag, value in data.items() if tag in wanted}
    for tag, empty in _REQUIRED_EMPTY[level]:
        if tag not in out:
            out[tag] = empty
    return out


def encode(data: dict[str, Any]) -> str:
    """One DICOM JSON object, its attributes in tag order."""
    return "{" + ",".join(f'"{tag}":{value if type(value) is Raw else _dumps(value)}'
                          for tag, value in sorted(data.items())) + "}"


#: what differs between two studies whose kept attributes are the same text
_STUDY_SLOTS = (T_AVAILABILITY, T_MODALITIES, T_RETRIEVE_URL, "00201206", "00201208", T_STUDY_UID)
#: (attributes text, wanted tags) → the answer's text as a %-format with a ``%s`` per slot, and which of
#: ``_STUDY_SLOTS`` fills each ``%s`` in turn
_TEMPLATES: dict[tuple[str | None, frozenset[str] | None], tuple[str, tuple[int, ...]]] = {}


def _study_template(text: str | None, wanted: frozenset[str] | None) -> tuple[str, tuple[int, ...]]:
    key = (text, wanted)
    hit = _TEMPLATES.get(key)
    if hit is not None:
        return hit
    data: dict[str, Any] = _fragments(text)
    slots = {tag: n for n, tag in enumerate(_STUDY_SLOTS) if tag != T_STUDY_UID or tag not in data}
    data.update(dict.fromkeys(slots, Raw("")))
    pieces: list[str] = []
    order: list[int] = []
    for tag, value in sorted(_select(data, STUDY, wanted).items()):
        if tag in slots:
            pieces.append(f'"{tag}":%s')
            order.append(slots[tag])
        else:
            pieces.append(f'"{tag}":' + (value if type(value) is Raw else _dumps(value)).replace("%", "%%"))
    if len(_TEMPLATES) >= _FRAGMENTS_MAX:
        _TEMPLATES.clear()
    _TEMPLATES[key] = hit = ("{" + ",".join(pieces) + "}", tuple(order))
    return hit


@functools.lru_cache(maxsize=1024)
def _modalities_value(stored: str | None) -> str:
    """ModalitiesInStudy's DICOM JSON from the index's ``\\CT\\PT\\``."""
    modalities = [m for m in (stored or "").split("\\") if m]
    if not modalities:
        return '{"vr":"CS"}'
    return '{"vr":"CS","Value":[' + ",".join(map(encode_basestring, modalities)) + "]}"


def _study_answers(studies: list[Any], access: Access, wanted: frozenset[str] | None) -> list[str]:
    """What :func:`study_attributes` and :func:`_select` make of each study row, from its template: the
    template is a %-format, so a study costs one formatting (a page of 100 studies is most of a query's
    answer time)."""
    base, suffix = access.base + "/studies/", access.url_suffix()  # as access.study_url makes it
    out = []
    for study in studies:
        fmt, order = _study_template(study.attributes, wanted)
        uid = study.study_uid
        values = (_AVAILABLE, _modalities_value(study.modalities), _string_value("UR", base + uid + suffix),
                  _count(study.num_series), _count(study.num_instances), _string_value("UI", uid))
        out.append(fmt % tuple([values[n] for n in order]))
    return out


def _first_instances(access: Access, column: Any, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The first instance's attributes per study or series (for includefield beyond the index)."""
    if not ids:
        return {}
    first = (sa.select(sa.func.min(Instance.id)).where(column.in_(ids)).group_by(column)).scalar_subquery()
    rows = access.session.execute(
        sa.select(column, Instance.metadata_json).where(Instance.id.in_(first))).all()
    return {ref: _load(meta) for ref, meta in rows}


def _extra_tags(query: Query, level: str) -> set[str]:
    return {t for t in query.include if t not in _DEFAULT_TAGS[level]}


def run(query: Query, access: Access, *, study: Study | None = None,
        series: Series | None = None) -> list[str]:
    """The matches, each as the text of one DICOM JSON object (join them into the answer's array)."""
    stmt = statement(query, access, study=study, series=series)
    if query.offset:
        stmt = stmt.offset(query.offset)
    if query.limit is not None:
        stmt = stmt.limit(query.limit)
    session = access.session
    answers: list[list[tuple[str, dict[str, Any]]]] = []
    if query.level == STUDY:
        # only what the answer needs, as rows: no ORM objects for a page of studies
        studies = session.execute(stmt.with_only_columns(
            Study.id, Study.study_uid, Study.attributes, Study.modalities, Study.num_series, Study.num_instances,
        )).all()
        extra = _extra_tags(query, STUDY)
        if not extra:
            wanted_key = None if query.include_all else frozenset(_DEFAULT_TAGS[STUDY] | query.include)
            return _study_answers(studies, access, wanted_key)
        firsts = _first_instances(access, Instance.study_ref, [s.id for s in studies])
        for st in studies:
            answers.append([(STUDY, _with_extra(study_attributes(st, access), extra, firsts.get(st.id)))])
    elif query.level == SERIES:
        rows = session.execute(stmt).all()
        extra = _extra_tags(query, SERIES)
        firsts = _first_instances(access, Instance.series_ref, [se.id for se, _ in rows]) if extra else {}
        for se, st in rows:
            parts = [] if study is not None else [(STUDY, study_attributes(st, access))]
            parts.append((SERIES, _with_extra(series_attributes(se, st, access), extra, firsts.get(se.id))))
            answers.append(parts)
    else:
        for inst, se, st in session.execute(stmt).all():
            parts = [] if study is not None else [(STUDY, study_attributes(st, access))]
            if series is None:
                parts.append((SERIES, series_attributes(se, st, access)))
            parts.append((INSTANCE, instance_attributes(inst, se, st, access)))
            answers.append(parts)
    wanted = {level: None if query.include_all else _DEFAULT_TAGS[level] | query.include
              for level in (STUDY, SERIES, INSTANCE)}
    results = []
    for parts in answers:
        if len(parts) == 1:
            level, data = parts[0]
            results.append(encode(_select(data, level, wanted[level])))
            continue
        merged: dict[str, Any] = {}
        for level, data in parts:  # upper levels first: the lower level's RetrieveURL wins
            merged.update(_select(data, level, wanted[level]))
        results.append(encode(merged))
    return results


def body(results: list[str]) -> bytes:
    """The answer's JSON array."""
    return ("[" + ",".join(results) + "]").encode("utf-8")


def _with_extra(data: dict[str, Any], extra: set[str], first: dict[str, Any] | None) -> dict[str, Any]:
    if first:
        for tag in extra:
            if tag not in data and tag in first:
                data[tag] = first[tag]
    return data


def warning_header(query: Query, returned: int) -> dict[str, str]:
    """PS3.18 8.3.4.6: Warning 299 for ignored keys, a lowered limit, and more matches than returned."""
    notes = list(query.notes)
    if query.warnings:
        names = ", ".join(w.replace('"', "") for w in query.warnings if w.isascii() and w.isprintable())[:500]
        notes.append(f"The following query parameters were not used for matching: {names}")
    if query.limit is not None and returned >= query.limit and (not query.limit_given or query.notes):
        notes.append("There are more results that match the query")
    if not notes:
        return {}
    return {"Warning": ", ".join(f'299 Radix "{n}"' for n in notes)}


def keyword(tag: str) -> str:
    try:
        return keyword_for_tag(int(tag, 16)) or tag
    except ValueError:
        return tag
