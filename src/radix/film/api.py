"""Everything film printing plugs into the app."""

from __future__ import annotations

from fastapi import FastAPI


def install(app: FastAPI, prefix: str = "/api/v1") -> None:
    from radix.film import router

    app.include_router(router.router, prefix=prefix)
