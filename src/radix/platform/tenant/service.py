"""Tenants: the hierarchy (platform → regional → normal), scopes, creation with its defaults."""

from __future__ import annotations

import secrets
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from radix.core import clock, events
from radix.core.db import escape_like
from radix.core.errors import Conflict, Forbidden, Invalid, NotFound
from radix.core.schemas import Status
from radix.core.security import Principal
from radix.core.tenancy import SYSTEM, Scope, scoped
from radix.platform.app import service as app_service
from radix.platform.app.models import BillingMode
from radix.platform.menu import seed
from radix.platform.menu import service as menu_service
from radix.platform.tenant.models import Tenant, TenantKind

PLATFORM_CODE = "platform"


def visible_ids(session: Session, tenant: Tenant) -> frozenset[int] | None:
    """What a tenant's users see: everything (platform), itself and its members (regional), itself."""
    if tenant.kind == TenantKind.PLATFORM:
        return None
    if tenant.kind == TenantKind.REGIONAL:
        with scoped(session, SYSTEM):
            ids = session.scalars(
                sa.select(Tenant.id).where(Tenant.path.like(escape_like(tenant.path) + "%", escape="\\"))
            ).all()
        return frozenset(ids) | {tenant.id}
    return frozenset({tenant.id})


def scope_for(session: Session, tenant: Tenant, *, actor: str | None, account_id: int | None) -> Scope:
    return Scope(tenant_id=tenant.id, visible=visible_ids(session, tenant), actor=actor, account_id=account_id)


def resolver(tenant_id: int) -> tuple[bool, frozenset[int]]:
    """For the job engine: (is platform, visible ids) of a tenant."""
    from radix.core.db import session_scope

    with session_scope(commit=False) as s, scoped(s, SYSTEM):
        tenant = s.get(Tenant, tenant_id)
        if tenant is None:
            return False, frozenset()
        ids = visible_ids(s, tenant)
    return ids is None, ids or frozenset()


def find_for_login(session: Session, text: str) -> Tenant | None:
    """A tenant by code, name or id (the login form's 账号 field and the ``tid`` of a login URL)."""
    text = (text or "").strip()
    if not text:
        return None
    with scoped(session, SYSTEM):
        cond = [Tenant.code == text, Tenant.name == text, Tenant.short_name == text]
        if text.isdigit() and len(text) < 19:
            cond.append(Tenant.id == int(text))
        rows = session.scalars(sa.select(Tenant).where(sa.or_(*cond)).order_by(Tenant.id)).all()
    # an exact code wins over a name that happens to equal another tenant's code
    for row in rows:
        if row.code == text:
            return row
    if rows:
        return rows[0]
    # 机构名称 / 机构 ID of a sub-institution (院区) lead to the tenant it belongs to
    from radix.platform.institution.models import Institution

    with scoped(session, SYSTEM):
        tenant_ids = session.scalars(
            sa.select(Institution.tenant_id).where(sa.or_(Institution.name == text, Institution.code == text)).distinct()
        ).all()
        if len(tenant_ids) == 1:
            return session.get(Tenant, tenant_ids[0])
    return None


def get_platform(session: Session) -> Tenant | None:
    with scoped(session, SYSTEM):
        return session.scalar(sa.select(Tenant).where(Tenant.kind == TenantKind.PLATFORM).order_by(Tenant.id).limit(1))


def members(session: Session, tenant: Tenant) -> list[Tenant]:
    with scoped(session, SYSTEM):
        return list(
            session.scalars(
                sa.select(Tenant).where(
                    Tenant.path.like(escape_like(tenant.path) + "%", escape="\\"), Tenant.id != tenant.id
                )
            )
        )


def login_url(tenant: Tenant) -> str:
    from radix.config import get_settings

    base = get_settings().public_url.rstrip("/")
    return f"{base}/login?tid={tenant.code}"


def generate_code(session: Session) -> str:
    with scoped(session, SYSTEM):
        while True:
            code = "T" + "".join(secrets.choice("0123456789") for _ in range(8))
            if session.scalar(sa.select(Tenant.id).where(Tenant.code == code)) is None:
                return code


def grant_bound(session: Session, tenant: Tenant, granter: Principal) -> set[int]:
    """Menus the granter may give this tenant: allowed for its kind, and within the granter's own
    tenant grant unless the granter is the platform."""
    cat = menu_service.catalog(session)
    bound = cat.for_kind(tenant.kind.value)
    if not granter.is_platform and granter.tenant_id != tenant.id:
        bound &= menu_service.tenant_grant(session, granter.tenant_id)
    return bound


def create(session: Session, principal: Principal, data: Any) -> Tenant:
    """Create a tenant with its main institution, its admin account (超级管理员), the three default
    roles with their default grants, its default menu grant and the base app."""
    from radix.platform.account import service as account_service
    from radix.platform.institution import service as institution_service
    from radix.platform.role import service as role_service

    kind = TenantKind(data.kind)
    if kind == TenantKind.PLATFORM:
        raise Invalid.field("kind", "不能新建平台租户")
    if principal.is_platform:
        parent_id = data.parent_id
        if kind == TenantKind.REGIONAL:
            parent_id = principal.tenant_id
    elif principal.tenant_kind == TenantKind.REGIONAL.value:
        if kind != TenantKind.NORMAL:
            raise Forbidden("区域管理员只能为区域内的机构创建普通租户", code="TENANT_KIND_NOT_ALLOWED")
        parent_id = data.parent_id or principal.tenant_id
    else:
        raise Forbidden("普通租户不能管理租户")
    parent = session.scalar(sa.select(Tenant).where(Tenant.id == parent_id)) if parent_id else None
    if parent_id and parent is None:
        raise NotFound("上级区域不存在", code="PARENT_NOT_FOUND")
    if parent is None:
        parent = get_platform(session)
    assert parent is not None
    if kind == TenantKind.NORMAL and parent.kind == TenantKind.NORMAL:
        raise Invalid.field("parentId", "上级只能是区域租户或平台")
    if kind == TenantKind.REGIONAL and parent.kind != TenantKind.PLATFORM:
        raise Invalid.field("parentId", "区域租户只能由平台创建")

    code = data.code or generate_code(session)
    with scoped(session, SYSTEM):
        if session.scalar(sa.select(Tenant.id).where(Tenant.code == code)):
            raise Conflict("机构码已存在", code="DUPLICATE", fields=[{"field": "code", "message": "机构码已存在"}])
        if session.scalar(sa.select(Tenant.id).where(Tenant.name == data.name)):
            raise Conflict("机构名称已存在", code="DUPLICATE", fields=[{"field": "name", "message": "机构名称已存在"}])
    account_service.check_confirm(data.password, data.confirm_password)
    account_service.check_password(session, None, data.password, field="password")

    tenant = Tenant(
        code=code,
        name=data.name,
        short_name=data.short_name,
        kind=kind,
        parent_id=parent.id,
        region=data.region,
        hospital_type=data.hospital_type,
        hospital_level=data.hospital_level,
        contact_name=data.contact_name,
        contact_phone=data.contact_phone,
        address=data.address,
        admin_username=data.admin_username,
        needs_implementation=bool(data.needs_implementation),
        remark=data.remark,
        status=Status.ENABLED,
    )
    with scoped(session, SYSTEM):
        session.add(tenant)
        session.flush()
        tenant.path = f"{parent.path}{tenant.id}/"
        session.flush()
    return provision(session, tenant, principal=principal, admin_username=data.admin_username,
                     admin_password=data.password, admin_name=data.admin_name or "管理员",
                     admin_phone=data.contact_phone, account_service=account_service,
                     institution_service=institution_service, role_service=role_service)


def provision(
    session: Session,
    tenant: Tenant,
    *,
    principal: Principal | None,
    admin_username: str,
    admin_password: str,
    admin_name: str,
    admin_phone: str | None,
    account_service: Any,
    institution_service: Any,
    role_service: Any,
) -> Tenant:
    """Everything a new tenant starts with (also used by the demo seed and the platform bootstrap)."""
    with scoped(session, Scope(tenant_id=tenant.id, visible=None, actor=principal.username if principal else "system")):
        cat = menu_service.catalog(session)
        rule = seed.TENANT_DEFAULTS[tenant.kind.value]
        bound = cat.for_kind(tenant.kind.value)
        if principal is not None and not principal.is_platform:
            bound &= menu_service.tenant_grant(session, principal.tenant_id)
        grant = menu_service.default_ids(cat, rule) & bound
        menu_service.set_tenant_grant(session, tenant.id, grant)
        institution_service.create_main(session, tenant)
        roles = role_service.create_defaults(session, tenant, grant)
        app_service.open_app(
            session,
            tenant_id=tenant.id,
            app_code="platform",
            billing_mode=BillingMode.FREE,
            valid_from=clock.today(),
            valid_until=None,
            config={},
            remark="基础平台随租户开通",
            granter_tenant_id=None,
            granter_is_platform=True,
        )
        account_service.create_admin(
            session, tenant, username=admin_username, password=admin_password, name=admin_name,
            phone=admin_phone, role=roles["super_admin"],
        )
        session.flush()
    events.publish("tenant_created", session=session, tenant=tenant)
    return tenant


def check_can_manage(principal: Principal, tenant: Tenant) -> None:
    if tenant.kind == TenantKind.PLATFORM and not principal.is_platform:
        raise NotFound("租户不存在或已被删除")


def set_status(session: Session, principal: Principal, tenant: Tenant, status: Status) -> Tenant:
    from radix.platform.auth import service as auth_service

    if tenant.id == principal.tenant_id:
        raise Forbidden("不能禁用自己所在的租户", code="SELF_TENANT")
    if tenant.kind == TenantKind.PLATFORM:
        raise Forbidden("平台租户不能禁用")
    tenant.status = status
    session.flush()
    if status == Status.DISABLED:
        auth_service.end_tenant_sessions(session, tenant.id)
    return tenant


def delete(session: Session, principal: Principal, tenant: Tenant) -> None:
    if tenant.kind == TenantKind.PLATFORM:
        raise Forbidden("平台租户不能删除")
    if tenant.id == principal.tenant_id:
        raise Forbidden("不能删除自己所在的租户", code="SELF_TENANT")
    if tenant.status != Status.DISABLED:
        raise Conflict("请先禁用该租户再删除", code="DELETE_REQUIRES_DISABLED")
    if members(session, tenant):
        raise Conflict("该区域下还有租户，请先删除区域内的租户", code="TENANT_HAS_MEMBERS")
    session.delete(tenant)
    session.flush()
