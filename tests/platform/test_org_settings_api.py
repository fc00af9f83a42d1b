"""机构信息 (photos), 科室, 平台设置 (manual 1 §6.3)."""

from __future__ import annotations

import io
import struct
import zlib


def _png(size: int = 0) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = zlib.compress(b"\x00\xff\x00\x00")
    body = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) + chunk(b"IDAT", raw)
    body += chunk(b"tEXt", b"x" * size) if size else b""
    return body + chunk(b"IEND", b"")


def test_institution_info_and_photos(new_tenant):
    tenant, admin = new_tenant()
    info = admin.ok("GET", "/api/v1/platform/institution")
    assert info["name"] == tenant["name"] and info["parentId"] is None and info["photos"] == []
    saved = admin.ok("PUT", "/api/v1/platform/institution", json={"address": "杭州市上城区解放路1号", "introduction": "三级甲等综合医院"})
    assert saved["address"] == "杭州市上城区解放路1号" and saved["name"] == tenant["name"]
    for _ in range(5):
        info = admin.ok("POST", "/api/v1/platform/institution/photos", files={"file": ("a.png", _png(), "image/png")})
    assert len(info["photos"]) == 5
    r = admin.post("/api/v1/platform/institution/photos", files={"file": ("a.png", _png(), "image/png")})
    assert r.status_code == 422 and r.json()["code"] == "TOO_MANY_PHOTOS" and "最多上传 5 张" in r.json()["message"]
    name = info["photos"][0]
    got = admin.get(f"/api/v1/platform/institution/photos/{name}")
    assert got.status_code == 200 and got.headers["content-type"] == "image/png" and got.content.startswith(b"\x89PNG")
    info = admin.ok("DELETE", f"/api/v1/platform/institution/photos/{name}")
    assert name not in info["photos"] and len(info["photos"]) == 4
    r = admin.post("/api/v1/platform/institution/photos", files={"file": ("big.png", _png(1024 * 1024), "image/png")})
    assert r.status_code == 413 and "1MB" in r.json()["message"]
    r = admin.post("/api/v1/platform/institution/photos", files={"file": ("x.gif", b"GIF89a....", "image/gif")})
    assert r.status_code == 422 and r.json()["code"] == "BAD_IMAGE"


def test_sub_institutions(new_tenant, sysadmin):
    tenant, admin = new_tenant()
    sub = admin.ok("POST", "/api/v1/platform/institutions", status=201,
                   json={"code": "EAST", "name": "东院区分院", "shortName": "东院区"})
    main = admin.ok("GET", "/api/v1/platform/institution")
    assert sub["parentId"] == main["id"] and sub["tenantName"] == tenant["name"]
    # the platform creates one for the tenant (创建子机构 from the tenant list)
    west = sysadmin.ok("POST", "/api/v1/platform/institutions", status=201,
                       json={"tenantId": tenant["id"], "code": "WEST", "name": "西院区分院"})
    assert west["tenantId"] == tenant["id"]
    assert admin.ok("GET", "/api/v1/platform/institutions?name=院区")["total"] == 2
    r = admin.delete(f"/api/v1/platform/institutions/{main['id']}")
    assert r.status_code == 403 and r.json()["code"] == "INSTITUTION_MAIN"
    r = admin.delete(f"/api/v1/platform/institutions/{sub['id']}")
    assert r.status_code == 409
    admin.ok("PATCH", f"/api/v1/platform/institutions/{sub['id']}", json={"status": "disabled"})
    assert admin.delete(f"/api/v1/platform/institutions/{sub['id']}").status_code == 204


def test_departments_tree_and_in_use(new_tenant):
    _, admin = new_tenant()
    parent = admin.ok("POST", "/api/v1/platform/departments", status=201, json={"code": "IMG", "name": "医学影像科"})
    child = admin.ok("POST", "/api/v1/platform/departments", status=201,
                     json={"code": "CT", "name": "CT室", "parentId": parent["id"]})
    r = admin.patch(f"/api/v1/platform/departments/{parent['id']}", json={"parentId": child["id"]})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "parentId"
    r = admin.delete(f"/api/v1/platform/departments/{parent['id']}")
    assert r.status_code == 409 and r.json()["code"] == "DEPARTMENT_HAS_CHILDREN"
    admin.ok("POST", "/api/v1/platform/accounts", status=201,
             json={"username": "ctuser", "name": "CT技师", "password": "Abc12345", "departmentId": child["id"]})
    r = admin.delete(f"/api/v1/platform/departments/{child['id']}")
    assert r.status_code == 409 and r.json()["code"] == "DEPARTMENT_IN_USE"
    accounts = admin.ok("GET", f"/api/v1/platform/accounts?departmentId={child['id']}")["items"]
    assert [a["departmentName"] for a in accounts] == ["CT室"]


def test_platform_settings_drive_the_login_page(new_tenant, client):
    tenant, admin = new_tenant()
    current = admin.ok("GET", "/api/v1/platform/settings")
    assert current["saved"] is False and "隐私政策" in current["privacyPolicy"]
    r = admin.put("/api/v1/platform/settings", json={"siteName": "", "privacyPolicy": "p", "userAgreement": "u"})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "siteName"
    admin.ok("PUT", "/api/v1/platform/settings", json={
        "siteName": "测试医院影像平台", "loginTitle": "欢迎登录", "privacyPolicy": "本院隐私政策全文",
        "userAgreement": "本院用户协议全文"})
    site = client.get(f"/api/v1/public/site?tid={tenant['code']}").json()
    assert site["siteName"] == "测试医院影像平台" and site["loginTitle"] == "欢迎登录"
    assert site["privacyPolicy"] == "本院隐私政策全文" and site["userAgreement"] == "本院用户协议全文"
    # other tenants keep the platform's text
    assert client.get("/api/v1/public/site?tid=demo-a").json()["siteName"] != "测试医院影像平台"
    saved = admin.ok("POST", "/api/v1/platform/settings/logo", files={"file": ("logo.png", _png(), "image/png")})
    logo = client.get(saved["logo"])
    assert logo.status_code == 200 and logo.content.startswith(b"\x89PNG")
    assert client.get(f"/api/v1/public/site?tid={tenant['code']}").json()["logo"] == saved["logo"]
