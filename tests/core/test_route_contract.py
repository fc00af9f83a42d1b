"""Every route declares its permission (or is deliberately public), every permission exists in the
menu tree, and every write is named for the operation log."""

from __future__ import annotations


from radix.core.audit import route_audit
from radix.core.routes import api_routes
from radix.core.security import route_permissions

#: writes that log themselves elsewhere: the login (login log) and page-visit records (access log)
SELF_LOGGED_WRITES = {("POST", "/api/v1/auth/login"), ("POST", "/api/v1/auth/access")}


def _api_routes(app):
    return list(api_routes(app))


def test_every_non_public_route_requires_a_permission(app):
    missing = []
    for route in _api_routes(app):
        is_public, has_require, _ = route_permissions(route)
        if not is_public and not has_require:
            missing.append(f"{sorted(route.methods)} {route.path}")
    assert not missing, "routes without require(): " + ", ".join(missing)


def test_public_routes_are_only_the_expected_ones(app):
    public = sorted(
        f"{'/'.join(sorted(r.methods))} {r.path}" for r in _api_routes(app) if route_permissions(r)[0]
    )
    assert public == [
        "GET /api/health",
        "GET /api/v1/public/logo/{tenant_id}/{name}",
        "GET /api/v1/public/shares/{token}",
        "GET /api/v1/public/site",
        "POST /api/v1/auth/login",
    ]


def test_every_required_permission_exists_in_the_menu_tree(app):
    from radix.platform.menu.seed import all_permissions

    known = all_permissions()
    unknown = set()
    for route in _api_routes(app):
        for perm in route_permissions(route)[2]:
            if perm not in known:
                unknown.add(f"{perm} ({route.path})")
    assert not unknown, f"permissions nobody can be granted: {sorted(unknown)}"


def test_permission_strings_have_three_parts():
    from radix.platform.menu.seed import all_permissions

    for perm in all_permissions():
        assert len(perm.split(":")) == 3, perm


def test_every_write_route_declares_its_audit_action(app):
    missing = []
    for route in _api_routes(app):
        for method in route.methods & {"POST", "PUT", "PATCH", "DELETE"}:
            if (method, route.path) in SELF_LOGGED_WRITES:
                continue
            if route_audit(route) is None:
                missing.append(f"{method} {route.path}")
    assert not missing, "write routes without audit(): " + ", ".join(missing)


def test_openapi_and_docs_are_served(client):
    spec = client.get("/api/openapi.json")
    assert spec.status_code == 200 and spec.json()["info"]["title"] == "Radix"
    assert "/api/v1/platform/accounts" in spec.json()["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
