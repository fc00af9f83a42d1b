"""Patient identity (manual 3 §2.3.1): the same person is one patient of a tenant.

At ingest a dataset joins, in this order:
1. the patient with its resident ID number (GB 11643, check digit and birth date validated; carried
   in PatientID, OtherPatientIDs or OtherPatientIDsSequence) — even under another hospital patient ID,
   which is then kept as an alias; a separate patient already filed under that hospital ID (with no
   or the same ID number) is merged into it automatically;
2. else the patient with its hospital patient ID (or an alias of it);
3. else the patient with its visit number (AdmissionID, or an alias of it);
4. else a new patient.
Invalid ID numbers are ignored. Every merge is recorded with the studies it moved and can be undone.
"""

from __future__ import annotations

import hashlib
from typing import Any

import sqlalchemy as sa
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue
from sqlalchemy.orm import Session

from radix.core import idnumber
from radix.core.db import utcnow
from radix.core.errors import Conflict, Invalid
from radix.core.tenancy import get_scope
from radix.imaging.identity.models import AliasKind, MergeReason, PatientAlias, PatientMerge
from radix.imaging.models import Patient, Study


def _text(ds: Dataset, keyword: str, limit: int) -> str | None:
    try:
        value = ds.get(keyword)
    except Exception:  # a malformed element must not stop the ingest
        return None
    if value in (None, ""):
        return None
    if isinstance(value, (MultiValue, list, tuple)):
        value = "\\".join(str(v) for v in value)
    return str(value).replace("\x00", "").strip()[:limit] or None


def _values(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, (str, bytes)):
        return [value.decode("ascii", "ignore") if isinstance(value, bytes) else value]
    if isinstance(value, (MultiValue, list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def id_number_of(ds: Dataset) -> str | None:
    """The first valid resident ID number the dataset carries (PatientID, OtherPatientIDs, then
    OtherPatientIDsSequence), upper-cased; None when there is none."""
    candidates: list[str] = []
    for keyword in ("PatientID", "OtherPatientIDs"):
        try:
            candidates.extend(_values(ds.get(keyword)))
        except Exception:
            continue
    try:
        seq = ds.get("OtherPatientIDsSequence") or []
        candidates.extend(v for item in seq for v in _values(item.get("PatientID")))
    except Exception:
        pass
    for c in candidates:
        text = idnumber.normalize(c)
        if text and idnumber.is_valid(text):
            return text
    return None


# --- lookups ---------------------------------------------------------------------------------------


def surviving(s: Session, patient: Patient) -> Patient:
    """The patient a (possibly merged) patient now lives on."""
    seen = {patient.id}
    while patient.merged_into_id is not None:
        nxt = s.get(Patient, patient.merged_into_id)
        if nxt is None or nxt.id in seen:
            break
        seen.add(nxt.id)
        patient = nxt
    return patient


def _by_alias(s: Session, tenant_id: int, kind: AliasKind, value: str) -> Patient | None:
    ref = s.scalar(sa.select(PatientAlias.patient_ref).where(
        PatientAlias.tenant_id == tenant_id, PatientAlias.kind == kind, PatientAlias.value == value))
    return s.get(Patient, ref) if ref is not None else None


def _by_patient_id(s: Session, tenant_id: int, patient_id: str) -> Patient | None:
    """The patient filed under this hospital patient ID, as the row itself (not its survivor)."""
    found = s.scalar(sa.select(Patient).where(Patient.tenant_id == tenant_id, Patient.patient_id == patient_id))
    return found or _by_alias(s, tenant_id, AliasKind.PATIENT_ID, patient_id)


def _by_id_number(s: Session, tenant_id: int, number: str) -> Patient | None:
    found = s.scalars(sa.select(Patient).where(Patient.tenant_id == tenant_id, Patient.id_number == number)
                      .order_by(Patient.merged_into_id.is_not(None), Patient.id).limit(1)).first()
    return surviving(s, found) if found is not None else None


def _by_visit(s: Session, tenant_id: int, visit: str) -> Patient | None:
    found = s.scalars(sa.select(Patient).where(Patient.tenant_id == tenant_id, Patient.visit_number == visit)
                      .order_by(Patient.id).limit(1)).first()
    found = found or _by_alias(s, tenant_id, AliasKind.VISIT_NUMBER, visit)
    return surviving(s, found) if found is not None else None


def _add_alias(s: Session, patient: Patient, kind: AliasKind, value: str | None) -> None:
    if not value:
        return
    if kind == AliasKind.PATIENT_ID and value == patient.patient_id:
        return
    if kind == AliasKind.VISIT_NUMBER and value == patient.visit_number:
        return
    exists = s.scalar(sa.select(PatientAlias.id).where(
        PatientAlias.tenant_id == patient.tenant_id, PatientAlias.kind == kind, PatientAlias.value == value))
    if exists is None:
        s.add(PatientAlias(tenant_id=patient.tenant_id, patient_ref=patient.id, kind=kind, value=value))
        s.flush()


def _separated(s: Session, source: Patient, into: Patient) -> bool:
    """A user undid a merge of these two: do not merge them again automatically."""
    return s.scalar(sa.select(PatientMerge.id).where(
        PatientMerge.from_ref == source.id, PatientMerge.into_ref == into.id, PatientMerge.undone_at.is_not(None)
    ).limit(1)) is not None


# --- resolve (called by ingest for every instance) -------------------------------------------------


def resolve(s: Session, ds: Dataset, tenant_id: int) -> Patient:
    from radix.imaging.store import name_search

    pid = _text(ds, "PatientID", 64)
    number = id_number_of(ds)
    visit = _text(ds, "AdmissionID", 64)
    by_pid = _by_patient_id(s, tenant_id, pid) if pid else None
    target: Patient | None = None

    if number:
        by_number = _by_id_number(s, tenant_id, number)
        if by_number is not None:
            target = by_number
            if by_pid is None:
                _add_alias(s, target, AliasKind.PATIENT_ID, pid)
            else:
                other = surviving(s, by_pid)
                if other.id != target.id and other.id_number in (None, number) and not _separated(s, other, target):
                    merge(s, source=other, into=target, reason=MergeReason.AUTO,
                          remark=f"身份证号一致（患者号 {other.patient_id} → {target.patient_id}）")
        elif by_pid is not None:
            candidate = surviving(s, by_pid)
            if candidate.id_number in (None, number):
                target = candidate
            else:  # the same hospital ID on someone with another ID number: the ID number decides
                found = _by_patient_id(s, tenant_id, number)
                target = surviving(s, found) if found is not None else None
                pid = number
    elif by_pid is not None:
        target = surviving(s, by_pid)
    elif visit:
        target = _by_visit(s, tenant_id, visit)
        if target is not None:
            _add_alias(s, target, AliasKind.PATIENT_ID, pid)

    name = _text(ds, "PatientName", 200)
    if target is None:
        key = pid or number or (f"ADM-{visit}"[:64] if visit else None)
        if key is None:  # nothing identifies the person: one patient per study, never a shared "unknown"
            study = _text(ds, "StudyInstanceUID", 64) or ""
            key = "UNKNOWN-" + hashlib.sha1(study.encode()).hexdigest()[:16]
        existing = _by_patient_id(s, tenant_id, key)
        if existing is not None:  # the study's earlier instances already made this patient
            return surviving(s, existing)
        target = Patient(
            tenant_id=tenant_id,
            patient_id=key,
            name=name,
            name_search=name_search(name),
            birth_date=_text(ds, "PatientBirthDate", 8),
            sex=_text(ds, "PatientSex", 16),
            id_number=number,
            visit_number=visit,
        )
        s.add(target)
        s.flush()
        return target

    # complete what the patient record lacks; never overwrite what it already says
    if number and target.id_number is None:
        target.id_number = number
    if visit:
        if target.visit_number is None:
            target.visit_number = visit
        else:
            _add_alias(s, target, AliasKind.VISIT_NUMBER, visit)
    if name and not target.name:
        target.name = name
        target.name_search = name_search(name)
    if not target.birth_date:
        target.birth_date = _text(ds, "PatientBirthDate", 8)
    if not target.sex:
        target.sex = _text(ds, "PatientSex", 16)
    s.flush()
    return target


# --- merge and unmerge -----------------------------------------------------------------------------


def merge(s: Session, *, source: Patient, into: Patient, reason: MergeReason, remark: str | None = None) -> PatientMerge:
    """Move every study of ``source`` to ``into`` and mark ``source`` merged; recorded for undoing."""
    if source.id == into.id:
        raise Invalid.field("intoId", "不能把患者合并到自身", code="MERGE_SELF")
    if source.tenant_id != into.tenant_id:
        raise Invalid.field("intoId", "只能合并同一机构的患者", code="MERGE_CROSS_TENANT")
    if source.merged_into_id is not None:
        raise Conflict("该患者已被合并到其他患者", code="ALREADY_MERGED")
    if into.merged_into_id is not None:
        raise Invalid.field("intoId", "目标患者已被合并，请选择合并后的患者", code="MERGE_TARGET_MERGED")
    study_ids = list(s.scalars(sa.select(Study.id).where(Study.patient_ref == source.id).order_by(Study.id)))
    for start in range(0, len(study_ids), 500):
        chunk = study_ids[start:start + 500]
        s.execute(sa.update(Study).where(Study.id.in_(chunk)).values(patient_ref=into.id)
                  .execution_options(synchronize_session="fetch"))
    source.merged_into_id = into.id
    record = PatientMerge(tenant_id=source.tenant_id, from_ref=source.id, into_ref=into.id, reason=reason,
                          remark=(remark or None) and remark[:500], study_ids=study_ids)
    s.add(record)
    s.flush()
    return record


def unmerge(s: Session, patient: Patient) -> PatientMerge:
    """Undo the latest merge of ``patient``: exactly the studies that moved come back to it."""
    if patient.merged_into_id is None:
        raise Conflict("该患者未被合并，无需撤销", code="NOT_MERGED")
    record = s.scalars(sa.select(PatientMerge).where(
        PatientMerge.from_ref == patient.id, PatientMerge.undone_at.is_(None)).order_by(PatientMerge.id.desc()).limit(1)).first()
    if record is None:
        raise Conflict("找不到该患者的合并记录，无法撤销", code="MERGE_NOT_FOUND")
    into = s.get(Patient, record.into_ref)
    if into is not None and into.merged_into_id is not None:
        raise Conflict("合并后的患者又被合并到了其他患者，请先撤销那次合并", code="MERGE_CHAIN")
    ids = [int(i) for i in record.study_ids or []]
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        s.execute(sa.update(Study).where(Study.id.in_(chunk), Study.patient_ref == record.into_ref)
                  .values(patient_ref=patient.id).execution_options(synchronize_session="fetch"))
    patient.merged_into_id = None
    record.undone_at = utcnow()
    record.undone_by = get_scope(s).actor
    s.flush()
    return record


def history(s: Session, patient: Patient) -> list[dict[str, Any]]:
    """Every merge the patient took part in (either side), newest first."""
    records = list(s.scalars(sa.select(PatientMerge).where(
        sa.or_(PatientMerge.from_ref == patient.id, PatientMerge.into_ref == patient.id)
    ).order_by(PatientMerge.created_at.desc(), PatientMerge.id.desc())))
    ids = {r.from_ref for r in records} | {r.into_ref for r in records}
    people = {p.id: p for p in s.scalars(sa.select(Patient).where(Patient.id.in_(ids)))} if ids else {}
    return [describe(r, people) for r in records]


def describe(record: PatientMerge, people: dict[int, Patient]) -> dict[str, Any]:
    src, dst = people.get(record.from_ref), people.get(record.into_ref)
    return {
        "id": record.id,
        "from_id": record.from_ref,
        "from_patient_id": src.patient_id if src else None,
        "from_name": src.name if src else None,
        "into_id": record.into_ref,
        "into_patient_id": dst.patient_id if dst else None,
        "into_name": dst.name if dst else None,
        "reason": record.reason,
        "remark": record.remark,
        "study_count": len(record.study_ids or []),
        "study_ids": list(record.study_ids or []),
        "created_by": record.created_by,
        "created_at": record.created_at,
        "undone_at": record.undone_at,
        "undone_by": record.undone_by,
    }


def aliases(s: Session, patient: Patient) -> list[PatientAlias]:
    return list(s.scalars(sa.select(PatientAlias).where(PatientAlias.patient_ref == patient.id).order_by(PatientAlias.id)))
