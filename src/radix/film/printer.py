"""Printing films on a DICOM printer: the Basic Grayscale Print Management Meta SOP Class as SCU
(PS3.4 H). One association per run:

N-CREATE Basic Film Session (copies, medium) → per film: N-CREATE Basic Film Box (STANDARD\\c,r,
orientation, size) → N-SET each Basic Grayscale Image Box with its 8-bit pixels → N-ACTION print the
film box → N-DELETE the film box; finally N-DELETE the film session and release.

The 胶片抬头 (header): printed whole-sheet (整版打印) it is part of the one image; printed per cell it goes
to the printer's Basic Annotation Box SOP Class (PS3.4 H.4.5) when the printer accepts it — the film box asks
for annotation boxes with Annotation Display Format ID ``ANNOTATION_FORMAT`` and each gets a header line. A
printer without annotation boxes prints the images without the header, and the task says so.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image
from pydicom.dataset import Dataset
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian, generate_uid
from pynetdicom import build_context

from radix.core.errors import AppError
from radix.imaging.dimse import scu

log = logging.getLogger(__name__)

META = "1.2.840.10008.5.1.1.9"  # Basic Grayscale Print Management Meta SOP Class
FILM_SESSION = "1.2.840.10008.5.1.1.1"
FILM_BOX = "1.2.840.10008.5.1.1.2"
GRAYSCALE_IMAGE_BOX = "1.2.840.10008.5.1.1.4"
ANNOTATION_BOX = "1.2.840.10008.5.1.1.15"  # Basic Annotation Box SOP Class
#: the Annotation Display Format ID asked of the printer (printer-defined; "LABEL" is the usual name)
ANNOTATION_FORMAT = "LABEL"
NO_ANNOTATIONS = "打印机不支持注释框（Basic Annotation Box），胶片抬头未打印，可改用整版打印"
ACTION_PRINT = 1

#: PS3.4 H / PS3.7 C statuses a printer answers with, in words
STATUS_TEXT = {
    0x0105: "不支持的属性", 0x0106: "属性值无效", 0x0107: "属性列表错误", 0x0110: "处理失败",
    0x0112: "对象不存在", 0x0116: "属性值超出范围", 0x0117: "对象实例无效", 0x0118: "不支持的 SOP 类",
    0x0120: "缺少属性", 0x0121: "缺少属性值", 0x0124: "未授权", 0x0210: "重复调用", 0x0211: "无法识别的操作",
    0x0212: "参数类型错误", 0x0213: "资源不足",
    0xC600: "胶片会话中没有胶片盒", 0xC601: "胶片会话中没有图像", 0xC602: "胶片盒中没有图像",
    0xC603: "图像尺寸超过图像框", 0xC604: "打印队列已满", 0xC605: "图像超出打印区域",
    0xC613: "图像框位置重复", 0xC616: "存在尚未打印的胶片盒",
}


class PrintFailed(AppError):
    status_code = 502
    code = "FILM_PRINT_FAILED"
    message = "胶片打印失败"


@dataclass
class Sheet:
    """What one film box receives: its grid and the image of each cell (None: left empty)."""

    columns: int
    rows: int
    boxes: list[Image.Image | None]
    #: header lines for the printer's annotation boxes (grid printing; empty: none)
    header: list[str] = field(default_factory=list)


@dataclass
class Job:
    film_size: str
    orientation: str
    medium: str
    copies: int
    label: str
    sheets: list[Sheet]


@dataclass
class PrintReport:
    films: int = 0
    images: int = 0
    warnings: list[str] = field(default_factory=list)


def _status(result: Any) -> int | None:
    status = result[0] if isinstance(result, tuple) else result
    if status is None or "Status" not in status:
        return None
    return int(status.Status)


def _check(step: str, code: int | None, target: scu.Target, report: PrintReport) -> None:
    if code is None:
        raise PrintFailed(f"{step}：打印机 {target.label} 未应答（连接超时或已中断）")
    if code == 0:
        return
    if (code & 0xF000) == 0xB000:
        report.warnings.append(f"{step}：警告 0x{code:04X}")
        return
    reason = STATUS_TEXT.get(code)
    raise PrintFailed(f"{step}失败：打印机返回状态 0x{code:04X}" + (f"（{reason}）" if reason else ""),
                      extra={"dicomStatus": code})


def image_box_item(image: Image.Image) -> Dataset:
    """The Basic Grayscale Image Sequence item of an 8-bit MONOCHROME2 image."""
    pixels = np.asarray(image.convert("L"), dtype=np.uint8)
    item = Dataset()
    item.SamplesPerPixel = 1
    item.PhotometricInterpretation = "MONOCHROME2"
    item.Rows, item.Columns = int(pixels.shape[0]), int(pixels.shape[1])
    item.PixelAspectRatio = [1, 1]
    item.BitsAllocated = 8
    item.BitsStored = 8
    item.HighBit = 7
    item.PixelRepresentation = 0
    item.PixelData = pixels.tobytes()
    return item


def print_films(target: scu.Target, job: Job, *, on_progress: Callable[[int, int, str], None] | None = None,
                check: Callable[[], None] | None = None, timeout: float = 60) -> PrintReport:
    """Print the job's sheets on the printer; raises :class:`PrintFailed` / NodeUnreachable with the reason."""
    report = PrintReport()
    syntaxes = [ExplicitVRLittleEndian, ImplicitVRLittleEndian]
    ae = scu._ae([build_context(META, syntaxes), build_context(ANNOTATION_BOX, syntaxes)], timeout=timeout)
    assoc = scu._associate(ae, target)
    if not assoc.is_established:
        raise scu.NodeUnreachable(scu._why(target, assoc))
    if not any(cx.abstract_syntax == META for cx in assoc.accepted_contexts):
        with contextlib.suppress(Exception):
            assoc.release()
        raise PrintFailed(f"{target.label} 不支持灰度胶片打印（Basic Grayscale Print Management）")
    annotations = any(cx.abstract_syntax == ANNOTATION_BOX for cx in assoc.accepted_contexts)
    if any(s.header for s in job.sheets) and not annotations:
        report.warnings.append(NO_ANNOTATIONS)
    total_steps = sum(1 + sum(1 for b in s.boxes if b is not None) for s in job.sheets) or 1
    done = 0

    def step(text: str) -> None:
        nonlocal done
        done += 1
        if on_progress is not None:
            on_progress(done, total_steps, text)

    msg = itertools.count(1)
    session_uid = generate_uid()
    session_created = False
    ok = False
    try:
        attrs = Dataset()
        attrs.NumberOfCopies = str(job.copies)
        attrs.PrintPriority = "MED"
        attrs.MediumType = job.medium
        attrs.FilmDestination = "MAGAZINE"
        # printers differ in the character sets they take: the label stays ASCII
        attrs.FilmSessionLabel = (job.label.encode("ascii", "ignore").decode().strip() or "RADIX")[:64]
        _check("创建胶片会话", _status(assoc.send_n_create(attrs, FILM_SESSION, session_uid, next(msg), META)), target,
               report)
        session_created = True
        for number, sheet in enumerate(job.sheets, 1):
            if check is not None:
                check()
            box = Dataset()
            box.ImageDisplayFormat = f"STANDARD\\{sheet.columns},{sheet.rows}"
            box.FilmOrientation = job.orientation
            box.FilmSizeID = job.film_size
            box.MagnificationType = "CUBIC"
            box.BorderDensity = "BLACK"
            box.EmptyImageDensity = "BLACK"
            ref = Dataset()
            ref.ReferencedSOPClassUID = FILM_SESSION
            ref.ReferencedSOPInstanceUID = session_uid
            box.ReferencedFilmSessionSequence = [ref]
            if sheet.header and annotations:
                box.AnnotationDisplayFormatID = ANNOTATION_FORMAT
            box_uid = generate_uid()
            status, created = assoc.send_n_create(box, FILM_BOX, box_uid, next(msg), META)
            _check(f"创建第 {number} 张胶片", _status(status), target, report)
            boxes = list(getattr(created, "ReferencedImageBoxSequence", None) or [])
            if len(boxes) < len(sheet.boxes):
                raise PrintFailed(f"打印机为第 {number} 张胶片只创建了 {len(boxes)} 个图像框（需要 {len(sheet.boxes)} 个）")
            for position, image in enumerate(sheet.boxes, 1):
                if image is None:
                    continue
                if check is not None:
                    check()
                mods = Dataset()
                mods.ImageBoxPosition = position
                mods.BasicGrayscaleImageSequence = [image_box_item(image)]
                ref_box = boxes[position - 1]
                result = assoc.send_n_set(mods, str(ref_box.ReferencedSOPClassUID or GRAYSCALE_IMAGE_BOX),
                                          str(ref_box.ReferencedSOPInstanceUID), next(msg), META)
                _check(f"发送第 {number} 张胶片的第 {position} 幅图像", _status(result), target, report)
                report.images += 1
                step(f"已发送第 {number} 张胶片的第 {position} 幅图像")
            if sheet.header and annotations:
                _set_header(assoc, created, sheet.header, number, msg, target, report)
            result = assoc.send_n_action(None, ACTION_PRINT, FILM_BOX, box_uid, next(msg), META)
            _check(f"打印第 {number} 张胶片", _status(result), target, report)
            report.films += 1
            step(f"第 {number} 张胶片已打印")
            _check(f"删除第 {number} 张胶片盒", _status(assoc.send_n_delete(FILM_BOX, box_uid, next(msg), META)), target,
                   report)
        ok = True
    finally:
        if session_created and assoc.is_established:
            with contextlib.suppress(Exception):
                code = _status(assoc.send_n_delete(FILM_SESSION, session_uid, next(msg), META))
                if ok and code not in (0, None) and (code & 0xF000) != 0xB000:
                    report.warnings.append(f"删除胶片会话：状态 0x{code:04X}")
        if assoc.is_established:
            if ok:
                assoc.release()
            else:
                assoc.abort()
    return report


def _set_header(assoc: Any, created: Dataset | None, header: list[str], number: int, msg: Any,
                target: scu.Target, report: PrintReport) -> None:
    """N-SET the film box's annotation boxes, one header line each (fewer boxes than lines: joined)."""
    boxes = list(getattr(created, "ReferencedBasicAnnotationBoxSequence", None) or [])
    if not boxes:
        report.warnings.append(f"第 {number} 张胶片：{NO_ANNOTATIONS}")
        return
    lines = header[: len(boxes) - 1] + [" ".join(header[len(boxes) - 1:])] if len(header) > len(boxes) else header
    for position, (ref_box, line) in enumerate(zip(boxes, lines, strict=False), 1):
        mods = Dataset()
        mods.SpecificCharacterSet = "ISO_IR 192"
        mods.AnnotationPosition = position
        mods.TextString = line[:64]
        result = assoc.send_n_set(mods, str(ref_box.ReferencedSOPClassUID or ANNOTATION_BOX),
                                  str(ref_box.ReferencedSOPInstanceUID), next(msg))
        _check(f"第 {number} 张胶片的抬头", _status(result), target, report)


def sheets_of(films: Sequence[Any], *, grid: bool, columns: int, rows: int) -> list[Sheet]:
    """Film boxes from composed films: one box per cell and the header as text (grid), or the whole sheet
    (header included) as one box."""
    if grid:
        return [Sheet(columns, rows, list(f.cells), list(getattr(f, "header", []))) for f in films]
    return [Sheet(1, 1, [f.image]) for f in films]
