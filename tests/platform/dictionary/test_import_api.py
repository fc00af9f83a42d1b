"""导入模板 / 导入数据 of the master data: Chinese headers, references by code or name, all or nothing."""

from __future__ import annotations

import pytest

from tests.conftest import unique
from tests.platform.dictionary.helpers import BASE, XLSX, job_row, make_modality, read_xlsx, sheet


@pytest.fixture()
def hospital_admin(login_as):
    return login_as("demo-a", "admin")


def _template(api, path):
    r = api.get(f"{BASE}/{path}/import-template")
    assert r.status_code == 200 and r.headers["content-type"].startswith(XLSX)
    return read_xlsx(r.content)[0]


def _import(api, path, content):
    run = api.ok("POST", f"{BASE}/{path}/import", status=202, files={"file": ("数据.xlsx", content, XLSX)})
    return job_row(run["id"])


def test_import_templates_have_the_chinese_labels(hospital_admin):
    assert _template(hospital_admin, "exam-items") == [
        "项目编码*", "项目名称*", "部位", "模态*", "价格（元）", "是否启用", "排序", "备注",
    ]
    assert _template(hospital_admin, "charge-items")[:5] == ["收费代码*", "收费项目名称*", "收费项目类型", "模态", "价格（元）*"]
    assert _template(hospital_admin, "hospital-levels") == ["等级编码*", "等级名称*", "排序", "状态", "备注"]
    assert _template(hospital_admin, "body-parts")[:3] == ["部位编码*", "部位名称*", "模态*"]


def test_import_valid_file_creates_the_rows(hospital_admin):
    api = hospital_admin
    header = _template(api, "exam-items")
    tag = unique("imp")
    content = sheet(header, [
        # a body part may be named; it is looked up within the row's modality (头颅 exists for CT, MR, DR, PT)
        {"项目编码": f"{tag}-1", "项目名称": f"头颅CT平扫{tag}", "部位": "头颅", "模态": "ct", "价格（元）": 150},
        {"项目编码": f"{tag}-2", "项目名称": f"头颅MR平扫{tag}", "部位": "MR-HEAD", "模态": "磁共振", "价格（元）": "420.5",
         "是否启用": "否", "排序": 3},
        {"项目编码": f"{tag}-3", "项目名称": f"床旁胸片{tag}", "模态": "DR"},
    ])
    run = _import(api, "exam-items", content)
    assert run.status.value == "succeeded", run.result
    assert run.result["created"] == 3
    items = {i["code"]: i for i in api.ok("GET", f"{BASE}/exam-items", params={"name": tag})["items"]}
    assert set(items) == {f"{tag}-1", f"{tag}-2", f"{tag}-3"}
    assert items[f"{tag}-1"]["bodyPartCode"] == "CT-HEAD" and items[f"{tag}-1"]["modalityCode"] == "CT"
    assert items[f"{tag}-1"]["price"] == 150.0 and items[f"{tag}-1"]["enabled"] is True
    assert items[f"{tag}-2"]["modalityCode"] == "MR" and items[f"{tag}-2"]["price"] == 420.5
    assert items[f"{tag}-2"]["enabled"] is False and items[f"{tag}-2"]["sort"] == 3
    assert items[f"{tag}-3"]["bodyPartCode"] is None and items[f"{tag}-3"]["price"] is None

    charge = sheet(_template(api, "charge-items"), [
        {"收费代码": f"{tag}C", "收费项目名称": f"胶片{tag}", "收费项目类型": "材料费", "价格（元）": 12.5},
    ])
    assert _import(api, "charge-items", charge).status.value == "succeeded"
    row = api.ok("GET", f"{BASE}/charge-items", params={"code": f"{tag}C"})["items"][0]
    assert row["type"] == "material" and row["price"] == 12.5 and row["modalityCode"] is None


def test_import_with_bad_rows_reports_them_and_creates_nothing(hospital_admin):
    api = hospital_admin
    mod = make_modality(api)
    header = _template(api, "body-parts")
    tag = unique("bad")
    content = sheet(header, [
        {"部位编码": f"{tag}-1", "部位名称": f"好的部位{tag}", "模态": mod["code"]},
        {"部位编码": f"{tag}-2", "部位名称": f"坏的模态{tag}", "模态": "ZZZ"},
        {"部位编码": f"{tag}-3", "部位名称": f"坏的状态{tag}", "模态": mod["code"], "状态": "也许"},
        {"部位编码": "CT-HEAD", "部位名称": f"已有编码{tag}", "模态": "CT"},
        {"部位编码": f"{tag}-1", "部位名称": f"重复编码{tag}", "模态": mod["code"]},
        {"部位名称": f"缺编码{tag}", "模态": mod["code"]},
    ])
    run = _import(api, "body-parts", content)
    assert run.status.value == "failed"
    assert run.result["code"] == "IMPORT_ROWS_INVALID" and "未导入任何数据" in run.message
    errors = run.result["errors"]
    by_row = {e["row"]: e for e in errors}
    assert set(by_row) == {3, 4, 6, 7}
    assert by_row[3]["field"] == "modalityCode" and by_row[3]["label"] == "模态"
    assert "模态“ZZZ”不存在" in by_row[3]["message"]
    assert by_row[4]["field"] == "status" and by_row[4]["message"] == "请从可选项中选择"
    assert by_row[6]["field"] == "code" and "第 2 行重复" in by_row[6]["message"]
    assert by_row[7]["field"] == "code" and by_row[7]["message"] == "必填项不能为空"
    # the valid row was not saved either
    assert api.ok("GET", f"{BASE}/body-parts", params={"name": tag})["total"] == 0

    # with only a clash against an existing code, the second pass reports it and still saves nothing
    content = sheet(header, [
        {"部位编码": f"{tag}-1", "部位名称": f"好的部位{tag}", "模态": mod["code"]},
        {"部位编码": "CT-HEAD", "部位名称": f"已有编码{tag}", "模态": "CT"},
    ])
    run = _import(api, "body-parts", content)
    assert run.status.value == "failed"
    assert [(e["row"], e["field"], e["message"]) for e in run.result["errors"]] == [(3, "code", "部位编码已存在")]
    assert api.ok("GET", f"{BASE}/body-parts", params={"name": tag})["total"] == 0


def test_import_rejects_a_body_part_of_another_modality(hospital_admin):
    api = hospital_admin
    header = _template(api, "exam-items")
    tag = unique("mm")
    content = sheet(header, [
        {"项目编码": f"{tag}-1", "项目名称": "错配", "部位": "CT-HEAD", "模态": "MR"},
        {"项目编码": f"{tag}-2", "项目名称": "找不到", "部位": "膝盖骨", "模态": "CT"},
    ])
    run = _import(api, "exam-items", content)
    assert run.status.value == "failed"
    errors = sorted(run.result["errors"], key=lambda e: e["row"])
    assert [(e["row"], e["field"], e["label"]) for e in errors] == [(2, "bodyPartCode", "部位"), (3, "bodyPartCode", "部位")]
    assert "不一致" in errors[0]["message"] and "部位“膝盖骨”不存在" in errors[1]["message"]
    assert api.ok("GET", f"{BASE}/exam-items", params={"code": f"{tag}-1"})["total"] == 0
