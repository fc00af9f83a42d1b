"""STOW-RS: stored, partly failed, wrong study, duplicates, bad bodies; the streaming multipart reader."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from radix.imaging import store
from radix.imaging.dicomweb import multipart as mp
from radix.imaging.dicomweb.errors import BadRequest
from radix.imaging.models import Instance, Study
from tests.conftest import system_session
from tests.imaging.dicomweb.helpers import make_instance, multipart_body, tag, uid


@pytest.fixture(scope="module")
def archive(tenant_factory):
    return tenant_factory()


def _post(archive, parts, url="/dicom-web/studies", **kw):
    body, ctype = multipart_body(parts, **kw)
    return archive.api.post(url, content=body, headers={"Content-Type": ctype, "Accept": "application/dicom+json"})


def _items(answer, seq):
    return answer.get(seq, {}).get("Value", [])


def test_store_two_instances(archive):
    study, series = uid(), uid()
    parts = [make_instance(study=study, series=series, instance_number=n, rows=64, columns=64) for n in (1, 2)]
    r = _post(archive, parts)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/dicom+json")
    answer = r.json()
    refs = _items(answer, "00081199")
    assert len(refs) == 2 and "00081198" not in answer
    assert tag(answer, "00081190") == f"http://testserver/dicom-web/studies/{study}"
    for ref in refs:
        assert tag(ref, "00081150") == "1.2.840.10008.5.1.4.1.1.2"
        assert tag(ref, "00081190") == (f"http://testserver/dicom-web/studies/{study}/series/{series}/instances/"
                                        f"{tag(ref, '00081155')}")
        assert archive.api.get(tag(ref, "00081190").replace("http://testserver", "") + "/metadata").status_code == 200
    found = archive.api.get(f"/dicom-web/studies?StudyInstanceUID={study}").json()
    assert tag(found[0], "00201208") == 2
    with system_session() as s:
        rows = s.scalars(sa.select(Instance).where(Instance.tenant_id == archive.tenant["id"],
                                                   Instance.study_ref.in_(sa.select(Study.id).where(
                                                       Study.study_uid == study)))).all()
        assert {r.source for r in rows} == {"stow"}
        from radix.platform.log.models import OperationLog

        logged = s.scalars(sa.select(OperationLog).where(OperationLog.tenant_id == archive.tenant["id"],
                                                         OperationLog.path == "/dicom-web/studies")).all()
        assert logged and logged[-1].action == "UPLOAD" and logged[-1].target_id == study


def test_partial_failure_is_202(archive):
    study = uid()
    good = make_instance(study=study, series=uid())
    r = _post(archive, [good, b"this is not DICOM at all"])
    assert r.status_code == 202, r.text
    answer = r.json()
    assert len(_items(answer, "00081199")) == 1
    [failed] = _items(answer, "00081198")
    assert tag(failed, "00081197") == 0xC000


def test_wrong_study_parts_fail(archive):
    study, other = uid(), uid()
    mine = make_instance(study=study, series=uid())
    foreign_sop = uid()
    foreign = make_instance(study=other, series=uid(), sop=foreign_sop)
    r = _post(archive, [foreign], url=f"/dicom-web/studies/{study}")
    assert r.status_code == 409, r.text
    [failed] = _items(r.json(), "00081198")
    assert tag(failed, "00081155") == foreign_sop and tag(failed, "00081197") == 0xA900
    r = _post(archive, [mine, foreign], url=f"/dicom-web/studies/{study}")
    assert r.status_code == 202
    assert archive.api.get(f"/dicom-web/studies?StudyInstanceUID={other}").json() == []
    assert archive.api.post("/dicom-web/studies/not-a-uid", content=b"x", headers={
        "Content-Type": "application/dicom"}).status_code == 400


def test_duplicates(archive, monkeypatch):
    raw = make_instance(study=uid(), series=uid())
    assert _post(archive, [raw]).status_code == 200
    again = _post(archive, [raw])
    assert again.status_code == 200 and len(_items(again.json(), "00081199")) == 1
    monkeypatch.setattr(store, "duplicate_policy", lambda: "reject")
    refused = _post(archive, [raw])
    assert refused.status_code == 409
    assert tag(_items(refused.json(), "00081198")[0], "00081197") == store.FAILURE_DUPLICATE_REJECTED


def test_single_instance_body(archive):
    raw = make_instance(study=uid(), series=uid())
    r = archive.api.post("/dicom-web/studies", content=raw, headers={"Content-Type": "application/dicom"})
    assert r.status_code == 200 and len(_items(r.json(), "00081199")) == 1


@pytest.mark.parametrize("ctype, body, status", [
    ("text/plain", b"hello", 415),
    (None, b"hello", 415),
    ("multipart/related; type=\"application/dicom\"", b"--x\r\n\r\nabc\r\n--x--", 400),
    ("multipart/related; type=\"application/dicom\"; boundary=x", b"no boundary here", 400),
    ("multipart/related; type=\"application/dicom\"; boundary=x", b"--x--\r\n", 400),
    ("multipart/related; type=\"application/dicom\"; boundary=x", b"--x\r\nContent-Type: application/dicom\r\n\r\nabc", 400),
    ("multipart/related; type=\"application/dicom+xml\"; boundary=x", b"--x--", 415),
    ("multipart/related; type=\"application/dicom\"; boundary=x", b"--x\r\nContent-Type: text/plain\r\n\r\nabc\r\n--x--", 409),
    ("application/dicom", b"", 400),
    ("application/dicom; q=", b"x", 415),
])
def test_bad_bodies(archive, ctype, body, status):
    headers = {"Content-Type": ctype} if ctype else {}
    r = archive.api.post("/dicom-web/studies", content=body, headers=headers)
    assert r.status_code == status, (ctype, body, r.status_code, r.text)


def test_no_login_no_store(anonymous):
    raw = make_instance(study=uid(), series=uid())
    assert anonymous.post("/dicom-web/studies", content=raw, headers={"Content-Type": "application/dicom"}).status_code == 401


def test_streamed_body_in_small_chunks(archive):
    parts = [make_instance(study=uid(), series=uid(), rows=128, columns=128) for _ in range(3)]
    body, ctype = multipart_body(parts)

    def chunks():
        for i in range(0, len(body), 4093):
            yield body[i:i + 4093]

    r = archive.api.post("/dicom-web/studies", content=chunks(), headers={"Content-Type": ctype})
    assert r.status_code == 200 and len(_items(r.json(), "00081199")) == 3


def _run(coro):
    """Run on a thread of its own: a test elsewhere in this worker may leave a loop running on this one."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 100_000])
def test_reader_finds_parts_across_chunk_edges(size):
    payloads = [b"A" * 10, b"", b"\r\n--boundar", b"x" * 5000 + b"\r\n--boundarz" + b"y" * 10]
    body = b"preamble\r\n"
    for p in payloads:
        body += b"--boundary \r\ncontent-type: application/dicom\r\n\r\n" + p + b"\r\n"
    body += b"--boundary--\r\nepilogue"

    async def run():
        async def source():
            for i in range(0, len(body), size):
                yield body[i:i + size]

        out = []
        async for part in mp.read_parts(source(), "boundary", max_part=10_000):
            out.append((part.headers, part.read(), part.size))
        return out

    got = _run(run())
    assert [g[1] for g in got] == payloads
    assert all(g[0]["content-type"] == "application/dicom" for g in got)


def test_reader_limits_part_size():
    body = b"--b\r\n\r\n" + b"z" * 5000 + b"\r\n--b\r\n\r\nok\r\n--b--"

    async def run():
        async def source():
            yield body

        return [(p.too_large, p.read()) async for p in mp.read_parts(source(), "b", max_part=1000)]

    assert _run(run()) == [(True, b""), (False, b"ok")]

    async def truncated():
        async def source():
            yield b"--b\r\n\r\nabc"

        return [p async for p in mp.read_parts(source(), "b", max_part=1000)]

    with pytest.raises(BadRequest):
        _run(truncated())
