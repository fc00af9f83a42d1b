"""A tenant per test module with its archive filled once (ingest is the slow part)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from radix.imaging import store
from tests.conftest import Api, make_tenant


@dataclass
class Archive:
    tenant: dict[str, Any]
    api: Api
    files: dict[str, Any] = field(default_factory=dict)

    def ingest(self, raw: bytes) -> store.IngestResult:
        result = store.ingest(raw, store.Arrival(tenant_id=self.tenant["id"], source="test"))
        assert result.ok, result.message
        return result


@pytest.fixture(scope="module")
def tenant_factory(app: Any):
    clients: list[TestClient] = []

    def _make() -> Archive:
        tenant, api, made = make_tenant(app, "dw", "影像测试")
        clients.extend(made)
        return Archive(tenant, api)

    yield _make
    for c in clients:
        c.close()


@pytest.fixture(scope="module")
def anonymous(app: Any):
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
