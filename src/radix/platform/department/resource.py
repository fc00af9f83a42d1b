from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from radix.core.errors import Conflict, Invalid
from radix.core.listing import Filter
from radix.core.resource import CrudService, Ctx, Resource, Unique
from radix.core.schemas import Status
from radix.platform.account.models import Account
from radix.platform.department.models import Department
from radix.platform.department.schemas import DepartmentCreate, DepartmentRead, DepartmentUpdate
from radix.platform.institution.models import Institution

NON_NULL = ("name", "sort", "status")


class DepartmentService(CrudService):
    def _check_refs(self, ctx: Ctx, tenant_id: int, values: dict[str, Any], self_id: int | None) -> None:
        if values.get("institution_id"):
            inst = ctx.session.get(Institution, values["institution_id"])
            if inst is None or inst.tenant_id != tenant_id:
                raise Invalid.field("institutionId", "所属机构不存在")
        parent_id = values.get("parent_id")
        seen: set[int] = set()
        while parent_id:
            if parent_id == self_id or parent_id in seen:
                raise Invalid.field("parentId", "上级科室不能是自己或自己的下级")
            seen.add(parent_id)
            parent = ctx.session.get(Department, parent_id)
            if parent is None or parent.tenant_id != tenant_id:
                raise Invalid.field("parentId", "上级科室不存在")
            parent_id = parent.parent_id

    def create(self, ctx: Ctx, data: Any) -> Any:
        values = data.model_dump()
        values["tenant_id"] = values.get("tenant_id") or ctx.principal.tenant_id
        self._check_refs(ctx, values["tenant_id"], values, None)
        self.check_unique(ctx, values, None)
        obj = Department(**values)
        ctx.session.add(obj)
        ctx.session.flush()
        return obj

    def update(self, ctx: Ctx, obj: Any, data: Any) -> Any:
        values = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None or k not in NON_NULL}
        self._check_refs(ctx, obj.tenant_id, values, obj.id)
        for key, value in values.items():
            setattr(obj, key, value)
        ctx.session.flush()
        return obj

    def delete(self, ctx: Ctx, obj: Any) -> None:
        if ctx.session.scalar(sa.select(Department.id).where(Department.parent_id == obj.id).limit(1)):
            raise Conflict("该科室下还有下级科室，无法删除", code="DEPARTMENT_HAS_CHILDREN")
        n = ctx.session.scalar(sa.select(sa.func.count()).select_from(Account).where(Account.department_id == obj.id))
        if n:
            raise Conflict(f"该科室仍有 {n} 个账号，无法删除", code="DEPARTMENT_IN_USE")
        super().delete(ctx, obj)


resource = Resource(
    name="department",
    path="/platform/departments",
    model=Department,
    read=DepartmentRead,
    create=DepartmentCreate,
    update=DepartmentUpdate,
    perm="platform:department",
    zh="科室",
    en="Department",
    filters=[
        Filter("name", op="contains", zh="科室名称", en="Name"),
        Filter("code", op="eq", zh="科室编号", en="Code"),
        Filter("tenantId", op="eq", type=int, zh="机构", en="Institution", widget="tenant-select"),
        Filter("institutionId", op="eq", type=int, zh="所属机构", en="Institution", widget="institution-select"),
        Filter("status", op="eq", type=Status, zh="状态", en="Status"),
    ],
    sortable=["createdAt", "name", "code", "sort"],
    unique=[Unique(("code",), "科室编号已存在")],
    service=DepartmentService(),
)
