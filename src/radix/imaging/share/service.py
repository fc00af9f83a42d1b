"""Share links: create, resolve (for the public page and for DICOMweb ``?share=<token>``), visit,
revoke.

A visitor limit counts the openings of the share page. DICOMweb requests made by the viewer of an
admitted visitor do not count; once the limit is reached, they keep working for :data:`VIEW_GRACE`
after the last admitted visit (so the last visitor can finish reading) and are refused after that.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import secrets
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from radix.core.db import utcnow
from radix.core.errors import Forbidden, NotFound
from radix.core.security import hash_token
from radix.core.tenancy import SYSTEM, get_scope, scoped
from radix.imaging.models import Study
from radix.imaging.share.models import Share, ShareStatus, ShareValidity

VIEW_GRACE = dt.timedelta(hours=2)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def share_path(token: str) -> str:
    return f"/share/{token}"


def qr_data_url(text: str) -> str:
    import qrcode

    image = qrcode.make(text, border=2, box_size=8)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def create(session: Session, *, study: Study, validity: ShareValidity, max_visitors: int | None) -> tuple[Share, str]:
    """A new share of ``study``; returns it with its token (only its hash is stored)."""
    token = new_token()
    duration = validity.duration
    share = Share(
        tenant_id=study.tenant_id,
        study_ref=study.id,
        study_uid=study.study_uid,
        token_hash=hash_token(token),
        validity=validity,
        expires_at=utcnow() + duration if duration else None,
        max_visitors=max_visitors,
        visits=0,
    )
    session.add(share)
    session.flush()
    return share, token


def status_of(share: Share, now: dt.datetime | None = None) -> ShareStatus:
    now = now or utcnow()
    if share.revoked_at is not None:
        return ShareStatus.REVOKED
    if share.expires_at is not None and share.expires_at <= now:
        return ShareStatus.EXPIRED
    if share.max_visitors is not None and share.visits >= share.max_visitors:
        return ShareStatus.EXHAUSTED
    return ShareStatus.ACTIVE


def status_clause(status: ShareStatus, now: dt.datetime | None = None) -> Any:
    """The same rule as :func:`status_of`, as SQL (for the list filter)."""
    now = now or utcnow()
    revoked = Share.revoked_at.is_not(None)
    expired = sa.and_(Share.expires_at.is_not(None), Share.expires_at <= now)
    exhausted = sa.and_(Share.max_visitors.is_not(None), Share.visits >= Share.max_visitors)
    return {
        ShareStatus.REVOKED: revoked,
        ShareStatus.EXPIRED: sa.and_(sa.not_(revoked), expired),
        ShareStatus.EXHAUSTED: sa.and_(sa.not_(revoked), sa.not_(expired), exhausted),
        ShareStatus.ACTIVE: sa.not_(sa.or_(revoked, expired, exhausted)),
    }[status]


def resolve_token(session: Session, token: str, *, visit: bool = False) -> Share:
    """The share a token opens, whatever the session's scope; NotFound / Forbidden (in Chinese) when
    it does not exist or may not be used now. ``visit`` is for the share page: one more visitor."""
    if not token or len(token) > 128:
        raise NotFound("分享链接不存在或已失效", code="SHARE_NOT_FOUND")
    with scoped(session, SYSTEM):
        share = session.scalar(sa.select(Share).where(Share.token_hash == hash_token(token)))
    if share is None:
        raise NotFound("分享链接不存在或已失效", code="SHARE_NOT_FOUND")
    now = utcnow()
    status = status_of(share, now)
    if status == ShareStatus.REVOKED:
        raise Forbidden("分享链接已被撤销", code="SHARE_REVOKED")
    if status == ShareStatus.EXPIRED:
        raise Forbidden("分享链接已过期", code="SHARE_EXPIRED")
    if status == ShareStatus.EXHAUSTED:
        within_grace = share.last_visit_at is not None and now - share.last_visit_at <= VIEW_GRACE
        if visit or not within_grace:
            raise Forbidden("分享链接的访问人数已达上限", code="SHARE_VISITOR_LIMIT")
    return share


def visit(session: Session, share: Share) -> Share:
    """Count one visitor; refused if another visitor took the last place meanwhile."""
    now = utcnow()
    stmt = sa.update(Share).where(Share.id == share.id)
    if share.max_visitors is not None:
        stmt = stmt.where(Share.visits < Share.max_visitors)
    with scoped(session, SYSTEM):
        done = session.execute(stmt.values(visits=Share.visits + 1, last_visit_at=now)
                               .execution_options(synchronize_session=False)).rowcount
        if not done:
            raise Forbidden("分享链接的访问人数已达上限", code="SHARE_VISITOR_LIMIT")
        session.refresh(share)
    return share


def revoke(session: Session, share: Share) -> Share:
    if share.revoked_at is None:
        share.revoked_at = utcnow()
        share.revoked_by = get_scope(session).actor
        session.flush()
    return share


def mask_name(name: str | None) -> str | None:
    """张三 → 张*, 欧阳娜娜 → 欧**娜; ``Zhang^San=张^三`` shows its ideographic form masked."""
    if not name:
        return name
    groups = [g for g in name.split("=") if g.replace("^", "").strip()]
    text = groups[1] if len(groups) > 1 else (groups[0] if groups else "")
    parts = [p for p in text.split("^") if p.strip()]
    if not parts:
        return "*"
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        whole = "".join(parts).replace(" ", "")
        if len(whole) <= 2:
            return whole[0] + "*"
        return whole[0] + "*" * (len(whole) - 2) + whole[-1]
    return parts[0] + " *"


def public_summary(session: Session, share: Share) -> dict[str, Any]:
    """What the share page shows before the viewer opens: no identifying detail."""
    from radix.core.resource import tenant_names

    with scoped(session, SYSTEM):
        study = session.get(Study, share.study_ref)
        if study is None:
            raise NotFound("分享的检查已被删除", code="SHARE_NOT_FOUND")
        tenant_name = tenant_names(session, {share.tenant_id}).get(share.tenant_id)
    modalities = [m for m in (study.modalities or "").split("\\") if m]
    return {
        "study": {
            "study_uid": study.study_uid,
            "patient_name": mask_name(study.patient_name),
            "patient_sex": study.patient_sex,
            "modalities": modalities,
            "study_date": study.study_date,
            "description": study.description,
            "body_part": study.body_part,
            "num_series": study.num_series,
            "num_instances": study.num_instances,
            "institution_name": tenant_name,
        },
        "validity": share.validity,
        "expires_at": share.expires_at,
        "max_visitors": share.max_visitors,
        "visits": share.visits,
    }
