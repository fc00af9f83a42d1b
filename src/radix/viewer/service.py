"""Each user's annotations and settings. Both are the user's own: every query is bound to the
account as well as the tenant scope, so a colleague in the same hospital sees none of them."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from radix.core.errors import Conflict, NotFound
from radix.imaging.models import Study
from radix.viewer.models import ViewerAnnotation, ViewerSetting
from radix.viewer.schemas import AnnotationCreate, AnnotationUpdate, ViewerSettings, default_settings

#: annotations one user keeps on one study (a reading needs dozens, not thousands)
MAX_PER_STUDY = 2000


def study_visible(session: Session, study_uid: str) -> bool:
    return session.scalar(sa.select(Study.id).where(Study.study_uid == study_uid).limit(1)) is not None


def list_annotations(session: Session, *, account_id: int, study_uid: str) -> list[ViewerAnnotation]:
    return list(session.scalars(
        sa.select(ViewerAnnotation)
        .where(ViewerAnnotation.account_id == account_id, ViewerAnnotation.study_uid == study_uid)
        .order_by(ViewerAnnotation.created_at, ViewerAnnotation.id)
        .limit(MAX_PER_STUDY)
    ))


def get_annotation(session: Session, *, account_id: int, id: int) -> ViewerAnnotation:
    row = session.scalar(sa.select(ViewerAnnotation).where(ViewerAnnotation.id == id,
                                                           ViewerAnnotation.account_id == account_id))
    if row is None:
        raise NotFound("标注不存在或已被删除", code="ANNOTATION_NOT_FOUND")
    return row


def create_annotation(session: Session, *, account_id: int, data: AnnotationCreate) -> ViewerAnnotation:
    if not study_visible(session, data.study_uid):
        raise NotFound("检查不存在或已被删除", code="STUDY_NOT_FOUND")
    taken = session.scalar(sa.select(ViewerAnnotation.id).where(ViewerAnnotation.account_id == account_id,
                                                                 ViewerAnnotation.uid == data.uid))
    if taken is not None:
        raise Conflict("该标注已保存", code="ANNOTATION_EXISTS")
    count = session.scalar(sa.select(sa.func.count()).select_from(ViewerAnnotation).where(
        ViewerAnnotation.account_id == account_id, ViewerAnnotation.study_uid == data.study_uid)) or 0
    if count >= MAX_PER_STUDY:
        raise Conflict(f"一个检查最多保存 {MAX_PER_STUDY} 个标注", code="ANNOTATION_LIMIT")
    row = ViewerAnnotation(account_id=account_id, **data.model_dump(by_alias=False))
    session.add(row)
    session.flush()
    return row


def update_annotation(session: Session, row: ViewerAnnotation, data: AnnotationUpdate) -> ViewerAnnotation:
    for key, value in data.model_dump(exclude_unset=True, by_alias=False).items():
        if key == "data" and value is None:
            continue
        setattr(row, key, value)
    session.flush()
    return row


def delete_annotation(session: Session, row: ViewerAnnotation) -> None:
    session.delete(row)
    session.flush()


def clear_annotations(session: Session, *, account_id: int, study_uid: str) -> int:
    rows = list_annotations(session, account_id=account_id, study_uid=study_uid)
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)


# --- settings -----------------------------------------------------------------------------------


def _row(session: Session, account_id: int) -> ViewerSetting | None:
    return session.scalar(sa.select(ViewerSetting).where(ViewerSetting.account_id == account_id))


def settings_of(session: Session, *, account_id: int) -> dict[str, Any]:
    """The user's settings over the defaults, validated (a value saved by an older version that no
    longer validates falls back to its default rather than breaking the viewer)."""
    values = default_settings()
    row = _row(session, account_id)
    if row is not None and isinstance(row.values, dict):
        for key, value in row.values.items():
            trial = {**values, key: value}
            try:
                ViewerSettings.model_validate(trial)
            except ValueError:
                continue
            values = trial
    return ViewerSettings.model_validate(values).model_dump(by_alias=True)


def save_settings(session: Session, *, account_id: int, data: ViewerSettings) -> dict[str, Any]:
    row = _row(session, account_id)
    values = data.model_dump(by_alias=False, exclude_unset=True)
    if row is None:
        row = ViewerSetting(account_id=account_id, values=values)
        session.add(row)
    else:
        row.values = {**(row.values or {}), **values}
    session.flush()
    return settings_of(session, account_id=account_id)


def reset_settings(session: Session, *, account_id: int) -> dict[str, Any]:
    row = _row(session, account_id)
    if row is not None:
        session.delete(row)
        session.flush()
    return settings_of(session, account_id=account_id)
