"""Nothing of tenant A can be listed, read, changed or deleted from tenant B.

Walks every registered API route. Both tenants are regional (so B holds every permission a
customer can hold, including tenant management) and B's administrator attacks A's rows through
each route that addresses a row, each list, each export, batch deletes and ``tenantId`` parameters.
Every tenant-owned resource must have a row of A to attack: a new resource without one fails here.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from radix.core import clock
from radix.core.resource import Resource
from radix.core.routes import api_routes
from radix.core.singleton import Singleton
from radix.core.tenancy import TenantScoped
from tests.conftest import system_session, unique

pytestmark = pytest.mark.xdist_group("isolation")

MARK = "隔离标记"

#: rows A creates through the API, per resource (others come from A's activity or 数据同步)
FACTORIES = {
    "role": lambda: {"name": f"{MARK}角色"},
    "account": lambda: {"username": unique("iso"), "name": f"{MARK}账号", "password": "Abc12345", "phone": "13511112222"},
    "department": lambda: {"code": "ISO1", "name": f"{MARK}科室"},
    "institution": lambda: {"code": "ISO-SUB", "name": f"{MARK}分院区", "shortName": "隔离分院"},
    "ip_rule": lambda: {"cidr": "10.77.0.0/16", "remark": MARK},
    "dicom_node": lambda: {"name": f"{MARK}CT", "aeTitle": unique("ISO")[:16].upper(), "host": "10.77.0.5", "port": 104},
}


def _row_of(res, tenant_id):
    """The newest row of tenant A that the resource itself would list (its service's base query)."""
    from radix.core.resource import Ctx
    from radix.core.security import Principal
    from radix.core.tenancy import SYSTEM

    model = res.model
    with system_session() as s:
        principal = Principal(account_id=0, username="test", name="test", tenant_id=tenant_id, tenant_code="",
                              tenant_name="", tenant_kind="platform", scope=SYSTEM)
        column = model.id if model.__tablename__ == "tenant" else model.tenant_id
        stmt = res.service.query(Ctx(s, principal)).where(column == tenant_id).order_by(model.id.desc()).limit(1)
        row = s.scalars(stmt).first()
        return None if row is None else row.id


def _open_all_apps(sysadmin, tenant_id):
    today = clock.today()
    for code in ("idata", "ris", "cloud", "ai", "ops"):
        sysadmin.ok("PUT", f"/api/v1/platform/tenants/{tenant_id}/apps/{code}", json={
            "billingMode": "yearly", "validFrom": today.isoformat(), "validUntil": (today + dt.timedelta(days=365)).isoformat()})


def _seed_a(sysadmin, a, tenant_a):
    """A uses every feature once, so that it owns a row of every tenant-owned resource."""
    for name, make in FACTORIES.items():
        res = Resource.registry[name]
        a.ok("POST", "/api/v1" + res.path, status=201, json=make())
    a.ok("POST", "/api/v1/auth/access", status=201, json={"page": "/iso", "title": MARK})
    a.ok("PUT", "/api/v1/platform/settings", json={"siteName": f"{MARK}站点", "privacyPolicy": "p", "userAgreement": "u"})
    a.ok("PUT", "/api/v1/platform/security-policy", json={"autoLogoutMinutes": 40})
    for res in Resource.registry.values():
        if any(act.name == "sync" for act in res.actions) or res.path.startswith("/platform/master-data"):
            a.request("POST", "/api/v1" + res.path + "/sync")
    _extra_seed(a)


def _extra_seed(a):
    """Rows of resources owned by later domains; each domain adds its own line here."""
    from pathlib import Path

    from pydicom.data import get_testdata_file

    from radix.imaging import store

    # an image received for A (through the archive's one way in)
    raw = Path(get_testdata_file("CT_small.dcm")).read_bytes()
    assert store.ingest(raw, store.Arrival(tenant_id=a.me["tenant"]["id"], source="test")).ok
    # a ZIP upload (本地上传) and a share of the study (分享记录)
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("ct.dcm", raw)
    a.ok("POST", "/api/v1/imaging/uploads", status=202, files={"file": ("iso.zip", buf.getvalue(), "application/zip")})
    study = a.ok("GET", "/api/v1/imaging/studies?pageSize=1")["items"][0]
    a.ok("POST", "/api/v1/imaging/shares", status=201, json={"studyId": study["id"], "validity": "permanent"})
    # a print task of the image (胶片打印)
    import pydicom

    ds = pydicom.dcmread(io.BytesIO(raw), stop_before_pixels=True)
    a.ok("POST", "/api/v1/film/tasks", status=201, json={"name": f"{MARK}胶片", "header": MARK, "images": [
        {"studyUid": ds.StudyInstanceUID, "seriesUid": ds.SeriesInstanceUID, "sopUid": ds.SOPInstanceUID}]})
    try:
        types = a.ok("GET", "/api/v1/jobs/types")
    except AssertionError:
        types = []
    schedulable = [t for t in types if t.get("schedulable")]
    if schedulable:
        sched = a.ok("POST", "/api/v1/platform/schedules", status=201, json={
            "name": f"{MARK}调度", "jobType": schedulable[0]["name"], "cron": "0 3 * * *"})
        a.request("POST", f"/api/v1/platform/schedules/{sched['id']}/run")
    sms = a.ok("POST", "/api/v1/platform/sms/templates", status=201, json={
        "name": f"{MARK}短信", "code": "SMS_ISO_1", "content": "您好 ${name}"})
    a.ok("POST", "/api/v1/platform/sms/settings/test", json={"phone": "13511112222", "templateId": sms["id"],
                                                             "params": {"name": MARK}})
    email = a.ok("POST", "/api/v1/platform/email/templates", status=201, json={
        "name": f"{MARK}邮件", "code": "MAIL_ISO_1", "subject": MARK, "content": "您好 ${name}"})
    a.ok("POST", "/api/v1/platform/email/settings/test", json={"to": "iso@example.org", "templateId": email["id"],
                                                               "params": {"name": MARK}})


@pytest.fixture()
def tenants(sysadmin, new_tenant):
    tenant_a, a = new_tenant(kind="regional")
    tenant_b, b = new_tenant(kind="regional")
    _open_all_apps(sysadmin, tenant_a["id"])
    _open_all_apps(sysadmin, tenant_b["id"])
    # fresh logins: the grants changed
    return tenant_a, a, tenant_b, b


def _fill(path, ids):
    def repl(m):
        name = m.group(1)
        return str(ids.get(name, "ai" if name == "code" else "x"))

    return re.sub(r"\{([^}:]+)(?::[^}]*)?\}", repl, path)


def test_nothing_crosses_tenants(app, sysadmin, login_as, tenants):
    tenant_a, a, tenant_b, b = tenants
    a = login_as(tenant_a["code"], "admin", "Admin123")
    b = login_as(tenant_b["code"], "admin", "Admin123")
    _seed_a(sysadmin, a, tenant_a)

    # every tenant-owned resource has a row of A
    owned = {}
    missing = []
    for res in Resource.registry.values():
        if not issubclass(res.model, TenantScoped):
            continue
        row = _row_of(res, tenant_a["id"])
        if row is None:
            missing.append(res.name)
        owned[res.path] = (res, row)
    assert not missing, f"no row of tenant A for: {missing} — add a factory to this test"

    checked = 0
    for route in api_routes(app):
        path = route.path
        for method in sorted(route.methods):
            if "{id}" in path:
                prefix = path.split("/{id}")[0][len("/api/v1"):]
                res, row = owned.get(prefix, (None, None))
                if res is None:
                    continue  # a global resource (menus, workstations…)
                url = _fill(path, {"id": row})
                r = b.request(method, url, json={} if method in ("POST", "PUT", "PATCH") else None)
                assert r.status_code == 404, f"{method} {url} as B -> {r.status_code}: {r.text[:200]}"
                checked += 1
    assert checked > 40

    for prefix, (res, row) in owned.items():
        base = "/api/v1" + prefix
        listed = b.ok("GET", f"{base}?pageSize=200")
        assert row not in {item.get("id") for item in listed["items"]}, f"{base} lists A's row"
        filtered = b.request("GET", f"{base}?tenantId={tenant_a['id']}")
        if filtered.status_code == 200:
            assert filtered.json()["total"] == 0 or prefix == "/platform/tenants" and not any(
                i["id"] == tenant_a["id"] for i in filtered.json()["items"]), base
        if res.exportable:
            exported = b.get(f"{base}/export")
            assert exported.status_code == 200 and MARK.encode() not in _xlsx_text(exported.content), base
        if res.deletable:
            r = b.post(f"{base}/batch-delete", json={"ids": [row]})
            assert r.status_code == 404, f"batch delete {base} -> {r.status_code}"
        if res.create_schema is not None and "tenant_id" in res.create_schema.model_fields:
            payload = FACTORIES.get(res.name, lambda: {})()
            r = b.post(base, json={**payload, "tenantId": tenant_a["id"]})
            assert r.status_code in (404, 422), f"create in A through {base} -> {r.status_code}"

    for singleton in Singleton.registry.values():
        r = b.get(f"/api/v1{singleton.path}?tenantId={tenant_a['id']}")
        assert r.status_code == 404, singleton.path
        r = b.put(f"/api/v1{singleton.path}?tenantId={tenant_a['id']}", json={})
        assert r.status_code in (404, 422), singleton.path

    # and A's rows are all still there, as A left them
    for prefix, (res, row) in owned.items():
        assert a.get(f"/api/v1{prefix}/{row}").status_code == 200, prefix
    settings = a.ok("GET", "/api/v1/platform/settings")
    assert settings["siteName"] == f"{MARK}站点"


def test_regional_admin_sees_members_but_members_do_not_see_each_other(login_as, regional_admin):
    a_admin = login_as("demo-a", "admin")
    b_roles = {r["id"] for r in regional_admin.ok("GET", "/api/v1/platform/roles?pageSize=200")["items"]}
    a_roles = {r["id"] for r in a_admin.ok("GET", "/api/v1/platform/roles?pageSize=200")["items"]}
    assert a_roles < b_roles  # the region sees its members' roles
    members = {t["code"]: t["id"] for t in regional_admin.ok("GET", "/api/v1/platform/tenants?pageSize=200")["items"]}
    demo_b_roles = regional_admin.ok("GET", f"/api/v1/platform/roles?tenantId={members['demo-b']}")["items"]
    for role in demo_b_roles:
        assert a_admin.get(f"/api/v1/platform/roles/{role['id']}").status_code == 404


def _xlsx_text(content: bytes) -> bytes:
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(content)).active
    return "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None).encode()
