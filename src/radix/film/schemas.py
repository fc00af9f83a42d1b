from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from radix.core.schemas import MAX_ID, AppModel, F
from radix.film.models import FilmMedium, FilmOrientation, FilmSize, FilmStatus, FilmTarget, PrintMode

UID = r"^[0-9]+(\.[0-9]+)*$"
MAX_IMAGES = 500
MAX_GRID = 8


class FilmCell(AppModel):
    """One image of a film: the instance (and frame) and how it is shown in its cell."""

    study_uid: str = F(zh="检查UID", en="Study UID", pattern=UID, max_length=64)
    series_uid: str = F(zh="序列UID", en="Series UID", pattern=UID, max_length=64)
    sop_uid: str = F(zh="影像UID", en="SOP Instance UID", pattern=UID, max_length=64)
    frame: int = F(1, zh="帧号", en="Frame", ge=1, le=100000)
    #: both empty: the image's own window (or its full range)
    window_center: float | None = F(None, zh="窗位", en="Window level", ge=-1e6, le=1e6)
    window_width: float | None = F(None, zh="窗宽", en="Window width", ge=1, le=1e6)
    #: 1 = the image fits its cell
    zoom: float = F(1.0, zh="缩放", en="Zoom", ge=0.1, le=10)
    #: shift of the image's centre, as a fraction of the cell's width / height
    pan_x: float = F(0.0, zh="水平平移", en="Pan X", ge=-1, le=1)
    pan_y: float = F(0.0, zh="垂直平移", en="Pan Y", ge=-1, le=1)
    #: clockwise, after the flips
    rotate: Literal[0, 90, 180, 270] = F(0, zh="旋转", en="Rotation")
    flip_h: bool = F(False, zh="水平翻转", en="Flip horizontally")
    flip_v: bool = F(False, zh="垂直翻转", en="Flip vertically")
    invert: bool = F(False, zh="反色", en="Invert")


class FilmLayout(AppModel):
    """What every film of a task shares."""

    film_size: FilmSize = F(FilmSize.IN14X17, zh="胶片尺寸", en="Film size")
    orientation: FilmOrientation = F(FilmOrientation.PORTRAIT, zh="胶片方向", en="Orientation")
    rows: int = F(4, zh="行数", en="Rows", ge=1, le=MAX_GRID)
    columns: int = F(3, zh="列数", en="Columns", ge=1, le=MAX_GRID)
    copies: int = F(1, zh="打印份数", en="Copies", ge=1, le=99)
    medium: FilmMedium = F(FilmMedium.BLUE_FILM, zh="介质类型", en="Medium")
    print_mode: PrintMode = F(PrintMode.GRID, zh="打印方式", en="Print mode",
                              description="按格打印：打印机按 STANDARD\\列,行 排版，每格一幅图像（不含抬头）；整版打印：整张胶片（含抬头）作为一幅图像")
    dpi: int = F(150, zh="分辨率(DPI)", en="Resolution (DPI)", ge=50, le=400)
    header: str | None = F(None, zh="胶片抬头", en="Header", max_length=500, widget="textarea",
                           description="可用占位符：{hospital} {patientName} {patientId} {sex} {age} {birthDate} "
                                       "{studyDate} {modality} {accession} {bodyPart} {description} {printDate} {page} {pages}")
    annotate: bool = F(True, zh="图像标注", en="Annotate images", description="在每幅图像角上打印序列号、图像号和窗宽窗位")


class FilmTaskCreate(FilmLayout):
    name: str | None = F(None, zh="任务名称", en="Name", max_length=128, description="为空则按患者和检查生成")
    images: list[FilmCell] = Field(min_length=1, max_length=MAX_IMAGES, title="图像",
                                   json_schema_extra={"en": "Images", "column": False})
    target: FilmTarget = F(FilmTarget.PRINTER, zh="输出方式", en="Output")
    node_id: int | None = F(None, zh="打印节点", en="Printer", ge=1, le=MAX_ID, widget="film-printer")


class FilmTaskUpdate(AppModel):
    name: str | None = F(None, zh="任务名称", en="Name", min_length=1, max_length=128)
    film_size: FilmSize | None = F(None, zh="胶片尺寸", en="Film size")
    orientation: FilmOrientation | None = F(None, zh="胶片方向", en="Orientation")
    rows: int | None = F(None, zh="行数", en="Rows", ge=1, le=MAX_GRID)
    columns: int | None = F(None, zh="列数", en="Columns", ge=1, le=MAX_GRID)
    copies: int | None = F(None, zh="打印份数", en="Copies", ge=1, le=99)
    medium: FilmMedium | None = F(None, zh="介质类型", en="Medium")
    print_mode: PrintMode | None = F(None, zh="打印方式", en="Print mode")
    dpi: int | None = F(None, zh="分辨率(DPI)", en="Resolution (DPI)", ge=50, le=400)
    header: str | None = F(None, zh="胶片抬头", en="Header", max_length=500, widget="textarea")
    annotate: bool | None = F(None, zh="图像标注", en="Annotate images")
    images: list[FilmCell] | None = Field(None, min_length=1, max_length=MAX_IMAGES, title="图像",
                                          json_schema_extra={"en": "Images", "column": False})
    target: FilmTarget | None = F(None, zh="输出方式", en="Output")
    node_id: int | None = F(None, zh="打印节点", en="Printer", ge=1, le=MAX_ID, widget="film-printer")


class FilmTaskRead(AppModel):
    id: int = F(zh="编号", en="ID", column=False)
    tenant_id: int = F(zh="机构", en="Institution", column=False)
    tenant_name: str | None = F(None, zh="机构名称", en="Institution")
    name: str = F(zh="任务名称", en="Name")
    patient_name: str | None = F(None, zh="患者姓名", en="Patient name")
    patient_id: str | None = F(None, zh="患者号", en="Patient ID")
    accession_number: str | None = F(None, zh="检查号", en="Accession No.")
    modality: str | None = F(None, zh="检查类型", en="Modality", column=False)
    study_uid: str | None = F(None, zh="检查UID", en="Study UID", column=False)
    film_size: FilmSize = F(zh="胶片尺寸", en="Film size")
    orientation: FilmOrientation = F(zh="胶片方向", en="Orientation")
    rows: int = F(zh="行数", en="Rows", column=False)
    columns: int = F(zh="列数", en="Columns", column=False)
    copies: int = F(zh="打印份数", en="Copies")
    medium: FilmMedium = F(zh="介质类型", en="Medium", column=False)
    print_mode: PrintMode = F(zh="打印方式", en="Print mode", column=False)
    dpi: int = F(zh="分辨率(DPI)", en="Resolution (DPI)", column=False)
    header: str | None = F(None, zh="胶片抬头", en="Header", column=False)
    annotate: bool = F(zh="图像标注", en="Annotate images", column=False)
    images: list[FilmCell] = F(zh="图像", en="Images", column=False)
    num_images: int = F(zh="图像数", en="Images")
    num_films: int = F(zh="胶片数", en="Films")
    target: FilmTarget = F(zh="输出方式", en="Output")
    node_id: int | None = F(None, zh="打印节点", en="Printer", column=False)
    node_name: str | None = F(None, zh="打印节点", en="Printer")
    status: FilmStatus = F(zh="状态", en="Status")
    message: str | None = F(None, zh="说明", en="Message")
    job_run_id: int | None = F(None, zh="任务运行", en="Job run", column=False)
    output_name: str | None = F(None, zh="输出文件", en="Output file", column=False)
    started_at: dt.datetime | None = F(None, zh="开始打印", en="Started at", column=False)
    finished_at: dt.datetime | None = F(None, zh="完成时间", en="Finished at")
    created_by: str | None = F(None, zh="创建人", en="Created by")
    created_at: dt.datetime = F(zh="创建时间", en="Created at")


class FilmPreview(FilmLayout):
    """A layout and its images, composed without saving a task (the editor's live preview)."""

    images: list[FilmCell] = Field(min_length=1, max_length=MAX_IMAGES, title="图像")


class FilmPrint(AppModel):
    """打印: where this run goes (default: the task's own target and printer)."""

    target: FilmTarget | None = F(None, zh="输出方式", en="Output")
    node_id: int | None = F(None, zh="打印节点", en="Printer", ge=1, le=MAX_ID)


class FilmPrintParams(AppModel):
    task_id: int = F(zh="打印任务", en="Print task", ge=1, le=MAX_ID)


class FilmTaskEventRead(AppModel):
    id: int
    status: FilmStatus = F(zh="状态", en="Status")
    message: str | None = F(None, zh="说明", en="Message")
    actor: str | None = F(None, zh="操作人", en="By")
    at: dt.datetime = F(zh="时间", en="Time")


class FilmPrinterRead(AppModel):
    id: int
    name: str
    ae_title: str
    host: str
    port: int


class FilmOptions(AppModel):
    """The editor's choices and the header placeholders, with their labels."""

    film_sizes: list[dict[str, Any]]
    orientations: list[dict[str, Any]]
    media: list[dict[str, Any]]
    print_modes: list[dict[str, Any]]
    targets: list[dict[str, Any]]
    placeholders: list[dict[str, str]]
    header_templates: list[dict[str, str]]
