from __future__ import annotations

import datetime as dt

from radix.core.schemas import AppModel, F, Status
from radix.platform.rules import InstitutionName, InstitutionShortName, Phone, Text


class InstitutionRead(AppModel):
    id: int = F(zh="编号", en="ID")
    tenant_id: int = F(zh="租户", en="Tenant", column=False)
    tenant_name: str | None = F(None, zh="所属租户", en="Tenant")
    parent_id: int | None = F(None, zh="上级机构", en="Parent", column=False)
    code: str = F(zh="机构编码", en="Code")
    name: str = F(zh="机构名称", en="Name")
    short_name: str | None = F(None, zh="机构简称", en="Short name")
    region: str | None = F(None, zh="所在地区", en="Area")
    hospital_type: str | None = F(None, zh="医院类型", en="Hospital type", dict="hospital_type")
    hospital_level: str | None = F(None, zh="医院等级", en="Hospital level", dict="hospital_level")
    address: str | None = F(None, zh="地址", en="Address")
    phone: str | None = F(None, zh="联系电话", en="Phone")
    website: str | None = F(None, zh="网址", en="Website", column=False)
    introduction: str | None = F(None, zh="机构简介", en="Introduction", column=False, widget="textarea")
    photos: list[str] = F(default_factory=list, zh="机构照片", en="Photos", column=False, widget="images")
    sort: int = F(zh="排序", en="Sort", column=False)
    status: Status = F(zh="状态", en="Status")
    remark: str | None = F(None, zh="备注", en="Remark", column=False)
    created_at: dt.datetime = F(zh="创建时间", en="Created at")


class InstitutionCreate(AppModel):
    """A sub-institution (创建子机构); the main institution is created with its tenant."""

    tenant_id: int | None = F(None, zh="所属租户", en="Tenant", ge=1, le=2**62, widget="tenant-select")
    parent_id: int | None = F(None, zh="上级机构", en="Parent", ge=1, le=2**62, widget="institution-select")
    code: str = F(zh="机构编码", en="Code", pattern=r"^[A-Za-z0-9_-]{2,32}$")
    name: InstitutionName = F(zh="机构名称", en="Name")
    short_name: InstitutionShortName | None = F(None, zh="机构简称", en="Short name")
    region: str | None = F(None, zh="所在地区", en="Area", max_length=64)
    hospital_type: str | None = F(None, zh="医院类型", en="Hospital type", dict="hospital_type", max_length=32)
    hospital_level: str | None = F(None, zh="医院等级", en="Hospital level", dict="hospital_level", max_length=32)
    address: Text = F(None, zh="地址", en="Address", max_length=200)
    phone: Phone = F(None, zh="联系电话", en="Phone")
    website: str | None = F(None, zh="网址", en="Website", max_length=200)
    introduction: Text = F(None, zh="机构简介", en="Introduction", max_length=5000, widget="textarea")
    sort: int = F(0, zh="排序", en="Sort", ge=0, le=9999)
    status: Status = F(Status.ENABLED, zh="状态", en="Status")
    remark: Text = F(None, zh="备注", en="Remark", max_length=500)


class InstitutionUpdate(AppModel):
    name: InstitutionName | None = F(None, zh="机构名称", en="Name")
    short_name: InstitutionShortName | None = F(None, zh="机构简称", en="Short name")
    region: str | None = F(None, zh="所在地区", en="Area", max_length=64)
    hospital_type: str | None = F(None, zh="医院类型", en="Hospital type", max_length=32)
    hospital_level: str | None = F(None, zh="医院等级", en="Hospital level", max_length=32)
    address: Text = F(None, zh="地址", en="Address", max_length=200)
    phone: Phone = F(None, zh="联系电话", en="Phone")
    website: str | None = F(None, zh="网址", en="Website", max_length=200)
    introduction: Text = F(None, zh="机构简介", en="Introduction", max_length=5000)
    sort: int | None = F(None, zh="排序", en="Sort", ge=0, le=9999)
    status: Status | None = F(None, zh="状态", en="Status")
    remark: Text = F(None, zh="备注", en="Remark", max_length=500)
