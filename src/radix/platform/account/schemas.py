from __future__ import annotations

import datetime as dt

from radix.core.schemas import AppModel, F, Status, Id
from radix.platform.account.models import Gender
from radix.platform.rules import AccountName, Password, Phone, Text


class AccountRead(AppModel):
    id: int = F(zh="编号", en="ID")
    tenant_id: int = F(zh="机构", en="Institution", column=False)
    tenant_name: str | None = F(None, zh="机构名称", en="Institution")
    username: str = F(zh="账号", en="Username")
    name: str = F(zh="姓名", en="Name")
    phone: str | None = F(None, zh="手机号", en="Phone", masked="phone")
    email: str | None = F(None, zh="邮箱", en="Email", column=False)
    id_number: str | None = F(None, zh="身份证号", en="ID number", masked="idcard", column=False)
    gender: Gender = F(zh="性别", en="Gender", column=False)
    title: str | None = F(None, zh="职称", en="Title")
    person_type: str | None = F(None, zh="人员类型", en="Person type", dict="person_type", column=False)
    institution_id: int | None = F(None, zh="所属机构", en="Institution", column=False)
    department_id: int | None = F(None, zh="所属科室", en="Department", column=False)
    department_name: str | None = F(None, zh="科室", en="Department")
    role_ids: list[int] = F(default_factory=list, zh="角色", en="Roles", column=False)
    role_names: list[str] = F(default_factory=list, zh="角色权限", en="Roles")
    status: Status = F(zh="状态", en="Status")
    is_admin: bool = F(False, zh="租户管理员", en="Tenant admin", column=False)
    last_login_at: dt.datetime | None = F(None, zh="最后登录", en="Last login")
    remark: str | None = F(None, zh="备注", en="Remark", column=False)
    created_at: dt.datetime = F(zh="创建时间", en="Created at")


class AccountCreate(AppModel):
    tenant_id: int | None = F(None, zh="机构", en="Institution", ge=1, le=2**62, widget="tenant-select",
                              description="区域管理员可为区域内机构创建账号；不填为本机构")
    username: AccountName = F(zh="账号", en="Username", description="3-20个字符，不能包含中文")
    name: str = F(zh="姓名", en="Name", min_length=1, max_length=32)
    phone: Phone = F(None, zh="手机号", en="Phone", description="11位数字")
    email: str | None = F(None, zh="邮箱", en="Email", max_length=100, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    id_number: str | None = F(None, zh="身份证号", en="ID number", pattern=r"^\d{17}[\dXx]$")
    gender: Gender = F(Gender.UNKNOWN, zh="性别", en="Gender")
    title: str | None = F(None, zh="职称", en="Title", max_length=32)
    person_type: str | None = F(None, zh="人员类型", en="Person type", dict="person_type", max_length=32)
    institution_id: int | None = F(None, zh="所属机构", en="Institution", ge=1, le=2**62, widget="institution-select")
    department_id: int | None = F(None, zh="所属科室", en="Department", ge=1, le=2**62, widget="department-select")
    password: Password = F(zh="登录密码", en="Password", widget="password", description="6-12位数字和字母的组合")
    confirm_password: str | None = F(None, zh="确认密码", en="Confirm password", widget="password", max_length=64)
    role_ids: list[Id] = F(default_factory=list, zh="角色", en="Roles", max_length=50, widget="role-select")
    status: Status = F(Status.ENABLED, zh="状态", en="Status")
    remark: Text = F(None, zh="备注", en="Remark", max_length=500, widget="textarea")



class AccountUpdate(AppModel):
    """The username cannot change (manual 4 §8.1.2.4)."""

    name: str | None = F(None, zh="姓名", en="Name", min_length=1, max_length=32)
    phone: Phone = F(None, zh="手机号", en="Phone")
    email: str | None = F(None, zh="邮箱", en="Email", max_length=100, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    id_number: str | None = F(None, zh="身份证号", en="ID number", pattern=r"^\d{17}[\dXx]$")
    gender: Gender | None = F(None, zh="性别", en="Gender")
    title: str | None = F(None, zh="职称", en="Title", max_length=32)
    person_type: str | None = F(None, zh="人员类型", en="Person type", dict="person_type", max_length=32)
    institution_id: int | None = F(None, zh="所属机构", en="Institution", ge=1, le=2**62)
    department_id: int | None = F(None, zh="所属科室", en="Department", ge=1, le=2**62)
    role_ids: list[Id] | None = F(None, zh="角色", en="Roles", max_length=50)
    remark: Text = F(None, zh="备注", en="Remark", max_length=500)


class AccountSensitive(AppModel):
    id: int
    phone: str | None
    id_number: str | None


class AccountImport(AppModel):
    """One row of 医生批量导入 (the template's columns)."""

    username: AccountName = F(zh="账号", en="Username")
    name: str = F(zh="姓名", en="Name", min_length=1, max_length=32)
    phone: Phone = F(None, zh="手机号", en="Phone")
    email: str | None = F(None, zh="邮箱", en="Email", max_length=100)
    gender: Gender = F(Gender.UNKNOWN, zh="性别", en="Gender")
    title: str | None = F(None, zh="职称", en="Title", max_length=32)
    person_type: str | None = F(None, zh="人员类型", en="Person type", max_length=32)
    password: Password = F(zh="登录密码", en="Password")
    role_names: str | None = F(None, zh="角色", en="Roles", max_length=200, description="多个角色用逗号分隔")
    remark: Text = F(None, zh="备注", en="Remark", max_length=500)
