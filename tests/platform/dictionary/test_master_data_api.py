"""数据维护 (manual 1 §6.9): CRUD, filters, export, references, tenant isolation and dictionaries."""

from __future__ import annotations

import pytest

from tests.conftest import unique
from tests.platform.dictionary.helpers import (
    BASE,
    dict_options,
    make_body_part,
    make_modality,
    modality_code,
    read_xlsx,
)


@pytest.fixture()
def hospital_admin(login_as):
    return login_as("demo-a", "admin")


def test_modality_crud_filters_and_export(hospital_admin):
    api = hospital_admin
    code = modality_code()
    created = api.ok("POST", f"{BASE}/modalities", status=201,
                     json={"code": code.lower(), "name": f"光声成像{code}", "description": "科研设备", "sort": 5})
    assert created["code"] == code  # DICOM modality codes are upper case
    assert created["status"] == "enabled" and created["tenantName"] == "演示第一人民医院"
    other = make_modality(api, status="disabled")

    page = api.ok("GET", f"{BASE}/modalities", params={"name": f"光声成像{code}"})
    assert [m["code"] for m in page["items"]] == [code]
    page = api.ok("GET", f"{BASE}/modalities", params={"name": "光声", "status": "enabled"})
    assert code in {m["code"] for m in page["items"]} and other["code"] not in {m["code"] for m in page["items"]}
    # newest first by default
    codes = [m["code"] for m in api.ok("GET", f"{BASE}/modalities", params={"pageSize": 200})["items"]]
    assert codes.index(other["code"]) < codes.index(code)

    mid = created["id"]
    assert api.ok("GET", f"{BASE}/modalities/{mid}")["description"] == "科研设备"
    updated = api.ok("PATCH", f"{BASE}/modalities/{mid}", json={"name": f"光声{code}", "status": "disabled", "code": "XX"})
    assert updated["name"] == f"光声{code}" and updated["status"] == "disabled"
    assert updated["code"] == code  # the code cannot change
    # an explicit null does not clear a required column
    assert api.ok("PATCH", f"{BASE}/modalities/{mid}", json={"name": None})["name"] == f"光声{code}"

    r = api.get(f"{BASE}/modalities/export", params={"name": f"光声{code}"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    rows = read_xlsx(r.content)
    assert rows[0][:3] == ["模态编码", "模态名称", "描述"] and "状态" in rows[0]
    assert len(rows) == 2 and rows[1][:3] == [code, f"光声{code}", "科研设备"]
    assert rows[1][rows[0].index("状态")] == "禁用"

    assert api.delete(f"{BASE}/modalities/{mid}").status_code == 204
    assert api.get(f"{BASE}/modalities/{mid}").status_code == 404
    api.ok("POST", f"{BASE}/modalities/batch-delete", json={"ids": [other["id"]]})
    assert api.get(f"{BASE}/modalities/{other['id']}").status_code == 404


def test_exam_item_crud_filters_and_export(hospital_admin):
    api = hospital_admin
    mod = make_modality(api)
    part = make_body_part(api, mod["code"], name="左膝")
    code = unique("EX")
    item = api.ok("POST", f"{BASE}/exam-items", status=201, json={
        "code": code, "name": f"左膝专项{code}", "bodyPartCode": part["code"], "modalityCode": mod["code"].lower(),
        "price": "128.50",
    })
    assert item["price"] == 128.5 and item["enabled"] is True
    assert item["modalityCode"] == mod["code"] and item["modalityName"] == mod["name"] and item["bodyPartName"] == "左膝"
    off = api.ok("POST", f"{BASE}/exam-items", status=201, json={
        "code": unique("EX"), "name": f"停用项目{code}", "modalityCode": mod["code"], "enabled": False,
    })
    assert off["price"] is None and off["bodyPartCode"] is None

    def codes(**params):
        return {i["code"] for i in api.ok("GET", f"{BASE}/exam-items", params={"pageSize": 200, **params})["items"]}

    assert codes(name=f"左膝专项{code}") == {code}
    assert codes(code=code) == {code}
    assert codes(bodyPartCode=part["code"]) == {code}
    assert codes(modalityCode=mod["code"]) == {code, off["code"]}
    assert codes(modalityCode=mod["code"], enabled="false") == {off["code"]}
    assert codes(modalityCode=mod["code"], enabled="true") == {code}
    r = api.get(f"{BASE}/exam-items", params={"enabled": "maybe"})
    assert r.status_code == 422

    # the seeded demo data is there too
    assert "CT001" in codes(modalityCode="CT", name="头颅CT")

    updated = api.ok("PATCH", f"{BASE}/exam-items/{item['id']}", json={"price": 99, "enabled": False})
    assert updated["price"] == 99.0 and updated["enabled"] is False
    r = api.patch(f"{BASE}/exam-items/{item['id']}", json={"price": -1})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "price"

    r = api.get(f"{BASE}/exam-items/export", params={"modalityCode": mod["code"]})
    rows = read_xlsx(r.content)
    header = rows[0]
    assert header[:5] == ["项目编码", "项目名称", "部位", "模态", "价格（元）"] and "是否启用" in header
    by_code = {row[0]: row for row in rows[1:]}
    assert set(by_code) == {code, off["code"]}
    assert float(by_code[code][header.index("价格（元）")]) == 99.0
    assert by_code[code][header.index("是否启用")] == "否"


def test_charge_item_filters(hospital_admin):
    api = hospital_admin
    mod = make_modality(api)
    code = unique("C")
    created = api.ok("POST", f"{BASE}/charge-items", status=201, json={
        "code": code, "name": f"专用对比剂{code}", "type": "material", "modalityCode": mod["code"], "price": 35.5,
    })
    assert created["type"] == "material" and created["price"] == 35.5
    api.ok("POST", f"{BASE}/charge-items", status=201, json={
        "code": unique("C"), "name": f"检查费{code}", "modalityCode": mod["code"], "price": 0, "enabled": False,
    })

    def codes(**params):
        return {i["code"] for i in api.ok("GET", f"{BASE}/charge-items", params=params)["items"]}

    assert codes(name=code) == {code, *codes(type="exam", name=code)}
    assert codes(type="material", modalityCode=mod["code"]) == {code}
    assert codes(code=code) == {code}
    assert codes(modalityCode=mod["code"], enabled="true") == {code}
    r = api.post(f"{BASE}/charge-items", json={"code": unique("C"), "name": "无价格"})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "price"
    r = api.get(f"{BASE}/charge-items", params={"type": "nonsense"})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "type"


def test_duplicate_code_is_a_conflict_within_the_tenant_only(hospital_admin, new_tenant):
    api = hospital_admin
    code = unique("ht")
    api.ok("POST", f"{BASE}/hospital-types", status=201, json={"code": code, "name": "康复医院"})
    r = api.post(f"{BASE}/hospital-types", json={"code": code, "name": "另一个"})
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "DUPLICATE" and "编码已存在" in body["message"]
    assert body["fields"] == [{"field": "code", "message": "类型编码已存在"}]
    # the same code in another tenant is fine
    _, other = new_tenant()
    other.ok("POST", f"{BASE}/hospital-types", status=201, json={"code": code, "name": "康复医院"})

    r = api.post(f"{BASE}/hospital-levels", json={"code": "3A", "name": "重复的三甲"})
    assert r.status_code == 409 and r.json()["fields"][0] == {"field": "code", "message": "等级编码已存在"}
    r = api.post(f"{BASE}/person-types", json={"code": "技 师", "name": "空格编码"})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "code"
    assert "编码只能包含" in r.json()["fields"][0]["message"]


def test_references_are_checked_against_the_tenants_own_rows(hospital_admin, login_as):
    api = hospital_admin
    r = api.post(f"{BASE}/body-parts", json={"code": unique("BP"), "name": "无模态", "modalityCode": "NOPE"})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "REFERENCE_NOT_FOUND"
    assert body["fields"][0]["field"] == "modalityCode" and "模态“NOPE”不存在" in body["fields"][0]["message"]

    # a modality of another hospital does not count
    foreign = make_modality(login_as("demo-b", "admin"))
    r = api.post(f"{BASE}/body-parts", json={"code": unique("BP"), "name": "跨院", "modalityCode": foreign["code"]})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "modalityCode"

    # an exam item's body part must belong to its modality
    r = api.post(f"{BASE}/exam-items", json={"code": unique("EX"), "name": "错配", "modalityCode": "MR",
                                             "bodyPartCode": "CT-HEAD"})
    assert r.status_code == 422
    field = r.json()["fields"][0]
    assert r.json()["code"] == "REFERENCE_MISMATCH" and field["field"] == "bodyPartCode"
    assert "头颅" in field["message"] and "CT" in field["message"] and "MR" in field["message"]
    r = api.post(f"{BASE}/exam-items", json={"code": unique("EX"), "name": "无部位", "modalityCode": "CT",
                                             "bodyPartCode": "NO-SUCH-PART"})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "bodyPartCode"
    r = api.post(f"{BASE}/charge-items", json={"code": unique("C"), "name": "x", "modalityCode": "ZZ", "price": 1})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "modalityCode"

    # changing an item's modality re-checks its body part
    item = api.ok("POST", f"{BASE}/exam-items", status=201,
                  json={"code": unique("EX"), "name": "头颅平扫", "modalityCode": "CT", "bodyPartCode": "CT-HEAD"})
    r = api.patch(f"{BASE}/exam-items/{item['id']}", json={"modalityCode": "MR"})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "bodyPartCode"
    moved = api.ok("PATCH", f"{BASE}/exam-items/{item['id']}", json={"modalityCode": "MR", "bodyPartCode": "MR-HEAD"})
    assert moved["bodyPartName"] == "头颅" and moved["modalityCode"] == "MR"


def test_rows_in_use_cannot_be_deleted_or_moved(hospital_admin):
    api = hospital_admin
    mod = make_modality(api)
    other = make_modality(api)
    part = make_body_part(api, mod["code"])
    item = api.ok("POST", f"{BASE}/exam-items", status=201,
                  json={"code": unique("EX"), "name": "占用", "modalityCode": mod["code"], "bodyPartCode": part["code"]})

    r = api.delete(f"{BASE}/modalities/{mod['id']}")
    assert r.status_code == 409 and r.json()["code"] == "MASTER_DATA_IN_USE" and "部位" in r.json()["message"]
    r = api.post(f"{BASE}/modalities/batch-delete", json={"ids": [other["id"], mod["id"]]})
    assert r.status_code == 409
    assert api.get(f"{BASE}/modalities/{other['id']}").status_code == 200  # the batch is all or nothing
    r = api.patch(f"{BASE}/body-parts/{part['id']}", json={"modalityCode": other["code"]})
    assert r.status_code == 409 and r.json()["fields"][0]["field"] == "modalityCode"
    r = api.delete(f"{BASE}/body-parts/{part['id']}")
    assert r.status_code == 409 and "检查项目" in r.json()["message"]

    api.ok("DELETE", f"{BASE}/exam-items/{item['id']}")
    assert api.ok("PATCH", f"{BASE}/body-parts/{part['id']}", json={"modalityCode": other["code"]})["modalityCode"] == other["code"]
    api.ok("DELETE", f"{BASE}/body-parts/{part['id']}")
    api.ok("DELETE", f"{BASE}/modalities/{mod['id']}")


def test_a_tenant_never_sees_another_tenants_master_data(hospital_admin, login_as):
    mod = make_modality(hospital_admin)
    part = make_body_part(hospital_admin, mod["code"], name=f"隔离部位{mod['code']}")
    other = login_as("demo-b", "admin")
    for path, row in (("modalities", mod), ("body-parts", part)):
        assert other.get(f"{BASE}/{path}/{row['id']}").status_code == 404
        assert other.patch(f"{BASE}/{path}/{row['id']}", json={"name": "改名"}).status_code == 404
        assert other.delete(f"{BASE}/{path}/{row['id']}").status_code == 404
    assert other.ok("GET", f"{BASE}/body-parts", params={"name": f"隔离部位{mod['code']}"})["total"] == 0
    assert mod["code"] not in {o["value"] for o in dict_options(other, "modality")}
    assert hospital_admin.ok("GET", f"{BASE}/modalities/{mod['id']}")["name"] == mod["name"]
    # the regional group above both hospitals sees its members' rows
    regional = login_as("demo", "admin")
    assert regional.ok("GET", f"{BASE}/modalities/{mod['id']}")["tenantName"] == "演示第一人民医院"


def test_dictionaries_list_the_callers_enabled_rows(hospital_admin, new_tenant):
    api = hospital_admin
    on = make_modality(api, sort=0)
    off = make_modality(api, status="disabled")
    options = dict_options(api, "modality")
    values = [o["value"] for o in options]
    assert on["code"] in values and off["code"] not in values
    assert {"CT", "MR", "DR", "US"} <= set(values)
    assert values.index(on["code"]) < values.index("CT")  # by sort, then code
    assert next(o for o in options if o["value"] == "CT")["label"] == "CT"

    parts = dict_options(api, "body_part")
    assert {"value": "CT-HEAD", "label": "头颅", "modalityCode": "CT"} in parts
    items = dict_options(api, "exam_item")
    assert len(items) >= 50 and {"CT001", "US001"} <= {i["value"] for i in items}
    assert {o["value"] for o in dict_options(api, "hospital_type")} >= {"general"}
    assert {o["value"] for o in dict_options(api, "hospital_level")} >= {"3A", "2A"}
    assert dict_options(api, "person_type")
    apps = dict_options(api, "app")
    assert apps and all({"value", "label"} <= set(a) for a in apps)

    _, fresh = new_tenant()
    assert dict_options(fresh, "modality") == []


def test_permissions_and_descriptor(hospital_admin, login_as):
    doctor = login_as("demo-a", "doctor")
    assert doctor.get(f"{BASE}/modalities").status_code == 403
    assert doctor.post(f"{BASE}/modalities/sync").status_code == 403
    desc = hospital_admin.ok("GET", "/api/v1/meta/resources/exam_item")
    assert desc["path"] == f"{BASE}/exam-items"
    assert [f["name"] for f in desc["filters"]][:5] == ["name", "code", "bodyPartCode", "modalityCode", "enabled"]
    assert desc["capabilities"]["import"] is True
    assert "platform:exam_item:sync" in desc["permissions"]
    assert any(a["name"] == "sync" and a["path"] == "/sync" and not a["row"] for a in desc["actions"])
    fields = {f["name"]: f for f in desc["fields"]}
    assert fields["modalityCode"]["dict"] == "modality" and fields["price"]["type"] == "number"
    assert fields["code"]["inCreate"] and not fields["code"]["inUpdate"]
