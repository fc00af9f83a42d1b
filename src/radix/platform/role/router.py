from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from radix.core.audit import audit
from radix.core.errors import Forbidden
from radix.core.resource import Ctx
from radix.core.schemas import Status
from radix.core.security import Principal, current_principal, get_session, require
from radix.platform.menu import service as menu_service
from radix.platform.role.models import SUPER_ADMIN, Role
from radix.platform.role.resource import resource
from radix.platform.role.schemas import RoleRead
from radix.platform.tenant.schemas import GrantOut, StatusIn

router = APIRouter(prefix="/platform/roles", tags=["角色"])


@router.get("/menu-tree", response_model=GrantOut, dependencies=[require("platform:role:list")],
            summary="可分配给角色的菜单树（即机构的菜单权限）")
def menu_tree(
    tenant_id: int | None = Query(None, alias="tenantId", ge=1, le=2**62),
    session: Session = get_session,
    principal: Principal = current_principal,
) -> Any:
    tid = tenant_id or principal.tenant_id
    if not principal.scope.can_see(tid):
        tid = principal.tenant_id
    cat = menu_service.catalog(session)
    bound = menu_service.tenant_grant(session, tid)
    return {"tree": menu_service.tree(cat, bound), "checked": [], "halfChecked": []}


@router.get("/{id}/menus", response_model=GrantOut, dependencies=[require("platform:role:query")], summary="角色的功能权限")
def role_menus(role: Role = resource.load, session: Session = get_session) -> Any:
    cat = menu_service.catalog(session)
    bound = menu_service.tenant_grant(session, role.tenant_id)
    granted = menu_service.role_grant(session, role.id) & bound
    checked, half = menu_service.tri_state(cat, granted, bound)
    return {"tree": menu_service.tree(cat, bound), "checked": checked, "halfChecked": half}


@router.post("/{id}/status", response_model=RoleRead, dependencies=[require("platform:role:status"), audit("UPDATE", "角色状态")],
             summary="启用或禁用角色")
def set_status(data: StatusIn, role: Role = resource.load, session: Session = get_session,
               principal: Principal = current_principal) -> Any:
    if role.key == SUPER_ADMIN and role.builtin and data.status == Status.DISABLED:
        raise Forbidden("超级管理员角色不能禁用", code="ROLE_BUILTIN")
    role.status = data.status
    session.flush()
    return resource.service.read(Ctx(session, principal, None), role)
