"""The viewer's volume tools end to end on the demo CT of `radix demo` (a chest phantom lying on a table).

CPR: a centerline clicked on the MPR coronal pane opens the CPR view; straightened, rotated 90° on the
slider, stretched with a MaxIP slab and a lung W/L each give a different, non-blank picture.
VR (in a small window at half density: the 3D view is ray cast in software here, seconds per frame):
presets and the transfer-function editor change the picture, 一键去床 changes it (the table is gone), a
free-hand cut changes it; the clipping box is pushed by dragging a face's handle in the 3D view (the
rendered extent shrinks, the sliders follow), 重置 brings back the first picture and the whole box. The 层厚 dialog sets a MIP
slab with the W/L typed in it.
Screenshots: test-artifacts/e2e/viewer-cpr-*.png and viewer-vr-*.png."""

from __future__ import annotations

import base64
import io
from typing import Any

import numpy as np
from PIL import Image

from .conftest import Session
from .test_viewer import WL, _studies, _wait_image


def _canvas(page) -> np.ndarray:
    """The 3D view's own pixels (its canvas, without what is drawn over it), grey."""
    url = page.evaluate("() => document.querySelector('[data-testid=viewport-0] canvas').toDataURL('image/png')")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("L"), dtype=float)


def _rows(pixels: np.ndarray) -> int:
    """How many rows of the picture show something (the background is black)."""
    return int(((pixels > 40).sum(axis=1) >= 3).sum())


def _box(page, axis: str) -> list[float]:
    thumbs = page.get_by_test_id(f"vr-clip-{axis}").get_by_role("slider")
    return sorted(float(thumbs.nth(n).get_attribute("aria-valuenow")) for n in range(thumbs.count()))


def _pixels(locator) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(locator.screenshot())).convert("L"), dtype=float)


def _std(pixels: np.ndarray) -> float:
    h, w = pixels.shape
    return float(pixels[h // 6: 5 * h // 6, w // 6: 5 * w // 6].std())


def _diff(a: np.ndarray, b: np.ndarray, pool: int = 1) -> float:
    """Mean absolute difference, over ``pool``×``pool`` block means (the software VR render is noisy)."""
    h, w = min(a.shape[0], b.shape[0]) // pool * pool, min(a.shape[1], b.shape[1]) // pool * pool

    def blocks(x: np.ndarray) -> np.ndarray:
        return x[:h, :w].reshape(h // pool, pool, w // pool, pool).mean(axis=(1, 3))

    return float(np.abs(blocks(a) - blocks(b)).mean())


_COUNT_RENDERS = """() => {
  const el = document.querySelector('[data-testid=viewport-0] .vw-viewport')
  window.__renders = { n: 0, at: performance.now() }
  el.addEventListener('CORNERSTONE_IMAGE_RENDERED', () => { window.__renders.n++; window.__renders.at = performance.now() })
}"""


def _rendered(page, locator, action) -> np.ndarray:
    """Do ``action``, wait until the 3D view has rendered since and then rests for a second (a frame of
    the software renderer takes seconds), and return its picture."""
    n = page.evaluate("() => window.__renders.n")
    action()
    page.wait_for_function(f"() => window.__renders.n > {n}")
    page.wait_for_function("() => performance.now() - window.__renders.at > 1500", polling=250)
    return _pixels(locator)


def _settled(page, locator, timeout: float = 60.0) -> np.ndarray:
    """The picture once two screenshots 400 ms apart agree (rendering is asynchronous)."""
    previous = _pixels(locator)
    for _ in range(int(timeout / 0.4)):
        page.wait_for_timeout(400)
        current = _pixels(locator)
        if _diff(previous, current) < 0.05:
            return current
        previous = current
    return previous


def test_cpr(session_factory) -> None:
    doctor = session_factory("viewer")
    doctor.login("demo-a", "doctor", "Radix2026")
    page = doctor.page
    ct = _studies(doctor)["CT"]
    page.goto(f"{doctor.base}/viewer?studyUIDs={ct}")
    _wait_image(page)

    # --- CPR: three points and a double click on the coronal pane of MPR ---------------------------
    page.get_by_test_id("tool-cpr").click()  # from the stack view: MPR opens, then the centerline
    for n in range(3):
        _wait_image(page, n)
    page.get_by_test_id("cpr-hint").wait_for()
    coronal = page.get_by_test_id("viewport-2")
    box = coronal.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    clicks = [(cx - 40, cy - 110), (cx + 25, cy - 30), (cx - 10, cy + 50)]
    for x, y in clicks:
        page.mouse.click(x, y)
        page.wait_for_timeout(150)
    page.mouse.dblclick(cx + 30, cy + 115)
    view = page.get_by_test_id("cpr-view")
    view.wait_for()
    page.get_by_test_id("cpr-loading").wait_for(state="detached", timeout=120000)
    assert page.get_by_test_id("cpr-error").count() == 0, page.get_by_test_id("cpr-error").inner_text()
    length = float(page.get_by_test_id("cpr-length").inner_text().split()[-2])
    assert length > 100, length  # four points ~230 px apart on a pane of ~1.2 px/mm
    straight = _settled(page, view)
    assert _std(straight) > 8, "the CPR view is blank"
    doctor.shot("cpr-straightened")

    # rotation around the centerline: 90° on the slider gives another cut
    slider = page.get_by_test_id("cpr-rotation")
    sb = slider.bounding_box()
    page.mouse.click(sb["x"] + sb["width"] * 0.25, sb["y"] + sb["height"] / 2)
    angle = int(page.get_by_test_id("cpr-rotation").get_by_role("slider").get_attribute("aria-valuenow"))
    assert 80 <= angle <= 100, angle
    rotated = _settled(page, view)
    assert _std(rotated) > 8
    assert _diff(straight, rotated) > 2, "rotating the CPR did not change it"
    doctor.shot("cpr-rotated")

    # stretched mode with a MaxIP slab, and W/L
    page.get_by_test_id("cpr-mode-stretched").click()
    page.get_by_test_id("cpr-projection-max").click()
    page.get_by_test_id("cpr-slab-input").locator("input").fill("20")
    page.get_by_test_id("cpr-slab-input").locator("input").press("Enter")
    stretched = _settled(page, view)
    assert _std(stretched) > 8
    assert _diff(rotated, stretched) > 2, "stretched MaxIP looks like the straightened cut"
    page.get_by_test_id("cpr-ww").locator("input").fill("1500")
    page.get_by_test_id("cpr-ww").locator("input").press("Enter")
    page.get_by_test_id("cpr-wl").locator("input").fill("-700")
    page.get_by_test_id("cpr-wl").locator("input").press("Enter")
    lung = _settled(page, view)
    assert _diff(stretched, lung) > 2, "W/L did not apply"
    doctor.shot("cpr-stretched-maxip")

    # leaving MPR closes the CPR
    page.get_by_test_id("tool-mpr").click()
    page.get_by_test_id("cpr-view").wait_for(state="detached")
    _wait_image(page)

    # 层厚: MIP over 20 mm with the W/L typed in the dialog
    page.get_by_test_id("tool-slab").click()
    dialog = page.get_by_test_id("slab-dialog")
    dialog.get_by_text("MIP 最大密度投影").click()
    for testid, value in (("slab-thickness", "20"), ("slab-ww", "1500"), ("slab-wl", "-700")):
        field = page.get_by_test_id(testid).locator("input")
        field.fill(value)
        field.press("Tab")
    page.get_by_test_id("slab-apply").click()
    page.wait_for_function(f"() => ({WL.format(n=0)})() === 'W: 1500 L: -700'", timeout=20000)
    _wait_image(page)
    doctor.shot("cpr-slab-dialog")
    assert not doctor.errors, doctor.errors


class _SmallScreen(Session):
    """A small window at half the pixel density: the VR ray casting runs in software here (SwiftShader),
    and a full-size 3D view takes over a minute per frame."""

    def __init__(self, browser: Any, base: str, name: str) -> None:
        self.base = base
        self.name = name
        self.context = browser.new_context(viewport={"width": 1100, "height": 640}, device_scale_factor=0.5, locale="zh-CN")
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.set_default_timeout(180000)


def test_vr_tools(browser: Any, server: str) -> None:
    doctor = _SmallScreen(browser, server, "viewer")
    try:
        _vr_tools(doctor)
    finally:
        doctor.close()


def _vr_tools(doctor: Session) -> None:
    doctor.login("demo-a", "doctor", "Radix2026")
    page = doctor.page
    ct = _studies(doctor)["CT"]
    page.goto(f"{doctor.base}/viewer?studyUIDs={ct}")
    _wait_image(page)
    page.get_by_test_id("tool-list").click()  # room for the 3D view
    page.wait_for_function("() => document.querySelector('[data-testid^=series-progress-] .el-progress-bar__inner')?.style.width === '100%'",
                           timeout=120000)
    page.get_by_test_id("tool-vr").click()
    page.get_by_test_id("vr-panel").wait_for()
    page.wait_for_function("() => document.querySelectorAll('[data-testid^=vr-tf-point-]').length >= 2")
    vr = page.get_by_test_id("viewport-0")
    page.evaluate(_COUNT_RENDERS)
    first = _rendered(page, vr, lambda: page.get_by_test_id("vr-quality-4").click())  # 快速
    assert _std(first) > 5, "the VR view is blank"

    def preset(name: str):
        def choose() -> None:
            page.get_by_test_id("vr-preset-select").click()
            page.get_by_role("option", name=name, exact=True).click()
        return choose

    # presets apply (and fill the curve editor)
    soft = _rendered(page, vr, preset("CT-Soft-Tissue"))
    before = _rendered(page, vr, preset("CT-Bone"))
    assert _diff(soft, before, 8) > 2, "the presets look the same"
    assert _std(before) > 5
    doctor.shot("vr-before")

    # the transfer-function editor: drag a point up and left, the picture changes; a preset brings it back
    points = page.locator("[data-testid^=vr-tf-point-]")
    count = points.count()
    pb = points.nth(count - 2).bounding_box()

    def drag() -> None:
        page.mouse.move(pb["x"] + pb["width"] / 2, pb["y"] + pb["height"] / 2)
        page.mouse.down()
        page.mouse.move(pb["x"] + pb["width"] / 2 - 40, pb["y"] - 60, steps=2)
        page.mouse.up()

    edited_tf = _rendered(page, vr, drag)
    assert _diff(before, edited_tf, 8) > 2, "editing the curve did not change the VR"
    doctor.shot("vr-curve")
    _rendered(page, vr, preset("CT-Soft-Tissue"))
    assert _diff(before, _rendered(page, vr, preset("CT-Bone")), 8) < 1
    assert points.count() == count

    # 一键去床
    def table() -> None:
        page.get_by_test_id("vr-table-removal").click()
        page.get_by_test_id("vr-edited").wait_for()

    no_table = _rendered(page, vr, table)
    assert page.get_by_test_id("vr-busy").count() == 0
    assert _std(no_table) > 5
    assert _diff(before, no_table, 8) > 2, "table removal did not change the VR"
    doctor.shot("vr-table-removed")

    # 画笔裁剪: a lasso over the left half of the view removes what is behind it
    page.get_by_test_id("vr-cut").click()
    page.get_by_test_id("vr-cut-layer").wait_for()
    vb = vr.bounding_box()
    x0, y0, x1, y1 = vb["x"] + vb["width"] * 0.15, vb["y"] + vb["height"] * 0.2, vb["x"] + vb["width"] * 0.5, vb["y"] + vb["height"] * 0.8

    def lasso() -> None:
        page.mouse.move(x0, y0)
        page.mouse.down()
        for x, y in ((x1, y0), (x1, y1), (x0, y1), (x0, y0 + 2)):
            page.mouse.move(x, y, steps=8)
        page.mouse.up()
        page.get_by_text("已裁剪").wait_for()

    cut = _rendered(page, vr, lasso)
    page.get_by_test_id("vr-cut").click()  # leave the cut mode
    assert _diff(no_table, cut, 8) > 2, "the free-hand cut did not change the VR"
    doctor.shot("vr-cut")

    # 框选裁剪: the box over the 3D view, a handle on each face; drag the upper head–feet face down
    page.get_by_test_id("vr-clip").click()
    page.get_by_test_id("vr-clip-overlay").wait_for()
    assert _box(page, "k") == [0, 1]
    whole = _rows(_canvas(page))
    handles = sorted((page.get_by_test_id(f"vr-clip-handle-k-{side}") for side in (0, 1)), key=lambda h: h.bounding_box()["y"])
    top, bottom = (h.bounding_box() for h in handles)
    span = bottom["y"] - top["y"]
    assert span > 80, span  # the head–feet axis runs down the coronal view
    # the front–back faces are seen end on: no handle until the view is turned
    assert page.locator("[data-testid^=vr-clip-handle-j-]").count() == 0
    hx, hy = top["x"] + top["width"] / 2, top["y"] + top["height"] / 2

    def push() -> None:
        page.mouse.move(hx, hy)
        page.mouse.down()
        page.mouse.move(hx + 15, hy + span * 0.4, steps=6)  # the sideways part does not count
        page.mouse.up()

    clipped = _rendered(page, vr, push)
    lo, hi = _box(page, "k")  # the slider shows the pushed face: one end moved by 0.4, the other stayed
    assert (abs(hi - 0.6) < 0.05 and lo == 0) or (abs(lo - 0.4) < 0.05 and hi == 1), (lo, hi)
    assert _box(page, "i") == [0, 1]
    moved = handles[0].bounding_box()
    assert abs(moved["y"] - (top["y"] + span * 0.4)) < 6 and abs(moved["x"] - top["x"]) < 2, (top, moved)
    assert _diff(cut, clipped, 8) > 1, "the clipping box did not change the VR"
    now = _rows(_canvas(page))
    assert now < whole - 0.25 * span * 0.5, ("the clipped VR is not shorter", whole, now)  # canvas at half density
    doctor.shot("vr-clip")

    # 重置: back to the series as it came
    def reset() -> None:
        page.get_by_test_id("vr-reset").click()
        page.get_by_test_id("vr-edited").wait_for(state="detached")

    again = _rendered(page, vr, reset)
    # a new volume actor samples its rays with another jitter: compare 8×8 block means
    assert _diff(before, again, 8) < min(4.0, _diff(before, no_table, 8) / 2), ("reset did not restore the VR", _diff(before, again, 8))
    assert page.get_by_test_id("vr-clip-overlay").count() == 0 and page.get_by_test_id("vr-clip-box").count() == 0
    assert _rows(_canvas(page)) >= whole - 2, "reset did not restore the full height"
    doctor.shot("vr-reset")
    # the box comes back whole
    page.get_by_test_id("vr-clip").click()
    page.get_by_test_id("vr-clip-overlay").wait_for()
    assert [_box(page, a) for a in "ijk"] == [[0, 1]] * 3
    assert abs(handles[0].bounding_box()["y"] - top["y"]) < 6, "the pushed face did not come back"
    assert not doctor.errors, doctor.errors
