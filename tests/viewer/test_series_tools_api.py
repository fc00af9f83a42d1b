"""The viewer's series tools against the real archive: 序列管理 (split, new series from the window),
配准 (automatic rigid registration through the API, saved per user per series pair) and 图像拼接
(stitched image stored as a Secondary Capture or exported as PNG). Another hospital reaches none of it."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import numpy as np
import pydicom
import pytest
from PIL import Image

from radix.core import clock
from radix.imaging import store, synth

V = "/api/v1/viewer"


def _ingest(tenant, raws):
    for raw in raws:
        result = store.ingest(raw, store.Arrival(tenant_id=tenant["id"], source="test"))
        assert result.ok, result.message


def _series_of(api, study_uid):
    rows = api.ok("GET", f"/dicom-web/studies/{study_uid}/series?includefield=all").json()
    return {r["0020000E"]["Value"][0]: r for r in rows}


def _files(api, study_uid, series_uid):
    """The series as the archive serves it (the viewer's zip download), as datasets by instance number."""
    r = api.get(f"{V}/studies/{study_uid}/series/{series_uid}/download")
    assert r.status_code == 200, r.text
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        datasets = [pydicom.dcmread(io.BytesIO(zf.read(n))) for n in zf.namelist()]
    return sorted(datasets, key=lambda ds: int(ds.InstanceNumber))


@pytest.fixture()
def mr(new_tenant):
    tenant, api = new_tenant()
    _ingest(tenant, synth.sample(tenant["code"], "split", slices=6, size=32))
    study = api.ok("GET", "/api/v1/imaging/studies?pageSize=5")["items"][0]
    (series_uid,) = _series_of(api, study["studyUid"])
    return tenant, api, study["studyUid"], series_uid


# --- 序列管理 -----------------------------------------------------------------------------------------


def test_a_series_splits_into_two_new_series_and_the_original_stays(mr):
    tenant, api, study_uid, series_uid = mr
    source = _files(api, study_uid, series_uid)
    made = api.ok("POST", f"{V}/studies/{study_uid}/series/{series_uid}/split", status=201, json={"splitAt": 2})["items"]
    assert [m["count"] for m in made] == [2, 4]
    assert [m["seriesNumber"] for m in made] == [2, 3]  # after the study's highest series number
    assert all(m["description"].startswith("T2WI 轴位 拆分") and m["modality"] == "MR" for m in made)
    uids = {m["seriesUid"] for m in made}
    assert len(uids) == 2 and series_uid not in uids

    series = _series_of(api, study_uid)
    assert set(series) == {series_uid, *uids}
    assert series[series_uid]["00201209"]["Value"] == [6]  # the original keeps every image
    assert [series[m["seriesUid"]]["00201209"]["Value"] for m in made] == [[2], [4]]

    # slices 1-2 and 3-6 of the viewer's order (head first), copies with new UIDs and the same pixels
    parts = [_files(api, study_uid, m["seriesUid"]) for m in made]
    for part, expected, m in zip(parts, (source[:2], source[2:]), made, strict=True):
        assert [int(ds.InstanceNumber) for ds in part] == list(range(1, len(expected) + 1))
        for copy, original in zip(part, expected, strict=True):
            assert copy.SeriesInstanceUID == m["seriesUid"] and copy.StudyInstanceUID == study_uid
            assert copy.SOPInstanceUID != original.SOPInstanceUID
            assert copy.file_meta.MediaStorageSOPInstanceUID == copy.SOPInstanceUID
            assert copy.SeriesNumber == m["seriesNumber"] and copy.SeriesDescription == m["description"]
            assert copy.PixelData == original.PixelData
            assert copy.ImagePositionPatient == original.ImagePositionPatient
            assert copy.SourceImageSequence[0].ReferencedSOPInstanceUID == original.SOPInstanceUID
            assert copy.PatientID == original.PatientID
    sops = {ds.SOPInstanceUID for part in parts for ds in part}
    assert len(sops) == 6 and not sops & {ds.SOPInstanceUID for ds in source}


def test_a_new_series_from_the_images_of_the_window_in_their_order(mr):
    _, api, study_uid, series_uid = mr
    source = _files(api, study_uid, series_uid)
    chosen = [source[4].SOPInstanceUID, source[1].SOPInstanceUID]
    made = api.ok("POST", f"{V}/studies/{study_uid}/series", status=201,
                  json={"sopUids": chosen, "description": "窗口影像"})
    assert made["count"] == 2 and made["description"] == "窗口影像" and made["seriesNumber"] == 2
    copies = _files(api, study_uid, made["seriesUid"])
    assert [c.PixelData for c in copies] == [source[4].PixelData, source[1].PixelData]
    assert [c.SourceImageSequence[0].ReferencedSOPInstanceUID for c in copies] == chosen
    # a second one gets the next number and the default description
    again = api.ok("POST", f"{V}/studies/{study_uid}/series", status=201, json={"sopUids": chosen[:1]})
    assert again["seriesNumber"] == 3 and again["description"] == "T2WI 轴位 新增序列"


def test_bad_input_is_refused_in_chinese(mr):
    _, api, study_uid, series_uid = mr
    split = f"{V}/studies/{study_uid}/series/{series_uid}/split"
    for body in ({"splitAt": 0}, {"splitAt": "x"}, {}):
        assert api.post(split, json=body).status_code == 422
    r = api.post(split, json={"splitAt": 6})
    assert r.status_code == 422 and r.json()["code"] == "SPLIT_OUT_OF_RANGE" and "1 到 5" in r.json()["message"]
    r = api.post(f"{V}/studies/{study_uid}/series/1.2.3.999/split", json={"splitAt": 1})
    assert r.status_code == 404 and r.json()["code"] == "SERIES_NOT_FOUND" and "序列" in r.json()["message"]
    assert api.post(f"{V}/studies/not-a-uid/series/{series_uid}/split", json={"splitAt": 1}).status_code == 422

    new = f"{V}/studies/{study_uid}/series"
    sop = _files(api, study_uid, series_uid)[0].SOPInstanceUID
    r = api.post(new, json={"sopUids": [sop, sop]})
    assert r.status_code == 422 and r.json()["code"] == "DUPLICATE_IMAGE" and "重复" in r.json()["message"]
    r = api.post(new, json={"sopUids": ["1.2.3.4.5"]})
    assert r.status_code == 404 and r.json()["code"] == "IMAGE_NOT_FOUND"
    assert api.post(new, json={"sopUids": []}).status_code == 422
    r = api.post(new, json={"sopUids": ["abc"]})
    assert r.status_code == 422 and "UID" in r.text
    assert len(_series_of(api, study_uid)) == 1  # nothing was made by any of these


def test_another_hospital_cannot_split_or_copy(mr, new_tenant):
    _, api, study_uid, series_uid = mr
    sop = _files(api, study_uid, series_uid)[0].SOPInstanceUID
    _, other = new_tenant()
    r = other.post(f"{V}/studies/{study_uid}/series/{series_uid}/split", json={"splitAt": 1})
    assert r.status_code == 404 and r.json()["code"] == "STUDY_NOT_FOUND"
    assert other.post(f"{V}/studies/{study_uid}/series", json={"sopUids": [sop]}).status_code == 404
    assert len(_series_of(api, study_uid)) == 1


# --- 配准 ---------------------------------------------------------------------------------------------

BLOBS = [((0, 0, 0), (60, 50, 40), 500.0), ((20, -10, 10), (15, 12, 18), 1200.0), ((-25, 15, -8), (10, 18, 9), 1800.0)]


def _volume_series(info, series, shift, *, slices=20, size=48, spacing=3.0, thickness=4.0):
    """A head-like phantom volume as CT slices; ``shift`` (mm) moves the series' patient coordinates
    (the same pixels at positions + shift), so the transform back onto the unshifted series is −shift."""
    axis = (np.arange(size) - (size - 1) / 2) * spacing
    out = []
    for k in range(slices):
        z = (slices - 1) / 2 * thickness - k * thickness
        x, y = np.meshgrid(axis, axis)
        img = np.zeros((size, size))
        for centre, radii, value in BLOBS:
            r = np.sqrt(((x - centre[0]) / radii[0]) ** 2 + ((y - centre[1]) / radii[1]) ** 2 + ((z - centre[2]) / radii[2]) ** 2)
            img += value / (1 + np.exp((r - 1) * 10))
        ds = synth._base(info, sop_class=synth.CT_IMAGE, modality="CT", series=series, number=k + 1,
                         series_description=f"配准 {series}", body_part="HEAD", manufacturer_model="test")
        ds.FrameOfReferenceUID = info.frame_of_reference
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.ImagePositionPatient = [axis[0] + shift[0], axis[0] + shift[1], z + shift[2]]
        ds.PixelSpacing = [spacing, spacing]
        ds.SliceThickness = thickness
        ds.RescaleIntercept, ds.RescaleSlope = -1024, 1
        synth._pixels(ds, np.rint(img + 1024).astype(np.int16), bits_stored=16, signed=True)
        out.append(synth.encode(ds))
    return out


@pytest.fixture()
def pair(new_tenant):
    tenant, api = new_tenant()
    person = synth.Person("Li", "Si", "李", "四", "F", dt.date(1980, 5, 5), "REG001")
    info = synth.StudyInfo(tenant=tenant["code"], key="reg", person=person, accession="REG0001",
                           date=clock.today(), time="100000", description="配准测试")
    _ingest(tenant, _volume_series(info, 1, (0, 0, 0)) + _volume_series(info, 2, (9.0, -6.0, 5.0)))
    return tenant, api, info.study_uid, info.series_uid(1), info.series_uid(2)


def test_automatic_registration_finds_the_shift_and_is_saved_per_user(pair, login_as, new_tenant):
    tenant, api, study_uid, fixed, moving = pair
    body = {"studyUid": study_uid, "fixedSeriesUid": fixed, "movingSeriesUid": moving}
    found = api.ok("POST", f"{V}/registrations/auto", json=body)
    m = np.array(found["matrix"]).reshape(4, 4)
    assert np.allclose(m[:3, :3], np.eye(3), atol=0.03), m  # no rotation to speak of
    assert np.allclose(m[:3, 3], [-9.0, 6.0, -5.0], atol=1.5), m[:3, 3]
    assert found["method"] == "auto" and found["metric"] == "ncc" and found["score"] > 0.95

    listed = api.ok("GET", f"{V}/registrations?fixedSeriesUid={fixed}&movingSeriesUid={moving}")
    assert listed["total"] == 1 and listed["items"][0]["matrix"] == found["matrix"]

    # a manual adjustment replaces it as the last result
    manual = np.eye(4)
    manual[:3, 3] = [-9, 6, -5]
    saved = api.ok("PUT", f"{V}/registrations", json={**body, "matrix": manual.ravel().tolist(), "method": "manual"})
    assert saved["method"] == "manual"
    last = api.ok("GET", f"{V}/registrations?studyUid={study_uid}")["items"]
    assert len(last) == 1 and last[0]["matrix"] == manual.ravel().tolist() and last[0]["id"] == found["id"]

    # another user of the hospital has their own (none yet); another hospital reaches nothing
    roles = api.ok("GET", "/api/v1/platform/roles?pageSize=50")["items"]
    api.ok("POST", "/api/v1/platform/accounts", status=201, json={
        "username": "reg2", "name": "同事", "password": "Abc12345", "phone": "13511114444", "roleIds": [roles[0]["id"]]})
    colleague = login_as(tenant["code"], "reg2", "Abc12345")
    assert colleague.ok("GET", f"{V}/registrations?studyUid={study_uid}")["total"] == 0
    assert colleague.request("DELETE", f"{V}/registrations?fixedSeriesUid={fixed}&movingSeriesUid={moving}").status_code == 404
    _, other = new_tenant()
    r = other.post(f"{V}/registrations/auto", json=body)
    assert r.status_code == 404 and r.json()["code"] == "STUDY_NOT_FOUND"
    assert other.put(f"{V}/registrations", json={**body, "matrix": manual.ravel().tolist()}).status_code == 404

    # cleared: nothing to reload
    assert api.ok("DELETE", f"{V}/registrations?fixedSeriesUid={fixed}&movingSeriesUid={moving}")["deleted"] == 1
    assert api.ok("GET", f"{V}/registrations?studyUid={study_uid}")["total"] == 0
    r = api.request("DELETE", f"{V}/registrations?fixedSeriesUid={fixed}&movingSeriesUid={moving}")
    assert r.status_code == 404 and r.json()["code"] == "REGISTRATION_NOT_FOUND"


def test_registration_refuses_bad_input_in_chinese(pair, mr):
    _, api, study_uid, fixed, moving = pair
    body = {"studyUid": study_uid, "fixedSeriesUid": fixed, "movingSeriesUid": moving}
    sheared = np.eye(4)
    sheared[0, 1] = 0.3
    for bad, words in (({"matrix": sheared.ravel().tolist()}, "刚体"), ({"matrix": [1] * 15}, None),
                       ({"matrix": [float("nan")] + [0.0] * 15}, None), ({"movingSeriesUid": fixed}, "同一个序列")):
        r = api.put(f"{V}/registrations", content=_json({**body, "matrix": np.eye(4).ravel().tolist(), **bad}),
                    headers={"Content-Type": "application/json"})
        assert r.status_code == 422, (bad, r.text)
        if words:
            assert words in r.text
    r = api.post(f"{V}/registrations/auto", json={**body, "metric": "magic"})
    assert r.status_code == 422
    r = api.post(f"{V}/registrations/auto", json={**body, "movingSeriesUid": "1.2.3.4"})
    assert r.status_code == 404 and r.json()["code"] == "SERIES_NOT_FOUND"
    # two slices are not a volume
    _, mr_api, mr_study, mr_series = mr
    mr_api.ok("POST", f"{V}/studies/{mr_study}/series/{mr_series}/split", status=201, json={"splitAt": 2})
    small = next(uid for uid, row in _series_of(mr_api, mr_study).items() if row["00201209"]["Value"] == [2])
    r = mr_api.post(f"{V}/registrations/auto", json={"studyUid": mr_study, "fixedSeriesUid": mr_series, "movingSeriesUid": small})
    assert r.status_code == 422 and r.json()["code"] == "REGISTRATION_NOT_VOLUME" and "至少 3 张" in r.json()["message"]


def _json(value):
    import json

    return json.dumps(value, allow_nan=True)


# --- 图像拼接 -----------------------------------------------------------------------------------------


def _long_image(rows=300, cols=200):
    y, x = np.mgrid[0:rows, 0:cols]
    img = 500 + 3 * y + 2 * x + 400 * (((x - 100) ** 2 + (y - 150) ** 2) < 40 ** 2)
    return img.astype(np.uint16)


def _dx(info, number, pixels, *, modality="DX"):
    ds = synth._base(info, sop_class=synth.DX_PRESENTATION, modality=modality, series=1, number=number,
                     series_description="全脊柱", body_part="SPINE", manufacturer_model="test")
    ds.PixelSpacing = [0.2, 0.2]
    ds.WindowCenter, ds.WindowWidth = 1000, 2000
    synth._pixels(ds, pixels, bits_stored=12)
    return synth.encode(ds)


@pytest.fixture()
def spine(new_tenant):
    tenant, api = new_tenant()
    person = synth.Person("Wang", "Wu", "王", "五", "M", dt.date(1970, 1, 1), "DX001")
    info = synth.StudyInfo(tenant=tenant["code"], key="spine", person=person, accession="DX0001",
                           date=clock.today(), time="110000", description="全脊柱正位")
    whole = _long_image()
    _ingest(tenant, [_dx(info, 1, whole[:180]), _dx(info, 2, whole[140:])])  # 40 rows in both
    return tenant, api, info, whole


def test_two_dx_images_stitch_back_into_the_whole_and_go_into_the_archive(spine):
    tenant, api, info, whole = spine
    series_uid = info.series_uid(1)
    images = [{"seriesUid": series_uid, "sopUid": info.sop_uid(1, n)} for n in (1, 2)]
    body = {"studyUid": info.study_uid, "images": images, "direction": "vertical", "overlap": 40}
    made = api.ok("POST", f"{V}/stitch", status=201, json=body)
    assert (made["rows"], made["columns"]) == (300, 200) and made["seriesNumber"] == 2
    (stitched,) = _files(api, info.study_uid, made["seriesUid"])
    assert stitched.SOPClassUID == "1.2.840.10008.5.1.4.1.1.7" and stitched.SOPInstanceUID == made["sopUid"]
    assert stitched.StudyInstanceUID == info.study_uid and stitched.PatientID == "DX001"
    assert stitched.Modality == "DX" and list(stitched.ImageType)[:2] == ["DERIVED", "SECONDARY"]
    assert [r.ReferencedSOPInstanceUID for r in stitched.SourceImageSequence] == [i["sopUid"] for i in images]
    assert [float(v) for v in stitched.PixelSpacing] == [0.2, 0.2]
    # the overlap holds the same anatomy in both: blended, it is the whole image again
    assert np.array_equal(stitched.pixel_array, whole)

    # as PNG, with a window
    r = api.post(f"{V}/stitch/png", json={**body, "windowCenter": 1000, "windowWidth": 2000})
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    png = np.asarray(Image.open(io.BytesIO(r.content)))
    assert png.shape == (300, 200)
    expected = np.clip((whole.astype(float) - 0) / 2000 * 255, 0, 255).astype(np.uint8)
    assert np.abs(png.astype(int) - expected.astype(int)).max() <= 1

    # horizontally, the second image turned a quarter and moved: still one image of the right size
    turned = {**body, "direction": "horizontal", "overlap": 0,
              "images": [images[0], {**images[1], "rotate": 90, "dy": -20}]}
    r = api.post(f"{V}/stitch/png", json=turned)
    assert r.status_code == 200
    assert np.asarray(Image.open(io.BytesIO(r.content))).shape == (180 + 30, 200 + 160)


def test_stitching_refuses_bad_input_in_chinese(spine, mr, new_tenant):
    tenant, api, info, _ = spine
    one = {"seriesUid": info.series_uid(1), "sopUid": info.sop_uid(1, 1)}
    two = {"seriesUid": info.series_uid(1), "sopUid": info.sop_uid(1, 2)}
    base = {"studyUid": info.study_uid, "images": [one, two]}
    for bad in ({"images": [one]}, {"direction": "diagonal"}, {"images": [one, {**two, "scale": 0}]},
                {"images": [one, {**two, "rotate": 1000}]}, {"overlap": -1}):
        assert api.post(f"{V}/stitch", json={**base, **bad}).status_code == 422, bad
    r = api.post(f"{V}/stitch", json={**base, "images": [one, {**two, "sopUid": "1.2.3"}]})
    assert r.status_code == 404 and r.json()["code"] == "IMAGE_NOT_FOUND" and "第 2 幅" in r.json()["message"]
    r = api.post(f"{V}/stitch", json={**base, "images": [one, {**two, "scale": 4, "dx": 20000, "dy": 20000}]})
    assert r.status_code == 422 and r.json()["code"] == "STITCH_TOO_LARGE" and "过大" in r.json()["message"]
    # not CR/DR/DX
    _, mr_api, mr_study, mr_series = mr
    sops = [ds.SOPInstanceUID for ds in _files(mr_api, mr_study, mr_series)[:2]]
    r = mr_api.post(f"{V}/stitch", json={"studyUid": mr_study, "images": [{"seriesUid": mr_series, "sopUid": s} for s in sops]})
    assert r.status_code == 422 and r.json()["code"] == "STITCH_UNSUPPORTED" and "CR、DR、DX" in r.json()["message"]
    # another hospital
    _, other = new_tenant()
    r = other.post(f"{V}/stitch", json=base)
    assert r.status_code == 404 and r.json()["code"] == "STUDY_NOT_FOUND"
    assert len(_series_of(api, info.study_uid)) == 1


def test_stitching_geometry_and_linear_blend():
    from radix.viewer import stitching as st

    a, b = np.full((50, 40), 100.0), np.full((30, 40), 200.0)
    out = st.stitch([a, b], [st.Placement(), st.Placement()], direction="vertical", overlap=10)
    assert out.pixels.shape == (70, 40) and out.covered.all()
    column = out.pixels[:, 5]
    assert (column[:40] == 100).all() and (column[50:] == 200).all()  # one image only: its own values
    ramp = column[40:50]
    assert (np.diff(ramp) > 0).all() and 100 < ramp[0] < ramp[-1] < 200  # the overlap fades linearly

    hard = st.stitch([a, b], [st.Placement(), st.Placement()], overlap=10, blend="none")
    assert (hard.pixels[40:50, 5] == 200).all()  # the later image lies on top

    # a quarter turn is exact; a free rotation grows the box and masks the corners
    img = np.arange(12, dtype=float).reshape(3, 4)
    turned, mask = st.warp(img, 90, 1)
    assert np.array_equal(turned, np.rot90(img, -1)) and mask.all()
    free, mask = st.warp(np.ones((100, 100)), 45, 1)
    assert free.shape == (142, 142) and not mask[0, 0] and mask[71, 71]
    assert abs(mask.mean() - 100 * 100 / 142 ** 2) < 0.02
    half, _ = st.warp(np.ones((100, 60)), 0, 0.5)
    assert half.shape == (50, 30)

    # horizontally, side by side, centred across and moved by the pan
    side = st.stitch([a, b], [st.Placement(), st.Placement(dy=5)], direction="horizontal")
    assert side.pixels.shape == (50, 80)
    assert side.boxes == [(0, 0, 50, 40), (15, 40, 30, 40)]

