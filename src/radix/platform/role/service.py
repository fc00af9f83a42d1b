"""Roles: the three defaults of a new tenant, grants bounded by the tenant's, deletion rules."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from radix.core.errors import Conflict, Forbidden
from radix.core.schemas import Status
from radix.platform.account.models import account_role
from radix.platform.menu import seed
from radix.platform.menu import service as menu_service
from radix.platform.role.models import SUPER_ADMIN, Role
from radix.platform.tenant.models import Tenant


def create_defaults(session: Session, tenant: Tenant, tenant_grant: set[int]) -> dict[str, Role]:
    cat = menu_service.catalog(session)
    roles: dict[str, Role] = {}
    for key, spec in seed.ROLE_DEFAULTS.items():
        role = Role(tenant_id=tenant.id, name=spec["name"], key=key, sort=spec["sort"], builtin=True,
                    status=Status.ENABLED, remark="系统默认角色")
        session.add(role)
        session.flush()
        menu_service.set_role_grant(session, role.id, menu_service.default_ids(cat, spec) & tenant_grant)
        roles[key] = role
    return roles


def account_count(session: Session, role_id: int) -> int:
    return int(session.scalar(sa.select(sa.func.count()).select_from(account_role).where(account_role.c.role_id == role_id)) or 0)


def account_counts(session: Session, role_ids: list[int]) -> dict[int, int]:
    if not role_ids:
        return {}
    rows = session.execute(
        sa.select(account_role.c.role_id, sa.func.count())
        .where(account_role.c.role_id.in_(role_ids))
        .group_by(account_role.c.role_id)
    ).all()
    return {rid: int(n) for rid, n in rows}


def check_deletable(session: Session, role: Role) -> None:
    if role.key == SUPER_ADMIN and role.builtin:
        raise Forbidden("默认生成的超级管理员角色无法删除", code="ROLE_BUILTIN")
    if role.status != Status.DISABLED:
        raise Conflict("请先禁用该角色再删除", code="DELETE_REQUIRES_DISABLED")
    n = account_count(session, role.id)
    if n:
        raise Conflict(f"该角色仍有 {n} 个账号在使用，无法删除", code="ROLE_IN_USE")


def super_admin_of(session: Session, tenant_id: int) -> Role | None:
    return session.scalar(
        sa.select(Role).where(Role.tenant_id == tenant_id, Role.key == SUPER_ADMIN, Role.builtin.is_(True))
    )
