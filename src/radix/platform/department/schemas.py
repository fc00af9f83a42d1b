from __future__ import annotations

import datetime as dt

from radix.core.schemas import AppModel, F, Status
from radix.platform.rules import Phone, Text


class DepartmentRead(AppModel):
    id: int = F(zh="编号", en="ID")
    tenant_id: int = F(zh="机构", en="Institution", column=False)
    institution_id: int | None = F(None, zh="所属机构", en="Institution", column=False)
    parent_id: int | None = F(None, zh="上级科室", en="Parent", column=False)
    code: str = F(zh="科室编号", en="Code")
    name: str = F(zh="科室名称", en="Name")
    leader: str | None = F(None, zh="负责人", en="Leader")
    phone: str | None = F(None, zh="联系电话", en="Phone")
    sort: int = F(zh="排序", en="Sort")
    status: Status = F(zh="状态", en="Status")
    remark: str | None = F(None, zh="备注", en="Remark", column=False)
    created_at: dt.datetime = F(zh="创建时间", en="Created at")


class DepartmentCreate(AppModel):
    tenant_id: int | None = F(None, zh="机构", en="Institution", ge=1, le=2**62, widget="tenant-select")
    institution_id: int | None = F(None, zh="所属机构", en="Institution", ge=1, le=2**62, widget="institution-select")
    parent_id: int | None = F(None, zh="上级科室", en="Parent", ge=1, le=2**62, widget="department-select")
    code: str = F(zh="科室编号", en="Code", pattern=r"^[A-Za-z0-9_-]{1,32}$")
    name: str = F(zh="科室名称", en="Name", min_length=1, max_length=64)
    leader: str | None = F(None, zh="负责人", en="Leader", max_length=32)
    phone: Phone = F(None, zh="联系电话", en="Phone")
    sort: int = F(0, zh="排序", en="Sort", ge=0, le=9999)
    status: Status = F(Status.ENABLED, zh="状态", en="Status")
    remark: Text = F(None, zh="备注", en="Remark", max_length=500, widget="textarea")


class DepartmentUpdate(AppModel):
    institution_id: int | None = F(None, zh="所属机构", en="Institution", ge=1, le=2**62)
    parent_id: int | None = F(None, zh="上级科室", en="Parent", ge=1, le=2**62)
    name: str | None = F(None, zh="科室名称", en="Name", min_length=1, max_length=64)
    leader: str | None = F(None, zh="负责人", en="Leader", max_length=32)
    phone: Phone = F(None, zh="联系电话", en="Phone")
    sort: int | None = F(None, zh="排序", en="Sort", ge=0, le=9999)
    status: Status | None = F(None, zh="状态", en="Status")
    remark: Text = F(None, zh="备注", en="Remark", max_length=500)
