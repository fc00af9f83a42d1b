"""The one listing path: declared filters, allow-listed sort with a primary-key tiebreaker, bounded pages.

Tenant scope is not handled here by hand: the session applies it to every statement.
"""

from __future__ import annotations

import datetime as dt
import enum
import inspect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Query
from sqlalchemy.orm import Session

from radix.core.db import escape_like
from radix.core.errors import Invalid

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 10


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


@dataclass
class Filter:
    """A declared list filter.

    ops: ``eq``, ``contains``, ``in`` (repeatable or comma-separated), ``range`` (``<name>From`` /
    ``<name>To``; a date-only ``To`` includes that whole day), ``search`` (contains over several
    columns), ``custom`` (``apply(stmt, value)``).
    """

    name: str
    op: str = "eq"
    column: str | None = None
    columns: tuple[str, ...] = ()
    type: Any = str
    zh: str | None = None
    en: str | None = None
    dict: str | None = None
    apply: Callable[[sa.Select, Any], sa.Select] | None = None
    #: for ranges: when neither bound is given, only the last N days (the logs' 近7天 default)
    default_days: int | None = None
    widget: str | None = None
    options: list[dict[str, str]] | None = None

    def __post_init__(self) -> None:
        if self.op not in {"eq", "contains", "in", "range", "search", "custom"}:
            raise ValueError(f"unknown filter op {self.op}")
        if self.op == "custom" and self.apply is None:
            raise ValueError("custom filter needs apply")

    @property
    def attr(self) -> str:
        return self.column or snake(self.name)

    def params(self) -> list[str]:
        if self.op == "range":
            return [f"{self.name}From", f"{self.name}To"]
        return [self.name]

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "op": self.op,
            "type": _type_name(self.type),
            "label": {"zh": self.zh or self.name, "en": self.en or self.zh or self.name},
            "params": self.params(),
        }
        if self.dict:
            out["dict"] = self.dict
        if self.widget:
            out["widget"] = self.widget
        if self.default_days:
            out["defaultDays"] = self.default_days
        options = self.options
        if options is None and isinstance(self.type, type) and issubclass(self.type, enum.Enum):
            options = [
                {"value": m.value, "label": getattr(m, "zh", m.value), "labelEn": getattr(m, "en", m.value)}
                for m in self.type
            ]
        if options is not None:
            out["options"] = options
        return out


def _type_name(tp: Any) -> str:
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "enum"
    return {
        str: "string",
        int: "integer",
        float: "number",
        bool: "boolean",
        dt.date: "date",
        dt.datetime: "datetime",
    }.get(tp, "string")


@dataclass
class ListQuery:
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    sort: str | None = None
    values: dict[str, Any] = field(default_factory=dict)


def query_dependency(filters: Sequence[Filter]) -> Callable[..., ListQuery]:
    """Build a FastAPI dependency whose signature declares every filter as a query parameter."""
    params: list[inspect.Parameter] = [
        inspect.Parameter(
            "page",
            inspect.Parameter.KEYWORD_ONLY,
            default=1,
            annotation=Annotated[int, Query(ge=1, le=1_000_000, title="页码")],
        ),
        inspect.Parameter(
            "page_size",
            inspect.Parameter.KEYWORD_ONLY,
            default=DEFAULT_PAGE_SIZE,
            annotation=Annotated[int, Query(alias="pageSize", ge=1, le=MAX_PAGE_SIZE, title="每页条数")],
        ),
        inspect.Parameter(
            "sort",
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[str | None, Query(max_length=200, title="排序，如 -createdAt,name")],
        ),
    ]
    keys: dict[str, str] = {}
    for f in filters:
        for pname in f.params():
            key = f"f_{snake(pname)}"
            keys[key] = pname
            tp = f.type
            if f.op == "range" and tp is dt.datetime:
                tp = str  # accepts a date or a datetime; parsed below
            if f.op == "in":
                annotation = Annotated[list[str] | None, Query(alias=pname, title=f.zh)]
            elif tp is str:
                annotation = Annotated[str | None, Query(alias=pname, max_length=200, title=f.zh)]
            elif tp is int:
                annotation = Annotated[int | None, Query(alias=pname, ge=-(2**62), le=2**62, title=f.zh)]
            else:
                annotation = Annotated[tp | None, Query(alias=pname, title=f.zh)]
            params.append(inspect.Parameter(key, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation))

    def dependency(**kwargs: Any) -> ListQuery:
        values: dict[str, Any] = {}
        for key, pname in keys.items():
            value = kwargs.get(key)
            if value is None or value == "" or value == []:
                continue
            if any("\x00" in str(v) for v in (value if isinstance(value, list) else [value])):
                raise Invalid.field(pname, "包含非法字符")
            values[pname] = value
        return ListQuery(
            page=kwargs["page"], page_size=kwargs["page_size"], sort=kwargs.get("sort"), values=values
        )

    dependency.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    return dependency


def _parse_bound(param: str, raw: Any, *, upper: bool) -> dt.datetime | dt.date:
    if isinstance(raw, (dt.date, dt.datetime)):
        return raw
    text = str(raw).strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            if upper:
                return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
            return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T"))
    except ValueError:
        raise Invalid.field(param, "时间格式不正确，应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM:SS") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=_display_tz())
    return value


def _display_tz() -> dt.tzinfo:
    from radix.core.clock import local_tz

    return local_tz()


def _coerce(f: Filter, param: str, raw: Any) -> Any:
    tp = f.type
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(raw)
        except ValueError:
            raise Invalid.field(param, "请从可选项中选择") from None
    if tp is int:
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise Invalid.field(param, "请输入整数") from None
    if tp is bool:
        if isinstance(raw, bool):
            return raw
        if str(raw).lower() in {"1", "true", "yes"}:
            return True
        if str(raw).lower() in {"0", "false", "no"}:
            return False
        raise Invalid.field(param, "请选择是或否")
    return raw


def apply_filters(stmt: sa.Select, model: Any, filters: Sequence[Filter], values: dict[str, Any]) -> sa.Select:
    for f in filters:
        if f.op == "range":
            lo_name, hi_name = f.params()
            lo, hi = values.get(lo_name), values.get(hi_name)
            col = getattr(model, f.attr)
            if lo is None and hi is None and f.default_days:
                lo = dt.datetime.now(dt.UTC) - dt.timedelta(days=f.default_days)
            if f.type is dt.date:
                if isinstance(getattr(col, "type", None), sa.String):  # DICOM DA: 'YYYYMMDD' text
                    lo = lo.strftime("%Y%m%d") if lo is not None else None
                    hi = hi.strftime("%Y%m%d") if hi is not None else None
                if lo is not None:
                    stmt = stmt.where(col >= lo)
                if hi is not None:
                    stmt = stmt.where(col <= hi)
                continue
            if lo is not None:
                stmt = stmt.where(col >= _parse_bound(lo_name, lo, upper=False))
            if hi is not None:
                bound = _parse_bound(hi_name, hi, upper=True)
                stmt = stmt.where(col < bound if isinstance(hi, str) and len(hi.strip()) == 10 else col <= bound)
            continue
        if f.name not in values:
            continue
        raw = values[f.name]
        if f.op == "custom":
            assert f.apply is not None
            stmt = f.apply(stmt, raw)
        elif f.op == "eq":
            stmt = stmt.where(getattr(model, f.attr) == _coerce(f, f.name, raw))
        elif f.op == "contains":
            stmt = stmt.where(getattr(model, f.attr).ilike(f"%{escape_like(str(raw))}%", escape="\\"))
        elif f.op == "search":
            pattern = f"%{escape_like(str(raw))}%"
            stmt = stmt.where(sa.or_(*(getattr(model, c).ilike(pattern, escape="\\") for c in f.columns)))
        elif f.op == "in":
            items: list[Any] = []
            for part in raw if isinstance(raw, list) else [raw]:
                items.extend(p for p in str(part).split(",") if p.strip())
            if len(items) > 500:
                raise Invalid.field(f.name, "选择的项目过多")
            stmt = stmt.where(getattr(model, f.attr).in_([_coerce(f, f.name, i.strip()) for i in items]))
    return stmt


def apply_sort(
    stmt: sa.Select, model: Any, sort: str | None, sortable: dict[str, Any], default: str, pk: Any
) -> sa.Select:
    spec = sort or default
    order: list[Any] = []
    for part in [p.strip() for p in spec.split(",") if p.strip()]:
        desc = part.startswith("-")
        name = part.lstrip("+-")
        col = sortable.get(name)
        if col is None:
            allowed = "、".join(sortable) or "无"
            raise Invalid.field("sort", f"不支持按“{name}”排序，可选：{allowed}")
        order.append(col.desc() if desc else col.asc())
    if not any(_same(o, pk) for o in order):
        # stable pages: the primary key breaks ties, in the direction of the first key
        first_desc = spec.strip().startswith("-")
        order.append(pk.desc() if first_desc else pk.asc())
    return stmt.order_by(*order)


def _same(ordering: Any, col: Any) -> bool:
    element = getattr(ordering, "element", None)
    return element is not None and element.compare(col.expression if hasattr(col, "expression") else col)


def count(session: Session, stmt: sa.Select) -> int:
    return int(session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())) or 0)


def paginate(session: Session, stmt: sa.Select, page: int, page_size: int) -> tuple[list[Any], int]:
    total = count(session, stmt)
    rows = list(session.scalars(stmt.limit(page_size).offset((page - 1) * page_size)).unique())
    return rows, total
