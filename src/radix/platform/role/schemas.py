from __future__ import annotations

import datetime as dt

from radix.core.schemas import AppModel, F, Status, Id
from radix.platform.rules import Text


class RoleRead(AppModel):
    id: int = F(zh="编号", en="ID")
    tenant_id: int = F(zh="机构", en="Institution", column=False)
    tenant_name: str | None = F(None, zh="机构名称", en="Institution")
    name: str = F(zh="角色名称", en="Name")
    key: str | None = F(None, zh="角色标识", en="Key", column=False)
    sort: int = F(zh="排序", en="Sort")
    status: Status = F(zh="状态", en="Status")
    builtin: bool = F(zh="系统默认", en="Built-in")
    account_count: int = F(0, zh="账号数量", en="Accounts")
    remark: str | None = F(None, zh="描述", en="Description")
    created_at: dt.datetime = F(zh="创建时间", en="Created at")
    updated_at: dt.datetime = F(zh="更新时间", en="Updated at", column=False)


class RoleCreate(AppModel):
    tenant_id: int | None = F(None, zh="机构", en="Institution", ge=1, le=2**62, widget="tenant-select",
                              description="区域管理员可为区域内机构创建角色；不填为本机构")
    name: str = F(zh="角色名称", en="Name", min_length=2, max_length=32)
    sort: int = F(0, zh="排序", en="Sort", ge=0, le=9999)
    status: Status = F(Status.ENABLED, zh="状态", en="Status")
    remark: Text = F(None, zh="描述", en="Description", max_length=500, widget="textarea")
    checked: list[Id] = F(default_factory=list, zh="功能权限（全选）", en="Checked menus", max_length=5000,
                           widget="menu-tree")
    half_checked: list[Id] = F(default_factory=list, zh="功能权限（半选）", en="Half-checked menus", max_length=5000,
                                column=False)


class RoleUpdate(AppModel):
    name: str | None = F(None, zh="角色名称", en="Name", min_length=2, max_length=32)
    sort: int | None = F(None, zh="排序", en="Sort", ge=0, le=9999)
    status: Status | None = F(None, zh="状态", en="Status")
    remark: Text = F(None, zh="描述", en="Description", max_length=500)
    checked: list[Id] | None = F(None, zh="功能权限（全选）", en="Checked menus", max_length=5000)
    half_checked: list[Id] | None = F(None, zh="功能权限（半选）", en="Half-checked menus", max_length=5000)
