"""Patient identity (manual 3 §2.3.1): the same person is one patient — by resident ID number first
(GB 11643 check digit validated), else by hospital patient ID, else by visit number."""

from __future__ import annotations

import sqlalchemy as sa
from pydicom.dataset import Dataset
from sqlalchemy.orm import Session

from radix.core import idnumber
from radix.imaging.models import Patient


def _text(ds: Dataset, keyword: str, limit: int) -> str | None:
    value = ds.get(keyword)
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        value = "\\".join(str(v) for v in value) if hasattr(value, "__iter__") else str(value)
    return str(value).strip()[:limit] or None


def id_number_of(ds: Dataset) -> str | None:
    """A valid resident ID number carried by the dataset (PatientID itself, or OtherPatientIDs)."""
    candidates = [ds.get("PatientID")]
    other = ds.get("OtherPatientIDs")
    if other:
        candidates.extend(other if isinstance(other, (list, tuple)) or hasattr(other, "__iter__") and not isinstance(other, str) else [other])
    seq = ds.get("OtherPatientIDsSequence")
    if seq:
        candidates.extend(item.get("PatientID") for item in seq)
    for c in candidates:
        text = idnumber.normalize(str(c)) if c else None
        if text and idnumber.is_valid(text):
            return text
    return None


def resolve(s: Session, ds: Dataset, tenant_id: int) -> Patient:
    from radix.imaging.store import name_search

    patient_id = _text(ds, "PatientID", 64) or "UNKNOWN"
    patient = s.scalar(sa.select(Patient).where(Patient.tenant_id == tenant_id, Patient.patient_id == patient_id))
    if patient is None:
        name = _text(ds, "PatientName", 200)
        patient = Patient(
            tenant_id=tenant_id,
            patient_id=patient_id,
            name=name,
            name_search=name_search(name),
            birth_date=_text(ds, "PatientBirthDate", 8),
            sex=_text(ds, "PatientSex", 16),
            id_number=id_number_of(ds),
            visit_number=_text(ds, "AdmissionID", 64),
        )
        s.add(patient)
        s.flush()
    return patient
