"""Tenant operations beyond CRUD: apps (应用管理), menu grant (菜单权限), admin password, status."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Path
from sqlalchemy.orm import Session

from radix.core.audit import audit
from radix.core.errors import Forbidden, NotFound
from radix.core.security import Principal, current_principal, get_session, require
from radix.core.tenancy import SYSTEM, scoped
from radix.platform.account import service as account_service
from radix.platform.account.models import Account
from radix.platform.app import service as app_service
from radix.platform.menu import service as menu_service
from radix.platform.tenant import service
from radix.platform.tenant.models import Tenant
from radix.platform.tenant.resource import resource
from radix.platform.tenant.schemas import AppOpenIn, GrantIn, GrantOut, ResetPasswordIn, StatusIn, TenantRead

router = APIRouter(prefix="/platform/tenants", tags=["租户"])
load_tenant = resource.load


def _subordinate(principal: Principal, tenant: Tenant) -> Tenant:
    """Only a tenant's superiors configure it: never one's own tenant (that would be self-granting)."""
    service.check_can_manage(principal, tenant)
    if tenant.id == principal.tenant_id:
        raise Forbidden("不能修改本机构自己的应用、权限或状态，请联系上级管理员", code="SELF_TENANT")
    return tenant


@router.get("/{id}/apps", dependencies=[require("platform:tenant:app")], summary="租户的应用（已开通/未开通及状态）")
def list_apps(tenant: Tenant = load_tenant, session: Session = get_session) -> list[dict[str, Any]]:
    return app_service.app_cards(session, tenant.id)


@router.put(
    "/{id}/apps/{code}",
    dependencies=[require("platform:tenant:app"), audit("GRANT", "应用管理")],
    summary="开通或续期应用",
)
def open_app(
    data: AppOpenIn,
    code: str = Path(max_length=32, pattern=r"^[a-z0-9_]+$"),
    tenant: Tenant = load_tenant,
    session: Session = get_session,
    principal: Principal = current_principal,
) -> dict[str, Any]:
    _subordinate(principal, tenant)
    with scoped(session, SYSTEM):
        app_service.open_app(
            session,
            tenant_id=tenant.id,
            app_code=code,
            billing_mode=data.billing_mode,
            valid_from=data.valid_from,
            valid_until=data.valid_until,
            config=data.config,
            remark=data.remark,
            granter_tenant_id=principal.tenant_id,
            granter_is_platform=principal.is_platform,
        )
        cards = app_service.app_cards(session, tenant.id)
    return next(c for c in cards if c["code"] == code)


@router.get("/{id}/menus", response_model=GrantOut, dependencies=[require("platform:tenant:grant")], summary="租户菜单权限（三态树）")
def get_menus(tenant: Tenant = load_tenant, session: Session = get_session, principal: Principal = current_principal) -> Any:
    bound = service.grant_bound(session, tenant, principal)
    cat = menu_service.catalog(session)
    granted = menu_service.tenant_grant(session, tenant.id)
    checked, half = menu_service.tri_state(cat, granted & bound, bound)
    return {"tree": menu_service.tree(cat, bound), "checked": checked, "halfChecked": half}


@router.put(
    "/{id}/menus",
    response_model=GrantOut,
    dependencies=[require("platform:tenant:grant"), audit("GRANT", "菜单权限")],
    summary="保存租户菜单权限",
)
def put_menus(
    data: GrantIn, tenant: Tenant = load_tenant, session: Session = get_session, principal: Principal = current_principal
) -> Any:
    _subordinate(principal, tenant)
    bound = service.grant_bound(session, tenant, principal)
    cat = menu_service.catalog(session)
    ids = menu_service.expand(cat, data.checked, data.half_checked, bound)
    with scoped(session, SYSTEM):
        menu_service.set_tenant_grant(session, tenant.id, ids, [m.id for m in service.members(session, tenant)])
        granted = menu_service.tenant_grant(session, tenant.id)
    checked, half = menu_service.tri_state(cat, granted, bound)
    return {"tree": menu_service.tree(cat, bound), "checked": checked, "halfChecked": half}


@router.post(
    "/{id}/reset-password",
    dependencies=[require("platform:tenant:resetPwd"), audit("RESET_PASSWORD", "租户")],
    summary="重置租户管理员密码",
)
def reset_password(
    data: ResetPasswordIn, tenant: Tenant = load_tenant, session: Session = get_session, principal: Principal = current_principal
) -> dict[str, str]:
    _subordinate(principal, tenant)
    account_service.check_confirm(data.password, data.confirm_password)
    account_service.check_password(session, tenant.id, data.password)
    with scoped(session, SYSTEM):
        admin = session.scalar(
            sa.select(Account).where(Account.tenant_id == tenant.id, Account.is_admin.is_(True)).order_by(Account.id).limit(1)
        )
        if admin is None:
            raise NotFound("该租户没有管理员账号")
        account_service.set_password(session, admin, data.password)
    return {"code": "OK", "message": f"已重置租户账号 {admin.username} 的密码"}


@router.post(
    "/{id}/status",
    response_model=TenantRead,
    dependencies=[require("platform:tenant:status"), audit("UPDATE", "租户状态")],
    summary="启用或禁用租户",
)
def set_status(
    data: StatusIn, tenant: Tenant = load_tenant, session: Session = get_session, principal: Principal = current_principal
) -> Any:
    _subordinate(principal, tenant)
    with scoped(session, SYSTEM):
        service.set_status(session, principal, tenant, data.status)
    return resource.service.read_many(_ctx(session, principal), [tenant])[0]


def _ctx(session: Session, principal: Principal) -> Any:
    from radix.core.resource import Ctx

    return Ctx(session, principal, None)
