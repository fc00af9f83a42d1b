from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session

from radix.core import audit
from radix.core.jobs.schemas import JobRunRead
from radix.core.security import get_session, require
from radix.platform.schedule import service
from radix.platform.schedule.models import ScheduleJob
from radix.platform.schedule.resource import resource

router = APIRouter(prefix="/platform/schedules", tags=["调度"])


@router.post("/{id}/run", status_code=202, response_model=JobRunRead, summary="立即执行调度",
             dependencies=[require("platform:schedule:run"), audit.audit("RUN", "立即执行调度")])
def run_now(schedule: ScheduleJob = resource.load, session: Session = get_session) -> Any:
    run = service.run_now(session, schedule)
    return JobRunRead.model_validate(run)
