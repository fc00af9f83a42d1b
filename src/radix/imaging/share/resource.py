"""分享记录: the shares of the tenant's studies, newest first over the last month by default.
Deleting a share revokes it (the record stays, as the manual's 分享记录 must)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from radix.core.db import escape_like, utcnow
from radix.core.listing import Filter
from radix.core.resource import Action, CrudService, Ctx, Resource
from radix.imaging.models import Study
from radix.imaging.share import service
from radix.imaging.share.models import Share, ShareStatus, ShareValidity
from radix.imaging.share.schemas import ShareRead


class ShareService(CrudService):
    def extras(self, ctx: Ctx, objs: list[Any]) -> dict[int, dict[str, Any]]:
        ids = {o.study_ref for o in objs}
        studies = {s.id: s for s in ctx.session.scalars(sa.select(Study).where(Study.id.in_(ids)))} if ids else {}
        now = utcnow()
        out = {}
        for o in objs:
            st = studies.get(o.study_ref)
            out[o.id] = {
                "study_id": o.study_ref,
                "patient_name": st.patient_name if st else None,
                "patient_id": st.patient_id if st else None,
                "accession_number": st.accession_number if st else None,
                "modalities": (st.modalities or "").strip("\\").replace("\\", "/") if st else None,
                "study_date": st.study_date if st else None,
                "status": service.status_of(o, now),
            }
        return out

    def delete(self, ctx: Ctx, obj: Any) -> None:
        service.revoke(ctx.session, obj)


def _status(stmt: sa.Select, value: Any) -> sa.Select:
    return stmt.where(service.status_clause(ShareStatus(value)))


def _study_field(column: Any, *, fuzzy: bool = False) -> Any:
    def apply(stmt: sa.Select, value: Any) -> sa.Select:
        text = str(value).strip()
        cond = column.ilike(f"%{escape_like(text.lower())}%", escape="\\") if fuzzy else column == text
        return stmt.where(Share.study_ref.in_(sa.select(Study.id).where(cond)))

    return apply


shares = Resource(
    name="share",
    path="/imaging/shares",
    model=Share,
    read=ShareRead,
    perm="imaging:share",
    zh="影像分享",
    en="Share",
    filters=[
        Filter("tenantId", op="eq", type=int, zh="机构名称", en="Institution", widget="tenant-select"),
        Filter("patientName", op="custom", apply=_study_field(Study.patient_name_search, fuzzy=True), zh="患者姓名",
               en="Patient name"),
        Filter("accessionNumber", op="custom", apply=_study_field(Study.accession_number), zh="检查号", en="Accession No."),
        Filter("validity", op="eq", type=ShareValidity, zh="时效", en="Validity"),
        Filter("status", op="custom", type=ShareStatus, apply=_status, zh="状态", en="Status"),
        Filter("createdAt", op="range", type=dt.datetime, zh="分享时间", en="Shared at", default_days=30,
               widget="log-range"),
    ],
    sortable=["createdAt", "expiresAt", "visits"],
    default_sort="-createdAt",
    service=ShareService(),
    actions=[
        Action("revoke", "撤销", "Revoke", "imaging:share:remove", "/{id}/revoke", confirm="撤销后该链接将无法再打开，确认撤销吗？",
               when={"status": [ShareStatus.ACTIVE.value, ShareStatus.EXHAUSTED.value]}),
    ],
)
