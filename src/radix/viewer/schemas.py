from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from pydantic import Field, field_validator

from radix.core.schemas import AppModel, F

UID = r"^[0-9]+(\.[0-9]+)*$"
#: the viewer's annotation UIDs (uuid-like)
CLIENT_UID = r"^[A-Za-z0-9._-]{1,64}$"
TOOL = r"^[A-Za-z][A-Za-z0-9]{0,31}$"
MAX_DATA_BYTES = 256 * 1024


def _bounded(value: dict[str, Any]) -> dict[str, Any]:
    if len(json.dumps(value, ensure_ascii=False)) > MAX_DATA_BYTES:
        raise ValueError("标注数据过大（不能超过 256KB）")
    return value


class AnnotationCreate(AppModel):
    study_uid: str = F(zh="检查UID", en="Study UID", max_length=64, pattern=UID)
    series_uid: str | None = F(None, zh="序列UID", en="Series UID", max_length=64, pattern=UID)
    sop_uid: str | None = F(None, zh="图像UID", en="SOP Instance UID", max_length=64, pattern=UID)
    uid: str = F(zh="标注UID", en="Annotation UID", pattern=CLIENT_UID)
    tool: str = F(zh="工具", en="Tool", pattern=TOOL)
    label: str | None = F(None, zh="名称", en="Name", max_length=128)
    data: dict[str, Any] = F(zh="标注数据", en="Drawing")

    _data = field_validator("data")(_bounded)


class AnnotationUpdate(AppModel):
    label: str | None = F(None, zh="名称", en="Name", max_length=128)
    data: dict[str, Any] | None = F(None, zh="标注数据", en="Drawing")

    _data = field_validator("data")(lambda v: v if v is None else _bounded(v))


class AnnotationRead(AppModel):
    id: int = F(zh="编号", en="ID")
    study_uid: str = F(zh="检查UID", en="Study UID")
    series_uid: str | None = F(None, zh="序列UID", en="Series UID")
    sop_uid: str | None = F(None, zh="图像UID", en="SOP Instance UID")
    uid: str = F(zh="标注UID", en="Annotation UID")
    tool: str = F(zh="工具", en="Tool")
    label: str | None = F(None, zh="名称", en="Name")
    data: dict[str, Any] = F(zh="标注数据", en="Drawing")
    created_at: dt.datetime = F(zh="创建时间", en="Created at")
    updated_at: dt.datetime | None = F(None, zh="修改时间", en="Updated at")


class AnnotationList(AppModel):
    items: list[AnnotationRead]
    total: int


# --- settings -----------------------------------------------------------------------------------

#: what a corner of the overlay (四角信息) may show
OVERLAY_FIELDS = (
    "patientName", "patientId", "patientSex", "patientAge", "studyDate", "studyTime", "accessionNumber",
    "modality", "seriesNumber", "seriesDescription", "instanceNumber", "slice", "sliceLocation",
    "sliceThickness", "wl", "zoom", "institutionName", "studyDescription", "bodyPart", "kvp", "mas",
    "pixelSpacing", "dimensions", "orientation",
)
OverlayField = Literal[OVERLAY_FIELDS]  # type: ignore[valid-type]
MOUSE_TOOLS = ("scroll", "wl", "zoom", "pan", "rotate", "magnify", "none")
MouseTool = Literal[MOUSE_TOOLS]  # type: ignore[valid-type]
LAYOUT = r"^[0-9x+vh]{1,8}$"


class Overlay(AppModel):
    top_left: list[OverlayField] = Field(default_factory=list, max_length=12)
    top_right: list[OverlayField] = Field(default_factory=list, max_length=12)
    bottom_left: list[OverlayField] = Field(default_factory=list, max_length=12)
    bottom_right: list[OverlayField] = Field(default_factory=list, max_length=12)


class WindowPreset(AppModel):
    name: str = F(zh="名称", en="Name", min_length=1, max_length=32)
    width: float = F(zh="窗宽", en="Width", gt=0, le=100000)
    level: float = F(zh="窗位", en="Level", ge=-100000, le=100000)


class MouseBindings(AppModel):
    left: MouseTool = "wl"
    middle: MouseTool = "pan"
    right: MouseTool = "zoom"


class ViewerSettings(AppModel):
    """设置 (manual 2 §3.1.33). Every field has a default, so a partial PUT keeps the rest."""

    overlay: Overlay = Field(default_factory=Overlay, title="信息显示")
    overlay_font_size: int = F(13, zh="信息字号", en="Overlay font size", ge=9, le=32)
    overlay_color: str = F("#ffffff", zh="信息颜色", en="Overlay color", pattern=r"^#[0-9a-fA-F]{6}$")
    overlay_on_film: bool = F(True, zh="同步至胶片打印", en="Print on film")
    presets: list[WindowPreset] = Field(default_factory=list, max_length=30, title="预设窗宽窗位")
    hotkeys: dict[str, str] = Field(default_factory=dict, title="快捷键")
    mouse: MouseBindings = Field(default_factory=MouseBindings, title="鼠标设置")
    layout_by_modality: dict[str, str] = Field(default_factory=dict, title="预设布局")
    theme: Literal["black", "blue", "white"] = F("black", zh="外观", en="Theme")
    series_panel: Literal["left", "bottom"] = F("left", zh="序列位置", en="Series panel")
    ui_scale: float = F(1.0, zh="缩放", en="UI scale", ge=0.75, le=1.5)
    show_toolbar_text: bool = F(True, zh="显示工具栏文字", en="Toolbar labels")
    language: Literal["zh-CN", "en"] = F("zh-CN", zh="语言", en="Language")
    cache: bool = F(True, zh="启用缓存", en="Cache")
    initial_position: Literal["first", "middle"] = F("first", zh="序列影像初始位置", en="Initial image")
    load_whole_series: bool = F(True, zh="加载全序列影像", en="Load whole series")
    stitching: bool = F(False, zh="图像拼接", en="Stitching")
    annotation_color: str = F("#ffff00", zh="标注颜色", en="Annotation color", pattern=r"^#[0-9a-fA-F]{6}$")
    annotation_font_size: int = F(14, zh="标注字号", en="Annotation font size", ge=9, le=40)

    @field_validator("hotkeys")
    @classmethod
    def _hotkeys(cls, value: dict[str, str]) -> dict[str, str]:
        if len(value) > 80:
            raise ValueError("快捷键最多 80 个")
        for action, key in value.items():
            if not (0 < len(action) <= 32 and 0 < len(key) <= 32):
                raise ValueError("快捷键名称或按键过长")
        keys = [k.lower() for k in value.values()]
        dup = {k for k in keys if keys.count(k) > 1}
        if dup:
            raise ValueError(f"快捷键 {', '.join(sorted(dup))} 重复")
        return value

    @field_validator("layout_by_modality")
    @classmethod
    def _layouts(cls, value: dict[str, str]) -> dict[str, str]:
        import re

        if len(value) > 40:
            raise ValueError("预设布局最多 40 项")
        for modality, layout in value.items():
            if not re.fullmatch(r"[A-Z]{1,16}", modality) or not re.fullmatch(LAYOUT, layout):
                raise ValueError(f"预设布局 {modality}={layout} 不正确")
        return value


def default_settings() -> dict[str, Any]:
    return {
        "overlay": {
            "top_left": ["patientName", "patientId", "patientSex", "patientAge", "studyDate"],
            "top_right": ["institutionName", "modality", "seriesNumber", "seriesDescription"],
            "bottom_left": ["slice", "sliceThickness", "sliceLocation", "zoom"],
            "bottom_right": ["wl", "dimensions"],
        },
        "presets": [],
        "hotkeys": {"reset": "r", "invert": "i", "cine": "p", "nextSeries": "ArrowRight", "prevSeries": "ArrowLeft"},
        "mouse": {},
        "layout_by_modality": {"CT": "1x1", "MR": "2x2", "DX": "1x1", "MG": "1x2", "US": "1x1"},
    }
