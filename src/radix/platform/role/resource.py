from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from radix.core.errors import Forbidden
from radix.core.listing import Filter
from radix.core.resource import Action, CrudService, Ctx, Resource, Unique
from radix.core.schemas import Status
from radix.platform.menu import service as menu_service
from radix.platform.role import service
from radix.platform.role.models import SUPER_ADMIN, Role
from radix.platform.role.schemas import RoleCreate, RoleRead, RoleUpdate
from radix.platform.tenant.schemas import StatusIn


class RoleService(CrudService):
    def extras(self, ctx: Ctx, objs: list[Any]) -> dict[int, dict[str, Any]]:
        counts = service.account_counts(ctx.session, [o.id for o in objs])
        return {o.id: {"account_count": counts.get(o.id, 0)} for o in objs}

    def _grant(self, ctx: Ctx, role: Role, checked: list[int], half: list[int]) -> None:
        bound = menu_service.tenant_grant(ctx.session, role.tenant_id)
        cat = menu_service.catalog(ctx.session)
        menu_service.set_role_grant(ctx.session, role.id, menu_service.expand(cat, checked, half, bound))

    def create(self, ctx: Ctx, data: Any) -> Any:
        values = data.model_dump(exclude={"checked", "half_checked"})
        if values.get("tenant_id") is None:
            values["tenant_id"] = ctx.principal.tenant_id
        self.check_unique(ctx, values, None)
        role = Role(**values, builtin=False)
        ctx.session.add(role)
        ctx.session.flush()
        self._grant(ctx, role, data.checked, data.half_checked)
        return role

    def update(self, ctx: Ctx, obj: Any, data: Any) -> Any:
        values = data.model_dump(exclude_unset=True, exclude={"checked", "half_checked"})
        values = {k: v for k, v in values.items() if v is not None}
        if obj.builtin and obj.key == SUPER_ADMIN:
            if values.get("status") == Status.DISABLED:
                raise Forbidden("超级管理员角色不能禁用", code="ROLE_BUILTIN")
            if data.checked is not None or data.half_checked is not None:
                raise Forbidden("超级管理员角色的权限随机构权限自动维护，不能修改", code="ROLE_BUILTIN")
        self.check_unique(ctx, values, obj)
        for key, value in values.items():
            setattr(obj, key, value)
        if data.checked is not None or data.half_checked is not None:
            self._grant(ctx, obj, data.checked or [], data.half_checked or [])
        ctx.session.flush()
        return obj

    def delete(self, ctx: Ctx, obj: Any) -> None:
        service.check_deletable(ctx.session, obj)
        ctx.session.delete(obj)
        ctx.session.flush()


resource = Resource(
    name="role",
    path="/platform/roles",
    model=Role,
    read=RoleRead,
    create=RoleCreate,
    update=RoleUpdate,
    perm="platform:role",
    zh="角色",
    en="Role",
    filters=[
        Filter("tenantId", op="eq", type=int, zh="机构名称", en="Institution", widget="tenant-select"),
        Filter("name", op="contains", zh="角色名称", en="Name"),
        Filter("status", op="eq", type=Status, zh="状态", en="Status"),
    ],
    sortable=["createdAt", "name", "sort"],
    unique=[Unique(("name",), "角色名称已存在")],
    service=RoleService(),
    actions=[
        Action("menus", "功能权限", "Permissions", "platform:role:query", "/{id}/menus", method="GET"),
        Action("disable", "禁用", "Disable", "platform:role:status", "/{id}/status", schema=StatusIn,
               confirm="确认禁用该角色吗？禁用后拥有该角色的账号将失去其权限", when={"status": ["enabled"]}),
        Action("enable", "启用", "Enable", "platform:role:status", "/{id}/status", schema=StatusIn,
               when={"status": ["disabled"]}),
    ],
)
