from fastapi import APIRouter


def api_routers() -> list[APIRouter]:
    from radix.platform.department.resource import resource

    return [resource.router()]
