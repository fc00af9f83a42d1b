"""Plugs the viewer's routes into the app."""

from __future__ import annotations

from fastapi import FastAPI


def install(app: FastAPI, prefix: str = "/api/v1") -> None:
    from radix.viewer.router import router

    app.include_router(router, prefix=prefix)
