from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from radix.core.errors import Conflict
from radix.core.listing import Filter
from radix.core.resource import Action, CrudService, Ctx, Resource, tenant_names
from radix.core.schemas import Status
from radix.core.tenancy import SYSTEM, scoped
from radix.platform.tenant import service
from radix.platform.tenant.models import Tenant, TenantKind
from radix.platform.tenant.schemas import (
    AppOpenIn,
    ResetPasswordIn,
    StatusIn,
    TenantCreate,
    TenantRead,
    TenantUpdate,
)


class TenantService(CrudService):
    def extras(self, ctx: Ctx, objs: list[Any]) -> dict[int, dict[str, Any]]:
        parents = tenant_names(ctx.session, {o.parent_id for o in objs})
        return {o.id: {"login_url": service.login_url(o), "parent_name": parents.get(o.parent_id)} for o in objs}

    def create(self, ctx: Ctx, data: Any) -> Any:
        return service.create(ctx.session, ctx.principal, data)

    def update(self, ctx: Ctx, obj: Any, data: Any) -> Any:
        service.check_can_manage(ctx.principal, obj)
        values = data.model_dump(exclude_unset=True)
        if values.get("name") and values["name"] != obj.name:
            with scoped(ctx.session, SYSTEM):
                if ctx.session.scalar(sa.select(Tenant.id).where(Tenant.name == values["name"], Tenant.id != obj.id)):
                    raise Conflict("机构名称已存在", code="DUPLICATE", fields=[{"field": "name", "message": "机构名称已存在"}])
        for key, value in values.items():
            if key in ("name", "short_name") and value is None:
                continue
            setattr(obj, key, value)
        ctx.session.flush()
        return obj

    def delete(self, ctx: Ctx, obj: Any) -> None:
        service.delete(ctx.session, ctx.principal, obj)


resource = Resource(
    name="tenant",
    path="/platform/tenants",
    model=Tenant,
    read=TenantRead,
    create=TenantCreate,
    update=TenantUpdate,
    perm="platform:tenant",
    zh="租户",
    en="Tenant",
    filters=[
        Filter("name", op="contains", zh="机构名称", en="Name"),
        Filter("id", op="eq", type=int, zh="机构", en="Institution", widget="tenant-select"),
        Filter("region", op="contains", zh="所在地区", en="Area"),
        Filter("hospitalType", op="eq", zh="医院类型", en="Hospital type", dict="hospital_type"),
        Filter("hospitalLevel", op="eq", zh="医院等级", en="Hospital level", dict="hospital_level"),
        Filter("status", op="eq", type=Status, zh="机构状态", en="Status"),
        Filter("kind", op="in", type=TenantKind, zh="租户类型", en="Type"),
    ],
    sortable=["createdAt", "name", "code"],
    service=TenantService(),
    actions=[
        Action("apps", "应用管理", "Apps", "platform:tenant:app", "/{id}/apps", method="GET"),
        Action("menus", "菜单权限", "Menu permissions", "platform:tenant:grant", "/{id}/menus", method="GET"),
        Action("resetPassword", "重置密码", "Reset password", "platform:tenant:resetPwd", "/{id}/reset-password",
               schema=ResetPasswordIn),
        Action("disable", "禁用", "Disable", "platform:tenant:status", "/{id}/status", confirm="确认禁用该租户吗？禁用后其账号将无法登录",
               schema=StatusIn, when={"status": ["enabled"]}),
        Action("enable", "启用", "Enable", "platform:tenant:status", "/{id}/status", schema=StatusIn,
               when={"status": ["disabled"]}),
        Action("openApp", "开通应用", "Open app", "platform:tenant:app", "/{id}/apps/{code}", method="PUT",
               row=False, schema=AppOpenIn),
    ],
)
