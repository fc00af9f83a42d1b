"""Descriptors for the SPA: resources (what CrudPage renders) and dictionaries (select options)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Path
from sqlalchemy.orm import Session

from radix.core.errors import NotFound
from radix.core.resource import Resource
from radix.core.security import Principal, current_principal, get_session, require

DictProvider = Callable[[Session], list[dict[str, Any]]]
_dicts: dict[str, tuple[str, DictProvider]] = {}


def register_dict(code: str, zh: str, provider: DictProvider) -> None:
    """A named option list (``hospital_type``, ``modality``…) that fields reference by ``dict``."""
    _dicts[code] = (zh, provider)


def dict_codes() -> list[str]:
    return sorted(_dicts)


router = APIRouter(prefix="/meta", tags=["元数据"])

NAME_PATTERN = r"^[a-z][a-z0-9_]*$"


@router.get("/resources", dependencies=[require()], summary="可用的资源描述列表")
def list_resources(principal: Principal = current_principal) -> list[dict[str, Any]]:
    return [
        {"name": r.name, "label": {"zh": r.zh, "en": r.en}, "path": "/api/v1" + r.path, "permission": r.perm}
        for r in Resource.registry.values()
        if principal.has(r.permission("list"))
    ]


@router.get("/resources/{name}", dependencies=[require()], summary="资源描述（字段、筛选、列、操作）")
def describe(name: str = Path(max_length=64, pattern=NAME_PATTERN), principal: Principal = current_principal) -> dict[str, Any]:
    resource = Resource.registry.get(name)
    if resource is None or not principal.has(resource.permission("list")):
        raise NotFound("资源不存在")
    return resource.describe()


@router.get("/settings/{name}", dependencies=[require()], summary="设置页描述（表单字段）")
def describe_settings(name: str = Path(max_length=64, pattern=NAME_PATTERN), principal: Principal = current_principal) -> dict[str, Any]:
    from radix.core.singleton import Singleton

    entry = Singleton.registry.get(name)
    if entry is None or not principal.has(f"{entry.perm}:query"):
        raise NotFound("设置不存在")
    return entry.describe()


@router.get("/dicts/{code}", dependencies=[require()], summary="数据字典选项")
def dict_options(code: str = Path(max_length=64, pattern=NAME_PATTERN), session: Session = get_session) -> list[dict[str, Any]]:
    entry = _dicts.get(code)
    if entry is None:
        raise NotFound("数据字典不存在")
    return entry[1](session)
