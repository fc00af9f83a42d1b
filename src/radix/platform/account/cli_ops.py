from __future__ import annotations

import sqlalchemy as sa

from radix.core.db import session_scope
from radix.core.errors import NotFound
from radix.core.tenancy import SYSTEM, set_scope
from radix.platform.account import service
from radix.platform.account.models import Account
from radix.platform.tenant import service as tenant_service


def reset_password(tenant_text: str, username: str, password: str) -> str:
    with session_scope() as s:
        set_scope(s, SYSTEM)
        tenant = tenant_service.find_for_login(s, tenant_text)
        if tenant is None:
            raise NotFound(f"租户不存在：{tenant_text}")
        account = s.scalar(sa.select(Account).where(Account.tenant_id == tenant.id, Account.username == username))
        if account is None:
            raise NotFound(f"账号不存在：{username}")
        service.check_password(s, tenant.id, password)
        service.set_password(s, account, password)
    return f"已重置 {tenant.code}/{username} 的密码"
