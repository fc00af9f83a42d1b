"""Delivery of queued messages (one job run per message, so each can be inspected on its own)."""

from __future__ import annotations

from typing import Any

from radix.core.errors import AppError
from radix.core.jobs.engine import JobContext, job
from radix.platform.notify import service
from radix.platform.notify.models import NotifyLog, SendStatus


@job(service.DELIVER_JOB, "发送通知", en="Send notification")
def deliver(ctx: JobContext) -> dict[str, Any]:
    log = ctx.session.get(NotifyLog, int(ctx.params["logId"]))
    if log is None:
        return {"message": "消息记录不存在，已跳过"}
    service.deliver(ctx.session, log)
    if log.status == SendStatus.FAILED:
        # keep the failure in the log before the run itself is marked failed (which rolls back)
        ctx.session.commit()
        raise AppError(f"发送失败：{log.error}", code="SEND_FAILED")
    return {"message": "发送成功", "logId": log.id}
