"""Share links: validity, expiry, revoke, visitor limit, tenant isolation, the public page and its
access-log row, and ``resolve_token`` as DICOMweb uses it."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
import sqlalchemy as sa

from radix.core.db import utcnow
from radix.core.errors import Forbidden, NotFound
from radix.imaging import store, synth
from radix.imaging.share import service
from radix.imaging.share.models import Share
from radix.platform.log.models import AccessLog
from tests.conftest import system_session

URL = "/api/v1/imaging/shares"


def _study(tenant, api, key="share"):
    for raw in synth.sample(tenant["code"], key, slices=2):
        assert store.ingest(raw, store.Arrival(tenant_id=tenant["id"], source="test")).ok
    return api.ok("GET", "/api/v1/imaging/studies?pageSize=1")["items"][0]


def _share(api, study, **body):
    return api.ok("POST", URL, status=201, json={"studyId": study["id"], **body})


def _open(client, created):
    client.cookies.clear()
    return client.get(f"/api/v1/public/shares/{created['token']}")


@pytest.fixture()
def shared(new_tenant, client):
    tenant, api = new_tenant()
    return tenant, api, _study(tenant, api), client


def test_validity_sets_the_expiry_and_the_link_comes_with_a_qr_code(shared):
    _, api, study, _ = shared
    before = utcnow()
    for validity, minutes in (("30m", 30), ("60m", 60)):
        created = _share(api, study, validity=validity)
        expires = dt.datetime.fromisoformat(created["expiresAt"])
        assert before + dt.timedelta(minutes=minutes) <= expires <= utcnow() + dt.timedelta(minutes=minutes)
        assert created["url"] == f"/share/{created['token']}" and created["absoluteUrl"].endswith(created["url"])
        assert created["studyUid"] == study["studyUid"]
        assert created["qr"].startswith("data:image/png;base64,")
        assert base64.b64decode(created["qr"].split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    permanent = _share(api, study, validity="permanent")
    assert permanent["expiresAt"] is None
    with system_session() as s:  # only the hash of the token is kept
        row = s.get(Share, permanent["id"])
        assert row.token_hash != permanent["token"] and permanent["token"] not in row.token_hash
    listed = api.ok("GET", f"{URL}?status=active")
    assert {permanent["id"]} <= {i["id"] for i in listed["items"]}
    item = api.ok("GET", f"{URL}/{permanent['id']}")
    assert item["status"] == "active" and item["validity"] == "permanent" and item["visits"] == 0
    assert item["patientName"] == "Zhang^San=张^三" and item["studyId"] == study["id"]


def test_the_public_page_opens_without_login_and_is_logged(shared):
    tenant, api, study, client = shared
    created = _share(api, study, validity="60m")
    r = _open(client, created)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["study"]["patientName"] == "张*" and body["study"]["modalities"] == ["MR"]
    assert body["study"]["studyUid"] == study["studyUid"] and body["study"]["numInstances"] == 2
    assert body["visits"] == 1 and "patientId" not in body["study"]
    with system_session() as s:
        logs = list(s.scalars(sa.select(AccessLog).where(AccessLog.target_type == "share",
                                                          AccessLog.target_id == str(created["id"]))))
        assert len(logs) == 1 and logs[0].tenant_id == tenant["id"] and logs[0].account_id is None
    assert api.ok("GET", f"{URL}/{created['id']}")["visits"] == 1


def test_an_expired_link_no_longer_opens(shared):
    _, api, study, client = shared
    created = _share(api, study, validity="30m")
    with system_session() as s:
        s.get(Share, created["id"]).expires_at = utcnow() - dt.timedelta(seconds=1)
    r = _open(client, created)
    assert r.status_code == 403 and r.json()["code"] == "SHARE_EXPIRED" and "过期" in r.json()["message"]
    assert api.ok("GET", f"{URL}/{created['id']}")["status"] == "expired"
    assert created["id"] in {i["id"] for i in api.ok("GET", f"{URL}?status=expired")["items"]}
    with system_session() as s, pytest.raises(Forbidden):
        service.resolve_token(s, created["token"])


def test_a_revoked_link_no_longer_opens(shared):
    _, api, study, client = shared
    created = _share(api, study, validity="permanent")
    assert _open(client, created).status_code == 200
    revoked = api.ok("POST", f"{URL}/{created['id']}/revoke")
    assert revoked["status"] == "revoked" and revoked["revokedAt"] and revoked["revokedBy"] == "admin"
    r = _open(client, created)
    assert r.status_code == 403 and r.json()["code"] == "SHARE_REVOKED"
    # deleting is revoking: the record stays in 分享记录
    other = _share(api, study, validity="permanent")
    assert api.delete(f"{URL}/{other['id']}").status_code == 204
    assert api.ok("GET", f"{URL}/{other['id']}")["status"] == "revoked"
    assert _open(client, other).status_code == 403


def test_the_visitor_limit(shared):
    _, api, study, client = shared
    created = _share(api, study, validity="permanent", maxVisitors=2)
    assert _open(client, created).status_code == 200
    assert _open(client, created).status_code == 200
    r = _open(client, created)
    assert r.status_code == 403 and r.json()["code"] == "SHARE_VISITOR_LIMIT"
    assert api.ok("GET", f"{URL}/{created['id']}")["status"] == "exhausted"
    with system_session() as s:
        # the last admitted visitor's viewer still loads images for a while …
        assert service.resolve_token(s, created["token"]).study_uid == study["studyUid"]
        s.get(Share, created["id"]).last_visit_at = utcnow() - service.VIEW_GRACE - dt.timedelta(minutes=1)
    with system_session() as s, pytest.raises(Forbidden):  # … and not after that
        service.resolve_token(s, created["token"])


def test_resolve_token_gives_the_tenant_and_study(shared):
    tenant, api, study, _ = shared
    created = _share(api, study, validity="60m")
    with system_session() as s:
        share = service.resolve_token(s, created["token"])
        assert (share.tenant_id, share.study_uid) == (tenant["id"], study["studyUid"])
        with pytest.raises(NotFound):
            service.resolve_token(s, "x" * 32)
        with pytest.raises(NotFound):
            service.resolve_token(s, "")


def test_unknown_and_malformed_tokens(client):
    r = client.get("/api/v1/public/shares/" + "a" * 32)
    assert r.status_code == 404 and r.json()["code"] == "SHARE_NOT_FOUND"
    assert client.get("/api/v1/public/shares/short").status_code == 422
    assert client.get("/api/v1/public/shares/" + "%24" * 20).status_code == 422


def test_other_tenants_neither_see_nor_share_nor_revoke(shared, new_tenant):
    _, api, study, _ = shared
    created = _share(api, study, validity="permanent")
    _, other = new_tenant()
    assert other.get(f"{URL}/{created['id']}").status_code == 404
    assert other.post(f"{URL}/{created['id']}/revoke").status_code == 404
    assert other.delete(f"{URL}/{created['id']}").status_code == 404
    r = other.post(URL, json={"studyId": study["id"], "validity": "30m"})
    assert r.status_code == 404 and r.json()["code"] == "STUDY_NOT_FOUND"
    assert created["id"] not in {i["id"] for i in other.ok("GET", URL)["items"]}
    assert api.ok("GET", f"{URL}/{created['id']}")["status"] == "active"


def test_bad_input_is_refused(shared):
    _, api, study, _ = shared
    for body in ({"studyId": study["id"], "validity": "2h"}, {"studyId": study["id"], "maxVisitors": 0},
                 {"validity": "30m"}, {"studyId": 0}):
        r = api.post(URL, json=body)
        assert r.status_code == 422, (body, r.text)
    assert api.post(URL, json={"studyId": 2**61, "validity": "30m"}).status_code == 404
    assert api.get(f"{URL}?status=nonsense").status_code == 422


def test_the_share_list_exports(shared):
    _, api, study, _ = shared
    _share(api, study, validity="30m")
    r = api.get(f"{URL}/export")
    assert r.status_code == 200 and r.content[:2] == b"PK"


def test_names_are_masked():
    assert service.mask_name("Zhang^San=张^三") == "张*"
    assert service.mask_name("欧阳^娜娜") == "欧**娜"
    assert service.mask_name("张三丰") == "张*丰"
    assert service.mask_name("Smith^John") == "Smith *"
    assert service.mask_name(None) is None
