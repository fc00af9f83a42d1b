"""The seven master-data pages of manual 1 §6.9, each a generic resource with import and 数据同步."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from radix.core.listing import Filter
from radix.core.resource import Action, Resource, Unique
from radix.core.schemas import Status
from radix.platform.dictionary import schemas as s
from radix.platform.dictionary.models import (
    BodyPart,
    ChargeItem,
    ChargeType,
    ExamItem,
    HospitalLevel,
    HospitalType,
    MasterData,
    Modality,
    PersonType,
)
from radix.platform.dictionary.service import MasterDataService, Ref

PATH = "/platform/master-data"

SYNC_CONFIRM = (
    "将平台的标准数据同步到本机构：补充缺少的编码，更新已有编码的名称等信息，不会删除本机构的数据。确认同步吗？"
)

TENANT = Filter("tenantId", op="eq", type=int, zh="所属机构", en="Institution", widget="tenant-select")
STATUS = Filter("status", op="eq", type=Status, zh="状态", en="Status")
YES_NO = [{"value": "true", "label": "是", "labelEn": "Yes"}, {"value": "false", "label": "否", "labelEn": "No"}]
ENABLED = Filter("enabled", op="eq", type=bool, zh="是否启用", en="Enabled", options=YES_NO)
MODALITY = Filter("modalityCode", op="eq", zh="模态", en="Modality", dict="modality")

MODALITY_REF = Ref("modality_code", Modality, "模态", "modality_name")


def master_resource(
    name: str,
    slug: str,
    model: type[MasterData],
    zh: str,
    en: str,
    schemas: tuple[type[BaseModel], type[BaseModel], type[BaseModel]],
    filters: list[Filter],
    refs: tuple[Ref, ...] = (),
    **kw: Any,
) -> Resource:
    read, create, update = schemas
    code_label = read.model_fields["code"].title
    return Resource(
        name=name,
        path=f"{PATH}/{slug}",
        model=model,
        read=read,
        create=create,
        update=update,
        perm=f"platform:{name}",
        zh=zh,
        en=en,
        filters=[*filters, TENANT],
        sortable=["createdAt", "code", "name", "sort"],
        unique=[Unique(("code",), f"{code_label}已存在")],
        service=MasterDataService(refs),
        importable=True,
        actions=[
            Action("sync", "数据同步", "Sync", f"platform:{name}:sync", "/sync", row=False, confirm=SYNC_CONFIRM),
        ],
        **kw,
    )


hospital_type = master_resource(
    "hospital_type", "hospital-types", HospitalType, "医院类型", "Hospital type",
    (s.HospitalTypeRead, s.HospitalTypeCreate, s.HospitalTypeUpdate),
    [Filter("name", op="contains", zh="类型名称", en="Name"), STATUS],
)

hospital_level = master_resource(
    "hospital_level", "hospital-levels", HospitalLevel, "医院等级", "Hospital level",
    (s.HospitalLevelRead, s.HospitalLevelCreate, s.HospitalLevelUpdate),
    [Filter("name", op="contains", zh="等级名称", en="Name"), STATUS],
)

person_type = master_resource(
    "person_type", "person-types", PersonType, "人员类型", "Person type",
    (s.PersonTypeRead, s.PersonTypeCreate, s.PersonTypeUpdate),
    [Filter("name", op="contains", zh="类型名称", en="Name"), STATUS],
)

modality = master_resource(
    "modality", "modalities", Modality, "模态", "Modality",
    (s.ModalityRead, s.ModalityCreate, s.ModalityUpdate),
    [Filter("name", op="contains", zh="模态名称", en="Name"), STATUS],
)

body_part = master_resource(
    "body_part", "body-parts", BodyPart, "部位", "Body part",
    (s.BodyPartRead, s.BodyPartCreate, s.BodyPartUpdate),
    [Filter("name", op="contains", zh="部位名称", en="Name"), MODALITY, STATUS],
    refs=(MODALITY_REF,),
)

exam_item = master_resource(
    "exam_item", "exam-items", ExamItem, "检查项目", "Exam item",
    (s.ExamItemRead, s.ExamItemCreate, s.ExamItemUpdate),
    [
        Filter("name", op="contains", zh="项目名称", en="Name"),
        Filter("code", op="eq", zh="项目编码", en="Code"),
        Filter("bodyPartCode", op="eq", zh="部位", en="Body part", dict="body_part"),
        MODALITY,
        ENABLED,
    ],
    # the modality first: a body part given by name is looked up within the row's modality
    refs=(MODALITY_REF, Ref("body_part_code", BodyPart, "部位", "body_part_name",
                            match=(("modality_code", "modality_code", "模态"),))),
)

charge_item = master_resource(
    "charge_item", "charge-items", ChargeItem, "收费项目", "Charge item",
    (s.ChargeItemRead, s.ChargeItemCreate, s.ChargeItemUpdate),
    [
        Filter("name", op="contains", zh="收费项目名称", en="Name"),
        Filter("type", op="eq", type=ChargeType, zh="收费项目类型", en="Type"),
        MODALITY,
        Filter("code", op="eq", zh="收费代码", en="Charge code"),
        ENABLED,
    ],
    refs=(MODALITY_REF,),
)

RESOURCES: list[Resource] = [
    hospital_type, hospital_level, person_type, modality, body_part, exam_item, charge_item,
]
