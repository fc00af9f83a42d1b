"""The viewer's server side: annotations are the user's own per study (another user of the same
hospital and another hospital see none), settings per user with validation, and the series zip."""

from __future__ import annotations

import io
import zipfile

import pydicom
import pytest

from radix.imaging import store, synth

ANN = "/api/v1/viewer/annotations"
SETTINGS = "/api/v1/viewer/settings"


def _study(tenant, api, key="viewer", slices=3):
    for raw in synth.sample(tenant["code"], key, slices=slices):
        assert store.ingest(raw, store.Arrival(tenant_id=tenant["id"], source="test")).ok
    items = api.ok("GET", "/api/v1/imaging/studies?pageSize=50")["items"]
    assert len(items) == 1  # a new hospital: this is its only study
    return items[0]


def _colleague(tenant, api, login_as, username="colleague"):
    roles = api.ok("GET", "/api/v1/platform/roles?pageSize=50")["items"]
    role = next(r for r in roles if r.get("key") == "super_admin") if any(r.get("key") == "super_admin" for r in roles) else roles[0]
    api.ok("POST", "/api/v1/platform/accounts", status=201, json={
        "username": username, "name": "同事", "password": "Abc12345", "phone": "13511113333", "roleIds": [role["id"]]})
    return login_as(tenant["code"], username, "Abc12345")


def _length(study_uid, uid="ann-1", label=None):
    return {
        "studyUid": study_uid, "seriesUid": "1.2.3.4", "sopUid": "1.2.3.4.5", "uid": uid, "tool": "Length",
        "label": label,
        "data": {"metadata": {"toolName": "Length"}, "data": {"handles": {"points": [[0, 0, 0], [10.5, 0, 0]]}}},
    }


@pytest.fixture()
def hospital(new_tenant):
    tenant, api = new_tenant()
    study = _study(tenant, api)
    return tenant, api, study


def test_annotations_are_saved_listed_renamed_and_deleted(hospital):
    _, api, study = hospital
    uid = study["studyUid"]
    created = api.ok("POST", ANN, status=201, json=_length(uid, label="长度 1"))
    assert created["uid"] == "ann-1" and created["tool"] == "Length" and created["label"] == "长度 1"
    assert created["data"]["data"]["handles"]["points"][1] == [10.5, 0, 0]
    api.ok("POST", ANN, status=201, json={**_length(uid, uid="ann-2"), "tool": "ArrowAnnotate"})
    listed = api.ok("GET", f"{ANN}?studyUid={uid}")
    assert listed["total"] == 2 and [i["uid"] for i in listed["items"]] == ["ann-1", "ann-2"]

    moved = {"data": {"handles": {"points": [[1, 1, 0], [21, 1, 0]]}}}
    patched = api.ok("PATCH", f"{ANN}/{created['id']}", json={"label": "主动脉径", "data": moved})
    assert patched["label"] == "主动脉径" and patched["data"] == moved
    renamed = api.ok("PATCH", f"{ANN}/{created['id']}", json={"label": "主动脉"})
    assert renamed["label"] == "主动脉" and renamed["data"] == moved  # data kept when not sent

    r = api.post(ANN, json=_length(uid))  # the same viewer UID twice
    assert r.status_code == 409 and r.json()["code"] == "ANNOTATION_EXISTS"

    api.ok("DELETE", f"{ANN}/{created['id']}", status=204)
    assert [i["uid"] for i in api.ok("GET", f"{ANN}?studyUid={uid}")["items"]] == ["ann-2"]
    assert api.ok("DELETE", f"{ANN}?studyUid={uid}")["deleted"] == 1
    assert api.ok("GET", f"{ANN}?studyUid={uid}")["total"] == 0


def test_bad_input_is_refused_in_chinese(hospital):
    _, api, study = hospital
    uid = study["studyUid"]
    r = api.post(ANN, json=_length("9.9.9.9"))
    assert r.status_code == 404 and r.json()["code"] == "STUDY_NOT_FOUND" and "检查" in r.json()["message"]
    for bad in ({"uid": "bad uid with spaces"}, {"tool": "1bad"}, {"studyUid": "not-a-uid"},
                {"data": {"x": "y" * (300 * 1024)}}):
        r = api.post(ANN, json={**_length(uid), **bad})
        assert r.status_code == 422, (bad.keys(), r.text[:200])
    assert api.get(f"{ANN}?studyUid=abc").status_code == 422
    assert api.get(f"{ANN}/999999999").status_code == 404


def test_a_colleague_and_another_hospital_see_none_of_them(hospital, new_tenant, login_as):
    tenant, api, study = hospital
    uid = study["studyUid"]
    mine = api.ok("POST", ANN, status=201, json=_length(uid))
    colleague = _colleague(tenant, api, login_as)
    assert colleague.ok("GET", f"{ANN}?studyUid={uid}")["total"] == 0
    for method in ("PATCH", "DELETE"):
        r = colleague.request(method, f"{ANN}/{mine['id']}", json={"label": "x"} if method == "PATCH" else None)
        assert r.status_code == 404, r.text
    # the colleague's own annotation with the same viewer UID is theirs, separate from mine
    theirs = colleague.ok("POST", ANN, status=201, json=_length(uid, label="同事的"))
    assert colleague.ok("DELETE", f"{ANN}?studyUid={uid}")["deleted"] == 1
    assert api.ok("GET", f"{ANN}?studyUid={uid}")["items"][0]["id"] == mine["id"] != theirs["id"]

    other_tenant, other = new_tenant()
    assert other.ok("GET", f"{ANN}?studyUid={uid}")["total"] == 0
    assert other.request("PATCH", f"{ANN}/{mine['id']}", json={"label": "x"}).status_code == 404
    assert other.request("DELETE", f"{ANN}/{mine['id']}").status_code == 404
    # another hospital cannot annotate a study it cannot see
    r = other.post(ANN, json=_length(uid, uid="other-1"))
    assert r.status_code == 404 and r.json()["code"] == "STUDY_NOT_FOUND"
    assert api.ok("GET", f"{ANN}?studyUid={uid}")["total"] == 1


def test_settings_default_save_partially_validate_and_stay_per_user(hospital, login_as):
    tenant, api, _ = hospital
    defaults = api.ok("GET", SETTINGS)
    assert defaults["theme"] == "black" and defaults["seriesPanel"] == "left" and defaults["language"] == "zh-CN"
    assert "wl" in defaults["overlay"]["bottomRight"] and defaults["layoutByModality"]["CT"] == "1x1"

    saved = api.ok("PUT", SETTINGS, json={
        "theme": "blue", "seriesPanel": "bottom", "language": "en",
        "presets": [{"name": "腹部", "width": 350, "level": 50}],
        "overlay": {"topLeft": ["patientName"], "bottomRight": ["wl", "zoom"]},
        "layoutByModality": {"MR": "3x3"}, "hotkeys": {"reset": "x"},
    })
    assert saved["theme"] == "blue" and saved["seriesPanel"] == "bottom" and saved["language"] == "en"
    assert saved["presets"] == [{"name": "腹部", "width": 350, "level": 50}]
    assert saved["overlay"]["topLeft"] == ["patientName"] and saved["layoutByModality"] == {"MR": "3x3"}
    again = api.ok("PUT", SETTINGS, json={"uiScale": 1.25})
    assert again["uiScale"] == 1.25 and again["theme"] == "blue"  # the rest stays
    assert api.ok("GET", SETTINGS)["presets"][0]["name"] == "腹部"

    for bad in ({"theme": "pink"}, {"seriesPanel": "top"}, {"presets": [{"name": "x", "width": 0, "level": 0}]},
                {"overlay": {"topLeft": ["password"]}}, {"hotkeys": {"reset": "r", "invert": "R"}},
                {"layoutByModality": {"ct": "1x1"}}, {"uiScale": 5}):
        r = api.put(SETTINGS, json=bad)
        assert r.status_code == 422, (bad, r.text[:200])

    colleague = _colleague(tenant, api, login_as, "colleague2")
    assert colleague.ok("GET", SETTINGS)["theme"] == "black"
    reset = api.ok("DELETE", SETTINGS)
    assert reset["theme"] == "black" and reset["presets"] == []


def test_a_series_downloads_as_a_zip_of_its_dicom_files(hospital, new_tenant):
    tenant, api, study = hospital
    series = api.ok("GET", f"/dicom-web/studies/{study['studyUid']}/series").json()
    series_uid = series[0]["0020000E"]["Value"][0]
    r = api.get(f"/api/v1/viewer/studies/{study['studyUid']}/series/{series_uid}/download")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert "attachment" in r.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        names = zf.namelist()
        assert len(names) == 3
        datasets = [pydicom.dcmread(io.BytesIO(zf.read(n))) for n in names]
    assert {str(ds.SeriesInstanceUID) for ds in datasets} == {series_uid}
    assert sorted(int(ds.InstanceNumber) for ds in datasets) == [1, 2, 3]

    _, other = new_tenant()
    r = other.get(f"/api/v1/viewer/studies/{study['studyUid']}/series/{series_uid}/download")
    assert r.status_code == 404 and r.json()["code"] == "SERIES_NOT_FOUND"
    assert api.get(f"/api/v1/viewer/studies/{study['studyUid']}/series/1.2.3/download").status_code == 404
