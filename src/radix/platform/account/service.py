"""Accounts: creation rules (manual 4 §8.1.2.3), roles, passwords, status, masking (脱敏)."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from radix.core.db import utcnow
from radix.core.errors import Conflict, Forbidden, Invalid
from radix.core.schemas import Status
from radix.core.security import hash_password
from radix.platform.account.models import Account, account_role
from radix.platform.role.models import Role
from radix.platform.security import service as security_service
from radix.platform.tenant.models import Tenant


def check_password(session: Session, tenant_id: int | None, password: str, *, field: str = "password") -> None:
    policy = security_service.get(session, tenant_id)
    problems = security_service.password_problems(policy, password)
    if problems:
        raise Invalid(problems[0], code="PASSWORD_RULE", fields=[{"field": field, "message": "；".join(problems)}])


def check_confirm(password: str, confirm: str | None, field: str = "confirmPassword") -> None:
    if confirm is not None and confirm != password:
        raise Invalid.field(field, "两次输入的密码不一致", code="PASSWORD_MISMATCH")


def check_unique(session: Session, tenant_id: int, *, username: str | None, phone: str | None, exclude: int | None) -> None:
    if username:
        stmt = sa.select(Account.id).where(Account.tenant_id == tenant_id, Account.username == username)
        if exclude:
            stmt = stmt.where(Account.id != exclude)
        if session.scalar(stmt) is not None:
            raise Conflict("账号已存在", code="DUPLICATE", fields=[{"field": "username", "message": "账号已存在"}])
    if phone:
        stmt = sa.select(Account.id).where(Account.tenant_id == tenant_id, Account.phone == phone)
        if exclude:
            stmt = stmt.where(Account.id != exclude)
        if session.scalar(stmt) is not None:
            raise Conflict("手机号已被其他账号绑定", code="DUPLICATE", fields=[{"field": "phone", "message": "手机号已被其他账号绑定"}])


def role_ids_of(session: Session, account_id: int) -> list[int]:
    return list(session.scalars(sa.select(account_role.c.role_id).where(account_role.c.account_id == account_id)))


def roles_by_account(session: Session, account_ids: list[int]) -> dict[int, list[Role]]:
    if not account_ids:
        return {}
    rows = session.execute(
        sa.select(account_role.c.account_id, Role).join(Role, Role.id == account_role.c.role_id)
        .where(account_role.c.account_id.in_(account_ids)).order_by(Role.sort, Role.id)
    ).all()
    out: dict[int, list[Role]] = {}
    for aid, role in rows:
        out.setdefault(aid, []).append(role)
    return out


def set_roles(session: Session, account: Account, role_ids: Iterable[int]) -> None:
    """Assign roles: only enabled roles of the account's own tenant (manual 4 §8.1.2.3)."""
    wanted = list(dict.fromkeys(role_ids))
    if wanted:
        roles = session.scalars(sa.select(Role).where(Role.id.in_(wanted))).all()
        found = {r.id: r for r in roles}
        for rid in wanted:
            role = found.get(rid)
            if role is None or role.tenant_id != account.tenant_id:
                raise Invalid.field("roleIds", "角色不存在或不属于该机构")
            if role.status != Status.ENABLED:
                raise Invalid.field("roleIds", f"角色“{role.name}”已禁用，不能分配")
    current = set(role_ids_of(session, account.id))
    gone = current - set(wanted)
    if gone:
        session.execute(sa.delete(account_role).where(account_role.c.account_id == account.id, account_role.c.role_id.in_(gone)))
    new = [r for r in wanted if r not in current]
    if new:
        session.execute(sa.insert(account_role), [{"account_id": account.id, "role_id": r} for r in new])


def create_admin(
    session: Session, tenant: Tenant, *, username: str, password: str, name: str, phone: str | None, role: Role
) -> Account:
    account = Account(
        tenant_id=tenant.id,
        username=username,
        name=name,
        phone=phone,
        password_hash=hash_password(password),
        password_changed_at=utcnow(),
        is_admin=True,
        status=Status.ENABLED,
        preferences={},
    )
    session.add(account)
    session.flush()
    set_roles(session, account, [role.id])
    return account


def set_password(session: Session, account: Account, password: str) -> None:
    account.password_hash = hash_password(password)
    account.password_changed_at = utcnow()
    account.failed_logins = 0
    account.locked_until = None
    session.flush()


def check_deletable(account: Account, acting_account_id: int) -> None:
    if account.id == acting_account_id:
        raise Forbidden("不能删除当前登录的账号", code="SELF_ACCOUNT")
    if account.is_admin:
        raise Forbidden("租户管理员账号不能删除", code="ACCOUNT_ADMIN")
    if account.status != Status.DISABLED:
        raise Conflict("请先禁用该账号再删除", code="DELETE_REQUIRES_DISABLED")


def mask_phone(value: str | None) -> str | None:
    if not value:
        return value
    return value[:3] + "****" + value[-4:] if len(value) >= 7 else "*" * len(value)


def mask_id_number(value: str | None) -> str | None:
    if not value:
        return value
    return value[:6] + "********" + value[-4:] if len(value) >= 10 else "*" * len(value)
