"""Menus and workstations (manual 4 §8.2, manual 1 §6.2) and the logs (manual 1 §6.5, manual 4 §8.3)."""

from __future__ import annotations

import datetime as dt

from radix.core import clock
from tests.conftest import system_session, unique


def test_menu_levels_directory_menu_menu_button(sysadmin):
    d = sysadmin.ok("POST", "/api/v1/platform/menus", status=201, json={"kind": "directory", "name": unique("目录")})
    m1 = sysadmin.ok("POST", "/api/v1/platform/menus", status=201,
                     json={"kind": "menu", "name": "一级菜单", "parentId": d["id"], "path": "/x/a"})
    m2 = sysadmin.ok("POST", "/api/v1/platform/menus", status=201,
                     json={"kind": "menu", "name": "二级菜单", "parentId": m1["id"], "path": "/x/a/b",
                           "permission": "demo:thing:list"})
    btn = sysadmin.ok("POST", "/api/v1/platform/menus", status=201,
                      json={"kind": "button", "name": "新增", "parentId": m2["id"], "permission": "demo:thing:add"})
    # a fifth level is refused, and so are the wrong kinds under a node
    r = sysadmin.post("/api/v1/platform/menus", json={"kind": "button", "name": "太深", "parentId": btn["id"]})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "parentId"
    r = sysadmin.post("/api/v1/platform/menus", json={"kind": "button", "name": "按钮", "parentId": d["id"]})
    assert r.status_code == 422 and "按钮只能放在菜单下" in r.json()["message"]
    r = sysadmin.post("/api/v1/platform/menus", json={"kind": "directory", "name": "子目录", "parentId": d["id"]})
    assert r.status_code == 422
    r = sysadmin.post("/api/v1/platform/menus", json={"kind": "menu", "name": "坏权限", "permission": "bad perm"})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "permission"
    # sorted by the sort number within a level; parent cannot be moved under its own child
    r = sysadmin.patch(f"/api/v1/platform/menus/{m1['id']}", json={"parentId": m2["id"]})
    assert r.status_code == 422
    r = sysadmin.delete(f"/api/v1/platform/menus/{m2['id']}")
    assert r.status_code == 409 and r.json()["code"] == "MENU_HAS_CHILDREN"
    assert sysadmin.delete(f"/api/v1/platform/menus/{btn['id']}").status_code == 204


def test_builtin_menus_cannot_be_deleted_but_can_be_disabled(sysadmin, login_as):
    tree = sysadmin.ok("GET", "/api/v1/platform/menus/tree")
    home = next(n for n in tree if n["key"] == "home")
    r = sysadmin.delete(f"/api/v1/platform/menus/{home['id']}")
    assert r.status_code == 403 and r.json()["code"] == "MENU_BUILTIN"
    rows = sysadmin.ok("GET", "/api/v1/platform/menus?parentId=" + str(next(n for n in tree if n["key"] == "system")["id"]))["items"]
    assert [r["sort"] for r in rows] == sorted(r["sort"] for r in rows)


def test_only_the_platform_manages_menus(regional_admin):
    assert regional_admin.get("/api/v1/platform/menus").status_code == 403
    assert regional_admin.get("/api/v1/platform/workstations").status_code == 403


def test_workstations_group_top_level_modules(sysadmin, login_as):
    rows = sysadmin.ok("GET", "/api/v1/platform/workstations?pageSize=50")["items"]
    names = [w["name"] for w in rows]
    assert {"资产", "数据", "监控", "业务", "配置"} <= set(names)
    assert sysadmin.ok("GET", "/api/v1/platform/workstations?menuName=配置")["items"][0]["code"] == "system"
    doctor = login_as("demo-a", "doctor")
    mine = doctor.ok("GET", "/api/v1/platform/navigation/workstations")
    assert [w["code"] for w in mine] == ["data", "business"]
    assert mine[1]["menus"][0]["name"] == "业务"
    ws = sysadmin.ok("POST", "/api/v1/platform/workstations", status=201,
                     json={"code": unique("ws"), "name": "登记工作站", "menuIds": [tree_id(sysadmin, "home")]})
    assert ws["menuNames"] == ["首页"]
    r = sysadmin.post("/api/v1/platform/workstations", json={"code": ws["code"], "name": "重复"})
    assert r.status_code == 409


def tree_id(api, key):
    stack = list(api.ok("GET", "/api/v1/platform/menus/tree"))
    while stack:
        n = stack.pop()
        if n["key"] == key:
            return n["id"]
        stack.extend(n["children"])
    raise KeyError(key)


def test_operation_log_records_every_write(new_tenant):
    _, admin = new_tenant()
    d = admin.ok("POST", "/api/v1/platform/departments", status=201, json={"code": "OPL", "name": "日志科"})
    admin.patch(f"/api/v1/platform/departments/{d['id']}", json={"name": "日志科二"})
    admin.post("/api/v1/platform/departments", json={"code": "OPL", "name": "重复"})  # a failed write is logged too
    rows = admin.ok("GET", "/api/v1/platform/logs/operation?title=科室")["items"]
    by_action = {(r["action"], r["success"]) for r in rows}
    assert ("CREATE", True) in by_action and ("UPDATE", True) in by_action and ("CREATE", False) in by_action
    created = next(r for r in rows if r["action"] == "CREATE" and r["success"])
    assert created["targetId"] == str(d["id"]) and created["username"] == "admin"
    failed = next(r for r in rows if not r["success"])
    assert failed["errorMessage"] == "科室编号已存在"


def test_logs_are_append_only_through_the_api(sysadmin):
    rows = sysadmin.ok("GET", "/api/v1/platform/logs/login?pageSize=1")["items"]
    log_id = rows[0]["id"]
    assert sysadmin.delete(f"/api/v1/platform/logs/login/{log_id}").status_code == 405
    assert sysadmin.patch(f"/api/v1/platform/logs/login/{log_id}", json={"success": True}).status_code == 405
    assert sysadmin.post("/api/v1/platform/logs/login", json={}).status_code == 405


def test_logs_default_to_the_last_seven_days(new_tenant):
    from radix.platform.log.models import LoginLog

    tenant, admin = new_tenant()
    with system_session() as s:
        s.add(LoginLog(tenant_id=tenant["id"], tenant_name=tenant["name"], username="old", success=True, message="登录成功",
                       created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=20)))
    recent = admin.ok("GET", "/api/v1/platform/logs/login?pageSize=100")["items"]
    assert "old" not in {r["username"] for r in recent}
    month = (clock.today() - dt.timedelta(days=30)).isoformat()
    older = admin.ok("GET", f"/api/v1/platform/logs/login?createdAtFrom={month}&pageSize=100")["items"]
    assert "old" in {r["username"] for r in older}


def test_regional_admin_sees_member_logs_and_filters_by_institution(regional_admin, login_as, sysadmin):
    login_as("demo-b", "doctor")
    rows = regional_admin.ok("GET", "/api/v1/platform/logs/login?tenantName=演示第二&pageSize=100")["items"]
    assert rows and {r["tenantName"] for r in rows} == {"演示第二人民医院"}
    # and never the platform's
    platform_id = next(t["id"] for t in sysadmin.ok("GET", "/api/v1/platform/tenants?pageSize=200")["items"] if t["code"] == "platform")
    assert regional_admin.ok("GET", f"/api/v1/platform/logs/login?tenantId={platform_id}")["total"] == 0


def test_access_log_for_page_visits(login_as):
    user = login_as("demo-a", "admin")
    user.ok("POST", "/api/v1/auth/access", status=201, json={"page": "/system/account", "title": "账号管理"})
    rows = user.ok("GET", "/api/v1/platform/logs/access?pagePath=/system/account")["items"]
    assert rows[0]["kind"] == "page" and rows[0]["title"] == "账号管理"
