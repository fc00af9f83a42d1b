"""The print job: compose a task's films and send them to a DICOM printer, or write them as a PDF /
PNG file. The task's state (打印中 → 已完成 / 失败) is written in short units of work of its own, so
that the task list shows it while the job runs and a failure is kept even though the job fails."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any

from radix.core.db import session_scope
from radix.core.errors import AppError
from radix.core.jobs.engine import Cancelled, JobContext, job
from radix.core.tenancy import set_scope
from radix.film import compose, printer, service
from radix.film.models import FilmStatus, FilmTarget, FilmTask, PrintMode
from radix.film.schemas import FilmPrintParams
from radix.imaging.dimse import scu


#: who the task's log names for the states the print job writes
ACTOR = "打印服务"


def _update(ctx: JobContext, task_id: int, fn: Callable[[Any, FilmTask], None]) -> None:
    with session_scope() as s:
        set_scope(s, dataclasses.replace(ctx.scope, actor=ACTOR))
        task = s.get(FilmTask, task_id)
        if task is not None:
            fn(s, task)


@job(service.FILM_PRINT, "胶片打印", en="Film printing", params=FilmPrintParams)
def print_task(ctx: JobContext) -> dict[str, Any]:
    p = FilmPrintParams.model_validate(ctx.params)
    try:
        return _print(ctx, p.task_id)
    except Cancelled:
        _update(ctx, p.task_id, lambda s, t: service.transition(s, t, FilmStatus.FAILED, "打印已取消"))
        raise
    except AppError as exc:
        _update(ctx, p.task_id, lambda s, t: service.transition(s, t, FilmStatus.FAILED, exc.message))
        raise
    except Exception as exc:
        _update(ctx, p.task_id, lambda s, t: service.transition(s, t, FilmStatus.FAILED, f"打印失败：{exc}"))
        raise


def _print(ctx: JobContext, task_id: int) -> dict[str, Any]:
    s = ctx.session
    task = service.load_task(s, task_id)
    layout = service.layout_of(task)
    resolved = service.resolve(s, service.cells_of(task))
    target = task.target
    node = service.printer(s, task.node_id) if target == FilmTarget.PRINTER and task.node_id else None
    if target == FilmTarget.PRINTER and node is None:
        raise AppError("未选择打印节点", code="PRINTER_REQUIRED")
    _update(ctx, task_id, lambda us, t: service.transition(us, t, FilmStatus.PRINTING, "正在合成胶片"))
    ctx.progress(1, "正在合成胶片")
    total = compose.films_needed(layout, len(resolved))
    films = []
    for number in range(1, total + 1):
        ctx.check_cancelled()
        films.extend(compose.compose(layout, resolved, pages=[number]))
        ctx.progress(5 + 35 * number / total, f"已合成 {number}/{total} 张胶片")
    ctx.log(f"合成 {total} 张胶片（{layout.film_size.value} {layout.orientation.value}，"
            f"{layout.columns}×{layout.rows}，{layout.dpi} DPI）")

    if target == FilmTarget.PRINTER:
        assert node is not None
        target_ae = scu.Target.of(node)
        grid = layout.print_mode == PrintMode.GRID
        job_ = printer.Job(
            film_size=layout.film_size.value, orientation=layout.orientation.value, medium=layout.medium.value,
            copies=layout.copies, label=f"RADIX FILM {task_id} {task.accession_number or ''}",
            sheets=printer.sheets_of(films, grid=grid, columns=layout.columns, rows=layout.rows),
        )
        last = {"at": 0.0}

        def progress(done: int, steps: int, text: str) -> None:
            now = time.monotonic()
            if now - last["at"] >= 0.3 or done == steps:
                last["at"] = now
                ctx.progress(min(99, 40 + 59 * done / steps), text)

        ctx.progress(40, f"正在连接打印机 {target_ae.label}:{target_ae.port}")
        report = printer.print_films(target_ae, job_, on_progress=progress, check=ctx.check_cancelled)
        message = f"已打印 {report.films} 张胶片（{layout.copies} 份）到 {node.name}（{node.ae_title}）"
        if report.warnings:
            message += "；" + "；".join(report.warnings[:3])
        _update(ctx, task_id, lambda us, t: service.transition(us, t, FilmStatus.DONE, message))
        ctx.log(message)
        return {"message": message, "films": report.films, "images": report.images, "node": target_ae.label}

    from radix.core.storage import blobs

    stem = f"film-{task_id}"
    if target == FilmTarget.PDF:
        data, name = compose.pdf_bytes([f.image for f in films], layout.dpi), f"{stem}.pdf"
    elif len(films) == 1:
        data, name = compose.png_bytes(films[0].image, layout.dpi), f"{stem}.png"
    else:
        data, name = compose.zip_of_pngs(films, layout.dpi, stem), f"{stem}.zip"
    key = f"film/{task.tenant_id}/{task_id}/{name}"
    blobs().put(key, data)
    message = f"已生成{'PDF' if target == FilmTarget.PDF else 'PNG'}文件（{len(films)} 张胶片）"
    _update(ctx, task_id, lambda us, t: service.transition(us, t, FilmStatus.DONE, message, output_key=key,
                                                          output_name=name))
    ctx.log(message)
    return {"message": message, "films": len(films), "file": name, "bytes": len(data)}
