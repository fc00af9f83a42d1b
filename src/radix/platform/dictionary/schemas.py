"""Forms and rows of the master-data pages. A code cannot change once created: other rows and
other domains (a tenant's 医院类型, an account's 人员类型, a registration's 检查项目) refer to it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, PlainSerializer

from radix.core.schemas import AppModel, F, Status
from radix.platform.dictionary.models import ChargeType
from radix.platform.rules import Text

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
MODALITY_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_\-]*$")


def code_rule(value: str) -> str:
    if not 1 <= len(value) <= 32:
        raise ValueError("编码需要在1-32个字符内")
    if not CODE.match(value):
        raise ValueError("编码只能包含字母、数字、下划线、短横线和点，且以字母或数字开头")
    return value


def modality_code_rule(value: str) -> str:
    value = value.upper()
    if not 1 <= len(value) <= 16:
        raise ValueError("模态编码需要在1-16个字符内")
    if not MODALITY_CODE.match(value):
        raise ValueError("模态编码只能包含字母、数字、下划线和短横线，如 CT、MR、DR")
    return value


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _to_str(value: Any) -> Any:
    # a code typed as a number (in a form or a spreadsheet) is still a code
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Code = Annotated[str, BeforeValidator(_to_str), AfterValidator(code_rule)]
ModalityCode = Annotated[str, BeforeValidator(_to_str), AfterValidator(modality_code_rule)]
OptionalCode = Annotated[str | None, BeforeValidator(_blank_to_none), BeforeValidator(_to_str)]
OptionalModalityCode = Annotated[
    ModalityCode | None, BeforeValidator(_blank_to_none), BeforeValidator(_to_str)
]
#: yuan with two decimals; a JSON number on the wire
Price = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]

CODE_HELP = "字母、数字、下划线、短横线或点，创建后不可修改"


# --- 医院类型 / 医院等级 / 人员类型: the same shape ------------------------------------------


class _SimpleRead(AppModel):
    id: int = F(zh="编号", en="ID", column=False)
    code: str = F(zh="编码", en="Code")
    name: str = F(zh="名称", en="Name")
    sort: int = F(zh="排序", en="Sort")
    status: Status = F(zh="状态", en="Status")
    remark: str | None = F(None, zh="备注", en="Remark")
    tenant_id: int = F(zh="机构", en="Institution", column=False)
    tenant_name: str | None = F(None, zh="所属机构", en="Institution")
    created_at: dt.datetime = F(zh="创建时间", en="Created at")
    updated_at: dt.datetime = F(zh="更新时间", en="Updated at", column=False)


class _SimpleCreate(AppModel):
    code: Code = F(zh="编码", en="Code", max_length=32, description=CODE_HELP)
    name: str = F(zh="名称", en="Name", min_length=1, max_length=100)
    sort: int = F(0, zh="排序", en="Sort", ge=0, le=9999)
    status: Status = F(Status.ENABLED, zh="状态", en="Status")
    remark: Text = F(None, zh="备注", en="Remark", max_length=500, widget="textarea")


class _SimpleUpdate(AppModel):
    name: str | None = F(None, zh="名称", en="Name", min_length=1, max_length=100)
    sort: int | None = F(None, zh="排序", en="Sort", ge=0, le=9999)
    status: Status | None = F(None, zh="状态", en="Status")
    remark: Text = F(None, zh="备注", en="Remark", max_length=500, widget="textarea")


class HospitalTypeRead(_SimpleRead):
    code: str = F(zh="类型编码", en="Code")
    name: str = F(zh="类型名称", en="Name")


class HospitalTypeCreate(_SimpleCreate):
    code: Code = F(zh="类型编码", en="Code", max_length=32, description=CODE_HELP)
    name: str = F(zh="类型名称", en="Name", min_length=1, max_length=100)


class HospitalTypeUpdate(_SimpleUpdate):
    name: str | None = F(None, zh="类型名称", en="Name", min_length=1, max_length=100)


class HospitalLevelRead(_SimpleRead):
    code: str = F(zh="等级编码", en="Code")
    name: str = F(zh="等级名称", en="Name")


class HospitalLevelCreate(_SimpleCreate):
    code: Code = F(zh="等级编码", en="Code", max_length=32, description="如 3A（三级甲等）；" + CODE_HELP)
    name: str = F(zh="等级名称", en="Name", min_length=1, max_length=100)


class HospitalLevelUpdate(_SimpleUpdate):
    name: str | None = F(None, zh="等级名称", en="Name", min_length=1, max_length=100)


class PersonTypeRead(_SimpleRead):
    code: str = F(zh="类型编码", en="Code")
    name: str = F(zh="类型名称", en="Name")


class PersonTypeCreate(_SimpleCreate):
    code: Code = F(zh="类型编码", en="Code", max_length=32, description=CODE_HELP)
    name: str = F(zh="类型名称", en="Name", min_length=1, max_length=100)


class PersonTypeUpdate(_SimpleUpdate):
    name: str | None = F(None, zh="类型名称", en="Name", min_length=1, max_length=100)


# --- 模态 ---------------------------------------------------------------------------------------


class ModalityRead(AppModel):
    id: int = F(zh="编号", en="ID", column=False)
    code: str = F(zh="模态编码", en="Code")
    name: str = F(zh="模态名称", en="Name")
    description: str | None = F(None, zh="描述", en="Description")
    sort: int = F(zh="排序", en="Sort")
    status: Status = F(zh="状态", en="Status")
    remark: str | None = F(None, zh="备注", en="Remark", column=False)
    tenant_id: int = F(zh="机构", en="Institution", column=False)
    tenant_name: str | None = F(None, zh="所属机构", en="Institution")
    created_at: dt.datetime = F(zh="创建时间", en="Created at")
    updated_at: dt.datetime = F(zh="更新时间", en="Updated at", column=False)


class ModalityCreate(AppModel):
    code: ModalityCode = F(zh="模态编码", en="Code", max_length=16,
                           description="DICOM 模态，如 CT、MR、DR、US；创建后不可修改")
    name: str = F(zh="模态名称", en="Name", min_length=1, max_length=100)
    description: Text = F(None, zh="描述", en="Description", max_length=500, widget="textarea")
    sort: int = F(0, zh="排序", en="Sort", ge=0, le=9999)
    status: Status = F(Status.ENABLED, zh="状态", en="Status")
    remark: Text = F(None, zh="备注", en="Remark", max_length=500, widget="textarea")


class ModalityUpdate(AppModel):
    name: str | None = F(None, zh="模态名称", en="Name", min_length=1, max_length=100)
    description: Text = F(None, zh="描述", en="Description", max_length=500, widget="textarea")
    sort: int | None = F(None, zh="排序", en="Sort", ge=0, le=9999)
    status: Status | None = F(None, zh="状态", en="Status")
    remark: Text = F(None, zh="备注", en="Remark", max_length=500, widget="textarea")


# --- 部位 ---------------------------------------------------------------------------------------


class BodyPartRead(AppModel):
    id: int = F(zh="编号", en="ID", column=False)
    code: str = F(zh="部位编码", en="Code")
    name: str = F(zh="部位名称", en="Name")
    modality_code: str = F(zh="模态", en="Modality", dict="modality")
    modality_name: str | None = F(None, zh="模态名称", en="Modality name", column=False)
    sort: int = F(zh="排序", en="Sort")
    status: Status = F(zh="状态", en="Status")
    remark: str | None = F(None, zh="备注", en="Remark", column=False)
    tenant_id: int = F(zh="机构", en="Institution", column=False)
    tenant_name: str | None = F(None, zh="所属机构", en="Institution")
    created_at: dt.datetime = F(zh="创建时间", en="Created at")
    updated_at: dt.datetime = F(zh="更新时间", en="Updated at", column=False)


class BodyPartCreate(AppModel):
    code: Code = F(zh="部位编码", en="Code", max_length=32, description=CODE_HELP)
    name: str = F(zh="部位名称", en="Name", min_length=1, max_length=100)
    modality_code: ModalityCode = F(zh="模态", en="Modality", max_length=16, dict="modality")
    sort: int = F(0, zh="排序", en="Sort", ge=0, le=9999)
    status: Status = F(Status.ENABLED, zh="状态", en="Status")
    remark: Text = F(None, zh="备注", en="Remark", max_length=500, widget="textarea")


class BodyPartUpdate(AppModel):
    name: str | None = F(None, zh="部位名称", en="Name", min_length=1, max_length=100)
    modality_code: OptionalModalityCode = F(None, zh="模态", en="Modality", max_length=16, dict="modality")
    sort: int | None = F(None, zh="排序", en="Sort", ge=0, le=9999)
    status: Status | None = F(None, zh="状态", en="Status")
    remark: Text = F(None, zh="备注", en="Remark", max_length=500, widget="textarea")


# --- 检查项目 -----------------------------------------------------------------------------------


class ExamItemRead(AppModel):
    id: int = F(zh="编号", en="ID", column=False)
    code: str = F(zh="项目编码", en="Code")
    name: str = F(zh="项目名称", en="Name")
    body_part_code: str | None = F(None, zh="部位", en="Body part", dict="body_part")
    body_part_name: str | None = F(None, zh="部位名称", en="Body part name", column=False)
    modality_code: str = F(zh="模态", en="Modality", dict="modality")
    modality_name: str | None = F(None, zh="模态名称", en="Modality name", column=False)
    price: Price | None = F(None, zh="价格（元）", en="Price")
    enabled: bool = F(zh="是否启用", en="Enabled")
    sort: int = F(zh="排序", en="Sort", column=False)
    remark: str | None = F(None, zh="备注", en="Remark", column=False)
    tenant_id: int = F(zh="机构", en="Institution", column=False)
    tenant_name: str | None = F(None, zh="所属机构", en="Institution")
    created_at: dt.datetime = F(zh="创建时间", en="Created at")
    updated_at: dt.datetime = F(zh="更新时间", en="Updated at", column=False)


class ExamItemCreate(AppModel):
    code: Code = F(zh="项目编码", en="Code", max_length=32, description=CODE_HELP)
    name: str = F(zh="项目名称", en="Name", min_length=1, max_length=100)
    body_part_code: OptionalCode = F(None, zh="部位", en="Body part", max_length=32, dict="body_part",
                                     description="须为所选模态下的部位")
    modality_code: ModalityCode = F(zh="模态", en="Modality", max_length=16, dict="modality")
    price: Price | None = F(None, zh="价格（元）", en="Price", ge=0, max_digits=12, decimal_places=2)
    enabled: bool = F(True, zh="是否启用", en="Enabled", widget="switch")
    sort: int = F(0, zh="排序", en="Sort", ge=0, le=9999)
    remark: Text = F(None, zh="备注", en="Remark", max_length=500, widget="textarea")


class ExamItemUpdate(AppModel):
    name: str | None = F(None, zh="项目名称", en="Name", min_length=1, max_length=100)
    body_part_code: OptionalCode = F(None, zh="部位", en="Body part", max_length=32, dict="body_part")
    modality_code: OptionalModalityCode = F(None, zh="模态", en="Modality", max_length=16, dict="modality")
    price: Price | None = F(None, zh="价格（元）", en="Price", ge=0, max_digits=12, decimal_places=2)
    enabled: bool | None = F(None, zh="是否启用", en="Enabled", widget="switch")
    sort: int | None = F(None, zh="排序", en="Sort", ge=0, le=9999)
    remark: Text = F(None, zh="备注", en="Remark", max_length=500, widget="textarea")


# --- 收费项目 -----------------------------------------------------------------------------------


class ChargeItemRead(AppModel):
    id: int = F(zh="编号", en="ID", column=False)
    code: str = F(zh="收费代码", en="Charge code")
    name: str = F(zh="收费项目名称", en="Name")
    type: ChargeType = F(zh="收费项目类型", en="Type")
    modality_code: str | None = F(None, zh="模态", en="Modality", dict="modality")
    modality_name: str | None = F(None, zh="模态名称", en="Modality name", column=False)
    price: Price = F(zh="价格（元）", en="Price")
    enabled: bool = F(zh="是否启用", en="Enabled")
    sort: int = F(zh="排序", en="Sort", column=False)
    remark: str | None = F(None, zh="备注", en="Remark", column=False)
    tenant_id: int = F(zh="机构", en="Institution", column=False)
    tenant_name: str | None = F(None, zh="所属机构", en="Institution")
    created_at: dt.datetime = F(zh="创建时间", en="Created at")
    updated_at: dt.datetime = F(zh="更新时间", en="Updated at", column=False)


class ChargeItemCreate(AppModel):
    code: Code = F(zh="收费代码", en="Charge code", max_length=32, description=CODE_HELP)
    name: str = F(zh="收费项目名称", en="Name", min_length=1, max_length=100)
    type: ChargeType = F(ChargeType.EXAM, zh="收费项目类型", en="Type")
    modality_code: OptionalModalityCode = F(None, zh="模态", en="Modality", max_length=16, dict="modality")
    price: Price = F(zh="价格（元）", en="Price", ge=0, max_digits=12, decimal_places=2)
    enabled: bool = F(True, zh="是否启用", en="Enabled", widget="switch")
    sort: int = F(0, zh="排序", en="Sort", ge=0, le=9999)
    remark: Text = F(None, zh="备注", en="Remark", max_length=500, widget="textarea")


class ChargeItemUpdate(AppModel):
    name: str | None = F(None, zh="收费项目名称", en="Name", min_length=1, max_length=100)
    type: ChargeType | None = F(None, zh="收费项目类型", en="Type")
    modality_code: OptionalModalityCode = F(None, zh="模态", en="Modality", max_length=16, dict="modality")
    price: Price | None = F(None, zh="价格（元）", en="Price", ge=0, max_digits=12, decimal_places=2)
    enabled: bool | None = F(None, zh="是否启用", en="Enabled", widget="switch")
    sort: int | None = F(None, zh="排序", en="Sort", ge=0, le=9999)
    remark: Text = F(None, zh="备注", en="Remark", max_length=500, widget="textarea")


class SyncResult(AppModel):
    inserted: int = F(zh="新增条数", en="Inserted")
    updated: int = F(zh="更新条数", en="Updated")
    #: rows of referenced entities brought along (e.g. a body part's modality), by entity name
    related: dict[str, int] = F(default_factory=dict, zh="一并新增的关联数据", en="Related rows inserted")
    message: str = F(zh="结果说明", en="Message")
