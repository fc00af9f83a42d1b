"""Enumerate the app's effective API routes (full path, methods, dependency tree).

FastAPI ≥ 0.16x keeps included routers lazily (``_IncludedRouter``); ``iter_route_contexts``
flattens them. Older versions list ``APIRoute`` objects directly."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def api_routes(app: Any) -> Iterator[Any]:
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: routes are already flat
        candidates: Any = app.routes
    else:
        candidates = iter_route_contexts(app.routes)
    for route in candidates:
        path = getattr(route, "path", None)
        if path and path.startswith("/api") and getattr(route, "dependant", None) is not None:
            yield route
