from __future__ import annotations

import datetime as dt

from radix.core.schemas import AppModel, F, Status
from radix.imaging.models import EventKind


class StudyRead(AppModel):
    id: int = F(zh="编号", en="ID", column=False)
    tenant_id: int = F(zh="机构", en="Institution", column=False)
    tenant_name: str | None = F(None, zh="机构名称", en="Institution")
    study_uid: str = F(zh="检查UID", en="Study UID", column=False)
    patient_name: str | None = F(None, zh="患者姓名", en="Patient name")
    patient_id: str | None = F(None, zh="患者号", en="Patient ID")
    patient_sex: str | None = F(None, zh="性别", en="Sex")
    patient_birth_date: str | None = F(None, zh="出生日期", en="Birth date", column=False)
    accession_number: str | None = F(None, zh="检查号", en="Accession No.")
    study_date: str | None = F(None, zh="检查日期", en="Study date")
    study_time: str | None = F(None, zh="检查时间", en="Study time", column=False)
    modalities: str = F(zh="检查类型", en="Modalities")
    body_part: str | None = F(None, zh="检查部位", en="Body part")
    description: str | None = F(None, zh="检查描述", en="Description")
    referring_physician: str | None = F(None, zh="申请医生", en="Referring physician", column=False)
    institution_name: str | None = F(None, zh="检查机构", en="Institution (DICOM)", column=False)
    num_series: int = F(zh="序列数", en="Series")
    num_instances: int = F(zh="图像数", en="Images")
    size_bytes: int = F(zh="大小（字节）", en="Size (bytes)", column=False)
    received_at: dt.datetime = F(zh="上传时间", en="Received at")
    last_received_at: dt.datetime = F(zh="最后接收", en="Last received", column=False)


class InstanceRead(AppModel):
    id: int = F(zh="编号", en="ID", column=False)
    tenant_id: int = F(zh="机构", en="Institution", column=False)
    tenant_name: str | None = F(None, zh="机构名称", en="Institution")
    sop_uid: str = F(zh="影像号", en="SOP Instance UID")
    study_uid: str | None = F(None, zh="检查UID", en="Study UID", column=False)
    series_uid: str | None = F(None, zh="序列UID", en="Series UID", column=False)
    patient_name: str | None = F(None, zh="患者姓名", en="Patient name")
    patient_id: str | None = F(None, zh="患者号", en="Patient ID")
    accession_number: str | None = F(None, zh="检查号", en="Accession No.")
    modality: str | None = F(None, zh="模态", en="Modality")
    instance_number: int | None = F(None, zh="图像序号", en="Instance No.")
    sop_class_uid: str = F(zh="SOP类", en="SOP class", column=False)
    transfer_syntax: str = F(zh="传输语法", en="Transfer syntax", column=False)
    num_frames: int = F(zh="帧数", en="Frames", column=False)
    rows: int | None = F(None, zh="行", en="Rows", column=False)
    columns: int | None = F(None, zh="列", en="Columns", column=False)
    size_bytes: int = F(zh="大小（字节）", en="Size (bytes)")
    source: str = F(zh="来源", en="Source")
    calling_ae: str | None = F(None, zh="发送AE", en="Calling AE")
    blob_key: str = F(zh="存储路径", en="Storage key", column=False)
    received_at: dt.datetime = F(zh="上传时间", en="Received at")


class PatientRead(AppModel):
    id: int = F(zh="编号", en="ID", column=False)
    tenant_id: int = F(zh="机构", en="Institution", column=False)
    tenant_name: str | None = F(None, zh="机构名称", en="Institution")
    patient_id: str = F(zh="患者号", en="Patient ID")
    name: str | None = F(None, zh="患者姓名", en="Name")
    sex: str | None = F(None, zh="性别", en="Sex")
    birth_date: str | None = F(None, zh="出生日期", en="Birth date")
    id_number: str | None = F(None, zh="身份证号", en="ID number", masked="idcard")
    visit_number: str | None = F(None, zh="就诊号", en="Visit number")
    merged_into_id: int | None = F(None, zh="已合并到", en="Merged into", column=False)
    num_studies: int = F(0, zh="检查数", en="Studies")
    created_at: dt.datetime = F(zh="建档时间", en="Created at")


class ImageEventRead(AppModel):
    id: int = F(zh="编号", en="ID", column=False)
    tenant_id: int = F(zh="机构", en="Institution", column=False)
    tenant_name: str | None = F(None, zh="机构名称", en="Institution")
    sop_uid: str = F(zh="影像号", en="SOP Instance UID")
    study_uid: str | None = F(None, zh="检查UID", en="Study UID")
    kind: EventKind = F(zh="事件", en="Event")
    node: str | None = F(None, zh="节点", en="Node")
    message: str | None = F(None, zh="说明", en="Message")
    at: dt.datetime = F(zh="时间", en="Time")


class DicomNodeRead(AppModel):
    id: int = F(zh="编号", en="ID", column=False)
    tenant_id: int = F(zh="机构", en="Institution", column=False)
    tenant_name: str | None = F(None, zh="机构名称", en="Institution")
    name: str = F(zh="节点名称", en="Name")
    ae_title: str = F(zh="AE标题", en="AE title")
    host: str = F(zh="主机", en="Host")
    port: int = F(zh="端口", en="Port")
    institution_id: int | None = F(None, zh="所属机构", en="Institution", column=False, dict="institution")
    allow_store: bool = F(zh="允许发送(C-STORE)", en="May store")
    allow_find: bool = F(zh="允许查询(C-FIND)", en="May find")
    allow_move: bool = F(zh="允许移动(C-MOVE)", en="May move")
    allow_get: bool = F(zh="允许获取(C-GET)", en="May get")
    allow_print: bool = F(False, zh="胶片打印机", en="Film printer")
    status: Status = F(zh="状态", en="Status")
    last_echo_at: dt.datetime | None = F(None, zh="最近连通测试", en="Last echo")
    last_echo_ok: bool | None = F(None, zh="连通", en="Echo OK")
    remark: str | None = F(None, zh="备注", en="Remark", column=False)
    created_at: dt.datetime = F(zh="创建时间", en="Created at")


AE = r"^[\x21-\x5b\x5d-\x7e](?:[\x20-\x5b\x5d-\x7e]{0,14}[\x21-\x5b\x5d-\x7e])?$"
HOST = r"^[A-Za-z0-9.\-:]{1,128}$"


class DicomNodeCreate(AppModel):
    tenant_id: int | None = F(None, zh="机构", en="Institution", ge=1, le=2**62, widget="tenant-select")
    name: str = F(zh="节点名称", en="Name", min_length=1, max_length=64)
    ae_title: str = F(zh="AE标题", en="AE title", pattern=AE, description="1-16个字符，不含反斜杠，首尾不能是空格")
    host: str = F(zh="主机", en="Host", pattern=HOST, description="IP 地址或主机名")
    port: int = F(zh="端口", en="Port", ge=1, le=65535)
    institution_id: int | None = F(None, zh="所属机构", en="Institution", ge=1, le=2**62, widget="institution-select")
    allow_store: bool = F(True, zh="允许发送(C-STORE)", en="May store")
    allow_find: bool = F(True, zh="允许查询(C-FIND)", en="May find")
    allow_move: bool = F(True, zh="允许移动(C-MOVE)", en="May move")
    allow_get: bool = F(True, zh="允许获取(C-GET)", en="May get")
    allow_print: bool = F(False, zh="胶片打印机", en="Film printer", description="该节点是 DICOM 胶片打印机（Print SCP），可作为胶片打印的目标")
    status: Status = F(Status.ENABLED, zh="状态", en="Status")
    remark: str | None = F(None, zh="备注", en="Remark", max_length=500, widget="textarea")


class DicomNodeUpdate(AppModel):
    name: str | None = F(None, zh="节点名称", en="Name", min_length=1, max_length=64)
    ae_title: str | None = F(None, zh="AE标题", en="AE title", pattern=AE)
    host: str | None = F(None, zh="主机", en="Host", pattern=HOST)
    port: int | None = F(None, zh="端口", en="Port", ge=1, le=65535)
    institution_id: int | None = F(None, zh="所属机构", en="Institution", ge=1, le=2**62)
    allow_store: bool | None = F(None, zh="允许发送(C-STORE)", en="May store")
    allow_find: bool | None = F(None, zh="允许查询(C-FIND)", en="May find")
    allow_move: bool | None = F(None, zh="允许移动(C-MOVE)", en="May move")
    allow_get: bool | None = F(None, zh="允许获取(C-GET)", en="May get")
    allow_print: bool | None = F(None, zh="胶片打印机", en="Film printer")
    status: Status | None = F(None, zh="状态", en="Status")
    remark: str | None = F(None, zh="备注", en="Remark", max_length=500)
