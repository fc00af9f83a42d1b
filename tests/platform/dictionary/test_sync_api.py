"""数据同步: the platform tenant's master data copied into a tenant; the demo seed."""

from __future__ import annotations

from tests.conftest import system_session, unique
from tests.platform.dictionary.helpers import BASE, dict_options


def _all(api, path, **params):
    return api.ok("GET", f"{BASE}/{path}", params={"pageSize": 200, **params})


def _platform_count(sysadmin, path):
    return _all(sysadmin, path, tenantId=sysadmin.me["tenant"]["id"])["total"]


def test_sync_copies_platform_rows_into_a_new_tenant_and_is_idempotent(sysadmin, new_tenant):
    _, admin = new_tenant()
    assert _all(admin, "exam-items")["total"] == 0

    expected = _platform_count(sysadmin, "exam-items")
    assert expected >= 50
    result = admin.ok("POST", f"{BASE}/exam-items/sync")
    assert result["inserted"] == expected and result["updated"] == 0
    # what the items refer to came along, so every copied row is valid
    assert result["related"]["modality"] >= 10 and result["related"]["body_part"] > 0
    assert "新增" in result["message"]
    items = {i["code"]: i for i in _all(admin, "exam-items", modalityCode="CT")["items"]}
    assert items["CT001"]["name"] == "头颅CT平扫" and items["CT001"]["bodyPartName"] == "头颅"
    assert items["CT001"]["price"] == 150.0
    assert "CT-HEAD" in {o["value"] for o in dict_options(admin, "body_part")}

    again = admin.ok("POST", f"{BASE}/exam-items/sync")
    assert (again["inserted"], again["updated"], again["related"]) == (0, 0, {})
    assert _all(admin, "exam-items")["total"] == expected

    # a local edit is brought back to the standard; the local on/off choice stays; local rows stay
    ct001 = items["CT001"]
    admin.ok("PATCH", f"{BASE}/exam-items/{ct001['id']}", json={"name": "本院改名", "enabled": False})
    own = admin.ok("POST", f"{BASE}/exam-items", status=201,
                   json={"code": unique("OWN"), "name": "本院自有项目", "modalityCode": "CT"})
    result = admin.ok("POST", f"{BASE}/exam-items/sync")
    assert (result["inserted"], result["updated"]) == (0, 1)
    synced = admin.ok("GET", f"{BASE}/exam-items/{ct001['id']}")
    assert synced["name"] == "头颅CT平扫" and synced["enabled"] is False
    assert admin.ok("GET", f"{BASE}/exam-items/{own['id']}")["name"] == "本院自有项目"

    # the modalities synced on their own now only need updating, never duplicating
    result = admin.ok("POST", f"{BASE}/modalities/sync")
    assert result["inserted"] == 0 and _all(admin, "modalities")["total"] == _platform_count(sysadmin, "modalities")


def test_sync_picks_up_new_platform_rows(sysadmin, new_tenant):
    _, admin = new_tenant()
    first = admin.ok("POST", f"{BASE}/person-types/sync")
    assert first["inserted"] == _platform_count(sysadmin, "person-types") > 0
    code = unique("pt")
    row = sysadmin.ok("POST", f"{BASE}/person-types", status=201, json={"code": code, "name": "规培医师"})
    try:
        result = admin.ok("POST", f"{BASE}/person-types/sync")
        assert (result["inserted"], result["updated"]) == (1, 0)
        mine = _all(admin, "person-types", name="规培医师")["items"]
        assert [(r["code"], r["tenantId"]) for r in mine] == [(code, admin.me["tenant"]["id"])]
        sysadmin.ok("PATCH", f"{BASE}/person-types/{row['id']}", json={"name": "住院医师规范化培训学员"})
        assert admin.ok("POST", f"{BASE}/person-types/sync")["updated"] == 1
        assert _all(admin, "person-types", name="住院医师规范化培训")["total"] == 1
    finally:
        sysadmin.ok("DELETE", f"{BASE}/person-types/{row['id']}")
    # never deletes: the copy stays after the platform row is gone
    assert admin.ok("POST", f"{BASE}/person-types/sync")["inserted"] == 0
    assert _all(admin, "person-types", name="住院医师规范化培训")["total"] == 1


def test_sync_as_the_platform_is_a_no_op(sysadmin):
    before = _platform_count(sysadmin, "modalities")
    result = sysadmin.ok("POST", f"{BASE}/modalities/sync")
    assert (result["inserted"], result["updated"]) == (0, 0) and "平台" in result["message"]
    assert _platform_count(sysadmin, "modalities") == before


def test_sync_is_audited(new_tenant):
    import sqlalchemy as sa

    from radix.platform.log.models import OperationLog

    _, admin = new_tenant()
    admin.ok("POST", f"{BASE}/hospital-levels/sync")
    with system_session() as s:
        rows = s.scalars(sa.select(OperationLog).where(OperationLog.tenant_id == admin.me["tenant"]["id"],
                                                       OperationLog.action == "SYNC")).all()
        assert [(r.title, r.target_type, r.success) for r in rows] == [("医院等级", "hospital_level", True)]


def test_demo_seed_is_idempotent(sysadmin):
    from radix.platform.dictionary import demo

    platform_id = sysadmin.me["tenant"]["id"]
    with system_session() as s:
        assert demo.seed(s, platform_id) == 0
    assert _platform_count(sysadmin, "exam-items") >= 50
    levels = {r["code"]: r["name"] for r in _all(sysadmin, "hospital-levels", tenantId=platform_id)["items"]}
    assert levels["3A"] == "三级甲等" and levels["2A"] == "二级甲等"
    types = {r["code"] for r in _all(sysadmin, "hospital-types", tenantId=platform_id)["items"]}
    assert "general" in types


def test_a_tenant_with_master_data_can_still_be_deleted(sysadmin, new_tenant):
    tenant, admin = new_tenant()
    assert admin.ok("POST", f"{BASE}/exam-items/sync")["inserted"] > 0
    sysadmin.ok("POST", f"/api/v1/platform/tenants/{tenant['id']}/status", json={"status": "disabled"})
    assert sysadmin.delete(f"/api/v1/platform/tenants/{tenant['id']}").status_code == 204
    assert _all(sysadmin, "exam-items", tenantId=tenant["id"])["total"] == 0
