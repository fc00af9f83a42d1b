from fastapi import APIRouter


def api_routers() -> list[APIRouter]:
    from radix.platform.log.resource import access_logs, login_logs, operation_logs

    return [login_logs.router(), operation_logs.router(), access_logs.router()]
