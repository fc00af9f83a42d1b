"""The API's DIMSE: C-ECHO a node (连通测试) and send a study to a node as a job with progress."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from radix.core.schemas import Status
from radix.imaging import store
from tests.conftest import unique
from tests.imaging.dimse.conftest import add_node, ct, dataset_bytes, part10, set_node, storage_peer


@pytest.fixture(scope="module")
def hospital(tenant_factory: Any) -> tuple[dict[str, Any], Any]:
    return tenant_factory()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def test_echo_a_node_records_the_outcome(hospital):
    tenant, api = hospital
    with storage_peer(unique("E").upper()[:16]) as peer:
        node = add_node(tenant["id"], ae_title=peer.ae_title, port=peer.port)
        body = api.ok("POST", f"/api/v1/imaging/nodes/{node.id}/echo")
    assert body["ok"] is True and body["ms"] >= 0 and "连通正常" in body["message"]
    detail = api.ok("GET", f"/api/v1/imaging/nodes/{node.id}")
    assert detail["lastEchoOk"] is True and detail["lastEchoAt"]

    dead = add_node(tenant["id"], port=closed_port())
    body = api.ok("POST", f"/api/v1/imaging/nodes/{dead.id}/echo")
    assert body["ok"] is False and "端口未开放" in body["message"]
    assert api.ok("GET", f"/api/v1/imaging/nodes/{dead.id}")["lastEchoOk"] is False


def test_echo_is_tenant_scoped(hospital, tenant_factory):
    other, _ = tenant_factory()
    node = add_node(other["id"])
    _, api = hospital
    r = api.post(f"/api/v1/imaging/nodes/{node.id}/echo")
    assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND"


def _study(tenant_id: int, count: int = 3) -> tuple[int, list[Any]]:
    from tests.conftest import system_session

    first = ct(PatientID="SEND1")
    datasets = [first] + [ct(PatientID="SEND1", StudyInstanceUID=first.StudyInstanceUID,
                             SeriesInstanceUID=first.SeriesInstanceUID, InstanceNumber=i + 2) for i in range(count - 1)]
    for ds in datasets:
        assert store.ingest(part10(ds), store.Arrival(tenant_id=tenant_id, source="test")).ok
    import sqlalchemy as sa

    from radix.imaging.models import Study

    with system_session() as s:
        study_id = s.scalar(sa.select(Study.id).where(Study.study_uid == first.StudyInstanceUID))
    return study_id, datasets


def test_send_a_study_to_a_node(hospital):
    tenant, api = hospital
    study_id, datasets = _study(tenant["id"])
    with storage_peer(unique("S").upper()[:16]) as peer:
        node = add_node(tenant["id"], ae_title=peer.ae_title, port=peer.port)
        run = api.ok("POST", f"/api/v1/imaging/studies/{study_id}/send", json={"nodeId": node.id}, status=202)
        assert run["type"] == "imaging.send_study"
        done = api.ok("GET", f"/api/v1/jobs/{run['id']}")
        assert done["status"] == "succeeded", done
        assert done["progress"] == 100 and done["result"]["sent"] == 3 and done["result"]["failed"] == 0
        assert set(peer.received) == {ds.SOPInstanceUID for ds in datasets}
        for ds in datasets:
            assert dataset_bytes(peer.received[ds.SOPInstanceUID]) == dataset_bytes(part10(ds))
    events = api.ok("GET", "/api/v1/imaging/events", params={"studyUid": datasets[0].StudyInstanceUID,
                                                               "kind": "forwarded"})
    assert events["total"] == 3 and {e["node"] for e in events["items"]} == {f"{peer.ae_title}@127.0.0.1"}


def test_send_refuses_bad_targets(hospital, tenant_factory):
    tenant, api = hospital
    study_id, _ = _study(tenant["id"], 1)
    r = api.post(f"/api/v1/imaging/studies/{study_id}/send", json={"nodeId": 2**40})
    assert r.status_code == 422 and r.json()["code"] == "NODE_NOT_FOUND"
    r = api.post(f"/api/v1/imaging/studies/{study_id}/send", json={"nodeId": "东"})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "nodeId"
    r = api.post(f"/api/v1/imaging/studies/{study_id}/send", json={})
    assert r.status_code == 422
    other, _ = tenant_factory()
    foreign = add_node(other["id"])
    r = api.post(f"/api/v1/imaging/studies/{study_id}/send", json={"nodeId": foreign.id})
    assert r.status_code == 422 and r.json()["code"] == "NODE_NOT_FOUND"  # another tenant's node is not there
    disabled = add_node(tenant["id"])
    set_node(disabled.id, status=Status.DISABLED)
    r = api.post(f"/api/v1/imaging/studies/{study_id}/send", json={"nodeId": disabled.id})
    assert r.status_code == 409 and r.json()["code"] == "NODE_DISABLED"
    r = api.post(f"/api/v1/imaging/studies/{2**40}/send", json={"nodeId": disabled.id})
    assert r.status_code == 404


def test_send_to_an_unreachable_node_fails_the_run_with_a_reason(hospital):
    tenant, api = hospital
    study_id, _ = _study(tenant["id"], 1)
    node = add_node(tenant["id"], port=closed_port())
    run = api.ok("POST", f"/api/v1/imaging/studies/{study_id}/send", json={"nodeId": node.id}, status=202)
    done = api.ok("GET", f"/api/v1/jobs/{run['id']}")
    assert done["status"] == "failed" and "端口未开放" in done["message"]
