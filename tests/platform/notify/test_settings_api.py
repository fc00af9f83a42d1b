"""短信设置 (manual 1 §6.7.1) and 邮件设置 (§6.8.1): per-tenant settings pages."""

from __future__ import annotations

import sqlalchemy as sa

from radix.platform.notify.models import SmsSetting
from tests.platform.notify.helpers import system_db

SMS = "/api/v1/platform/sms/settings"
EMAIL = "/api/v1/platform/email/settings"

ALIYUN = {"provider": "aliyun", "accessKeyId": "LTAI5tExample", "accessKeySecret": "s3cr3t-Value",
          "signName": "演示医院"}


def test_sms_settings_default_to_the_local_provider_until_saved(new_tenant):
    _, admin = new_tenant()
    body = admin.ok("GET", SMS)
    assert body["saved"] is False and body["provider"] == "local"
    assert body["regionId"] == "cn-hangzhou" and body["endpoint"] == "dysmsapi.aliyuncs.com"
    assert body["accessKeySecretSet"] is False


def test_aliyun_settings_require_key_secret_and_sign_name(new_tenant):
    _, admin = new_tenant()
    r = admin.put(SMS, json={"provider": "aliyun"})
    assert r.status_code == 422, r.text
    fields = {f["field"]: f["message"] for f in r.json()["fields"]}
    assert fields == {"accessKeyId": "请填写 AccessKey ID", "accessKeySecret": "请填写 AccessKey Secret",
                      "signName": "请填写短信签名"}
    assert r.json()["message"] == "请填写 AccessKey ID"
    # nothing was saved by the failed attempt
    assert admin.ok("GET", SMS)["saved"] is False


def test_secret_is_write_only_and_kept_when_left_blank(new_tenant):
    tenant, admin = new_tenant()
    saved = admin.ok("PUT", SMS, json=ALIYUN)
    assert saved["saved"] is True and saved["provider"] == "aliyun" and saved["accessKeySecretSet"] is True
    assert "accessKeySecret" not in saved and "s3cr3t-Value" not in str(saved)
    again = admin.ok("PUT", SMS, json={**ALIYUN, "accessKeySecret": "", "signName": "演示二院"})
    assert again["signName"] == "演示二院" and again["accessKeySecretSet"] is True
    with system_db() as s:
        row = s.scalar(sa.select(SmsSetting).where(SmsSetting.tenant_id == tenant["id"]))
        assert row.access_key_secret == "s3cr3t-Value"
    assert admin.ok("GET", SMS)["updatedBy"] == "admin"


def test_sms_setting_field_rules(new_tenant):
    _, admin = new_tenant()
    for body, field in [
        ({**ALIYUN, "provider": "tencent"}, "provider"),
        ({**ALIYUN, "endpoint": "http://evil.example.com/x"}, "endpoint"),
        ({**ALIYUN, "regionId": "CN HZ"}, "regionId"),
        ({**ALIYUN, "signName": "a\nb"}, "signName"),
    ]:
        r = admin.put(SMS, json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["fields"][0]["field"] == field
        assert r.json()["code"] == "VALIDATION_ERROR"


def test_email_settings_rules(new_tenant):
    _, admin = new_tenant()
    base = {"provider": "smtp", "host": "smtp.example.com", "port": 465, "security": "ssl",
            "fromAddress": "radix@example.com"}
    r = admin.put(EMAIL, json={"provider": "smtp"})
    assert r.status_code == 422
    assert {f["field"] for f in r.json()["fields"]} == {"host", "fromAddress"}
    r = admin.put(EMAIL, json={**base, "username": "radix@example.com"})
    assert r.status_code == 422 and r.json()["message"] == "请填写邮箱密码（授权码）"
    for bad in ({"port": 70000}, {"fromAddress": "not-an-email"}, {"host": "smtp example.com"},
                {"security": "tls13"}, {"timeoutSeconds": 0}):
        r = admin.put(EMAIL, json={**base, **bad})
        assert r.status_code == 422, (bad, r.text)
    saved = admin.ok("PUT", EMAIL, json={**base, "username": "radix@example.com", "password": "auth-code",
                                          "fromName": "Radix 影像平台"})
    assert saved["passwordSet"] is True and "password" not in saved and saved["fromName"] == "Radix 影像平台"
    # a blank password keeps the stored one (and satisfies the username rule)
    again = admin.ok("PUT", EMAIL, json={**base, "username": "radix@example.com", "password": None, "port": 587,
                                          "security": "starttls"})
    assert again["passwordSet"] is True and again["port"] == 587 and again["security"] == "starttls"


def test_settings_descriptor_marks_secrets_as_password_fields(new_tenant):
    _, admin = new_tenant()
    desc = admin.ok("GET", "/api/v1/meta/settings/sms_setting")
    fields = {f["name"]: f for f in desc["fields"]}
    assert fields["accessKeySecret"]["widget"] == "password"
    assert fields["provider"]["required"] is True
    assert {o["value"] for o in fields["provider"]["options"]} == {"aliyun", "local"}
    desc = admin.ok("GET", "/api/v1/meta/settings/email_setting")
    assert {f["name"] for f in desc["fields"]} >= {"host", "port", "security", "username", "password", "fromAddress"}


def test_member_inherits_the_regions_settings_until_it_saves_its_own(sysadmin, new_tenant):
    region, region_admin = new_tenant(kind="regional")
    member, member_admin = new_tenant(kind="normal", parent_id=region["id"])
    assert member_admin.ok("GET", f"{SMS}/effective")["sourceTenantId"] != region["id"]
    region_admin.ok("PUT", SMS, json=ALIYUN)
    eff = member_admin.ok("GET", f"{SMS}/effective")
    assert eff["provider"] == "aliyun" and eff["inherited"] is True and eff["sourceTenantId"] == region["id"]
    assert eff["sourceTenantName"] == region["name"]
    # the region's administrator edits the member's own page with ?tenantId=
    region_admin.ok("PUT", f"{SMS}?tenantId={member['id']}", json={"provider": "local"})
    eff = member_admin.ok("GET", f"{SMS}/effective")
    assert eff["provider"] == "local" and eff["inherited"] is False and eff["sourceTenantId"] == member["id"]
    assert member_admin.ok("GET", SMS)["saved"] is True
    # a member cannot read its region's page
    r = member_admin.get(f"{SMS}?tenantId={region['id']}")
    assert r.status_code == 404


def test_settings_need_their_permissions(login_as):
    doctor = login_as("demo-a", "doctor")
    for url in (SMS, EMAIL, f"{SMS}/effective"):
        r = doctor.get(url)
        assert r.status_code == 403 and r.json()["code"] == "FORBIDDEN"
    r = doctor.put(SMS, json={"provider": "local"})
    assert r.status_code == 403
    r = doctor.post(f"{SMS}/test", json={"phone": "13800000000", "templateId": 1})
    assert r.status_code == 403
