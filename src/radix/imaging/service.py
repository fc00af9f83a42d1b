"""Archive operations beyond ingest: deleting a study (rows and blobs)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from radix.core.storage import blobs
from radix.imaging.models import Instance, Study


def delete_study(session: Session, study: Study) -> int:
    keys = list(session.scalars(sa.select(Instance.blob_key).where(Instance.study_ref == study.id)))
    session.delete(study)
    session.flush()
    for key in keys:  # rows first: a crash leaves orphan files, never rows without files
        blobs().delete(key)
    return len(keys)
