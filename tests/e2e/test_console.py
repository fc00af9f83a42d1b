"""The console end to end, as the issue tells it: the platform admin creates a tenant and opens an app
for it; that tenant's admin logs in through its login URL, creates a role and an account; the account
logs in twice and the first session gets the forced-logout popup; a list is exported and the .xlsx
opened; navigation mode and language are switched. Every main page is photographed."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid

from openpyxl import load_workbook

from radix.core import clock

REPLACED = "您的账号已在其他地点登录，当前登录已被迫下线。如果这不是你本人的操作，请及时修改密码！"

MAIN_PAGES = [
    "/home", "/system/tenant", "/system/account", "/system/role", "/system/menu", "/system/workstation",
    "/system/institution", "/system/department", "/system/setting", "/system/security", "/system/log/login",
    "/system/log/operation", "/system/log/access", "/system/sms/setting", "/system/sms/template", "/system/sms/log",
    "/system/email/setting", "/system/email/template", "/system/email/log", "/system/masterdata/modality",
    "/system/masterdata/exam_item", "/system/masterdata/charge_item", "/system/schedule", "/system/job",
]


def _fill(page, field: str, value: str) -> None:
    page.get_by_test_id(f"field-{field}").locator("input, textarea").first.fill(value)


def _row_menu(page, row_id: int, action: str) -> None:
    page.get_by_test_id(f"crud-row-more-{row_id}").click()
    page.get_by_test_id(f"action-{action}-{row_id}").click()


def test_console_end_to_end(session_factory) -> None:
    code = "e2e" + uuid.uuid4().hex[:6]
    admin = session_factory("platform")
    admin.login("platform", "sysadmin", "Radix2026")
    page = admin.page
    assert page.get_by_test_id("home").is_visible()
    admin.shot("home")

    # create a tenant
    admin.goto("/system/tenant")
    page.get_by_test_id("crud-table").wait_for()
    admin.shot("tenants")
    page.get_by_test_id("crud-add").click()
    _fill(page, "name", f"端到端医院{code[-4:]}")
    _fill(page, "shortName", f"端到端{code[-4:]}")
    _fill(page, "code", code)
    _fill(page, "adminUsername", "boss")
    _fill(page, "password", "Boss1234")
    _fill(page, "confirmPassword", "Boss1234")
    page.get_by_test_id("crud-dialog-submit").click()
    page.get_by_text(code, exact=False).first.wait_for()
    tenant = admin.api("GET", f"/api/v1/platform/tenants?name={code[-4:]}")["items"][0]
    assert tenant["code"] == code
    # the login URL is shown with a copy button
    assert page.get_by_test_id(f"tenant-login-url-{tenant['id']}").is_visible()

    # open an app for it
    _row_menu(page, tenant["id"], "apps")
    dialog = page.get_by_test_id("tenant-apps")
    dialog.wait_for()
    assert "未开通" in dialog.get_by_test_id("app-status-ai").inner_text()
    admin.shot("tenant-apps")
    dialog.get_by_test_id("app-open-ai").click()
    until = (clock.today() + dt.timedelta(days=365)).isoformat()
    valid_until = page.get_by_test_id("app-valid-until").locator("input").first
    valid_until.fill(until)
    valid_until.press("Enter")
    page.get_by_test_id("app-open-submit").click()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=app-status-ai]')?.innerText.includes('正常')"
    )
    cards = admin.api("GET", f"/api/v1/platform/tenants/{tenant['id']}/apps")
    assert next(c for c in cards if c["code"] == "ai")["status"] == "normal"

    # every main page opens (and is photographed)
    for path in MAIN_PAGES:
        admin.goto(path)
        page.wait_for_load_state("networkidle")
        assert not page.get_by_test_id("page-not-found").is_visible(), path
        admin.shot(path.strip("/").replace("/", "-"))
    assert not admin.errors, admin.errors

    # the new tenant's admin logs in through its login URL: the tenant is filled in and fixed
    boss = session_factory("tenant-admin")
    boss.page.goto(boss.base + f"/login?tid={code}")
    tenant_input = boss.page.get_by_test_id("login-tenant")
    assert tenant_input.input_value() == code and not tenant_input.is_editable()
    boss.login(None, "boss", "Boss1234", via_tid=code)
    bp = boss.page

    # a role and an account
    boss.goto("/system/role")
    bp.get_by_test_id("crud-add").click()
    _fill(bp, "name", "登记员")
    bp.get_by_test_id("crud-dialog-submit").click()
    bp.get_by_test_id("crud-table").get_by_text("登记员").wait_for()
    role = boss.api("GET", "/api/v1/platform/roles?name=登记员")["items"][0]
    tree = boss.api("GET", "/api/v1/platform/roles/menu-tree")["tree"]
    home = next(n for n in tree if n["key"] == "home")
    boss.api("PATCH", f"/api/v1/platform/roles/{role['id']}", {"checked": [home["id"]], "halfChecked": []})

    boss.goto("/system/account")
    bp.get_by_test_id("crud-add").click()
    _fill(bp, "username", "clerk1")
    _fill(bp, "name", "登记员甲")
    _fill(bp, "password", "Clerk1234")
    _fill(bp, "confirmPassword", "Clerk1234")
    bp.get_by_test_id("field-roleIds").locator(".el-select").first.click()
    bp.locator(".el-select-dropdown__item:visible", has_text="登记员").first.click()
    bp.keyboard.press("Escape")
    bp.get_by_test_id("crud-dialog-submit").click()
    bp.get_by_test_id("crud-table").get_by_text("clerk1").wait_for()

    # export the account list and open the .xlsx
    with bp.expect_download() as info:
        bp.get_by_test_id("crud-export").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    ws = load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    cells = [c.value for row in ws.iter_rows() for c in row]
    assert "账号" in cells and "clerk1" in cells

    # the account logs in twice: the first session is forced out with the manual's message
    first = session_factory("clerk-first")
    first.login(code, "clerk1", "Clerk1234")
    second = session_factory("clerk-second")
    second.login(code, "clerk1", "Clerk1234")
    first.page.reload()
    popup = first.page.locator(".session-replaced")
    popup.wait_for()
    assert REPLACED in popup.inner_text()
    first.shot("session-replaced")
    popup.get_by_role("button").click()
    first.page.wait_for_url(re.compile(r".*/login.*"))

    # navigation mode and language, remembered
    switch = bp.get_by_test_id("nav-mode-switch")
    assert switch.get_attribute("data-mode") == "workstation"
    switch.click()
    bp.get_by_test_id("nav-integrated").wait_for()
    bp.get_by_test_id("nav-search").fill("角色")
    bp.get_by_test_id("nav-system.access.role").click()
    bp.wait_for_url(re.compile(r".*/system/role"))
    boss.shot("integrated-mode")
    bp.get_by_test_id("lang-switch").click()
    bp.get_by_test_id("lang-en").click()
    bp.get_by_test_id("crud-query").get_by_text("Search").wait_for()
    boss.shot("english")
    bp.reload()
    bp.get_by_test_id("nav-integrated").wait_for()
    assert "Search" in bp.get_by_test_id("crud-query").inner_text()
    me = boss.api("GET", "/api/v1/auth/me")
    assert me["user"]["preferences"]["navMode"] == "integrated" and me["user"]["preferences"]["language"] == "en"

    # logout ends the session
    bp.get_by_test_id("user-menu").click()
    bp.get_by_test_id("logout").click()
    bp.wait_for_url(re.compile(r".*/login.*"))
    assert not boss.errors and not first.errors and not second.errors
