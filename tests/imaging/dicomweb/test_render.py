"""/rendered and /thumbnail (JPEG, PNG; window, viewport) and WADO-URI."""

from __future__ import annotations

import io

import numpy as np
import pydicom
import pytest
from PIL import Image

from tests.imaging.dicomweb.helpers import make_instance, sample_file, uid


@pytest.fixture(scope="module")
def archive(tenant_factory):
    arc = tenant_factory()
    for name in ("CT_small.dcm", "JPEG2000.dcm", "examples_ybr_color.dcm", "SC_rgb_rle.dcm", "examples_palette.dcm",
                 "liver_1frame.dcm"):
        raw, ds = sample_file(name)
        arc.ingest(raw)
        arc.files[name] = (raw, ds)
    arc.study, arc.series = uid(), uid()
    for n in (1, 2, 3):
        arc.ingest(make_instance(study=arc.study, series=arc.series, instance_number=n, rows=64, columns=32))
    return arc


def _url(ds, suffix=""):
    return f"/dicom-web/studies/{ds.StudyInstanceUID}/series/{ds.SeriesInstanceUID}/instances/{ds.SOPInstanceUID}{suffix}"


def _image(r, fmt="JPEG"):
    assert r.status_code == 200, r.text
    image = Image.open(io.BytesIO(r.content))
    assert image.format == fmt
    return image


def test_rendered_instance_jpeg_and_png(archive):
    _, ds = archive.files["CT_small.dcm"]
    jpeg = _image(archive.api.get(_url(ds, "/rendered")))
    assert jpeg.size == (128, 128) and jpeg.mode == "L"
    png = _image(archive.api.get(_url(ds, "/rendered"), headers={"Accept": "image/png"}), "PNG")
    assert png.size == (128, 128)
    small = _image(archive.api.get(_url(ds, "/rendered?viewport=64,64")))
    assert small.size == (64, 64)
    wide = _image(archive.api.get(_url(ds, "/rendered?viewport=100,50")))
    assert wide.size == (50, 50)  # fitted, aspect kept


def test_window_is_applied(archive):
    _, ds = archive.files["CT_small.dcm"]
    values = ds.pixel_array.astype(np.float64) * float(ds.get("RescaleSlope", 1)) + float(ds.get("RescaleIntercept", 0))
    center, width = 40.0, 400.0
    r = archive.api.get(_url(ds, f"/rendered?window={center:g},{width:g},linear-exact"), headers={"Accept": "image/png"})
    got = np.asarray(_image(r, "PNG"), dtype=np.int16)
    expected = np.clip(((values - center) / width + 0.5) * 255.0, 0, 255).astype(np.uint8).astype(np.int16)
    assert np.abs(got - expected).max() <= 1
    narrow = np.asarray(_image(archive.api.get(_url(ds, "/rendered?window=0,10"), headers={"Accept": "image/png"}), "PNG"))
    assert set(np.unique(narrow)) - {0, 255} == set() or np.mean((narrow == 0) | (narrow == 255)) > 0.9
    sigmoid = _image(archive.api.get(_url(ds, "/rendered?window=40,400,sigmoid")))
    assert sigmoid.size == (128, 128)


@pytest.mark.parametrize("name", ["JPEG2000.dcm", "examples_ybr_color.dcm", "SC_rgb_rle.dcm", "examples_palette.dcm",
                                  "liver_1frame.dcm"])
def test_rendered_of_many_kinds(archive, name):
    _, ds = archive.files[name]
    image = _image(archive.api.get(_url(ds, "/rendered?viewport=200,200")))
    assert max(image.size) == 200
    assert image.mode == ("RGB" if ds.SamplesPerPixel == 3 or ds.PhotometricInterpretation == "PALETTE COLOR" else "L")


def test_rendered_frames_and_thumbnails(archive):
    _, ds = archive.files["examples_ybr_color.dcm"]
    one = _image(archive.api.get(_url(ds, "/frames/7/rendered")))
    assert one.size == (320, 240)
    r = archive.api.get(_url(ds, "/frames/1,2/rendered"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("multipart/related")
    assert archive.api.get(_url(ds, "/frames/31/rendered")).status_code == 404
    for url in (f"/dicom-web/studies/{archive.study}/thumbnail",
                f"/dicom-web/studies/{archive.study}/series/{archive.series}/thumbnail",
                _url(ds, "/thumbnail"), _url(ds, "/frames/3/thumbnail")):
        thumb = _image(archive.api.get(url))
        assert max(thumb.size) == 128, url
    series_thumb = _image(archive.api.get(f"/dicom-web/studies/{archive.study}/series/{archive.series}/thumbnail"))
    assert series_thumb.size == (64, 128)  # 64 rows × 32 columns, fitted into 128
    assert _image(archive.api.get(_url(ds, "/thumbnail?viewport=32,32"))).size == (32, 24)


@pytest.mark.parametrize("query", ["window=abc", "window=40", "window=40,0", "window=40,400,cubic", "viewport=0,0",
                                   "viewport=99999,1", "viewport=a,b", "quality=0", "quality=101",
                                   "viewport=10,10,500,500,10,10"])
def test_bad_render_parameters_are_400(archive, query):
    _, ds = archive.files["CT_small.dcm"]
    r = archive.api.get(_url(ds, f"/rendered?{query}"))
    assert r.status_code == 400, (query, r.status_code, r.text)


def test_render_accept(archive):
    _, ds = archive.files["CT_small.dcm"]
    assert archive.api.get(_url(ds, "/rendered"), headers={"Accept": "image/gif"}).status_code == 406
    assert archive.api.get(_url(ds, "/rendered"), headers={"Accept": "image/*"}).headers["content-type"] == "image/jpeg"


def _wado(ds, **extra):
    params = {"requestType": "WADO", "studyUID": ds.StudyInstanceUID, "seriesUID": ds.SeriesInstanceUID,
              "objectUID": ds.SOPInstanceUID, **extra}
    return "/wado?" + "&".join(f"{k}={v}" for k, v in params.items())


def test_wado_uri(archive):
    raw, ds = archive.files["CT_small.dcm"]
    r = archive.api.get(_wado(ds, contentType="application/dicom"))
    assert r.status_code == 200 and r.headers["content-type"] == "application/dicom" and r.content == raw
    default = _image(archive.api.get(_wado(ds)))
    assert default.size == (128, 128)
    sized = _image(archive.api.get(_wado(ds, contentType="image/jpeg", rows=32, columns=32, windowCenter=40,
                                         windowWidth=400, imageQuality=80)))
    assert sized.size == (32, 32)
    png = _image(archive.api.get(_wado(ds, contentType="image/png", region="0,0,0.5,0.5")), "PNG")
    assert png.size == (64, 64)
    _, multi = archive.files["examples_ybr_color.dcm"]
    assert _image(archive.api.get(_wado(multi, frameNumber=5))).size == (320, 240)
    _, j2k = archive.files["JPEG2000.dcm"]
    out = archive.api.get(_wado(j2k, contentType="application/dicom", transferSyntax="1.2.840.10008.1.2.1"))
    decoded = pydicom.dcmread(io.BytesIO(out.content))
    assert decoded.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.1" and (decoded.pixel_array == j2k.pixel_array).all()


@pytest.mark.parametrize("change, status", [
    ({"requestType": "WADOX"}, 400), ({"studyUID": "abc"}, 400), ({"objectUID": ""}, 400),
    ({"windowCenter": "40"}, 400), ({"frameNumber": "0"}, 400), ({"rows": "-3"}, 400),
    ({"region": "0.5,0.5,0.1,0.1"}, 400), ({"contentType": "video/mpeg"}, 406),
    ({"objectUID": "1.2.3.4.5"}, 404), ({"frameNumber": "2"}, 404),
    ({"transferSyntax": "1.2.840.10008.1.2.4.50", "contentType": "application/dicom"}, 406),
])
def test_wado_uri_bad_input(archive, change, status):
    _, ds = archive.files["CT_small.dcm"]
    params = {"requestType": "WADO", "studyUID": ds.StudyInstanceUID, "seriesUID": ds.SeriesInstanceUID,
              "objectUID": ds.SOPInstanceUID, **change}
    r = archive.api.get("/wado", params=params)
    assert r.status_code == status, (change, r.status_code, r.text)
    assert r.json()["code"]
