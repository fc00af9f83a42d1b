"""What 短信管理 and 邮件管理 plug into the app (discovered by ``radix.platform.api``)."""

from __future__ import annotations

from fastapi import APIRouter


def api_routers() -> list[APIRouter]:
    from radix.platform.notify import resource, router

    return [
        router.sms_router,
        resource.sms_setting.router(),
        resource.sms_template.router(),
        resource.sms_log.router(),
        router.email_router,
        resource.email_setting.router(),
        resource.email_template.router(),
        resource.email_log.router(),
    ]
