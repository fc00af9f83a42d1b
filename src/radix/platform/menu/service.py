"""The menu tree, grants and their tri-state semantics.

Grants are stored as flat sets of menu ids (``tenant_menu``, ``role_menu``). The tri-state rules
of manual 4 §8.1.1.6 are applied when a grant is saved: a *checked* node brings its descendants
and ancestors, a *half-checked* node brings only itself and its ancestors. Reading a grant gives
back which nodes are checked (all descendants granted) and which are half-checked.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from radix.core.errors import Invalid
from radix.core.schemas import Status
from radix.platform.menu import seed
from radix.platform.menu.models import Menu, MenuKind, tenant_menu
from radix.platform.role.models import Role, role_menu


@dataclass(frozen=True)
class MenuInfo:
    id: int
    parent_id: int | None
    key: str | None
    kind: MenuKind
    name: str
    name_en: str | None
    permission: str | None
    path: str | None
    component: str | None
    icon: str | None
    sort: int
    app_code: str
    tenant_kinds: tuple[str, ...]
    visible: bool
    enabled: bool


@dataclass
class Catalog:
    by_id: dict[int, MenuInfo]
    children: dict[int | None, list[int]] = field(default_factory=dict)

    def ancestors(self, menu_id: int) -> list[int]:
        out: list[int] = []
        node = self.by_id.get(menu_id)
        seen: set[int] = set()
        while node is not None and node.parent_id is not None and node.parent_id not in seen:
            seen.add(node.parent_id)
            out.append(node.parent_id)
            node = self.by_id.get(node.parent_id)
        return out

    def descendants(self, menu_id: int) -> list[int]:
        out: list[int] = []
        stack = list(self.children.get(menu_id, ()))
        while stack:
            nid = stack.pop()
            out.append(nid)
            stack.extend(self.children.get(nid, ()))
        return out

    def active(self, menu_id: int) -> bool:
        """Enabled, and so are all its ancestors."""
        node = self.by_id.get(menu_id)
        if node is None or not node.enabled:
            return False
        return all(self.by_id[a].enabled for a in self.ancestors(menu_id) if a in self.by_id)

    def for_kind(self, kind: str) -> set[int]:
        """Nodes a tenant of this kind may hold (its own and every ancestor's levels allow it)."""
        ok: set[int] = set()
        for mid, node in self.by_id.items():
            if kind in node.tenant_kinds and all(
                kind in self.by_id[a].tenant_kinds for a in self.ancestors(mid) if a in self.by_id
            ):
                ok.add(mid)
        return ok


_cache_lock = threading.Lock()
_cache: dict[str, tuple[Any, Catalog]] = {}


def catalog(session: Session) -> Catalog:
    version = tuple(session.execute(sa.select(sa.func.count(Menu.id), sa.func.max(Menu.updated_at))).one())
    key = str(session.get_bind().url)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]
    rows = session.scalars(sa.select(Menu).order_by(Menu.sort, Menu.id)).all()
    by_id = {
        m.id: MenuInfo(
            id=m.id,
            parent_id=m.parent_id,
            key=m.key,
            kind=m.kind,
            name=m.name,
            name_en=m.name_en,
            permission=m.permission,
            path=m.path,
            component=m.component,
            icon=m.icon,
            sort=m.sort,
            app_code=m.app_code,
            tenant_kinds=tuple(m.tenant_kinds or ()),
            visible=m.visible,
            enabled=m.status == Status.ENABLED,
        )
        for m in rows
    }
    cat = Catalog(by_id=by_id)
    for m in rows:
        cat.children.setdefault(m.parent_id, []).append(m.id)
    with _cache_lock:
        _cache[key] = (version, cat)
    return cat


def invalidate_cache() -> None:
    with _cache_lock:
        _cache.clear()


# --- tri-state ---------------------------------------------------------------------------------------


def expand(cat: Catalog, checked: Iterable[int], half: Iterable[int], bound: set[int]) -> set[int]:
    """The grant a tri-state tree selection means, limited to ``bound``.

    Nodes asked for explicitly but outside the bound are an error; descendants pulled in by a
    checked node are silently limited to the bound.
    """
    checked, half = list(checked), list(half)
    unknown = [i for i in checked + half if i not in cat.by_id]
    if unknown:
        raise Invalid.field("menuIds", f"菜单不存在：{unknown[:5]}")
    outside = [i for i in checked + half if i not in bound]
    if outside:
        names = "、".join(cat.by_id[i].name for i in outside[:5])
        raise Invalid.field("menuIds", f"不能授予超出可分配范围的菜单：{names}", code="GRANT_OUT_OF_SCOPE")
    result: set[int] = set()
    for mid in checked:
        result.add(mid)
        result.update(d for d in cat.descendants(mid) if d in bound)
    result.update(half)
    for mid in list(result):
        result.update(a for a in cat.ancestors(mid) if a in bound)
    return result


def tri_state(cat: Catalog, granted: set[int], bound: set[int]) -> tuple[list[int], list[int]]:
    checked: list[int] = []
    half: list[int] = []
    for mid in granted:
        if mid not in cat.by_id:
            continue
        desc = [d for d in cat.descendants(mid) if d in bound]
        if all(d in granted for d in desc):
            checked.append(mid)
        else:
            half.append(mid)
    return sorted(checked), sorted(half)


def tree(cat: Catalog, ids: set[int] | None = None, *, buttons: bool = True, lang_en: bool = False) -> list[dict[str, Any]]:
    """Nested nodes (id, parentId, kind, name, permission, path, …) restricted to ``ids``."""

    def build(parent: int | None) -> list[dict[str, Any]]:
        out = []
        for mid in cat.children.get(parent, ()):
            node = cat.by_id[mid]
            if ids is not None and mid not in ids:
                continue
            if not buttons and node.kind == MenuKind.BUTTON:
                continue
            out.append(
                {
                    "id": node.id,
                    "parentId": node.parent_id,
                    "key": node.key,
                    "kind": node.kind.value,
                    "name": node.name,
                    "nameEn": node.name_en,
                    "permission": node.permission,
                    "path": node.path,
                    "component": node.component,
                    "icon": node.icon,
                    "sort": node.sort,
                    "appCode": node.app_code,
                    "visible": node.visible,
                    "children": build(mid),
                }
            )
        return out

    return build(None)


# --- grants ------------------------------------------------------------------------------------------


def tenant_grant(session: Session, tenant_id: int) -> set[int]:
    return set(session.scalars(sa.select(tenant_menu.c.menu_id).where(tenant_menu.c.tenant_id == tenant_id)))


def role_grant(session: Session, role_id: int) -> set[int]:
    return set(session.scalars(sa.select(role_menu.c.menu_id).where(role_menu.c.role_id == role_id)))


def _replace(session: Session, table: sa.Table, owner_col: str, owner_id: int, ids: set[int]) -> None:
    current = set(session.scalars(sa.select(table.c.menu_id).where(table.c[owner_col] == owner_id)))
    gone = current - ids
    if gone:
        session.execute(sa.delete(table).where(table.c[owner_col] == owner_id, table.c.menu_id.in_(gone)))
    new = ids - current
    if new:
        session.execute(sa.insert(table), [{owner_col: owner_id, "menu_id": m} for m in sorted(new)])


def set_tenant_grant(session: Session, tenant_id: int, ids: set[int], member_ids: Iterable[int] = ()) -> None:
    """Replace a tenant's grant; its roles (and member tenants) keep only what it still holds, and
    its built-in 超级管理员 always holds exactly the tenant's grant."""
    _replace(session, tenant_menu, "tenant_id", tenant_id, ids)
    admin_role = session.scalar(
        sa.select(Role.id).where(Role.tenant_id == tenant_id, Role.key == "super_admin", Role.builtin.is_(True))
    )
    if admin_role is not None:
        _replace(session, role_menu, "role_id", admin_role, set(ids))
    role_ids = list(session.scalars(sa.select(Role.id).where(Role.tenant_id == tenant_id)))
    if role_ids:
        session.execute(
            sa.delete(role_menu).where(role_menu.c.role_id.in_(role_ids), role_menu.c.menu_id.not_in(ids or {-1}))
        )
    for member in member_ids:
        shrink = tenant_grant(session, member) & ids
        set_tenant_grant(session, member, shrink)


def set_role_grant(session: Session, role_id: int, ids: set[int]) -> None:
    _replace(session, role_menu, "role_id", role_id, ids)


def effective_menu_ids(
    session: Session,
    *,
    tenant_id: int,
    tenant_kind: str,
    role_ids: Iterable[int],
    valid_apps: set[str],
) -> set[int]:
    """What an account may use: its enabled roles' grants within its tenant's grant, of apps the
    tenant holds and valid, enabled (with every ancestor) and allowed for the tenant's kind."""
    role_ids = list(role_ids)
    if not role_ids:
        return set()
    cat = catalog(session)
    granted = set(
        session.scalars(
            sa.select(role_menu.c.menu_id)
            .join(tenant_menu, sa.and_(tenant_menu.c.menu_id == role_menu.c.menu_id, tenant_menu.c.tenant_id == tenant_id))
            .where(role_menu.c.role_id.in_(role_ids))
            .distinct()
        )
    )
    allowed_kind = cat.for_kind(tenant_kind)
    return {
        mid
        for mid in granted
        if mid in allowed_kind and cat.active(mid) and cat.by_id[mid].app_code in valid_apps
    }


def permissions_of(cat: Catalog, ids: set[int]) -> set[str]:
    return {cat.by_id[i].permission for i in ids if i in cat.by_id and cat.by_id[i].permission}


# --- built-in menus --------------------------------------------------------------------------------------


def default_ids(cat: Catalog, rule: dict[str, Any]) -> set[int]:
    return {mid for mid, node in cat.by_id.items() if node.key and seed.granted_by_default(node.key, rule)}


def sync_builtin(session: Session) -> list[int]:
    """Insert missing built-in menu nodes (by key). New nodes go to the grants that hold their parent;
    new top-level nodes follow the default grants. Returns the new ids."""
    existing = {m.key: m for m in session.scalars(sa.select(Menu).where(Menu.key.is_not(None)))}
    created: list[tuple[Menu, seed.Node, seed.Node | None]] = []
    sort_counter: dict[str | None, int] = {}
    for node, parent in seed.walk():
        pkey = parent.key if parent else None
        sort_counter[pkey] = sort_counter.get(pkey, 0) + 1
        if node.key in existing:
            continue
        parent_row = existing.get(pkey) if pkey else None
        row = Menu(
            key=node.key,
            parent_id=parent_row.id if parent_row else None,
            kind=MenuKind(node.kind),
            name=node.name,
            name_en=node.name_en,
            permission=node.permission,
            path=node.path,
            component=node.component,
            icon=node.icon,
            sort=sort_counter[pkey] * 10,
            app_code=node.app,
            tenant_kinds=list(node.kinds),
            builtin=True,
            status=Status.ENABLED,
            visible=True,
        )
        session.add(row)
        session.flush()
        existing[node.key] = row
        created.append((row, node, parent))
    if not created:
        return []
    invalidate_cache()
    _grant_new_nodes(session, created)
    return [r.id for r, _, _ in created]


def _grant_new_nodes(session: Session, created: list[tuple[Menu, seed.Node, seed.Node | None]]) -> None:
    from radix.platform.tenant.models import Tenant

    tenants = {t.id: t for t in session.scalars(sa.select(Tenant))}
    if not tenants:
        return
    parent_id_of = {row.id: row.parent_id for row, _, _ in created}
    tenant_rows: list[dict[str, int]] = []
    role_rows: list[dict[str, int]] = []
    builtin_roles = session.scalars(sa.select(Role).where(Role.builtin.is_(True))).all()
    t_grants = {tid: tenant_grant(session, tid) for tid in tenants}
    r_grants = {r.id: role_grant(session, r.id) for r in builtin_roles}
    for row, node, parent in created:
        pid = parent_id_of[row.id]
        for tid, tenant in tenants.items():
            kind = tenant.kind.value
            if kind not in node.kinds:
                continue
            holds = (pid in t_grants[tid]) if pid else seed.granted_by_default(node.key, seed.TENANT_DEFAULTS[kind])
            if holds and seed.granted_by_default(node.key, seed.TENANT_DEFAULTS[kind]):
                t_grants[tid].add(row.id)
                tenant_rows.append({"tenant_id": tid, "menu_id": row.id})
        for role in builtin_roles:
            rule = seed.ROLE_DEFAULTS.get(role.key or "")
            if rule is None or row.id not in t_grants.get(role.tenant_id, set()):
                continue
            holds = (pid in r_grants[role.id]) if pid else True
            if holds and seed.granted_by_default(node.key, rule):
                r_grants[role.id].add(row.id)
                role_rows.append({"role_id": role.id, "menu_id": row.id})
    if tenant_rows:
        session.execute(sa.insert(tenant_menu), tenant_rows)
    if role_rows:
        session.execute(sa.insert(role_menu), role_rows)


def workstations_for(session: Session, menu_ids: set[int]) -> list[dict[str, Any]]:
    """Enabled workstations holding at least one menu the user may open, with those menus as a tree."""
    from radix.platform.menu.models import Workstation, workstation_menu

    cat = catalog(session)
    rows = session.execute(
        sa.select(Workstation, workstation_menu.c.menu_id)
        .join(workstation_menu, workstation_menu.c.workstation_id == Workstation.id)
        .where(Workstation.status == Status.ENABLED)
        .order_by(Workstation.sort, Workstation.id)
    ).all()
    grouped: dict[int, tuple[Any, set[int]]] = {}
    for ws, mid in rows:
        grouped.setdefault(ws.id, (ws, set()))[1].add(mid)
    out = []
    for ws, roots in grouped.values():
        ids: set[int] = set()
        for root in roots:
            if root in menu_ids:
                ids.add(root)
                ids.update(d for d in cat.descendants(root) if d in menu_ids)
                ids.update(a for a in cat.ancestors(root) if a in menu_ids)
        if ids:
            out.append({"id": ws.id, "code": ws.code, "name": ws.name, "nameEn": ws.name_en, "icon": ws.icon,
                        "menus": tree(cat, ids, buttons=False)})
    return out


BUILTIN_WORKSTATIONS = [
    ("assets", "资产", "Assets", "Coin", ["assets"]),
    ("data", "数据", "Data", "DataAnalysis", ["data"]),
    ("monitor", "监控", "Monitor", "Monitor", ["monitor"]),
    ("business", "业务", "Business", "Briefcase", ["business"]),
    ("stats", "统计", "Statistics", "TrendCharts", ["stats"]),
    ("apps", "应用", "Apps", "Grid", ["apps"]),
    ("system", "配置", "Settings", "Setting", ["system"]),
]


def sync_workstations(session: Session) -> None:
    """Built-in workstations (the five modules of manual 1 §四 plus 统计 and 应用), each holding the
    top-level directory of the same key once that directory exists."""
    from radix.platform.menu.models import Workstation, workstation_menu

    existing = {w.code: w for w in session.scalars(sa.select(Workstation))}
    keyed = {m.key: m.id for m in session.scalars(sa.select(Menu).where(Menu.key.is_not(None)))}
    for sort, (code, name, en, icon, keys) in enumerate(BUILTIN_WORKSTATIONS, start=1):
        ws = existing.get(code)
        if ws is None:
            ws = Workstation(code=code, name=name, name_en=en, icon=icon, sort=sort * 10, status=Status.ENABLED)
            session.add(ws)
            session.flush()
        have = set(session.scalars(sa.select(workstation_menu.c.menu_id).where(workstation_menu.c.workstation_id == ws.id)))
        for key in keys:
            mid = keyed.get(key)
            if mid is not None and mid not in have and not have:
                session.execute(sa.insert(workstation_menu).values(workstation_id=ws.id, menu_id=mid))
