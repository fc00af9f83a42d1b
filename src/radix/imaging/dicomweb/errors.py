"""DICOMweb answers a bad query with 400 (PS3.18 8.6.1), an unsatisfiable Accept with 406 and an
unsupported request body with 415; each keeps the platform's ``{code, message}`` shape."""

from __future__ import annotations

from radix.core.errors import AppError


class BadRequest(AppError):
    status_code = 400
    code = "BAD_REQUEST"
    message = "请求参数不正确"


class NotAcceptable(AppError):
    status_code = 406
    code = "NOT_ACCEPTABLE"
    message = "无法以请求的格式返回"


class UnsupportedMediaType(AppError):
    status_code = 415
    code = "UNSUPPORTED_MEDIA_TYPE"
    message = "不支持的内容类型"
