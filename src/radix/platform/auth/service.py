"""Login, sessions and the principal (manual 1 §三.1, manual 4 §三.1, manual 3 §四.1.1)."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import sqlalchemy as sa
from fastapi import Request
from sqlalchemy.orm import Session

from radix.config import get_settings
from radix.core.audit import client_ip
from radix.core.db import utcnow
from radix.core.errors import AppError, Forbidden, Invalid, Unauthorized
from radix.core.schemas import Status
from radix.core.security import Principal, hash_token, new_token, verify_password
from radix.core.tenancy import SYSTEM, scoped
from radix.platform.account import service as account_service
from radix.platform.account.models import Account, AuthSession, SessionEndReason
from radix.platform.app import service as app_service
from radix.platform.auth import grants as grants_cache
from radix.platform.log import service as log_service
from radix.platform.menu import service as menu_service
from radix.platform.role.models import Role
from radix.platform.security import service as security_service
from radix.platform.security.models import SecurityPolicy
from radix.platform.tenant import service as tenant_service
from radix.platform.tenant.models import Tenant, TenantKind

SESSION_REPLACED_MESSAGE = "您的账号已在其他地点登录，当前登录已被迫下线。如果这不是你本人的操作，请及时修改密码！"
LAST_SEEN_RESOLUTION = dt.timedelta(seconds=30)


class LoginFailed(AppError):
    status_code = 401
    code = "BAD_CREDENTIALS"
    message = "用户名或密码错误"


def token_from(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        token = header[7:].strip()
        if token:
            return token
    return request.cookies.get(get_settings().cookie_name) or None


# --- login -----------------------------------------------------------------------------------------


def login(
    session: Session,
    *,
    tenant_text: str,
    username: str,
    password: str,
    agree: bool,
    ip: str | None,
    user_agent: str | None,
) -> tuple[str, AuthSession, Principal]:
    """Check everything the manuals ask of a login; on failure the attempt is logged (and the
    failure counter kept) before the error is raised."""
    tenant: Tenant | None = None
    account: Account | None = None

    def fail(exc: AppError) -> AppError:
        log_service.record_login(
            session,
            tenant_id=tenant.id if tenant else None,
            tenant_name=tenant.name if tenant else None,
            tenant_input=tenant_text,
            account_id=account.id if account else None,
            username=username,
            ip=ip,
            user_agent=user_agent,
            success=False,
            code=exc.code,
            message=exc.message,
        )
        session.commit()
        return exc

    if not agree:
        raise fail(Invalid.field("agreeTerms", "请阅读并同意《隐私政策》和《用户协议》", code="TERMS_NOT_ACCEPTED"))
    tenant = tenant_service.find_for_login(session, tenant_text)
    if tenant is None:
        raise fail(LoginFailed("机构不存在，请检查填写的租户名称、机构名称或机构 ID", code="TENANT_NOT_FOUND"))
    with scoped(session, SYSTEM):
        account = session.scalar(
            sa.select(Account)
            .where(Account.tenant_id == tenant.id, sa.or_(Account.username == username, Account.phone == username))
            .order_by(sa.case((Account.username == username, 0), else_=1))
            .limit(1)
        )
        policy = security_service.get(session, tenant.id)
        now = utcnow()
        if account is not None and account.locked_until is not None and account.locked_until > now:
            minutes = max(1, int((account.locked_until - now).total_seconds() // 60) + 1)
            raise fail(Forbidden(f"密码错误次数过多，账号已锁定，请 {minutes} 分钟后再试", code="ACCOUNT_LOCKED"))
        if account is None or not verify_password(account.password_hash, password):
            if account is not None:
                account.failed_logins = (account.failed_logins or 0) + 1
                if policy.lockout_enabled and account.failed_logins >= policy.lockout_threshold:
                    account.locked_until = now + dt.timedelta(minutes=policy.lockout_minutes)
                    account.failed_logins = 0
                    raise fail(
                        Forbidden(
                            f"密码连续错误 {policy.lockout_threshold} 次，账号已锁定 {policy.lockout_minutes} 分钟",
                            code="ACCOUNT_LOCKED",
                        )
                    )
                left = policy.lockout_threshold - account.failed_logins if policy.lockout_enabled else None
                if left is not None and left <= 2:
                    raise fail(LoginFailed(f"用户名或密码错误，再错 {left} 次账号将被锁定"))
            raise fail(LoginFailed())
        if tenant.status != Status.ENABLED:
            raise fail(Forbidden("机构已被禁用，无法登录", code="TENANT_DISABLED"))
        if account.status != Status.ENABLED:
            raise fail(Forbidden("账号已被禁用，请联系管理员", code="ACCOUNT_DISABLED"))
        if not security_service.ip_allowed(session, policy, ip):
            raise fail(Forbidden(f"当前 IP（{ip}）不在允许登录的范围内", code="IP_NOT_ALLOWED"))
        menus = _effective_menus(session, tenant, account)
        if not menus:
            raise fail(Forbidden("该账号未配置任何菜单权限，无法登录，请联系管理员", code="NO_MENU"))

        if policy.single_session_enabled:
            end_account_sessions(session, account.id, SessionEndReason.REPLACED)
        token = new_token()
        auth = AuthSession(
            token_hash=hash_token(token),
            account_id=account.id,
            tenant_id=tenant.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + dt.timedelta(hours=get_settings().session_max_hours),
            ip=ip,
            user_agent=(user_agent or "")[:255] or None,
        )
        session.add(auth)
        account.failed_logins = 0
        account.locked_until = None
        account.last_login_at = now
        account.last_login_ip = ip
        session.flush()
        log_service.record_login(
            session,
            tenant_id=tenant.id,
            tenant_name=tenant.name,
            tenant_input=tenant_text,
            account_id=account.id,
            username=account.username,
            ip=ip,
            user_agent=user_agent,
            success=True,
            code="OK",
            message="登录成功",
        )
        principal = build_principal(session, auth, tenant, account, policy)
    return token, auth, principal


def end_account_sessions(session: Session, account_id: int, reason: SessionEndReason, *, keep: int | None = None) -> int:
    stmt = sa.update(AuthSession).where(AuthSession.account_id == account_id, AuthSession.ended_at.is_(None))
    if keep is not None:
        stmt = stmt.where(AuthSession.id != keep)
    return session.execute(stmt.values(ended_at=utcnow(), end_reason=reason)).rowcount or 0


def end_tenant_sessions(session: Session, tenant_id: int) -> int:
    stmt = sa.update(AuthSession).where(AuthSession.tenant_id == tenant_id, AuthSession.ended_at.is_(None))
    return session.execute(stmt.values(ended_at=utcnow(), end_reason=SessionEndReason.REVOKED)).rowcount or 0


def logout(session: Session, token: str | None) -> None:
    if not token:
        return
    session.execute(
        sa.update(AuthSession)
        .where(AuthSession.token_hash == hash_token(token), AuthSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=SessionEndReason.LOGOUT)
    )


# --- every request ------------------------------------------------------------------------------------


def _enabled_role_ids(session: Session, account: Account) -> list[int]:
    return list(
        session.scalars(
            sa.select(Role.id)
            .where(Role.id.in_(account_service.role_ids_of(session, account.id)), Role.status == Status.ENABLED)
        )
    )


def _effective_menus(session: Session, tenant: Tenant, account: Account) -> set[int]:
    return menu_service.effective_menu_ids(
        session,
        tenant_id=tenant.id,
        tenant_kind=tenant.kind.value,
        role_ids=_enabled_role_ids(session, account),
        valid_apps=app_service.valid_app_codes(session, tenant.id),
    )


@functools.cache
def _session_lookup() -> sa.Select:
    """A token's session with its tenant, account and security policy, built once (it runs before every
    request; building the statement each time cost a quarter of the check)."""
    return (
        sa.select(AuthSession, Tenant, Account, SecurityPolicy)
        .outerjoin(Tenant, Tenant.id == AuthSession.tenant_id)
        .outerjoin(Account, Account.id == AuthSession.account_id)
        .outerjoin(SecurityPolicy, SecurityPolicy.tenant_id == AuthSession.tenant_id)
        .where(AuthSession.token_hash == sa.bindparam("token_hash"))
    )


def authenticate(request: Request, session: Session) -> Principal:
    """The platform's authenticator: token → live session → principal (registered in core.security)."""
    token = token_from(request)
    if not token:
        raise Unauthorized()
    now = utcnow()
    with scoped(session, SYSTEM):
        # the session with its tenant and account in one round trip (this runs before every request)
        row = session.execute(_session_lookup(), {"token_hash": hash_token(token)}).first()
        if row is None:
            raise Unauthorized("登录已失效，请重新登录", code="SESSION_INVALID")
        auth, tenant, account, stored_policy = row
        if auth.ended_at is not None:
            if auth.end_reason == SessionEndReason.REPLACED:
                raise Unauthorized(SESSION_REPLACED_MESSAGE, code="SESSION_REPLACED")
            if auth.end_reason == SessionEndReason.IDLE:
                raise Unauthorized("长时间未操作，已自动退出，请重新登录", code="SESSION_EXPIRED")
            if auth.end_reason == SessionEndReason.REVOKED:
                raise Unauthorized("登录已被管理员终止，请重新登录", code="SESSION_REVOKED")
            raise Unauthorized("登录已失效，请重新登录", code="SESSION_INVALID")
        if auth.expires_at <= now:
            _end(session, auth, SessionEndReason.EXPIRED)
            raise Unauthorized("登录已过期，请重新登录", code="SESSION_EXPIRED")
        if tenant is None or account is None or tenant.status != Status.ENABLED or account.status != Status.ENABLED:
            _end(session, auth, SessionEndReason.REVOKED)
            raise Unauthorized("账号已被禁用，请联系管理员", code="ACCOUNT_DISABLED")
        policy = stored_policy if stored_policy is not None else security_service.defaults(tenant.id)
        if policy.auto_logout_enabled and now - auth.last_seen_at > dt.timedelta(minutes=policy.auto_logout_minutes):
            _end(session, auth, SessionEndReason.IDLE)
            raise Unauthorized("长时间未操作，已自动退出，请重新登录", code="SESSION_EXPIRED")
        ip = client_ip(request.scope)
        if not security_service.ip_allowed(session, policy, ip):
            raise Forbidden(f"当前 IP（{ip}）不在允许访问的范围内", code="IP_NOT_ALLOWED")
        if now - auth.last_seen_at > LAST_SEEN_RESOLUTION:
            auth.last_seen_at = now
            session.flush()
        return build_principal(session, auth, tenant, account, policy)


def build_principal(session: Session, auth: AuthSession, tenant: Tenant, account: Account, policy: Any) -> Principal:
    now = utcnow()

    def compute() -> grants_cache.Grants:
        with scoped(session, SYSTEM):
            menus = _effective_menus(session, tenant, account)
            cat = menu_service.catalog(session)
            return grants_cache.Grants(
                menus=frozenset(menus),
                permissions=frozenset(menu_service.permissions_of(cat, menus)),
                scope=tenant_service.scope_for(session, tenant, actor=account.username, account_id=account.id),
            )

    grants = grants_cache.get((str(session.get_bind().url), tenant.id, account.id), compute)
    menus, permissions, scope = grants.menus, grants.permissions, grants.scope
    with scoped(session, SYSTEM):
        must_change = bool(
            policy.password_expiry_enabled
            and account.password_changed_at is not None
            and now - account.password_changed_at > dt.timedelta(days=policy.password_expiry_days)
        )
    return Principal(
        account_id=account.id,
        username=account.username,
        name=account.name,
        tenant_id=tenant.id,
        tenant_code=tenant.code,
        tenant_name=tenant.name,
        tenant_kind=tenant.kind.value,
        scope=scope,
        permissions=permissions,
        session_id=auth.id,
        is_admin=account.is_admin,
        must_change_password=must_change,
        extra={"menu_ids": menus},
    )


def _end(session: Session, auth: AuthSession, reason: SessionEndReason) -> None:
    auth.ended_at = utcnow()
    auth.end_reason = reason
    session.flush()
    session.commit()


def me(session: Session, principal: Principal) -> dict[str, Any]:
    with scoped(session, SYSTEM):
        account = session.get(Account, principal.account_id)
        tenant = session.get(Tenant, principal.tenant_id)
        assert account is not None and tenant is not None
        cat = menu_service.catalog(session)
        menu_ids: set[int] = principal.extra.get("menu_ids", set())
        roles = account_service.roles_by_account(session, [account.id]).get(account.id, [])
        policy = security_service.get(session, tenant.id)
        cards = app_service.app_cards(session, tenant.id)
    return {
        "user": {
            "id": account.id,
            "username": account.username,
            "name": account.name,
            "phone": account_service.mask_phone(account.phone),
            "email": account.email,
            "isAdmin": account.is_admin,
            "roles": [{"id": r.id, "name": r.name, "key": r.key} for r in roles],
            "lastLoginAt": account.last_login_at.isoformat() if account.last_login_at else None,
            "lastLoginIp": account.last_login_ip,
            "mustChangePassword": principal.must_change_password,
            "preferences": account.preferences or {},
        },
        "tenant": {
            "id": tenant.id,
            "code": tenant.code,
            "name": tenant.name,
            "shortName": tenant.short_name,
            "kind": tenant.kind.value,
            "kindLabel": tenant.kind.zh,
            "loginUrl": tenant_service.login_url(tenant),
        },
        "permissions": sorted(principal.permissions),
        "menus": menu_service.tree(cat, menu_ids, buttons=False),
        "apps": [c for c in cards if c["opened"]],
        "policy": {
            "autoLogoutMinutes": policy.auto_logout_minutes if policy.auto_logout_enabled else None,
            "singleSession": policy.single_session_enabled,
        },
    }


def is_platform_tenant(tenant: Tenant) -> bool:
    return tenant.kind == TenantKind.PLATFORM
