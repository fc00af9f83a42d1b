"""QIDO-RS: matching on every supported key, wildcards, fuzzy names, ranges, paging, includefield,
counts computed from the index, bad input → 400, tenant isolation."""

from __future__ import annotations

import pytest

from tests.imaging.dicomweb.helpers import make_instance, tag, uid

S1, S2, S3 = uid(), uid(), uid()
CT1, PT1, MR2, CT3 = uid(), uid(), uid(), uid()
SOP_PT2 = uid()


@pytest.fixture(scope="module")
def archive(tenant_factory):
    arc = tenant_factory()
    for n in (1, 2, 3):
        arc.ingest(make_instance(study=S1, series=CT1, modality="CT", patient_name="Zhang^San", patient_id="P001",
                                 accession="ACC001", study_date="20260115", study_time="093000", series_number=1,
                                 instance_number=n))
    for n in (1, 2):
        arc.ingest(make_instance(study=S1, series=PT1, modality="PT", patient_name="Zhang^San", patient_id="P001",
                                 accession="ACC001", study_date="20260115", study_time="093000", series_number=2,
                                 instance_number=n, sop=SOP_PT2 if n == 2 else None))
    for n in (1, 2):
        arc.ingest(make_instance(study=S2, series=MR2, modality="MR", patient_name="Li^Si", patient_id="P002",
                                 accession="ACC002", study_date="20260201", study_time="141500", instance_number=n))
    arc.ingest(make_instance(study=S3, series=CT3, modality="CT", patient_name="Wang^XiaoMing=王^小明",
                             patient_id="Q003", accession="XA003", study_date="20251231", study_time="235959",
                             charset="ISO_IR 192"))
    return arc


def _uids(answer):
    return [tag(a, "0020000D") for a in answer]


def q(archive, url, status=200, **kw):
    r = archive.api.get(url, **kw)
    assert r.status_code == status, f"{url} -> {r.status_code}: {r.text[:300]}"
    return r.json() if status == 200 else r


def test_all_studies_newest_first_with_counts(archive):
    answer = q(archive, "/dicom-web/studies")
    assert _uids(answer) == [S2, S1, S3]
    first = {tag(a, "0020000D"): a for a in answer}[S1]
    assert tag(first, "00201206") == 2 and tag(first, "00201208") == 5
    assert tag(first, "00080061") == ["CT", "PT"]
    assert tag(first, "00100010") == {"Alphabetic": "Zhang^San"}
    assert tag(first, "00081190") == f"http://testserver/dicom-web/studies/{S1}"
    assert tag(first, "00080056") == "ONLINE"


@pytest.mark.parametrize("query, expected", [
    ("PatientName=Zhang^San", [S1]),
    ("PatientName=zhang^san", [S1]),  # PN matching is case-insensitive
    ("PatientName=Zh*", [S1]),
    ("PatientName=?hang*", [S1]),
    ("PatientName=*i*", [S2, S3]),
    ("PatientName=San", []),
    ("PatientName=San&fuzzymatching=true", [S1]),
    ("PatientName=SAN&fuzzymatching=true", [S1]),
    ("PatientName=王*", []),  # the ideographic group follows the alphabetic one
    ("PatientName=*王*", [S3]),
    ("PatientName=小明&fuzzymatching=true", [S3]),
    ("PatientID=P001", [S1]),
    ("PatientID=P*", [S2, S1]),
    ("PatientID=P00?", [S2, S1]),
    ("00100020=Q003", [S3]),
    ("AccessionNumber=ACC002", [S2]),
    ("AccessionNumber=acc*", [S2, S1]),
    ("StudyDate=20260115", [S1]),
    ("StudyDate=20260101-20260131", [S1]),
    ("StudyDate=-20260131", [S1, S3]),
    ("StudyDate=20260101-", [S2, S1]),
    ("StudyTime=090000-100000", [S1]),
    ("StudyTime=1400-", [S2, S3]),
    ("StudyTime=-0930", [S1]),
    ("ModalitiesInStudy=PT", [S1]),
    ("ModalitiesInStudy=CT", [S1, S3]),
    ("ModalitiesInStudy=MR,PT", [S2, S1]),
    ("ModalitiesInStudy=MR\\PT", [S2, S1]),
    ("Modality=MR", [S2]),  # a series key in a study search matches through the study's series
    (f"StudyInstanceUID={S1},{S3}", [S1, S3]),
    (f"StudyInstanceUID={S2}\\{S3}", [S2, S3]),
    (f"SeriesInstanceUID={PT1}", [S1]),
    (f"SOPInstanceUID={SOP_PT2}", [S1]),
    ("PatientID=NOBODY", []),
])
def test_study_matching(archive, query, expected):
    assert _uids(q(archive, f"/dicom-web/studies?{query}")) == expected


def test_limit_and_offset(archive, monkeypatch):
    assert _uids(q(archive, "/dicom-web/studies?limit=2")) == [S2, S1]
    assert _uids(q(archive, "/dicom-web/studies?limit=2&offset=2")) == [S3]
    assert q(archive, "/dicom-web/studies?offset=10") == []
    r = archive.api.get("/dicom-web/studies?limit=50000")
    assert r.status_code == 200 and len(r.json()) == 3 and "lowered" in r.headers["warning"]
    r = archive.api.get("/dicom-web/studies?limit=2")
    assert "warning" not in r.headers
    from radix.imaging.dicomweb import qido

    monkeypatch.setattr(qido, "DEFAULT_LIMIT", 2)  # an unbounded search is capped, and says so
    r = archive.api.get("/dicom-web/studies")
    assert len(r.json()) == 2 and "more results" in r.headers["warning"]


def test_includefield(archive):
    plain = {tag(a, "0020000D"): a for a in q(archive, "/dicom-web/studies")}[S1]
    assert "00101010" not in plain and "00101030" not in plain  # PatientAge, PatientWeight
    for query in ("includefield=PatientAge", "includefield=00101010", "includefield=all",
                  "includefield=PatientAge,PatientWeight", "includefield=PatientAge&includefield=PatientWeight"):
        answer = {tag(a, "0020000D"): a for a in q(archive, f"/dicom-web/studies?{query}")}[S1]
        assert tag(answer, "00101010") == "045Y", query
    both = {tag(a, "0020000D"): a for a in q(archive, "/dicom-web/studies?includefield=PatientAge,00101030")}[S1]
    assert tag(both, "00101030") == 70  # beyond the study row: from the study's first instance
    # instance level: any attribute of the kept metadata
    inst = q(archive, f"/dicom-web/studies/{S1}/series/{CT1}/instances?InstanceNumber=2")
    assert len(inst) == 1 and "00200032" not in inst[0]
    inst = q(archive, f"/dicom-web/studies/{S1}/series/{CT1}/instances?InstanceNumber=2&includefield=ImagePositionPatient")
    assert tag(inst[0], "00200032") == [0, 0, 2]
    everything = q(archive, f"/dicom-web/studies/{S1}/series/{CT1}/instances?InstanceNumber=2&includefield=all")[0]
    assert everything["7FE00010"]["vr"] == "OW" and tag(everything, "00281050") == 40  # small pixels stay inline


def test_series_searches(archive):
    series = q(archive, f"/dicom-web/studies/{S1}/series")
    assert [tag(s, "0020000E") for s in series] == [CT1, PT1]
    assert [tag(s, "00201209") for s in series] == [3, 2]
    assert all(tag(s, "0020000D") == S1 for s in series)
    assert tag(series[1], "00081190") == f"http://testserver/dicom-web/studies/{S1}/series/{PT1}"
    assert "00100010" not in series[0]  # study attributes only when searching across studies
    assert [tag(s, "0020000E") for s in q(archive, f"/dicom-web/studies/{S1}/series?SeriesNumber=2")] == [PT1]
    assert [tag(s, "0020000E") for s in q(archive, f"/dicom-web/studies/{S1}/series?Modality=PT")] == [PT1]
    across = q(archive, "/dicom-web/series?Modality=CT")
    assert {tag(s, "0020000E") for s in across} == {CT1, CT3}
    assert all("00100010" in s for s in across)
    assert [tag(s, "0020000E") for s in q(archive, "/dicom-web/series?PatientID=P002")] == [MR2]
    assert [tag(s, "0020000E") for s in q(archive, f"/dicom-web/series?SeriesInstanceUID={MR2}")] == [MR2]


def test_instance_searches(archive):
    insts = q(archive, f"/dicom-web/studies/{S1}/series/{CT1}/instances")
    assert [tag(i, "00200013") for i in insts] == [1, 2, 3]
    assert all(tag(i, "00280010") == 8 and tag(i, "00280100") == 16 for i in insts)
    assert tag(insts[0], "00081190").startswith(f"http://testserver/dicom-web/studies/{S1}/series/{CT1}/instances/")
    study_insts = q(archive, f"/dicom-web/studies/{S1}/instances")
    assert len(study_insts) == 5 and all(tag(i, "00080060") for i in study_insts)
    found = q(archive, f"/dicom-web/instances?SOPInstanceUID={SOP_PT2}")
    assert len(found) == 1 and tag(found[0], "0020000E") == PT1 and tag(found[0], "00100020") == "P001"
    assert len(q(archive, "/dicom-web/instances?ModalitiesInStudy=MR")) == 2
    assert len(q(archive, f"/dicom-web/studies/{S1}/instances?InstanceNumber=1")) == 2
    assert len(q(archive, f"/dicom-web/studies/{S1}/instances?Modality=PT&limit=1")) == 1


@pytest.mark.parametrize("query", [
    "StudyDate=2026-01-01", "StudyDate=20261301", "StudyDate=20260131-20260101", "StudyDate=abc",
    "StudyTime=2561", "limit=abc", "limit=-1", "limit=99999999999999999999", "offset=-5",
    "fuzzymatching=maybe", "StudyInstanceUID=not-a-uid", "includefield=NotAKeyword", "SeriesNumber=one",
    "ModalitiesInStudy=%27%3B--", "StudyDate=" + "1" * 2000,
])
def test_bad_queries_are_400_with_a_chinese_message(archive, query):
    r = archive.api.get(f"/dicom-web/studies?{query}")
    assert r.status_code == 400, (query, r.status_code, r.text)
    body = r.json()
    assert body["code"] and any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body


def test_unknown_keys_are_ignored_with_a_warning(archive):
    r = archive.api.get("/dicom-web/studies?PatientWeight=70&_=123")
    assert r.status_code == 200 and len(r.json()) == 3
    assert "PatientWeight" in r.headers["warning"]


def test_accept(archive):
    assert archive.api.get("/dicom-web/studies", headers={"Accept": "application/json"}).headers[
        "content-type"].startswith("application/json")
    r = archive.api.get("/dicom-web/studies", headers={"Accept": "application/dicom+json"})
    assert r.headers["content-type"].startswith("application/dicom+json")
    assert archive.api.get("/dicom-web/studies", headers={"Accept": "application/dicom+xml"}).status_code == 406
    assert archive.api.get("/dicom-web/studies", headers={"Accept": 'multipart/related; type="'}).status_code == 400


def test_other_tenants_see_nothing(archive, tenant_factory, anonymous):
    other = tenant_factory()
    assert other.api.get("/dicom-web/studies").json() == []
    assert other.api.get(f"/dicom-web/studies?StudyInstanceUID={S1}").json() == []
    assert other.api.get("/dicom-web/series?Modality=CT").json() == []
    assert other.api.get(f"/dicom-web/instances?SOPInstanceUID={SOP_PT2}").json() == []
    for url in (f"/dicom-web/studies/{S1}/series", f"/dicom-web/studies/{S1}/instances",
                f"/dicom-web/studies/{S1}/series/{CT1}/instances"):
        assert other.api.get(url).status_code == 404, url
    assert anonymous.get("/dicom-web/studies").status_code == 401


def test_study_answers_follow_the_index(tenant_factory):
    """Study answers are joined from per-process pieces: counters and modalities still come from the
    row of the moment, and a prefix search (``zhao*``, an index range on SQLite) finds every match."""
    arc = tenant_factory()
    study = uid()
    arc.ingest(make_instance(study=study, series=uid(), modality="CT", patient_name="Zhao^Liu", patient_id="Z1"))
    arc.ingest(make_instance(study=uid(), series=uid(), modality="CT", patient_name="Zhaz^Wu", patient_id="Z2"))
    first = [a for a in q(arc, "/dicom-web/studies?PatientName=zhao*")]
    assert len(first) == 1 and tag(first[0], "00201208") == 1 and tag(first[0], "00080061") == "CT"
    arc.ingest(make_instance(study=study, series=uid(), modality="MR", patient_name="Zhao^Liu", patient_id="Z1"))
    again = q(arc, "/dicom-web/studies?PatientName=ZHAO*")
    assert tag(again[0], "00201206") == 2 and tag(again[0], "00201208") == 2
    assert tag(again[0], "00080061") == ["CT", "MR"]
    assert _uids(q(arc, "/dicom-web/studies?PatientName=zha*")) and len(q(arc, "/dicom-web/studies?PatientName=zha*")) == 2
    assert list(again[0]) == sorted(again[0])  # attributes in tag order


def test_dicomweb_routes_are_matched_before_the_api_routes(app):
    """Requests are matched against the app's routes in order: the archive's (every frame and query of a
    viewer) come first, ahead of the hundreds of /api routes, whose prefixes they do not share."""
    paths: list[str] = []
    for route in app.router.routes:
        inner = getattr(route, "original_router", None)
        paths.extend(r.path for r in (inner.routes if inner is not None else [route]) if hasattr(r, "path"))
    first_api = next(i for i, p in enumerate(paths) if p.startswith("/api/"))
    dicomweb = [i for i, p in enumerate(paths) if p.startswith("/dicom-web") or p == "/wado"]
    assert dicomweb and max(dicomweb) < first_api
