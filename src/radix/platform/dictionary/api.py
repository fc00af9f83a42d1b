from fastapi import APIRouter


def api_routers() -> list[APIRouter]:
    from radix.platform.dictionary import router
    from radix.platform.dictionary.resource import RESOURCES

    # the static /sync routes before the resources' /{id} routes
    return [*router.routers(), *(res.router() for res in RESOURCES)]
