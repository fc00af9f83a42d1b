"""Who is asking, and may they: request sessions, the principal, ``require()`` and password hashing.

How a token becomes a principal is a platform concern; the platform registers its authenticator
here at start-up so that generic code never imports a domain.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from fastapi import Depends, Request
from sqlalchemy.orm import Session

from radix.core.db import db
from radix.core.errors import Forbidden, Unauthorized
from radix.core.tenancy import NOBODY, Scope, set_scope

# --- passwords and tokens ----------------------------------------------------------------------

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- the principal -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Principal:
    account_id: int
    username: str
    name: str
    tenant_id: int
    tenant_code: str
    tenant_name: str
    tenant_kind: str
    scope: Scope
    permissions: frozenset[str] = frozenset()
    session_id: int | None = None
    is_admin: bool = False
    must_change_password: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def has(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def is_platform(self) -> bool:
        return self.tenant_kind == "platform"


Authenticator = Callable[[Request, Session], Principal]
_authenticator: Authenticator | None = None


def register_authenticator(fn: Authenticator) -> None:
    global _authenticator
    _authenticator = fn


# --- dependencies --------------------------------------------------------------------------------


@contextlib.contextmanager
def request_session() -> Iterator[Session]:
    """A request's unit of work, scoped to nobody until a principal is known: committed when the block
    ends, rolled back if it raises. ``get_session`` is this as a route dependency."""
    session = db.session()
    set_scope(session, NOBODY)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _session() -> Iterator[Session]:
    with request_session() as session:
        yield session


#: the request's unit of work: committed when the route returns, rolled back if it raises
get_session = Depends(_session, scope="function")

#: routes whose permission check may be skipped when a password must be changed first
PASSWORD_CHANGE_ALLOWED = {"/api/v1/auth/me", "/api/v1/auth/password", "/api/v1/auth/logout"}


def _current_principal(request: Request, session: Session = get_session) -> Principal:
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        set_scope(session, cached.scope)
        return cached
    if _authenticator is None:
        raise Unauthorized()
    principal = _authenticator(request, session)
    request.state.principal = principal
    set_scope(session, principal.scope)
    if principal.must_change_password and request.url.path not in PASSWORD_CHANGE_ALLOWED:
        raise Forbidden("密码已过期，请先修改密码", code="PASSWORD_EXPIRED")
    return principal


current_principal = Depends(_current_principal)


def require(*permissions: str, any_of: bool = False) -> Any:
    """Route dependency: the caller is logged in and holds the permission(s).

    ``require()`` with no permission only demands a login (e.g. the menu of the current user).
    """

    def _check(principal: Principal = current_principal) -> Principal:
        if permissions:
            held = [p for p in permissions if principal.has(p)]
            ok = bool(held) if any_of else len(held) == len(permissions)
            if not ok:
                raise Forbidden(f"没有权限执行此操作（需要 {' 或 '.join(permissions) if any_of else '、'.join(permissions)}）")
        return principal

    _check.__radix_permissions__ = permissions  # type: ignore[attr-defined]
    return Depends(_check)


def public() -> Any:
    """Marks a route as deliberately open (login, health, the login page's public settings)."""

    def _open() -> None:
        return None

    _open.__radix_public__ = True  # type: ignore[attr-defined]
    return Depends(_open)


def route_permissions(route: Any) -> tuple[bool, bool, tuple[str, ...]]:
    """(is_public, has_require, permissions) for an APIRoute, walking its dependency tree."""
    is_public = False
    has_require = False
    perms: list[str] = []

    def walk(dependant: Any) -> None:
        nonlocal is_public, has_require
        for dep in dependant.dependencies:
            call = dep.call
            if getattr(call, "__radix_public__", False):
                is_public = True
            if hasattr(call, "__radix_permissions__"):
                has_require = True
                perms.extend(call.__radix_permissions__)
            walk(dep)

    walk(route.dependant)
    return is_public, has_require, tuple(perms)
