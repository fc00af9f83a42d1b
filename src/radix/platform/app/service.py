"""Apps and tenants' subscriptions (应用管理, manual 4 §8.1.1.5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from radix.core.clock import today
from radix.core.errors import Forbidden, Invalid, NotFound
from radix.platform.app.models import App, AppStatus, BillingMode, TenantApp, subscription_status

BUILTIN_APPS: list[dict[str, Any]] = [
    {"code": "platform", "name": "基础平台", "name_en": "Platform", "icon": "Setting", "is_base": True,
     "description": "账号、角色、机构、日志、消息、数据维护等基础配置"},
    {"code": "idata", "name": "影像数据治理", "name_en": "iData", "icon": "DataAnalysis",
     "description": "元数据、采集、标准、清洗、质量、安全、归档与数据资产"},
    {"code": "ris", "name": "放射信息系统", "name_en": "RIS & Viewer", "icon": "Monitor",
     "description": "登记、排队叫号、诊断报告与审核、影像浏览"},
    {"code": "cloud", "name": "云影像服务", "name_en": "Cloud imaging", "icon": "Cloudy",
     "description": "预约、远程会诊、患者与医生 H5、支付与统计"},
    {"code": "ai", "name": "AI辅助诊断", "name_en": "AI platform", "icon": "Cpu",
     "description": "按 DICOM 标签规则分发 AI 算法、队列、结果回传与监控"},
    {"code": "ops", "name": "运营分析", "name_en": "Operations", "icon": "TrendCharts",
     "description": "收入、能力评分、工作量、绩效、控费与阳性率"},
]


def sync_builtin(session: Session) -> None:
    have = set(session.scalars(sa.select(App.code)))
    for sort, spec in enumerate(BUILTIN_APPS, start=1):
        if spec["code"] not in have:
            session.add(App(sort=sort, **spec))
    session.flush()


def apps(session: Session) -> list[App]:
    return list(session.scalars(sa.select(App).order_by(App.sort, App.id)))


def subscriptions(session: Session, tenant_id: int) -> dict[str, TenantApp]:
    return {s.app_code: s for s in session.scalars(sa.select(TenantApp).where(TenantApp.tenant_id == tenant_id))}


def valid_app_codes(session: Session, tenant_id: int, on: dt.date | None = None) -> set[str]:
    on = on or today()
    return {code for code, sub in subscriptions(session, tenant_id).items() if sub.is_valid(on)}


def app_cards(session: Session, tenant_id: int) -> list[dict[str, Any]]:
    on = today()
    subs = subscriptions(session, tenant_id)
    cards = []
    for app in apps(session):
        sub = subs.get(app.code)
        status = sub.status(on) if sub else AppStatus.NOT_OPENED
        cards.append(
            {
                "code": app.code,
                "name": app.name,
                "nameEn": app.name_en,
                "description": app.description,
                "icon": app.icon,
                "isBase": app.is_base,
                "opened": sub is not None,
                "status": status.value,
                "statusLabel": status.zh,
                "billingMode": sub.billing_mode.value if sub else None,
                "validFrom": sub.valid_from.isoformat() if sub else None,
                "validUntil": sub.valid_until.isoformat() if sub and sub.valid_until else None,
                "daysLeft": (sub.valid_until - on).days if sub and sub.valid_until else None,
                "config": sub.config if sub else {},
                "remark": sub.remark if sub else None,
            }
        )
    return cards


def open_app(
    session: Session,
    *,
    tenant_id: int,
    app_code: str,
    billing_mode: BillingMode,
    valid_from: dt.date,
    valid_until: dt.date | None,
    config: dict[str, Any] | None,
    remark: str | None,
    granter_tenant_id: int | None,
    granter_is_platform: bool,
) -> TenantApp:
    """Open or renew an app. A regional administrator may only open what its own tenant holds
    and only within its own validity."""
    app = session.scalar(sa.select(App).where(App.code == app_code))
    if app is None:
        raise NotFound("应用不存在")
    if valid_until is not None and valid_until < valid_from:
        raise Invalid.field("validUntil", "有效期结束日期不能早于开始日期")
    if billing_mode not in (BillingMode.PERPETUAL, BillingMode.FREE) and valid_until is None:
        raise Invalid.field("validUntil", "请选择有效期结束日期")
    if not granter_is_platform and granter_tenant_id is not None and granter_tenant_id != tenant_id:
        own = subscriptions(session, granter_tenant_id).get(app_code)
        if own is None or not own.is_valid(today()):
            raise Forbidden("本机构未开通该应用，不能为下级租户开通", code="GRANT_OUT_OF_SCOPE")
        if own.valid_until is not None and (valid_until is None or valid_until > own.valid_until):
            raise Invalid.field("validUntil", f"有效期不能超过本机构的有效期（{own.valid_until.isoformat()}）")
    sub = subscriptions(session, tenant_id).get(app_code)
    if sub is None:
        sub = TenantApp(tenant_id=tenant_id, app_code=app_code, billing_mode=billing_mode, valid_from=valid_from)
        session.add(sub)
    sub.billing_mode = billing_mode
    sub.valid_from = valid_from
    sub.valid_until = valid_until
    if config is not None:
        sub.config = config
    sub.remark = remark
    session.flush()
    return sub


def status_of(sub: TenantApp | None) -> AppStatus:
    return sub.status(today()) if sub else AppStatus.NOT_OPENED


__all__ = ["subscription_status"]
