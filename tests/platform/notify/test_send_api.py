"""发送测试 from the settings pages, through each provider, and what the logs then show
(短信日志 manual 1 §6.7.3, 邮件日志 §6.8.3)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from radix.core import clock
from radix.platform.notify import providers
from radix.platform.notify.models import NotifyLog
from tests.conftest import unique
from tests.platform.notify.helpers import FakeAliyun, SmtpServer, free_port, parse_mail, system_db

SMS = "/api/v1/platform/sms"
EMAIL = "/api/v1/platform/email"
PHONE = "13812345678"


def _sms_template(admin, **over):
    body = {"name": "登录验证码", "code": unique("SMS_"), "content": "您的验证码为${code}，${minutes}分钟内有效。",
            "scene": None, "status": "enabled"}
    body.update(over)
    return admin.ok("POST", f"{SMS}/templates", status=201, json=body)


@pytest.fixture()
def fake_aliyun(monkeypatch):
    fake = FakeAliyun("s3cr3t-Value")
    monkeypatch.setattr(providers, "aliyun_transport", fake.transport)
    return fake


def test_local_sms_test_send_is_logged_with_the_code_masked(new_tenant):
    _, admin = new_tenant()
    template = _sms_template(admin)
    log = admin.ok("POST", f"{SMS}/settings/test", json={"phone": PHONE, "templateId": template["id"],
                                                         "params": {"code": "482913", "minutes": 5}})
    assert log["status"] == "success" and log["provider"] == "local" and log["source"] == "test"
    assert log["recipient"] == "138****5678"
    assert log["content"] == "您的验证码为******，5分钟内有效。"
    assert log["params"] == {"code": "******", "minutes": "5"}
    assert log["providerMessageId"].startswith("local-")
    listed = admin.ok("GET", f"{SMS}/logs")["items"]
    assert [i["id"] for i in listed] == [log["id"]]
    assert "482913" not in json.dumps(admin.ok("GET", f"{SMS}/logs/{log['id']}"))
    with system_db() as s:
        row = s.get(NotifyLog, log["id"])
        assert row.payload is None and row.sent_at is not None and row.recipient == PHONE


def test_test_send_checks_its_input(new_tenant):
    _, admin = new_tenant()
    template = _sms_template(admin)
    r = admin.post(f"{SMS}/settings/test", json={"phone": PHONE, "templateId": template["id"], "params": {"code": "1"}})
    assert r.status_code == 422 and r.json()["code"] == "TEMPLATE_PARAMS_MISSING"
    assert r.json()["message"] == "缺少模板参数：minutes"
    r = admin.post(f"{SMS}/settings/test", json={"phone": "1381234", "templateId": template["id"]})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "phone"
    r = admin.post(f"{SMS}/settings/test", json={"phone": PHONE, "templateId": template["id"],
                                                 "params": {"code": {"nested": 1}, "minutes": "5"}})
    assert r.status_code == 422 and "应为文本" in r.json()["message"]
    r = admin.post(f"{SMS}/settings/test", json={"phone": PHONE, "templateId": template["id"],
                                                 "params": {"code": "1\x00", "minutes": "5"}})
    assert r.status_code == 422
    r = admin.post(f"{SMS}/settings/test", json={"phone": PHONE, "templateId": 2**40})
    assert r.status_code == 404 and r.json()["message"] == "短信模板不存在或已被删除"
    # nothing was logged by the refused attempts
    assert admin.ok("GET", f"{SMS}/logs")["total"] == 0


def test_aliyun_test_send_signs_the_request_and_records_the_biz_id(new_tenant, fake_aliyun):
    _, admin = new_tenant()
    admin.ok("PUT", f"{SMS}/settings", json={"provider": "aliyun", "accessKeyId": "LTAI5tExample",
                                              "accessKeySecret": "s3cr3t-Value", "signName": "演示医院"})
    template = _sms_template(admin, code="SMS_154950909")
    log = admin.ok("POST", f"{SMS}/settings/test", json={"phone": PHONE, "templateId": template["id"],
                                                         "params": {"code": "482913", "minutes": "5"}})
    assert log["status"] == "success" and log["provider"] == "aliyun"
    assert log["providerMessageId"] == "900619746936498440^0"
    sent = fake_aliyun.requests[-1]
    assert sent["_scheme"] == "https" and sent["_host"] == "dysmsapi.aliyuncs.com"
    assert sent["Action"] == "SendSms" and sent["Version"] == "2017-05-25" and sent["Format"] == "JSON"
    assert sent["AccessKeyId"] == "LTAI5tExample" and sent["SignName"] == "演示医院"
    assert sent["PhoneNumbers"] == PHONE and sent["TemplateCode"] == "SMS_154950909"
    # the provider gets the real code; only the log masks it
    assert json.loads(sent["TemplateParam"]) == {"code": "482913", "minutes": "5"}
    assert sent["OutId"] == str(log["id"])


def test_aliyun_refusal_answers_502_and_keeps_the_failed_log(new_tenant, monkeypatch):
    fake = FakeAliyun("s3cr3t-Value", answer={"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控"})
    monkeypatch.setattr(providers, "aliyun_transport", fake.transport)
    _, admin = new_tenant()
    admin.ok("PUT", f"{SMS}/settings", json={"provider": "aliyun", "accessKeyId": "LTAI5tExample",
                                              "accessKeySecret": "s3cr3t-Value", "signName": "演示医院"})
    template = _sms_template(admin)
    r = admin.post(f"{SMS}/settings/test", json={"phone": PHONE, "templateId": template["id"],
                                                 "params": {"code": "1", "minutes": "5"}})
    assert r.status_code == 502, r.text
    body = r.json()
    assert body["code"] == "SEND_FAILED"
    assert body["message"] == "发送失败：触发阿里云发送频率限制，请稍后再试（isv.BUSINESS_LIMIT_CONTROL）"
    failed = admin.ok("GET", f"{SMS}/logs", params={"status": "failed"})["items"]
    assert [i["id"] for i in failed] == [body["log"]["id"]]
    assert failed[0]["error"].startswith("触发阿里云发送频率限制")
    assert admin.ok("GET", f"{SMS}/logs", params={"status": "success"})["total"] == 0
    # a wrong secret is reported as such (the fake checks the signature)
    admin.ok("PUT", f"{SMS}/settings", json={"provider": "aliyun", "accessKeyId": "LTAI5tExample",
                                              "accessKeySecret": "wrong", "signName": "演示医院"})
    r = admin.post(f"{SMS}/settings/test", json={"phone": PHONE, "templateId": template["id"],
                                                 "params": {"code": "1", "minutes": "5"}})
    assert r.status_code == 502 and "AccessKey Secret 不正确" in r.json()["message"]


def test_smtp_test_send_reaches_a_real_server(new_tenant):
    _, admin = new_tenant()
    with SmtpServer() as server:
        admin.ok("PUT", f"{EMAIL}/settings", json={
            "provider": "smtp", "host": "127.0.0.1", "port": server.port, "security": "none",
            "username": "mailer@example.com", "password": "secret-code", "fromAddress": "radix@example.com",
            "fromName": "Radix 影像平台"})
        template = admin.ok("POST", f"{EMAIL}/templates", status=201, json={
            "name": "报告通知", "code": unique("report"), "subject": "${name}的检查报告已出",
            "content": "<p>${name}您好：</p><p>您的${exam}报告已出。</p>"})
        log = admin.ok("POST", f"{EMAIL}/settings/test", json={
            "to": "patient@example.com", "templateId": template["id"],
            "params": {"name": "张三<script>", "exam": "CT"}})
        assert log["status"] == "success" and log["provider"] == "smtp"
        assert log["subject"] == "张三<script>的检查报告已出" and log["recipient"] == "patient@example.com"
        assert len(server.messages) == 1
        received = server.messages[0]
        assert received["from"] == "radix@example.com" and received["to"] == ["patient@example.com"]
        mail = parse_mail(received["data"])
        assert mail["Subject"] == "张三<script>的检查报告已出"
        html = mail.get_body(("html",)).get_content()
        # parameter values are escaped in the HTML body
        assert "张三&lt;script&gt;您好" in html and "<script>" not in html
        assert "CT报告已出" in mail.get_body(("plain",)).get_content()
        assert mail["Message-ID"] == log["providerMessageId"]

        # the fixed test mail needs no template
        plain = admin.ok("POST", f"{EMAIL}/settings/test", json={"to": "it@example.com"})
        assert plain["status"] == "success" and plain["templateName"] == "测试邮件"
        assert parse_mail(server.messages[1]["data"])["Subject"] == "Radix 邮件设置测试"

        # a wrong password is the server's refusal, told in Chinese
        admin.ok("PUT", f"{EMAIL}/settings", json={
            "provider": "smtp", "host": "127.0.0.1", "port": server.port, "security": "none",
            "username": "mailer@example.com", "password": "wrong", "fromAddress": "radix@example.com"})
        r = admin.post(f"{EMAIL}/settings/test", json={"to": "it@example.com"})
        assert r.status_code == 502 and r.json()["message"] == "发送失败：邮件服务器认证失败，请检查账号和密码（授权码）"
        assert len(server.messages) == 2


def test_unreachable_smtp_server_is_a_failed_log(new_tenant):
    _, admin = new_tenant()
    port = free_port()  # nothing listens there
    admin.ok("PUT", f"{EMAIL}/settings", json={"provider": "smtp", "host": "127.0.0.1", "port": port,
                                                "security": "none", "fromAddress": "radix@example.com",
                                                "timeoutSeconds": 2})
    r = admin.post(f"{EMAIL}/settings/test", json={"to": "it@example.com"})
    assert r.status_code == 502 and r.json()["message"].startswith(f"发送失败：无法连接邮件服务器（127.0.0.1:{port}）")
    logs = admin.ok("GET", f"{EMAIL}/logs")["items"]
    assert logs[0]["status"] == "failed" and logs[0]["provider"] == "smtp"
    # the failed attempt is in the operation log as a failed 发送
    from radix.platform.log.models import OperationLog

    with system_db() as s:
        op = s.scalars(sa.select(OperationLog).where(OperationLog.path == "/api/v1/platform/email/settings/test")
                       .order_by(OperationLog.id.desc())).first()
        assert op.action == "SEND" and op.status_code == 502 and op.success is False
        assert op.error_code == "SEND_FAILED" and op.target_id == str(logs[0]["id"])


def test_logs_default_to_the_last_seven_days_and_filter(new_tenant):
    _, admin = new_tenant()
    template = _sms_template(admin, name="预约提醒", content="${name}您好，您已预约${exam}")
    other = _sms_template(admin, name="报告通知", content="${name}您好，报告已出")
    ids = []
    for t, params in ((template, {"name": "张三", "exam": "CT"}), (other, {"name": "李四"})):
        ids.append(admin.ok("POST", f"{SMS}/settings/test", json={"phone": PHONE, "templateId": t["id"],
                                                                  "params": params})["id"])
    old = admin.ok("POST", f"{SMS}/settings/test", json={"phone": "13900000000", "templateId": other["id"],
                                                         "params": {"name": "王五"}})["id"]
    with system_db() as s:
        s.execute(sa.update(NotifyLog).where(NotifyLog.id == old)
                  .values(created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=20)))
    listed = admin.ok("GET", f"{SMS}/logs")
    assert [i["id"] for i in listed["items"]] == [ids[1], ids[0]] and listed["total"] == 2
    month = (clock.today() - dt.timedelta(days=30)).isoformat()
    assert admin.ok("GET", f"{SMS}/logs", params={"createdAtFrom": month})["total"] == 3
    assert [i["id"] for i in admin.ok("GET", f"{SMS}/logs", params={"templateName": "预约"})["items"]] == [ids[0]]
    assert admin.ok("GET", f"{SMS}/logs", params={"recipient": "13900000000", "createdAtFrom": month})["total"] == 1
    r = admin.get(f"{SMS}/logs", params={"createdAtFrom": "yesterday"})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "createdAtFrom"
    r = admin.get(f"{SMS}/logs", params={"status": "sent"})
    assert r.status_code == 422
    export = admin.get(f"{SMS}/logs/export", params={"createdAtFrom": month})
    assert export.status_code == 200 and export.content[:2] == b"PK"
    # logs are append-only
    assert admin.delete(f"{SMS}/logs/{ids[0]}").status_code == 405
    desc = admin.ok("GET", "/api/v1/meta/resources/sms_log")
    created = next(f for f in desc["filters"] if f["name"] == "createdAt")
    assert created["defaultDays"] == 7 and created["label"]["zh"] == "选择时间"
    assert set(desc["permissions"]) == {"platform:sms_log:list", "platform:sms_log:query", "platform:sms_log:export"}


def test_regional_admin_sees_member_logs_but_members_do_not_see_each_other(new_tenant):
    region, region_admin = new_tenant(kind="regional")
    member, member_admin = new_tenant(kind="normal", parent_id=region["id"])
    _, stranger = new_tenant()
    template = _sms_template(member_admin, content="${name}您好")
    log = member_admin.ok("POST", f"{SMS}/settings/test", json={"phone": PHONE, "templateId": template["id"],
                                                                "params": {"name": "张三"}})
    seen = region_admin.ok("GET", f"{SMS}/logs", params={"tenantId": member["id"]})["items"]
    assert [i["id"] for i in seen] == [log["id"]] and seen[0]["tenantName"] == member["name"]
    assert stranger.get(f"{SMS}/logs/{log['id']}").status_code == 404
    assert stranger.ok("GET", f"{SMS}/logs")["total"] == 0


def test_test_send_for_an_unknown_tenant_is_404(sysadmin, new_tenant):
    _, admin = new_tenant()
    template = _sms_template(admin)
    for url in (f"{SMS}/settings/test?tenantId={2**61}", f"{SMS}/settings/effective?tenantId={2**61}"):
        method = "POST" if url.split("?")[0].endswith("/test") else "GET"
        r = sysadmin.request(method, url, json={"phone": PHONE, "templateId": template["id"]})
        assert r.status_code == 404 and r.json()["message"] == "机构不存在", r.text
