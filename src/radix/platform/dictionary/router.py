"""数据同步 (``POST <path>/sync``), one route per master-data resource from one implementation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from radix.core import audit as audit_mod
from radix.core.audit import audit
from radix.core.resource import Ctx, Resource
from radix.core.security import Principal, current_principal, get_session, require
from radix.platform.dictionary import service
from radix.platform.dictionary.resource import RESOURCES
from radix.platform.dictionary.schemas import SyncResult


def sync_router(res: Resource) -> APIRouter:
    r = APIRouter(prefix=res.path, tags=[res.zh])

    def sync(
        request: Request, session: Session = get_session, principal: Principal = current_principal
    ) -> Any:
        result = service.sync_from_platform(Ctx(session, principal, request), res.service)
        audit_mod.set_target(request, res.name, principal.tenant_id)
        return result

    r.add_api_route(
        "/sync",
        sync,
        methods=["POST"],
        response_model=SyncResult,
        summary=f"数据同步：从平台同步{res.zh}",
        description="补充平台有而本机构没有的编码，更新已有编码的名称等信息（保留本机构的启用状态），不删除数据。",
        dependencies=[require(res.permission("sync")), audit("SYNC", res.zh)],
    )
    return r


def routers() -> list[APIRouter]:
    return [sync_router(res) for res in RESOURCES]
