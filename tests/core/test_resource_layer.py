"""The generic resource layer through real resources: filters, sort, pages, export, descriptor, errors."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from radix.core import clock


def _dept(api, code, name, **extra):
    return api.ok("POST", "/api/v1/platform/departments", status=201, json={"code": code, "name": name, **extra})


def test_crud_with_patch_semantics(new_tenant):
    _, admin = new_tenant()
    d = _dept(admin, "RAD", "放射科", leader="王主任", phone="13300001111")
    assert d["createdBy"] if "createdBy" in d else True
    got = admin.ok("GET", f"/api/v1/platform/departments/{d['id']}")
    assert got["name"] == "放射科" and got["leader"] == "王主任"
    # PATCH changes only what is sent
    patched = admin.ok("PATCH", f"/api/v1/platform/departments/{d['id']}", json={"leader": "李主任"})
    assert patched["leader"] == "李主任" and patched["name"] == "放射科" and patched["phone"] == "13300001111"
    # an explicit null clears an optional field
    patched = admin.ok("PATCH", f"/api/v1/platform/departments/{d['id']}", json={"phone": None})
    assert patched["phone"] is None and patched["leader"] == "李主任"
    assert admin.delete(f"/api/v1/platform/departments/{d['id']}").status_code == 204
    r = admin.get(f"/api/v1/platform/departments/{d['id']}")
    assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND" and "不存在" in r.json()["message"]


def test_filters_sort_pages(new_tenant):
    _, admin = new_tenant()
    for i, name in enumerate(["放射科", "超声科", "核医学科", "放射介入科"]):
        _dept(admin, f"D{i}", name, sort=10 - i)
    assert [d["name"] for d in admin.ok("GET", "/api/v1/platform/departments?name=放射")["items"]] == ["放射介入科", "放射科"]
    assert admin.ok("GET", "/api/v1/platform/departments?code=D2")["items"][0]["name"] == "核医学科"
    # LIKE wildcards are taken literally
    assert admin.ok("GET", "/api/v1/platform/departments?name=%25")["total"] == 0
    by_sort = admin.ok("GET", "/api/v1/platform/departments?sort=sort")["items"]
    assert [d["sort"] for d in by_sort] == sorted(d["sort"] for d in by_sort)
    page1 = admin.ok("GET", "/api/v1/platform/departments?pageSize=3&page=1")
    page2 = admin.ok("GET", "/api/v1/platform/departments?pageSize=3&page=2")
    assert page1["total"] == 4 and len(page1["items"]) == 3 and len(page2["items"]) == 1
    assert {d["id"] for d in page1["items"]}.isdisjoint({d["id"] for d in page2["items"]})
    # newest first by default
    ids = [d["id"] for d in admin.ok("GET", "/api/v1/platform/departments")["items"]]
    assert ids == sorted(ids, reverse=True)


def test_in_filter_and_enum_validation(sysadmin):
    rows = sysadmin.ok("GET", "/api/v1/platform/tenants?kind=regional&kind=platform&pageSize=200")["items"]
    assert rows and {r["kind"] for r in rows} <= {"regional", "platform"} and "regional" in {r["kind"] for r in rows}
    rows2 = sysadmin.ok("GET", "/api/v1/platform/tenants?kind=regional,platform&pageSize=200")["items"]
    assert {r["id"] for r in rows2} == {r["id"] for r in rows}
    r = sysadmin.get("/api/v1/platform/tenants?kind=galaxy")
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "kind"


def test_date_range_filter(sysadmin):
    today = clock.today()
    future = (today + dt.timedelta(days=2)).isoformat()
    assert sysadmin.ok("GET", f"/api/v1/platform/accounts?createdAtFrom={future}")["total"] == 0
    total = sysadmin.ok("GET", "/api/v1/platform/accounts")["total"]
    assert sysadmin.ok("GET", f"/api/v1/platform/accounts?createdAtTo={today.isoformat()}")["total"] == total
    r = sysadmin.get("/api/v1/platform/accounts?createdAtFrom=yesterday")
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "createdAtFrom"


def test_sort_is_allow_listed_and_page_size_capped(sysadmin):
    r = sysadmin.get("/api/v1/platform/accounts?sort=passwordHash")
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "sort" and "不支持" in r.json()["message"]
    r = sysadmin.get("/api/v1/platform/accounts?pageSize=201")
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "pageSize" and "200" in r.json()["fields"][0]["message"]
    r = sysadmin.get("/api/v1/platform/accounts?page=0")
    assert r.status_code == 422


def test_validation_errors_are_field_level_chinese(new_tenant):
    _, admin = new_tenant()
    r = admin.post("/api/v1/platform/departments", json={"code": "bad code!", "sort": "x"})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "VALIDATION_ERROR"
    fields = {f["field"]: f["message"] for f in body["fields"]}
    assert fields["name"] == "必填项不能为空"
    assert fields["code"] == "格式不正确"
    assert fields["sort"] == "请输入整数"
    r = admin.post("/api/v1/platform/departments", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["code"] == "VALIDATION_ERROR"


def test_conflict_is_409_on_the_field(new_tenant):
    _, admin = new_tenant()
    _dept(admin, "DUP", "重复科室")
    r = admin.post("/api/v1/platform/departments", json={"code": "DUP", "name": "另一个"})
    assert r.status_code == 409 and r.json()["code"] == "DUPLICATE"
    assert r.json()["fields"] == [{"field": "code", "message": "科室编号已存在"}]


def test_forbidden_is_403(login_as):
    doctor = login_as("demo-a", "doctor")
    r = doctor.get("/api/v1/platform/departments")
    assert r.status_code == 403 and r.json()["code"] == "FORBIDDEN" and "platform:department:list" in r.json()["message"]


def test_batch_delete_is_all_or_nothing(new_tenant):
    _, admin = new_tenant()
    a = _dept(admin, "B1", "批量一")
    b = _dept(admin, "B2", "批量二")
    r = admin.post("/api/v1/platform/departments/batch-delete", json={"ids": [a["id"], 999999999]})
    assert r.status_code == 404
    assert admin.ok("GET", "/api/v1/platform/departments")["total"] == 2
    assert admin.ok("POST", "/api/v1/platform/departments/batch-delete", json={"ids": [a["id"], b["id"]]}) == {"deleted": 2}
    assert admin.ok("GET", "/api/v1/platform/departments")["total"] == 0


def test_export_follows_filters(new_tenant):
    _, admin = new_tenant()
    _dept(admin, "E1", "导出一科")
    _dept(admin, "E2", "其他科")
    r = admin.get("/api/v1/platform/departments/export?name=导出")
    assert r.status_code == 200
    assert "attachment" in r.headers["content-disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    name_col = rows[0].index("科室名称")
    assert "科室编号" in rows[0] and "passwordHash" not in rows[0]
    assert [row[name_col] for row in rows[1:]] == ["导出一科"]
    assert "启用" in rows[1]  # enums are exported by their Chinese label


def test_export_neutralises_formulas(new_tenant):
    _, admin = new_tenant()
    _dept(admin, "F1", "=HYPERLINK(\"x\")")
    ws = load_workbook(io.BytesIO(admin.get("/api/v1/platform/departments/export").content)).active
    col = [c.value for c in ws[1]].index("科室名称") + 1
    assert ws.cell(row=2, column=col).value.startswith("'=")


def test_descriptor(sysadmin):
    d = sysadmin.ok("GET", "/api/v1/meta/resources/account")
    assert d["label"] == {"zh": "账号", "en": "Account"}
    assert d["path"] == "/api/v1/platform/accounts"
    fields = {f["name"]: f for f in d["fields"]}
    assert fields["username"]["required"] and fields["username"]["inCreate"] and not fields["username"]["inUpdate"]
    assert fields["status"]["type"] == "enum"
    assert {"value": "enabled", "label": "启用", "labelEn": "Enabled"} in fields["status"]["options"]
    assert fields["phone"]["masked"] == "phone"
    assert fields["personType"]["dict"] == "person_type"
    assert fields["password"]["widget"] == "password" and not fields["password"]["inColumns"]
    assert "passwordHash" not in fields
    filters = {f["name"]: f for f in d["filters"]}
    assert filters["keyword"]["label"]["zh"] == "姓名/账号"
    assert filters["createdAt"]["params"] == ["createdAtFrom", "createdAtTo"]
    assert d["defaultSort"] == "-createdAt" and "createdAt" in d["sortable"]
    actions = {a["name"]: a for a in d["actions"]}
    assert actions["resetPassword"]["permission"] == "platform:account:resetPwd"
    assert {f["name"] for f in actions["resetPassword"]["fields"]} == {"password", "confirmPassword"}
    assert d["capabilities"]["import"] is True
    assert sysadmin.get("/api/v1/meta/resources/nope").status_code == 404


def test_descriptor_needs_the_list_permission(login_as):
    doctor = login_as("demo-b", "doctor")
    assert doctor.get("/api/v1/meta/resources/account").status_code == 404
    names = {r["name"] for r in doctor.ok("GET", "/api/v1/meta/resources")}
    assert "account" not in names


def test_settings_descriptor_and_defaults(new_tenant):
    _, admin = new_tenant()
    policy = admin.ok("GET", "/api/v1/platform/security-policy")
    assert policy["saved"] is False and policy["autoLogoutMinutes"] == 30 and policy["singleSessionEnabled"] is True
    d = admin.ok("GET", "/api/v1/meta/settings/security_policy")
    assert {"autoLogoutMinutes", "ipLimitEnabled"} <= {f["name"] for f in d["fields"]}
    r = admin.put("/api/v1/platform/security-policy", json={"passwordMinLength": 10, "passwordMaxLength": 8})
    assert r.status_code == 422 and "不能大于" in r.json()["message"]
    r = admin.put("/api/v1/platform/security-policy", json={"autoLogoutMinutes": 0})
    assert r.status_code == 422 and r.json()["fields"][0]["message"] == "不能小于1"
    saved = admin.ok("PUT", "/api/v1/platform/security-policy", json={"autoLogoutMinutes": 45})
    assert saved["saved"] and saved["autoLogoutMinutes"] == 45 and saved["lockoutThreshold"] == 5


def test_dict_options(sysadmin):
    tenants = sysadmin.ok("GET", "/api/v1/meta/dicts/tenant")
    assert {"platform", "demo"} <= {t["code"] for t in tenants}
    assert sysadmin.get("/api/v1/meta/dicts/nope").status_code == 404


def test_created_by_is_stamped(new_tenant):
    from radix.platform.department.models import Department
    from tests.conftest import system_session

    _, admin = new_tenant()
    d = _dept(admin, "W1", "谁建的")
    with system_session() as s:
        row = s.get(Department, d["id"])
        assert row.created_by == "admin" and row.tenant_id == admin.me["tenant"]["id"]


def test_descriptor_keeps_hints_given_only_on_the_form_models(sysadmin):
    fields = {f["name"]: f for f in sysadmin.ok("GET", "/api/v1/meta/resources/account")["fields"]}
    assert fields["tenantId"]["widget"] == "tenant-select"
    assert fields["roleIds"]["widget"] == "role-select"
    assert "3-20" in fields["username"]["help"]


def test_descriptor_gives_form_defaults(sysadmin):
    fields = {f["name"]: f for f in sysadmin.ok("GET", "/api/v1/meta/resources/department")["fields"]}
    assert fields["status"]["default"] == "enabled" and fields["sort"]["default"] == 0
    assert "default" not in fields["code"]  # required: no default
    ip = {f["name"]: f for f in sysadmin.ok("GET", "/api/v1/meta/resources/ip_rule")["fields"]}
    assert ip["enabled"]["default"] is True
