from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session

from radix.config import get_settings
from radix.core import audit
from radix.core.errors import Invalid
from radix.core.security import Principal, current_principal, get_session, public, require, verify_password
from radix.core.tenancy import SYSTEM, scoped
from radix.platform.account import service as account_service
from radix.platform.account.models import Account, SessionEndReason
from radix.platform.auth import service
from radix.platform.auth.schemas import AccessIn, ChangePasswordIn, LoginIn, LoginOut, PreferencesIn
from radix.platform.log import service as log_service
from radix.platform.settings import service as settings_service

router = APIRouter(prefix="/auth", tags=["登录"])


@router.post("/login", response_model=LoginOut, dependencies=[public()], summary="登录")
def login(data: LoginIn, request: Request, response: Response, session: Session = get_session) -> Any:
    audit.skip(request)
    token, auth, principal = service.login(
        session,
        tenant_text=data.tenant,
        username=data.username,
        password=data.password,
        agree=data.agree_terms,
        ip=audit.client_ip(request.scope),
        user_agent=request.headers.get("user-agent"),
    )
    settings = get_settings()
    response.set_cookie(
        settings.cookie_name,
        token,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        max_age=settings.session_max_hours * 3600,
        path="/",
    )
    return {"token": token, "expiresAt": auth.expires_at.isoformat(), "me": service.me(session, principal)}


@router.post("/logout", dependencies=[require(), audit.audit("LOGOUT", "登录")], summary="退出登录")
def logout(request: Request, response: Response, session: Session = get_session) -> dict[str, str]:
    service.logout(session, service.token_from(request))
    response.delete_cookie(get_settings().cookie_name, path="/")
    return {"code": "OK", "message": "已退出登录"}


@router.get("/me", dependencies=[require()], summary="当前用户、权限与菜单")
def me(session: Session = get_session, principal: Principal = current_principal) -> dict[str, Any]:
    return service.me(session, principal)


@router.post("/password", dependencies=[require(), audit.audit("UPDATE", "修改密码")], summary="修改自己的密码")
def change_password(
    data: ChangePasswordIn, session: Session = get_session, principal: Principal = current_principal
) -> dict[str, str]:
    with scoped(session, SYSTEM):
        account = session.get(Account, principal.account_id)
        assert account is not None
        if not verify_password(account.password_hash, data.old_password):
            raise Invalid.field("oldPassword", "原密码不正确", code="BAD_OLD_PASSWORD")
        account_service.check_confirm(data.new_password, data.confirm_password)
        if data.new_password == data.old_password:
            raise Invalid.field("newPassword", "新密码不能与原密码相同")
        account_service.check_password(session, principal.tenant_id, data.new_password, field="newPassword")
        account_service.set_password(session, account, data.new_password)
        service.end_account_sessions(session, account.id, SessionEndReason.LOGOUT, keep=principal.session_id)
    return {"code": "OK", "message": "密码已修改"}


@router.patch("/preferences", dependencies=[require(), audit.audit("UPDATE", "个人偏好")], summary="保存个人偏好（导航模式、语言…）")
def preferences(data: PreferencesIn, session: Session = get_session, principal: Principal = current_principal) -> dict[str, Any]:
    with scoped(session, SYSTEM):
        account = session.get(Account, principal.account_id)
        assert account is not None
        merged = dict(account.preferences or {})
        merged.update(data.model_dump(by_alias=True, exclude_unset=True))
        account.preferences = merged
        session.flush()
    return merged


@router.post("/access", dependencies=[require()], summary="记录页面访问（访问日志）", status_code=201)
def record_access(
    data: AccessIn, request: Request, session: Session = get_session, principal: Principal = current_principal
) -> dict[str, str]:
    audit.skip(request)
    log_service.record_access(
        session,
        tenant_id=principal.tenant_id,
        tenant_name=principal.tenant_name,
        account_id=principal.account_id,
        username=principal.username,
        ip=audit.client_ip(request.scope),
        user_agent=request.headers.get("user-agent"),
        kind="record" if data.target_id else "page",
        page=data.page,
        title=data.title,
        target_type=data.target_type,
        target_id=data.target_id,
    )
    return {"code": "OK", "message": "已记录"}


public_router = APIRouter(prefix="/public", tags=["公开"])


@public_router.get("/site", dependencies=[public()], summary="登录页信息（站点名称、协议；带 tid 时含租户）")
def site(tid: str | None = Query(None, max_length=64), session: Session = get_session) -> dict[str, Any]:
    return settings_service.public_site(session, tid)
