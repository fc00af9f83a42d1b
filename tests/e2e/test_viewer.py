"""The diagnostic viewer end to end on the demo CT (200 × 512², 0.703125 mm pixels) of `radix demo`:
the image is drawn, the lung preset reads W 1500 / L -700, a length drawn at original size (one
screen pixel per image pixel, so the expected millimetres follow from the pixel spacing alone) is
right within 1 %, MPR shows three panes, the measurement survives a reload (it is on the server),
and a share link opens the study without login and reads nothing else."""

from __future__ import annotations

import io
import re
import time

import numpy as np
from PIL import Image

CT_SPACING = 0.703125  # mm, radix.imaging.synth.CT_SPACING
WL = "() => document.querySelector('[data-testid=viewport-{n}] [data-testid=overlay-wl]')?.textContent ?? ''"


def _wait_image(page, n: int = 0, timeout: int = 60000) -> None:
    console: list[str] = []
    listener = lambda m: console.append(f"{m.type}: {m.text}"[:400])  # noqa: E731
    page.on("console", listener)
    try:
        page.wait_for_function(f"() => ({WL.format(n=n)})().startsWith('W:')", timeout=timeout)
        # the tools (W/L drag, wheel, measurements) arrive just after the first image: a drag before is lost
        page.locator("[data-testid=viewer][data-tools=ready]").wait_for(state="attached", timeout=timeout)
    except Exception as exc:
        raise AssertionError(f"viewport-{n} shows no image; console: {console[-15:]}") from exc
    finally:
        page.remove_listener("console", listener)


def _not_blank(page, n: int = 0) -> float:
    """Standard deviation of the middle of the viewport (the corners hold the overlay text)."""
    shot = page.get_by_test_id(f"viewport-{n}").screenshot()
    pixels = np.asarray(Image.open(io.BytesIO(shot)).convert("L"), dtype=float)
    h, w = pixels.shape
    middle = pixels[h // 4: 3 * h // 4, w // 4: 3 * w // 4]
    return float(middle.std())


def _studies(api_session) -> dict[str, str]:
    items = api_session.api("GET", "/api/v1/imaging/studies?pageSize=50")["items"]
    out: dict[str, str] = {}
    for s in items:
        for modality in (s.get("modalities") or "").strip("\\").split("\\"):
            out.setdefault(modality, s["studyUid"])
    out["_ct_id"] = str(next(s["id"] for s in items if s["studyUid"] == out["CT"]))
    return out


def test_viewer_on_the_demo_ct(session_factory) -> None:
    doctor = session_factory("viewer")
    doctor.login("demo-a", "doctor", "Radix2026")
    page = doctor.page
    studies = _studies(doctor)
    ct = studies["CT"]

    page.goto(f"{doctor.base}/viewer?studyUIDs={ct}")
    _wait_image(page)
    assert page.get_by_test_id("viewport-0").locator("[data-testid=overlay-slice]").inner_text() == "1/200"
    page.wait_for_timeout(500)
    assert _not_blank(page) > 10, "the viewport is blank"
    doctor.shot("ct")

    # the lung preset of manual 2 §3.1.2
    page.get_by_test_id("tool-presets").click()
    page.get_by_test_id("preset-lung").click()
    page.wait_for_function(f"() => ({WL.format(n=0)})() === 'W: 1500 L: -700'", timeout=5000)
    for preset, text in (("bone", "W: 1600 L: 500"), ("lung", "W: 1500 L: -700")):
        page.get_by_test_id("tool-presets").click()
        page.get_by_test_id(f"preset-{preset}").click()
        page.wait_for_function(f"() => ({WL.format(n=0)})() === '{text}'", timeout=5000)
    doctor.shot("lung")

    # 伪彩: a colour map turns the grey image into colours; off brings grey back
    def colourfulness() -> float:
        shot = page.get_by_test_id("viewport-0").screenshot()
        rgb = np.asarray(Image.open(io.BytesIO(shot)).convert("RGB"), dtype=float)
        h, w, _ = rgb.shape
        middle = rgb[h // 4: 3 * h // 4, w // 4: 3 * w // 4]
        return float(np.abs(middle[..., 0] - middle[..., 2]).mean())

    assert colourfulness() < 2
    page.get_by_test_id("tool-pseudo").click()
    page.get_by_test_id("pseudo-jet").click()
    page.wait_for_timeout(500)
    assert colourfulness() > 10
    page.get_by_test_id("tool-pseudo").click()
    page.get_by_test_id("pseudo-off").click()
    page.wait_for_timeout(500)
    assert colourfulness() < 2

    # scrolling with the wheel moves through the stack
    viewport = page.get_by_test_id("viewport-0")
    box = viewport.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    for _ in range(5):
        page.mouse.wheel(0, 120)
        page.wait_for_timeout(60)
    page.wait_for_function("() => document.querySelector('[data-testid=viewport-0] [data-testid=overlay-slice]').textContent !== '1/200'")
    slice_text = viewport.locator("[data-testid=overlay-slice]").inner_text()
    assert re.fullmatch(r"\d+/200", slice_text) and slice_text != "1/200"

    # a length at original size: 1 screen pixel = 1 image pixel = CT_SPACING mm
    page.get_by_test_id("tool-zoom-menu").click()
    page.get_by_test_id("tool-original").click()
    page.wait_for_function("() => document.querySelector('[data-testid=viewport-0] [data-testid=overlay-zoom]')?.textContent === 'Zoom: 100%'")
    page.get_by_test_id("tool-measure").click()
    page.get_by_test_id("tool-length").click()
    dx = 240
    page.mouse.move(cx - dx / 2, cy + 20)
    page.mouse.down()
    for k in range(1, 13):
        page.mouse.move(cx - dx / 2 + dx * k / 12, cy + 20)
    page.mouse.up()
    listing = page.get_by_test_id("measurement-list")
    value = listing.get_by_test_id("measurement-value").first
    page.wait_for_function("() => /mm/.test(document.querySelector('[data-testid=measurement-list] [data-testid=measurement-value]')?.textContent ?? '')")
    measured = float(re.search(r"([\d.]+) mm", value.inner_text()).group(1))
    expected = dx * CT_SPACING
    assert abs(measured - expected) / expected < 0.01, (measured, expected)
    doctor.shot("length")

    # saved on the server for this user and study; back after a reload
    deadline = time.time() + 10
    saved = []
    while time.time() < deadline and not saved:
        saved = doctor.api("GET", f"/api/v1/viewer/annotations?studyUid={ct}")["items"]
        time.sleep(0.3)
    assert len(saved) == 1 and saved[0]["tool"] == "Length"
    # the series panel shows the whole stack loaded (then the reload does not queue behind it)
    page.wait_for_function("() => document.querySelector('[data-testid^=series-progress-] .el-progress-bar__inner')?.style.width === '100%'",
                           timeout=120000)
    page.reload()
    _wait_image(page)
    page.wait_for_function("() => /mm/.test(document.querySelector('[data-testid=measurement-list] [data-testid=measurement-value]')?.textContent ?? '')", timeout=20000)
    restored = float(re.search(r"([\d.]+) mm", listing.get_by_test_id("measurement-value").first.inner_text()).group(1))
    assert abs(restored - measured) < 0.05
    assert listing.get_by_test_id("measurement-Length").count() == 1

    # MPR: three panes, each drawn
    page.get_by_test_id("tool-mpr").click()
    for n in range(3):
        _wait_image(page, n)
    assert page.get_by_test_id("viewport-3").count() == 0
    page.wait_for_timeout(1500)
    for n in range(3):
        assert _not_blank(page, n) > 5, f"MPR pane {n} is blank"
    doctor.shot("mpr")
    page.get_by_test_id("tool-mpr").click()
    _wait_image(page)

    # a layout of four series windows
    page.get_by_test_id("layout-menu").click()
    page.get_by_test_id("windows-4").click()
    for n in range(4):
        _wait_image(page, n)
    texts = [page.get_by_test_id(f"viewport-{n}").locator("[data-testid=overlay-slice]").inner_text() for n in range(4)]
    assert texts == ["1/200", "2/200", "3/200", "4/200"]
    doctor.shot("windows")
    assert not doctor.errors, doctor.errors

    # the active window's image goes to the film page (胶片打印) with its window
    page.get_by_test_id("tool-more").click()
    page.get_by_test_id("tool-film").click()
    page.get_by_test_id("film-page").wait_for()
    assert page.get_by_test_id("film-count").inner_text().startswith("1 幅图像")
    doctor.shot("to-film")

    # a share link opens the study without login, and nothing else
    share = doctor.api("POST", "/api/v1/imaging/shares", {"studyId": int(studies["_ct_id"]), "validity": "60m"})
    token = share["token"]
    other = next(uid for key, uid in studies.items() if not key.startswith("_") and uid != ct)
    visitor = session_factory("viewer-share")
    vpage = visitor.page
    vpage.goto(f"{visitor.base}{share['url']}")
    _wait_image(vpage)
    vpage.wait_for_timeout(500)
    assert _not_blank(vpage) > 10
    assert vpage.get_by_test_id("user-menu").count() == 0
    visitor.shot("share")
    refused = vpage.request.get(f"{visitor.base}/dicom-web/studies/{other}/series", headers={"X-Radix-Share": token})
    assert refused.status in (403, 404), refused.status
    own = vpage.request.get(f"{visitor.base}/dicom-web/studies/{ct}/series", headers={"X-Radix-Share": token})
    assert own.status == 200
    vpage.goto(f"{visitor.base}{share['url']}?studyUIDs={other}")
    vpage.get_by_test_id("viewer-error").wait_for()
    assert vpage.get_by_test_id("viewport-0").locator("[data-testid=overlay-wl]").count() == 0
    visitor.shot("share-refused")
    # without a token, nothing at all
    assert vpage.request.get(f"{visitor.base}/dicom-web/studies/{ct}/series").status == 401
