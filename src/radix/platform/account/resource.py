from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from radix.core.errors import Forbidden, Invalid
from radix.core.listing import Filter
from radix.core.resource import Action, CrudService, Ctx, Resource, Unique
from radix.core.schemas import Status
from radix.platform.account import service
from radix.platform.account.models import Account, account_role
from radix.platform.account.schemas import AccountCreate, AccountImport, AccountRead, AccountUpdate
from radix.platform.department.models import Department
from radix.platform.institution.models import Institution
from radix.platform.role.models import Role
from radix.platform.tenant.schemas import ResetPasswordIn, StatusIn


def _by_role(stmt: sa.Select, value: Any) -> sa.Select:
    return stmt.where(Account.id.in_(sa.select(account_role.c.account_id).where(account_role.c.role_id == int(value))))


def _tenant_name(stmt: sa.Select, value: Any) -> sa.Select:
    from radix.core.db import escape_like
    from radix.platform.tenant.models import Tenant

    return stmt.where(
        Account.tenant_id.in_(sa.select(Tenant.id).where(Tenant.name.ilike(f"%{escape_like(str(value))}%", escape="\\")))
    )


class AccountService(CrudService):
    import_schema = AccountImport

    def extras(self, ctx: Ctx, objs: list[Any]) -> dict[int, dict[str, Any]]:
        roles = service.roles_by_account(ctx.session, [o.id for o in objs])
        dept_ids = {o.department_id for o in objs if o.department_id}
        depts = dict(ctx.session.execute(
            sa.select(Department.id, Department.name).where(Department.id.in_(dept_ids))).all()) if dept_ids else {}
        return {
            o.id: {
                "phone": service.mask_phone(o.phone),
                "id_number": service.mask_id_number(o.id_number),
                "department_name": depts.get(o.department_id),
                "role_ids": [r.id for r in roles.get(o.id, [])],
                "role_names": [r.name for r in roles.get(o.id, [])],
            }
            for o in objs
        }

    def _check_refs(self, ctx: Ctx, tenant_id: int, values: dict[str, Any]) -> None:
        if values.get("department_id"):
            dept = ctx.session.get(Department, values["department_id"])
            if dept is None or dept.tenant_id != tenant_id:
                raise Invalid.field("departmentId", "科室不存在或不属于该机构")
        if values.get("institution_id"):
            inst = ctx.session.get(Institution, values["institution_id"])
            if inst is None or inst.tenant_id != tenant_id:
                raise Invalid.field("institutionId", "机构不存在或不属于该租户")

    def create(self, ctx: Ctx, data: Any) -> Any:
        tenant_id = data.tenant_id or ctx.principal.tenant_id
        if not ctx.principal.scope.can_see(tenant_id):
            raise Invalid.field("tenantId", "机构不存在")
        values = data.model_dump(exclude={"password", "confirm_password", "role_ids", "tenant_id"})
        service.check_confirm(data.password, getattr(data, "confirm_password", None))
        service.check_password(ctx.session, tenant_id, data.password)
        service.check_unique(ctx.session, tenant_id, username=data.username, phone=data.phone, exclude=None)
        self._check_refs(ctx, tenant_id, values)
        from radix.core.security import hash_password
        from radix.core.db import utcnow

        account = Account(**values, tenant_id=tenant_id, password_hash=hash_password(data.password),
                          password_changed_at=utcnow(), preferences={}, is_admin=False)
        ctx.session.add(account)
        ctx.session.flush()
        service.set_roles(ctx.session, account, data.role_ids)
        return account

    def update(self, ctx: Ctx, obj: Any, data: Any) -> Any:
        values = data.model_dump(exclude_unset=True, exclude={"role_ids"})
        if "name" in values and values["name"] is None:
            values.pop("name")
        if "gender" in values and values["gender"] is None:
            values.pop("gender")
        service.check_unique(ctx.session, obj.tenant_id, username=None, phone=values.get("phone"), exclude=obj.id)
        self._check_refs(ctx, obj.tenant_id, values)
        for key, value in values.items():
            setattr(obj, key, value)
        if data.role_ids is not None:
            if obj.id == ctx.principal.account_id and obj.is_admin:
                admin_role = ctx.session.scalar(sa.select(Role.id).where(Role.tenant_id == obj.tenant_id, Role.key == "super_admin"))
                if admin_role not in data.role_ids:
                    raise Forbidden("不能移除自己的超级管理员角色", code="SELF_ACCOUNT")
            service.set_roles(ctx.session, obj, data.role_ids)
        ctx.session.flush()
        return obj

    def delete(self, ctx: Ctx, obj: Any) -> None:
        service.check_deletable(obj, ctx.principal.account_id)
        ctx.session.delete(obj)
        ctx.session.flush()

    def import_row(self, ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
        """医生批量导入: the role column holds role names; the confirm column is not needed."""
        names = values.pop("roleNames", None)
        if names:
            wanted = names if isinstance(names, list) else [n.strip() for n in str(names).replace("，", ",").split(",")]
            found = dict(ctx.session.execute(
                sa.select(Role.name, Role.id).where(Role.tenant_id == ctx.principal.tenant_id, Role.name.in_(wanted))
            ).all())
            missing = [n for n in wanted if n not in found]
            if missing:
                raise Invalid.field("roleNames", f"角色不存在：{'、'.join(missing)}")
            values["roleIds"] = [found[n] for n in wanted]
        return values


resource = Resource(
    name="account",
    path="/platform/accounts",
    model=Account,
    read=AccountRead,
    create=AccountCreate,
    update=AccountUpdate,
    perm="platform:account",
    zh="账号",
    en="Account",
    filters=[
        Filter("tenantId", op="eq", type=int, zh="机构名称", en="Institution", widget="tenant-select"),
        Filter("tenantName", op="custom", apply=_tenant_name, zh="机构名称", en="Institution name"),
        Filter("keyword", op="search", columns=("name", "username"), zh="姓名/账号", en="Name / username"),
        Filter("roleId", op="custom", type=int, apply=_by_role, zh="角色权限", en="Role", widget="role-select"),
        Filter("departmentId", op="eq", type=int, zh="科室", en="Department", widget="department-select"),
        Filter("status", op="eq", type=Status, zh="状态", en="Status"),
        Filter("createdAt", op="range", type=__import__("datetime").datetime, zh="创建时间", en="Created at"),
    ],
    sortable=["createdAt", "username", "name", "lastLoginAt"],
    service=AccountService(),
    unique=[Unique(("username",), "账号已存在"), Unique(("phone",), "手机号已被其他账号绑定")],
    importable=True,
    actions=[
        Action("resetPassword", "重置密码", "Reset password", "platform:account:resetPwd", "/{id}/reset-password",
               schema=ResetPasswordIn),
        Action("disable", "禁用账号", "Disable", "platform:account:status", "/{id}/status", schema=StatusIn,
               confirm="确认禁用该账号吗？禁用后无法登录", when={"status": ["enabled"]}),
        Action("enable", "启用账号", "Enable", "platform:account:status", "/{id}/status", schema=StatusIn,
               when={"status": ["disabled"]}),
        Action("unmask", "查看敏感信息", "Unmask", "platform:account:unmask", "/{id}/sensitive", method="GET"),
    ],
)
