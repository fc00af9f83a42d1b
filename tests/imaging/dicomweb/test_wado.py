"""WADO-RS: metadata from the index, instances as stored or transcoded, frames cut by offset, kept
compressed (``transfer-syntax=*``) or decoded, bulk data, 406, access log, tenant isolation, share links."""

from __future__ import annotations

import io
import json
import sys
import types

import numpy as np
import pydicom
import pytest
import sqlalchemy as sa
from pydicom import encaps

from radix.imaging.models import Instance
from tests.conftest import system_session
from tests.imaging.dicomweb.helpers import make_instance, parse_multipart, sample_file, tag, uid

OCTET_ANY = "multipart/related; type=application/octet-stream; transfer-syntax=*"
FILES = ["CT_small.dcm", "MR_small.dcm", "JPEG2000.dcm", "MR_small_RLE.dcm", "SC_rgb_rle_2frame.dcm",
         "examples_ybr_color.dcm", "rtdose.dcm", "MR_small_bigendian.dcm", "image_dfl.dcm", "MR_small_implicit.dcm",
         "MR_small_jp2klossless.dcm", "examples_palette.dcm"]


@pytest.fixture(scope="module")
def archive(tenant_factory):
    arc = tenant_factory()
    for name in FILES:
        raw, ds = sample_file(name)
        arc.ingest(raw)
        arc.files[name] = (raw, ds)
    # one study of several series and instances, with pixel data big enough to be bulk data
    arc.study = uid()
    arc.series = [uid(), uid()]
    for i, series in enumerate(arc.series):
        for n in (1, 2, 3):
            raw = make_instance(study=arc.study, series=series, series_number=i + 1, instance_number=n, rows=32,
                                columns=32, modality="MR" if i else "CT")
            arc.ingest(raw)
    return arc


def _url(ds, suffix=""):
    return f"/dicom-web/studies/{ds.StudyInstanceUID}/series/{ds.SeriesInstanceUID}/instances/{ds.SOPInstanceUID}{suffix}"


def _stored(ds):
    with system_session() as s:
        inst = s.scalar(sa.select(Instance).where(Instance.sop_uid == ds.SOPInstanceUID))
        s.expunge(inst)
        return inst


def test_study_metadata_is_the_kept_json_with_absolute_bulk_uris(archive):
    r = archive.api.get(f"/dicom-web/studies/{archive.study}/metadata")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/dicom+json")
    assert r.headers["content-encoding"] == "gzip"  # the test client accepts gzip
    answer = r.json()
    assert len(answer) == 6
    with system_session() as s:
        kept = {i.sop_uid: i.metadata_json for i in s.scalars(sa.select(Instance).where(
            Instance.tenant_id == archive.tenant["id"], Instance.sop_uid.in_([tag(a, "00080018") for a in answer])))}
    for item in answer:
        expected = json.loads(kept[tag(item, "00080018")].replace("{wado}", "http://testserver/dicom-web"))
        # plus the stored transfer syntax, from the index
        assert item.pop("00083002") == {"vr": "UI", "Value": ["1.2.840.10008.1.2.1"]}
        assert item == expected
    uri = answer[0]["7FE00010"]["BulkDataURI"]
    assert uri.startswith(f"http://testserver/dicom-web/studies/{archive.study}/series/") and uri.endswith("/bulkdata/7FE00010")
    # the bulk data URI answers the pixel data
    parts = parse_multipart(archive.api.get(uri.replace("http://testserver", "")))
    assert len(parts) == 1 and len(parts[0][1]) == 32 * 32 * 2
    series = archive.api.get(f"/dicom-web/studies/{archive.study}/series/{archive.series[1]}/metadata").json()
    assert len(series) == 3 and [tag(i, "00200013") for i in series] == [1, 2, 3]
    _, ds = archive.files["CT_small.dcm"]
    one = archive.api.get(_url(ds, "/metadata")).json()
    assert len(one) == 1 and tag(one[0], "00080018") == ds.SOPInstanceUID


def test_native_frames_are_byte_identical(archive):
    _, ds = archive.files["CT_small.dcm"]
    for accept in (None, OCTET_ANY, "multipart/related; type=\"application/octet-stream\"; transfer-syntax=1.2.840.10008.1.2.1"):
        r = archive.api.get(_url(ds, "/frames/1"), headers={"Accept": accept} if accept else {})
        assert r.status_code == 200, r.text
        [(headers, data)] = parse_multipart(r)
        assert data == ds.PixelData
        assert headers["content-type"] == "application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1"
    # several frames of a multi-frame native instance (implicit VR, 32 bits)
    _, dose = archive.files["rtdose.dcm"]
    size = dose.Rows * dose.Columns * 4
    parts = parse_multipart(archive.api.get(_url(dose, "/frames/2,5,15"), headers={"Accept": OCTET_ANY}))
    assert [p[1] for p in parts] == [dose.PixelData[size * (n - 1): size * n] for n in (2, 5, 15)]
    # a single frame as a single part, when asked so
    r = archive.api.get(_url(ds, "/frames/1"), headers={"Accept": "application/octet-stream"})
    assert r.status_code == 200 and r.content == ds.PixelData


def test_frames_are_revalidated_by_etag_and_change_with_the_instance(archive):
    _, ds = archive.files["CT_small.dcm"]
    first = archive.api.get(_url(ds, "/frames/1"), headers={"Accept": OCTET_ANY})
    etag = first.headers["etag"]
    assert first.status_code == 200 and first.headers["cache-control"] == "private, no-cache"
    assert first.headers["vary"] == "Accept"
    again = archive.api.get(_url(ds, "/frames/1"), headers={"Accept": OCTET_ANY, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    # another representation (transcoded, single part) or another frame list is another entity
    other = archive.api.get(_url(ds, "/frames/1"), headers={"Accept": "application/octet-stream",
                                                             "If-None-Match": etag})
    assert other.status_code == 200 and other.headers["etag"] != etag and other.content == ds.PixelData
    # the instance overwritten (a re-sent SOP Instance UID under the overwrite policy): a new ETag
    with system_session() as s:
        s.execute(sa.update(Instance).where(Instance.tenant_id == archive.tenant["id"],
                                            Instance.sop_uid == ds.SOPInstanceUID)
                  .values(size_bytes=Instance.size_bytes + 1))
    try:
        changed = archive.api.get(_url(ds, "/frames/1"), headers={"Accept": OCTET_ANY, "If-None-Match": etag})
        assert changed.status_code == 200 and changed.headers["etag"] != etag
    finally:
        with system_session() as s:
            s.execute(sa.update(Instance).where(Instance.tenant_id == archive.tenant["id"],
                                                Instance.sop_uid == ds.SOPInstanceUID)
                      .values(size_bytes=Instance.size_bytes - 1))


@pytest.mark.parametrize("name, media", [
    ("JPEG2000.dcm", "image/jp2"),
    ("MR_small_jp2klossless.dcm", "image/jp2"),
    ("MR_small_RLE.dcm", "image/dicom-rle"),
    ("SC_rgb_rle_2frame.dcm", "image/dicom-rle"),
    ("examples_ybr_color.dcm", "image/jpeg"),
])
def test_star_returns_the_stored_compressed_frame(archive, name, media):
    _, ds = archive.files[name]
    frames = int(ds.get("NumberOfFrames", 1))
    n = frames  # the last frame
    r = archive.api.get(_url(ds, f"/frames/{n}"), headers={"Accept": OCTET_ANY})
    assert r.status_code == 200, r.text
    [(headers, data)] = parse_multipart(r)
    assert data == encaps.get_frame(ds.PixelData, n - 1, number_of_frames=frames)
    assert headers["content-type"] == f"{media}; transfer-syntax={ds.file_meta.TransferSyntaxUID}"


@pytest.mark.parametrize("name", ["JPEG2000.dcm", "MR_small_RLE.dcm", "SC_rgb_rle_2frame.dcm", "examples_ybr_color.dcm",
                                  "MR_small_bigendian.dcm", "image_dfl.dcm"])
def test_frames_transcoded_to_explicit_little_endian_are_the_decoded_pixels(archive, name):
    _, ds = archive.files[name]
    frames = int(ds.get("NumberOfFrames", 1))
    for accept in (None, 'multipart/related; type="application/octet-stream"',
                   "multipart/related; type=application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1"):
        r = archive.api.get(_url(ds, f"/frames/{frames}"), headers={"Accept": accept} if accept else {})
        assert r.status_code == 200, r.text
        [(headers, data)] = parse_multipart(r)
        assert headers["content-type"] == "application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1"
        expected = ds.pixel_array if frames == 1 else ds.pixel_array[frames - 1]
        assert data == expected.astype(expected.dtype.newbyteorder("<")).tobytes()


def test_frames_can_be_recompressed(archive):
    _, ds = archive.files["CT_small.dcm"]
    for media, ts in (("image/dicom-rle", "1.2.840.10008.1.2.5"), ("image/jp2", "1.2.840.10008.1.2.4.90")):
        r = archive.api.get(_url(ds, "/frames/1"), headers={"Accept": f'multipart/related; type="{media}"'})
        assert r.status_code == 200, r.text
        [(headers, data)] = parse_multipart(r)
        assert headers["content-type"] == f"{media}; transfer-syntax={ts}"
        from pydicom.pixels import get_decoder

        arr, _ = get_decoder(ts).as_array(encaps.encapsulate([data]), index=0, rows=ds.Rows, columns=ds.Columns,
                                          samples_per_pixel=1, bits_allocated=16, bits_stored=ds.BitsStored,
                                          pixel_representation=ds.PixelRepresentation,
                                          photometric_interpretation="MONOCHROME2", number_of_frames=1)
        assert (arr == ds.pixel_array).all()


@pytest.mark.parametrize("accept", [
    'multipart/related; type="image/jls"',
    "multipart/related; type=application/octet-stream; transfer-syntax=1.2.840.10008.1.2.4.50",
    "multipart/related; type=image/jpeg; transfer-syntax=1.2.840.10008.1.2.5",
    "application/dicom+json",
    "text/html",
])
def test_unsatisfiable_accept_is_406(archive, accept):
    _, ds = archive.files["CT_small.dcm"]
    r = archive.api.get(_url(ds, "/frames/1"), headers={"Accept": accept})
    assert r.status_code == 406, (accept, r.status_code, r.text)
    assert r.json()["code"] == "NOT_ACCEPTABLE"


def test_bad_frame_requests(archive):
    _, ds = archive.files["CT_small.dcm"]
    assert archive.api.get(_url(ds, "/frames/2")).status_code == 404
    for bad in ("abc", "0", "1,,2", "-1", "1.5"):
        r = archive.api.get(_url(ds, f"/frames/{bad}"))
        assert r.status_code == 400, (bad, r.text)
    assert archive.api.get(_url(ds, "/frames/1"), headers={"Accept": "multipart/related; type=\"x"}).status_code == 400
    assert archive.api.get(_url(ds, "/bulkdata/zzzz")).status_code == 400
    assert archive.api.get(_url(ds, "/bulkdata/00091234")).status_code == 404


def test_retrieve_instances_as_stored(archive):
    raw, ds = archive.files["JPEG2000.dcm"]
    r = archive.api.get(_url(ds), headers={"Accept": 'multipart/related; type="application/dicom"; transfer-syntax=*'})
    assert r.status_code == 200
    [(headers, data)] = parse_multipart(r)
    assert data == raw and headers["content-type"] == "application/dicom; transfer-syntax=1.2.840.10008.1.2.4.91"
    single = archive.api.get(_url(ds), headers={"Accept": "application/dicom"})
    assert single.status_code == 200 and single.content == raw
    study = archive.api.get(f"/dicom-web/studies/{archive.study}")
    parts = parse_multipart(study)
    assert len(parts) == 6 and all(pydicom.dcmread(io.BytesIO(p[1])).StudyInstanceUID == archive.study for p in parts)
    series = parse_multipart(archive.api.get(f"/dicom-web/studies/{archive.study}/series/{archive.series[0]}"))
    assert len(series) == 3


def test_retrieve_transcoded(archive):
    _, ds = archive.files["JPEG2000.dcm"]
    r = archive.api.get(_url(ds), headers={
        "Accept": 'multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.1'})
    [(headers, data)] = parse_multipart(r)
    assert headers["content-type"] == "application/dicom; transfer-syntax=1.2.840.10008.1.2.1"
    out = pydicom.dcmread(io.BytesIO(data))
    assert out.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.1" and (out.pixel_array == ds.pixel_array).all()
    bad = archive.api.get(_url(ds), headers={
        "Accept": 'multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.4.50'})
    assert bad.status_code == 406


def test_bulkdata_of_compressed_pixel_data_is_its_frames(archive):
    _, ds = archive.files["SC_rgb_rle_2frame.dcm"]
    parts = parse_multipart(archive.api.get(_url(ds, "/bulkdata/7FE00010"), headers={"Accept": OCTET_ANY}))
    assert [p[1] for p in parts] == [encaps.get_frame(ds.PixelData, i, number_of_frames=2) for i in (0, 1)]
    # any other bulk data element: its value bytes
    profile = bytes(range(256)) * 8
    raw = make_instance(study=uid(), series=uid(), extra={"ICCProfile": profile})
    result = archive.ingest(raw)
    url = f"/dicom-web/studies/{result.study_uid}/series/{result.series_uid}/instances/{result.sop_uid}"
    meta = archive.api.get(url + "/metadata").json()[0]
    uri = meta["00282000"]["BulkDataURI"]
    assert uri == f"http://testserver{url}/bulkdata/00282000"
    [(headers, data)] = parse_multipart(archive.api.get(uri.replace("http://testserver", "")))
    assert data == profile and headers["content-type"] == "application/octet-stream"
    assert archive.api.get(uri.replace("http://testserver", ""), headers={"Accept": "application/octet-stream"}).content == profile


def test_a_metadata_read_is_one_image_view(archive, monkeypatch):
    from radix.imaging.dicomweb import access
    from radix.platform.log.models import AccessLog

    monkeypatch.setattr(access, "_recent_views", {})  # earlier tests of this module read the study too
    viewer = archive.api

    def views():
        with system_session() as s:
            return s.scalars(sa.select(AccessLog).where(AccessLog.target_id == archive.study,
                                                        AccessLog.account_id == viewer.me["user"]["id"])).all()

    before = len(views())
    assert viewer.get(f"/dicom-web/studies/{archive.study}/metadata").status_code == 200
    rows = views()
    assert len(rows) == before + 1
    assert rows[-1].title == "影像调阅" and rows[-1].target_type == "study" and rows[-1].kind == "record"
    assert rows[-1].tenant_id == archive.tenant["id"]
    # the viewer then reads series metadata and frames: still one view of the study
    viewer.get(f"/dicom-web/studies/{archive.study}/series/{archive.series[0]}/metadata")
    insts = viewer.get(f"/dicom-web/studies/{archive.study}/series/{archive.series[0]}/instances").json()
    viewer.get(tag(insts[0], "00081190").replace("http://testserver", "") + "/frames/1")
    assert len(views()) == before + 1


def test_another_tenant_gets_404_everywhere(archive, tenant_factory):
    other = tenant_factory()
    _, ds = archive.files["CT_small.dcm"]
    base = _url(ds)
    urls = [f"/dicom-web/studies/{ds.StudyInstanceUID}", f"/dicom-web/studies/{ds.StudyInstanceUID}/metadata",
            f"/dicom-web/studies/{ds.StudyInstanceUID}/series/{ds.SeriesInstanceUID}",
            f"/dicom-web/studies/{ds.StudyInstanceUID}/series/{ds.SeriesInstanceUID}/metadata",
            base, base + "/metadata", base + "/frames/1", base + "/bulkdata/7FE00010", base + "/rendered",
            base + "/thumbnail", f"/dicom-web/studies/{ds.StudyInstanceUID}/thumbnail",
            (f"/wado?requestType=WADO&studyUID={ds.StudyInstanceUID}&seriesUID={ds.SeriesInstanceUID}"
             f"&objectUID={ds.SOPInstanceUID}&contentType=application/dicom")]
    for url in urls:
        r = other.api.get(url)
        assert r.status_code == 404, (url, r.status_code)
        assert archive.api.get(url).status_code == 200, url


@pytest.fixture()
def share_links(monkeypatch, archive):
    """Stands in for radix.imaging.share.service (built elsewhere): token → one study of the tenant."""
    from radix.core.errors import NotFound

    links = {}

    def resolve_token(session, token):
        if token not in links:
            raise NotFound("分享链接不存在或已失效", code="SHARE_NOT_FOUND")
        return links[token]

    module = types.ModuleType("radix.imaging.share.service")
    module.resolve_token = resolve_token
    monkeypatch.setitem(sys.modules, "radix.imaging.share.service", module)
    return links


def test_share_link_opens_one_study_only(archive, anonymous, share_links):
    share_links["tok-1"] = types.SimpleNamespace(tenant_id=archive.tenant["id"], study_uid=archive.study)
    header = {"X-Radix-Share": "tok-1"}
    r = anonymous.get(f"/dicom-web/studies/{archive.study}/metadata", headers=header)
    assert r.status_code == 200 and len(r.json()) == 6
    assert _uids(anonymous.get("/dicom-web/studies", headers=header).json()) == [archive.study]
    insts = anonymous.get(f"/dicom-web/studies/{archive.study}/instances", headers=header).json()
    assert len(insts) == 6
    _, ds = archive.files["CT_small.dcm"]  # same tenant, another study
    assert anonymous.get(_url(ds, "/metadata"), headers=header).status_code == 404
    assert anonymous.get(f"/dicom-web/studies?StudyInstanceUID={ds.StudyInstanceUID}", headers=header).json() == []
    # as a query parameter, the token is carried into the URLs handed out
    r = anonymous.get(f"/dicom-web/studies/{archive.study}/metadata?share=tok-1")
    uri = r.json()[0]["7FE00010"]["BulkDataURI"]
    assert uri.endswith("/bulkdata/7FE00010?share=tok-1")
    assert anonymous.get(uri.replace("http://testserver", "")).status_code == 200
    # reading only, and only with a valid token
    assert anonymous.post("/dicom-web/studies", headers=header, content=b"").status_code == 403
    assert anonymous.get("/dicom-web/studies", headers={"X-Radix-Share": "nope"}).status_code == 404
    assert anonymous.get("/dicom-web/studies").status_code == 401


def test_share_without_the_share_module_is_401(archive, anonymous, monkeypatch):
    monkeypatch.setitem(sys.modules, "radix.imaging.share.service", None)
    r = anonymous.get("/dicom-web/studies", headers={"X-Radix-Share": "tok-1"})
    assert r.status_code == 401 and r.json()["code"] == "SHARE_UNAVAILABLE"


def _uids(answer):
    return [tag(a, "0020000D") for a in answer]


def test_frames_need_no_parse_of_the_file(archive, monkeypatch):
    """Native frames and metadata are served from the index and one seek: pydicom is never called."""
    _, ds = archive.files["CT_small.dcm"]

    def boom(*a, **k):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(pydicom, "dcmread", boom)
    r = archive.api.get(_url(ds, "/frames/1"), headers={"Accept": OCTET_ANY})
    assert r.status_code == 200 and parse_multipart(r)[0][1] == ds.PixelData
    assert archive.api.get(f"/dicom-web/studies/{archive.study}/metadata").status_code == 200
    assert np.frombuffer(parse_multipart(r)[0][1], "<i2").shape == (128 * 128,)


def test_a_real_share_link_reads_its_study(archive, anonymous):
    """With the share package in place: a link made through its API opens the study over DICOMweb."""
    pytest.importorskip("radix.imaging.share.service")
    with system_session() as s:
        from radix.imaging.models import Study

        study_id = s.scalar(sa.select(Study.id).where(Study.tenant_id == archive.tenant["id"],
                                                     Study.study_uid == archive.study))
    created = archive.api.post("/api/v1/imaging/shares", json={"studyId": study_id, "validity": "30m"})
    if created.status_code == 404:
        pytest.skip("share routes not mounted")
    assert created.status_code == 201, created.text
    token = created.json()["token"]
    anonymous.cookies.clear()
    r = anonymous.get(f"/dicom-web/studies/{archive.study}/metadata?share={token}")
    assert r.status_code == 200 and len(r.json()) == 6
    series = anonymous.get(f"/dicom-web/studies/{archive.study}/series", headers={"X-Radix-Share": token}).json()
    assert len(series) == 2
    _, ds = archive.files["CT_small.dcm"]
    assert anonymous.get(_url(ds, "/metadata"), headers={"X-Radix-Share": token}).status_code == 404
    archive.api.post(f"/api/v1/imaging/shares/{created.json()['id']}/revoke")
    assert anonymous.get(f"/dicom-web/studies/{archive.study}/metadata?share={token}").status_code == 403
