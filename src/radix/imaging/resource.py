"""The archive's lists: studies (检查列表 / 影像诊断), images (影像数据), patients, the receive queue
(image events), DICOM nodes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from radix.core.db import escape_like
from radix.core.errors import Conflict, Invalid
from radix.core.listing import Filter
from radix.core.resource import CrudService, Ctx, Resource, Unique
from radix.core.schemas import Status
from radix.imaging.models import DicomNode, EventKind, ImageEvent, Instance, Patient, Series, Study
from radix.imaging.schemas import (
    DicomNodeCreate,
    DicomNodeRead,
    DicomNodeUpdate,
    ImageEventRead,
    InstanceRead,
    PatientRead,
    StudyRead,
)


def _modality(stmt: sa.Select, value: Any) -> sa.Select:
    # Study.modalities reads "\\CT\\PT\\": match one whole modality, its backslashes escaped for LIKE
    needle = escape_like("\\" + str(value).strip().upper() + "\\")
    return stmt.where(Study.modalities.like(f"%{needle}%", escape="\\"))


def _patient_name(model: Any) -> Any:
    def apply(stmt: sa.Select, value: Any) -> sa.Select:
        text = escape_like(str(value).strip().lower())
        return stmt.where(model.ilike(f"%{text}%", escape="\\"))

    return apply


class StudyService(CrudService):
    def delete(self, ctx: Ctx, obj: Any) -> None:
        from radix.imaging import service

        service.delete_study(ctx.session, obj)


class InstanceService(CrudService):
    def query(self, ctx: Ctx) -> sa.Select:
        return sa.select(Instance)

    def extras(self, ctx: Ctx, objs: list[Any]) -> dict[int, dict[str, Any]]:
        series_ids = {o.series_ref for o in objs}
        study_ids = {o.study_ref for o in objs}
        series = {s.id: s for s in ctx.session.scalars(sa.select(Series).where(Series.id.in_(series_ids)))} if series_ids else {}
        studies = {s.id: s for s in ctx.session.scalars(sa.select(Study).where(Study.id.in_(study_ids)))} if study_ids else {}
        out = {}
        for o in objs:
            st, se = studies.get(o.study_ref), series.get(o.series_ref)
            out[o.id] = {
                "study_uid": st.study_uid if st else None,
                "series_uid": se.series_uid if se else None,
                "patient_name": st.patient_name if st else None,
                "patient_id": st.patient_id if st else None,
                "accession_number": st.accession_number if st else None,
                "modality": se.modality if se else None,
            }
        return out


def _instance_study_field(column: Any) -> Any:
    def apply(stmt: sa.Select, value: Any) -> sa.Select:
        return stmt.where(Instance.study_ref.in_(sa.select(Study.id).where(column == str(value))))

    return apply


def _instance_patient_name(stmt: sa.Select, value: Any) -> sa.Select:
    text = escape_like(str(value).strip().lower())
    return stmt.where(Instance.study_ref.in_(sa.select(Study.id).where(Study.patient_name_search.ilike(f"%{text}%", escape="\\"))))


class PatientService(CrudService):
    def extras(self, ctx: Ctx, objs: list[Any]) -> dict[int, dict[str, Any]]:
        ids = [o.id for o in objs]
        counts = dict(ctx.session.execute(
            sa.select(Study.patient_ref, sa.func.count()).where(Study.patient_ref.in_(ids)).group_by(Study.patient_ref)
        ).all()) if ids else {}
        from radix.platform.account.service import mask_id_number

        return {o.id: {"num_studies": counts.get(o.id, 0), "id_number": mask_id_number(o.id_number)} for o in objs}


class NodeService(CrudService):
    def create(self, ctx: Ctx, data: Any) -> Any:
        values = data.model_dump()
        values["tenant_id"] = values.get("tenant_id") or ctx.principal.tenant_id
        values["ae_title"] = values["ae_title"].strip()
        self._check_ae(ctx, values["ae_title"], None)
        obj = DicomNode(**values)
        ctx.session.add(obj)
        ctx.session.flush()
        return obj

    def update(self, ctx: Ctx, obj: Any, data: Any) -> Any:
        values = {k: v for k, v in data.model_dump(exclude_unset=True).items()
                  if v is not None or k in ("institution_id", "remark")}
        if "ae_title" in values:
            values["ae_title"] = values["ae_title"].strip()
            self._check_ae(ctx, values["ae_title"], obj.id)
        for key, value in values.items():
            setattr(obj, key, value)
        ctx.session.flush()
        return obj

    @staticmethod
    def _check_ae(ctx: Ctx, ae: str, self_id: int | None) -> None:
        from radix.config import get_settings
        from radix.core.tenancy import SYSTEM, scoped

        if ae.upper() == get_settings().dicom_ae_title.upper():
            raise Invalid.field("aeTitle", "不能使用本系统自己的 AE 标题")
        with scoped(ctx.session, SYSTEM):  # AE titles are unique across the platform
            stmt = sa.select(DicomNode.id).where(sa.func.upper(DicomNode.ae_title) == ae.upper())
            if self_id is not None:
                stmt = stmt.where(DicomNode.id != self_id)
            if ctx.session.scalar(stmt) is not None:
                raise Conflict("AE 标题已被使用", code="DUPLICATE", fields=[{"field": "aeTitle", "message": "AE 标题已被使用"}])


studies = Resource(
    name="study",
    path="/imaging/studies",
    model=Study,
    read=StudyRead,
    perm="imaging:study",
    zh="检查",
    en="Study",
    filters=[
        Filter("tenantId", op="eq", type=int, zh="机构名称", en="Institution", widget="tenant-select"),
        Filter("patientName", op="custom", apply=_patient_name(Study.patient_name_search), zh="患者姓名", en="Patient name"),
        Filter("patientId", op="eq", zh="患者号", en="Patient ID"),
        Filter("accessionNumber", op="contains", zh="检查号", en="Accession No."),
        Filter("studyUid", op="eq", zh="检查UID", en="Study UID"),
        Filter("modality", op="custom", apply=_modality, zh="检查类型", en="Modality", dict="modality"),
        Filter("studyDate", op="range", type=dt.date, zh="检查日期", en="Study date", column="study_date"),
        Filter("receivedAt", op="range", type=dt.datetime, zh="上传时间", en="Received at"),
    ],
    sortable=["receivedAt", "studyDate", "studyTime", "patientName", "numInstances"],
    # manual 3 §2.2.1.1: 按检查时间倒序排列
    default_sort="-studyDate,-studyTime,-receivedAt",
    service=StudyService(),
)

instances = Resource(
    name="instance",
    path="/imaging/instances",
    model=Instance,
    read=InstanceRead,
    perm="imaging:instance",
    zh="影像数据",
    en="Image",
    filters=[
        Filter("tenantId", op="eq", type=int, zh="机构名称", en="Institution", widget="tenant-select"),
        Filter("patientName", op="custom", apply=_instance_patient_name, zh="患者姓名", en="Patient name"),
        Filter("patientId", op="custom", apply=_instance_study_field(Study.patient_id), zh="患者号", en="Patient ID"),
        Filter("accessionNumber", op="custom", apply=_instance_study_field(Study.accession_number), zh="检查号", en="Accession No."),
        Filter("sopUid", op="eq", zh="影像号", en="SOP Instance UID"),
        Filter("receivedAt", op="range", type=dt.datetime, zh="上传时间", en="Received at", default_days=7, widget="log-range"),
    ],
    sortable=["receivedAt", "instanceNumber", "sizeBytes"],
    default_sort="-receivedAt",
    service=InstanceService(),
    deletable=False,
)

patients = Resource(
    name="patient",
    path="/imaging/patients",
    model=Patient,
    read=PatientRead,
    perm="imaging:patient",
    zh="患者",
    en="Patient",
    filters=[
        Filter("tenantId", op="eq", type=int, zh="机构名称", en="Institution", widget="tenant-select"),
        Filter("name", op="custom", apply=_patient_name(Patient.name_search), zh="患者姓名", en="Name"),
        Filter("patientId", op="eq", zh="患者号", en="Patient ID"),
        Filter("idNumber", op="eq", zh="身份证号", en="ID number"),
    ],
    sortable=["createdAt", "name", "patientId"],
    service=PatientService(),
    deletable=False,
)

events = Resource(
    name="image_event",
    path="/imaging/events",
    model=ImageEvent,
    read=ImageEventRead,
    perm="imaging:event",
    zh="接收队列",
    en="Receive queue",
    filters=[
        Filter("tenantId", op="eq", type=int, zh="机构名称", en="Institution", widget="tenant-select"),
        Filter("sopUid", op="eq", zh="影像号", en="SOP Instance UID"),
        Filter("studyUid", op="eq", zh="检查UID", en="Study UID"),
        Filter("kind", op="in", type=EventKind, zh="事件", en="Event"),
        Filter("node", op="contains", zh="节点", en="Node"),
        Filter("at", op="range", type=dt.datetime, zh="接收时间", en="Time", default_days=7, widget="log-range"),
    ],
    sortable=["at"],
    default_sort="-at",
    deletable=False,
)

nodes = Resource(
    name="dicom_node",
    path="/imaging/nodes",
    model=DicomNode,
    read=DicomNodeRead,
    create=DicomNodeCreate,
    update=DicomNodeUpdate,
    perm="imaging:node",
    zh="DICOM节点",
    en="DICOM node",
    filters=[
        Filter("tenantId", op="eq", type=int, zh="机构名称", en="Institution", widget="tenant-select"),
        Filter("name", op="contains", zh="节点名称", en="Name"),
        Filter("aeTitle", op="contains", zh="AE标题", en="AE title"),
        Filter("status", op="eq", type=Status, zh="状态", en="Status"),
    ],
    sortable=["createdAt", "name", "aeTitle"],
    service=NodeService(),
)
