"""Print tasks: their images checked against the archive, created and changed, sent to print as a
job; every change of state written to the task's log (film_task_event)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from radix.core.db import utcnow
from radix.core.errors import Conflict, Invalid, NotFound
from radix.core.jobs import engine
from radix.core.jobs.models import JobRun, JobStatus
from radix.core.schemas import Status
from radix.core.tenancy import get_scope
from radix.film import compose
from radix.film.models import FilmStatus, FilmTarget, FilmTask, FilmTaskEvent
from radix.film.schemas import FilmCell, FilmLayout, FilmPrint, FilmTaskCreate, FilmTaskUpdate
from radix.imaging.models import DicomNode, Instance, Series, Study

FILM_PRINT = "film.print"
LAYOUT_FIELDS = tuple(FilmLayout.model_fields)


# --- the images ----------------------------------------------------------------------------------


def resolve(session: Session, cells: Sequence[FilmCell]) -> list[compose.ResolvedCell]:
    """The archive rows of each cell, in the caller's scope: another tenant's image is not found (404)."""
    sops = {c.sop_uid for c in cells}
    rows = session.execute(
        sa.select(Instance, Series, Study)
        .join(Series, Instance.series_ref == Series.id)
        .join(Study, Instance.study_ref == Study.id)
        .where(Instance.sop_uid.in_(sops))
        .order_by(sa.case((Instance.tenant_id == get_scope(session).tenant_id, 0), else_=1), Instance.id)
    ).all()
    found: dict[tuple[str, str, str], tuple[Instance, Series, Study]] = {}
    for inst, series, study in rows:
        found.setdefault((study.study_uid, series.series_uid, inst.sop_uid), (inst, series, study))
    out = []
    for n, cell in enumerate(cells, 1):
        hit = found.get((cell.study_uid, cell.series_uid, cell.sop_uid))
        if hit is None:
            raise NotFound(f"第 {n} 幅图像不存在或无权访问", code="INSTANCE_NOT_FOUND")
        inst, series, study = hit
        if inst.rows is None:
            raise Invalid.field(f"images.{n - 1}.sopUid", f"第 {n} 幅不是图像，无法打印", code="NOT_AN_IMAGE")
        frames = max(1, inst.num_frames or 1)
        if cell.frame > frames:
            raise Invalid.field(f"images.{n - 1}.frame", f"第 {n} 幅图像的帧号超出范围（共 {frames} 帧）",
                                code="FRAME_OUT_OF_RANGE")
        out.append(compose.ResolvedCell(cell, inst, series, study))
    return out


def cells_of(task: FilmTask) -> list[FilmCell]:
    return [FilmCell.model_validate(c) for c in task.images or []]


def layout_of(task: FilmTask) -> FilmLayout:
    return FilmLayout.model_validate({f: getattr(task, f) for f in LAYOUT_FIELDS})


def _stored(cells: Sequence[FilmCell]) -> list[dict[str, Any]]:
    return [c.model_dump(mode="json", by_alias=True) for c in cells]


def _describe(task: FilmTask, resolved: Sequence[compose.ResolvedCell]) -> None:
    first = resolved[0]
    task.study_uid = first.study.study_uid
    task.patient_name = first.study.patient_name
    task.patient_id = first.study.patient_id
    task.accession_number = first.study.accession_number
    task.modality = first.series.modality
    task.num_images = len(resolved)
    layout = layout_of(task)
    task.num_films = compose.films_needed(layout, len(resolved))
    compose.check_size(layout, task.num_films)


def default_name(resolved: Sequence[compose.ResolvedCell]) -> str:
    study = resolved[0].study
    who = compose.person_name(study.patient_name) or study.patient_id or "胶片"
    what = study.accession_number or resolved[0].series.modality or ""
    return f"{who} {what}".strip()[:128]


# --- printers ------------------------------------------------------------------------------------


def printers(session: Session) -> list[DicomNode]:
    return list(session.scalars(
        sa.select(DicomNode).where(DicomNode.allow_print.is_(True), DicomNode.status == Status.ENABLED)
        .order_by(DicomNode.name, DicomNode.id)
    ))


def printer(session: Session, node_id: int) -> DicomNode:
    node = session.scalar(sa.select(DicomNode).where(DicomNode.id == node_id))
    if node is None:
        raise Invalid.field("nodeId", "打印节点不存在或已被删除", code="NODE_NOT_FOUND")
    if not node.allow_print:
        raise Invalid.field("nodeId", "该 DICOM 节点未设置为胶片打印机（在 DICOM节点 中勾选“胶片打印机”）",
                            code="NODE_NOT_PRINTER")
    if node.status != Status.ENABLED:
        raise Conflict("打印节点已禁用，请先启用", code="NODE_DISABLED")
    return node


# --- tasks ---------------------------------------------------------------------------------------


def log_event(session: Session, task: FilmTask, status: FilmStatus, message: str | None) -> FilmTaskEvent:
    event = FilmTaskEvent(tenant_id=task.tenant_id, task_id=task.id, status=status, message=(message or "")[:500] or None,
                          actor=get_scope(session).actor)
    session.add(event)
    session.flush()
    return event


def create(session: Session, data: FilmTaskCreate) -> FilmTask:
    resolved = resolve(session, data.images)
    node = printer(session, data.node_id) if data.node_id else None
    values = data.model_dump(include=set(LAYOUT_FIELDS))
    task = FilmTask(
        **values,
        tenant_id=resolved[0].study.tenant_id,
        name=data.name or default_name(resolved),
        images=_stored(data.images),
        target=data.target,
        node_id=node.id if node else None,
        node_name=node.name if node else None,
        status=FilmStatus.PENDING,
        message="待打印",
    )
    _describe(task, resolved)
    session.add(task)
    session.flush()
    log_event(session, task, FilmStatus.PENDING, f"创建打印任务：{task.num_images} 幅图像，{task.num_films} 张胶片")
    return task


def _printing(session: Session, task: FilmTask) -> bool:
    """Is a run of this task queued or running right now?"""
    if task.job_run_id is None:
        return False
    status = session.scalar(sa.select(JobRun.status).where(JobRun.id == task.job_run_id))
    return status in (JobStatus.PENDING, JobStatus.RUNNING)


def update(session: Session, task: FilmTask, data: FilmTaskUpdate) -> FilmTask:
    if _printing(session, task):
        raise Conflict("任务正在打印，完成后才能修改", code="FILM_TASK_PRINTING")
    values = data.model_dump(exclude_unset=True)
    if "name" in values and not values["name"]:
        values.pop("name")
    for key in ("film_size", "orientation", "rows", "columns", "copies", "medium", "print_mode", "dpi", "annotate",
                "target"):
        if key in values and values[key] is None:
            values.pop(key)  # a required setting is never cleared
    cells = None
    if values.get("images") is not None:
        cells = data.images
        values["images"] = _stored(cells)
    else:
        values.pop("images", None)
    if "node_id" in values:
        node = printer(session, values["node_id"]) if values["node_id"] else None
        values["node_name"] = node.name if node else None
    for key, value in values.items():
        setattr(task, key, value)
    resolved = resolve(session, cells if cells is not None else cells_of(task))
    _describe(task, resolved)
    if task.status in (FilmStatus.DONE, FilmStatus.FAILED):
        task.status = FilmStatus.PENDING
        task.message = "任务已修改，待打印"
        log_event(session, task, FilmStatus.PENDING, "任务已修改，待重新打印")
    session.flush()
    return task


def delete(session: Session, task: FilmTask) -> None:
    if _printing(session, task):
        raise Conflict("任务正在打印，不能删除", code="FILM_TASK_PRINTING")
    from radix.core.storage import blobs

    if task.output_key:
        blobs().delete(task.output_key)
    session.delete(task)
    session.flush()


def start_print(session: Session, task: FilmTask, data: FilmPrint) -> JobRun:
    if _printing(session, task):
        raise Conflict("任务已在打印队列中", code="FILM_TASK_PRINTING")
    target = data.target or task.target
    node = None
    if target == FilmTarget.PRINTER:
        node_id = data.node_id or task.node_id
        if not node_id:
            raise Invalid.field("nodeId", "请选择打印节点", code="PRINTER_REQUIRED")
        node = printer(session, node_id)
    resolve(session, cells_of(task))  # the images are still there (and still ours)
    task.target = target
    if node is not None:
        task.node_id, task.node_name = node.id, node.name
    where = f"{node.name}（{node.ae_title}）" if node else target.zh
    run = engine.enqueue(session, FILM_PRINT, params={"taskId": task.id}, name=f"胶片打印：{task.name}"[:128],
                         target_type="film_task", target_id=task.id)
    task.job_run_id = run.id
    task.status = FilmStatus.PENDING
    task.message = f"已提交打印到 {where}"
    task.started_at = None
    task.finished_at = None
    log_event(session, task, FilmStatus.PENDING, task.message)
    session.flush()
    return run


def transition(session: Session, task: FilmTask, status: FilmStatus, message: str, **values: Any) -> None:
    """A state change of a task, with its log line (called by the print job in its own units of work)."""
    task.status = status
    task.message = message[:500]
    if status == FilmStatus.PRINTING:
        task.started_at = utcnow()
        task.finished_at = None
    elif status in (FilmStatus.DONE, FilmStatus.FAILED):
        task.finished_at = utcnow()
    for key, value in values.items():
        setattr(task, key, value)
    log_event(session, task, status, message)


def events(session: Session, task: FilmTask) -> list[FilmTaskEvent]:
    return list(session.scalars(
        sa.select(FilmTaskEvent).where(FilmTaskEvent.task_id == task.id).order_by(FilmTaskEvent.at, FilmTaskEvent.id)
    ))


def load_task(session: Session, task_id: int) -> FilmTask:
    task = session.scalar(sa.select(FilmTask).where(FilmTask.id == task_id))
    if task is None:
        raise NotFound("打印任务不存在或已被删除", code="FILM_TASK_NOT_FOUND")
    return task
