def test_health(client):
    r = client.get("/api/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_sysadmin_sees_demo_tenants(sysadmin):
    body = sysadmin.ok("GET", "/api/v1/platform/tenants?pageSize=200")
    codes = {t["code"] for t in body["items"]}
    assert {"platform", "demo", "demo-a", "demo-b"} <= codes
