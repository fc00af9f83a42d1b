from fastapi import APIRouter


def api_routers() -> list[APIRouter]:
    from radix.platform.job import router, service
    from radix.platform.job.resource import list_router, resource

    # every jobs.py has registered its types by the time the app is assembled
    for f in resource.filters:
        if f.name == "type":
            f.options = service.type_options()
    # the static /jobs/export must come before /jobs/{id}
    return [list_router(), router.router]
