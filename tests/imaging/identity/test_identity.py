"""Patient identity (manual 3 §2.3.1): resident ID number first, then hospital patient ID, then visit
number; invalid ID numbers ignored; merges recorded, automatic or by hand, and reversible."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from pydicom.dataset import Dataset

from radix.imaging import store, synth
from radix.imaging.identity import id_number_of
from radix.imaging.identity.models import AliasKind, MergeReason, PatientAlias, PatientMerge
from radix.imaging.models import Patient, Study
from tests.conftest import system_session

BIRTH = dt.date(1980, 5, 17)


def _id(seq: int) -> str:
    return synth.id_number("330106", BIRTH, seq)


def _ingest(tenant, key: str, *, pid: str | None, id_number: str | None = None, visit: str | None = None,
            other_ids: str | None = None) -> str:
    person = synth.Person("Wang", "Wu", "王", "五", "M", BIRTH, pid or "", id_number=id_number, visit_number=visit)
    raw = synth.sample(tenant["code"], key, person=person, slices=1, size=16)[0]
    if other_ids is not None or pid is None:
        import io

        import pydicom

        ds = pydicom.dcmread(io.BytesIO(raw))
        if other_ids is not None:
            ds.OtherPatientIDs = other_ids
        if pid is None:
            del ds.PatientID
        raw = synth.encode(ds)
    result = store.ingest(raw, store.Arrival(tenant_id=tenant["id"], source="test"))
    assert result.ok, result.message
    return result.study_uid


def _patient_of(tenant, study_uid: str) -> Patient:
    with system_session() as s:
        study = s.scalar(sa.select(Study).where(Study.tenant_id == tenant["id"], Study.study_uid == study_uid))
        return s.get(Patient, study.patient_ref)


@pytest.fixture()
def tenant(new_tenant):
    return new_tenant()


def test_the_same_id_number_under_another_hospital_id_joins_and_keeps_the_alias(tenant):
    t, _ = tenant
    first = _patient_of(t, _ingest(t, "s1", pid="H001", id_number=_id(101)))
    second = _patient_of(t, _ingest(t, "s2", pid="JZ009", id_number=_id(101)))
    assert first.id == second.id and first.id_number == _id(101)
    with system_session() as s:
        aliases = list(s.scalars(sa.select(PatientAlias).where(PatientAlias.patient_ref == first.id)))
        assert [(a.kind, a.value) for a in aliases] == [(AliasKind.PATIENT_ID, "JZ009")]
    # the alias now leads there on its own, without an ID number
    assert _patient_of(t, _ingest(t, "s3", pid="JZ009")).id == first.id


def test_the_id_number_may_come_as_patient_id_or_other_patient_ids(tenant):
    t, _ = tenant
    as_pid = _patient_of(t, _ingest(t, "p1", pid=_id(203)))
    assert as_pid.id_number == _id(203)
    via_other = _patient_of(t, _ingest(t, "p2", pid="H777", other_ids=_id(203).lower()))
    assert via_other.id == as_pid.id


def test_an_id_number_joins_a_patient_filed_earlier_under_the_hospital_id(tenant):
    t, _ = tenant
    plain = _patient_of(t, _ingest(t, "e1", pid="H100"))
    assert plain.id_number is None
    enriched = _patient_of(t, _ingest(t, "e2", pid="H100", id_number=_id(305)))
    assert enriched.id == plain.id and enriched.id_number == _id(305)


def test_two_records_of_one_person_are_merged_automatically(tenant):
    t, _ = tenant
    main = _patient_of(t, _ingest(t, "m1", pid="H200", id_number=_id(407)))
    stray_study = _ingest(t, "m2", pid="H201")  # the same person, registered again without an ID number
    stray = _patient_of(t, stray_study)
    assert stray.id != main.id
    joined = _patient_of(t, _ingest(t, "m3", pid="H201", id_number=_id(407)))
    assert joined.id == main.id
    with system_session() as s:
        assert s.get(Patient, stray.id).merged_into_id == main.id
        record = s.scalars(sa.select(PatientMerge).where(PatientMerge.from_ref == stray.id)).one()
        assert record.reason == MergeReason.AUTO and record.into_ref == main.id
        study_id = s.scalar(sa.select(Study.id).where(Study.tenant_id == t["id"], Study.study_uid == stray_study))
        assert record.study_ids == [study_id]
    assert _patient_of(t, stray_study).id == main.id


def test_hospital_id_then_visit_number(tenant):
    t, _ = tenant
    by_pid = _patient_of(t, _ingest(t, "v1", pid="H300", visit="ZY555"))
    assert _patient_of(t, _ingest(t, "v2", pid="H300")).id == by_pid.id
    # no hospital ID at all: the visit number finds the patient
    assert _patient_of(t, _ingest(t, "v3", pid=None, visit="ZY555")).id == by_pid.id
    # an unknown hospital ID with a known visit number joins too, and the new ID is remembered
    assert _patient_of(t, _ingest(t, "v4", pid="H301", visit="ZY555")).id == by_pid.id
    assert _patient_of(t, _ingest(t, "v5", pid="H301")).id == by_pid.id
    # nothing in common: someone else
    assert _patient_of(t, _ingest(t, "v6", pid="H302", visit="ZY556")).id != by_pid.id


def test_invalid_id_numbers_are_ignored(tenant):
    t, _ = tenant
    good = _id(509)
    bad = good[:17] + ("0" if good[17] != "0" else "1")  # wrong check character
    a = _patient_of(t, _ingest(t, "i1", pid="H400", id_number=bad))
    b = _patient_of(t, _ingest(t, "i2", pid="H401", id_number=bad))
    assert a.id != b.id and a.id_number is None and b.id_number is None


def test_id_number_of():
    ds = Dataset()
    ds.PatientID = "H1"
    assert id_number_of(ds) is None
    ds.OtherPatientIDs = ["X", "11010519491231002x"]
    assert id_number_of(ds) == "11010519491231002X"
    ds.PatientID = "11010519491231002X"
    assert id_number_of(ds) == "11010519491231002X"
    ds.PatientID = "110105194912310021"  # wrong check character
    del ds.OtherPatientIDs
    assert id_number_of(ds) is None


def test_merge_and_unmerge_round_trip(tenant):
    t, api = tenant
    keep_study = _ingest(t, "r1", pid="H500")
    moved = [_ingest(t, "r2", pid="H501"), _ingest(t, "r3", pid="H501")]
    keep, gone = _patient_of(t, keep_study), _patient_of(t, moved[0])
    merged = api.ok("POST", f"/api/v1/imaging/patients/{gone.id}/merge", json={"intoId": keep.id, "remark": "同一人"})
    assert merged["reason"] == "manual" and merged["studyCount"] == 2 and merged["createdBy"] == "admin"
    assert (merged["fromId"], merged["intoId"], merged["intoPatientId"]) == (gone.id, keep.id, "H500")
    assert {_patient_of(t, u).id for u in moved} == {keep.id}
    assert api.ok("GET", f"/api/v1/imaging/patients/{gone.id}")["mergedIntoId"] == keep.id
    # a new study of the merged hospital ID goes to the surviving patient, and stays there on unmerge
    later = _ingest(t, "r4", pid="H501")
    assert _patient_of(t, later).id == keep.id

    again = api.post(f"/api/v1/imaging/patients/{gone.id}/merge", json={"intoId": keep.id})
    assert again.status_code == 409 and again.json()["code"] == "ALREADY_MERGED"

    undone = api.ok("POST", f"/api/v1/imaging/patients/{gone.id}/unmerge")
    assert undone["undoneAt"] and undone["undoneBy"] == "admin"
    assert {_patient_of(t, u).id for u in moved} == {gone.id}
    assert _patient_of(t, later).id == keep.id and _patient_of(t, keep_study).id == keep.id
    assert api.ok("GET", f"/api/v1/imaging/patients/{gone.id}")["mergedIntoId"] is None

    history = api.ok("GET", f"/api/v1/imaging/patients/{keep.id}/merges")
    assert [h["id"] for h in history["items"]] == [merged["id"]] and history["items"][0]["undoneAt"]
    again = api.post(f"/api/v1/imaging/patients/{gone.id}/unmerge")
    assert again.status_code == 409 and again.json()["code"] == "NOT_MERGED"


def test_merge_refusals(tenant, new_tenant):
    t, api = tenant
    a = _patient_of(t, _ingest(t, "f1", pid="H600"))
    b = _patient_of(t, _ingest(t, "f2", pid="H601"))
    c = _patient_of(t, _ingest(t, "f3", pid="H602"))
    r = api.post(f"/api/v1/imaging/patients/{a.id}/merge", json={"intoId": a.id})
    assert r.status_code == 422 and r.json()["code"] == "MERGE_SELF"
    r = api.post(f"/api/v1/imaging/patients/{a.id}/merge", json={"intoId": 2**61})
    assert r.status_code == 404
    # a chain is undone from its end
    api.ok("POST", f"/api/v1/imaging/patients/{a.id}/merge", json={"intoId": b.id})
    r = api.post(f"/api/v1/imaging/patients/{c.id}/merge", json={"intoId": a.id})
    assert r.status_code == 422 and r.json()["code"] == "MERGE_TARGET_MERGED"
    api.ok("POST", f"/api/v1/imaging/patients/{b.id}/merge", json={"intoId": c.id})
    r = api.post(f"/api/v1/imaging/patients/{a.id}/unmerge")
    assert r.status_code == 409 and r.json()["code"] == "MERGE_CHAIN"
    api.ok("POST", f"/api/v1/imaging/patients/{b.id}/unmerge")
    api.ok("POST", f"/api/v1/imaging/patients/{a.id}/unmerge")
    # another tenant's patients are not there at all
    other_tenant, other = new_tenant()
    x = _patient_of(other_tenant, _ingest(other_tenant, "f4", pid="H603"))
    assert other.post(f"/api/v1/imaging/patients/{a.id}/merge", json={"intoId": x.id}).status_code == 404
    r = api.post(f"/api/v1/imaging/patients/{a.id}/merge", json={"intoId": x.id})
    assert r.status_code == 404 and r.json()["code"] == "MERGE_TARGET_NOT_FOUND"
    assert other.get(f"/api/v1/imaging/patients/{a.id}/merges").status_code == 404


def test_an_undone_automatic_merge_is_not_redone(tenant):
    t, api = tenant
    main = _patient_of(t, _ingest(t, "u1", pid="H700", id_number=_id(611)))
    stray = _patient_of(t, _ingest(t, "u2", pid="H701"))
    _ingest(t, "u3", pid="H701", id_number=_id(611))  # merges H701 into H700 automatically
    api.ok("POST", f"/api/v1/imaging/patients/{stray.id}/unmerge")
    again = _patient_of(t, _ingest(t, "u4", pid="H701", id_number=_id(611)))
    assert again.id == main.id  # the ID number still decides where the new study goes …
    with system_session() as s:
        assert s.get(Patient, stray.id).merged_into_id is None  # … but the user's separation stands
