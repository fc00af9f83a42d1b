from __future__ import annotations

import datetime as dt

from radix.core.schemas import AppModel, F, Id
from radix.imaging.identity.models import AliasKind, MergeReason


class MergeIn(AppModel):
    into_id: Id = F(zh="合并到的患者", en="Merge into")
    remark: str | None = F(None, zh="合并说明", en="Remark", max_length=200)


class MergeRead(AppModel):
    id: int = F(zh="编号", en="ID")
    from_id: int = F(zh="被合并患者", en="Merged patient")
    from_patient_id: str | None = F(None, zh="被合并患者号", en="Merged patient ID")
    from_name: str | None = F(None, zh="被合并患者姓名", en="Merged patient name")
    into_id: int = F(zh="保留患者", en="Surviving patient")
    into_patient_id: str | None = F(None, zh="保留患者号", en="Surviving patient ID")
    into_name: str | None = F(None, zh="保留患者姓名", en="Surviving patient name")
    reason: MergeReason = F(zh="合并方式", en="Reason")
    remark: str | None = F(None, zh="说明", en="Remark")
    study_count: int = F(zh="移动的检查数", en="Studies moved")
    study_ids: list[int] = F(zh="移动的检查", en="Studies moved")
    created_by: str | None = F(None, zh="操作人", en="By")
    created_at: dt.datetime = F(zh="合并时间", en="Merged at")
    undone_at: dt.datetime | None = F(None, zh="撤销时间", en="Undone at")
    undone_by: str | None = F(None, zh="撤销人", en="Undone by")


class AliasRead(AppModel):
    kind: AliasKind = F(zh="类型", en="Kind")
    value: str = F(zh="号码", en="Value")
    created_at: dt.datetime = F(zh="记录时间", en="Recorded at")


class MergeHistory(AppModel):
    items: list[MergeRead] = F(zh="合并记录", en="Merges")
    aliases: list[AliasRead] = F(zh="其他患者号/就诊号", en="Aliases")
