"""The viewer's controls of manual 2 §3.1, clicked in headless Chromium on the demo CT (200 × 512²,
0.703125 mm pixels), each checked on what the user gets: the overlay text, the canvas pixels, the
downloaded picture, the server's copy of the annotations and settings.

One page per group: image controls (W/L, zoom, pan, rotate/flip, reset, magnifier, cine); measurements,
the annotation list, the DICOM tags and the saved picture with its capture frame; settings (theme, UI
scale, cache, a user preset; after a reload); linked scrolling and reference lines in two windows.
Each group starts and ends with the doctor's CT annotations and viewer settings cleared (the other
viewer tests share the user)."""

from __future__ import annotations

import io
import math
import re
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pydicom
import pytest
from PIL import Image

from tests.e2e.test_viewer import CT_SPACING, _studies, _wait_image

CT_SIZE = 512


def _text(page, field: str, n: int = 0) -> str:
    return page.evaluate(f"() => document.querySelector('[data-testid=viewport-{n}] [data-testid=overlay-{field}]')?.textContent ?? ''")


def _wait_text(page, field: str, expected: str, n: int = 0, timeout: int = 5000) -> None:
    page.wait_for_function(
        f"() => document.querySelector('[data-testid=viewport-{n}] [data-testid=overlay-{field}]')?.textContent === {expected!r}",
        timeout=timeout)


def _wl(page, n: int = 0) -> tuple[int, int]:
    m = re.fullmatch(r"W: (-?\d+) L: (-?\d+)", _text(page, "wl", n))
    assert m, _text(page, "wl", n)
    return int(m.group(1)), int(m.group(2))


def _zoom(page, n: int = 0) -> int:
    m = re.fullmatch(r"Zoom: (\d+)%", _text(page, "zoom", n))
    assert m, _text(page, "zoom", n)
    return int(m.group(1))


def _slice(page, n: int = 0) -> int:
    return int(_text(page, "slice", n).split("/")[0])


def _center(page, n: int = 0) -> tuple[float, float]:
    box = page.get_by_test_id(f"viewport-{n}").bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _drag(page, x0: float, y0: float, x1: float, y1: float, steps: int = 10) -> None:
    page.mouse.move(x0, y0)
    page.mouse.down()
    for k in range(1, steps + 1):
        page.mouse.move(x0 + (x1 - x0) * k / steps, y0 + (y1 - y0) * k / steps)
    page.mouse.up()


def _wheel(page, n: int, clicks: int) -> None:
    page.mouse.move(*_center(page, n))
    for _ in range(clicks):
        page.mouse.wheel(0, 120)
        page.wait_for_timeout(40)
    page.wait_for_timeout(300)


def _grey(page, n: int = 0) -> np.ndarray:
    shot = page.get_by_test_id(f"viewport-{n}").screenshot()
    return np.asarray(Image.open(io.BytesIO(shot)).convert("L"), dtype=float)


def _square(a: np.ndarray, r: int = 200, dx: int = 0, dy: int = 0) -> np.ndarray:
    """A centred square (the overlay text sits in the corners), optionally shifted."""
    h, w = a.shape[:2]
    return a[h // 2 - r + dy: h // 2 + r + dy, w // 2 - r + dx: w // 2 + r + dx]


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    a = a - a.mean()
    b = b - b.mean()
    return float((a * b).sum() / math.sqrt((a * a).sum() * (b * b).sum()))


def _menu(page, menu: str, item: str) -> None:
    page.get_by_test_id(menu).click()
    page.get_by_test_id(item).click()


def _clear_annotations(doctor, ct: str) -> None:
    doctor.api("DELETE", f"/api/v1/viewer/annotations?studyUid={ct}")


def _saved(doctor, ct: str, until, timeout: float = 10) -> list[dict]:
    deadline = time.time() + timeout
    while True:
        items = doctor.api("GET", f"/api/v1/viewer/annotations?studyUid={ct}")["items"]
        if until(items) or time.time() > deadline:
            return items
        time.sleep(0.3)


@pytest.fixture()
def doctor(session_factory) -> Iterator[Any]:
    """The demo doctor on the demo CT's 200-image series, with no annotations and default settings."""
    doctor = session_factory("viewer-controls")
    doctor.login("demo-a", "doctor", "Radix2026")
    ct = _studies(doctor)["CT"]
    rows = doctor.page.request.get(f"{doctor.base}/dicom-web/studies/{ct}/series?includefield=00201209").json()
    series = next(r["0020000E"]["Value"][0] for r in rows if r.get("00201209", {}).get("Value", [0])[0] == 200)
    doctor.ct, doctor.series = ct, series
    _clear_annotations(doctor, ct)
    doctor.api("DELETE", "/api/v1/viewer/settings")
    yield doctor
    _clear_annotations(doctor, ct)
    doctor.api("DELETE", "/api/v1/viewer/settings")


def _open(doctor) -> Any:
    page = doctor.page
    page.goto(f"{doctor.base}/viewer?studyUIDs={doctor.ct}&seriesUID={doctor.series}")
    _wait_image(page)
    assert _text(page, "slice") == "1/200"
    page.wait_for_timeout(300)
    return page


def _wait_loaded(page) -> None:
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid^=series-progress-] .el-progress-bar__inner')]"
                           ".some((e) => e.style.width === '100%')", timeout=120000)


def test_window_zoom_pan_rotate_reset_magnifier_and_cine(doctor) -> None:
    page = _open(doctor)
    cx, cy = _center(page)
    wl0, zoom0 = _wl(page), _zoom(page)
    base = _grey(page)

    # 窗宽窗位: up/down changes the width (up widens), left/right the level (right raises)
    page.get_by_test_id("tool-wl").click()
    _drag(page, cx, cy, cx, cy - 100)
    page.wait_for_timeout(200)
    w1, l1 = _wl(page)
    assert w1 > wl0[0] and l1 == wl0[1], (wl0, (w1, l1))
    _drag(page, cx, cy, cx, cy + 60)
    page.wait_for_timeout(200)
    w2, l2 = _wl(page)
    assert w2 < w1 and l2 == l1, ((w1, l1), (w2, l2))
    _drag(page, cx, cy, cx + 100, cy)
    page.wait_for_timeout(200)
    w3, l3 = _wl(page)
    assert l3 > l2 and w3 == w2, ((w2, l2), (w3, l3))
    _drag(page, cx, cy, cx - 50, cy)
    page.wait_for_timeout(200)
    assert _wl(page)[0] == w3 and _wl(page)[1] < l3

    # 缩放: dragging up enlarges, down shrinks; 原始大小 is 100 %, 适应窗口 is the fit of the start
    page.get_by_test_id("tool-zoom").click()
    _drag(page, cx, cy, cx, cy - 80)
    page.wait_for_timeout(200)
    z_up = _zoom(page)
    assert z_up > zoom0, (zoom0, z_up)
    _drag(page, cx, cy, cx, cy + 160)
    page.wait_for_timeout(200)
    assert _zoom(page) < z_up
    _menu(page, "tool-zoom-menu", "tool-original")
    _wait_text(page, "zoom", "Zoom: 100%")
    _menu(page, "tool-zoom-menu", "tool-fit")
    _wait_text(page, "zoom", f"Zoom: {zoom0}%")

    # 平移: the picture follows the hand
    page.get_by_test_id("tool-pan").click()
    _drag(page, cx, cy, cx + 80, cy + 40)
    page.wait_for_timeout(300)
    moved = _grey(page)
    assert _corr(_square(moved, 150, 80, 40), _square(base, 150)) > 0.99
    assert _corr(_square(moved, 150), _square(base, 150)) < 0.95
    page.get_by_test_id("tool-reset").click()
    page.wait_for_timeout(300)

    # 左转/右转 90 度, 上下/左右翻转: the centre of the picture turns and mirrors; 重置 undoes each
    # (the phantom is nearly symmetric: the flips are told apart on a wide band, ribs included)
    wide = lambda a: a[a.shape[0] // 4: 3 * a.shape[0] // 4, 150: a.shape[1] - 150]  # noqa: E731
    for item, expected, crop in (("tool-rotl", np.rot90(base, 1), _square), ("tool-rotr", np.rot90(base, -1), _square),
                                 ("tool-flipv", np.flipud(base), wide), ("tool-fliph", np.fliplr(base), wide)):
        _menu(page, "tool-rotate-menu", item)
        page.wait_for_timeout(300)
        turned = crop(_grey(page))
        assert _corr(turned, crop(expected)) > 0.99, item
        assert np.abs(turned - crop(expected)).mean() < 0.3 * np.abs(turned - crop(base)).mean(), item
        page.get_by_test_id("tool-reset").click()
        page.wait_for_timeout(300)
        assert _corr(_square(_grey(page)), _square(base)) > 0.995, f"{item} not reset"

    # 重置 after a bit of everything brings back the window, the zoom and the picture of the start
    page.get_by_test_id("tool-wl").click()
    _drag(page, cx, cy, cx + 40, cy - 70)
    page.get_by_test_id("tool-zoom").click()
    _drag(page, cx, cy, cx, cy - 50)
    page.get_by_test_id("tool-pan").click()
    _drag(page, cx, cy, cx - 60, cy + 30)
    _menu(page, "tool-rotate-menu", "tool-rotr")
    _menu(page, "tool-rotate-menu", "tool-fliph")
    page.wait_for_timeout(300)
    assert _wl(page) != wl0 and _zoom(page) != zoom0
    page.get_by_test_id("tool-reset").click()
    _wait_text(page, "wl", f"W: {wl0[0]} L: {wl0[1]}")
    _wait_text(page, "zoom", f"Zoom: {zoom0}%")
    page.wait_for_timeout(300)
    assert np.abs(_square(_grey(page)) - _square(base)).mean() < 1

    # 放大镜: while the button is held a magnified picture shows; it goes with the button
    page.get_by_test_id("tool-magnify").click()
    page.mouse.move(cx - 60, cy)
    page.mouse.down()
    page.mouse.move(cx - 50, cy + 5)
    glass = page.get_by_test_id("viewport-0").locator(".magnifyTool canvas")
    glass.wait_for()
    shot = np.asarray(Image.open(io.BytesIO(glass.screenshot())).convert("L"), dtype=float)
    assert shot.shape[0] > 100 and shot.std() > 5, "the magnifier is empty"
    page.mouse.up()
    page.wait_for_timeout(300)
    assert page.get_by_test_id("viewport-0").locator(".magnifyTool canvas").count() == 0 or not glass.is_visible()

    # 播放: from the last image it goes on at the first (循环), forward; 停止 stops it there
    _wait_loaded(page)
    page.get_by_test_id("tool-scroll").click()
    box = page.get_by_test_id("viewport-0").bounding_box()
    _drag(page, cx, box["y"] + 10, cx, box["y"] + box["height"] - 10, steps=20)
    page.wait_for_function("() => document.querySelector('[data-testid=viewport-0] [data-testid=overlay-slice]').textContent === '200/200'")
    cine = page.get_by_test_id("tool-cine")
    cine.click()
    assert cine.inner_text() == "停止"
    seen: list[int] = []
    deadline = time.time() + 8
    while time.time() < deadline and not (len(seen) > 3 and seen[-1] > 10 and min(seen) < 10):
        seen.append(_slice(page))
        page.wait_for_timeout(100)
    wrapped = [k for k in range(1, len(seen)) if seen[k] < seen[k - 1]]
    assert wrapped and seen[wrapped[0]] < 20, seen
    after = seen[wrapped[0]:]
    assert after == sorted(after) and after[-1] > after[0], seen
    cine.click()
    assert cine.inner_text() == "播放"
    stopped = _slice(page)
    page.wait_for_timeout(700)
    assert _slice(page) == stopped
    assert not doctor.errors, doctor.errors


def _hu(doctor, instance_number: int = 1) -> np.ndarray:
    row = doctor.page.request.get(f"{doctor.base}/dicom-web/studies/{doctor.ct}/series/{doctor.series}/instances"
                                  f"?InstanceNumber={instance_number}").json()[0]
    sop = row["00080018"]["Value"][0]
    raw = doctor.page.request.get(f"{doctor.base}/dicom-web/studies/{doctor.ct}/series/{doctor.series}/instances/{sop}",
                                  headers={"Accept": "application/dicom"})
    assert raw.ok, raw.status
    ds = pydicom.dcmread(io.BytesIO(raw.body()))
    return ds.pixel_array.astype(float) * float(ds.RescaleSlope) + float(ds.RescaleIntercept)


def _numbers(text: str) -> dict[str, float]:
    names = {"面积": "area", "均值": "mean", "标准差": "sd", "最小": "min", "最大": "max"}
    return {names[k]: float(v) for k, v in re.findall(r"(面积|均值|标准差|最小|最大) (-?[\d.]+)", text)}


def _download(page, save_region=None) -> np.ndarray:
    """保存图片: the frame appears over the window; ``save_region`` may move it; 保存 downloads."""
    page.get_by_test_id("tool-save").click()
    frame = page.get_by_test_id("capture-frame")
    frame.wait_for()
    if save_region:
        save_region(frame)
    with page.expect_download() as info:
        page.get_by_test_id("capture-save").click()
    assert info.value.suggested_filename.endswith(".png")
    page.get_by_test_id("capture").wait_for(state="detached")
    return np.asarray(Image.open(info.value.path()).convert("RGB"), dtype=float)


def test_measurements_annotation_list_tags_and_saved_picture(doctor) -> None:
    page = _open(doctor)
    hu = _hu(doctor)
    _menu(page, "tool-zoom-menu", "tool-original")
    _wait_text(page, "zoom", "Zoom: 100%")
    canvas = page.get_by_test_id("viewport-0").locator("canvas").first.bounding_box()
    ox, oy = canvas["x"] + canvas["width"] / 2, canvas["y"] + canvas["height"] / 2

    def index(x: float, y: float) -> tuple[float, float]:
        """Image (column, row) under a page point at 原始大小, image centred."""
        return x - ox + (CT_SIZE - 1) / 2, y - oy + (CT_SIZE - 1) / 2

    listing = page.get_by_test_id("measurement-list")

    # 矩形: area, mean, SD, min, max of the pixels inside, as the DICOM file has them
    _menu(page, "tool-measure", "tool-rectangle")
    x0, y0, x1, y1 = ox - 150, oy - 100, ox - 50, oy - 40
    _drag(page, x0, y0, x1, y1)
    page.wait_for_function("() => /最大/.test(document.querySelector('[data-testid=measurement-RectangleROI] [data-testid=measurement-value]')?.textContent ?? '')")
    got = _numbers(listing.get_by_test_id("measurement-RectangleROI").get_by_test_id("measurement-value").inner_text())
    assert set(got) == {"area", "mean", "sd", "min", "max"}, got
    assert abs(got["area"] - 100 * 60 * CT_SPACING ** 2) / (100 * 60 * CT_SPACING ** 2) < 0.02, got
    (c0, r0), (c1, r1) = index(x0, y0), index(x1, y1)
    inner = hu[math.ceil(r0) + 1: math.floor(r1), math.ceil(c0) + 1: math.floor(c1)]
    outer = hu[math.floor(r0) - 1: math.ceil(r1) + 2, math.floor(c0) - 1: math.ceil(c1) + 2]
    assert abs(got["mean"] - inner.mean()) < 1.5, (got, inner.mean())
    assert abs(got["sd"] - inner.std()) / inner.std() < 0.1, (got, inner.std())
    assert outer.min() <= got["min"] <= inner.min() and inner.max() <= got["max"] <= outer.max(), (got, inner.min(), inner.max())

    # 椭圆: drawn from its centre, the drag is the two radii
    _menu(page, "tool-measure", "tool-ellipse")
    ex, ey, rx, ry = ox + 100, oy + 20, 50, 30
    _drag(page, ex, ey, ex + rx, ey + ry)
    page.wait_for_function("() => /最大/.test(document.querySelector('[data-testid=measurement-EllipticalROI] [data-testid=measurement-value]')?.textContent ?? '')")
    got = _numbers(listing.get_by_test_id("measurement-EllipticalROI").get_by_test_id("measurement-value").inner_text())
    area = math.pi * rx * ry * CT_SPACING ** 2
    assert abs(got["area"] - area) / area < 0.03, (got, area)
    cc, rr = index(ex, ey)
    rows, cols = np.mgrid[0:CT_SIZE, 0:CT_SIZE]
    inside = ((cols - cc) / (rx - 1.5)) ** 2 + ((rows - rr) / (ry - 1.5)) ** 2 <= 1
    around = ((cols - cc) / (rx + 1.5)) ** 2 + ((rows - rr) / (ry + 1.5)) ** 2 <= 1
    assert abs(got["mean"] - hu[inside].mean()) < 3, (got, hu[inside].mean())
    assert hu[around].min() <= got["min"] <= hu[inside].min() and hu[inside].max() <= got["max"] <= hu[around].max(), got

    # 像素值: HU at the clicked pixel
    _menu(page, "tool-measure", "tool-probe")
    px, py = ox - 100, oy + 60
    page.mouse.click(px, py)
    page.wait_for_function("() => /HU/.test(document.querySelector('[data-testid=measurement-Probe] [data-testid=measurement-value]')?.textContent ?? '')")
    text = listing.get_by_test_id("measurement-Probe").get_by_test_id("measurement-value").inner_text()
    value = float(re.fullmatch(r"(-?[\d.]+) HU", text).group(1))
    pc, pr = index(px, py)
    near = hu[round(pr) - 1: round(pr) + 2, round(pc) - 1: round(pc) + 2]
    assert np.isclose(near, value).any(), (value, near)

    saved = _saved(doctor, doctor.ct, lambda items: len(items) == 3)
    assert sorted(r["tool"] for r in saved) == ["EllipticalROI", "Probe", "RectangleROI"]

    # 标注列表: rename (in the list and on the server), delete (from the image, the list and the server)
    listing.get_by_test_id("measurement-RectangleROI").get_by_test_id("measurement-rename").click()
    box = page.locator(".el-message-box")
    box.locator("input").fill("肺尖软组织")
    box.get_by_role("button", name="确定").click()
    page.wait_for_function("() => document.querySelector('[data-testid=measurement-RectangleROI] .vw-list-label')?.textContent === '肺尖软组织'")
    saved = _saved(doctor, doctor.ct, lambda items: any(r["label"] == "肺尖软组织" for r in items))
    assert [r["label"] for r in saved if r["tool"] == "RectangleROI"] == ["肺尖软组织"]
    page.reload()
    _wait_image(page)
    page.wait_for_function("() => document.querySelector('[data-testid=measurement-RectangleROI] .vw-list-label')?.textContent === '肺尖软组织'",
                           timeout=20000)
    # the restored drawings are on the image too, not only in the list (their tools not picked yet)
    svg = page.get_by_test_id("viewport-0").locator("svg")
    for shape in ("rect[data-id$='-rect']", "ellipse[data-id$='-ellipse']"):
        svg.locator(shape).first.wait_for(state="attached", timeout=5000)
    _menu(page, "tool-zoom-menu", "tool-original")
    _wait_text(page, "zoom", "Zoom: 100%")
    listing.get_by_test_id("measurement-Probe").get_by_test_id("measurement-remove").click()
    listing.get_by_test_id("measurement-Probe").wait_for(state="detached")
    assert listing.get_by_test_id("measurement-RectangleROI").count() == 1
    saved = _saved(doctor, doctor.ct, lambda items: len(items) == 2)
    assert sorted(r["tool"] for r in saved) == ["EllipticalROI", "RectangleROI"]

    # 元信息: the tags of the image on show, filtered by tag or name
    page.get_by_test_id("tool-tags").click()
    dialog = page.get_by_test_id("tags-dialog")
    table_rows = dialog.locator(".el-table__body tr")
    dialog.get_by_text("(0010,0010)").wait_for()
    everything = table_rows.count()
    assert everything > 40
    name_row = table_rows.filter(has_text="(0010,0010)")
    assert re.search(r"PatientName\s+PN\s+Zhang\^San=张\^三", name_row.inner_text()), name_row.inner_text()
    search = dialog.get_by_test_id("tags-search")
    search.fill("0010,0010")
    page.wait_for_function("() => document.querySelectorAll('[data-testid=tags-table] .el-table__body tr').length === 1")
    assert "(0010,0010)" in table_rows.first.inner_text()
    search.fill("SliceThickness")
    page.wait_for_function("() => document.querySelectorAll('[data-testid=tags-table] .el-table__body tr').length === 1")
    assert "(0018,0050)" in table_rows.first.inner_text()
    search.fill("")
    page.wait_for_function(f"() => document.querySelectorAll('[data-testid=tags-table] .el-table__body tr').length === {everything}")
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")

    # 保存图片: the whole window (its canvas's size) with the drawings in it; a new length changes
    # the picture along the line and nowhere else
    size = page.evaluate("() => { const c = document.querySelector('[data-testid=viewport-0] canvas'); return [c.width, c.height] }")
    page.mouse.move(ox, oy + 300)  # nothing highlighted
    page.wait_for_timeout(300)
    before = _download(page)
    assert (before.shape[1], before.shape[0]) == tuple(size)
    # the four-corner text is in the picture, where it stands on the screen, and not once it is hidden
    wl = page.get_by_test_id("viewport-0").get_by_test_id("overlay-wl").bounding_box()
    scale = size[0] / canvas["width"]
    x0, y0 = round((wl["x"] - canvas["x"]) * scale), round((wl["y"] - canvas["y"]) * scale)
    x1, y1 = x0 + round(wl["width"] * scale), y0 + round(wl["height"] * scale)
    page.get_by_test_id("tool-overlay").click()
    bare = _download(page)
    page.get_by_test_id("tool-overlay").click()
    page.get_by_test_id("viewport-0").get_by_test_id("overlay-wl").wait_for()
    text = np.abs(before - bare).sum(axis=2) > 60
    assert text[y0:y1, x0:x1].sum() > 30, "the W/L text is not in the saved picture"
    assert text.sum() - text[y0:y1, x0:x1].sum() > 30  # the other lines too
    outside = text.copy()
    for corner in page.get_by_test_id("viewport-0").locator(".vw-corner").all():
        b = corner.bounding_box()
        outside[max(0, round((b["y"] - canvas["y"]) * scale) - 4): round((b["y"] - canvas["y"] + b["height"]) * scale) + 4,
                max(0, round((b["x"] - canvas["x"]) * scale) - 4): round((b["x"] - canvas["x"] + b["width"]) * scale) + 4] = False
    assert outside.sum() < 20, "the picture changed outside the corners"
    _menu(page, "tool-measure", "tool-length")
    ly = oy + 110
    _drag(page, ox - 100, ly, ox + 100, ly)
    page.wait_for_function("() => /mm/.test(document.querySelector('[data-testid=measurement-Length] [data-testid=measurement-value]')?.textContent ?? '')")
    page.mouse.move(ox, oy + 300)
    page.wait_for_timeout(500)
    after = _download(page)
    changed = np.abs(after - before).sum(axis=2) > 60
    ys, xs = np.nonzero(changed)
    assert len(ys) > 150, "the length is not in the picture"
    line_y = ly - canvas["y"]
    assert (np.abs(ys - line_y) < 20).mean() > 0.9, (ys.min(), ys.max(), line_y)
    assert xs.min() >= ox - 100 - canvas["x"] - 5

    # the capture frame: resized from a corner and moved, the picture is that part of the window
    def choose(frame) -> None:
        grip = page.get_by_test_id("capture-grip-se").bounding_box()
        gx, gy = grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2
        _drag(page, gx - 2, gy - 2, gx - 2 - 500, gy - 2 - 380)
        fb = frame.bounding_box()
        _drag(page, fb["x"] + fb["width"] / 2, fb["y"] + fb["height"] / 2, fb["x"] + fb["width"] / 2 + 150, fb["y"] + fb["height"] / 2 + 180)
        choose.box = frame.bounding_box()
        choose.label = page.get_by_test_id("capture-size").inner_text()

    part = _download(page, choose)
    fb = choose.box
    w, h = round(fb["width"]), round(fb["height"])
    assert choose.label == f"{w} × {h}"
    assert abs(w - (size[0] - 500)) <= 2 and abs(h - (size[1] - 380)) <= 2, (w, h)
    assert (part.shape[1], part.shape[0]) == (w, h)
    left, top = round(fb["x"] - canvas["x"]), round(fb["y"] - canvas["y"])
    assert abs(left - 150) <= 2 and abs(top - 180) <= 2, (left, top)
    assert np.abs(part - after[top: top + h, left: left + w]).mean() < 1
    # 取消 saves nothing and takes the frame away; the tools work again
    page.get_by_test_id("tool-save").click()
    page.get_by_test_id("capture-cancel").click()
    page.get_by_test_id("capture").wait_for(state="detached")
    assert not doctor.errors, doctor.errors


def _colour(page, selector: str) -> str:
    return page.evaluate(f"() => getComputedStyle(document.querySelector({selector!r})).backgroundColor")


def _edge_pixel(page) -> tuple[int, ...]:
    """The viewport's background, left of the (square) image."""
    shot = page.get_by_test_id("viewport-0").screenshot()
    rgb = np.asarray(Image.open(io.BytesIO(shot)).convert("RGB"))
    return tuple(int(v) for v in rgb[rgb.shape[0] // 2, 10])


def _settings(page) -> Any:
    page.get_by_test_id("tool-settings").click()
    dialog = page.get_by_test_id("settings-dialog")
    dialog.wait_for()
    return dialog


def _save_settings(page, dialog) -> None:
    page.get_by_test_id("settings-save").click()
    dialog.wait_for(state="hidden")
    page.wait_for_timeout(500)


def test_settings_theme_scale_cache_and_user_preset_persist(doctor) -> None:
    page = _open(doctor)
    assert _colour(page, "[data-testid=viewer]") == "rgb(0, 0, 0)"
    assert max(_edge_pixel(page)) < 5
    button = page.get_by_test_id("tool-wl").bounding_box()["height"]

    dialog = _settings(page)
    dialog.get_by_role("tab", name="外观").click()
    dialog.get_by_test_id("settings-theme").get_by_text("蓝色").click()
    dialog.locator(".el-form-item").filter(has_text="界面缩放").locator(".el-select").click()
    page.locator(".el-select-dropdown__item:visible").get_by_text("125%", exact=True).click()
    dialog.get_by_role("tab", name="预设窗宽窗位").click()
    dialog.get_by_test_id("settings-add-preset").click()
    row = dialog.locator(".el-table__body tr").last
    row.locator("input").nth(0).fill("我的窗")
    row.locator("input").nth(1).fill("777")
    row.locator("input").nth(2).fill("-123")
    dialog.get_by_role("tab", name="启用缓存").click()
    dialog.locator(".el-form-item").filter(has_text="启用缓存").locator(".el-switch").click()
    _save_settings(page, dialog)

    def check_blue() -> None:
        assert _colour(page, "[data-testid=viewer]") == "rgb(11, 30, 58)"
        assert _colour(page, "[data-testid=viewer-toolbar]") == "rgb(18, 41, 77)"
        r, g, b = _edge_pixel(page)
        assert abs(r - 10) <= 3 and abs(g - 31) <= 3 and abs(b - 59) <= 3, (r, g, b)
        assert abs(page.get_by_test_id("tool-wl").bounding_box()["height"] - button * 1.25) <= 1.5
        page.get_by_test_id("tool-presets").click()
        user = page.locator("[data-testid^=preset-user-]:visible")
        user.first.wait_for()
        assert user.all_inner_texts() == ["我的窗 777/-123"]
        user.click()
        _wait_text(page, "wl", "W: 777 L: -123")

    check_blue()
    stored = doctor.api("GET", "/api/v1/viewer/settings")
    assert (stored["theme"], stored["uiScale"], stored["cache"]) == ("blue", 1.25, False)
    assert stored["presets"] == [{"name": "我的窗", "width": 777, "level": -123}]

    # all of it is the user's, on the server: back after a reload
    page.reload()
    _wait_image(page)
    page.wait_for_timeout(300)
    check_blue()
    dialog = _settings(page)
    dialog.get_by_role("tab", name="启用缓存").click()
    switch = dialog.locator(".el-form-item").filter(has_text="启用缓存").locator(".el-switch")
    assert "is-checked" not in (switch.get_attribute("class") or "")

    # 清除缓存: the images are fetched again (the series' progress starts over and fills up)
    _wait_loaded(page)
    frames: list[str] = []
    page.on("request", lambda r: frames.append(r.url) if "/frames/" in r.url else None)
    page.get_by_test_id("settings-clear-cache").click()
    page.locator(".el-message").filter(has_text="缓存已清除").wait_for()
    page.wait_for_timeout(500)
    _wait_loaded(page)
    assert len(frames) >= 150, len(frames)

    # white: light page, white viewport background
    dialog.get_by_role("tab", name="外观").click()
    dialog.get_by_test_id("settings-theme").get_by_text("白色").click()
    _save_settings(page, dialog)
    assert _colour(page, "[data-testid=viewer]") == "rgb(242, 242, 242)"
    assert min(_edge_pixel(page)) > 250
    assert doctor.api("GET", "/api/v1/viewer/settings")["theme"] == "white"
    assert not doctor.errors, doctor.errors


FRAME_TRANSFERS = """() => performance.getEntriesByType('resource')
    .filter((e) => e.name.includes('/frames/')).map((e) => e.transferSize)"""


def _frame_transfers(page: Any, at_least: int) -> list[int]:
    """The frames' transfer sizes once ``at_least`` are recorded: a frame's resource-timing entry can land a
    moment after the viewer counted the frame as loaded."""
    page.wait_for_function(f"() => ({FRAME_TRANSFERS})().length >= {at_least}", timeout=15_000)
    return page.evaluate(FRAME_TRANSFERS)


def test_cache_on_reuses_the_browsers_frames_off_downloads_them_again(doctor) -> None:
    """缓存 on: reopened, the frames are confirmed unchanged (304) and taken from the browser's cache; off:
    every frame's pixels cross the wire again."""
    doctor.page.context.add_init_script("performance.setResourceTimingBufferSize(5000)")
    page = _open(doctor)
    _wait_loaded(page)
    page.reload()
    _wait_image(page)
    _wait_loaded(page)
    sizes = _frame_transfers(page, 200)
    revalidated = [s for s in sizes if 0 < s < 5000]  # headers only: a 304 (the 512² frame is 512 KiB)
    # a test browser context keeps its HTTP cache in memory, a few tens of MB: part of the 100 MB series
    # (a user's profile caches on disk)
    assert len(sizes) >= 200 and len(revalidated) >= 40, (len(revalidated), sorted(sizes)[::20])

    doctor.api("PUT", "/api/v1/viewer/settings", {"cache": False})
    page.reload()
    _wait_image(page)
    _wait_loaded(page)
    sizes = _frame_transfers(page, 200)
    downloaded = [s for s in sizes if s > 512 * 512 * 2]
    assert len(sizes) >= 200 and len(downloaded) == len(sizes), (len(downloaded), sorted(sizes)[::20])
    assert not doctor.errors, doctor.errors


def test_linked_scrolling_and_reference_lines(doctor) -> None:
    page = _open(doctor)
    # two windows side by side, the CT in both (the demo study has one series)
    _menu(page, "layout-menu", "layout-2x1")
    _wait_image(page, 0)
    page.get_by_test_id("viewport-1").click()
    page.get_by_test_id(f"series-{doctor.series}").click()
    _wait_image(page, 1)
    assert (_slice(page, 0), _slice(page, 1)) == (1, 1)

    # 关联布局 off: each window pages alone
    _wheel(page, 1, 3)
    assert (_slice(page, 0), _slice(page, 1)) == (1, 4)
    # on: paging one window brings the other to the same place
    link = page.get_by_test_id("tool-link")
    link.click()
    _wheel(page, 0, 6)
    page.wait_for_function("() => document.querySelector('[data-testid=viewport-1] [data-testid=overlay-slice]').textContent === "
                           "document.querySelector('[data-testid=viewport-0] [data-testid=overlay-slice]').textContent")
    assert _slice(page, 0) == 7
    _wheel(page, 1, 4)
    page.wait_for_function("() => document.querySelector('[data-testid=viewport-0] [data-testid=overlay-slice]').textContent === '11/200'")
    # off again
    link.click()
    _wheel(page, 0, 2)
    assert (_slice(page, 0), _slice(page, 1)) == (13, 11)

    # 定位线: the right window shows the coronal view; its plane is a line across the axial window,
    # which follows as the coronal view pages and goes when 定位线 is off
    page.get_by_test_id("viewport-1").click()
    _menu(page, "tool-view", "view-coronal")
    _wait_image(page, 1)
    line = "() => { const l = document.querySelector('[data-testid=viewport-0] svg line'); return l ? Number(l.getAttribute('y1')) : null }"
    assert page.evaluate(line) is None
    page.get_by_test_id("tool-reflines").click()
    page.wait_for_function(f"() => ({line})() !== null")
    y0 = page.evaluate(line)
    height = page.get_by_test_id("viewport-0").bounding_box()["height"]
    assert abs(y0 - height / 2) < height * 0.1  # the coronal view starts in the middle
    coronal = _slice(page, 1)
    _wheel(page, 1, 10)
    assert _slice(page, 1) != coronal
    page.wait_for_function(f"() => Math.abs(({line})() - {y0}) > 3", timeout=3000)
    page.get_by_test_id("tool-reflines").click()
    page.wait_for_function(f"() => ({line})() === null")
    assert not doctor.errors, doctor.errors
