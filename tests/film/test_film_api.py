"""Print tasks through the API: validation (in Chinese, 4xx), composition of the cells (window, flips,
rotation, zoom, pan), preview, PDF / PNG export, tenant isolation and the list."""

from __future__ import annotations

import io
import re
import zipfile

import numpy as np
import pytest
from PIL import Image

from radix.film import compose
from radix.film.schemas import FilmLayout
from tests.film.conftest import add_printer, ingest_study

URL = "/api/v1/film/tasks"


@pytest.fixture(scope="module")
def hospital(tenant_factory):
    return tenant_factory()


@pytest.fixture(scope="module")
def refs(hospital):
    return ingest_study(hospital.tenant["id"], 5)


def _body(refs, **layout):
    return {"images": [dict(r) for r in refs], "filmSize": "8INX10IN", "dpi": 50, "rows": 2, "columns": 2, **layout}


def _image(r) -> np.ndarray:
    assert r.status_code == 200, r.text
    return np.asarray(Image.open(io.BytesIO(r.content)).convert("L"))


def test_validation_errors_are_4xx_in_chinese(hospital, refs, tenant_factory):
    api = hospital.api
    r = api.post(URL, json=_body([]))
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "images"
    for bad in ({"rows": 0}, {"columns": 9}, {"rows": "三"}, {"copies": 0}, {"filmSize": "2INX2IN"},
                {"orientation": "DIAGONAL"}, {"dpi": 10000}):
        r = api.post(URL, json=_body(refs, **bad))
        assert r.status_code == 422, (bad, r.text)
        field = next(iter(bad))
        assert r.json()["fields"][0]["field"] == field and re.search(r"[\u4e00-\u9fff]", r.json()["message"])
    r = api.post(URL, json=_body([{**refs[0], "rotate": 45}]))
    assert r.status_code == 422 and r.json()["fields"][0]["field"].startswith("images")
    r = api.post(URL, json=_body([{**refs[0], "sopUid": "not-a-uid"}]))
    assert r.status_code == 422
    r = api.post(URL, json=_body([{**refs[0], "frame": 2}]))
    assert r.status_code == 422 and r.json()["code"] == "FRAME_OUT_OF_RANGE" and "共 1 帧" in r.json()["message"]
    r = api.post(URL, json=_body([{**refs[0], "sopUid": "1.2.3.4.5"}]))
    assert r.status_code == 404 and r.json()["code"] == "INSTANCE_NOT_FOUND" and "第 1 幅" in r.json()["message"]

    # another tenant's image is not found, as if it did not exist
    other = tenant_factory()
    foreign = ingest_study(other.tenant["id"], 1)
    r = api.post(URL, json=_body([refs[0], foreign[0]]))
    assert r.status_code == 404 and r.json()["code"] == "INSTANCE_NOT_FOUND" and "第 2 幅" in r.json()["message"]
    r = api.post("/api/v1/film/preview", json=_body(foreign))
    assert r.status_code == 404
    # a node that is not a printer, or not ours
    plain = add_printer(hospital.tenant["id"], 104, allow_print=False)
    r = api.post(URL, json=_body(refs, nodeId=plain))
    assert r.status_code == 422 and r.json()["code"] == "NODE_NOT_PRINTER"
    r = api.post(URL, json=_body(refs, nodeId=add_printer(other.tenant["id"], 104)))
    assert r.status_code == 422 and r.json()["code"] == "NODE_NOT_FOUND"


def test_create_read_update_and_list(hospital, refs):
    api = hospital.api
    task = api.ok("POST", URL, status=201, json=_body(refs))
    assert task["status"] == "pending" and task["numImages"] == 5 and task["numFilms"] == 2
    assert task["patientName"] == "Zhang^San=张^三" and task["name"].startswith("张三")
    assert task["images"][0]["sopUid"] == refs[0]["sopUid"] and task["images"][0]["zoom"] == 1
    changed = api.ok("PATCH", f"{URL}/{task['id']}", json={"rows": 1, "columns": 1, "copies": 3, "name": "复查胶片"})
    assert changed["numFilms"] == 5 and changed["copies"] == 3 and changed["name"] == "复查胶片"
    changed = api.ok("PATCH", f"{URL}/{task['id']}", json={"images": [dict(refs[0])]})
    assert changed["numImages"] == 1 and changed["numFilms"] == 1
    r = api.patch(f"{URL}/{task['id']}", json={"images": []})
    assert r.status_code == 422
    listed = api.ok("GET", URL, params={"patientName": "张三", "status": "pending"})
    assert task["id"] in {i["id"] for i in listed["items"]}
    assert api.ok("GET", URL, params={"status": "done"})["total"] == 0
    events = api.ok("GET", f"{URL}/{task['id']}/events")
    assert [e["status"] for e in events] == ["pending"] and "创建打印任务" in events[0]["message"]
    options = api.ok("GET", "/api/v1/film/options")
    assert {"14INX17IN", "8INX10IN"} <= {o["value"] for o in options["filmSizes"]}
    assert any(p["name"] == "patientName" for p in options["placeholders"]) and options["headerTemplates"]
    api.ok("DELETE", f"{URL}/{task['id']}", status=204)
    assert api.get(f"{URL}/{task['id']}").status_code == 404


def test_cells_follow_their_window_flips_rotation_zoom_and_pan(hospital, refs):
    """The test image is dark (0 HU) on the left and bright (1000 HU) on the right."""
    api = hospital.api
    base = {**refs[0], "windowCenter": 500, "windowWidth": 10}
    cells = [
        base,  # dark | bright
        {**base, "flipH": True},  # bright | dark
        {**base, "rotate": 90},  # clockwise: dark on top
        {**base, "invert": True},  # bright | dark
        {**base, "windowCenter": 2000, "windowWidth": 100},  # everything below the window: black
        {**base, "zoom": 4, "panX": 0.5},  # magnified, moved right: the dark half fills the cell
    ]
    body = _body(cells, rows=2, columns=3, annotate=False, header="")
    layout = FilmLayout.model_validate(body)
    geo = compose.geometry(layout)
    task = api.ok("POST", URL, status=201, json=body)
    sheet = _image(api.get(f"{URL}/{task['id']}/export", params={"format": "png"}))
    assert sheet.shape == (geo.height, geo.width) == (500, 400)
    assert geo.header[3] == 0  # no header: the grid starts at the margin

    def cell(n):
        x, y, w, h = geo.cells[n]
        return sheet[y:y + h, x:x + w].astype(int)

    def centre(a, fx, fy):
        h, w = a.shape
        return a[int(h * fy), int(w * fx)]

    c = cell(0)
    assert centre(c, 0.35, 0.5) == 0 and centre(c, 0.65, 0.5) == 255
    c = cell(1)
    assert centre(c, 0.35, 0.5) == 255 and centre(c, 0.65, 0.5) == 0
    c = cell(2)  # 60×40 turned upright: 40 wide, 60 tall; dark half on top
    assert centre(c, 0.5, 0.4) == 0 and centre(c, 0.5, 0.6) == 255
    assert centre(c, 0.5, 0.98) == 0  # fitted to the cell's width: black below the bright half
    c = cell(3)
    assert centre(c, 0.35, 0.5) == 255 and centre(c, 0.65, 0.5) == 0
    assert cell(4).max() == 0
    c = cell(5)
    assert c[5:-5, 5:-5].max() == 0 or np.mean(c == 0) > 0.95

    # the preview is the same film, smaller
    r = api.post("/api/v1/film/preview", json=body, params={"width": 200})
    preview = _image(r)
    assert preview.shape == (250, 200) and r.headers["x-film-pages"] == "1"
    ratio = preview.shape[1] / sheet.shape[1]
    x, y, w, h = geo.cells[1]
    left = preview[int((y + h * 0.5) * ratio), int((x + w * 0.3) * ratio)]
    assert left == 255


def test_pdf_and_png_exports(hospital, refs):
    api = hospital.api
    task = api.ok("POST", URL, status=201, json=_body(refs, header="{patientName} {patientId} {page}/{pages}"))
    r = api.get(f"{URL}/{task['id']}/export", params={"format": "pdf"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF")
    assert r.content.count(b"/Type /Page\n") == 2  # 5 images on 2×2 films
    boxes = re.findall(rb"/MediaBox \[ ?0 0 ([\d.]+) ([\d.]+) ?\]", r.content)
    assert len(boxes) == 2 and all((float(w), float(h)) == (576.0, 720.0) for w, h in boxes)  # 8 × 10 in
    assert "filename*=UTF-8''" in r.headers["content-disposition"]

    r = api.get(f"{URL}/{task['id']}/export", params={"format": "png", "page": 2})
    image = Image.open(io.BytesIO(r.content))
    assert image.format == "PNG" and image.mode == "L" and image.size == (400, 500)
    assert round(image.info["dpi"][0]) == 50
    r = api.get(f"{URL}/{task['id']}/export", params={"format": "png"})
    assert r.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        names = sorted(zf.namelist())
        assert len(names) == 2
        assert all(Image.open(io.BytesIO(zf.read(n))).size == (400, 500) for n in names)
    r = api.get(f"{URL}/{task['id']}/export", params={"format": "png", "page": 3})
    assert r.status_code == 422 and r.json()["code"] == "FILM_PAGE_OUT_OF_RANGE"
    r = api.get(f"{URL}/{task['id']}/export", params={"format": "tiff"})
    assert r.status_code == 422

    landscape = api.ok("POST", URL, status=201, json=_body(refs[:1], orientation="LANDSCAPE", filmSize="14INX17IN"))
    r = api.get(f"{URL}/{landscape['id']}/export", params={"format": "pdf"})
    (box,) = re.findall(rb"/MediaBox \[ ?0 0 ([\d.]+) ([\d.]+) ?\]", r.content)
    assert (float(box[0]), float(box[1])) == (1224.0, 1008.0)  # 17 × 14 in


def test_other_tenants_cannot_see_or_print_a_task(hospital, refs, tenant_factory):
    task = hospital.api.ok("POST", URL, status=201, json=_body(refs[:1]))
    other = tenant_factory()
    for method, path in (("GET", ""), ("GET", "/preview"), ("GET", "/export"), ("GET", "/events"), ("GET", "/output"),
                         ("POST", "/print"), ("PATCH", ""), ("DELETE", "")):
        r = other.api.request(method, f"{URL}/{task['id']}{path}", json={} if method in ("POST", "PATCH") else None)
        assert r.status_code == 404, (method, path, r.text)
    assert task["id"] not in {i["id"] for i in other.api.ok("GET", URL, params={"pageSize": 200})["items"]}
    assert hospital.api.ok("GET", f"{URL}/{task['id']}")["status"] == "pending"


def test_films_too_large_to_compose_are_refused(hospital, refs):
    api = hospital.api
    r = api.post(URL, json=_body(refs, filmSize="14INX17IN", dpi=400))
    assert r.status_code == 422 and r.json()["code"] == "FILM_TOO_LARGE" and r.json()["fields"][0]["field"] == "dpi"
    many = [dict(refs[i % len(refs)]) for i in range(60)]
    r = api.post(URL, json=_body(many, filmSize="14INX17IN", dpi=300, rows=1, columns=1))
    assert r.status_code == 422 and r.json()["code"] == "FILM_TOO_LARGE" and "共 60 张" in r.json()["message"]
    r = api.post("/api/v1/film/preview", json=_body(refs, filmSize="14INX17IN", dpi=400), params={"width": 300})
    assert r.status_code == 200  # the preview is composed at its own, small resolution
