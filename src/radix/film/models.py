"""Film printing (胶片打印, manual 2 §3.1.27): print tasks and the log of their state changes.

A task holds the layout of its films (size, orientation, grid, copies, header template) and the
images of its cells, each with its own window, zoom, pan, rotation and flips. Printing composes the
films from the archive and sends them to a DICOM printer (Basic Grayscale Print Management) or
writes a PDF / PNG file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from radix.core.db import Base, BigIntPK, Entity, JSONType, UTCDateTime, enum_column, utcnow
from radix.core.schemas import LabeledEnum
from radix.core.tenancy import TenantMixin


class FilmSize(LabeledEnum):
    """DICOM Film Size ID (2010,0050) defined terms, with their size in inches (width × height, portrait)."""

    IN8X10 = "8INX10IN", "8×10 英寸", "8 × 10 in"
    IN8_5X11 = "8_5INX11IN", "8.5×11 英寸", "8.5 × 11 in"
    IN10X12 = "10INX12IN", "10×12 英寸", "10 × 12 in"
    IN10X14 = "10INX14IN", "10×14 英寸", "10 × 14 in"
    IN11X14 = "11INX14IN", "11×14 英寸", "11 × 14 in"
    IN11X17 = "11INX17IN", "11×17 英寸", "11 × 17 in"
    IN14X14 = "14INX14IN", "14×14 英寸", "14 × 14 in"
    IN14X17 = "14INX17IN", "14×17 英寸", "14 × 17 in"
    CM24X24 = "24CMX24CM", "24×24 厘米", "24 × 24 cm"
    CM24X30 = "24CMX30CM", "24×30 厘米", "24 × 30 cm"
    A4 = "A4", "A4", "A4"
    A3 = "A3", "A3", "A3"

    @property
    def inches(self) -> tuple[float, float]:
        return FILM_INCHES[self.value]


FILM_INCHES: dict[str, tuple[float, float]] = {
    "8INX10IN": (8, 10), "8_5INX11IN": (8.5, 11), "10INX12IN": (10, 12), "10INX14IN": (10, 14),
    "11INX14IN": (11, 14), "11INX17IN": (11, 17), "14INX14IN": (14, 14), "14INX17IN": (14, 17),
    "24CMX24CM": (24 / 2.54, 24 / 2.54), "24CMX30CM": (24 / 2.54, 30 / 2.54),
    "A4": (210 / 25.4, 297 / 25.4), "A3": (297 / 25.4, 420 / 25.4),
}


class FilmOrientation(LabeledEnum):
    PORTRAIT = "PORTRAIT", "纵向", "Portrait"
    LANDSCAPE = "LANDSCAPE", "横向", "Landscape"


class FilmMedium(LabeledEnum):
    """DICOM Medium Type (2000,0030)."""

    BLUE_FILM = "BLUE FILM", "蓝基胶片", "Blue film"
    CLEAR_FILM = "CLEAR FILM", "透明胶片", "Clear film"
    PAPER = "PAPER", "纸张", "Paper"


class PrintMode(LabeledEnum):
    GRID = "grid", "按格打印", "One image box per cell"
    SHEET = "sheet", "整版打印", "Whole sheet as one image"


class FilmTarget(LabeledEnum):
    PRINTER = "printer", "DICOM打印机", "DICOM printer"
    PDF = "pdf", "PDF文件", "PDF file"
    PNG = "png", "PNG图片", "PNG image"


class FilmStatus(LabeledEnum):
    PENDING = "pending", "待打印", "Pending"
    PRINTING = "printing", "打印中", "Printing"
    DONE = "done", "已完成", "Done"
    FAILED = "failed", "失败", "Failed"


class FilmTask(Entity, TenantMixin, Base):
    """A print task (打印任务): the films' layout, their images, where they go and how it went."""

    __tablename__ = "film_task"

    name: Mapped[str] = mapped_column(sa.String(128))
    # the first image's study, copied for the list (患者姓名 / 检查号 filters)
    study_uid: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    patient_name: Mapped[str | None] = mapped_column(sa.String(200))
    patient_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    accession_number: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    modality: Mapped[str | None] = mapped_column(sa.String(16))

    film_size: Mapped[FilmSize] = mapped_column(enum_column(FilmSize), default=FilmSize.IN14X17)
    orientation: Mapped[FilmOrientation] = mapped_column(enum_column(FilmOrientation), default=FilmOrientation.PORTRAIT)
    rows: Mapped[int] = mapped_column(sa.Integer, default=4)
    columns: Mapped[int] = mapped_column(sa.Integer, default=3)
    copies: Mapped[int] = mapped_column(sa.Integer, default=1)
    medium: Mapped[FilmMedium] = mapped_column(enum_column(FilmMedium), default=FilmMedium.BLUE_FILM)
    print_mode: Mapped[PrintMode] = mapped_column(enum_column(PrintMode), default=PrintMode.GRID)
    #: pixels per inch of the composed films
    dpi: Mapped[int] = mapped_column(sa.Integer, default=150)
    #: 胶片抬头: text with placeholders such as {patientName} {patientId} {studyDate} {page}/{pages}
    header: Mapped[str | None] = mapped_column(sa.String(500))
    #: print each image's series / image number and window in its corner
    annotate: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    #: the cells, in order: [{studyUid, seriesUid, sopUid, frame, windowCenter, windowWidth, zoom, panX, panY,
    #: rotate, flipH, flipV, invert}]
    images: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    num_images: Mapped[int] = mapped_column(sa.Integer, default=0)
    num_films: Mapped[int] = mapped_column(sa.Integer, default=0)

    target: Mapped[FilmTarget] = mapped_column(enum_column(FilmTarget), default=FilmTarget.PRINTER)
    node_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dicom_node.id", ondelete="SET NULL"), index=True)
    node_name: Mapped[str | None] = mapped_column(sa.String(100))

    status: Mapped[FilmStatus] = mapped_column(enum_column(FilmStatus), default=FilmStatus.PENDING, index=True)
    message: Mapped[str | None] = mapped_column(sa.String(500))
    job_run_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    #: the file written by the last PDF / PNG print (a blob key)
    output_key: Mapped[str | None] = mapped_column(sa.String(200))
    output_name: Mapped[str | None] = mapped_column(sa.String(200))


class FilmTaskEvent(TenantMixin, Base):
    """One state change of a print task (created, queued, printing, done, failed), with who and why."""

    __tablename__ = "film_task_event"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("film_task.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[FilmStatus] = mapped_column(enum_column(FilmStatus))
    message: Mapped[str | None] = mapped_column(sa.String(500))
    actor: Mapped[str | None] = mapped_column(sa.String(64))
