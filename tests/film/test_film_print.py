"""Printing print tasks on a real pynetdicom Print SCP (Basic Grayscale Print Management), and the
task's states: 待打印 → 打印中 → 已完成 / 失败, each change logged."""

from __future__ import annotations

import io
import socket
from typing import Any

import numpy as np
import pytest
from PIL import Image

from radix.film import compose
from radix.film.schemas import FilmLayout
from tests.film.conftest import FILM_BOX, FILM_SESSION, add_printer, ingest_study, print_scp

URL = "/api/v1/film/tasks"


@pytest.fixture(scope="module")
def hospital(tenant_factory):
    return tenant_factory()


def _task(api, refs, **layout):
    body = {"images": [dict(r) for r in refs], "filmSize": "8INX10IN", "dpi": 60, "rows": 2, "columns": 2,
            "header": "{hospital} {patientName} {patientId} 第{page}/{pages}张", **layout}
    return api.ok("POST", URL, status=201, json=body)


def _png(api, task_id, page):
    r = api.get(f"{URL}/{task_id}/export", params={"format": "png", "page": page})
    assert r.status_code == 200, r.text
    return np.asarray(Image.open(io.BytesIO(r.content)).convert("L"))


def _statuses(api, task_id):
    return [e["status"] for e in api.ok("GET", f"{URL}/{task_id}/events")]


def test_grid_print_creates_session_boxes_and_images_as_composed(hospital):
    api = hospital.api
    refs = ingest_study(hospital.tenant["id"], 5)
    with print_scp() as scp:
        node = add_printer(hospital.tenant["id"], scp.port, ae_title=scp.ae_title)
        task = _task(api, refs, orientation="LANDSCAPE", copies=2, medium="CLEAR FILM", nodeId=node,
                     images=[{**r, "windowCenter": 500, "windowWidth": 10} for r in refs])
        assert task["status"] == "pending" and task["numFilms"] == 2 and task["nodeName"]
        run = api.ok("POST", f"{URL}/{task['id']}/print", status=202, json={})
        assert run["type"] == "film.print"
        done = api.ok("GET", f"/api/v1/jobs/{run['id']}")
        assert done["status"] == "succeeded", done
        assert done["progress"] == 100 and done["result"]["films"] == 2 and done["result"]["images"] == 5

    # the film session: copies and medium
    assert len(scp.sessions) == 1
    session = next(iter(scp.sessions.values()))
    assert int(session.NumberOfCopies) == 2 and session.MediumType == "CLEAR FILM"
    # two film boxes in STANDARD\c,r, landscape, 8×10 in, both printed, then deleted with the session
    films = scp.films()
    assert len(films) == 2
    for film in films:
        box = film["box"]
        assert box.ImageDisplayFormat == "STANDARD\\2,2"
        assert box.FilmOrientation == "LANDSCAPE" and box.FilmSizeID == "8INX10IN"
    assert [len(f["images"]) for f in films] == [4, 1]
    assert [c for c, _ in scp.deleted] == [FILM_BOX, FILM_BOX, FILM_SESSION]
    assert scp.calls[0] == f"N-CREATE {FILM_SESSION}" and scp.calls[-1] == f"N-DELETE {FILM_SESSION}"

    # each image box holds the cell exactly as it is on the composed film (the PNG export at the same DPI)
    layout = FilmLayout.model_validate(api.ok("GET", f"{URL}/{task['id']}"))
    geo = compose.geometry(layout)
    assert (geo.width, geo.height) == (600, 480)  # 10 × 8 in at 60 dpi, landscape
    for page, film in enumerate(films, 1):
        sheet = _png(api, task["id"], page)
        assert sheet.shape == (geo.height, geo.width)
        for position, pixels in film["images"].items():
            x, y, w, h = geo.cells[position - 1]
            assert pixels.shape == (h, w)
            assert np.array_equal(pixels, sheet[y:y + h, x:x + w])
            # window 500/10: the 0 HU half is black, the 1000 HU half white
            mid = h // 2
            assert pixels[mid, w // 2 - 20] == 0 and pixels[mid, w // 2 + 20] == 255

    detail = api.ok("GET", f"{URL}/{task['id']}")
    assert detail["status"] == "done" and "已打印 2 张胶片" in detail["message"] and detail["finishedAt"]
    # this printer has no annotation boxes: the task says the header was not printed
    assert "胶片抬头未打印" in detail["message"] and not scp.annotations
    events = api.ok("GET", f"{URL}/{task['id']}/events")
    assert [e["status"] for e in events] == ["pending", "pending", "printing", "done"]
    assert events[0]["actor"] == "admin" and events[-1]["actor"] == "打印服务"


def test_grid_print_sends_the_header_to_the_printers_annotation_boxes(hospital):
    api = hospital.api
    refs = ingest_study(hospital.tenant["id"], 5)
    with print_scp(annotation_boxes=2) as scp:
        node = add_printer(hospital.tenant["id"], scp.port, ae_title=scp.ae_title)
        task = _task(api, refs, nodeId=node, header="{patientId}\n第{page}/{pages}张")
        run = api.ok("POST", f"{URL}/{task['id']}/print", status=202)
        assert api.ok("GET", f"/api/v1/jobs/{run['id']}")["status"] == "succeeded"
    films = scp.films()
    assert len(films) == 2
    patient_id = api.ok("GET", f"{URL}/{task['id']}")["patientId"]
    for page, film in enumerate(films, 1):
        assert film["box"].AnnotationDisplayFormatID == "LABEL"
        box_uid = scp.printed[page - 1]
        assert scp.annotations[box_uid] == {1: patient_id, 2: f"第{page}/2张"}
    assert "抬头未打印" not in api.ok("GET", f"{URL}/{task['id']}")["message"]


def test_sheet_mode_prints_the_whole_film_with_its_header(hospital):
    api = hospital.api
    refs = ingest_study(hospital.tenant["id"], 3)
    with print_scp() as scp:
        node = add_printer(hospital.tenant["id"], scp.port, ae_title=scp.ae_title)
        task = _task(api, refs, printMode="sheet", rows=1, columns=3, nodeId=node)
        run = api.ok("POST", f"{URL}/{task['id']}/print", status=202)
        assert api.ok("GET", f"/api/v1/jobs/{run['id']}")["status"] == "succeeded"
    (film,) = scp.films()
    assert film["box"].ImageDisplayFormat == "STANDARD\\1,1" and film["box"].FilmOrientation == "PORTRAIT"
    (pixels,) = film["images"].values()
    sheet = _png(api, task["id"], 1)
    assert pixels.shape == (600, 480) and np.array_equal(pixels, sheet)
    geo = compose.geometry(FilmLayout.model_validate(task))
    x, y, w, h = geo.header
    assert h > 0 and pixels[y:y + h, x:x + w].max() > 200  # the header's white text is on the film


def test_a_refusing_printer_fails_the_task_with_a_reason(hospital):
    api = hospital.api
    refs = ingest_study(hospital.tenant["id"], 1)
    # the printer rejects the association: it is not the AE title we call
    with print_scp() as scp:
        node = add_printer(hospital.tenant["id"], scp.port)
        task = _task(api, refs, nodeId=node)
        run = api.ok("POST", f"{URL}/{task['id']}/print", status=202)
        job = api.ok("GET", f"/api/v1/jobs/{run['id']}")
    assert job["status"] == "failed" and "拒绝" in job["message"]
    detail = api.ok("GET", f"{URL}/{task['id']}")
    assert detail["status"] == "failed" and "拒绝了关联请求" in detail["message"]
    assert scp.calls == []
    assert _statuses(api, task["id"]) == ["pending", "pending", "printing", "failed"]

    # the printer answers the film session with "resource limitation"
    with print_scp(refuse_session=0x0213) as scp:
        node = add_printer(hospital.tenant["id"], scp.port, ae_title=scp.ae_title)
        api.ok("PATCH", f"{URL}/{task['id']}", json={"nodeId": node})
        run = api.ok("POST", f"{URL}/{task['id']}/print", status=202)
        job = api.ok("GET", f"/api/v1/jobs/{run['id']}")
    assert job["status"] == "failed"
    detail = api.ok("GET", f"{URL}/{task['id']}")
    assert detail["status"] == "failed" and "创建胶片会话失败" in detail["message"] and "0x0213" in detail["message"]
    assert "资源不足" in detail["message"]
    assert scp.printed == []

    # nobody listens on the port at all
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    node = add_printer(hospital.tenant["id"], closed)
    api.ok("PATCH", f"{URL}/{task['id']}", json={"nodeId": node})
    run = api.ok("POST", f"{URL}/{task['id']}/print", status=202)
    assert api.ok("GET", f"/api/v1/jobs/{run['id']}")["status"] == "failed"
    assert "端口未开放" in api.ok("GET", f"{URL}/{task['id']}")["message"]


def test_print_refuses_missing_or_wrong_printers(hospital, tenant_factory):
    api = hospital.api
    refs = ingest_study(hospital.tenant["id"], 1)
    task = _task(api, refs)
    r = api.post(f"{URL}/{task['id']}/print", json={})
    assert r.status_code == 422 and r.json()["code"] == "PRINTER_REQUIRED"
    plain = add_printer(hospital.tenant["id"], 104, allow_print=False)
    r = api.post(f"{URL}/{task['id']}/print", json={"nodeId": plain})
    assert r.status_code == 422 and r.json()["code"] == "NODE_NOT_PRINTER"
    other = tenant_factory()
    foreign = add_printer(other.tenant["id"], 104)
    r = api.post(f"{URL}/{task['id']}/print", json={"nodeId": foreign})
    assert r.status_code == 422 and r.json()["code"] == "NODE_NOT_FOUND"
    printers = api.ok("GET", "/api/v1/film/printers")
    assert foreign not in {p["id"] for p in printers} and plain not in {p["id"] for p in printers}
    assert api.ok("GET", f"{URL}/{task['id']}")["status"] == "pending"


def test_printing_to_pdf_keeps_the_file(hospital):
    api = hospital.api
    refs = ingest_study(hospital.tenant["id"], 3)
    task = _task(api, refs, target="pdf", rows=1, columns=1)
    run = api.ok("POST", f"{URL}/{task['id']}/print", status=202)
    job = api.ok("GET", f"/api/v1/jobs/{run['id']}")
    assert job["status"] == "succeeded" and job["result"]["films"] == 3
    detail: dict[str, Any] = api.ok("GET", f"{URL}/{task['id']}")
    assert detail["status"] == "done" and detail["outputName"].endswith(".pdf")
    r = api.get(f"{URL}/{task['id']}/output")
    assert r.status_code == 200 and r.content.startswith(b"%PDF") and r.content.count(b"/Type /Page\n") == 3
    assert "attachment" in r.headers["content-disposition"]
