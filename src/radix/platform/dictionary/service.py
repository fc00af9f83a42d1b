"""Behaviour shared by every master-data entity: references by code within the tenant, deletion and
modality-change guards, spreadsheet rows that name a reference by code or name, and 数据同步 (copying the
platform tenant's standard rows into the caller's tenant)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from radix.core.errors import Conflict, Invalid
from radix.core.listing import camel
from radix.core.resource import CrudService, Ctx
from radix.core.tenancy import SYSTEM, get_scope, scoped
from radix.platform.dictionary.models import MasterData
from radix.platform.tenant import service as tenant_service

#: columns a copy never takes from its source row
_OWN_COLUMNS = frozenset({"id", "tenant_id", "created_at", "updated_at", "created_by", "updated_by"})


@dataclass(frozen=True)
class Ref:
    """A column holding the code of another master-data row of the same tenant."""

    field: str
    model: type[MasterData]
    zh: str
    #: read-schema field that receives the referenced row's name
    name_field: str
    #: columns the referenced row must agree on: (its column, our column, label)
    match: tuple[tuple[str, str, str], ...] = ()


class MasterDataService(CrudService):
    #: every master-data service, so that a row knows who refers to it
    all: ClassVar[list[MasterDataService]] = []

    def __init__(self, refs: tuple[Ref, ...] = ()) -> None:
        self.refs = refs
        MasterDataService.all.append(self)

    @property
    def model(self) -> type[MasterData]:
        return self.resource.model

    @property
    def not_null(self) -> set[str]:
        return {c.key for c in self.model.__table__.columns if not c.nullable}

    # --- reading -------------------------------------------------------------------------------

    def extras(self, ctx: Ctx, objs: list[Any]) -> dict[int, dict[str, Any]]:
        tenants = {o.tenant_id for o in objs}
        ref_names = {ref.field: self._ref_names(ctx, ref, objs, tenants) for ref in self.refs}
        return {
            o.id: {ref.name_field: ref_names[ref.field].get((o.tenant_id, getattr(o, ref.field))) for ref in self.refs}
            for o in objs
        }

    @staticmethod
    def _ref_names(ctx: Ctx, ref: Ref, objs: list[Any], tenants: set[int]) -> dict[tuple[int, str], str]:
        codes = {getattr(o, ref.field) for o in objs} - {None}
        if not codes:
            return {}
        m = ref.model
        stmt = sa.select(m.tenant_id, m.code, m.name).where(m.tenant_id.in_(tenants), m.code.in_(codes))
        rows = ctx.session.execute(stmt)
        return {(t, c): n for t, c, n in rows}

    # --- writing -------------------------------------------------------------------------------

    def values(self, ctx: Ctx, data: Any, *, partial: bool) -> dict[str, Any]:
        values = data.model_dump(exclude_unset=partial)
        if partial:  # an explicit null cannot clear a required column
            required = self.not_null
            values = {k: v for k, v in values.items() if v is not None or k not in required}
        return values

    def create(self, ctx: Ctx, data: Any) -> Any:
        values = self.values(ctx, data, partial=False)
        values["tenant_id"] = ctx.principal.tenant_id
        self.check_refs(ctx, values["tenant_id"], values)
        self.check_unique(ctx, values, None)
        obj = self.model(**values)
        ctx.session.add(obj)
        ctx.session.flush()
        return obj

    def update(self, ctx: Ctx, obj: Any, data: Any) -> Any:
        values = self.values(ctx, data, partial=True)
        watched = {r.field for r in self.refs} | {ours for r in self.refs for _, ours, _ in r.match}
        if watched & values.keys():
            merged = {c.key: getattr(obj, c.key) for c in self.model.__table__.columns} | values
            self.check_refs(ctx, obj.tenant_id, merged)
        self._check_referrers_agree(ctx, obj, values)
        for key, value in values.items():
            setattr(obj, key, value)
        ctx.session.flush()
        return obj

    def delete(self, ctx: Ctx, obj: Any) -> None:
        for other, ref in self._referrers():
            n = _count(ctx.session, other.model, obj.tenant_id, getattr(other.model, ref.field) == obj.code)
            if n:
                raise Conflict(
                    f"该{self.resource.zh}仍被 {n} 条{other.resource.zh}使用，请先修改或删除这些{other.resource.zh}",
                    code="MASTER_DATA_IN_USE",
                )
        super().delete(ctx, obj)

    def check_refs(self, ctx: Ctx, tenant_id: int, values: dict[str, Any]) -> None:
        """Every referenced code names a row of the same tenant (and agrees with it where it must)."""
        for ref in self.refs:
            code = values.get(ref.field)
            if code is None:
                continue
            m = ref.model
            stmt = sa.select(m).where(m.tenant_id == tenant_id, m.code == code).limit(1)
            target = ctx.session.scalars(stmt).first()
            if target is None:
                raise Invalid.field(camel(ref.field), f"{ref.zh}“{code}”不存在，请先在{ref.zh}管理中添加",
                                    code="REFERENCE_NOT_FOUND")
            for theirs, ours, label in ref.match:
                wanted = values.get(ours)
                if wanted is not None and getattr(target, theirs) != wanted:
                    raise Invalid.field(
                        camel(ref.field),
                        f"{ref.zh}“{target.name}”属于{label} {getattr(target, theirs)}，与所选{label} {wanted} 不一致",
                        code="REFERENCE_MISMATCH",
                    )

    def _referrers(self) -> list[tuple[MasterDataService, Ref]]:
        return [
            (s, r) for s in MasterDataService.all if hasattr(s, "resource") for r in s.refs if r.model is self.model
        ]

    def _check_referrers_agree(self, ctx: Ctx, obj: Any, values: dict[str, Any]) -> None:
        """Changing e.g. a body part's modality must not strand the exam items that use it."""
        for other, ref in self._referrers():
            for theirs, ours, label in ref.match:
                if theirs not in values or values[theirs] == getattr(obj, theirs):
                    continue
                m = other.model
                n = _count(ctx.session, m, obj.tenant_id, getattr(m, ref.field) == obj.code,
                           getattr(m, ours) != values[theirs])
                if n:
                    raise Conflict(
                        f"该{self.resource.zh}已被 {n} 条{other.resource.zh}按{label} {getattr(obj, theirs)} 使用，不能修改{label}",
                        code="MASTER_DATA_IN_USE",
                        fields=[{"field": camel(theirs), "message": f"已被{other.resource.zh}使用，不能修改{label}"}],
                    )

    # --- import --------------------------------------------------------------------------------

    def import_row(self, ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
        """A spreadsheet may name a reference by its code or its name; store the code."""
        tenant_id = ctx.principal.tenant_id
        resolved: dict[str, Any] = {}
        for ref in self.refs:  # in declaration order: a body part is looked up within its modality
            key = camel(ref.field)
            raw = values.get(key)
            if raw is None:
                continue
            values[key] = resolved[ref.field] = self._resolve(ctx, tenant_id, ref, str(raw).strip(), values)
        if resolved:  # report a body part of another modality with the row's other errors
            self.check_refs(ctx, tenant_id, resolved)
        return values

    def _resolve(self, ctx: Ctx, tenant_id: int, ref: Ref, text: str, values: dict[str, Any]) -> str:
        m = ref.model
        named = sa.or_(m.code == text, m.code == text.upper(), m.name == text)
        stmt = sa.select(m).where(m.tenant_id == tenant_id, named)
        rows = list(ctx.session.scalars(stmt.order_by(m.sort, m.code)))
        exact = [r for r in rows if r.code in (text, text.upper())]
        if exact:
            return exact[0].code
        for theirs, ours, _ in ref.match:
            wanted = values.get(camel(ours))
            if wanted is not None:
                rows = [r for r in rows if getattr(r, theirs) == wanted]
        if not rows:
            raise Invalid.field(camel(ref.field), f"{ref.zh}“{text}”不存在，请填写已有{ref.zh}的编码或名称",
                                code="REFERENCE_NOT_FOUND")
        if len(rows) > 1:
            raise Invalid.field(camel(ref.field), f"有 {len(rows)} 个名为“{text}”的{ref.zh}，请填写{ref.zh}编码",
                                code="REFERENCE_AMBIGUOUS")
        return rows[0].code


def _count(session: Session, model: type[MasterData], tenant_id: int, *where: Any) -> int:
    stmt = sa.select(sa.func.count()).select_from(model).where(model.tenant_id == tenant_id, *where)
    return int(session.scalar(stmt) or 0)


def service_for(model: type[MasterData]) -> MasterDataService:
    for s in MasterDataService.all:
        if getattr(s, "resource", None) is not None and s.resource.model is model:
            return s
    raise LookupError(model.__name__)


# --- 数据同步 ----------------------------------------------------------------------------------


def sync_from_platform(ctx: Ctx, service: MasterDataService) -> dict[str, Any]:
    """Copy the platform tenant's rows into the caller's tenant: missing codes are inserted, existing
    codes get the platform's name and fields (their own 启用/禁用 stays), nothing is deleted. Rows
    they refer to (a body part's modality …) are inserted too when missing, so every copy is valid."""
    platform = tenant_service.get_platform(ctx.session)
    tenant_id = ctx.principal.tenant_id
    if platform is None or platform.id == tenant_id:
        return {"inserted": 0, "updated": 0, "related": {},
                "message": "当前为平台租户，平台数据即为标准数据，无需同步"}
    related: Counter[str] = Counter()
    inserted, updated = _copy(
        ctx.session, service, platform.id, tenant_id, codes=None, update=True, related=related
    )
    message = f"同步完成：新增 {inserted} 条，更新 {updated} 条{service.resource.zh}"
    extra = "，".join(f"{service_by_name(name).resource.zh} {n} 条" for name, n in related.items() if n)
    if extra:
        message += f"；一并新增{extra}"
    return {"inserted": inserted, "updated": updated, "related": dict(related), "message": message}


def service_by_name(name: str) -> MasterDataService:
    return next(s for s in MasterDataService.all if s.resource.name == name)


def _copy(
    session: Session,
    service: MasterDataService,
    source: int,
    target: int,
    *,
    codes: set[str] | None,
    update: bool,
    related: Counter[str],
) -> tuple[int, int]:
    model = service.model
    columns = [c.key for c in model.__table__.columns if c.key not in _OWN_COLUMNS]
    with session.no_autoflush, scoped(session, SYSTEM):
        stmt = sa.select(model).where(model.tenant_id == source)
        if codes is not None:
            stmt = stmt.where(model.code.in_(codes))
        stmt = stmt.order_by(model.sort, model.code)
        rows = [{k: getattr(r, k) for k in columns} for r in session.scalars(stmt)]
    for ref in service.refs:
        needed = {r[ref.field] for r in rows} - {None}
        if not needed:
            continue
        m = ref.model
        have = set(session.scalars(sa.select(m.code).where(m.tenant_id == target, m.code.in_(needed))))
        if needed - have:
            dep = service_for(ref.model)
            n, _ = _copy(session, dep, source, target, codes=needed - have, update=False, related=related)
            related[dep.resource.name] += n
    own = {r.code: r for r in session.scalars(sa.select(model).where(model.tenant_id == target))}
    inserted = updated = 0
    for values in rows:
        row = own.get(values["code"])
        if row is None:
            session.add(model(**values, tenant_id=target))
            inserted += 1
        elif update:
            changes = {k: v for k, v in values.items() if k != model.active_field and getattr(row, k) != v}
            for key, value in changes.items():
                setattr(row, key, value)
            updated += bool(changes)
    session.flush()
    return inserted, updated


# --- dictionaries ------------------------------------------------------------------------------


def options(session: Session, model: type[MasterData], extra: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Enabled rows of the caller's own tenant as select options (value = code, label = name)."""
    tenant_id = get_scope(session).tenant_id
    if tenant_id is None:
        return []
    cols = [model.code, model.name, *(getattr(model, e) for e in extra)]
    rows = session.execute(
        sa.select(*cols).where(model.tenant_id == tenant_id, model.active()).order_by(model.sort, model.code)
    ).all()
    return [{"value": r.code, "label": r.name, **{camel(e): getattr(r, e) for e in extra}} for r in rows]
