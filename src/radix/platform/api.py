"""Everything the platform domain plugs into the app."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from radix.core import audit, security
from radix.core.jobs import engine as job_engine


def routers() -> list[APIRouter]:
    from radix.platform.account import resource as account_resource
    from radix.platform.account import router as account_router
    from radix.platform.auth import router as auth_router
    from radix.platform.institution import resource as institution_resource
    from radix.platform.institution import router as institution_router
    from radix.platform.menu import resource as menu_resource
    from radix.platform.menu import router as menu_router
    from radix.platform.role import resource as role_resource
    from radix.platform.role import router as role_router
    from radix.platform.tenant import resource as tenant_resource
    from radix.platform.tenant import router as tenant_router

    out = [
        auth_router.router,
        auth_router.public_router,
        tenant_router.router,
        tenant_resource.resource.router(),
        role_router.router,
        role_resource.resource.router(),
        account_router.router,
        account_resource.resource.router(),
        menu_router.router,
        menu_router.nav_router,
        menu_resource.menu_resource.router(),
        menu_resource.workstation_resource.router(),
        institution_router.router,
        institution_resource.resource.router(),
    ]
    out.extend(_optional_routers())
    return out


def _optional_routers() -> list[APIRouter]:
    """Routers of platform sub-domains that register themselves through ``api_routers()``."""
    import importlib

    found: list[APIRouter] = []
    for name in ("department", "settings", "security", "log", "notify", "dictionary", "schedule", "job", "home", "balance"):
        try:
            module = importlib.import_module(f"radix.platform.{name}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"radix.platform.{name}.api":
                raise
            continue
        found.extend(module.api_routers())
    return found


def install(app: FastAPI, prefix: str = "/api/v1") -> None:
    from radix.platform.auth import service as auth_service
    from radix.platform.log import service as log_service
    from radix.platform.tenant import service as tenant_service

    security.register_authenticator(auth_service.authenticate)
    audit.register_sink(log_service.write_operation)
    job_engine.register_tenant_resolver(tenant_service.resolver)
    for r in routers():
        app.include_router(r, prefix=prefix)
