"""Requests and answers of the viewer's series tools: 序列管理, 配准, 图像拼接."""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from pydantic import Field, field_validator, model_validator

from radix.core.schemas import AppModel, F
from radix.viewer.schemas import UID


class SplitRequest(AppModel):
    split_at: int = F(zh="拆分位置", en="Split after image", ge=1, le=100000,
                      description="第一部分的张数：第 1…splitAt 张为新序列一，其余为新序列二（与阅片中的顺序一致）")


class NewSeriesRequest(AppModel):
    sop_uids: list[str] = Field(min_length=1, max_length=5000, title="影像UID（按显示顺序）")
    description: str | None = F(None, zh="序列描述", en="Description", max_length=64)

    @field_validator("sop_uids")
    @classmethod
    def _uids(cls, value: list[str]) -> list[str]:
        import re

        for uid in value:
            if len(uid) > 64 or not re.fullmatch(UID, uid):
                raise ValueError(f"影像UID格式不正确：{uid[:70]}")
        return value


class SeriesRead(AppModel):
    study_uid: str = F(zh="检查UID", en="Study UID")
    series_uid: str = F(zh="序列UID", en="Series UID")
    series_number: int = F(zh="序列号", en="Series number")
    description: str = F(zh="序列描述", en="Description")
    modality: str | None = F(None, zh="模态", en="Modality")
    count: int = F(zh="影像数", en="Images")


class SeriesList(AppModel):
    items: list[SeriesRead]


# --- registration ------------------------------------------------------------------------------------


def _matrix(value: list[float]) -> list[float]:
    import numpy as np

    from radix.viewer.registration import is_rigid

    if any(not math.isfinite(v) for v in value):
        raise ValueError("配准矩阵含有无效数值")
    if any(abs(v) > 1e5 for v in value):
        raise ValueError("配准矩阵数值过大")
    if not is_rigid(np.asarray(value, dtype=float).reshape(4, 4), tolerance=1e-3):
        raise ValueError("配准矩阵必须是刚体变换（旋转加平移）")
    return value


class SeriesPair(AppModel):
    study_uid: str = F(zh="检查UID", en="Study UID", max_length=64, pattern=UID)
    fixed_series_uid: str = F(zh="参考序列UID", en="Fixed series UID", max_length=64, pattern=UID)
    moving_series_uid: str = F(zh="浮动序列UID", en="Moving series UID", max_length=64, pattern=UID)
    #: the moving series may be of another study of the patient (历史影像)
    moving_study_uid: str | None = F(None, zh="浮动序列检查UID", en="Moving study UID", max_length=64, pattern=UID)

    @model_validator(mode="after")
    def _distinct(self) -> SeriesPair:
        if self.fixed_series_uid == self.moving_series_uid:
            raise ValueError("参考序列和浮动序列不能是同一个序列")
        return self


class AutoRegistrationRequest(SeriesPair):
    metric: Literal["ncc", "mi"] = F("ncc", zh="相似度", en="Metric",
                                     description="ncc 归一化互相关（同模态）；mi 互信息（跨模态）")
    #: start from this transform (e.g. a manual rough alignment); identity / centres of mass when absent
    initial: list[float] | None = Field(None, min_length=16, max_length=16, title="初始矩阵")

    _initial = field_validator("initial")(lambda v: v if v is None else _matrix(v))


class RegistrationSave(SeriesPair):
    matrix: list[float] = Field(min_length=16, max_length=16, title="配准矩阵（4×4，行优先，浮动→参考，毫米）")
    method: Literal["auto", "manual"] = F("manual", zh="方式", en="Method")
    metric: Literal["ncc", "mi"] | None = F(None, zh="相似度", en="Metric")
    score: float | None = F(None, zh="相似度得分", en="Score", ge=-10, le=10)

    _m = field_validator("matrix")(_matrix)


class RegistrationRead(AppModel):
    id: int | None = F(None, zh="编号", en="ID")
    study_uid: str = F(zh="检查UID", en="Study UID")
    fixed_series_uid: str = F(zh="参考序列UID", en="Fixed series UID")
    moving_series_uid: str = F(zh="浮动序列UID", en="Moving series UID")
    matrix: list[float] = F(zh="配准矩阵", en="Matrix")
    method: str = F(zh="方式", en="Method")
    metric: str | None = F(None, zh="相似度", en="Metric")
    score: float | None = F(None, zh="相似度得分", en="Score")
    params: list[float] | None = F(None, zh="参数（平移 mm，旋转 度）", en="Parameters")
    evaluations: int | None = F(None, zh="计算次数", en="Evaluations")
    updated_at: dt.datetime | None = F(None, zh="保存时间", en="Saved at")


class RegistrationList(AppModel):
    items: list[RegistrationRead]
    total: int


# --- stitching ---------------------------------------------------------------------------------------


class StitchImage(AppModel):
    series_uid: str = F(zh="序列UID", en="Series UID", max_length=64, pattern=UID)
    sop_uid: str = F(zh="影像UID", en="SOP Instance UID", max_length=64, pattern=UID)
    frame: int = F(1, zh="帧", en="Frame", ge=1, le=10000)
    rotate: float = F(0, zh="旋转（度，顺时针）", en="Rotation", ge=-360, le=360)
    scale: float = F(1, zh="缩放", en="Scale", ge=0.1, le=4)
    dx: float = F(0, zh="水平平移（像素）", en="Pan x", ge=-20000, le=20000)
    dy: float = F(0, zh="垂直平移（像素）", en="Pan y", ge=-20000, le=20000)


class StitchRequest(AppModel):
    study_uid: str = F(zh="检查UID", en="Study UID", max_length=64, pattern=UID)
    images: list[StitchImage] = Field(min_length=2, max_length=8, title="拼接影像（按拼接顺序）")
    direction: Literal["vertical", "horizontal"] = F("vertical", zh="拼接方向", en="Direction")
    overlap: int = F(0, zh="重叠（像素）", en="Overlap", ge=0, le=5000)
    blend: Literal["linear", "none"] = F("linear", zh="融合", en="Blend")
    description: str | None = F(None, zh="序列描述", en="Description", max_length=64)
    window_center: float | None = F(None, zh="窗位（PNG）", en="Window center", ge=-100000, le=100000)
    window_width: float | None = F(None, zh="窗宽（PNG）", en="Window width", gt=0, le=200000)


class StitchRead(AppModel):
    study_uid: str = F(zh="检查UID", en="Study UID")
    series_uid: str = F(zh="序列UID", en="Series UID")
    sop_uid: str = F(zh="影像UID", en="SOP Instance UID")
    series_number: int = F(zh="序列号", en="Series number")
    rows: int = F(zh="行数", en="Rows")
    columns: int = F(zh="列数", en="Columns")
