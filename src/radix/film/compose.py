"""Composing films: each cell rendered from the archive with its own window (the archive's rendering
code, as /rendered uses it), rotated, flipped, zoomed and panned into its cell; the cells laid out
in the grid under the header, into one 8-bit grayscale image per film sheet.

Films are black where there is no image (a light box shows black as black) and the header and
annotations are white. Geometry is in pixels at the task's DPI, so a sheet is exactly the film's
size at that resolution.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont, ImageOps

from radix.core import clock
from radix.film.models import FilmOrientation, FilmSize
from radix.film.schemas import FilmCell, FilmLayout
from radix.imaging.dicomweb import render
from radix.imaging.dicomweb.frames import FrameReader
from radix.imaging.models import Instance, Series, Study

#: CJK fonts tried in order (Debian fonts-wqy-microhei first); Pillow's own font when none is there
FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
#: at most this many pixels per sheet (14×17 in at 300 dpi is 21 M) and per task (all its sheets are
#: held in memory while a PDF is written or a printer is sent the films)
MAX_SHEET_PIXELS = 25_000_000
MAX_TASK_PIXELS = 400_000_000

PLACEHOLDERS: list[tuple[str, str, str]] = [
    ("hospital", "医院名称", "Hospital"),
    ("patientName", "患者姓名", "Patient name"),
    ("patientId", "患者号", "Patient ID"),
    ("sex", "性别", "Sex"),
    ("age", "年龄", "Age"),
    ("birthDate", "出生日期", "Birth date"),
    ("studyDate", "检查日期", "Study date"),
    ("modality", "检查类型", "Modality"),
    ("accession", "检查号", "Accession No."),
    ("bodyPart", "检查部位", "Body part"),
    ("description", "检查描述", "Description"),
    ("printDate", "打印日期", "Print date"),
    ("page", "胶片页码", "Film number"),
    ("pages", "胶片总数", "Films"),
]

HEADER_TEMPLATES: list[dict[str, str]] = [
    {"name": "标准抬头", "text": "{hospital}  {patientName}  {sex}  {age}  患者号：{patientId}  检查号：{accession}\n"
                               "{modality}  {bodyPart}  检查日期：{studyDate}  打印日期：{printDate}  第 {page}/{pages} 张"},
    {"name": "简洁抬头", "text": "{patientName}  {patientId}  {studyDate}  {page}/{pages}"},
    {"name": "无抬头", "text": ""},
]


@dataclass
class ResolvedCell:
    """A cell with the archive rows it shows."""

    cell: FilmCell
    instance: Instance
    series: Series
    study: Study


@dataclass(frozen=True)
class Geometry:
    """Where things are on a sheet, in pixels."""

    width: int
    height: int
    header: tuple[int, int, int, int]  # x, y, w, h (h = 0: no header)
    cells: tuple[tuple[int, int, int, int], ...]  # x, y, w, h per cell, row by row
    cell_width: int
    cell_height: int


def sheet_size(layout: FilmLayout, dpi: int | None = None) -> tuple[int, int]:
    w_in, h_in = FilmSize(layout.film_size).inches
    if FilmOrientation(layout.orientation) == FilmOrientation.LANDSCAPE:
        w_in, h_in = h_in, w_in
    dpi = dpi or layout.dpi
    return max(1, round(w_in * dpi)), max(1, round(h_in * dpi))


def header_lines(text: str | None) -> int:
    if not text or not text.strip():
        return 0
    return min(3, len([line for line in text.strip().splitlines()]) or 1)


def geometry(layout: FilmLayout, dpi: int | None = None, header_text: str | None = None) -> Geometry:
    """The sheet and its cells. ``header_text`` (the template) decides whether a header band is kept."""
    dpi = dpi or layout.dpi
    width, height = sheet_size(layout, dpi)
    margin = max(1, round(0.12 * dpi))
    gap = max(1, round(0.03 * dpi))
    lines = header_lines(header_text if header_text is not None else layout.header)
    header_h = round(lines * 0.22 * dpi + 0.08 * dpi) if lines else 0
    top = margin + header_h + (gap if header_h else 0)
    grid_w = width - 2 * margin
    grid_h = height - top - margin
    cols, rows = layout.columns, layout.rows
    cell_w = max(1, (grid_w - (cols - 1) * gap) // cols)
    cell_h = max(1, (grid_h - (rows - 1) * gap) // rows)
    cells = tuple(
        (margin + c * (cell_w + gap), top + r * (cell_h + gap), cell_w, cell_h)
        for r in range(rows) for c in range(cols)
    )
    return Geometry(width, height, (margin, margin, grid_w, header_h), cells, cell_w, cell_h)


def check_size(layout: FilmLayout, films: int, dpi: int | None = None) -> None:
    """Refuse (422) films too large to compose: one sheet, or all of a task's sheets together."""
    from radix.core.errors import Invalid

    width, height = sheet_size(layout, dpi)
    if width * height > MAX_SHEET_PIXELS:
        raise Invalid.field("dpi", f"胶片分辨率过高（每张 {width}×{height} 像素），请降低分辨率(DPI)",
                            code="FILM_TOO_LARGE")
    if width * height * films > MAX_TASK_PIXELS:
        raise Invalid.field("images", f"胶片过多（共 {films} 张，每张 {width}×{height} 像素），"
                                      "请减少图像、增加每张胶片的格数或降低分辨率", code="FILM_TOO_LARGE")


def films_needed(layout: FilmLayout, count: int) -> int:
    per = layout.rows * layout.columns
    return max(1, math.ceil(count / per))


# --- text ----------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def font(size: int) -> Any:
    size = max(6, int(size))
    for path in FONT_PATHS:
        if Path(path).exists():
            try:
                return ImageFont.truetype(path, size)
            except OSError:
                continue
    return ImageFont.load_default(size=size)


def person_name(value: str | None) -> str:
    """A DICOM PN for print: the ideographic form when there is one (张三), else ``Family Given``."""
    if not value:
        return ""
    groups = [g for g in value.split("=")]
    chosen = groups[1] if len(groups) > 1 and groups[1].replace("^", "").strip() else groups[0]
    parts = [p.strip() for p in chosen.split("^") if p.strip()]
    if any("\u4e00" <= ch <= "\u9fff" for ch in chosen):
        return "".join(parts)
    return " ".join(parts)


def _dicom_date(value: str | None) -> str:
    if value and re.fullmatch(r"\d{8}", value):
        return f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return value or ""


def _age(study: Study) -> str:
    birth = study.patient_birth_date
    on = study.study_date
    if not (birth and on and re.fullmatch(r"\d{8}", birth) and re.fullmatch(r"\d{8}", on)):
        return ""
    b, d = dt.date(int(birth[:4]), int(birth[4:6]), int(birth[6:])), dt.date(int(on[:4]), int(on[4:6]), int(on[6:]))
    years = d.year - b.year - ((d.month, d.day) < (b.month, b.day))
    return f"{max(years, 0)}岁"


SEXES = {"M": "男", "F": "女", "O": "其他"}


def header_values(study: Study | None, series: Series | None, *, page: int, pages: int,
                  hospital: str | None = None, today: dt.date | None = None) -> dict[str, str]:
    today = today or clock.today()
    values = {"page": str(page), "pages": str(pages), "printDate": today.isoformat(), "hospital": hospital or ""}
    if study is not None:
        values.update({
            "patientName": person_name(study.patient_name),
            "patientId": study.patient_id or "",
            "sex": SEXES.get((study.patient_sex or "").strip().upper(), study.patient_sex or ""),
            "age": _age(study),
            "birthDate": _dicom_date(study.patient_birth_date),
            "studyDate": _dicom_date(study.study_date),
            "modality": (series.modality if series is not None and series.modality else
                         (study.modalities or "").strip("\\").replace("\\", "/")),
            "accession": study.accession_number or "",
            "bodyPart": study.body_part or (series.body_part if series is not None else None) or "",
            "description": study.description or "",
        })
        if not values["hospital"]:
            values["hospital"] = study.institution_name or ""
    return values


def fill(template: str, values: dict[str, str]) -> str:
    """``{name}`` placeholders replaced; unknown names and other braces left as written."""
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)


# --- cells ---------------------------------------------------------------------------------------


def render_cell(resolved: ResolvedCell) -> Image.Image:
    """The cell's image in 8-bit grayscale: its window, then inversion, flips and rotation."""
    cell = resolved.cell
    window = None
    if cell.window_center is not None and cell.window_width is not None:
        window = render.Window(cell.window_center, max(cell.window_width, 1.0), "LINEAR")
    with FrameReader(resolved.instance) as reader:
        reader.check([cell.frame])
        image = render.to_8bit(reader, cell.frame, window)
    if image.mode != "L":
        image = image.convert("L")
    if cell.invert:
        image = ImageOps.invert(image)
    if cell.flip_h:
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    if cell.flip_v:
        image = image.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    if cell.rotate:
        image = image.rotate(-cell.rotate, expand=True)  # PIL turns counter-clockwise
    return image


def _rendered(resolved: ResolvedCell, n: int) -> Image.Image:
    """A cell's image; one that cannot be decoded is the user's to remove (422), not a server error."""
    from radix.core.errors import AppError, Invalid

    try:
        return render_cell(resolved)
    except AppError as exc:
        raise Invalid(f"第 {n} 幅图像无法打印：{exc.message}", code="IMAGE_UNREADABLE") from None
    except Exception as exc:  # a codec the archive cannot decode, a damaged file
        raise Invalid(f"第 {n} 幅图像无法解码，请从胶片中删除后再试（{type(exc).__name__}）",
                      code="IMAGE_UNREADABLE") from None


def place(image: Image.Image, cell: FilmCell, size: tuple[int, int]) -> Image.Image:
    """The image fitted into a black cell of ``size``, times the cell's zoom, moved by its pan."""
    cw, ch = size
    w, h = image.size
    scale = min(cw / w, ch / h) * cell.zoom
    ox = (cw - w * scale) / 2 + cell.pan_x * cw
    oy = (ch - h * scale) / 2 + cell.pan_y * ch
    canvas = Image.new("L", (cw, ch), 0)
    if scale < 1:
        nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
        canvas.paste(image.resize((nw, nh), Image.Resampling.LANCZOS), (round(ox), round(oy)))
        return canvas
    # magnified: sample the visible part only (an affine map from the cell back into the image)
    return image.transform((cw, ch), Image.Transform.AFFINE, (1 / scale, 0, -ox / scale, 0, 1 / scale, -oy / scale),
                           resample=Image.Resampling.BICUBIC, fillcolor=0)


def _annotation(resolved: ResolvedCell) -> tuple[str, str]:
    inst, series, cell = resolved.instance, resolved.series, resolved.cell
    left = f"Se:{series.series_number if series.series_number is not None else '-'} " \
           f"Im:{inst.instance_number if inst.instance_number is not None else '-'}"
    if inst.num_frames and inst.num_frames > 1:
        left += f" F:{cell.frame}"
    if cell.window_center is not None and cell.window_width is not None:
        right = f"W:{cell.window_width:g} L:{cell.window_center:g}"
    else:
        right = ""
    return left, right


def annotate(canvas: Image.Image, resolved: ResolvedCell) -> None:
    cw, ch = canvas.size
    size = max(8, min(28, round(min(cw, ch) * 0.045)))
    if min(cw, ch) < 60:
        return
    f = font(size)
    draw = ImageDraw.Draw(canvas)
    left, right = _annotation(resolved)
    pad = max(2, size // 3)
    y = ch - pad - size
    draw.text((pad, y), left, fill=255, font=f)
    if right:
        width = draw.textlength(right, font=f)
        draw.text((cw - pad - width, y), right, fill=255, font=f)


# --- sheets --------------------------------------------------------------------------------------


@dataclass
class Film:
    """One composed sheet and the images of its cells (what a printer's image boxes receive)."""

    number: int
    image: Image.Image
    cells: list[Image.Image | None]
    #: the header's lines as printed on this film (empty: no header)
    header: list[str] = field(default_factory=list)


def compose(layout: FilmLayout, resolved: Sequence[ResolvedCell], *, pages: Sequence[int] | None = None,
            dpi: int | None = None, hospital: str | None = None, today: dt.date | None = None) -> list[Film]:
    """The films of a layout (all, or the 1-based ``pages``), each sheet 8-bit grayscale."""
    dpi = dpi or layout.dpi
    geo = geometry(layout, dpi)
    per = layout.rows * layout.columns
    total = films_needed(layout, len(resolved))
    wanted = list(pages) if pages else list(range(1, total + 1))
    check_size(layout, total if pages is None else len(wanted), dpi)
    films = []
    for number in wanted:
        chunk = resolved[(number - 1) * per: number * per]
        sheet = Image.new("L", (geo.width, geo.height), 0)
        cells: list[Image.Image | None] = []
        for index in range(per):
            if index >= len(chunk):
                cells.append(None)
                continue
            canvas = place(_rendered(chunk[index], (number - 1) * per + index + 1), chunk[index].cell,
                           (geo.cell_width, geo.cell_height))
            if layout.annotate:
                annotate(canvas, chunk[index])
            x, y, _, _ = geo.cells[index]
            sheet.paste(canvas, (x, y))
            cells.append(canvas)
        header: list[str] = []
        if geo.header[3]:
            first = chunk[0] if chunk else None
            values = header_values(first.study if first else None, first.series if first else None,
                                   page=number, pages=total, hospital=hospital, today=today)
            header = _header_text_lines(fill(layout.header or "", values))
            _draw_header(sheet, geo, header)
        films.append(Film(number, sheet, cells, header))
    return films


def _header_text_lines(text: str) -> list[str]:
    return [line for line in text.strip().splitlines()][:3]


def _draw_header(sheet: Image.Image, geo: Geometry, header: list[str]) -> None:
    x, y, w, h = geo.header
    lines = header or [""]
    line_h = h / max(1, len(lines))
    size = max(8, round(line_h * 0.62))
    f = font(size)
    draw = ImageDraw.Draw(sheet)
    for n, line in enumerate(lines):
        # shrink a long line until it fits the film's width
        fit = f
        while draw.textlength(line, font=fit) > w and fit.size > 8:
            fit = font(fit.size - 2)
        draw.text((x, y + n * line_h + (line_h - fit.size) / 2), line, fill=255, font=fit)


# --- files ---------------------------------------------------------------------------------------


def png_bytes(image: Image.Image, dpi: int) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG", dpi=(dpi, dpi), compress_level=6)
    return buf.getvalue()


def pdf_bytes(images: Sequence[Image.Image], dpi: int) -> bytes:
    """One page per film, each page the film's physical size (pixels / dpi inches)."""
    buf = io.BytesIO()
    first, rest = images[0], list(images[1:])
    first.save(buf, format="PDF", save_all=True, append_images=rest, resolution=float(dpi))
    return buf.getvalue()


def zip_of_pngs(films: Sequence[Film], dpi: int, stem: str) -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for film in films:
            zf.writestr(f"{stem}-{film.number}.png", png_bytes(film.image, dpi))
    return buf.getvalue()


def as_array(image: Image.Image) -> np.ndarray:
    return np.asarray(image, dtype=np.uint8)
