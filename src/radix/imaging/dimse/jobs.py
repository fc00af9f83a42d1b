"""Background DIMSE work: send a study to a remote node (C-STORE SCU), with progress."""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa

from radix.core.db import session_scope
from radix.core.errors import AppError, NotFound
from radix.core.jobs.engine import JobContext, job
from radix.core.schemas import Status
from radix.core.tenancy import set_scope
from radix.imaging.dimse import scu
from radix.imaging.dimse.schemas import SendStudyParams
from radix.imaging.models import DicomNode, EventKind, ImageEvent, Instance, Study

SEND_STUDY = "imaging.send_study"


@job(SEND_STUDY, "发送检查到DICOM节点", en="Send a study to a DICOM node", params=SendStudyParams)
def send_study(ctx: JobContext) -> dict[str, Any]:
    p = SendStudyParams.model_validate(ctx.params)
    s = ctx.session
    study = s.scalar(sa.select(Study).where(Study.id == p.study_id))
    if study is None:
        raise NotFound("检查不存在或已被删除")
    node = s.scalar(sa.select(DicomNode).where(DicomNode.id == p.node_id))
    if node is None:
        raise NotFound("目标节点不存在或已被删除", code="NODE_NOT_FOUND")
    if node.status != Status.ENABLED:
        raise AppError("目标节点已禁用", code="NODE_DISABLED")
    target = scu.Target.of(node)
    rows = s.execute(
        sa.select(Instance.blob_key, Instance.sop_class_uid, Instance.transfer_syntax, Instance.sop_uid)
        .where(Instance.study_ref == study.id)
        .order_by(Instance.series_ref, Instance.instance_number, Instance.id)
    ).all()
    items = [scu.Item(*row) for row in rows]
    ctx.progress(0, f"正在连接 {target.label}:{target.port}")
    ctx.log(f"发送检查 {study.study_uid}（{len(items)} 个实例）到 {target.label}:{target.port}")
    last = {"pct": -1, "at": 0.0}

    def progress(done: int, total: int) -> None:
        pct = int(done * 100 / total)
        now = time.monotonic()
        if pct != last["pct"] and (now - last["at"] >= 0.5 or done == total):
            last.update(pct=pct, at=now)
            ctx.progress(min(pct, 99), f"已发送 {done}/{total}")

    report = scu.store(target, items, on_progress=progress, check=ctx.check_cancelled)
    _record(study, target, report)
    result = {"total": report.total, "sent": report.sent, "warnings": report.warnings,
              "failed": report.failed, "node": target.label}
    ctx.log(report.message)
    if report.failed:
        raise AppError(report.message, code="SEND_INCOMPLETE", extra=result)
    return {"message": report.message, **result}


def _record(study: Study, target: scu.Target, report: scu.StoreReport) -> None:
    """Image events (已转发 / 失败) per instance, in their own unit of work: they stand even when the
    run is reported as failed."""
    from radix.core.tenancy import Scope

    with session_scope() as s:
        set_scope(s, Scope(tenant_id=study.tenant_id, visible=frozenset({study.tenant_id}), actor="dicom"))
        for sop_uid, code in report.statuses.items():
            ok = code is not None and (code == 0 or (code & 0xF000) == 0xB000)
            s.add(ImageEvent(
                tenant_id=study.tenant_id, sop_uid=sop_uid, study_uid=study.study_uid,
                kind=EventKind.FORWARDED if ok else EventKind.FAILED, node=target.label[:100],
                message="C-STORE" if ok else ("C-STORE 未发送" if code is None else f"C-STORE 失败（0x{code:04X}）"),
            ))
