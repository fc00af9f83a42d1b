"""Login, sessions and the security policy (manual 1 §三.1, manual 4 §三.1 and §8, manual 3 §四.1.1)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tests.conftest import DEMO_PASSWORD, login, system_session

REPLACED = "您的账号已在其他地点登录，当前登录已被迫下线。如果这不是你本人的操作，请及时修改密码！"


def _login(client, tenant, username, password=DEMO_PASSWORD, agree=True):
    return client.post(
        "/api/v1/auth/login",
        json={"tenant": tenant, "username": username, "password": password, "agreeTerms": agree},
    )


def test_login_by_code_name_and_id_sets_httponly_cookie(client, sysadmin):
    tenants = sysadmin.ok("GET", "/api/v1/platform/tenants?pageSize=200")["items"]
    demo_a = next(t for t in tenants if t["code"] == "demo-a")
    for tenant in ("demo-a", demo_a["name"], str(demo_a["id"])):
        r = _login(client, tenant, "doctor")
        assert r.status_code == 200, r.text
        assert r.json()["me"]["tenant"]["code"] == "demo-a"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    # the cookie alone authenticates (the SPA's way)
    me = client.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json()["user"]["username"] == "doctor"


def test_login_with_bound_phone(sysadmin, new_tenant, client):
    _, admin = new_tenant()
    admin.ok("POST", "/api/v1/platform/accounts", status=201, json={
        "username": "phoneuser", "name": "手机用户", "phone": "13800138000", "password": "Abc12345",
        "roleIds": [r["id"] for r in admin.me["user"]["roles"]],
    })
    r = _login(client, admin.me["tenant"]["code"], "13800138000", "Abc12345")
    assert r.status_code == 200, r.text
    assert r.json()["me"]["user"]["username"] == "phoneuser"


def test_terms_must_be_accepted(client):
    r = _login(client, "demo-a", "doctor", agree=False)
    assert r.status_code == 422
    assert r.json()["code"] == "TERMS_NOT_ACCEPTED"
    assert "隐私政策" in r.json()["message"]


def test_bad_credentials_and_unknown_tenant_are_401_in_chinese(client):
    r = _login(client, "demo-a", "doctor", "wrong-pass1")
    assert r.status_code == 401 and r.json()["code"] == "BAD_CREDENTIALS" and "密码" in r.json()["message"]
    r = _login(client, "no-such-tenant", "doctor")
    assert r.status_code == 401 and r.json()["code"] == "TENANT_NOT_FOUND"


def test_every_attempt_is_in_the_login_log(client, sysadmin):
    _login(client, "demo-b", "reviewer", "nope-nope1")
    _login(client, "demo-b", "reviewer")
    rows = sysadmin.ok("GET", "/api/v1/platform/logs/login?username=reviewer&tenantName=第二&pageSize=50")["items"]
    assert any(not r["success"] and r["message"] == "用户名或密码错误" for r in rows)
    assert any(r["success"] for r in rows)
    assert all(r["tenantName"] == "演示第二人民医院" for r in rows)


def test_disabled_account_cannot_log_in_and_loses_its_session(new_tenant, login_as, client):
    tenant, admin = new_tenant()
    acc = admin.ok("POST", "/api/v1/platform/accounts", status=201, json={
        "username": "willgo", "name": "将被禁用", "password": "Abc12345", "roleIds": [admin.me["user"]["roles"][0]["id"]],
    })
    user = login_as(tenant["code"], "willgo", "Abc12345")
    assert user.get("/api/v1/auth/me").status_code == 200
    admin.ok("POST", f"/api/v1/platform/accounts/{acc['id']}/status", json={"status": "disabled"})
    r = user.get("/api/v1/auth/me")
    assert r.status_code == 401
    r = _login(client, tenant["code"], "willgo", "Abc12345")
    assert r.status_code == 403 and r.json()["code"] == "ACCOUNT_DISABLED"


def test_account_without_menus_cannot_log_in(new_tenant, client):
    tenant, admin = new_tenant()
    empty = admin.ok("POST", "/api/v1/platform/roles", status=201, json={"name": "空角色"})
    admin.ok("POST", "/api/v1/platform/accounts", status=201, json={
        "username": "nomenu", "name": "无菜单", "password": "Abc12345", "roleIds": [empty["id"]],
    })
    r = _login(client, tenant["code"], "nomenu", "Abc12345")
    assert r.status_code == 403 and r.json()["code"] == "NO_MENU"
    # an account with no role at all is the same
    admin.ok("POST", "/api/v1/platform/accounts", status=201, json={"username": "norole", "name": "无角色", "password": "Abc12345"})
    assert _login(client, tenant["code"], "norole", "Abc12345").json()["code"] == "NO_MENU"


def test_single_session_replaces_the_older_login(new_tenant, app):
    from fastapi.testclient import TestClient

    tenant, _ = new_tenant()
    with TestClient(app) as first_client, TestClient(app) as second_client:
        first = login(first_client, tenant["code"], "admin", "Admin123")
        assert first.get("/api/v1/auth/me").status_code == 200
        second = login(second_client, tenant["code"], "admin", "Admin123")
        r = first.get("/api/v1/auth/me")
        assert r.status_code == 401
        assert r.json() == {"code": "SESSION_REPLACED", "message": REPLACED}
        assert second.get("/api/v1/auth/me").status_code == 200


def test_single_session_can_be_switched_off(new_tenant, login_as):
    tenant, admin = new_tenant()
    admin.ok("PUT", "/api/v1/platform/security-policy", json={"singleSessionEnabled": False})
    first = login_as(tenant["code"], "admin", "Admin123")
    second = login_as(tenant["code"], "admin", "Admin123")
    assert first.get("/api/v1/auth/me").status_code == 200
    assert second.get("/api/v1/auth/me").status_code == 200


def test_logout_ends_the_session(new_tenant, login_as):
    tenant, _ = new_tenant()
    user = login_as(tenant["code"], "admin", "Admin123")
    user.ok("POST", "/api/v1/auth/logout")
    assert user.get("/api/v1/auth/me").status_code == 401


def test_unauthenticated_is_401_with_code(client):
    r = client.get("/api/v1/platform/accounts")
    assert r.status_code == 401 and r.json()["code"] == "UNAUTHORIZED"
    r = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401 and r.json()["code"] == "SESSION_INVALID"


def test_token_is_stored_hashed(new_tenant):
    from radix.platform.account.models import AuthSession

    _, admin = new_tenant()
    with system_session() as s:
        hashes = s.scalars(sa.select(AuthSession.token_hash)).all()
    assert admin.token not in hashes
    import hashlib

    assert hashlib.sha256(admin.token.encode()).hexdigest() in hashes


def test_idle_sessions_are_logged_out(new_tenant, login_as):
    from radix.platform.account.models import AuthSession

    tenant, admin = new_tenant()
    admin.ok("PUT", "/api/v1/platform/security-policy", json={"autoLogoutEnabled": True, "autoLogoutMinutes": 5})
    user = login_as(tenant["code"], "admin", "Admin123")
    assert user.get("/api/v1/auth/me").status_code == 200
    with system_session() as s:
        s.execute(sa.update(AuthSession).where(AuthSession.tenant_id == tenant["id"], AuthSession.ended_at.is_(None))
                  .values(last_seen_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=6)))
    r = user.get("/api/v1/auth/me")
    assert r.status_code == 401 and r.json()["code"] == "SESSION_EXPIRED"


def test_lockout_after_repeated_failures(new_tenant, client):
    tenant, admin = new_tenant()
    admin.ok("PUT", "/api/v1/platform/security-policy", json={"lockoutEnabled": True, "lockoutThreshold": 3, "lockoutMinutes": 10})
    codes = [_login(client, tenant["code"], "admin", "Wrong1234").json()["code"] for _ in range(3)]
    assert codes[:2] == ["BAD_CREDENTIALS", "BAD_CREDENTIALS"] and codes[2] == "ACCOUNT_LOCKED"
    # even the right password is refused while locked
    r = _login(client, tenant["code"], "admin", "Admin123")
    assert r.status_code == 403 and r.json()["code"] == "ACCOUNT_LOCKED"


def test_ip_allowlist(new_tenant, app):
    from fastapi.testclient import TestClient

    tenant, _ = new_tenant()
    inside = TestClient(app, client=("10.9.3.4", 40000))
    outside = TestClient(app, client=("172.16.0.9", 40000))
    admin = login(inside, tenant["code"], "admin", "Admin123")
    # switching it on without the current address would lock the administrator out
    r = admin.put("/api/v1/platform/security-policy", json={"ipLimitEnabled": True})
    assert r.status_code == 422 and r.json()["code"] == "IP_LOCKOUT_PREVENTED" and "10.9.3.4" in r.json()["fields"][0]["message"]
    bad = admin.post("/api/v1/platform/security-policy/ip-rules", json={"cidr": "999.1.1.1"})
    assert bad.status_code == 422 and "IP" in bad.json()["fields"][0]["message"]
    rule = admin.ok("POST", "/api/v1/platform/security-policy/ip-rules", status=201, json={"cidr": "10.9.0.0/16"})
    assert rule["cidr"] == "10.9.0.0/16"
    dup = admin.post("/api/v1/platform/security-policy/ip-rules", json={"cidr": "10.9.0.0/16"})
    assert dup.status_code == 409
    admin.ok("PUT", "/api/v1/platform/security-policy", json={"ipLimitEnabled": True})
    r = _login(outside, tenant["code"], "admin", "Admin123")
    assert r.status_code == 403 and r.json()["code"] == "IP_NOT_ALLOWED"
    assert admin.get("/api/v1/auth/me").status_code == 200
    # a disabled rule no longer admits
    admin.ok("PATCH", f"/api/v1/platform/security-policy/ip-rules/{rule['id']}", json={"enabled": False})
    assert admin.get("/api/v1/auth/me").status_code == 403
    inside.close()
    outside.close()


def test_cidr_matching():
    from radix.platform.security.models import IpRule, SecurityPolicy  # noqa: F401
    from radix.platform.security.service import parse_cidr

    import ipaddress

    net = parse_cidr("192.168.1.0/24")
    assert ipaddress.ip_address("192.168.1.77") in net
    assert ipaddress.ip_address("192.168.2.1") not in net
    assert str(parse_cidr("10.0.0.5")) == "10.0.0.5/32"


def test_password_expiry_forces_a_change(new_tenant, login_as):
    from radix.platform.account.models import Account

    tenant, admin = new_tenant()
    admin.ok("PUT", "/api/v1/platform/security-policy", json={"passwordExpiryEnabled": True, "passwordExpiryDays": 30})
    with system_session() as s:
        s.execute(sa.update(Account).where(Account.tenant_id == tenant["id"])
                  .values(password_changed_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=31)))
    user = login_as(tenant["code"], "admin", "Admin123")
    assert user.me["user"]["mustChangePassword"] is True
    r = user.get("/api/v1/platform/accounts")
    assert r.status_code == 403 and r.json()["code"] == "PASSWORD_EXPIRED"
    user.ok("POST", "/api/v1/auth/password", json={"oldPassword": "Admin123", "newPassword": "Newpass99", "confirmPassword": "Newpass99"})
    assert user.get("/api/v1/platform/accounts").status_code == 200


def test_change_password_rules(new_tenant, login_as):
    tenant, admin = new_tenant()
    r = admin.post("/api/v1/auth/password", json={"oldPassword": "bad", "newPassword": "Newpass99", "confirmPassword": "Newpass99"})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "oldPassword"
    r = admin.post("/api/v1/auth/password", json={"oldPassword": "Admin123", "newPassword": "onlyletters", "confirmPassword": "onlyletters"})
    assert r.status_code == 422 and "数字和字母" in r.json()["fields"][0]["message"]
    r = admin.post("/api/v1/auth/password", json={"oldPassword": "Admin123", "newPassword": "Newpass99", "confirmPassword": "Other999"})
    assert r.status_code == 422 and r.json()["code"] == "PASSWORD_MISMATCH"
    admin.ok("POST", "/api/v1/auth/password", json={"oldPassword": "Admin123", "newPassword": "Newpass99", "confirmPassword": "Newpass99"})
    login_as(tenant["code"], "admin", "Newpass99")


def test_me_has_user_tenant_permissions_and_menus(login_as):
    doctor = login_as("demo-a", "doctor")
    me = doctor.ok("GET", "/api/v1/auth/me")
    assert me["tenant"]["loginUrl"].endswith("/login?tid=demo-a")
    assert "ris:diagnosis:report" in me["permissions"]
    assert "ris:diagnosis:review" not in me["permissions"]  # 终审 is the director's
    assert "platform:account:list" not in me["permissions"]
    assert [m["name"] for m in me["menus"]] == ["首页", "业务", "数据"]
    reviewer = login_as("demo-a", "reviewer")
    assert "ris:diagnosis:review" in reviewer.me["permissions"]


def test_preferences_are_remembered(login_as):
    user = login_as("demo-b", "doctor")
    user.ok("PATCH", "/api/v1/auth/preferences", json={"navMode": "integrated", "language": "en"})
    again = login_as("demo-b", "doctor")
    assert again.me["user"]["preferences"]["navMode"] == "integrated"
    r = again.patch("/api/v1/auth/preferences", json={"navMode": "sideways"})
    assert r.status_code == 422


def test_public_site_for_the_login_page(client):
    r = client.get("/api/v1/public/site?tid=demo-a")
    body = r.json()
    assert r.status_code == 200 and body["tenant"]["code"] == "demo-a"
    assert "隐私政策" in body["privacyPolicy"] and "用户协议" in body["userAgreement"]
    assert client.get("/api/v1/public/site").json()["tenant"] is None


def test_login_by_sub_institution_name(new_tenant, client):
    tenant, admin = new_tenant()
    admin.ok("POST", "/api/v1/platform/institutions", status=201, json={"code": "NORTH-X", "name": "北院区独有名称"})
    r = _login(client, "北院区独有名称", "admin", "Admin123")
    assert r.status_code == 200 and r.json()["me"]["tenant"]["code"] == tenant["code"]
