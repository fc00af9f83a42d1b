"""短信模板 (manual 1 §6.7.2) and 邮件模板 (§6.8.2): query, add, edit, delete, export."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.conftest import unique

SMS = "/api/v1/platform/sms/templates"
EMAIL = "/api/v1/platform/email/templates"


def sms_body(**over):
    body = {"name": "登录验证码", "code": unique("SMS_"), "content": "您的验证码为${code}，${minutes}分钟内有效。",
            "status": "enabled"}
    body.update(over)
    return body


def test_sms_template_add_query_edit_delete(new_tenant):
    _, admin = new_tenant()
    first = admin.ok("POST", SMS, status=201, json=sms_body(name="报告通知", content="${name}您好，报告已出"))
    second = admin.ok("POST", SMS, status=201, json=sms_body(name="预约提醒", status="disabled"))
    assert second["variables"] == ["code", "minutes"] and first["variables"] == ["name"]
    assert second["tenantName"] and second["createdBy"] == "admin"
    # newest first by default
    items = admin.ok("GET", SMS)["items"]
    assert [i["id"] for i in items[:2]] == [second["id"], first["id"]]
    # 模板名称 (fuzzy), 模板 code, 状态
    assert [i["id"] for i in admin.ok("GET", SMS, params={"name": "报告"})["items"]] == [first["id"]]
    assert [i["id"] for i in admin.ok("GET", SMS, params={"code": second["code"]})["items"]] == [second["id"]]
    assert [i["id"] for i in admin.ok("GET", SMS, params={"status": "disabled"})["items"]] == [second["id"]]
    assert admin.ok("GET", SMS, params={"sort": "name"})["items"][0]["name"] == "报告通知"
    edited = admin.ok("PATCH", f"{SMS}/{first['id']}", json={"content": "${patient}您好", "status": "disabled"})
    assert edited["variables"] == ["patient"] and edited["status"] == "disabled" and edited["name"] == "报告通知"
    admin.ok("DELETE", f"{SMS}/{first['id']}", status=204)
    assert admin.get(f"{SMS}/{first['id']}").status_code == 404
    assert admin.ok("POST", f"{SMS}/batch-delete", json={"ids": [second["id"]]})["deleted"] == 1
    assert admin.ok("GET", SMS)["total"] == 0


def test_template_validation_messages(new_tenant):
    _, admin = new_tenant()
    r = admin.post(SMS, json={"name": "", "code": "", "content": ""})
    assert r.status_code == 422
    assert {f["field"] for f in r.json()["fields"]} >= {"name", "code", "content"}
    r = admin.post(SMS, json=sms_body(code="SMS 1"))
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "code"
    r = admin.post(SMS, json=sms_body(content="x" * 501))
    assert r.status_code == 422 and "500" in r.json()["fields"][0]["message"]
    r = admin.post(SMS, json=sms_body(scene="no_such_scene"))
    assert r.status_code == 422 and r.json()["fields"][0]["message"] == "业务场景不存在，请从可选项中选择"
    r = admin.post(SMS, json=sms_body(name="换行\n名称"))
    assert r.status_code == 422 and "换行" in r.json()["fields"][0]["message"]
    # an email template needs a subject
    r = admin.post(EMAIL, json={"name": "报告通知", "code": "report", "content": "<p>${name}</p>"})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "subject"


def test_code_is_unique_per_tenant_and_channel(new_tenant):
    _, admin = new_tenant()
    _, other = new_tenant()
    body = sms_body()
    admin.ok("POST", SMS, status=201, json=body)
    r = admin.post(SMS, json=body)
    assert r.status_code == 409 and r.json()["code"] == "DUPLICATE" and r.json()["message"] == "模板code已存在"
    # the same code is fine in another tenant and for an email template
    other.ok("POST", SMS, status=201, json=body)
    admin.ok("POST", EMAIL, status=201, json={"name": "同code邮件", "code": body["code"], "subject": "主题",
                                              "content": "<p>正文</p>"})
    # and renaming onto an existing code is refused too
    another = admin.ok("POST", SMS, status=201, json=sms_body())
    r = admin.patch(f"{SMS}/{another['id']}", json={"code": body["code"]})
    assert r.status_code == 409 and r.json()["message"] == "模板code已存在"


def test_one_enabled_template_per_scene(new_tenant):
    _, admin = new_tenant()
    first = admin.ok("POST", SMS, status=201, json=sms_body(name="验证码一", scene="verify_code"))
    r = admin.post(SMS, json=sms_body(name="验证码二", scene="verify_code"))
    assert r.status_code == 409 and r.json()["code"] == "SCENE_TAKEN"
    assert "验证码一" in r.json()["message"]
    second = admin.ok("POST", SMS, status=201, json=sms_body(name="验证码二", scene="verify_code", status="disabled"))
    r = admin.patch(f"{SMS}/{second['id']}", json={"status": "enabled"})
    assert r.status_code == 409 and r.json()["code"] == "SCENE_TAKEN"
    admin.ok("PATCH", f"{SMS}/{first['id']}", json={"status": "disabled"})
    assert admin.ok("PATCH", f"{SMS}/{second['id']}", json={"status": "enabled"})["status"] == "enabled"
    assert [i["id"] for i in admin.ok("GET", SMS, params={"scene": "verify_code", "status": "enabled"})["items"]] == [
        second["id"]]
    # the email channel has its own scenes
    admin.ok("POST", EMAIL, status=201, json={"name": "邮件验证码", "code": "verify", "scene": "verify_code",
                                              "subject": "验证码", "content": "<p>${code}</p>"})


def test_sms_and_email_templates_are_separate_lists(new_tenant):
    _, admin = new_tenant()
    sms = admin.ok("POST", SMS, status=201, json=sms_body())
    mail = admin.ok("POST", EMAIL, status=201, json={"name": "报告邮件", "code": "report_mail",
                                                     "subject": "${name}的检查报告", "content": "<p>${name}您好</p>"})
    assert mail["subject"] == "${name}的检查报告" and mail["variables"] == ["name"]
    assert [i["id"] for i in admin.ok("GET", SMS)["items"]] == [sms["id"]]
    assert [i["id"] for i in admin.ok("GET", EMAIL)["items"]] == [mail["id"]]
    assert admin.get(f"{EMAIL}/{sms['id']}").status_code == 404
    assert admin.get(f"{SMS}/{mail['id']}").status_code == 404
    assert admin.delete(f"{SMS}/{mail['id']}").status_code == 404


def test_templates_do_not_cross_tenants(new_tenant):
    _, admin = new_tenant()
    _, other = new_tenant()
    mine = admin.ok("POST", SMS, status=201, json=sms_body())
    assert other.get(f"{SMS}/{mine['id']}").status_code == 404
    assert other.patch(f"{SMS}/{mine['id']}", json={"name": "改名字"}).status_code == 404
    assert mine["id"] not in [i["id"] for i in other.ok("GET", SMS, params={"pageSize": 200})["items"]]


def test_template_export_has_chinese_headers(new_tenant):
    _, admin = new_tenant()
    admin.ok("POST", SMS, status=201, json=sms_body(name="导出模板"))
    r = admin.get(f"{SMS}/export")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert "模板名称" in rows[0] and "模板code" in rows[0] and "状态" in rows[0]
    assert rows[1][rows[0].index("模板名称")] == "导出模板"
    assert rows[1][rows[0].index("状态")] == "启用"


def test_template_permissions_and_descriptor(login_as, new_tenant):
    doctor = login_as("demo-a", "doctor")
    assert doctor.get(SMS).status_code == 403
    assert doctor.post(SMS, json=sms_body()).status_code == 403
    _, admin = new_tenant()
    desc = admin.ok("GET", "/api/v1/meta/resources/sms_template")
    assert [f["name"] for f in desc["filters"]][:3] == ["tenantId", "name", "code"]
    assert desc["defaultSort"] == "-createdAt"
    assert set(desc["permissions"]) == {f"platform:sms_template:{a}" for a in
                                        ("list", "query", "add", "edit", "remove", "export")}
    scenes = {o["value"]: o for o in admin.ok("GET", "/api/v1/meta/dicts/notify_scene")}
    assert scenes["verify_code"]["label"] == "验证码" and "code" in scenes["verify_code"]["params"]
