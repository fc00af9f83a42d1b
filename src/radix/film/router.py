"""Film routes: the print task list and forms (the resource), the editor's options, printers and live
preview, a task's preview, PDF / PNG export, print (a job) and the log of its states."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from radix.core import audit
from radix.core.errors import Invalid, NotFound
from radix.core.jobs.schemas import JobRunRead
from radix.core.resource import Ctx
from radix.core.security import Principal, current_principal, get_session, require
from radix.film import compose, service
from radix.film.models import FilmMedium, FilmOrientation, FilmSize, FilmTarget, FilmTask, PrintMode
from radix.film.resource import tasks
from radix.film.schemas import (
    FilmOptions,
    FilmPreview,
    FilmPrint,
    FilmPrinterRead,
    FilmTaskCreate,
    FilmTaskEventRead,
    FilmTaskRead,
)

router = APIRouter()
router.include_router(tasks.router())
extra = APIRouter(prefix="/film", tags=[tasks.zh])

COMPOSE = "film:task:compose"
PRINT = "film:task:print"
DOWNLOAD = "film:task:download"

Page = Annotated[int, Query(ge=1, le=10_000, title="胶片页码")]
Width = Annotated[int, Query(ge=100, le=4000, title="预览宽度（像素）")]


def _options(enum: Any) -> list[dict[str, Any]]:
    return enum.options()


@extra.post("/tasks", status_code=201, response_model=FilmTaskRead, summary="新增打印任务（胶片排版）",
            dependencies=[require(tasks.permission("add")), audit.audit("CREATE", tasks.zh)])
def create(request: Request, data: FilmTaskCreate, session: Session = get_session,
           principal: Principal = current_principal) -> Any:
    task = service.create(session, data)
    audit.set_target(request, tasks.name, task.id)
    return tasks.service.read(Ctx(session, principal, request), task)


@extra.get("/options", response_model=FilmOptions, summary="胶片打印的可选项（尺寸、方向、抬头模板、占位符）",
           dependencies=[require(COMPOSE, tasks.permission("list"), any_of=True)])
def options() -> Any:
    return {
        "film_sizes": [{**o, "inches": list(FilmSize(o["value"]).inches)} for o in _options(FilmSize)],
        "orientations": _options(FilmOrientation),
        "media": _options(FilmMedium),
        "print_modes": _options(PrintMode),
        "targets": _options(FilmTarget),
        "placeholders": [{"name": n, "label": zh, "labelEn": en} for n, zh, en in compose.PLACEHOLDERS],
        "header_templates": compose.HEADER_TEMPLATES,
    }


@extra.get("/printers", response_model=list[FilmPrinterRead], summary="可用的胶片打印机（启用且勾选了胶片打印机的 DICOM 节点）",
           dependencies=[require(PRINT, COMPOSE, any_of=True)])
def printers(session: Session = get_session) -> Any:
    return service.printers(session)


def _png(film: compose.Film, dpi: int, total: int) -> Response:
    return Response(compose.png_bytes(film.image, dpi), media_type="image/png",
                    headers={"X-Film-Page": str(film.number), "X-Film-Pages": str(total), "Cache-Control": "no-store"})


def _preview(layout: Any, resolved: list[compose.ResolvedCell], page: int, width: int) -> Response:
    total = compose.films_needed(layout, len(resolved))
    if page > total:
        raise Invalid.field("page", f"胶片页码超出范围（共 {total} 张）", code="FILM_PAGE_OUT_OF_RANGE")
    full_w, _ = compose.sheet_size(layout, 100)
    dpi = max(10, min(layout.dpi, int(width * 100 / full_w)))
    film = compose.compose(layout, resolved, pages=[page], dpi=dpi)[0]
    return _png(film, dpi, total)


@extra.post("/preview", response_class=Response, summary="胶片预览（不保存，返回一张胶片的 PNG）",
            responses={200: {"content": {"image/png": {}}, "description": "PNG；X-Film-Pages 为胶片总数"}},
            dependencies=[require(COMPOSE), audit.audit("OTHER", "胶片预览")])
def preview(data: FilmPreview, page: Page = 1, width: Width = 900, session: Session = get_session) -> Response:
    resolved = service.resolve(session, data.images)
    return _preview(data, resolved, page, width)


@extra.get("/tasks/{id}/preview", response_class=Response, summary="打印任务的胶片预览（PNG）",
           responses={200: {"content": {"image/png": {}}, "description": "PNG"}},
           dependencies=[require(tasks.permission("query"))])
def task_preview(task: FilmTask = tasks.load, page: Page = 1, width: Width = 900,
                 session: Session = get_session) -> Response:
    return _preview(service.layout_of(task), service.resolve(session, service.cells_of(task)), page, width)


def _attachment(data: bytes, media_type: str, name: str) -> Response:
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return Response(data, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}",
        "Cache-Control": "no-store",
    })


@extra.get("/tasks/{id}/export", response_class=Response, summary="导出胶片（PDF 每页一张胶片；PNG 一张或多张的 ZIP）",
           responses={200: {"content": {"application/pdf": {}, "image/png": {}, "application/zip": {}},
                            "description": "文件"}},
           dependencies=[require(DOWNLOAD)])
def export(task: FilmTask = tasks.load, format: Annotated[str, Query(pattern="^(pdf|png)$", title="格式")] = "pdf",
           page: Annotated[int | None, Query(ge=1, le=10_000, title="胶片页码（仅 PNG）")] = None,
           session: Session = get_session) -> Response:
    layout = service.layout_of(task)
    resolved = service.resolve(session, service.cells_of(task))
    total = compose.films_needed(layout, len(resolved))
    if page is not None and page > total:
        raise Invalid.field("page", f"胶片页码超出范围（共 {total} 张）", code="FILM_PAGE_OUT_OF_RANGE")
    stem = f"胶片-{task.name}"
    if format == "pdf":
        films = compose.compose(layout, resolved)
        return _attachment(compose.pdf_bytes([f.image for f in films], layout.dpi), "application/pdf", f"{stem}.pdf")
    films = compose.compose(layout, resolved, pages=[page] if page else None)
    if len(films) == 1:
        number = films[0].number
        return _attachment(compose.png_bytes(films[0].image, layout.dpi), "image/png",
                           f"{stem}-{number}.png" if total > 1 else f"{stem}.png")
    return _attachment(compose.zip_of_pngs(films, layout.dpi, stem), "application/zip", f"{stem}.zip")


@extra.get("/tasks/{id}/output", response_class=Response, summary="下载上次打印生成的 PDF / PNG 文件",
           dependencies=[require(DOWNLOAD)])
def output(task: FilmTask = tasks.load) -> Response:
    from radix.core.storage import blobs

    if not task.output_key or not task.output_name:
        raise NotFound("该任务还没有生成文件", code="FILM_OUTPUT_NOT_FOUND")
    name = task.output_name
    media = {"pdf": "application/pdf", "png": "image/png", "zip": "application/zip"}.get(name.rsplit(".", 1)[-1],
                                                                                       "application/octet-stream")
    return _attachment(blobs().get(task.output_key), media, f"胶片-{task.name}.{name.rsplit('.', 1)[-1]}")


@extra.post("/tasks/{id}/print", status_code=202, response_model=JobRunRead, summary="打印（DICOM 打印机或生成 PDF / PNG，后台任务）",
            dependencies=[require(PRINT), audit.audit("RUN", "胶片打印")])
def print_task(request: Request, data: FilmPrint | None = None, task: FilmTask = tasks.load,
               session: Session = get_session) -> Any:
    run = service.start_print(session, task, data or FilmPrint())
    audit.set_target(request, tasks.name, task.id)
    return JobRunRead.model_validate(run)


@extra.get("/tasks/{id}/events", response_model=list[FilmTaskEventRead], summary="打印任务的状态记录",
           dependencies=[require(tasks.permission("query"))])
def events(task: FilmTask = tasks.load, session: Session = get_session) -> Any:
    return service.events(session, task)


router.include_router(extra)
