"""Tenants, apps and menu grants (manual 1 §6.1.1, manual 4 §8.1.1)."""

from __future__ import annotations

import datetime as dt

from radix.core import clock
from tests.conftest import unique


def _body(**over):
    code = unique("t")
    body = {"name": f"新建医院{code[-8:]}", "shortName": f"新院{code[-6:]}", "kind": "normal", "code": code,
            "adminUsername": "boss", "password": "Boss1234", "confirmPassword": "Boss1234"}
    body.update(over)
    return body


def test_create_tenant_provisions_admin_roles_url_and_grants(sysadmin, login_as):
    body = _body()
    t = sysadmin.ok("POST", "/api/v1/platform/tenants", status=201, json=body)
    assert t["loginUrl"].endswith(f"/login?tid={body['code']}")
    assert t["adminUsername"] == "boss" and t["status"] == "enabled" and t["kind"] == "normal"
    admin = login_as(body["code"], "boss", "Boss1234")
    roles = admin.ok("GET", "/api/v1/platform/roles")["items"]
    assert sorted(r["name"] for r in roles) == sorted(["超级管理员", "科室主任", "临床医生"])
    assert [r["name"] for r in admin.me["user"]["roles"]] == ["超级管理员"]
    # a normal tenant's administrator has neither tenant management nor menu management (§8.1.1.6)
    assert "platform:tenant:list" not in admin.me["permissions"]
    assert "platform:menu:list" not in admin.me["permissions"]
    assert "platform:account:add" in admin.me["permissions"]
    # apps: only the base platform app is open for a new tenant
    cards = {c["code"]: c for c in sysadmin.ok("GET", f"/api/v1/platform/tenants/{t['id']}/apps")}
    assert cards["platform"]["status"] == "normal"
    assert {c["status"] for k, c in cards.items() if k != "platform"} == {"not_opened"}


def test_regional_tenant_defaults_include_tenant_management(sysadmin, login_as):
    body = _body(kind="regional")
    sysadmin.ok("POST", "/api/v1/platform/tenants", status=201, json=body)
    admin = login_as(body["code"], "boss", "Boss1234")
    assert "platform:tenant:list" in admin.me["permissions"]
    assert "platform:menu:list" not in admin.me["permissions"]


def test_tenant_creation_rules_in_chinese(sysadmin):
    cases = {
        "name": ("医院", "机构名称需要在3-20个字符内"),
        "shortName": ("一二三四五六七八九十一", "机构简称需要在3-10个字符内"),
        "adminUsername": ("管理员账号", "账号不能包含中文字符"),
        "password": ("12345", None),
    }
    for field, (value, message) in cases.items():
        extra = {"confirmPassword": value} if field == "password" else {}
        r = sysadmin.post("/api/v1/platform/tenants", json=_body(**{field: value}, **extra))
        assert r.status_code == 422, (field, r.text)
        errs = {e["field"]: e["message"] for e in r.json()["fields"]}
        assert field in errs, r.json()
        if message:
            assert message in errs[field]
    r = sysadmin.post("/api/v1/platform/tenants", json=_body(password="abcdefgh", confirmPassword="abcdefgh"))
    assert r.status_code == 422 and "数字和字母" in r.json()["fields"][0]["message"]
    r = sysadmin.post("/api/v1/platform/tenants", json=_body(confirmPassword="Other1234"))
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "confirmPassword" and "不一致" in r.json()["message"]
    first = _body()
    sysadmin.ok("POST", "/api/v1/platform/tenants", status=201, json=first)
    r = sysadmin.post("/api/v1/platform/tenants", json=_body(name=first["name"]))
    assert r.status_code == 409 and r.json()["fields"][0]["field"] == "name"


def test_type_and_account_are_immutable(sysadmin):
    t = sysadmin.ok("POST", "/api/v1/platform/tenants", status=201, json=_body())
    updated = sysadmin.ok("PATCH", f"/api/v1/platform/tenants/{t['id']}",
                          json={"kind": "regional", "adminUsername": "x", "code": "zzz", "region": "江苏省/南京市"})
    assert updated["kind"] == "normal" and updated["adminUsername"] == "boss" and updated["code"] == t["code"]
    assert updated["region"] == "江苏省/南京市"


def test_delete_only_when_disabled(sysadmin, client):
    body = _body()
    t = sysadmin.ok("POST", "/api/v1/platform/tenants", status=201, json=body)
    r = sysadmin.delete(f"/api/v1/platform/tenants/{t['id']}")
    assert r.status_code == 409 and r.json()["code"] == "DELETE_REQUIRES_DISABLED"
    sysadmin.ok("POST", f"/api/v1/platform/tenants/{t['id']}/status", json={"status": "disabled"})
    r = client.post("/api/v1/auth/login", json={"tenant": body["code"], "username": "boss", "password": "Boss1234", "agreeTerms": True})
    assert r.status_code == 403 and r.json()["code"] == "TENANT_DISABLED"
    assert sysadmin.delete(f"/api/v1/platform/tenants/{t['id']}").status_code == 204
    assert sysadmin.get(f"/api/v1/platform/tenants/{t['id']}").status_code == 404


def test_region_with_members_cannot_be_deleted(sysadmin):
    region = sysadmin.ok("POST", "/api/v1/platform/tenants", status=201, json=_body(kind="regional"))
    sysadmin.ok("POST", "/api/v1/platform/tenants", status=201, json=_body(parentId=region["id"]))
    sysadmin.ok("POST", f"/api/v1/platform/tenants/{region['id']}/status", json={"status": "disabled"})
    r = sysadmin.delete(f"/api/v1/platform/tenants/{region['id']}")
    assert r.status_code == 409 and r.json()["code"] == "TENANT_HAS_MEMBERS"


def test_regional_admin_creates_only_normal_tenants_in_its_region(regional_admin, sysadmin, login_as):
    r = regional_admin.post("/api/v1/platform/tenants", json=_body(kind="regional"))
    assert r.status_code == 403 and r.json()["code"] == "TENANT_KIND_NOT_ALLOWED"
    body = _body()
    t = regional_admin.ok("POST", "/api/v1/platform/tenants", status=201, json=body)
    assert t["parentName"] == "演示区域医疗集团"
    listed = {x["code"] for x in regional_admin.ok("GET", "/api/v1/platform/tenants?pageSize=200")["items"]}
    assert {"demo", "demo-a", "demo-b", body["code"]} <= listed
    assert "platform" not in listed
    # the new member only gets what the region holds
    member = login_as(body["code"], "boss", "Boss1234")
    region_grant = set(regional_admin.ok("GET", f"/api/v1/platform/tenants/{t['id']}/menus")["tree"].__repr__())
    assert region_grant  # tree is bounded by the region's own grant
    assert "platform:menu:list" not in member.me["permissions"]


def test_cannot_configure_own_tenant(regional_admin):
    own = regional_admin.me["tenant"]["id"]
    r = regional_admin.put(f"/api/v1/platform/tenants/{own}/menus", json={"checked": [], "halfChecked": []})
    assert r.status_code == 403 and r.json()["code"] == "SELF_TENANT"


def test_app_status_badges(sysadmin):
    t = sysadmin.ok("POST", "/api/v1/platform/tenants", status=201, json=_body())
    today = clock.today()
    cases = [
        ("ai", today - dt.timedelta(days=400), today - dt.timedelta(days=1), "expired"),
        ("ris", today, today + dt.timedelta(days=90), "renew_due"),
        ("cloud", today, today + dt.timedelta(days=91), "normal"),
    ]
    for code, start, end, status in cases:
        card = sysadmin.ok("PUT", f"/api/v1/platform/tenants/{t['id']}/apps/{code}",
                           json={"billingMode": "yearly", "validFrom": start.isoformat(), "validUntil": end.isoformat()})
        assert card["status"] == status, (code, card)
    cards = {c["code"]: c for c in sysadmin.ok("GET", f"/api/v1/platform/tenants/{t['id']}/apps")}
    assert cards["ops"]["status"] == "not_opened" and cards["ops"]["statusLabel"] == "未开通"
    assert cards["ris"]["statusLabel"] == "待续期" and cards["ai"]["statusLabel"] == "已过期"
    r = sysadmin.put(f"/api/v1/platform/tenants/{t['id']}/apps/ops", json={"billingMode": "yearly", "validFrom": today.isoformat()})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "validUntil"
    r = sysadmin.put(f"/api/v1/platform/tenants/{t['id']}/apps/nope", json={"billingMode": "free", "validFrom": today.isoformat()})
    assert r.status_code == 404


def test_menus_of_unopened_or_expired_apps_are_hidden(sysadmin, login_as):
    body = _body()
    t = sysadmin.ok("POST", "/api/v1/platform/tenants", status=201, json=body)
    admin = login_as(body["code"], "boss", "Boss1234")
    assert not any(p.startswith("ris:") for p in admin.me["permissions"])
    today = clock.today()
    sysadmin.ok("PUT", f"/api/v1/platform/tenants/{t['id']}/apps/ris",
                json={"billingMode": "yearly", "validFrom": today.isoformat(), "validUntil": (today + dt.timedelta(days=365)).isoformat()})
    assert "ris:diagnosis:list" in admin.ok("GET", "/api/v1/auth/me")["permissions"]
    sysadmin.ok("PUT", f"/api/v1/platform/tenants/{t['id']}/apps/ris",
                json={"billingMode": "yearly", "validFrom": (today - dt.timedelta(days=30)).isoformat(),
                      "validUntil": (today - dt.timedelta(days=1)).isoformat()})
    assert "ris:diagnosis:list" not in admin.ok("GET", "/api/v1/auth/me")["permissions"]


def _find(tree, pred):
    for node in tree:
        if pred(node):
            return node
        found = _find(node["children"], pred)
        if found:
            return found
    return None


def _ids(node):
    out = [node["id"]]
    for c in node["children"]:
        out += _ids(c)
    return out


def test_tri_state_grant(sysadmin, login_as):
    body = _body()
    t = sysadmin.ok("POST", "/api/v1/platform/tenants", status=201, json=body)
    grant = sysadmin.ok("GET", f"/api/v1/platform/tenants/{t['id']}/menus")
    tree = grant["tree"]
    system = _find(tree, lambda n: n["key"] == "system")
    account_page = _find(tree, lambda n: n["key"] == "system.access.account")
    access_group = _find(tree, lambda n: n["key"] == "system.access")
    home = _find(tree, lambda n: n["key"] == "home")
    # a normal tenant's tree holds no tenant or menu management at all (menu levels); by default all of it is granted
    assert _find(tree, lambda n: n["key"] in ("system.access.tenant", "system.menus")) is None
    assert account_page["id"] in grant["checked"] and system["id"] in grant["checked"]
    # checking only the 账号管理 page: its buttons come with it, and so do its ancestors
    saved = sysadmin.ok("PUT", f"/api/v1/platform/tenants/{t['id']}/menus",
                        json={"checked": [account_page["id"], home["id"]], "halfChecked": []})
    assert set(_ids(account_page)) <= set(saved["checked"])
    assert access_group["id"] in saved["halfChecked"] and system["id"] in saved["halfChecked"]
    admin = login_as(body["code"], "boss", "Boss1234")
    perms = set(admin.me["permissions"])
    assert {"platform:account:list", "platform:account:add", "platform:home:view"} <= perms
    assert "platform:role:list" not in perms
    # half-checking a page keeps only that node: its buttons are not granted
    saved = sysadmin.ok("PUT", f"/api/v1/platform/tenants/{t['id']}/menus",
                        json={"checked": [home["id"]], "halfChecked": [account_page["id"]]})
    admin = login_as(body["code"], "boss", "Boss1234")
    assert "platform:account:list" in admin.me["permissions"]
    assert "platform:account:add" not in admin.me["permissions"]
    # a role can never hold more than its tenant: roles shrink with the tenant grant
    roles = sysadmin.ok("GET", f"/api/v1/platform/roles?tenantId={t['id']}")["items"]
    director = next(r for r in roles if r["name"] == "科室主任")
    role_grant = sysadmin.ok("GET", f"/api/v1/platform/roles/{director['id']}/menus")
    granted = set(role_grant["checked"]) | set(role_grant["halfChecked"])
    assert granted <= set(saved["checked"]) | set(saved["halfChecked"])


def test_regional_admin_cannot_grant_beyond_its_own_scope(regional_admin, sysadmin):
    t = regional_admin.ok("POST", "/api/v1/platform/tenants", status=201, json=_body())
    full = sysadmin.ok("GET", "/api/v1/platform/menus/tree")
    menus_page = _find(full, lambda n: n["key"] == "system.menus.menu")
    r = regional_admin.put(f"/api/v1/platform/tenants/{t['id']}/menus", json={"checked": [menus_page["id"]], "halfChecked": []})
    assert r.status_code == 422 and r.json()["code"] == "GRANT_OUT_OF_SCOPE"


def test_reset_tenant_admin_password(sysadmin, login_as):
    body = _body()
    t = sysadmin.ok("POST", "/api/v1/platform/tenants", status=201, json=body)
    r = sysadmin.post(f"/api/v1/platform/tenants/{t['id']}/reset-password", json={"password": "Fresh123", "confirmPassword": "Fresh999"})
    assert r.status_code == 422 and r.json()["code"] == "PASSWORD_MISMATCH"
    sysadmin.ok("POST", f"/api/v1/platform/tenants/{t['id']}/reset-password", json={"password": "Fresh123", "confirmPassword": "Fresh123"})
    login_as(body["code"], "boss", "Fresh123")


def test_list_filters_sort_and_export(sysadmin):
    import io

    from openpyxl import load_workbook

    body = _body(region="四川省/成都市", hospitalLevel="3A")
    sysadmin.ok("POST", "/api/v1/platform/tenants", status=201, json=body)
    rows = sysadmin.ok("GET", "/api/v1/platform/tenants?region=成都&hospitalLevel=3A")["items"]
    assert [r["code"] for r in rows] == [body["code"]]
    newest = sysadmin.ok("GET", "/api/v1/platform/tenants?pageSize=2")["items"]
    assert newest[0]["createdAt"] >= newest[1]["createdAt"]
    r = sysadmin.get("/api/v1/platform/tenants/export?region=成都")
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    ws = load_workbook(io.BytesIO(r.content)).active
    header = [c.value for c in ws[1]]
    assert "机构名称" in header and "登录地址" in header
    assert ws.max_row == 2 and body["name"] in [c.value for c in ws[2]]


def test_regional_admin_opens_only_apps_it_holds_within_its_validity(sysadmin, new_tenant):
    region, region_admin = new_tenant(kind="regional")
    member = region_admin.ok("POST", "/api/v1/platform/tenants", status=201, json=_body())
    today = clock.today()
    year = {"billingMode": "yearly", "validFrom": today.isoformat(), "validUntil": (today + dt.timedelta(days=365)).isoformat()}
    r = region_admin.put(f"/api/v1/platform/tenants/{member['id']}/apps/ai", json=year)
    assert r.status_code == 403 and r.json()["code"] == "GRANT_OUT_OF_SCOPE"
    sysadmin.ok("PUT", f"/api/v1/platform/tenants/{region['id']}/apps/ai", json=year)
    longer = {**year, "validUntil": (today + dt.timedelta(days=400)).isoformat()}
    r = region_admin.put(f"/api/v1/platform/tenants/{member['id']}/apps/ai", json=longer)
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "validUntil"
    card = region_admin.ok("PUT", f"/api/v1/platform/tenants/{member['id']}/apps/ai", json=year)
    assert card["status"] == "normal" and card["billingMode"] == "yearly"
