from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session

from radix.core.security import Principal, current_principal, get_session, require
from radix.platform.menu import service

router = APIRouter(prefix="/platform/menus", tags=["菜单"])


@router.get("/tree", dependencies=[require("platform:menu:list")], summary="完整菜单树（含按钮）")
def full_tree(session: Session = get_session) -> list[dict[str, Any]]:
    return service.tree(service.catalog(session))


nav_router = APIRouter(prefix="/platform/navigation", tags=["菜单"])


@nav_router.get("/workstations", dependencies=[require()], summary="工作站模式的一级模块（当前用户可用的）")
def my_workstations(session: Session = get_session, principal: Principal = current_principal) -> list[dict[str, Any]]:
    return service.workstations_for(session, principal.extra.get("menu_ids", set()))
