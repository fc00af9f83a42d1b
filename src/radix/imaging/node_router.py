"""DIMSE from the API: C-ECHO a node (连通测试) and send a study to a node (a job with progress)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter
from sqlalchemy.orm import Session

from radix.core import audit
from radix.core.db import utcnow
from radix.core.errors import Conflict, Invalid, NotFound
from radix.core.jobs import engine
from radix.core.jobs.schemas import JobRunRead
from radix.core.schemas import Status
from radix.core.security import get_session, require
from radix.imaging import resource
from radix.imaging.dimse import scu
from radix.imaging.dimse.jobs import SEND_STUDY
from radix.imaging.dimse.schemas import EchoRead, SendStudy
from radix.imaging.models import DicomNode, Study

router = APIRouter(tags=["DICOM节点"])


@router.post("/imaging/nodes/{id}/echo", response_model=EchoRead, summary="连通测试（C-ECHO）",
             dependencies=[require("imaging:node:echo"), audit.audit("OTHER", "DICOM节点连通测试")])
def echo(node: DicomNode = resource.nodes.load, session: Session = get_session) -> Any:
    result = scu.echo(scu.Target.of(node))
    # the echo takes a while: the node may have been deleted meanwhile (a conditional update, no stale row)
    updated = session.execute(
        sa.update(DicomNode).where(DicomNode.id == node.id)
        .values(last_echo_at=utcnow(), last_echo_ok=result.ok).execution_options(synchronize_session=False)
    ).rowcount
    if not updated:
        raise NotFound("DICOM节点不存在或已被删除")
    return EchoRead(ok=result.ok, ms=result.ms, message=result.message)


@router.post("/imaging/studies/{id}/send", status_code=202, response_model=JobRunRead, summary="发送检查到DICOM节点",
             dependencies=[require("imaging:study:send"), audit.audit("SEND", "发送检查到DICOM节点")])
def send(data: SendStudy, study: Study = resource.studies.load, session: Session = get_session) -> Any:
    node = session.scalar(sa.select(DicomNode).where(DicomNode.id == data.node_id))
    if node is None:
        raise Invalid.field("nodeId", "目标节点不存在或已被删除", code="NODE_NOT_FOUND")
    if node.status != Status.ENABLED:
        raise Conflict("目标节点已禁用，请先启用", code="NODE_DISABLED")
    if not study.num_instances:
        raise Conflict("该检查没有可发送的影像", code="STUDY_EMPTY")
    run = engine.enqueue(session, SEND_STUDY, params={"studyId": study.id, "nodeId": node.id},
                         name=f"发送检查到 {node.name}（{node.ae_title}）", target_type="study", target_id=study.id)
    return JobRunRead.model_validate(run)
