"""A tenant per test module with its archive filled once (ingest is the slow part)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from radix.imaging import store
from tests.conftest import Api, login, unique


@dataclass
class Archive:
    tenant: dict[str, Any]
    api: Api
    files: dict[str, Any] = field(default_factory=dict)

    def ingest(self, raw: bytes) -> store.IngestResult:
        result = store.ingest(raw, store.Arrival(tenant_id=self.tenant["id"], source="test"))
        assert result.ok, result.message
        return result


def make_tenant(app: Any) -> tuple[dict[str, Any], Api, list[TestClient]]:
    admin_client = TestClient(app, raise_server_exceptions=False)
    sysadmin = login(admin_client, "platform", "sysadmin")
    code = unique("dw")
    tenant = sysadmin.ok("POST", "/api/v1/platform/tenants", status=201, json={
        "name": f"影像测试{code[-8:]}", "shortName": f"影像{code[-6:]}", "kind": "normal", "code": code,
        "adminUsername": "admin", "password": "Admin123", "confirmPassword": "Admin123"})
    client = TestClient(app, raise_server_exceptions=False)
    return tenant, login(client, code, "admin", "Admin123"), [admin_client, client]


@pytest.fixture(scope="module")
def tenant_factory(app: Any):
    clients: list[TestClient] = []

    def _make() -> Archive:
        tenant, api, made = make_tenant(app)
        clients.extend(made)
        return Archive(tenant, api)

    yield _make
    for c in clients:
        c.close()


@pytest.fixture(scope="module")
def anonymous(app: Any):
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
