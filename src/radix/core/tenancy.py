"""Automatic tenant scoping.

A session carries a :class:`Scope` in ``session.info["scope"]``. Every ORM SELECT, UPDATE and DELETE
on a :class:`TenantScoped` class gets ``tenant_id IN (visible tenants)`` added, and every insert is
stamped with (and checked against) the scope. Routes never filter by tenant themselves.
A session without a scope sees no tenant-owned row at all (fail closed).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, declared_attr, mapped_column, with_loader_criteria

from radix.core.db import ActorMixin, utcnow
from radix.core.errors import NotFound


@dataclass(frozen=True)
class Scope:
    #: the tenant new rows belong to by default
    tenant_id: int | None
    #: tenants whose rows are visible; ``None`` means every tenant (platform and system work)
    visible: frozenset[int] | None
    #: who acts (stamped into created_by / updated_by)
    actor: str | None = None
    account_id: int | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def sees_all(self) -> bool:
        return self.visible is None

    def can_see(self, tenant_id: int | None) -> bool:
        return self.visible is None or (tenant_id is not None and tenant_id in self.visible)


SYSTEM = Scope(tenant_id=None, visible=None, actor="system")
NOBODY = Scope(tenant_id=None, visible=frozenset(), actor=None)


class _AnalysisPlaceholder:
    def __get__(self, obj: object, owner: type) -> Any:
        return sa.column("tenant_id")


class TenantScoped:
    """Marker for mapped classes whose rows belong to a tenant (column or expression ``tenant_id``).

    The class attribute below only stands in while SQLAlchemy analyses the criteria lambda; every
    mapped subclass replaces it with its real column (or, for the tenant table itself, ``id``).
    """

    tenant_id: ClassVar[Any] = _AnalysisPlaceholder()


class TenantMixin(TenantScoped):
    @declared_attr
    def tenant_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(
            sa.ForeignKey("tenant.id", ondelete="CASCADE"), index=True, nullable=False, sort_order=-5
        )


def get_scope(session: Session) -> Scope:
    return session.info.get("scope", NOBODY)


def set_scope(session: Session, scope: Scope) -> None:
    session.info["scope"] = scope


@contextlib.contextmanager
def scoped(session: Session, scope: Scope) -> Iterator[Session]:
    """Temporarily run with another scope (e.g. SYSTEM to resolve a tenant at login)."""
    previous = session.info.get("scope")
    session.info["scope"] = scope
    try:
        yield session
    finally:
        if previous is None:
            session.info.pop("scope", None)
        else:
            session.info["scope"] = previous


@event.listens_for(Session, "do_orm_execute")
def _apply_tenant_criteria(state: ORMExecuteState) -> None:
    if state.is_column_load:
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    scope = get_scope(state.session)
    if scope.visible is None:
        return
    visible = tuple(sorted(scope.visible))
    state.statement = state.statement.options(
        with_loader_criteria(
            TenantScoped,
            lambda cls: cls.tenant_id.in_(visible),
            include_aliases=True,
            track_closure_variables=True,
        )
    )


@event.listens_for(Session, "before_flush")
def _stamp_rows(session: Session, _ctx: object, _instances: object) -> None:
    scope = get_scope(session)
    now = utcnow()
    for obj in session.new:
        if isinstance(obj, TenantMixin):
            if obj.tenant_id is None:
                if scope.tenant_id is None:
                    raise NotFound("未指定所属租户", code="TENANT_REQUIRED")
                obj.tenant_id = scope.tenant_id
            elif not scope.can_see(obj.tenant_id):
                raise NotFound("所属租户不存在", code="TENANT_NOT_FOUND")
        if isinstance(obj, ActorMixin) and scope.actor:
            if obj.created_by is None:
                obj.created_by = scope.actor
            obj.updated_by = scope.actor
    for obj in session.dirty:
        if isinstance(obj, TenantMixin):
            hist = sa.inspect(obj).attrs.tenant_id.history
            if hist.has_changes() and not scope.can_see(obj.tenant_id):
                raise NotFound("所属租户不存在", code="TENANT_NOT_FOUND")
        if isinstance(obj, ActorMixin) and scope.actor and session.is_modified(obj, include_collections=False):
            obj.updated_by = scope.actor
            if hasattr(obj, "updated_at"):
                obj.updated_at = now
