from __future__ import annotations

import datetime as dt
from typing import Any

from radix.core.schemas import AppModel, F, Status, Id
from radix.platform.app.models import BillingMode
from radix.platform.rules import AccountName, InstitutionName, InstitutionShortName, Password, Phone, Text
from radix.platform.tenant.models import TenantKind


class TenantRead(AppModel):
    id: int = F(zh="编号", en="ID")
    code: str = F(zh="机构码", en="Code")
    name: str = F(zh="机构名称", en="Name")
    short_name: str = F(zh="机构简称", en="Short name")
    kind: TenantKind = F(zh="租户类型", en="Type")
    parent_id: int | None = F(None, zh="上级区域", en="Region", column=False)
    parent_name: str | None = F(None, zh="上级区域", en="Region")
    region: str | None = F(None, zh="所在地区", en="Area")
    hospital_type: str | None = F(None, zh="医院类型", en="Hospital type", dict="hospital_type")
    hospital_level: str | None = F(None, zh="医院等级", en="Hospital level", dict="hospital_level")
    admin_username: str | None = F(None, zh="租户账号", en="Admin account")
    contact_name: str | None = F(None, zh="联系人", en="Contact")
    contact_phone: str | None = F(None, zh="联系电话", en="Contact phone", masked="phone")
    address: str | None = F(None, zh="地址", en="Address", column=False)
    login_url: str = F(zh="登录地址", en="Login URL")
    status: Status = F(zh="机构状态", en="Status")
    needs_implementation: bool = F(False, zh="需要实施", en="Needs implementation", column=False)
    remark: str | None = F(None, zh="备注", en="Remark", column=False)
    created_at: dt.datetime = F(zh="创建时间", en="Created at")


class TenantCreate(AppModel):
    name: InstitutionName = F(zh="机构名称", en="Name", description="3-20个字符")
    short_name: InstitutionShortName = F(zh="机构简称", en="Short name", description="3-10个字符")
    kind: TenantKind = F(TenantKind.NORMAL, zh="租户类型", en="Type")
    parent_id: int | None = F(None, zh="上级区域", en="Region", ge=1, le=2**62)
    code: str | None = F(None, zh="机构码", en="Code", pattern=r"^[A-Za-z0-9_-]{3,32}$",
                         description="登录地址 tid 后的机构码，不填则自动生成")
    region: str | None = F(None, zh="所在地区", en="Area", max_length=64)
    hospital_type: str | None = F(None, zh="医院类型", en="Hospital type", dict="hospital_type", max_length=32)
    hospital_level: str | None = F(None, zh="医院等级", en="Hospital level", dict="hospital_level", max_length=32)
    admin_username: AccountName = F(zh="租户账号", en="Admin account", description="3-20个字符，不能包含中文")
    admin_name: str | None = F(None, zh="管理员姓名", en="Admin name", max_length=32)
    password: Password = F(zh="密码", en="Password", widget="password", description="6-12位数字和字母的组合")
    confirm_password: str | None = F(None, zh="确认密码", en="Confirm password", widget="password", max_length=64)
    contact_name: str | None = F(None, zh="联系人", en="Contact", max_length=32)
    contact_phone: Phone = F(None, zh="联系电话", en="Contact phone")
    address: Text = F(None, zh="地址", en="Address", max_length=200)
    needs_implementation: bool = F(False, zh="需要实施", en="Needs implementation")
    remark: Text = F(None, zh="备注", en="Remark", max_length=500, widget="textarea")



class TenantUpdate(AppModel):
    """Tenant account (admin username), code and type cannot change (manual 4 §8.1.1.4)."""

    name: InstitutionName | None = F(None, zh="机构名称", en="Name")
    short_name: InstitutionShortName | None = F(None, zh="机构简称", en="Short name")
    region: str | None = F(None, zh="所在地区", en="Area", max_length=64)
    hospital_type: str | None = F(None, zh="医院类型", en="Hospital type", dict="hospital_type", max_length=32)
    hospital_level: str | None = F(None, zh="医院等级", en="Hospital level", dict="hospital_level", max_length=32)
    contact_name: str | None = F(None, zh="联系人", en="Contact", max_length=32)
    contact_phone: Phone = F(None, zh="联系电话", en="Contact phone")
    address: Text = F(None, zh="地址", en="Address", max_length=200)
    needs_implementation: bool | None = F(None, zh="需要实施", en="Needs implementation")
    remark: Text = F(None, zh="备注", en="Remark", max_length=500)


class StatusIn(AppModel):
    status: Status = F(zh="状态", en="Status")


class ResetPasswordIn(AppModel):
    password: Password = F(zh="新密码", en="New password", widget="password")
    confirm_password: str = F(zh="确认密码", en="Confirm password", widget="password", max_length=64)


class GrantIn(AppModel):
    checked: list[Id] = F(default_factory=list, zh="全选的菜单", en="Checked", max_length=5000)
    half_checked: list[Id] = F(default_factory=list, zh="半选的菜单", en="Half checked", max_length=5000)


class GrantOut(AppModel):
    tree: list[dict[str, Any]]
    checked: list[int]
    half_checked: list[int]


class AppOpenIn(AppModel):
    billing_mode: BillingMode = F(zh="付费方式", en="Billing mode")
    valid_from: dt.date = F(zh="生效日期", en="Valid from")
    valid_until: dt.date | None = F(None, zh="到期日期", en="Valid until")
    config: dict[str, Any] | None = F(None, zh="应用配置", en="Configuration")
    remark: Text = F(None, zh="备注", en="Remark", max_length=500)
