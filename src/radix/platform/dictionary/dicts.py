"""Select options of the master data (value = code, label = name) and of the apps."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from radix.core.meta import register_dict
from radix.platform.app.models import App
from radix.platform.dictionary.models import (
    BodyPart,
    ExamItem,
    HospitalLevel,
    HospitalType,
    Modality,
    PersonType,
)
from radix.platform.dictionary.service import options


def _apps(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(sa.select(App.code, App.name, App.name_en).order_by(App.sort, App.code)).all()
    return [{"value": r.code, "label": r.name, "labelEn": r.name_en} for r in rows]


register_dict("hospital_type", "医院类型", lambda session: options(session, HospitalType))
register_dict("hospital_level", "医院等级", lambda session: options(session, HospitalLevel))
register_dict("person_type", "人员类型", lambda session: options(session, PersonType))
register_dict("modality", "模态", lambda session: options(session, Modality))
register_dict("body_part", "部位", lambda session: options(session, BodyPart, ("modality_code",)))
register_dict(
    "exam_item", "检查项目", lambda session: options(session, ExamItem, ("modality_code", "body_part_code"))
)
register_dict("app", "应用", _apps)
