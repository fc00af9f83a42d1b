"""平台设置: site name, logo, login page texts and the two agreements (per tenant, platform's as default)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from radix.core.tenancy import SYSTEM, scoped
from radix.platform.settings.models import PlatformSetting
from radix.platform.tenant import service as tenant_service

DEFAULT_PRIVACY = (
    "Radix 隐私政策\n\n我们仅为提供影像诊疗与数据管理服务而收集、使用您的账号信息（姓名、手机号、所属机构）"
    "以及操作日志；患者影像与报告数据属于医疗机构，按机构授权处理，未经授权不向第三方提供。"
    "您可以联系机构管理员查询、更正您的个人信息。"
)
DEFAULT_AGREEMENT = (
    "Radix 用户协议\n\n本平台账号由所在机构的管理员创建并授权，不支持自主注册。请妥善保管账号和密码，"
    "不得将账号转借他人；您在平台中的操作将被记录。使用本平台即表示您同意遵守所在机构的信息安全管理规定。"
)


def defaults() -> dict[str, Any]:
    return {
        "site_name": "Radix 影像平台",
        "site_name_en": "Radix Imaging Platform",
        "logo": None,
        "login_title": "Radix 影像平台",
        "login_subtitle": "影像数据治理 · 放射信息系统 · 云影像 · AI · 运营分析",
        "login_notice": None,
        "copyright": "© Radix",
        "icp": None,
        "privacy_policy": DEFAULT_PRIVACY,
        "user_agreement": DEFAULT_AGREEMENT,
    }


def row_for(session: Session, tenant_id: int) -> PlatformSetting | None:
    with scoped(session, SYSTEM):
        return session.scalar(sa.select(PlatformSetting).where(PlatformSetting.tenant_id == tenant_id))


def effective(session: Session, tenant_id: int | None) -> dict[str, Any]:
    values = defaults()
    platform = tenant_service.get_platform(session)
    for tid in [platform.id if platform else None, tenant_id]:
        if tid is None:
            continue
        row = row_for(session, tid)
        if row is not None:
            for key in values:
                value = getattr(row, key)
                if value not in (None, ""):
                    values[key] = value
    return values


def public_site(session: Session, tid: str | None) -> dict[str, Any]:
    tenant = tenant_service.find_for_login(session, tid) if tid else None
    values = effective(session, tenant.id if tenant else None)
    out = {
        "siteName": values["site_name"],
        "siteNameEn": values["site_name_en"],
        "logo": values["logo"],
        "loginTitle": values["login_title"],
        "loginSubtitle": values["login_subtitle"],
        "loginNotice": values["login_notice"],
        "copyright": values["copyright"],
        "icp": values["icp"],
        "privacyPolicy": values["privacy_policy"],
        "userAgreement": values["user_agreement"],
        "tenant": None,
    }
    if tenant is not None:
        out["tenant"] = {"id": tenant.id, "code": tenant.code, "name": tenant.name, "shortName": tenant.short_name}
    return out
