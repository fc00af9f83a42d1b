"""Typed errors and the one place that turns them (and everything else) into HTTP answers.

Every error answer has the shape ``{"code": MACHINE_CODE, "message": 中文说明, "fields": [...]}``.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


class AppError(Exception):
    status_code = 400
    code = "BAD_REQUEST"
    message = "请求有误"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        fields: list[dict[str, str]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.fields = fields or []
        self.extra = extra or {}
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        body.update(self.extra)
        return body


class Invalid(AppError):
    status_code = 422
    code = "VALIDATION_ERROR"
    message = "提交的数据不符合要求"

    @classmethod
    def field(cls, field: str, message: str, *, code: str | None = None) -> "Invalid":
        return cls(message, code=code, fields=[{"field": field, "message": message}])


class NotFound(AppError):
    status_code = 404
    code = "NOT_FOUND"
    message = "数据不存在或已被删除"


class Conflict(AppError):
    status_code = 409
    code = "CONFLICT"
    message = "数据冲突，请刷新后重试"


class Forbidden(AppError):
    status_code = 403
    code = "FORBIDDEN"
    message = "没有权限执行此操作"


class Unauthorized(AppError):
    status_code = 401
    code = "UNAUTHORIZED"
    message = "请先登录"


class TooLarge(AppError):
    status_code = 413
    code = "PAYLOAD_TOO_LARGE"
    message = "上传的内容过大"


# --- pydantic error types → Chinese messages a user can act on ---------------------------------

_PYDANTIC_MESSAGES: dict[str, str] = {
    "missing": "必填项不能为空",
    "string_too_short": "长度不能少于{min_length}个字符",
    "string_too_long": "长度不能超过{max_length}个字符",
    "too_short": "至少需要{min_length}项",
    "too_long": "最多只能有{max_length}项",
    "string_type": "请输入文本",
    "string_pattern_mismatch": "格式不正确",
    "int_type": "请输入整数",
    "int_parsing": "请输入整数",
    "int_from_float": "请输入整数",
    "float_type": "请输入数字",
    "float_parsing": "请输入数字",
    "decimal_parsing": "请输入数字",
    "decimal_type": "请输入数字",
    "decimal_max_digits": "数字位数过多",
    "decimal_max_places": "小数位数过多",
    "bool_type": "请选择是或否",
    "bool_parsing": "请选择是或否",
    "greater_than": "必须大于{gt}",
    "greater_than_equal": "不能小于{ge}",
    "less_than": "必须小于{lt}",
    "less_than_equal": "不能大于{le}",
    "enum": "请从可选项中选择",
    "literal_error": "请从可选项中选择",
    "date_type": "请输入日期",
    "date_parsing": "日期格式不正确，应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式不正确，应为 YYYY-MM-DD",
    "date_from_datetime_inexact": "日期格式不正确，应为 YYYY-MM-DD",
    "datetime_type": "请输入时间",
    "datetime_parsing": "时间格式不正确",
    "datetime_from_date_parsing": "时间格式不正确",
    "time_parsing": "时间格式不正确",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "json_invalid": "请求内容不是有效的 JSON",
    "json_type": "请求内容不是有效的 JSON",
    "extra_forbidden": "不支持的字段",
    "url_parsing": "网址格式不正确",
    "url_type": "网址格式不正确",
    "value_error": "{error}",
    "assertion_error": "{error}",
    "uuid_parsing": "格式不正确",
    "bytes_type": "请上传文件",
    "none_required": "该项应为空",
    "frozen_field": "该项不可修改",
    "union_tag_invalid": "请从可选项中选择",
    "string_unicode": "包含无法识别的字符",
    "int_parsing_size": "数字超出范围",
    "finite_number": "请输入有效数字",
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def translate_pydantic_error(err: dict[str, Any]) -> dict[str, str]:
    loc = [str(p) for p in err.get("loc", ())]
    # drop the location prefix FastAPI adds ("body", "query", "path") and pydantic union tags
    if loc and loc[0] in {"body", "query", "path", "header", "cookie"}:
        loc = loc[1:]
    field = ".".join(_camel(p) for p in loc if not p.startswith("function-")) or "_"
    etype = err.get("type", "")
    ctx = dict(err.get("ctx") or {})
    template = _PYDANTIC_MESSAGES.get(etype)
    if etype in {"value_error", "assertion_error"}:
        msg = str(ctx.get("error") or err.get("msg", ""))
        for prefix in ("Value error, ", "Assertion failed, "):
            if msg.startswith(prefix):
                msg = msg[len(prefix):]
        message = msg or "格式不正确"
    elif template:
        try:
            message = template.format(**{k: v for k, v in ctx.items()})
        except (KeyError, IndexError):
            message = "格式不正确"
    else:
        message = "格式不正确"
    return {"field": field, "message": message, "type": etype}


def _json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(status_code=status, content=body, headers=headers)


_HTTP_CODES = {
    400: ("BAD_REQUEST", "请求有误"),
    401: ("UNAUTHORIZED", "请先登录"),
    403: ("FORBIDDEN", "没有权限执行此操作"),
    404: ("NOT_FOUND", "请求的资源不存在"),
    405: ("METHOD_NOT_ALLOWED", "不支持该请求方法"),
    406: ("NOT_ACCEPTABLE", "不支持请求的返回格式"),
    413: ("PAYLOAD_TOO_LARGE", "上传的内容过大"),
    415: ("UNSUPPORTED_MEDIA_TYPE", "不支持的内容类型"),
    422: ("VALIDATION_ERROR", "提交的数据不符合要求"),
    429: ("TOO_MANY_REQUESTS", "请求过于频繁，请稍后再试"),
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(_: Request, exc: AppError) -> JSONResponse:
        return _json(exc.status_code, exc.body())

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [translate_pydantic_error(e) for e in exc.errors()]
        first = fields[0] if fields else None
        if first is None:
            message = "提交的数据不符合要求"
        elif first["field"] == "_":
            message = first["message"]
        else:
            message = f"{first['field']}: {first['message']}"
        return _json(422, {"code": "VALIDATION_ERROR", "message": message, "fields": fields})

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        log.info("integrity error: %s", exc.orig)
        return _json(409, {"code": "CONFLICT", "message": "数据已存在或仍被其他数据引用，无法保存"})

    @app.exception_handler(DataError)
    async def _data(_: Request, exc: DataError) -> JSONResponse:
        log.info("data error: %s", exc.orig)
        return _json(422, {"code": "VALIDATION_ERROR", "message": "提交的数据超出允许的范围或格式不正确"})

    @app.exception_handler(OverflowError)
    async def _overflow(_: Request, exc: OverflowError) -> JSONResponse:
        return _json(422, {"code": "VALIDATION_ERROR", "message": "数值超出允许的范围"})

    @app.exception_handler(OperationalError)
    async def _operational(_: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database busy: %s", exc.orig)
        return _json(503, {"code": "DATABASE_BUSY", "message": "系统繁忙，请稍后重试"})

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = _HTTP_CODES.get(exc.status_code, ("HTTP_ERROR", "请求失败"))
        if isinstance(exc.detail, dict):
            return _json(exc.status_code, exc.detail, getattr(exc, "headers", None))
        return _json(exc.status_code, {"code": code, "message": message}, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return _json(500, {"code": "INTERNAL_ERROR", "message": "系统内部错误，请联系管理员"})
