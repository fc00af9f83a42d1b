"""Generic resources: one declaration yields list / detail / create / update / delete / batch delete /
export (and import) routes plus the descriptor the SPA's CrudPage renders.

Behaviour that differs per entity lives in a :class:`CrudService` subclass (hooks), never in copies
of these routes. Extra routes of an entity go in its own ``router.py`` and reuse ``resource.load``.
"""

import datetime as dt
import decimal
import enum
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import annotated_types
import sqlalchemy as sa
from fastapi import APIRouter, Depends, File, Path, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from sqlalchemy.orm import Session

from radix.core import audit as audit_mod
from radix.core.errors import Conflict, Invalid, NotFound
from radix.core.listing import Filter, ListQuery, apply_filters, apply_sort, camel, paginate, query_dependency, snake
from radix.core.schemas import IdList, Page
from radix.core.security import Principal, current_principal, get_session, require

MAX_ID = 2**63 - 1
IdPath = typing.Annotated[int, Path(ge=1, le=MAX_ID, title="编号")]


@dataclass
class Ctx:
    """What a service hook may use: the unit of work, who acts, and the request."""

    session: Session
    principal: Principal
    request: Request | None = None


@dataclass
class Action:
    """An extra operation shown on a row (or the toolbar); its route lives in the domain's router."""

    name: str
    zh: str
    en: str
    permission: str
    path: str
    method: str = "POST"
    row: bool = True
    confirm: str | None = None
    schema: type[BaseModel] | None = None
    #: show only when the row's field has one of these values, e.g. {"status": ["disabled"]}
    when: dict[str, list[Any]] | None = None

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "label": {"zh": self.zh, "en": self.en},
            "permission": self.permission,
            "method": self.method,
            "path": self.path,
            "row": self.row,
        }
        if self.confirm:
            out["confirm"] = self.confirm
        if self.schema is not None:
            out["fields"] = describe_fields(self.schema, required_from=self.schema)
        if self.when:
            out["when"] = self.when
        return out


@dataclass
class Unique:
    """A value that must not repeat (within the tenant when the model is tenant-owned)."""

    fields: tuple[str, ...]
    message: str


class CrudService:
    """Default behaviour of a resource; subclass and override the hooks an entity needs."""

    resource: "Resource"

    def query(self, ctx: Ctx) -> sa.Select:
        return sa.select(self.resource.model)

    def load(self, ctx: Ctx, id: int) -> Any:
        model = self.resource.model
        obj = ctx.session.scalars(self.query(ctx).where(model.id == id)).first()
        if obj is None:
            raise NotFound(f"{self.resource.zh}不存在或已被删除")
        return obj

    def values(self, ctx: Ctx, data: BaseModel, *, partial: bool) -> dict[str, Any]:
        return data.model_dump(exclude_unset=partial, by_alias=False)

    def create(self, ctx: Ctx, data: BaseModel) -> Any:
        values = self.values(ctx, data, partial=False)
        self.check_unique(ctx, values, None)
        obj = self.resource.model(**values)
        ctx.session.add(obj)
        ctx.session.flush()
        return obj

    def update(self, ctx: Ctx, obj: Any, data: BaseModel) -> Any:
        values = self.values(ctx, data, partial=True)
        self.check_unique(ctx, values, obj)
        for key, value in values.items():
            setattr(obj, key, value)
        ctx.session.flush()
        return obj

    def delete(self, ctx: Ctx, obj: Any) -> None:
        ctx.session.delete(obj)
        ctx.session.flush()

    def extras(self, ctx: Ctx, objs: list[Any]) -> dict[int, dict[str, Any]]:
        """Computed values of the read schema, per row id (one query for the whole page, not per row)."""
        return {}

    def read(self, ctx: Ctx, obj: Any) -> Any:
        return self.read_many(ctx, [obj])[0]

    def read_many(self, ctx: Ctx, objs: list[Any]) -> list[Any]:
        read = self.resource.read
        extras = self.extras(ctx, objs)
        names = tenant_names(ctx.session, {o.tenant_id for o in objs}) if "tenant_name" in read.model_fields else {}
        out = []
        for o in objs:
            values = row_dict(o)
            if names:
                values["tenant_name"] = names.get(o.tenant_id)
            values.update(extras.get(o.id, {}))
            out.append(read.model_validate(values))
        return out

    def check_unique(self, ctx: Ctx, values: dict[str, Any], current: Any) -> None:
        model = self.resource.model
        for rule in self.resource.unique:
            if not any(f in values for f in rule.fields):
                continue
            merged = {f: values.get(f, getattr(current, f, None)) for f in rule.fields}
            if any(v is None for v in merged.values()):
                continue
            stmt = sa.select(model.id).where(*(getattr(model, f) == v for f, v in merged.items()))
            if current is not None:
                stmt = stmt.where(model.id != current.id)
            tenant_id = values.get("tenant_id", getattr(current, "tenant_id", None))
            if hasattr(model, "tenant_id") and "tenant_id" not in rule.fields:
                stmt = stmt.where(model.tenant_id == (tenant_id or ctx.principal.tenant_id))
            if ctx.session.scalars(stmt.limit(1)).first() is not None:
                raise Conflict(
                    rule.message,
                    code="DUPLICATE",
                    fields=[{"field": camel(rule.fields[-1]), "message": rule.message}],
                )


def row_dict(obj: Any) -> dict[str, Any]:
    """A mapped row's column values by attribute name."""
    return {attr.key: getattr(obj, attr.key) for attr in sa.inspect(obj).mapper.column_attrs}


_TENANT = sa.table("tenant", sa.column("id"), sa.column("name"))


def tenant_names(session: Session, ids: set[int]) -> dict[int, str]:
    """Names of tenants by id, for 机构名称 columns (the caller already holds the rows, so no scope applies)."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(session.execute(sa.select(_TENANT.c.id, _TENANT.c.name).where(_TENANT.c.id.in_(ids))).all())


class Resource:
    registry: dict[str, "Resource"] = {}

    def __init__(
        self,
        *,
        name: str,
        path: str,
        model: Any,
        read: type[BaseModel],
        perm: str,
        zh: str,
        en: str,
        create: type[BaseModel] | None = None,
        update: type[BaseModel] | None = None,
        filters: Sequence[Filter] = (),
        sortable: Sequence[str] = ("createdAt",),
        default_sort: str = "-createdAt",
        unique: Sequence[Unique] = (),
        service: CrudService | None = None,
        actions: Sequence[Action] = (),
        exportable: bool = True,
        importable: bool = False,
        deletable: bool = True,
        columns: Sequence[str] | None = None,
        module: str | None = None,
    ) -> None:
        if name in Resource.registry:
            raise ValueError(f"resource {name} declared twice")
        self.name = name
        self.path = path
        self.model = model
        self.read = read
        self.create_schema = create
        self.update_schema = update
        self.perm = perm
        self.zh = zh
        self.en = en
        self.filters = list(filters)
        reserved = {"page", "pageSize", "sort"} & {p for f in self.filters for p in f.params()}
        if reserved:
            raise ValueError(f"{name}: filter parameter names {reserved} are reserved for paging")
        self.sortable = {s: getattr(model, snake(s)) for s in sortable}
        self.sortable.setdefault("id", model.id)
        self.default_sort = default_sort
        self.unique = list(unique)
        self.service = service or CrudService()
        self.service.resource = self
        self.actions = list(actions)
        self.exportable = exportable
        self.importable = importable
        self.deletable = deletable
        self.columns = list(columns) if columns else None
        self.module = module or perm.split(":")[0]
        Resource.registry[name] = self
        self._list_dep = query_dependency(self.filters)

    # --- building blocks other routes reuse ---------------------------------------------------

    def permission(self, action: str) -> str:
        return f"{self.perm}:{action}"

    @property
    def load(self) -> Any:
        """Dependency: the row addressed by ``{id}``, or 404 (missing and other tenants' alike)."""
        service = self.service

        def _load(request: Request, id: IdPath, session: Session = get_session, principal: Principal = current_principal) -> Any:
            return service.load(Ctx(session, principal, request), id)

        return Depends(_load)

    def select(self, ctx: Ctx, q: ListQuery) -> sa.Select:
        stmt = apply_filters(self.service.query(ctx), self.model, self.filters, q.values)
        return apply_sort(stmt, self.model, q.sort, self.sortable, self.default_sort, self.model.id)

    def permissions(self) -> list[str]:
        perms = [self.permission("list"), self.permission("query")]
        if self.create_schema is not None:
            perms.append(self.permission("add"))
        if self.update_schema is not None:
            perms.append(self.permission("edit"))
        if self.deletable:
            perms.append(self.permission("remove"))
        if self.exportable:
            perms.append(self.permission("export"))
        if self.importable:
            perms.append(self.permission("import"))
        perms.extend(a.permission for a in self.actions)
        return list(dict.fromkeys(perms))

    # --- routes ----------------------------------------------------------------------------------

    def router(self) -> APIRouter:
        r = APIRouter(prefix=self.path, tags=[self.zh])
        res = self
        service = self.service
        read = self.read
        list_dep = Depends(self._list_dep)

        def list_rows(
            request: Request,
            q: ListQuery = list_dep,
            session: Session = get_session,
            principal: Principal = current_principal,
        ) -> Any:
            ctx = Ctx(session, principal, request)
            rows, total = paginate(session, res.select(ctx, q), q.page, q.page_size)
            return {"items": service.read_many(ctx, rows), "total": total, "page": q.page, "pageSize": q.page_size}

        r.add_api_route(
            "",
            list_rows,
            methods=["GET"],
            response_model=Page[read],  # type: ignore[valid-type]
            summary=f"{self.zh}列表",
            dependencies=[require(self.permission("list"))],
        )

        if self.exportable:

            def export_rows(
                request: Request,
                q: ListQuery = list_dep,
                session: Session = get_session,
                principal: Principal = current_principal,
            ) -> Response:
                from radix.core.export import xlsx_response

                ctx = Ctx(session, principal, request)
                stmt = res.select(ctx, q).limit(EXPORT_LIMIT)
                rows = service.read_many(ctx, list(session.scalars(stmt).unique()))
                return xlsx_response(res, rows)

            r.add_api_route(
                "/export",
                export_rows,
                methods=["GET"],
                summary=f"导出{self.zh}",
                response_class=Response,
                responses={200: {"content": {XLSX: {}}, "description": "xlsx"}},
                dependencies=[require(self.permission("export"))],
            )

        if self.importable:
            self._import_routes(r)

        def detail(request: Request, obj: Any = self.load, session: Session = get_session, principal: Principal = current_principal) -> Any:
            return service.read(Ctx(session, principal, request), obj)

        r.add_api_route(
            "/{id}",
            detail,
            methods=["GET"],
            response_model=read,
            summary=f"{self.zh}详情",
            dependencies=[require(self.permission("query"))],
        )

        if self.create_schema is not None:
            create_schema = self.create_schema

            def create(request: Request, data: Any, session: Session = get_session, principal: Principal = current_principal) -> Any:
                ctx = Ctx(session, principal, request)
                obj = service.create(ctx, data)
                audit_mod.set_target(request, res.name, obj.id)
                return service.read(ctx, obj)

            create.__annotations__["data"] = create_schema
            r.add_api_route(
                "",
                create,
                methods=["POST"],
                status_code=201,
                response_model=read,
                summary=f"新增{self.zh}",
                dependencies=[require(self.permission("add")), audit_mod.audit("CREATE", self.zh)],
            )

        if self.update_schema is not None:
            update_schema = self.update_schema

            def update(
                request: Request, data: Any, obj: Any = self.load, session: Session = get_session, principal: Principal = current_principal
            ) -> Any:
                ctx = Ctx(session, principal, request)
                obj = service.update(ctx, obj, data)
                return service.read(ctx, obj)

            update.__annotations__["data"] = update_schema
            r.add_api_route(
                "/{id}",
                update,
                methods=["PATCH"],
                response_model=read,
                summary=f"修改{self.zh}",
                dependencies=[require(self.permission("edit")), audit_mod.audit("UPDATE", self.zh)],
            )

        if self.deletable:

            def delete(request: Request, obj: Any = self.load, session: Session = get_session, principal: Principal = current_principal) -> Response:
                service.delete(Ctx(session, principal, request), obj)
                return Response(status_code=204)

            r.add_api_route(
                "/{id}",
                delete,
                methods=["DELETE"],
                status_code=204,
                response_class=Response,
                summary=f"删除{self.zh}",
                dependencies=[require(self.permission("remove")), audit_mod.audit("DELETE", self.zh)],
            )

            def batch_delete(
                request: Request, data: IdList, session: Session = get_session, principal: Principal = current_principal
            ) -> dict[str, int]:
                ctx = Ctx(session, principal, request)
                ids = list(dict.fromkeys(data.ids))
                for id_ in ids:
                    if not 1 <= id_ <= MAX_ID:
                        raise Invalid.field("ids", "编号不正确")
                    service.delete(ctx, service.load(ctx, id_))
                audit_mod.set_target(request, res.name, ",".join(map(str, ids))[:60])
                return {"deleted": len(ids)}

            r.add_api_route(
                "/batch-delete",
                batch_delete,
                methods=["POST"],
                summary=f"批量删除{self.zh}",
                dependencies=[require(self.permission("remove")), audit_mod.audit("DELETE", self.zh)],
            )
        # static paths before "/{id}": move the id routes last
        r.routes.sort(key=lambda route: "{id}" in getattr(route, "path", ""))
        return r

    def _import_routes(self, r: APIRouter) -> None:
        res = self

        def template(session: Session = get_session, principal: Principal = current_principal) -> Response:
            from radix.core.importer import template_response

            return template_response(res)

        r.add_api_route(
            "/import-template",
            template,
            methods=["GET"],
            summary=f"下载{self.zh}导入模板",
            response_class=Response,
            responses={200: {"content": {XLSX: {}}, "description": "xlsx"}},
            dependencies=[require(self.permission("import"))],
        )

        def do_import(
            request: Request,
            file: UploadFile = File(..., description="按模板填写的 .xlsx 文件"),
            session: Session = get_session,
            principal: Principal = current_principal,
        ) -> Any:
            from radix.core.importer import start_import

            run = start_import(Ctx(session, principal, request), res, file)
            audit_mod.set_target(request, "job_run", run["id"])
            return run

        r.add_api_route(
            "/import",
            do_import,
            methods=["POST"],
            status_code=202,
            summary=f"导入{self.zh}",
            dependencies=[require(self.permission("import")), audit_mod.audit("IMPORT", self.zh)],
        )

    # --- descriptor ------------------------------------------------------------------------------

    def describe(self) -> dict[str, Any]:
        fields = describe_fields(
            self.read, required_from=self.create_schema, create=self.create_schema, update=self.update_schema
        )
        for f in fields:
            f["sortable"] = f["name"] in self.sortable
        columns = self.columns or [f["name"] for f in fields if f.get("column", True) and f["inColumns"]]
        return {
            "name": self.name,
            "label": {"zh": self.zh, "en": self.en},
            "path": "/api/v1" + self.path,
            "permission": self.perm,
            "module": self.module,
            "primaryKey": "id",
            "fields": fields,
            "columns": columns,
            "filters": [f.describe() for f in self.filters],
            "sortable": list(self.sortable),
            "defaultSort": self.default_sort,
            "actions": [a.describe() for a in self.actions],
            "capabilities": {
                "create": self.create_schema is not None,
                "update": self.update_schema is not None,
                "delete": self.deletable,
                "batchDelete": self.deletable,
                "export": self.exportable,
                "import": self.importable,
            },
            "permissions": self.permissions(),
        }


EXPORT_LIMIT = 100_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- describing pydantic fields -------------------------------------------------------------------


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(inner type, optional?) for ``X | None`` / ``Optional[X]``."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def field_type(annotation: Any) -> dict[str, Any]:
    inner, _ = _unwrap(annotation)
    origin = typing.get_origin(inner)
    if origin is typing.Annotated:
        inner = typing.get_args(inner)[0]
        origin = typing.get_origin(inner)
    if origin is typing.Literal:
        values = typing.get_args(inner)
        return {"type": "enum", "options": [{"value": v, "label": str(v), "labelEn": str(v)} for v in values]}
    if origin in (list, set, tuple, Sequence):
        args = typing.get_args(inner)
        item = field_type(args[0]) if args else {"type": "string"}
        return {"type": "array", "items": item}
    if origin is dict or inner is dict:
        return {"type": "object"}
    if isinstance(inner, type):
        if issubclass(inner, enum.Enum):
            return {
                "type": "enum",
                "options": [
                    {"value": m.value, "label": getattr(m, "zh", m.value), "labelEn": getattr(m, "en", m.value)}
                    for m in inner
                ],
            }
        if issubclass(inner, bool):
            return {"type": "boolean"}
        if issubclass(inner, int):
            return {"type": "integer"}
        if issubclass(inner, (float, decimal.Decimal)):
            return {"type": "number"}
        if issubclass(inner, dt.datetime):
            return {"type": "datetime"}
        if issubclass(inner, dt.date):
            return {"type": "date"}
        if issubclass(inner, BaseModel):
            return {"type": "object"}
    return {"type": "string"}


def _constraints(info: FieldInfo) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for meta in info.metadata:
        if isinstance(meta, annotated_types.MaxLen):
            out["maxLength"] = meta.max_length
        elif isinstance(meta, annotated_types.MinLen):
            out["minLength"] = meta.min_length
        elif isinstance(meta, annotated_types.Ge):
            out["min"] = meta.ge
        elif isinstance(meta, annotated_types.Le):
            out["max"] = meta.le
        elif isinstance(meta, annotated_types.Gt):
            out["min"] = meta.gt
        elif isinstance(meta, annotated_types.Lt):
            out["max"] = meta.lt
        elif hasattr(meta, "pattern") and getattr(meta, "pattern", None):
            out["pattern"] = meta.pattern
    return out


_NO_DEFAULT = object()


def _json_default(info: FieldInfo) -> Any:
    """A field's default as the form should start with it (None, scalars, enum values, empty lists)."""
    if info.default_factory is not None:
        try:
            value = info.default_factory()  # type: ignore[call-arg]
        except TypeError:
            return _NO_DEFAULT
    else:
        value = info.default
    if isinstance(value, enum.Enum):
        return value.value
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, dict)) and not value:
        return value
    return _NO_DEFAULT


def describe_fields(
    read: type[BaseModel],
    *,
    required_from: type[BaseModel] | None = None,
    create: type[BaseModel] | None = None,
    update: type[BaseModel] | None = None,
) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    order: list[str] = []

    def add(model: type[BaseModel], role: str) -> None:
        for name, info in model.model_fields.items():
            key = info.alias or camel(name)
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            entry = seen.get(key)
            if entry is None:
                entry = {
                    "name": key,
                    "label": {"zh": info.title or key, "en": extra.get("en") or info.title or key},
                    **field_type(info.annotation),
                    "required": False,
                    "inColumns": False,
                    "inCreate": False,
                    "inUpdate": False,
                }
                for hint in ("dict", "widget", "masked"):
                    if hint in extra:
                        entry[hint] = extra[hint]
                if extra.get("column") is False:
                    entry["column"] = False
                if info.description:
                    entry["help"] = info.description
                seen[key] = entry
                order.append(key)
            else:
                # a hint given only on the create/update model (widget, dictionary, help) still counts
                for hint in ("dict", "widget", "masked"):
                    if hint in extra and hint not in entry:
                        entry[hint] = extra[hint]
                if info.description and "help" not in entry:
                    entry["help"] = info.description
            entry.update(_constraints(info))
            if role == "create" and not info.is_required():
                default = _json_default(info)
                if default is not _NO_DEFAULT:
                    entry["default"] = default
            if role == "read":
                entry["inColumns"] = True
            elif role == "create":
                entry["inCreate"] = True
                if info.is_required():
                    entry["required"] = True
            elif role == "update":
                entry["inUpdate"] = True
            elif role == "form":
                entry["required"] = info.is_required()

    add(read, "read")
    if create is not None:
        add(create, "create")
    if update is not None:
        add(update, "update")
    if required_from is not None and required_from not in (create,):
        add(required_from, "form")
    return [seen[k] for k in order]
