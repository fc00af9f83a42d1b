"""The viewer's series tools end to end, as the demo doctor: split the 200-slice demo CT at slice 100 (two
new series of 100 images appear in the series panel and open), register a half back onto the whole
(automatic: about the identity), preview a series from its thumbnail's context menu (paging, view
switch), delete a measurement by right-clicking it, and stitch two DX images ingested over STOW-RS
(exported into the study as a Secondary Capture and as a PNG)."""

from __future__ import annotations

import datetime as dt
import io
import re
import time

import numpy as np
from PIL import Image

from radix.core import clock
from radix.imaging import synth
from tests.e2e.test_viewer import _not_blank, _studies, _wait_image

THUMBS = "() => document.querySelectorAll('.vw-thumb').length"


def _series_rows(doctor, study_uid):
    response = doctor.page.request.get(f"{doctor.base}/dicom-web/studies/{study_uid}/series?includefield=all")
    assert response.ok, response.text()
    return response.json()


def _stow(doctor, raws):
    boundary = "radixe2eboundary"
    body = b"".join(b"--" + boundary.encode() + b"\r\nContent-Type: application/dicom\r\n\r\n" + raw + b"\r\n" for raw in raws)
    body += b"--" + boundary.encode() + b"--\r\n"
    response = doctor.page.request.post(f"{doctor.base}/dicom-web/studies", data=body, headers={
        "Content-Type": f'multipart/related; type="application/dicom"; boundary={boundary}',
        "Accept": "application/dicom+json"})
    assert response.ok, response.text()


def _spine(tenant_code):
    """Two DX exposures of one study, 40 rows of the same anatomy in both (a long image cut in two)."""
    person = synth.Person("Zhao", "Liu", "赵", "六", "F", dt.date(1975, 3, 3), "E2EDX01")
    info = synth.StudyInfo(tenant=tenant_code, key=f"e2e-spine-{time.time_ns()}", person=person, accession="E2EDX0001",
                           date=clock.today(), time="120000", description="全脊柱正位（拼接）")
    y, x = np.mgrid[0:300, 0:200]
    whole = (500 + 3 * y + 2 * x + 400 * (((x - 100) ** 2 + (y - 150) ** 2) < 40 ** 2)).astype(np.uint16)
    raws = []
    for number, part in ((1, whole[:180]), (2, whole[140:])):
        ds = synth._base(info, sop_class=synth.DX_PRESENTATION, modality="DX", series=1, number=number,
                         series_description="全脊柱", body_part="SPINE", manufacturer_model="e2e")
        ds.PixelSpacing = [0.2, 0.2]
        ds.WindowCenter, ds.WindowWidth = 1000, 2000
        synth._pixels(ds, part, bits_stored=12)
        raws.append(synth.encode(ds))
    return info, raws


def test_split_register_preview_and_right_click_delete(session_factory) -> None:
    doctor = session_factory("viewer-series")
    doctor.login("demo-a", "doctor", "Radix2026")
    page = doctor.page
    ct = _studies(doctor)["CT"]
    before = {r["0020000E"]["Value"][0] for r in _series_rows(doctor, ct)}

    page.goto(f"{doctor.base}/viewer?studyUIDs={ct}")
    _wait_image(page)
    thumbs = page.evaluate(THUMBS)

    # 快捷键: bind the bone preset to "b" in the settings (any toolbar action may have a key), then press it
    page.get_by_test_id("tool-settings").click()
    settings = page.get_by_test_id("settings-dialog")
    settings.get_by_role("tab", name="鼠标设置").click()
    key = page.get_by_test_id("hotkey-presetBone")
    key.click()
    page.keyboard.press("b")
    assert key.input_value() == "b"
    page.get_by_test_id("settings-save").click()
    settings.wait_for(state="hidden")
    assert doctor.api("GET", "/api/v1/viewer/settings")["hotkeys"]["presetBone"] == "b"
    page.get_by_test_id("viewport-0").hover()
    page.keyboard.press("b")
    page.wait_for_function("() => document.querySelector('[data-testid=viewport-0] [data-testid=overlay-wl]')?.textContent === 'W: 1600 L: 500'")

    # 手动拆分 at slice 100: two new series of 100 images each, the original stays
    page.get_by_test_id("tool-series").click()
    page.get_by_test_id("series-split").click()
    dialog = page.get_by_test_id("split-dialog")
    field = page.get_by_test_id("split-at").locator("input")
    field.fill("100")
    field.press("Tab")
    page.wait_for_function("() => /第 1–100 张（100 张）和第 101–200 张（100 张）/.test(document.querySelector('[data-testid=split-hint]')?.textContent ?? '')")
    doctor.shot("split-dialog")
    page.get_by_test_id("split-confirm").click()
    page.wait_for_function(f"() => ({THUMBS})() === {thumbs + 2}", timeout=180000)
    dialog.wait_for(state="hidden")
    rows = _series_rows(doctor, ct)
    made = {r["0020000E"]["Value"][0]: r for r in rows}
    new = [uid for uid in made if uid not in before]
    assert len(new) == 2 and sorted(made[u]["00201209"]["Value"][0] for u in new) == [100, 100]
    assert all(made[u]["00201209"]["Value"][0] == 200 for u in before)
    panel = page.get_by_test_id("series-panel")
    for uid in new:
        assert re.search(r"CT \d+ · 100张", panel.get_by_test_id(f"series-{uid}").inner_text())
    first_half = min(new, key=lambda u: made[u]["00200011"]["Value"][0])
    panel.get_by_test_id(f"series-{first_half}").click()
    page.wait_for_function("() => document.querySelector('[data-testid=viewport-0] [data-testid=overlay-slice]')?.textContent === '1/100'",
                           timeout=60000)
    page.wait_for_timeout(500)
    assert _not_blank(page) > 10
    doctor.shot("split-done")

    # 配准: the first half onto the whole CT; automatic registration finds (about) the identity
    page.get_by_test_id("tool-registration").click()
    reg = page.get_by_test_id("registration-dialog")
    reg.wait_for()
    page.wait_for_function("() => document.querySelector('[data-testid=registration-moving]')?.textContent?.includes('(200)')", timeout=30000)
    page.get_by_test_id("registration-auto").click()
    page.wait_for_function("() => /自动/.test(document.querySelector('[data-testid=registration-method]')?.textContent ?? '')", timeout=180000)
    saved = doctor.api("GET", f"/api/v1/viewer/registrations?fixedSeriesUid={first_half}")["items"]
    assert len(saved) == 1 and saved[0]["method"] == "auto"
    m = np.array(saved[0]["matrix"]).reshape(4, 4)
    assert np.allclose(m[:3, :3], np.eye(3), atol=0.02) and np.abs(m[:3, 3]).max() < 2.0, m
    page.wait_for_timeout(1500)
    fused = page.get_by_test_id("registration-pane-fusion").screenshot()
    assert np.asarray(Image.open(io.BytesIO(fused)).convert("L"), dtype=float).std() > 10, "the fused pane is blank"
    doctor.shot("registration")
    # by hand: drag the moving series in the fused pane, then save; the saved result is the manual one
    page.get_by_test_id("registration-drag").click()
    pane = page.get_by_test_id("registration-pane-fusion").bounding_box()
    px, py = pane["x"] + pane["width"] / 2, pane["y"] + pane["height"] / 2
    page.mouse.move(px, py)
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(px + 6 * k, py)
    page.mouse.up()
    tx = float(page.get_by_test_id("registration-tx").locator("input").input_value())
    assert abs(tx) > 5, tx  # 60 screen pixels at this zoom are several millimetres
    page.get_by_test_id("registration-save").click()
    deadline = time.time() + 10
    while time.time() < deadline and doctor.api("GET", f"/api/v1/viewer/registrations?fixedSeriesUid={first_half}")["items"][0]["method"] != "manual":
        time.sleep(0.3)
    manual = doctor.api("GET", f"/api/v1/viewer/registrations?fixedSeriesUid={first_half}")["items"][0]
    assert manual["method"] == "manual" and abs(manual["matrix"][3] - tx) < 1.0, manual
    doctor.shot("registration-manual")

    # beyond the plane, from the same axial pane: push along the view normal (z), then tilt about the screen's
    # vertical axis (y: out of the plane); each is applied to the moving series and saved
    def drag(testid: str, dx: float, dy: float) -> None:
        page.get_by_test_id(testid).click()
        page.mouse.move(px, py)
        page.mouse.down()
        for k in range(1, 11):
            page.mouse.move(px + dx * k / 10, py + dy * k / 10)
        page.mouse.up()

    def value(name: str) -> float:
        return float(page.get_by_test_id(f"registration-{name}").locator("input").input_value())

    def save_and_read(previous: list[float]) -> list[float]:
        page.get_by_test_id("registration-save").click()
        deadline = time.time() + 10
        row = manual
        while time.time() < deadline:
            row = doctor.api("GET", f"/api/v1/viewer/registrations?fixedSeriesUid={first_half}")["items"][0]
            if row["matrix"] != previous:
                break
            time.sleep(0.3)
        assert row["method"] == "manual" and row["matrix"] != previous, row
        return row["matrix"]

    tz0 = value("tz")
    drag("registration-depth", 0, -60)
    tz = value("tz") - tz0
    assert abs(tz) > 5 and abs(value("tx") - tx) < 0.02, (tz, value("tx"))  # 60 px ≈ 6+ mm, along z only
    assert "沿层面法线" in page.get_by_test_id("registration-hint").inner_text()
    depth = save_and_read(manual["matrix"])
    assert abs(depth[11] - manual["matrix"][11] - tz) < 0.05 and abs(depth[3] - manual["matrix"][3]) < 0.01, depth
    drag("registration-tilt", 40, 0)
    ry, rx = value("ry"), value("rx")
    assert 8 < abs(ry) < 12 and abs(rx) < 1.5, (rx, ry)  # 40 px × 0.25°
    tilted = np.array(save_and_read(depth)).reshape(4, 4)
    r = tilted[:3, :3]
    assert np.allclose(r @ r.T, np.eye(3), atol=1e-4)
    # a turn about y: x and z mix, y stays
    assert abs(abs(r[0, 2]) - np.sin(np.radians(abs(ry)))) < 0.03 and abs(r[1, 1] - 1) < 1e-3, r
    doctor.shot("registration-tilt")
    page.keyboard.press("Escape")
    reg.wait_for(state="hidden")

    # 影像序列预览: right-click a thumbnail; left drag pages, the corner button switches the view
    panel.get_by_test_id(f"series-{first_half}").click(button="right")
    preview = page.get_by_test_id("thumb-preview")
    preview.wait_for()
    page.wait_for_function("() => document.querySelector('[data-testid=thumb-preview-slice]')?.textContent === '51/100'", timeout=30000)
    box = page.get_by_test_id("thumb-preview-viewport").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(cx, cy + 8 * k)
    page.mouse.up()
    page.wait_for_function("() => document.querySelector('[data-testid=thumb-preview-slice]')?.textContent !== '51/100'")
    page.get_by_test_id("thumb-preview-view").click()
    page.wait_for_function("() => /横断面/.test(document.querySelector('[data-testid=thumb-preview-view]')?.textContent ?? '')")
    page.get_by_test_id("thumb-preview-view").click()
    page.wait_for_function("() => /冠状面/.test(document.querySelector('[data-testid=thumb-preview-view]')?.textContent ?? '')")
    # the reconstruction fills in as the volume streams: wait for the lungs (dark) inside the body band
    deadline = time.time() + 60
    band = 0.0
    while time.time() < deadline:
        shot = np.asarray(Image.open(io.BytesIO(page.get_by_test_id("thumb-preview-viewport").screenshot())).convert("L"), dtype=float)
        h = shot.shape[0]
        band = float(shot[int(h * 0.45): int(h * 0.55), :].std())
        if band > 20:
            break
        page.wait_for_timeout(1000)
    assert band > 20, f"the coronal preview shows no anatomy (std {band:.1f})"
    doctor.shot("preview")
    page.get_by_test_id("thumb-preview-close").click()
    preview.wait_for(state="detached")

    # 右键快捷删除: a length measurement, right-clicked, confirmed, is gone here and on the server
    # (other tests may have left measurements of their own on this study: count relative to them)
    def saved_uids():
        return {a["uid"] for a in doctor.api("GET", f"/api/v1/viewer/annotations?studyUid={ct}")["items"]}

    rows = "() => document.querySelectorAll('[data-testid=measurement-list] [data-testid=measurement-value]').length"
    before_uids = saved_uids()
    listed = page.evaluate(rows)
    viewport = page.get_by_test_id("viewport-0")
    box = viewport.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.get_by_test_id("tool-measure").click()
    page.get_by_test_id("tool-length").click()
    page.mouse.move(cx - 100, cy)
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(cx - 100 + 20 * k, cy)
    page.mouse.up()
    page.wait_for_function(f"() => ({rows})() === {listed + 1}")
    deadline = time.time() + 10
    while time.time() < deadline and not saved_uids() - before_uids:
        time.sleep(0.3)
    (mine,) = saved_uids() - before_uids
    page.mouse.click(cx, cy, button="right")
    page.locator(".el-message-box").wait_for()
    assert "删除该标注" in page.locator(".el-message-box").inner_text()
    page.locator(".el-message-box .el-button--primary").click()
    page.wait_for_function(f"() => ({rows})() === {listed}")
    deadline = time.time() + 10
    while time.time() < deadline and mine in saved_uids():
        time.sleep(0.3)
    assert saved_uids() == before_uids
    assert not [e for e in doctor.errors if "ResizeObserver" not in e], doctor.errors


def test_stitching_two_dx_images(session_factory) -> None:
    doctor = session_factory("viewer-stitch")
    doctor.login("demo-a", "doctor", "Radix2026")
    page = doctor.page
    info, raws = _spine("demo-a")
    _stow(doctor, raws)

    # the stitching button shows only when the setting is on
    doctor.api("PUT", "/api/v1/viewer/settings", {"stitching": False})
    page.goto(f"{doctor.base}/viewer?studyUIDs={info.study_uid}")
    _wait_image(page)
    assert page.get_by_test_id("tool-stitch").count() == 0
    assert doctor.api("PUT", "/api/v1/viewer/settings", {"stitching": True})["stitching"] is True
    page.reload()
    _wait_image(page)
    page.get_by_test_id("tool-stitch").click()
    dialog = page.get_by_test_id("stitch-dialog")
    dialog.wait_for()
    page.wait_for_function("() => document.querySelectorAll('[data-testid^=stitch-chosen-]').length === 2", timeout=30000)
    overlap = page.get_by_test_id("stitch-overlap").locator("input")
    overlap.fill("40")
    overlap.press("Tab")
    page.wait_for_function("() => document.querySelector('[data-testid=stitch-preview]')?.dataset.size === '200x300'", timeout=15000)
    # the preview is drawn through the images' own window (W 2000 / L 1000): not one flat colour
    assert page.get_by_test_id("stitch-ww").locator("input").input_value() == "2000"
    spread = page.evaluate("""() => {
      const c = document.querySelector('[data-testid=stitch-preview]')
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data
      let lo = 255, hi = 0
      for (let i = 0; i < d.length; i += 4) { lo = Math.min(lo, d[i]); hi = Math.max(hi, d[i]) }
      return hi - lo
    }""")
    assert spread > 100, spread
    doctor.shot("stitch")

    with page.expect_download() as download:
        page.get_by_test_id("stitch-export-png").click()
    png = Image.open(download.value.path())
    assert png.size == (200, 300)

    thumbs = page.evaluate(THUMBS)
    page.get_by_test_id("stitch-export").click()
    page.wait_for_function(f"() => ({THUMBS})() === {thumbs + 1}", timeout=60000)
    rows = _series_rows(doctor, info.study_uid)
    assert len(rows) == 2
    stitched = next(r for r in rows if r["0020000E"]["Value"][0] != info.series_uid(1))
    assert stitched["00201209"]["Value"] == [1]
    uid = stitched["0020000E"]["Value"][0]
    meta = doctor.page.request.get(f"{doctor.base}/dicom-web/studies/{info.study_uid}/series/{uid}/metadata").json()
    assert meta[0]["00080016"]["Value"] == ["1.2.840.10008.5.1.4.1.1.7"]
    assert (meta[0]["00280010"]["Value"], meta[0]["00280011"]["Value"]) == ([300], [200])
    page.keyboard.press("Escape")
    page.get_by_test_id(f"series-{uid}").click()
    page.wait_for_function("() => document.querySelector('[data-testid=viewport-0] [data-testid=overlay-slice]')?.textContent === '1/1'",
                           timeout=30000)
    page.wait_for_timeout(500)
    assert _not_blank(page) > 10
    doctor.shot("stitched")
    doctor.api("PUT", "/api/v1/viewer/settings", {"stitching": False})
