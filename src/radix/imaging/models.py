"""The index: patients, studies, series, instances (with each instance's DICOM JSON kept at ingest),
image events (影像事件), remote DICOM nodes."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from radix.core.db import Base, BigIntPK, Entity, UTCDateTime, enum_column, utcnow
from radix.core.schemas import LabeledEnum, Status
from radix.core.tenancy import TenantMixin


class Patient(Entity, TenantMixin, Base):
    """A patient identity of a tenant (患者). Merges (manual 3 §2.3.1) point the merged record at the
    surviving one; their studies keep their own row and follow ``merged_into_id``."""

    __tablename__ = "patient"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "patient_id"),)

    patient_id: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str | None] = mapped_column(sa.String(200))
    #: lower-case, ``^`` and ``=`` as spaces: what fuzzy PatientName matching searches
    name_search: Mapped[str | None] = mapped_column(sa.String(256), index=True)
    birth_date: Mapped[str | None] = mapped_column(sa.String(8))
    sex: Mapped[str | None] = mapped_column(sa.String(16))
    #: resident ID number (GB 11643), when one arrived (OtherPatientIDs or an ID-shaped PatientID)
    id_number: Mapped[str | None] = mapped_column(sa.String(18), index=True)
    #: 就诊号 (AdmissionID)
    visit_number: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("patient.id", ondelete="SET NULL"), index=True)


class Study(Entity, TenantMixin, Base):
    __tablename__ = "study"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "study_uid"),)

    study_uid: Mapped[str] = mapped_column(sa.String(64))
    patient_ref: Mapped[int] = mapped_column(sa.ForeignKey("patient.id", ondelete="CASCADE"), index=True)
    institution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("institution.id", ondelete="SET NULL"), index=True)
    # copies of the patient's attributes as received (QIDO answers from the study row alone)
    patient_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    patient_name: Mapped[str | None] = mapped_column(sa.String(200))
    patient_name_search: Mapped[str | None] = mapped_column(sa.String(256), index=True)
    patient_birth_date: Mapped[str | None] = mapped_column(sa.String(8))
    patient_sex: Mapped[str | None] = mapped_column(sa.String(16))
    study_date: Mapped[str | None] = mapped_column(sa.String(8), index=True)
    study_time: Mapped[str | None] = mapped_column(sa.String(16))
    accession_number: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    study_id: Mapped[str | None] = mapped_column(sa.String(16))
    description: Mapped[str | None] = mapped_column(sa.String(128))
    referring_physician: Mapped[str | None] = mapped_column(sa.String(200))
    institution_name: Mapped[str | None] = mapped_column(sa.String(128))
    #: ``\\CT\\PT\\`` — every modality of its series, for ModalitiesInStudy matching
    modalities: Mapped[str] = mapped_column(sa.String(128), default="\\")
    body_part: Mapped[str | None] = mapped_column(sa.String(64))
    num_series: Mapped[int] = mapped_column(sa.Integer, default=0)
    num_instances: Mapped[int] = mapped_column(sa.Integer, default=0)
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    last_received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: the dataset attributes QIDO returns at study level (DICOM JSON of the first instance's study module)
    attributes: Mapped[str | None] = mapped_column(sa.Text)


class Series(Entity, TenantMixin, Base):
    __tablename__ = "series"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "series_uid"),)

    series_uid: Mapped[str] = mapped_column(sa.String(64))
    study_ref: Mapped[int] = mapped_column(sa.ForeignKey("study.id", ondelete="CASCADE"), index=True)
    modality: Mapped[str | None] = mapped_column(sa.String(16), index=True)
    series_number: Mapped[int | None] = mapped_column(sa.Integer)
    description: Mapped[str | None] = mapped_column(sa.String(128))
    body_part: Mapped[str | None] = mapped_column(sa.String(64))
    series_date: Mapped[str | None] = mapped_column(sa.String(8))
    num_instances: Mapped[int] = mapped_column(sa.Integer, default=0)
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    attributes: Mapped[str | None] = mapped_column(sa.Text)


class Instance(Entity, TenantMixin, Base):
    __tablename__ = "instance"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "sop_uid"),)

    sop_uid: Mapped[str] = mapped_column(sa.String(64))
    series_ref: Mapped[int] = mapped_column(sa.ForeignKey("series.id", ondelete="CASCADE"), index=True)
    study_ref: Mapped[int] = mapped_column(sa.ForeignKey("study.id", ondelete="CASCADE"), index=True)
    sop_class_uid: Mapped[str] = mapped_column(sa.String(64))
    instance_number: Mapped[int | None] = mapped_column(sa.Integer)
    transfer_syntax: Mapped[str] = mapped_column(sa.String(64))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    blob_key: Mapped[str] = mapped_column(sa.String(200))
    num_frames: Mapped[int] = mapped_column(sa.Integer, default=1)
    rows: Mapped[int | None] = mapped_column(sa.Integer)
    columns: Mapped[int | None] = mapped_column(sa.Integer)
    #: where the Pixel Data value starts in the stored file and how long it is (frames without parsing)
    pixel_offset: Mapped[int | None] = mapped_column(sa.BigInteger)
    pixel_length: Mapped[int | None] = mapped_column(sa.BigInteger)
    source: Mapped[str] = mapped_column(sa.String(16), default="dimse")  # dimse / stow / upload / demo
    calling_ae: Mapped[str | None] = mapped_column(sa.String(16))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    #: the instance's DICOM JSON (PS3.18 F.2), bulk data as BulkDataURI templates, kept at ingest
    metadata_json: Mapped[str] = mapped_column(sa.Text)


class EventKind(LabeledEnum):
    RECEIVED = "received", "已接收", "Received"
    STORED = "stored", "已存储", "Stored"
    INDEXED = "indexed", "已入库", "Indexed"
    FORWARDED = "forwarded", "已转发", "Forwarded"
    FAILED = "failed", "失败", "Failed"


class ImageEvent(TenantMixin, Base):
    """One step of an instance's way in (影像事件): received, stored, indexed, forwarded, failed."""

    __tablename__ = "image_event"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    sop_uid: Mapped[str] = mapped_column(sa.String(64), index=True)
    study_uid: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    node: Mapped[str | None] = mapped_column(sa.String(100))
    message: Mapped[str | None] = mapped_column(sa.String(500))


class DicomNode(Entity, TenantMixin, Base):
    """A remote DICOM application entity (modality, PACS, workstation, AI edge) of a tenant.

    Its AE title is unique across the platform: the calling AE of an association decides the tenant
    and institution of what it sends.
    """

    __tablename__ = "dicom_node"
    __table_args__ = (sa.UniqueConstraint("ae_title"),)

    name: Mapped[str] = mapped_column(sa.String(64))
    ae_title: Mapped[str] = mapped_column(sa.String(16))
    host: Mapped[str] = mapped_column(sa.String(128))
    port: Mapped[int] = mapped_column(sa.Integer)
    institution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("institution.id", ondelete="SET NULL"))
    allow_store: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    allow_find: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    allow_move: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    allow_get: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    #: a film printer (Print SCP): film printing may send print jobs to it
    allow_print: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    status: Mapped[Status] = mapped_column(enum_column(Status), default=Status.ENABLED)
    last_echo_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_echo_ok: Mapped[bool | None] = mapped_column(sa.Boolean)
    remark: Mapped[str | None] = mapped_column(sa.String(500))
