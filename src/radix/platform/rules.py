"""Input rules of manual 4 §8.1.1.3 (tenants) and §8.1.2.3 (accounts), with their Chinese messages."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
VISIBLE_ASCII = re.compile(r"^[\x21-\x7e]+$")
PHONE = re.compile(r"^\d{11}$")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _length(value: str, lo: int, hi: int, what: str) -> None:
    if not lo <= len(value) <= hi:
        raise ValueError(f"{what}需要在{lo}-{hi}个字符内")


def institution_name(value: str) -> str:
    _length(value, 3, 20, "机构名称")
    if CONTROL.search(value):
        raise ValueError("机构名称包含非法字符")
    return value


def institution_short_name(value: str) -> str:
    _length(value, 3, 10, "机构简称")
    if CONTROL.search(value):
        raise ValueError("机构简称包含非法字符")
    return value


def account_name(value: str) -> str:
    """租户账号 / 账号: 3–20 characters, no Chinese (and no spaces or control characters)."""
    _length(value, 3, 20, "账号")
    if CJK.search(value):
        raise ValueError("账号不能包含中文字符")
    if not VISIBLE_ASCII.match(value):
        raise ValueError("账号只能包含字母、数字和符号，不能包含空格")
    return value


def phone(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if not PHONE.match(value):
        raise ValueError("手机号需要输入11位数字")
    return value


def plain_text(value: str | None) -> str | None:
    if value is not None and CONTROL.search(value.replace("\n", "").replace("\r", "").replace("\t", "")):
        raise ValueError("包含非法字符")
    return value


def password_shape(value: str) -> str:
    """The schema-level part of the password rule; the tenant's policy adds the rest in the service."""
    if CJK.search(value):
        raise ValueError("密码不能包含中文字符")
    if not VISIBLE_ASCII.match(value):
        raise ValueError("密码只能包含字母、数字和符号，不能包含空格")
    if len(value) > 64:
        raise ValueError("密码过长")
    return value


InstitutionName = Annotated[str, AfterValidator(institution_name)]
InstitutionShortName = Annotated[str, AfterValidator(institution_short_name)]
AccountName = Annotated[str, AfterValidator(account_name)]
Phone = Annotated[str | None, AfterValidator(phone)]
Password = Annotated[str, AfterValidator(password_shape)]
Text = Annotated[str | None, AfterValidator(plain_text)]
