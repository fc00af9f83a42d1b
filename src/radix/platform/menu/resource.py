from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from radix.core.errors import Conflict, Forbidden, Invalid
from radix.core.listing import Filter
from radix.core.resource import CrudService, Ctx, Resource, Unique
from radix.core.schemas import Status
from radix.platform.menu import service
from radix.platform.menu.models import Menu, MenuKind, Workstation, workstation_menu
from radix.platform.menu.schemas import (
    MenuCreate,
    MenuRead,
    MenuUpdate,
    WorkstationCreate,
    WorkstationRead,
    WorkstationUpdate,
)

#: which kinds may sit under which (manual 4 §8.2.1.1: 目录-菜单-菜单-按钮)
ALLOWED_PARENT = {
    MenuKind.DIRECTORY: {None},
    MenuKind.MENU: {None, MenuKind.DIRECTORY, MenuKind.MENU},
    MenuKind.BUTTON: {MenuKind.MENU},
}
MAX_DEPTH = 4


def _by_workstation_menu(stmt: sa.Select, value: Any) -> sa.Select:
    from radix.core.db import escape_like

    inner = (
        sa.select(workstation_menu.c.workstation_id)
        .join(Menu, Menu.id == workstation_menu.c.menu_id)
        .where(Menu.name.ilike(f"%{escape_like(str(value))}%", escape="\\"))
    )
    return stmt.where(Workstation.id.in_(inner))


class MenuService(CrudService):
    def _check_parent(self, ctx: Ctx, kind: MenuKind, parent_id: int | None, self_id: int | None = None) -> None:
        parent = ctx.session.get(Menu, parent_id) if parent_id else None
        if parent_id and parent is None:
            raise Invalid.field("parentId", "上级菜单不存在")
        parent_kind = parent.kind if parent else None
        if parent_kind not in ALLOWED_PARENT[kind]:
            allowed = {MenuKind.DIRECTORY: "目录只能在第一级",
                       MenuKind.MENU: "菜单只能放在目录或菜单下",
                       MenuKind.BUTTON: "按钮只能放在菜单下"}[kind]
            raise Invalid.field("parentId", f"层级不正确：{allowed}（目录-菜单-菜单-按钮）")
        cat = service.catalog(ctx.session)
        if parent is not None:
            if self_id is not None and (parent.id == self_id or parent.id in cat.descendants(self_id)):
                raise Invalid.field("parentId", "上级菜单不能是自己或自己的下级")
            depth = 1 + len(cat.ancestors(parent.id)) + 1
            if depth > MAX_DEPTH:
                raise Invalid.field("parentId", "菜单层级最多四级（目录-菜单-菜单-按钮）")

    def create(self, ctx: Ctx, data: Any) -> Any:
        self._check_parent(ctx, data.kind, data.parent_id)
        obj = super().create(ctx, data)
        service.invalidate_cache()
        return obj

    def update(self, ctx: Ctx, obj: Any, data: Any) -> Any:
        values = data.model_dump(exclude_unset=True)
        if "parent_id" in values:
            self._check_parent(ctx, obj.kind, values["parent_id"], obj.id)
        for key in ("name", "sort", "visible", "status", "tenant_kinds"):
            if key in values and values[key] is None:
                values.pop(key)
        self.check_unique(ctx, values, obj)
        for key, value in values.items():
            setattr(obj, key, value)
        ctx.session.flush()
        service.invalidate_cache()
        return obj

    def delete(self, ctx: Ctx, obj: Any) -> None:
        if obj.builtin:
            raise Forbidden("系统内置菜单不能删除，可以停用或隐藏", code="MENU_BUILTIN")
        if ctx.session.scalar(sa.select(Menu.id).where(Menu.parent_id == obj.id).limit(1)):
            raise Conflict("存在下级菜单，请先删除下级", code="MENU_HAS_CHILDREN")
        super().delete(ctx, obj)
        service.invalidate_cache()


class WorkstationService(CrudService):
    def extras(self, ctx: Ctx, objs: list[Any]) -> dict[int, dict[str, Any]]:
        ids = [o.id for o in objs]
        rows = ctx.session.execute(
            sa.select(workstation_menu.c.workstation_id, Menu.id, Menu.name)
            .join(Menu, Menu.id == workstation_menu.c.menu_id)
            .where(workstation_menu.c.workstation_id.in_(ids))
            .order_by(Menu.sort, Menu.id)
        ).all() if ids else []
        out: dict[int, dict[str, Any]] = {i: {"menu_ids": [], "menu_names": []} for i in ids}
        for wid, mid, name in rows:
            out[wid]["menu_ids"].append(mid)
            out[wid]["menu_names"].append(name)
        return out

    def _set_menus(self, ctx: Ctx, ws: Workstation, menu_ids: list[int]) -> None:
        ids = list(dict.fromkeys(menu_ids))
        if ids:
            found = set(ctx.session.scalars(sa.select(Menu.id).where(Menu.id.in_(ids))))
            missing = [i for i in ids if i not in found]
            if missing:
                raise Invalid.field("menuIds", f"菜单不存在：{missing[:5]}")
        ctx.session.execute(sa.delete(workstation_menu).where(workstation_menu.c.workstation_id == ws.id))
        if ids:
            ctx.session.execute(sa.insert(workstation_menu), [{"workstation_id": ws.id, "menu_id": m} for m in ids])

    def create(self, ctx: Ctx, data: Any) -> Any:
        values = data.model_dump(exclude={"menu_ids"})
        self.check_unique(ctx, values, None)
        ws = Workstation(**values)
        ctx.session.add(ws)
        ctx.session.flush()
        self._set_menus(ctx, ws, data.menu_ids)
        return ws

    def update(self, ctx: Ctx, obj: Any, data: Any) -> Any:
        values = data.model_dump(exclude_unset=True, exclude={"menu_ids"})
        for key, value in values.items():
            if value is not None or key in ("name_en", "icon", "description"):
                setattr(obj, key, value)
        if data.menu_ids is not None:
            self._set_menus(ctx, obj, data.menu_ids)
        ctx.session.flush()
        return obj


menu_resource = Resource(
    name="menu",
    path="/platform/menus",
    model=Menu,
    read=MenuRead,
    create=MenuCreate,
    update=MenuUpdate,
    perm="platform:menu",
    zh="菜单",
    en="Menu",
    filters=[
        Filter("name", op="contains", zh="菜单名称", en="Name"),
        Filter("permission", op="contains", zh="权限标识", en="Permission"),
        Filter("kind", op="eq", type=MenuKind, zh="类型", en="Type"),
        Filter("appCode", op="eq", zh="所属应用", en="App", dict="app"),
        Filter("status", op="eq", type=Status, zh="状态", en="Status"),
        Filter("parentId", op="eq", type=int, zh="上级菜单", en="Parent"),
    ],
    sortable=["sort", "createdAt", "name"],
    default_sort="sort",
    service=MenuService(),
)

workstation_resource = Resource(
    name="workstation",
    path="/platform/workstations",
    model=Workstation,
    read=WorkstationRead,
    create=WorkstationCreate,
    update=WorkstationUpdate,
    perm="platform:workstation",
    zh="工作站",
    en="Workstation",
    filters=[
        Filter("name", op="contains", zh="工作站名称", en="Name"),
        Filter("menuName", op="custom", apply=_by_workstation_menu, zh="菜单名称", en="Menu name"),
        Filter("status", op="eq", type=Status, zh="状态", en="Status"),
    ],
    sortable=["sort", "createdAt", "name"],
    default_sort="sort",
    unique=[Unique(("code",), "工作站编码已存在")],
    service=WorkstationService(),
)
