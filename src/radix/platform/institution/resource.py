from __future__ import annotations

from typing import Any

from radix.core.errors import Conflict, Forbidden, Invalid
from radix.core.listing import Filter
from radix.core.resource import CrudService, Ctx, Resource, Unique
from radix.core.schemas import Status
from radix.platform.institution.models import Institution
from radix.platform.institution.schemas import InstitutionCreate, InstitutionRead, InstitutionUpdate


class InstitutionService(CrudService):
    def create(self, ctx: Ctx, data: Any) -> Any:
        from radix.platform.institution import service

        values = data.model_dump()
        tenant_id = values.get("tenant_id") or ctx.principal.tenant_id
        values["tenant_id"] = tenant_id
        if values.get("parent_id"):
            parent = ctx.session.get(Institution, values["parent_id"])
            if parent is None or parent.tenant_id != tenant_id:
                raise Invalid.field("parentId", "上级机构不存在或不属于该租户")
        else:
            main = service.main_of(ctx.session, tenant_id)
            values["parent_id"] = main.id if main else None
        values["photos"] = []
        self.check_unique(ctx, values, None)
        obj = Institution(**values)
        ctx.session.add(obj)
        ctx.session.flush()
        return obj

    def update(self, ctx: Ctx, obj: Any, data: Any) -> Any:
        values = {k: v for k, v in data.model_dump(exclude_unset=True).items()
                  if v is not None or k not in ("name", "sort", "status")}
        for key, value in values.items():
            setattr(obj, key, value)
        ctx.session.flush()
        return obj

    def delete(self, ctx: Ctx, obj: Any) -> None:
        if obj.parent_id is None:
            raise Forbidden("机构主体随租户存在，不能删除", code="INSTITUTION_MAIN")
        if obj.status != Status.DISABLED:
            raise Conflict("请先停用该机构再删除", code="DELETE_REQUIRES_DISABLED")
        super().delete(ctx, obj)


resource = Resource(
    name="institution",
    path="/platform/institutions",
    model=Institution,
    read=InstitutionRead,
    create=InstitutionCreate,
    update=InstitutionUpdate,
    perm="platform:institution",
    zh="机构",
    en="Institution",
    filters=[
        Filter("tenantId", op="eq", type=int, zh="所属租户", en="Tenant", widget="tenant-select"),
        Filter("name", op="contains", zh="机构名称", en="Name"),
        Filter("code", op="eq", zh="机构编码", en="Code"),
        Filter("parentId", op="eq", type=int, zh="上级机构", en="Parent"),
        Filter("status", op="eq", type=Status, zh="状态", en="Status"),
    ],
    sortable=["createdAt", "name", "code", "sort"],
    unique=[Unique(("code",), "机构编码已存在")],
    service=InstitutionService(),
)
