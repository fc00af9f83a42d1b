from __future__ import annotations

from typing import Any

from radix.core.db import utcnow
from radix.core.jobs import engine
from radix.core.listing import Filter
from radix.core.resource import Action, CrudService, Ctx, Resource, Unique
from radix.platform.schedule import service
from radix.platform.schedule.models import ScheduleJob
from radix.platform.schedule.schemas import ScheduleCreate, ScheduleRead, ScheduleUpdate


class ScheduleService(CrudService):
    def create(self, ctx: Ctx, data: Any) -> Any:
        values = data.model_dump()
        service.check_job_type(values["job_type"])
        values["params"] = service.check_params(values["job_type"], values["params"])
        values["next_run_at"] = service.next_run(values["cron"], values["enabled"])
        self.check_unique(ctx, values, None)
        obj = ScheduleJob(**values)
        ctx.session.add(obj)
        ctx.session.flush()
        return obj

    def update(self, ctx: Ctx, obj: Any, data: Any) -> Any:
        values = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None or k == "remark"}
        if "job_type" in values:
            service.check_job_type(values["job_type"])
        if "job_type" in values or "params" in values:
            job_type = values.get("job_type", obj.job_type)
            values["params"] = service.check_params(job_type, values.get("params", obj.params))
        if "cron" in values or "enabled" in values:
            cron = values.get("cron", obj.cron)
            enabled = values.get("enabled", obj.enabled)
            changed = cron != obj.cron or enabled != obj.enabled
            if changed or (enabled and obj.next_run_at is None):
                values["next_run_at"] = service.next_run(cron, enabled, now=utcnow())
        self.check_unique(ctx, values, obj)
        for key, value in values.items():
            setattr(obj, key, value)
        ctx.session.flush()
        return obj

    def extras(self, ctx: Ctx, objs: list[Any]) -> dict[int, dict[str, Any]]:
        types = engine.job_types()
        live = service.live_statuses(ctx.session, [o.last_run_id for o in objs])
        out = {}
        for o in objs:
            jt = types.get(o.job_type)
            out[o.id] = {"job_type_name": jt.zh if jt else f"{o.job_type}（不可用）",
                         "last_status": live.get(o.last_run_id, o.last_status)}
        return out


resource = Resource(
    name="schedule",
    path="/platform/schedules",
    model=ScheduleJob,
    read=ScheduleRead,
    create=ScheduleCreate,
    update=ScheduleUpdate,
    perm="platform:schedule",
    zh="调度",
    en="Schedule",
    filters=[
        Filter("name", op="contains", zh="调度名称", en="Name"),
        Filter("jobType", op="eq", zh="调度类型", en="Job type", widget="job-type-select"),
        Filter("enabled", op="eq", type=bool, zh="状态", en="Status",
               options=[{"value": "true", "label": "启用", "labelEn": "Enabled"},
                        {"value": "false", "label": "停用", "labelEn": "Disabled"}]),
    ],
    sortable=["createdAt", "name", "nextRunAt", "lastRunAt"],
    unique=[Unique(("name",), "调度名称已存在")],
    service=ScheduleService(),
    actions=[
        Action("run", "立即执行", "Run now", "platform:schedule:run", "/{id}/run",
               confirm="确认立即执行该调度吗？执行进度可在任务记录中查看"),
    ],
)
