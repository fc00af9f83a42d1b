"""Starter templates for the platform tenant, which every tenant inherits until it adds its own.

The SMS codes are placeholders: 阿里云 assigns the real ``SMS_…`` code when it approves a template,
so an administrator replaces them (the remark says so). Idempotent: inserts what is missing.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from radix.core.schemas import Status
from radix.platform.notify.models import Channel, NotifyTemplate

REPLACE_CODE = "示例模板：请替换为阿里云短信控制台中审核通过的模板CODE"

#: channel, name, code, scene, subject, content, remark
TEMPLATES = [
    (Channel.SMS, "验证码", "SMS_VERIFY_CODE", "verify_code", None,
     "您的验证码为${code}，${minutes}分钟内有效，请勿泄露给他人。", REPLACE_CODE),
    (Channel.SMS, "余额提醒", "SMS_BALANCE_REMIND", "balance_remind", None,
     "${tenantName}的平台账户余额为${balance}元，请及时充值。", REPLACE_CODE),
    (Channel.EMAIL, "验证码", "verify_code", "verify_code", "Radix 验证码",
     "<p>您好：</p><p>您的验证码为 <b>${code}</b>，${minutes}分钟内有效，请勿泄露给他人。</p>", None),
    (Channel.EMAIL, "密码重置通知", "password_reset", "password_reset", "您的 Radix 登录密码已重置",
     "<p>${name}您好：</p><p>您的登录密码已重置为 <b>${password}</b>，请登录后立即修改。</p>", None),
    (Channel.EMAIL, "余额提醒", "balance_remind", "balance_remind", "${tenantName}平台账户余额提醒",
     "<p>您好：</p><p>${tenantName}的平台账户余额为 ${balance} 元，请及时充值，以免影响使用。</p>", None),
]


def seed(session: Session, tenant_id: int) -> int:
    existing = set(session.execute(
        sa.select(NotifyTemplate.channel, NotifyTemplate.code).where(NotifyTemplate.tenant_id == tenant_id)
    ).all())
    taken = set(session.execute(
        sa.select(NotifyTemplate.channel, NotifyTemplate.scene)
        .where(NotifyTemplate.tenant_id == tenant_id, NotifyTemplate.status == Status.ENABLED)
    ).all())
    added = 0
    for channel, name, code, scene, subject, content, remark in TEMPLATES:
        if (channel, code) in existing:
            continue
        # never a second enabled template for a scene the tenant already serves
        status = Status.DISABLED if (channel, scene) in taken else Status.ENABLED
        session.add(NotifyTemplate(tenant_id=tenant_id, channel=channel, name=name, code=code, scene=scene,
                                   subject=subject, content=content, status=status, remark=remark))
        added += 1
    session.flush()
    return added
