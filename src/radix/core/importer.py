"""Spreadsheet import for any resource declared ``importable``: a template with Chinese headers, then
an all-or-nothing import job that reports every bad row and saves nothing if one is wrong."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from typing import TYPE_CHECKING, Any

from fastapi import UploadFile
from fastapi.responses import Response
from openpyxl import Workbook, load_workbook
from pydantic import ValidationError

from radix.core.errors import AppError, Conflict, Invalid, TooLarge, translate_pydantic_error
from radix.core.export import XLSX, attachment
from radix.core.jobs.engine import JobContext, enqueue, job
from radix.core.jobs.schemas import JobRunRead
from radix.core.storage import blobs

if TYPE_CHECKING:
    from radix.core.resource import Ctx, Resource

MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_ROWS = 10_000


def import_fields(resource: "Resource") -> list[dict[str, Any]]:
    from radix.core.resource import describe_fields

    schema = getattr(resource.service, "import_schema", None) or resource.create_schema
    assert schema is not None
    fields = describe_fields(schema, required_from=schema)
    hidden = set(getattr(resource.service, "import_exclude", ()))
    return [f for f in fields if f["name"] not in hidden and f["type"] not in ("object",)]


def template_bytes(resource: "Resource") -> bytes:
    fields = import_fields(resource)
    wb = Workbook()
    ws = wb.active
    ws.title = resource.zh[:31]
    ws.append([f["label"]["zh"] + ("*" if f["required"] else "") for f in fields])
    for idx, f in enumerate(fields, start=1):
        ws.cell(row=1, column=idx).number_format = "@"
        ws.column_dimensions[ws.cell(row=1, column=idx).column_letter].width = 18
    notes = wb.create_sheet("填写说明")
    notes.append(["字段", "是否必填", "说明"])
    for f in fields:
        hint = ""
        if f.get("options"):
            hint = "可选：" + "、".join(o["label"] for o in f["options"])
        elif f["type"] == "boolean":
            hint = "填写 是 或 否"
        elif f["type"] == "date":
            hint = "日期，如 2026-01-31"
        elif f.get("dict"):
            hint = "填写数据字典中的编码或名称"
        if f.get("maxLength"):
            hint = (hint + "；" if hint else "") + f"不超过{f['maxLength']}个字符"
        notes.append([f["label"]["zh"], "是" if f["required"] else "否", hint])
    notes.append([])
    notes.append(["带 * 的列必须填写；第一行是表头，请勿修改；任意一行有误时整份文件都不会导入。"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def template_response(resource: "Resource") -> Response:
    return attachment(f"{resource.zh}导入模板.xlsx", template_bytes(resource), XLSX)


def start_import(ctx: "Ctx", resource: "Resource", file: UploadFile) -> dict[str, Any]:
    name = (file.filename or "").lower()
    if not name.endswith(".xlsx"):
        raise Invalid.field("file", "请上传按模板填写的 .xlsx 文件", code="BAD_FILE_TYPE")
    data = file.file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise TooLarge("导入文件不能超过 10MB")
    if not data:
        raise Invalid.field("file", "上传的文件是空的", code="EMPTY_FILE")
    key = f"imports/{uuid.uuid4().hex}.xlsx"
    blobs().put(key, data)
    run = enqueue(
        ctx.session,
        "core.import",
        name=f"导入{resource.zh}",
        params={"resource": resource.name, "key": key, "filename": file.filename},
        target_type=resource.name,
    )
    return JobRunRead.model_validate(run).model_dump(by_alias=True, mode="json")


def _header_map(resource: "Resource", header: list[Any]) -> dict[int, dict[str, Any]]:
    fields = import_fields(resource)
    lookup: dict[str, dict[str, Any]] = {}
    for f in fields:
        for key in (f["name"], f["label"]["zh"], f["label"]["en"]):
            lookup[str(key).strip().lower()] = f
    mapping: dict[int, dict[str, Any]] = {}
    for idx, cell in enumerate(header):
        text = str(cell or "").strip().rstrip("*").strip().lower()
        if text in lookup:
            mapping[idx] = lookup[text]
    missing = [f["label"]["zh"] for f in fields if f["required"] and f not in mapping.values()]
    if missing:
        raise Invalid("导入文件缺少必填列：" + "、".join(missing) + "，请使用下载的模板", code="IMPORT_BAD_HEADER")
    return mapping


def _convert(value: Any, field: dict[str, Any]) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return None
    kind = field["type"]
    if kind == "enum":
        for opt in field.get("options", []):
            if str(value) in (str(opt["value"]), opt["label"], opt["labelEn"]):
                return opt["value"]
        return value
    if kind == "boolean":
        text = str(value).strip().lower()
        if text in {"是", "true", "1", "启用", "yes", "y"}:
            return True
        if text in {"否", "false", "0", "禁用", "no", "n"}:
            return False
        return value
    if kind == "string":
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, dt.datetime):
            return value.strftime("%Y-%m-%d %H:%M:%S")
        return str(value)
    if kind == "date" and isinstance(value, dt.datetime):
        return value.date()
    if kind == "array":
        return [v.strip() for v in str(value).replace("，", ",").replace("、", ",").split(",") if v.strip()]
    return value


@job("core.import", "数据导入")
def run_import(ctx: JobContext) -> dict[str, Any]:
    from radix.core.resource import Ctx, Resource

    resource = Resource.registry.get(ctx.params["resource"])
    if resource is None or not resource.importable or resource.create_schema is None:
        raise AppError("该数据不支持导入", code="IMPORT_NOT_SUPPORTED")
    raw = blobs().get(ctx.params["key"])
    try:
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:
        raise Invalid("无法读取导入文件，请确认是 .xlsx 格式", code="IMPORT_BAD_FILE") from None
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    if not rows:
        raise Invalid("导入文件是空的", code="IMPORT_EMPTY")
    mapping = _header_map(resource, list(rows[0]))
    body = [(i + 2, r) for i, r in enumerate(rows[1:]) if any(c not in (None, "") for c in r)]
    if not body:
        raise Invalid("导入文件中没有数据行", code="IMPORT_EMPTY")
    if len(body) > MAX_IMPORT_ROWS:
        raise Invalid(f"一次最多导入 {MAX_IMPORT_ROWS} 行", code="IMPORT_TOO_MANY")

    principal = _job_principal(ctx)
    rctx = Ctx(ctx.session, principal, None)
    service = resource.service
    errors: list[dict[str, Any]] = []
    parsed: list[tuple[int, Any]] = []
    seen: dict[tuple, int] = {}
    labels = {f["name"]: f["label"]["zh"] for f in mapping.values()}
    total = len(body)
    for n, (row_no, cells) in enumerate(body, start=1):
        values: dict[str, Any] = {}
        for idx, f in mapping.items():
            if idx < len(cells):
                converted = _convert(cells[idx], f)
                if converted is not None:
                    values[f["name"]] = converted
        try:
            values = service.import_row(rctx, values) if hasattr(service, "import_row") else values
            data = resource.create_schema.model_validate(values)
        except ValidationError as exc:
            for e in exc.errors():
                t = translate_pydantic_error(e)
                errors.append({"row": row_no, "field": t["field"], "label": labels.get(t["field"], t["field"]), "message": t["message"]})
            continue
        except AppError as exc:
            for fe in exc.fields or [{"field": "", "message": exc.message}]:
                errors.append({"row": row_no, "field": fe["field"], "label": labels.get(fe["field"], fe["field"]), "message": fe["message"]})
            continue
        dumped = data.model_dump()
        for rule in resource.unique:
            key = (rule.fields, tuple(dumped.get(f) for f in rule.fields))
            if None in key[1]:
                continue
            if key in seen:
                field_name = rule.fields[-1]
                errors.append(
                    {"row": row_no, "field": field_name, "label": labels.get(field_name, field_name), "message": f"与第 {seen[key]} 行重复"}
                )
            else:
                seen[key] = row_no
        parsed.append((row_no, data))
        if n % 50 == 0:
            ctx.progress(n * 50 / total, f"正在校验第 {n}/{total} 行")
            ctx.check_cancelled()
    if not errors:
        for n, (row_no, data) in enumerate(parsed, start=1):
            try:
                service.create(rctx, data)
            except (Conflict, Invalid) as exc:
                for fe in exc.fields or [{"field": "", "message": exc.message}]:
                    errors.append({"row": row_no, "field": fe["field"], "label": labels.get(fe["field"], fe["field"]), "message": fe["message"]})
            if n % 50 == 0:
                ctx.progress(50 + n * 50 / len(parsed), f"正在导入第 {n}/{len(parsed)} 行")
                ctx.check_cancelled()
    blobs().delete(ctx.params["key"])
    if errors:
        errors.sort(key=lambda e: e["row"])
        raise Invalid(
            f"导入失败：{len({e['row'] for e in errors})} 行有误，未导入任何数据",
            code="IMPORT_ROWS_INVALID",
            extra={"errors": errors[:1000], "total": total},
        )
    return {"message": f"成功导入 {len(parsed)} 条", "total": total, "created": len(parsed), "errors": []}


def _job_principal(ctx: JobContext) -> Any:
    from radix.core.security import Principal

    return Principal(
        account_id=ctx.account_id or 0,
        username="import",
        name="导入任务",
        tenant_id=ctx.tenant_id,
        tenant_code="",
        tenant_name="",
        tenant_kind="",
        scope=ctx.scope,
    )
