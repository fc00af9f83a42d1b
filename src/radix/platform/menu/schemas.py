from __future__ import annotations

import datetime as dt
from typing import Literal

from radix.core.schemas import AppModel, F, Status, Id
from radix.platform.menu.models import MenuKind

TenantKindName = Literal["platform", "regional", "normal"]


class MenuRead(AppModel):
    id: int = F(zh="编号", en="ID")
    parent_id: int | None = F(None, zh="上级菜单", en="Parent", column=False)
    kind: MenuKind = F(zh="类型", en="Type")
    name: str = F(zh="菜单名称", en="Name")
    name_en: str | None = F(None, zh="英文名称", en="English name", column=False)
    icon: str | None = F(None, zh="图标", en="Icon")
    sort: int = F(zh="排序", en="Sort")
    permission: str | None = F(None, zh="权限标识", en="Permission")
    path: str | None = F(None, zh="路由地址", en="Route")
    component: str | None = F(None, zh="组件路径", en="Component", column=False)
    app_code: str = F(zh="所属应用", en="App")
    tenant_kinds: list[TenantKindName] = F(zh="可见租户等级", en="Tenant levels")
    visible: bool = F(zh="显示", en="Visible")
    status: Status = F(zh="状态", en="Status")
    builtin: bool = F(zh="系统内置", en="Built-in", column=False)
    key: str | None = F(None, zh="内置标识", en="Key", column=False)
    created_at: dt.datetime = F(zh="创建时间", en="Created at")


class MenuCreate(AppModel):
    parent_id: int | None = F(None, zh="上级菜单", en="Parent", ge=1, le=2**62, widget="menu-select")
    kind: MenuKind = F(zh="类型", en="Type")
    name: str = F(zh="菜单名称", en="Name", min_length=1, max_length=64)
    name_en: str | None = F(None, zh="英文名称", en="English name", max_length=64)
    icon: str | None = F(None, zh="图标", en="Icon", max_length=64)
    sort: int = F(0, zh="排序", en="Sort", ge=0, le=99999)
    permission: str | None = F(None, zh="权限标识", en="Permission", max_length=100,
                               pattern=r"^[a-z][a-z0-9_]*:[a-z][A-Za-z0-9_]*:[a-z][A-Za-z0-9_]*$",
                               description="格式 模块:实体:操作，如 platform:account:add")
    path: str | None = F(None, zh="路由地址", en="Route", max_length=200, pattern=r"^/[A-Za-z0-9/_\-:.]*$")
    component: str | None = F(None, zh="组件路径", en="Component", max_length=200)
    app_code: str = F("platform", zh="所属应用", en="App", max_length=32, dict="app")
    tenant_kinds: list[TenantKindName] = F(default_factory=lambda: ["platform", "regional", "normal"],
                                           zh="可见租户等级", en="Tenant levels", min_length=1, max_length=3)
    visible: bool = F(True, zh="显示", en="Visible")
    status: Status = F(Status.ENABLED, zh="状态", en="Status")
    remark: str | None = F(None, zh="备注", en="Remark", max_length=500)


class MenuUpdate(AppModel):
    parent_id: int | None = F(None, zh="上级菜单", en="Parent", ge=1, le=2**62)
    name: str | None = F(None, zh="菜单名称", en="Name", min_length=1, max_length=64)
    name_en: str | None = F(None, zh="英文名称", en="English name", max_length=64)
    icon: str | None = F(None, zh="图标", en="Icon", max_length=64)
    sort: int | None = F(None, zh="排序", en="Sort", ge=0, le=99999)
    permission: str | None = F(None, zh="权限标识", en="Permission", max_length=100,
                               pattern=r"^[a-z][a-z0-9_]*:[a-z][A-Za-z0-9_]*:[a-z][A-Za-z0-9_]*$")
    path: str | None = F(None, zh="路由地址", en="Route", max_length=200, pattern=r"^/[A-Za-z0-9/_\-:.]*$")
    component: str | None = F(None, zh="组件路径", en="Component", max_length=200)
    tenant_kinds: list[TenantKindName] | None = F(None, zh="可见租户等级", en="Tenant levels", min_length=1, max_length=3)
    visible: bool | None = F(None, zh="显示", en="Visible")
    status: Status | None = F(None, zh="状态", en="Status")
    remark: str | None = F(None, zh="备注", en="Remark", max_length=500)


class WorkstationRead(AppModel):
    id: int = F(zh="编号", en="ID")
    code: str = F(zh="工作站编码", en="Code")
    name: str = F(zh="工作站名称", en="Name")
    name_en: str | None = F(None, zh="英文名称", en="English name", column=False)
    icon: str | None = F(None, zh="图标", en="Icon")
    sort: int = F(zh="排序", en="Sort")
    status: Status = F(zh="状态", en="Status")
    menu_ids: list[int] = F(default_factory=list, zh="菜单", en="Menus", column=False)
    menu_names: list[str] = F(default_factory=list, zh="包含菜单", en="Menus")
    description: str | None = F(None, zh="描述", en="Description")
    created_at: dt.datetime = F(zh="创建时间", en="Created at")


class WorkstationCreate(AppModel):
    code: str = F(zh="工作站编码", en="Code", pattern=r"^[A-Za-z0-9_-]{2,32}$")
    name: str = F(zh="工作站名称", en="Name", min_length=1, max_length=32)
    name_en: str | None = F(None, zh="英文名称", en="English name", max_length=64)
    icon: str | None = F(None, zh="图标", en="Icon", max_length=64)
    sort: int = F(0, zh="排序", en="Sort", ge=0, le=9999)
    status: Status = F(Status.ENABLED, zh="状态", en="Status")
    menu_ids: list[Id] = F(default_factory=list, zh="菜单", en="Menus", max_length=500, widget="menu-tree")
    description: str | None = F(None, zh="描述", en="Description", max_length=500, widget="textarea")


class WorkstationUpdate(AppModel):
    name: str | None = F(None, zh="工作站名称", en="Name", min_length=1, max_length=32)
    name_en: str | None = F(None, zh="英文名称", en="English name", max_length=64)
    icon: str | None = F(None, zh="图标", en="Icon", max_length=64)
    sort: int | None = F(None, zh="排序", en="Sort", ge=0, le=9999)
    status: Status | None = F(None, zh="状态", en="Status")
    menu_ids: list[Id] | None = F(None, zh="菜单", en="Menus", max_length=500)
    description: str | None = F(None, zh="描述", en="Description", max_length=500)
