"""安全策略 and IP登录限制."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from radix.core.audit import client_ip
from radix.core.errors import Invalid
from radix.core.listing import Filter
from radix.core.resource import CrudService, Ctx, Resource, Unique
from radix.core.security import Principal
from radix.core.singleton import Singleton
from radix.platform.security import service
from radix.platform.security.models import IpRule, SecurityPolicy
from radix.platform.security.schemas import (
    IpRuleCreate,
    IpRuleRead,
    IpRuleUpdate,
    SecurityPolicyRead,
    SecurityPolicyUpdate,
)


def _defaults() -> dict[str, Any]:
    policy = service.defaults()
    return {c.key: getattr(policy, c.key) for c in SecurityPolicy.__table__.columns if c.key not in ("id", "tenant_id")
            and getattr(policy, c.key) is not None}


def _before_save(session: Session, principal: Principal, row: Any, values: dict[str, Any], request: Request) -> None:
    values = {k: v for k, v in values.items() if v is not None}
    merged_min = values.get("password_min_length", row.password_min_length)
    merged_max = values.get("password_max_length", row.password_max_length)
    if merged_min is not None and merged_max is not None and merged_min > merged_max:
        raise Invalid.field("passwordMinLength", "密码最小长度不能大于最大长度")
    if values.get("ip_limit_enabled") and not row.ip_limit_enabled and row.tenant_id == principal.tenant_id:
        # switching the allowlist on must not lock out the administrator doing it
        probe = SecurityPolicy(tenant_id=row.tenant_id, ip_limit_enabled=True)
        ip = client_ip(request.scope)
        if not service.ip_allowed(session, probe, ip):
            raise Invalid.field("ipLimitEnabled", f"请先把当前 IP（{ip}）加入允许列表，否则开启后将无法登录",
                                code="IP_LOCKOUT_PREVENTED")


def _clean(session: Session, principal: Principal, row: Any, values: dict[str, Any], request: Request) -> None:
    for key in [k for k, v in values.items() if v is None]:
        values.pop(key)
    _before_save(session, principal, row, values, request)


policy = Singleton(
    name="security_policy",
    path="/platform/security-policy",
    model=SecurityPolicy,
    read=SecurityPolicyRead,
    update=SecurityPolicyUpdate,
    perm="platform:security",
    zh="安全策略",
    en="Security policy",
    defaults=_defaults,
    before_save=_clean,
)


class IpRuleService(CrudService):
    def values(self, ctx: Ctx, data: Any, *, partial: bool) -> dict[str, Any]:
        values = super().values(ctx, data, partial=partial)
        return {k: v for k, v in values.items() if v is not None or k == "remark"}


ip_rules = Resource(
    name="ip_rule",
    path="/platform/security-policy/ip-rules",
    model=IpRule,
    read=IpRuleRead,
    create=IpRuleCreate,
    update=IpRuleUpdate,
    perm="platform:security",
    zh="IP登录限制",
    en="IP allowlist",
    filters=[Filter("cidr", op="contains", zh="IP 地址", en="IP"), Filter("enabled", op="eq", type=bool, zh="启用", en="Enabled")],
    sortable=["createdAt", "cidr"],
    unique=[Unique(("cidr",), "该 IP 已在列表中")],
    service=IpRuleService(),
    exportable=False,
)


def api_routers() -> list[APIRouter]:
    return [policy.router(), ip_rules.router()]
