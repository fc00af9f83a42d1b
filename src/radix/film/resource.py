"""打印任务: the print tasks of the tenant, newest first; their forms go through the film service
(the images are checked against the archive, the printer against the DICOM nodes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from radix.core.db import escape_like
from radix.core.listing import Filter
from radix.core.resource import Action, CrudService, Ctx, Resource
from radix.film import service
from radix.film.models import FilmStatus, FilmTarget, FilmTask
from radix.film.schemas import FilmTaskRead, FilmTaskUpdate


class FilmTaskService(CrudService):
    def update(self, ctx: Ctx, obj: Any, data: Any) -> Any:
        return service.update(ctx.session, obj, data)

    def delete(self, ctx: Ctx, obj: Any) -> None:
        service.delete(ctx.session, obj)


def _patient_name(stmt: sa.Select, value: Any) -> sa.Select:
    # DICOM names keep their components apart (Zhang^San=张^三): compare without ^ and spaces
    text = escape_like("".join(str(value).split()).replace("^", "").lower())
    compact = sa.func.lower(sa.func.replace(sa.func.replace(FilmTask.patient_name, "^", ""), " ", ""))
    return stmt.where(compact.like(f"%{text}%", escape="\\"))


tasks = Resource(
    name="film_task",
    path="/film/tasks",
    model=FilmTask,
    read=FilmTaskRead,
    # created from the film editor (POST /film/tasks in router.py), not from a generic form: a task's
    # images come from the viewer, not from typing
    update=FilmTaskUpdate,
    perm="film:task",
    zh="打印任务",
    en="Print task",
    filters=[
        Filter("tenantId", op="eq", type=int, zh="机构名称", en="Institution", widget="tenant-select"),
        Filter("name", op="contains", zh="任务名称", en="Name"),
        Filter("patientName", op="custom", apply=_patient_name, zh="患者姓名", en="Patient name"),
        Filter("patientId", op="eq", zh="患者号", en="Patient ID"),
        Filter("accessionNumber", op="contains", zh="检查号", en="Accession No."),
        Filter("status", op="in", type=FilmStatus, zh="状态", en="Status"),
        Filter("target", op="eq", type=FilmTarget, zh="输出方式", en="Output"),
        Filter("createdAt", op="range", type=dt.datetime, zh="创建时间", en="Created at"),
    ],
    sortable=["createdAt", "finishedAt", "status", "numImages"],
    default_sort="-createdAt",
    service=FilmTaskService(),
    columns=["tenantName", "name", "patientName", "patientId", "accessionNumber", "filmSize", "orientation",
             "numImages", "numFilms", "copies", "target", "nodeName", "status", "message", "createdBy", "createdAt",
             "finishedAt"],
    actions=[
        Action("print", "打印", "Print", "film:task:print", "/{id}/print", confirm="确认打印该任务吗？",
               when={"status": [FilmStatus.PENDING.value, FilmStatus.DONE.value, FilmStatus.FAILED.value]}),
    ],
)
