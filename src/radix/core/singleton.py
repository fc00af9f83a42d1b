"""Per-tenant settings pages (one row per tenant): 平台设置, 安全策略, 邮件设置, 短信设置 …

``Singleton(...)`` yields ``GET <path>`` (the tenant's row, or the defaults when none is saved yet),
``PUT <path>`` (create or replace, validated) and a descriptor at ``/api/v1/meta/settings/{name}``
that the SPA renders as a form. A regional administrator may pass ``?tenantId=`` for a member.
"""

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from radix.core.audit import audit
from radix.core.errors import NotFound
from radix.core.resource import describe_fields
from radix.core.security import Principal, current_principal, get_session, require


class Singleton:
    registry: dict[str, "Singleton"] = {}

    def __init__(
        self,
        *,
        name: str,
        path: str,
        model: Any,
        read: type[BaseModel],
        update: type[BaseModel],
        perm: str,
        zh: str,
        en: str,
        defaults: Callable[[], dict[str, Any]] | None = None,
        before_save: Callable[[Session, Principal, Any, dict[str, Any], Request], None] | None = None,
        to_read: Callable[[Session, Any], dict[str, Any]] | None = None,
    ) -> None:
        if name in Singleton.registry:
            raise ValueError(f"settings {name} declared twice")
        self.name, self.path, self.model, self.read, self.update = name, path, model, read, update
        self.perm, self.zh, self.en = perm, zh, en
        self.defaults = defaults or (lambda: {})
        self.before_save = before_save
        self.to_read = to_read
        Singleton.registry[name] = self

    def _tenant(self, session: Session, principal: Principal, tenant_id: int | None) -> int:
        tid = tenant_id or principal.tenant_id
        if not principal.scope.can_see(tid):
            raise NotFound("机构不存在")
        if tenant_id is not None and principal.scope.sees_all:
            tenant = sa.table("tenant", sa.column("id"))
            if session.execute(sa.select(tenant.c.id).where(tenant.c.id == tid)).first() is None:
                raise NotFound("机构不存在")
        return tid

    def row(self, session: Session, tenant_id: int) -> Any:
        return session.scalar(sa.select(self.model).where(self.model.tenant_id == tenant_id))

    def values(self, session: Session, tenant_id: int) -> dict[str, Any]:
        row = self.row(session, tenant_id)
        if row is None:
            values = {**self.defaults(), "tenant_id": tenant_id, "saved": False}
        elif self.to_read is not None:
            values = {**self.to_read(session, row), "saved": True}
        else:
            values = {c.key: getattr(row, c.key) for c in self.model.__table__.columns}
            values["saved"] = True
        return self.read.model_validate(values).model_dump(by_alias=True, mode="json")

    def router(self) -> APIRouter:
        r = APIRouter(prefix=self.path, tags=[self.zh])
        me = self

        def get(
            tenant_id: int | None = Query(None, alias="tenantId", ge=1, le=2**62),
            session: Session = get_session,
            principal: Principal = current_principal,
        ) -> dict[str, Any]:
            return me.values(session, me._tenant(session, principal, tenant_id))

        r.add_api_route("", get, methods=["GET"], summary=f"{self.zh}", dependencies=[require(f"{self.perm}:query")])

        def put(
            request: Request,
            data: Any,
            tenant_id: int | None = Query(None, alias="tenantId", ge=1, le=2**62),
            session: Session = get_session,
            principal: Principal = current_principal,
        ) -> dict[str, Any]:
            tid = me._tenant(session, principal, tenant_id)
            values = data.model_dump(exclude_unset=True)
            row = me.row(session, tid)
            if row is None:
                row = me.model(**{**me.defaults(), "tenant_id": tid})
                session.add(row)
            if me.before_save is not None:
                me.before_save(session, principal, row, values, request)
            for key, value in values.items():
                setattr(row, key, value)
            session.flush()
            request.state.audit_target_type = me.name
            request.state.audit_target_id = str(row.id)
            return me.values(session, tid)

        put.__annotations__["data"] = self.update
        r.add_api_route(
            "", put, methods=["PUT"], summary=f"保存{self.zh}",
            dependencies=[require(f"{self.perm}:edit"), audit("UPDATE", self.zh)],
        )
        return r

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": {"zh": self.zh, "en": self.en},
            "path": "/api/v1" + self.path,
            "permission": self.perm,
            "fields": describe_fields(self.update, required_from=self.update),
        }
