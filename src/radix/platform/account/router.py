from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from radix.core.audit import audit
from radix.core.errors import Forbidden
from radix.core.resource import Ctx
from radix.core.schemas import Status
from radix.core.security import Principal, current_principal, get_session, require
from radix.platform.account import service
from radix.platform.account.models import Account, SessionEndReason
from radix.platform.account.resource import resource
from radix.platform.account.schemas import AccountRead, AccountSensitive
from radix.platform.auth import service as auth_service
from radix.platform.log import service as log_service
from radix.platform.tenant.schemas import ResetPasswordIn, StatusIn

router = APIRouter(prefix="/platform/accounts", tags=["账号"])


@router.post("/{id}/reset-password", dependencies=[require("platform:account:resetPwd"), audit("RESET_PASSWORD", "账号")],
             summary="重置账号密码（管理员）")
def reset_password(data: ResetPasswordIn, account: Account = resource.load, session: Session = get_session) -> dict[str, str]:
    service.check_confirm(data.password, data.confirm_password)
    service.check_password(session, account.tenant_id, data.password)
    service.set_password(session, account, data.password)
    auth_service.end_account_sessions(session, account.id, SessionEndReason.REVOKED)
    return {"code": "OK", "message": f"已重置账号 {account.username} 的密码"}


@router.post("/{id}/status", response_model=AccountRead,
             dependencies=[require("platform:account:status"), audit("UPDATE", "账号状态")], summary="启用或禁用账号")
def set_status(data: StatusIn, account: Account = resource.load, session: Session = get_session,
               principal: Principal = current_principal) -> Any:
    if account.id == principal.account_id and data.status == Status.DISABLED:
        raise Forbidden("不能禁用当前登录的账号", code="SELF_ACCOUNT")
    account.status = data.status
    session.flush()
    if data.status == Status.DISABLED:
        auth_service.end_account_sessions(session, account.id, SessionEndReason.REVOKED)
    return resource.service.read(Ctx(session, principal, None), account)


@router.get("/{id}/sensitive", response_model=AccountSensitive, dependencies=[require("platform:account:unmask")],
            summary="查看未脱敏的手机号和身份证号（记入访问日志）")
def sensitive(request: Request, account: Account = resource.load, session: Session = get_session,
              principal: Principal = current_principal) -> Any:
    log_service.record_view(session, request, principal, page="/system/account", title="查看账号敏感信息",
                            target_type="account", target_id=account.id)
    return {"id": account.id, "phone": account.phone, "idNumber": account.id_number}
