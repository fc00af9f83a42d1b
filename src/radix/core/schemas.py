"""Pydantic building blocks: the camelCase base model, pages, labelled enums and field metadata."""

from __future__ import annotations

import enum
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

T = TypeVar("T")

MAX_ID = 2**62
#: a row id in a request body (bounded, so that no database is asked about a 200-digit number)
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class AppModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        from_attributes=True,
        str_strip_whitespace=True,
        use_enum_values=False,
    )

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        # NUL cannot be stored by PostgreSQL and is never meaningful in a form
        if isinstance(data, dict):
            for key, value in data.items():
                if isinstance(value, str) and "\x00" in value:
                    raise ValueError(f"{key} 包含非法字符")
        return data


class Page(AppModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int


class IdList(AppModel):
    ids: list[Id] = Field(min_length=1, max_length=1000, title="编号列表")


class Message(AppModel):
    code: str = "OK"
    message: str = "操作成功"


class LabeledEnum(str, enum.Enum):
    """A string enum whose members carry their Chinese and English labels.

    ``ENABLED = "enabled", "启用", "Enabled"``
    """

    zh: str
    en: str

    def __new__(cls, value: str, zh: str | None = None, en: str | None = None) -> "LabeledEnum":
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.zh = zh or value
        obj.en = en or value
        return obj

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def options(cls) -> list[dict[str, str]]:
        return [{"value": m.value, "label": m.zh, "labelEn": m.en} for m in cls]

    @classmethod
    def from_label(cls, text: str) -> "LabeledEnum | None":
        text = str(text).strip()
        for m in cls:
            if text in (m.value, m.zh, m.en):
                return m
        return None


class Status(LabeledEnum):
    ENABLED = "enabled", "启用", "Enabled"
    DISABLED = "disabled", "禁用", "Disabled"


def F(
    default: Any = ...,
    *,
    zh: str,
    en: str | None = None,
    dict: str | None = None,  # noqa: A002 - a dictionary (master data) reference
    widget: str | None = None,
    column: bool = True,
    masked: str | None = None,
    **constraints: Any,
) -> Any:
    """A field with the labels and UI hints the resource descriptor publishes.

    ``widget``: textarea, password, image, images, richtext, tree-select, switch …
    ``masked``: phone / idcard / name — how a list shows it when 脱敏 is on.
    """
    extra: dict[str, Any] = {"en": en or zh}
    if dict:
        extra["dict"] = dict
    if widget:
        extra["widget"] = widget
    if not column:
        extra["column"] = False
    if masked:
        extra["masked"] = masked
    return Field(default, title=zh, json_schema_extra=extra, **constraints)
