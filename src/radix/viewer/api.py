"""Plugs the viewer's routes into the app."""

from __future__ import annotations

from fastapi import FastAPI


def install(app: FastAPI, prefix: str = "/api/v1") -> None:
    from radix.viewer.router import router
    from radix.viewer.series_router import router as series_router

    app.include_router(router, prefix=prefix)
    app.include_router(series_router, prefix=prefix)
