"""Roles and accounts (manual 1 §6.1.2–6.1.3, manual 4 §8.1.2–8.1.3, manual 3 §2.6.5)."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from tests.conftest import system_session


def _roles(api):
    return {r["name"]: r for r in api.ok("GET", "/api/v1/platform/roles")["items"]}


def test_builtin_super_admin_cannot_be_deleted_or_disabled(new_tenant):
    _, admin = new_tenant()
    sa_role = _roles(admin)["超级管理员"]
    r = admin.delete(f"/api/v1/platform/roles/{sa_role['id']}")
    assert r.status_code == 403 and r.json()["code"] == "ROLE_BUILTIN"
    r = admin.post(f"/api/v1/platform/roles/{sa_role['id']}/status", json={"status": "disabled"})
    assert r.status_code == 403


def test_role_delete_rules_disable_first_and_no_accounts(new_tenant):
    _, admin = new_tenant()
    role = admin.ok("POST", "/api/v1/platform/roles", status=201, json={"name": "登记员", "remark": "前台登记"})
    acc = admin.ok("POST", "/api/v1/platform/accounts", status=201,
                   json={"username": "clerk", "name": "登记员甲", "password": "Abc12345", "roleIds": [role["id"]]})
    r = admin.delete(f"/api/v1/platform/roles/{role['id']}")
    assert r.status_code == 409 and r.json()["code"] == "DELETE_REQUIRES_DISABLED"
    admin.ok("POST", f"/api/v1/platform/roles/{role['id']}/status", json={"status": "disabled"})
    r = admin.delete(f"/api/v1/platform/roles/{role['id']}")
    assert r.status_code == 409 and r.json()["code"] == "ROLE_IN_USE" and "1 个账号" in r.json()["message"]
    assert _roles(admin)["登记员"]["accountCount"] == 1
    admin.ok("PATCH", f"/api/v1/platform/accounts/{acc['id']}", json={"roleIds": []})
    assert admin.delete(f"/api/v1/platform/roles/{role['id']}").status_code == 204


def test_disabled_role_grants_nothing_and_cannot_be_assigned(new_tenant, login_as):
    tenant, admin = new_tenant()
    tree = admin.ok("GET", "/api/v1/platform/roles/menu-tree")["tree"]
    home = next(n for n in tree if n["key"] == "home")
    role = admin.ok("POST", "/api/v1/platform/roles", status=201, json={"name": "只看首页", "checked": [home["id"]]})
    admin.ok("POST", "/api/v1/platform/accounts", status=201,
             json={"username": "viewer", "name": "只读", "password": "Abc12345", "roleIds": [role["id"]]})
    viewer = login_as(tenant["code"], "viewer", "Abc12345")
    assert viewer.me["permissions"] == ["platform:home:view"]
    admin.ok("POST", f"/api/v1/platform/roles/{role['id']}/status", json={"status": "disabled"})
    r = viewer.get("/api/v1/platform/home")
    assert r.status_code == 403
    r = admin.post("/api/v1/platform/accounts", json={"username": "viewer2", "name": "只读2", "password": "Abc12345", "roleIds": [role["id"]]})
    assert r.status_code == 422 and "已禁用" in r.json()["fields"][0]["message"]


def test_role_grant_is_bounded_by_the_tenant(new_tenant, sysadmin):
    _, admin = new_tenant()
    full = sysadmin.ok("GET", "/api/v1/platform/menus/tree")
    menu_page = next(n for n in full if n["key"] == "system")["children"]
    menus_group = next(n for n in menu_page if n["key"] == "system.menus")
    r = admin.post("/api/v1/platform/roles", json={"name": "越权", "checked": [menus_group["id"]]})
    assert r.status_code == 422 and r.json()["code"] == "GRANT_OUT_OF_SCOPE"


def test_account_rules(new_tenant):
    _, admin = new_tenant()
    base = {"username": "rules1", "name": "规则", "password": "Abc12345"}
    cases = [
        ({"username": "ab"}, "username", "3-20"),
        ({"username": "张三abc"}, "username", "中文"),
        ({"phone": "1380013800"}, "phone", "11位数字"),
        ({"password": "abcdefg"}, "password", "数字和字母"),
        ({"password": "Ab1"}, "password", "6-12"),
        ({"password": "密码abc123"}, "password", "中文"),
        ({"confirmPassword": "Other999"}, "confirmPassword", "不一致"),
    ]
    for over, field, text in cases:
        r = admin.post("/api/v1/platform/accounts", json={**base, **over})
        assert r.status_code == 422, (over, r.text)
        errors = {e["field"]: e["message"] for e in r.json()["fields"]}
        assert field in errors and text in errors[field], (over, r.json())
    admin.ok("POST", "/api/v1/platform/accounts", status=201, json={**base, "phone": "13900139000"})
    r = admin.post("/api/v1/platform/accounts", json=base)
    assert r.status_code == 409 and r.json()["fields"][0]["field"] == "username"
    r = admin.post("/api/v1/platform/accounts", json={**base, "username": "rules2", "phone": "13900139000"})
    assert r.status_code == 409 and r.json()["fields"][0]["field"] == "phone"


def test_username_is_immutable_and_phone_masked(new_tenant):
    _, admin = new_tenant()
    acc = admin.ok("POST", "/api/v1/platform/accounts", status=201, json={
        "username": "masked", "name": "脱敏", "password": "Abc12345", "phone": "13812345678", "idNumber": "11010519491231002X"})
    assert acc["phone"] == "138****5678" and acc["idNumber"] == "110105********002X"
    updated = admin.ok("PATCH", f"/api/v1/platform/accounts/{acc['id']}", json={"username": "renamed", "name": "改名"})
    assert updated["username"] == "masked" and updated["name"] == "改名"
    raw = admin.ok("GET", f"/api/v1/platform/accounts/{acc['id']}/sensitive")
    assert raw["phone"] == "13812345678" and raw["idNumber"] == "11010519491231002X"
    logs = admin.ok("GET", "/api/v1/platform/logs/access?targetType=account")["items"]
    assert any(l["targetId"] == str(acc["id"]) for l in logs)


def test_account_delete_rules(new_tenant):
    _, admin = new_tenant()
    acc = admin.ok("POST", "/api/v1/platform/accounts", status=201, json={"username": "gone", "name": "删除", "password": "Abc12345"})
    r = admin.delete(f"/api/v1/platform/accounts/{acc['id']}")
    assert r.status_code == 409 and r.json()["code"] == "DELETE_REQUIRES_DISABLED"
    admin.ok("POST", f"/api/v1/platform/accounts/{acc['id']}/status", json={"status": "disabled"})
    assert admin.delete(f"/api/v1/platform/accounts/{acc['id']}").status_code == 204
    me_id = admin.me["user"]["id"]
    r = admin.post(f"/api/v1/platform/accounts/{me_id}/status", json={"status": "disabled"})
    assert r.status_code == 403 and r.json()["code"] == "SELF_ACCOUNT"
    r = admin.delete(f"/api/v1/platform/accounts/{me_id}")
    assert r.status_code == 403


def test_account_list_filters(new_tenant):
    _, admin = new_tenant()
    role = admin.ok("POST", "/api/v1/platform/roles", status=201, json={"name": "技师"})
    admin.ok("POST", "/api/v1/platform/accounts", status=201,
             json={"username": "tech1", "name": "王技师", "password": "Abc12345", "roleIds": [role["id"]]})
    admin.ok("POST", "/api/v1/platform/accounts", status=201, json={"username": "other1", "name": "赵医生", "password": "Abc12345"})
    assert [a["username"] for a in admin.ok("GET", "/api/v1/platform/accounts?keyword=王")["items"]] == ["tech1"]
    assert [a["username"] for a in admin.ok("GET", "/api/v1/platform/accounts?keyword=other")["items"]] == ["other1"]
    assert [a["username"] for a in admin.ok("GET", f"/api/v1/platform/accounts?roleId={role['id']}")["items"]] == ["tech1"]
    assert admin.ok("GET", "/api/v1/platform/accounts?status=disabled")["total"] == 0
    page = admin.ok("GET", "/api/v1/platform/accounts?sort=username&pageSize=2")
    assert page["total"] == 3 and [a["username"] for a in page["items"]] == ["admin", "other1"]


def test_regional_admin_manages_member_accounts(regional_admin, sysadmin):
    members = {t["code"]: t for t in regional_admin.ok("GET", "/api/v1/platform/tenants?pageSize=200")["items"]}
    demo_b = members["demo-b"]
    rows = regional_admin.ok("GET", f"/api/v1/platform/accounts?tenantId={demo_b['id']}")["items"]
    assert rows and {r["tenantName"] for r in rows} == {"演示第二人民医院"}
    acc = regional_admin.ok("POST", "/api/v1/platform/accounts", status=201,
                            json={"tenantId": demo_b["id"], "username": f"reg{demo_b['id']}x", "name": "区域建号", "password": "Abc12345"})
    assert acc["tenantId"] == demo_b["id"]
    platform_id = next(t for t in sysadmin.ok("GET", "/api/v1/platform/tenants?pageSize=200")["items"] if t["code"] == "platform")["id"]
    r = regional_admin.post("/api/v1/platform/accounts", json={"tenantId": platform_id, "username": "sneaky", "name": "越权", "password": "Abc12345"})
    assert r.status_code in (404, 422)


def test_doctor_batch_import_all_or_nothing(new_tenant):
    _, admin = new_tenant()
    r = admin.get("/api/v1/platform/accounts/import-template")
    assert r.status_code == 200
    header = [c.value for c in load_workbook(io.BytesIO(r.content)).active[1]]
    assert "账号*" in header and "姓名*" in header and "角色" in header

    def sheet(rows):
        wb = Workbook()
        ws = wb.active
        ws.append(header)
        for row in rows:
            ws.append([row.get(h.rstrip("*"), None) for h in header])
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    bad = sheet([
        {"账号": "doc1", "姓名": "医生一", "登录密码": "Abc12345", "角色": "临床医生"},
        {"账号": "医生二", "姓名": "医生二", "登录密码": "Abc12345"},
        {"账号": "doc3", "姓名": "医生三", "登录密码": "Abc12345", "角色": "不存在的角色"},
        {"账号": "doc1", "姓名": "重复", "登录密码": "Abc12345"},
    ])
    run = admin.ok("POST", "/api/v1/platform/accounts/import", status=202,
                   files={"file": ("doctors.xlsx", bad, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})
    with system_session() as s:
        from radix.core.jobs.models import JobRun

        row = s.get(JobRun, run["id"])
        assert row.status.value == "failed"
        errors = row.result["errors"]
    assert {e["row"] for e in errors} == {3, 4, 5}
    assert any("中文" in e["message"] for e in errors if e["row"] == 3)
    assert any("角色不存在" in e["message"] for e in errors if e["row"] == 4)
    assert any("重复" in e["message"] for e in errors if e["row"] == 5)
    assert admin.ok("GET", "/api/v1/platform/accounts?keyword=doc1")["total"] == 0  # nothing half-imported

    good = sheet([
        {"账号": "doc1", "姓名": "医生一", "登录密码": "Abc12345", "角色": "临床医生", "手机号": "13700001111"},
        {"账号": "doc2", "姓名": "医生二", "登录密码": "Abc12345", "角色": "临床医生,科室主任"},
    ])
    run = admin.ok("POST", "/api/v1/platform/accounts/import", status=202,
                   files={"file": ("doctors.xlsx", good, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})
    with system_session() as s:
        from radix.core.jobs.models import JobRun

        row = s.get(JobRun, run["id"])
        assert row.status.value == "succeeded", row.result
        assert row.progress == 100
    rows = {a["username"]: a for a in admin.ok("GET", "/api/v1/platform/accounts?keyword=doc")["items"]}
    assert set(rows) == {"doc1", "doc2"}
    assert sorted(rows["doc2"]["roleNames"]) == ["临床医生", "科室主任"]
    r = admin.post("/api/v1/platform/accounts/import", files={"file": ("x.csv", b"a,b", "text/csv")})
    assert r.status_code == 422 and r.json()["code"] == "BAD_FILE_TYPE"


def test_taking_a_menu_from_a_role_applies_to_the_next_request(new_tenant, login_as):
    """Permissions are remembered per process for speed; a grant change must still apply at once."""
    tenant, admin = new_tenant()
    tree = admin.ok("GET", "/api/v1/platform/roles/menu-tree")["tree"]
    home = next(n for n in tree if n["key"] == "home")
    role = admin.ok("POST", "/api/v1/platform/roles", status=201, json={"name": "首页", "checked": [home["id"]]})
    admin.ok("POST", "/api/v1/platform/accounts", status=201,
             json={"username": "homer", "name": "首页用户", "password": "Abc12345", "roleIds": [role["id"]]})
    user = login_as(tenant["code"], "homer", "Abc12345")
    for _ in range(3):  # served from the remembered grants
        assert user.get("/api/v1/platform/home").status_code == 200
    admin.ok("PATCH", f"/api/v1/platform/roles/{role['id']}", json={"checked": []})
    assert user.get("/api/v1/platform/home").status_code == 403
    admin.ok("PATCH", f"/api/v1/platform/roles/{role['id']}", json={"checked": [home["id"]]})
    assert user.get("/api/v1/platform/home").status_code == 200
