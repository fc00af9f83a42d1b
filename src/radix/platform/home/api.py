"""首页: the counts an administrator wants at a glance (accounts, roles, apps and their expiry, logins)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter
from sqlalchemy.orm import Session

from radix.core import clock
from radix.core.db import utcnow
from radix.core.schemas import Status
from radix.core.security import Principal, current_principal, get_session, require
from radix.platform.account.models import Account
from radix.platform.app import service as app_service
from radix.platform.log.models import LoginLog
from radix.platform.role.models import Role
from radix.platform.tenant.models import Tenant, TenantKind

router = APIRouter(prefix="/platform/home", tags=["首页"])


@router.get("", dependencies=[require("platform:home:view")], summary="首页统计")
def home(session: Session = get_session, principal: Principal = current_principal) -> dict[str, Any]:
    accounts = dict(session.execute(sa.select(Account.status, sa.func.count()).group_by(Account.status)).all())
    roles = session.scalar(sa.select(sa.func.count()).select_from(Role)) or 0
    tenants = dict(session.execute(sa.select(Tenant.kind, sa.func.count()).group_by(Tenant.kind)).all())
    since = utcnow() - dt.timedelta(days=7)
    logins = session.execute(
        sa.select(LoginLog.created_at, LoginLog.success).where(LoginLog.created_at >= since)
    ).all()
    days = [(clock.today() - dt.timedelta(days=i)) for i in range(6, -1, -1)]
    trend = {d.isoformat(): {"success": 0, "failure": 0} for d in days}
    for created, success in logins:
        key = clock.local_date(created).isoformat()
        if key in trend:
            trend[key]["success" if success else "failure"] += 1
    recent = session.scalars(
        sa.select(LoginLog).where(LoginLog.success.is_(True)).order_by(LoginLog.created_at.desc(), LoginLog.id.desc()).limit(10)
    ).all()
    return {
        "accounts": {
            "total": sum(accounts.values()),
            "enabled": accounts.get(Status.ENABLED, 0),
            "disabled": accounts.get(Status.DISABLED, 0),
        },
        "roles": roles,
        "tenants": {kind.value: tenants.get(kind, 0) for kind in TenantKind},
        "apps": app_service.app_cards(session, principal.tenant_id),
        "loginTrend": [{"date": k, **v} for k, v in trend.items()],
        "recentLogins": [
            {"username": r.username, "tenantName": r.tenant_name, "ip": r.ip, "browser": r.browser,
             "at": r.created_at.isoformat()}
            for r in recent
        ],
    }


def api_routers() -> list[APIRouter]:
    return [router]
