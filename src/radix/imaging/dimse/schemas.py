from __future__ import annotations

from radix.core.schemas import MAX_ID, AppModel, F


class EchoRead(AppModel):
    ok: bool = F(zh="连通", en="OK")
    ms: int = F(zh="耗时（毫秒）", en="Time (ms)")
    message: str = F(zh="说明", en="Message")


class SendStudy(AppModel):
    node_id: int = F(zh="目标节点", en="Node", ge=1, le=MAX_ID)


class SendStudyParams(AppModel):
    study_id: int = F(zh="检查", en="Study", ge=1, le=MAX_ID)
    node_id: int = F(zh="目标节点", en="Node", ge=1, le=MAX_ID)
