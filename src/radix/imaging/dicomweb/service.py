"""Load-or-404 for the DICOMweb resources, tenant-scoped and share-limited.

Another tenant's study is simply not in the scope (404); a share link sees only its study. When a
regional scope sees the same UID in two member tenants, the caller's own tenant wins, then the oldest.
"""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import Depends

from radix.core.errors import NotFound
from radix.imaging.dicomweb.access import READ, Access
from radix.imaging.models import Instance, Series, Study

STUDY_NOT_FOUND = "检查不存在或无权访问"
SERIES_NOT_FOUND = "序列不存在或无权访问"
INSTANCE_NOT_FOUND = "影像实例不存在或无权访问"


def find_study(access: Access, study_uid: str) -> Study | None:
    if access.study_uid is not None and study_uid != access.study_uid:
        return None
    return access.session.scalars(
        sa.select(Study).where(Study.study_uid == study_uid)
        .order_by(sa.case((Study.tenant_id == access.tenant_id, 0), else_=1), Study.id).limit(1)
    ).first()


def study_or_404(access: Access, study_uid: str) -> Study:
    study = find_study(access, study_uid)
    if study is None:
        raise NotFound(STUDY_NOT_FOUND, code="STUDY_NOT_FOUND")
    return study


def series_or_404(access: Access, study: Study, series_uid: str) -> Series:
    series = access.session.scalars(
        sa.select(Series).where(Series.study_ref == study.id, Series.series_uid == series_uid).limit(1)
    ).first()
    if series is None:
        raise NotFound(SERIES_NOT_FOUND, code="SERIES_NOT_FOUND")
    return series


def instance_or_404(access: Access, series: Series, sop_uid: str) -> Instance:
    instance = access.session.scalars(
        sa.select(Instance).where(Instance.series_ref == series.id, Instance.sop_uid == sop_uid).limit(1)
    ).first()
    if instance is None:
        raise NotFound(INSTANCE_NOT_FOUND, code="INSTANCE_NOT_FOUND")
    return instance


# --- route dependencies (path parameters {study}, {series}, {instance}) ------------------------------


def _study(study: str, access: Access = READ) -> Study:
    return study_or_404(access, study)


def _series(series: str, st: Study = Depends(_study), access: Access = READ) -> Series:
    return series_or_404(access, st, series)


def _instance(instance: str, se: Series = Depends(_series), access: Access = READ) -> Instance:
    return instance_or_404(access, se, instance)


STUDY = Depends(_study)
SERIES = Depends(_series)
INSTANCE = Depends(_instance)


def instances_of(access: Access, *, study: Study | None = None, series: Series | None = None,
                 with_pixels: bool = False) -> sa.Select:
    """Instances of a study or series in viewing order (series, instance number, arrival)."""
    stmt = sa.select(Instance)
    if series is not None:
        stmt = stmt.where(Instance.series_ref == series.id)
    elif study is not None:
        stmt = stmt.where(Instance.study_ref == study.id)
    if with_pixels:
        stmt = stmt.where(Instance.rows.is_not(None))
    return stmt.order_by(Instance.series_ref, Instance.instance_number.is_(None), Instance.instance_number,
                         Instance.id)
