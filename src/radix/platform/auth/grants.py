"""What an account may do (its effective menus, permissions and tenant scope), remembered per process.

Computing it reads roles, grants, app subscriptions and the tenant tree: most of an authenticated
request's cost. The result is kept for a few seconds and dropped at once when this process commits a
change to any of those tables; another process's change is seen when the entry expires. The session
itself (token, end, expiry, idle logout, IP rules, account status) is still checked on every request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from radix.core.tenancy import Scope

#: tables whose changes alter what someone may do
TABLES = frozenset({"role", "account_role", "role_menu", "menu", "tenant_menu", "tenant", "tenant_app", "app",
                    "account"})
TTL_SECONDS = 3.0
_MAX = 10_000


@dataclass(frozen=True)
class Grants:
    menus: frozenset[int]
    permissions: frozenset[str]
    scope: Scope


_lock = threading.Lock()
_generation = 0
_entries: dict[tuple[str, int, int], tuple[int, float, Grants]] = {}


def get(key: tuple[str, int, int], compute: Callable[[], Grants]) -> Grants:
    now = time.monotonic()
    with _lock:
        hit = _entries.get(key)
        generation = _generation
    if hit is not None and hit[0] == generation and hit[1] > now:
        return hit[2]
    grants = compute()
    with _lock:
        if len(_entries) >= _MAX:
            _entries.clear()
        if generation == _generation:  # nothing changed while computing
            _entries[key] = (generation, now + TTL_SECONDS, grants)
    return grants


def invalidate() -> None:
    global _generation
    with _lock:
        _generation += 1
        _entries.clear()


def _touches(objects: Any) -> bool:
    return any(getattr(getattr(o, "__table__", None), "name", None) in TABLES for o in objects)


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _ctx: Any) -> None:
    if _touches(session.new) or _touches(session.dirty) or _touches(session.deleted):
        session.info["grants_changed"] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if state.is_select:
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in TABLES:
        state.session.info["grants_changed"] = True


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop("grants_changed", False):
        invalidate()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop("grants_changed", None)
