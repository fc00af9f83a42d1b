from fastapi import APIRouter


def api_routers() -> list[APIRouter]:
    from radix.platform.job import service as job_service
    from radix.platform.schedule import router
    from radix.platform.schedule.resource import resource

    # every jobs.py has registered its types by the time the app is assembled
    for f in resource.filters:
        if f.name == "jobType":
            f.options = job_service.type_options(schedulable=True)
    return [router.router, resource.router()]
