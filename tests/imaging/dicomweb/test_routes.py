"""The route contract for /dicom-web and /wado (the core contract test walks /api only): every route
checks a permission that exists in the menu tree, and every write names its audit action."""

from __future__ import annotations

from radix.core.audit import route_audit
from radix.core.security import route_permissions


def _routes(app):
    from fastapi.routing import iter_route_contexts

    for route in iter_route_contexts(app.routes):
        path = getattr(route, "path", "")
        if path.startswith(("/dicom-web", "/wado")) and getattr(route, "dependant", None) is not None:
            yield route


def test_every_dicomweb_route_requires_a_known_permission(app):
    from radix.platform.menu.seed import all_permissions

    known = all_permissions()
    routes = list(_routes(app))
    assert len(routes) >= 23
    for route in routes:
        is_public, has_require, perms = route_permissions(route)
        assert has_require and not is_public, route.path
        assert perms and set(perms) <= known, (route.path, perms)
        for method in route.methods & {"POST", "PUT", "PATCH", "DELETE"}:
            assert route_audit(route) == "UPLOAD", f"{method} {route.path}"


def test_dicomweb_is_documented(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/dicom-web/studies" in paths and "/wado" in paths
    assert "/dicom-web/studies/{study}/series/{series}/instances/{instance}/frames/{frames}" in paths


def test_every_read_is_served_in_one_thread_turn(app):
    """A read's session, access check, lookups and answer run in one worker-thread turn (``read_route``):
    the endpoint is a coroutine and nothing in its dependency tree is synchronous (each sync dependency
    is a hand-off of its own between the event loop and the thread pool)."""
    import asyncio

    def calls(dependant):
        for dep in dependant.dependencies:
            yield dep.call
            yield from calls(dep)

    reads = [r for r in _routes(app) if "GET" in r.methods]
    assert len(reads) >= 20
    for route in reads:
        assert asyncio.iscoroutinefunction(route.endpoint), route.path
        sync = [getattr(c, "__name__", c) for c in calls(route.dependant) if not asyncio.iscoroutinefunction(c)]
        assert not sync, (route.path, sync)


def test_read_routes_document_their_path_parameters(client):
    spec = client.get("/api/openapi.json").json()["paths"]
    frames = spec["/dicom-web/studies/{study}/series/{series}/instances/{instance}/frames/{frames}"]["get"]
    names = {p["name"] for p in frames["parameters"] if p["in"] == "path"}
    assert names == {"study", "series", "instance", "frames"}
    assert frames["summary"] == "WADO-RS 获取帧"
