"""The web process: ``radix.app:create_app``."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.staticfiles import StaticFiles

from radix import __version__
from radix.core import gctune
from radix.core.audit import AuditMiddleware
from radix.core.errors import install_error_handlers

#: the built console; RADIX_WEB_DIST serves another build (a benchmark's snapshot, a parallel build)
WEB_DIST = Path(os.environ.get("RADIX_WEB_DIST") or Path(__file__).parent / "web_dist")

#: domain packages that plug routers into the app (each has ``api.install(app)``)
DOMAINS = ["radix.platform.api", "radix.imaging.api", "radix.viewer.api", "radix.film.api"]


def create_app() -> FastAPI:
    import importlib

    import radix.registry
    from radix.core import meta
    from radix.core.security import public

    radix.registry.load_all()

    app = FastAPI(
        title="Radix",
        version=__version__,
        description="Radix 影像平台 API（影像数据治理、RIS、云影像、AI、运营分析）",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        lifespan=_lifespan,
    )
    install_error_handlers(app)
    app.add_middleware(AuditMiddleware)

    @app.get("/api/health", tags=["系统"], dependencies=[public()], summary="健康检查")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    app.include_router(meta.router, prefix="/api/v1")
    for module in DOMAINS:
        importlib.import_module(module).install(app)
    _mount_spa(app)
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    gctune.settle()  # the app is built and its routes compiled: what exists now lives as long as the process
    yield


class ImmutableAssets(StaticFiles):
    """The build's assets: their names carry their content's hash, so a browser keeps them for a year and
    never asks again (a new build has new names)."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        if response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def _mount_spa(app: FastAPI) -> None:
    """Serve the built console at ``/`` with an SPA fallback (every unknown non-API path → index.html)."""
    index = WEB_DIST / "index.html"
    if not index.exists():

        @app.get("/", include_in_schema=False)
        def no_ui() -> JSONResponse:
            return JSONResponse({"name": "Radix", "api": "/api/docs", "ui": "未构建（在 web/ 中运行 npm run build）"})

        return
    assets = WEB_DIST / "assets"
    if assets.exists():
        app.mount("/assets", ImmutableAssets(directory=assets), name="assets")

    @app.get("/{full_path:path}", include_in_schema=False)
    def spa(full_path: str) -> FileResponse:
        if full_path.startswith(("api/", "dicom-web/", "wado")):
            return JSONResponse({"code": "NOT_FOUND", "message": "请求的资源不存在"}, status_code=404)  # type: ignore[return-value]
        candidate = (WEB_DIST / full_path).resolve()
        if full_path and candidate.is_file() and WEB_DIST.resolve() in candidate.parents:
            return FileResponse(candidate)
        # the page names this build's assets: always asked again (a new build is seen at once)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
