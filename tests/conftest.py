"""Shared fixtures: one database per xdist worker (SQLite by default, PostgreSQL when
RADIX_TEST_DATABASE_URL points at a server), migrated and seeded with the demo once; tests create
what they change with unique names so that they never depend on each other."""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

DEMO_PASSWORD = "Radix2026"


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "gw0")


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("radix-data")


def _database(sqlite_path: Path, prefix: str) -> Iterator[str]:
    """A fresh database: a SQLite file, or a new database on RADIX_TEST_DATABASE_URL's server."""
    base = os.environ.get("RADIX_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{sqlite_path}"
        return
    name = f"{prefix}_{_worker()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(scope="session")
def database_url(data_dir: Path) -> Iterator[str]:
    yield from _database(data_dir / "radix.db", "radix_test")
    from radix.core.db import db

    db.dispose()


@pytest.fixture()
def scratch_database_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of this run's engine, apart from the shared test database."""
    yield from _database(tmp_path / "scratch.db", "radix_scratch")


@pytest.fixture(scope="session", autouse=True)
def configured(data_dir: Path, database_url: str) -> Iterator[None]:
    os.environ["RADIX_DATA_DIR"] = str(data_dir)
    os.environ["RADIX_DATABASE_URL"] = database_url
    os.environ["RADIX_JOBS_IMMEDIATE"] = "1"
    from radix.config import reset_settings
    from radix.core.db import db
    from radix.core.jobs import engine
    from radix.core.storage import reset_blobs

    reset_settings()
    reset_blobs()
    engine.reset_huey()
    db.configure(database_url)
    from radix.core import migrate
    from radix.platform import demo

    migrate.upgrade(database_url)
    demo.run()
    yield
    db.dispose()


@pytest.fixture(scope="session")
def app(configured: None) -> Any:
    from radix.app import create_app

    return create_app()


class Api:
    """A test client bound to one login (Bearer token)."""

    def __init__(self, client: Any, token: str | None = None, me: dict[str, Any] | None = None) -> None:
        self.client = client
        self.token = token
        self.me = me or {}

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        out = dict(headers or {})
        if self.token:
            out.setdefault("Authorization", f"Bearer {self.token}")
        return out

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def post(self, url: str, **kw: Any) -> Any:
        return self.client.post(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def patch(self, url: str, **kw: Any) -> Any:
        return self.client.patch(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def put(self, url: str, **kw: Any) -> Any:
        return self.client.put(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def delete(self, url: str, **kw: Any) -> Any:
        return self.client.delete(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def request(self, method: str, url: str, **kw: Any) -> Any:
        return self.client.request(method, url, headers=self._headers(kw.pop("headers", None)), **kw)

    def ok(self, method: str, url: str, status: int | tuple[int, ...] = (200, 201, 202, 204), **kw: Any) -> Any:
        r = self.request(method, url, **kw)
        expected = status if isinstance(status, tuple) else (status,)
        assert r.status_code in expected, f"{method} {url} -> {r.status_code}: {r.text}"
        return r.json() if r.content and r.headers.get("content-type", "").startswith("application/json") else r


@pytest.fixture()
def client(app: Any) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def login(client: Any, tenant: str, username: str, password: str = DEMO_PASSWORD) -> Api:
    r = client.post(
        "/api/v1/auth/login",
        json={"tenant": tenant, "username": username, "password": password, "agreeTerms": True},
    )
    assert r.status_code == 200, r.text
    client.cookies.clear()
    body = r.json()
    return Api(client, body["token"], body["me"])


@pytest.fixture()
def login_as(app: Any) -> Iterator[Any]:
    """``login_as(tenant, username, password)`` → an :class:`Api` with its own HTTP client."""
    from fastapi.testclient import TestClient

    clients: list[Any] = []

    def _login(tenant: str, username: str, password: str = DEMO_PASSWORD) -> Api:
        c = TestClient(app, raise_server_exceptions=False)
        clients.append(c)
        return login(c, tenant, username, password)

    yield _login
    for c in clients:
        c.close()


@pytest.fixture()
def sysadmin(login_as: Any) -> Api:
    return login_as("platform", "sysadmin")


@pytest.fixture()
def regional_admin(login_as: Any) -> Api:
    return login_as("demo", "admin")


_seq = itertools.count(1)


def unique(prefix: str = "t") -> str:
    return f"{prefix}{_worker()}{next(_seq)}{uuid.uuid4().hex[:4]}"


def make_tenant(app: Any, prefix: str = "t", label: str = "测试医院") -> tuple[dict[str, Any], Api, list[Any]]:
    """A normal tenant created by the platform admin through the API, and its admin's :class:`Api`;
    also the HTTP clients made for it (the caller closes them). For module-scoped fixtures."""
    from fastapi.testclient import TestClient

    admin_client = TestClient(app, raise_server_exceptions=False)
    client = TestClient(app, raise_server_exceptions=False)
    sysadmin = login(admin_client, "platform", "sysadmin")
    code = unique(prefix)
    tenant = sysadmin.ok("POST", "/api/v1/platform/tenants", status=201, json={
        "name": f"{label}{code[-8:]}", "shortName": f"{label[:2]}{code[-6:]}", "kind": "normal", "code": code,
        "adminUsername": "admin", "password": "Admin123", "confirmPassword": "Admin123"})
    return tenant, login(client, code, "admin", "Admin123"), [admin_client, client]


@pytest.fixture()
def new_tenant(sysadmin: Api, login_as: Any) -> Any:
    """Create a tenant through the API; returns (tenant row, its admin's Api)."""

    def _make(kind: str = "normal", parent_id: int | None = None, by: Api | None = None, open_apps: bool = True) -> tuple[dict[str, Any], Api]:
        actor = by or sysadmin
        code = unique("t")
        body = {
            "name": f"测试医院{code[-8:]}",
            "shortName": f"测试{code[-6:]}",
            "kind": kind,
            "code": code,
            "adminUsername": "admin",
            "password": "Admin123",
            "confirmPassword": "Admin123",
        }
        if parent_id:
            body["parentId"] = parent_id
        tenant = actor.ok("POST", "/api/v1/platform/tenants", json=body, status=201)
        return tenant, login_as(code, "admin", "Admin123")

    return _make


def system_session() -> Any:
    """A unit of work that sees every tenant (for arranging and checking rows directly)."""
    import contextlib

    from radix.core.db import session_scope
    from radix.core.tenancy import SYSTEM, set_scope

    @contextlib.contextmanager
    def _cm() -> Iterator[Any]:
        with session_scope() as s:
            set_scope(s, SYSTEM)
            yield s

    return _cm()
