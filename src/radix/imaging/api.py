"""Everything the archive plugs into the app (the DICOMweb and DIMSE parts add theirs here)."""

from __future__ import annotations

import importlib

from fastapi import APIRouter, FastAPI


def routers() -> list[APIRouter]:
    from radix.imaging import resource

    out = [r.router() for r in (resource.studies, resource.instances, resource.patients, resource.events, resource.nodes)]
    for name in ("router", "node_router", "upload.router", "share.router", "stats_router"):
        try:
            module = importlib.import_module(f"radix.imaging.{name}")
        except ModuleNotFoundError as exc:
            if not f"radix.imaging.{name}".startswith(exc.name or "\0"):
                raise
            continue
        out.append(module.router)
    return out


def install(app: FastAPI, prefix: str = "/api/v1") -> None:
    for r in routers():
        app.include_router(r, prefix=prefix)
    try:
        dicomweb = importlib.import_module("radix.imaging.dicomweb.router")
    except ModuleNotFoundError as exc:
        if not "radix.imaging.dicomweb.router".startswith(exc.name or "\0"):
            raise
    else:
        dicomweb.install(app)
