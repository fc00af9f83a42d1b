"""安全策略: idle logout, password validity and rules, lockout, IP allowlist, single session."""

from __future__ import annotations

import functools
import ipaddress
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from radix.core.tenancy import SYSTEM, scoped
from radix.platform.rules import CJK
from radix.platform.security.models import IpRule, SecurityPolicy

SPECIALS = set("!@#$%^&*()_+-=[]{};':\",.<>/?\\|`~")


@functools.cache
def _default_values() -> dict[str, Any]:
    return {column.key: column.default.arg for column in SecurityPolicy.__table__.columns
            if column.default is not None and not callable(column.default.arg)}


def defaults(tenant_id: int | None = None) -> SecurityPolicy:
    """An unsaved policy with the documented defaults."""
    values = _default_values()
    return SecurityPolicy(**{**values, **({"tenant_id": tenant_id} if tenant_id is not None else {})})


def get(session: Session, tenant_id: int | None) -> SecurityPolicy:
    if tenant_id is None:
        return defaults()
    with scoped(session, SYSTEM):
        row = session.scalar(sa.select(SecurityPolicy).where(SecurityPolicy.tenant_id == tenant_id))
    return row if row is not None else defaults(tenant_id)


def password_problems(policy: SecurityPolicy, password: str) -> list[str]:
    problems: list[str] = []
    lo, hi = policy.password_min_length, policy.password_max_length
    if not lo <= len(password) <= hi:
        problems.append(f"密码需要{lo}-{hi}位字符")
    if CJK.search(password):
        problems.append("密码不能包含中文字符")
    has_digit = any(c.isdigit() for c in password)
    has_letter = any(c.isascii() and c.isalpha() for c in password)
    if policy.password_require_digit and policy.password_require_letter and not (has_digit and has_letter):
        problems.append("密码需要是数字和字母的组合")
    elif policy.password_require_digit and not has_digit:
        problems.append("密码需要包含数字")
    elif policy.password_require_letter and not has_letter:
        problems.append("密码需要包含字母")
    if policy.password_require_upper and not any(c.isupper() for c in password):
        problems.append("密码需要包含大写字母")
    if policy.password_require_special and not any(c in SPECIALS for c in password):
        problems.append("密码需要包含特殊字符")
    return problems


def parse_cidr(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    text = text.strip()
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise ValueError("IP 格式不正确，请输入如 192.168.1.10 或 192.168.1.0/24") from None


def ip_allowed(session: Session, policy: SecurityPolicy, ip: str | None) -> bool:
    if not policy.ip_limit_enabled:
        return True
    if not ip:
        return False
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return False
    with scoped(session, SYSTEM):
        rules = session.scalars(
            sa.select(IpRule.cidr).where(IpRule.tenant_id == policy.tenant_id, IpRule.enabled.is_(True))
        ).all()
    for cidr in rules:
        try:
            if addr in ipaddress.ip_network(cidr, strict=False):
                return True
        except ValueError:
            continue
    return False
