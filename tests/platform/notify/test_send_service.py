"""Sending from other domains: ``send_sms`` / ``send_email`` by scene, queued as a job, inherited
settings and templates, and what a failed delivery leaves behind."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from radix.core.errors import Conflict, Invalid
from radix.core.jobs.models import JobRun, JobStatus
from radix.core.tenancy import Scope, set_scope
from radix.platform.notify import providers
from radix.platform.notify import service as notify_service
from radix.platform.notify.models import NotifyLog, SendStatus
from tests.conftest import unique
from tests.platform.notify.helpers import FakeAliyun, system_db

SMS = "/api/v1/platform/sms"
EMAIL = "/api/v1/platform/email"


def _send_sms(tenant_id: int, **kw):
    """Send as code of another domain would, in its own unit of work; returns the log id."""
    from radix.core.db import session_scope

    with session_scope() as s:
        set_scope(s, Scope(tenant_id=tenant_id, visible=frozenset({tenant_id}), actor="test"))
        log = notify_service.send_sms(s, **kw)
        log_id = log.id
        assert log.status == SendStatus.PENDING  # nothing is sent before the caller commits
    return log_id


def _state(log_id: int):
    with system_db() as s:
        log = s.get(NotifyLog, log_id)
        run = s.scalars(sa.select(JobRun).where(JobRun.target_type == "notify_log", JobRun.target_id == str(log_id))).one()
        return log.status, log.error, log.payload, log.content, run.status, run.message, run.name


def test_send_sms_by_scene_is_queued_and_delivered_after_commit(new_tenant):
    tenant, admin = new_tenant()
    admin.ok("POST", f"{SMS}/templates", status=201, json={
        "name": "找回密码验证码", "code": unique("SMS_"), "scene": "verify_code",
        "content": "验证码${code}，${minutes}分钟内有效，请勿泄露。"})
    log_id = _send_sms(tenant["id"], phone="13812345678", scene="verify_code", params={"code": "905521", "minutes": 10})
    status, error, payload, content, run_status, run_message, run_name = _state(log_id)
    assert status == SendStatus.SUCCESS and error is None and payload is None
    assert content == "验证码******，10分钟内有效，请勿泄露。"
    assert run_status == JobStatus.SUCCEEDED and run_message == "发送成功" and run_name == "发送短信"
    log = admin.ok("GET", f"{SMS}/logs/{log_id}")
    assert log["source"] == "business" and log["scene"] == "verify_code" and log["recipient"] == "138****5678"


def test_a_rolled_back_caller_sends_nothing(new_tenant):
    tenant, admin = new_tenant()
    admin.ok("POST", f"{SMS}/templates", status=201, json={
        "name": "通知", "code": unique("SMS_"), "scene": "general", "content": "${content}"})
    from radix.core.db import session_scope

    with pytest.raises(RuntimeError):
        with session_scope() as s:
            set_scope(s, Scope(tenant_id=tenant["id"], visible=frozenset({tenant["id"]}), actor="test"))
            notify_service.send_sms(s, phone="13812345678", scene="general", params={"content": "不会发出"})
            raise RuntimeError("the caller's transaction fails")
    assert admin.ok("GET", f"{SMS}/logs")["total"] == 0


def test_missing_template_or_bad_input_is_refused_in_chinese(new_tenant):
    from radix.core.schemas import Status
    from radix.platform.notify.models import Channel, NotifyTemplate

    tenant, _ = new_tenant()
    # the demo gives the platform starter templates, which every tenant inherits: parameters are checked
    with pytest.raises(Invalid) as exc:
        _send_sms(tenant["id"], phone="13812345678", scene="balance_remind", params={})
    assert exc.value.code == "TEMPLATE_PARAMS_MISSING"
    # with no template for the scene anywhere up the tree, the caller is told where to add one
    with system_db() as s:
        inherited = s.scalars(sa.select(NotifyTemplate).where(
            NotifyTemplate.channel == Channel.SMS, NotifyTemplate.scene == "balance_remind",
            NotifyTemplate.status == Status.ENABLED)).all()
        for t in inherited:
            t.status = Status.DISABLED
        ids = [t.id for t in inherited]
    try:
        with pytest.raises(Conflict) as exc:
            _send_sms(tenant["id"], phone="13812345678", scene="balance_remind", params={})
        assert exc.value.code == "NOTIFY_NOT_CONFIGURED"
        assert exc.value.message == "未找到“余额提醒”场景的启用短信模板，请在 短信管理 > 短信模板 中添加"
    finally:
        with system_db() as s:
            s.execute(sa.update(NotifyTemplate).where(NotifyTemplate.id.in_(ids)).values(status=Status.ENABLED))
    with pytest.raises(Invalid) as exc:
        _send_sms(tenant["id"], phone="12345", scene="verify_code")
    assert exc.value.message == "手机号需要输入11位数字"


def test_member_uses_the_regions_settings_and_templates(new_tenant, monkeypatch):
    fake = FakeAliyun("region-secret")
    monkeypatch.setattr(providers, "aliyun_transport", fake.transport)
    region, region_admin = new_tenant(kind="regional")
    member, member_admin = new_tenant(kind="normal", parent_id=region["id"])
    region_admin.ok("PUT", f"{SMS}/settings", json={"provider": "aliyun", "accessKeyId": "LTAIregion",
                                                     "accessKeySecret": "region-secret", "signName": "区域影像中心",
                                                     "endpoint": "dysmsapi.example.com"})
    region_admin.ok("POST", f"{SMS}/templates", status=201, json={
        "name": "余额提醒", "code": "SMS_100000001", "scene": "balance_remind",
        "content": "${tenantName}账户余额为${balance}元，请及时充值。"})
    log_id = _send_sms(member["id"], phone="13812345678", scene="balance_remind",
                       params={"tenantName": member["name"], "balance": "99.50"})
    sent = fake.requests[-1]
    assert sent["_host"] == "dysmsapi.example.com" and sent["SignName"] == "区域影像中心"
    assert sent["TemplateCode"] == "SMS_100000001" and sent["AccessKeyId"] == "LTAIregion"
    log = member_admin.ok("GET", f"{SMS}/logs/{log_id}")
    assert log["status"] == "success" and log["templateCode"] == "SMS_100000001"
    assert log["content"] == f"{member['name']}账户余额为99.50元，请及时充值。"
    # the member's own template for the scene wins over the region's
    member_admin.ok("POST", f"{SMS}/templates", status=201, json={
        "name": "本院余额提醒", "code": "SMS_200000002", "scene": "balance_remind",
        "content": "余额${balance}元"})
    _send_sms(member["id"], phone="13812345678", scene="balance_remind", params={"balance": "1"})
    assert fake.requests[-1]["TemplateCode"] == "SMS_200000002"


def test_failed_delivery_fails_the_job_and_keeps_the_reason(new_tenant, monkeypatch):
    fake = FakeAliyun("s3cr3t", answer={"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "invalid mobile"})
    monkeypatch.setattr(providers, "aliyun_transport", fake.transport)
    tenant, admin = new_tenant()
    admin.ok("PUT", f"{SMS}/settings", json={"provider": "aliyun", "accessKeyId": "LTAI", "accessKeySecret": "s3cr3t",
                                              "signName": "演示医院"})
    admin.ok("POST", f"{SMS}/templates", status=201, json={
        "name": "通知", "code": "SMS_1", "scene": "general", "content": "${content}"})
    log_id = _send_sms(tenant["id"], phone="13812345678", scene="general", params={"content": "检查已完成"})
    status, error, payload, _, run_status, run_message, _ = _state(log_id)
    assert status == SendStatus.FAILED and error == "手机号码格式不正确（isv.MOBILE_NUMBER_ILLEGAL）"
    assert payload is None
    assert run_status == JobStatus.FAILED and run_message == f"发送失败：{error}"


def test_send_email_by_template_code_with_the_local_provider(new_tenant):
    tenant, admin = new_tenant()
    admin.ok("POST", f"{EMAIL}/templates", status=201, json={
        "name": "密码重置", "code": "pwd_reset", "scene": "password_reset", "subject": "${name}，您的密码已重置",
        "content": "<p>${name}您好，新密码为 ${password}</p>"})
    from radix.core.db import session_scope

    with session_scope() as s:
        set_scope(s, Scope(tenant_id=tenant["id"], visible=frozenset({tenant["id"]}), actor="test"))
        log_id = notify_service.send_email(s, to="doctor@example.com", template_code="pwd_reset",
                                           params={"name": "张医生", "password": "Xy12345678"}).id
        with pytest.raises(Invalid):
            notify_service.send_email(s, to="not an email", template_code="pwd_reset", params={})
    log = admin.ok("GET", f"{EMAIL}/logs/{log_id}")
    assert log["status"] == "success" and log["provider"] == "local"
    assert log["subject"] == "张医生，您的密码已重置"
    assert log["content"] == "<p>张医生您好，新密码为 ******</p>" and "Xy12345678" not in str(log)


def test_starter_templates_seed_once_and_serve_their_scenes(new_tenant):
    from radix.platform.notify import demo

    tenant, admin = new_tenant()
    admin.ok("POST", f"{EMAIL}/templates", status=201, json={
        "name": "本院验证码", "code": "own_code", "scene": "verify_code", "subject": "验证码",
        "content": "<p>${code}</p>"})
    with system_db() as s:
        assert demo.seed(s, tenant["id"]) == len(demo.TEMPLATES)
    with system_db() as s:
        assert demo.seed(s, tenant["id"]) == 0
    mails = {t["code"]: t for t in admin.ok("GET", f"{EMAIL}/templates", params={"pageSize": 50})["items"]}
    # the tenant's own enabled verify_code template stays the one in use
    assert mails["verify_code"]["status"] == "disabled" and mails["own_code"]["status"] == "enabled"
    assert mails["password_reset"]["status"] == "enabled"
    log_id = _send_sms(tenant["id"], phone="13812345678", scene="verify_code", params={"code": "1234", "minutes": 5})
    log = admin.ok("GET", f"{SMS}/logs/{log_id}")
    assert log["templateCode"] == "SMS_VERIFY_CODE" and log["status"] == "success"
    assert log["content"] == "您的验证码为******，5分钟内有效，请勿泄露给他人。"
