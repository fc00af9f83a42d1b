"""胶片打印 in the browser against a real `radix serve`: add a demo study's images by UID, see the
server's preview, select and rotate an image, export a PDF, print to a real pynetdicom Print SCP and
find the task 已完成 in 打印任务. Screenshots: test-artifacts/e2e/film-*.png."""

from __future__ import annotations

from pathlib import Path

from tests.film.conftest import print_scp


def _number(page, testid):
    """An el-input-number's text box, wherever Element Plus put the data-testid."""
    return page.locator(f"[data-testid={testid}] input, input[data-testid={testid}]").first


def test_film_printing_end_to_end(session_factory, tmp_path: Path) -> None:
    s = session_factory("film")
    s.login("demo-a", "admin", "Radix2026")
    page = s.page
    studies = s.api("GET", "/api/v1/imaging/studies?modality=MG&pageSize=1&receivedAtFrom=2000-01-01")["items"]
    assert studies, "the demo has a mammography study"
    study = studies[0]

    s.goto("/film")
    page.get_by_test_id("film-clear").click()
    page.locator(".el-message-box__btns .el-button--primary").click()
    page.get_by_test_id("film-empty").wait_for()

    # 添加图像: the whole study by its UID (QIDO in the browser)
    page.get_by_test_id("film-add").click()
    page.get_by_test_id("film-add-study").fill(study["studyUid"])
    page.get_by_test_id("film-add-submit").click()
    page.get_by_test_id("film-count").filter(has_text=f"{study['numInstances']} 幅图像").wait_for()
    page.get_by_test_id("film-preview").wait_for()
    # 2×1 layout, then the preview is the server's composition of it
    _number(page, "film-columns").fill("2")
    _number(page, "film-columns").press("Tab")
    _number(page, "film-rows").fill("1")
    _number(page, "film-rows").press("Tab")
    page.get_by_test_id("film-cell-1").wait_for()
    natural = page.get_by_test_id("film-preview").evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert natural[0] > 100 and natural[1] > natural[0]  # 14 × 17 in, portrait

    # select the second image and turn it
    page.get_by_test_id("film-cell-1").click()
    page.get_by_test_id("film-selected").filter(has_text="已选 1 幅").wait_for()
    page.get_by_test_id("film-rotate-right").click()
    page.get_by_test_id("film-cell-info").filter(has_text="旋转 90°").wait_for()
    page.get_by_test_id("film-preset-bone").click()
    page.get_by_test_id("film-cell-info").filter(has_text="窗宽 1600 窗位 500").wait_for()
    s.shot("layout")

    # 导出PDF: saved as a task, then downloaded
    with page.expect_download() as info:
        page.get_by_test_id("film-export-pdf").click()
    pdf = tmp_path / "film.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "taskId=" in page.url

    # 打印 to a film printer registered as a DICOM node
    with print_scp() as scp:
        node = s.api("POST", "/api/v1/imaging/nodes", {
            "name": "测试胶片打印机", "aeTitle": scp.ae_title, "host": "127.0.0.1", "port": scp.port,
            "allowPrint": True})
        assert node.get("id"), node
        page.get_by_test_id("film-print").click()
        dialog = page.get_by_test_id("film-print-dialog")
        dialog.get_by_test_id("film-print-node").click()
        page.locator(".el-select-dropdown__item:visible", has_text=scp.ae_title).first.click()
        dialog.get_by_test_id("film-print-start").click()
        page.locator("[data-testid=job-progress][data-status=succeeded]").wait_for(timeout=60000)
        s.shot("printed")
        dialog.get_by_role("button", name="关闭", exact=True).click()
    films = scp.films()
    assert len(films) == 1 and films[0]["box"].ImageDisplayFormat == "STANDARD\\2,1"
    assert len(films[0]["images"]) == study["numInstances"] == 2

    # 打印任务: the task is 已完成 and its history shows every state
    s.goto("/film/task")
    row = page.locator("[data-testid^=film-task-status-]:visible").first
    row.filter(has_text="已完成").wait_for()
    page.locator("[data-testid^=film-task-events-]:visible").first.click()
    history = page.get_by_test_id("film-task-history")
    history.filter(has_text="打印中").wait_for()
    history.filter(has_text="打印服务").wait_for()
    page.wait_for_timeout(500)  # the dialog's opening animation
    s.shot("tasks")
    assert not s.errors, s.errors
