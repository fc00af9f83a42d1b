"""本地上传: a ZIP of DICOM files is archived by a job; unsafe entries, bombs and non-DICOM entries are
refused and reported; the size limit answers 413; cancel works queued and while running."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
import sqlalchemy as sa

from radix.core.jobs.models import JobRun, JobStatus
from radix.core.storage import blobs
from radix.imaging import synth
from radix.imaging.models import Instance
from radix.imaging.upload import service
from radix.imaging.upload.models import Upload
from tests.conftest import system_session

URL = "/api/v1/imaging/uploads"


def _zip(entries: list[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return buf.getvalue()


def _post(api, data: bytes, name: str = "影像.zip"):
    return api.post(URL, files={"file": (name, data, "application/zip")})


def _sops(raw: list[bytes]) -> list[str]:
    import pydicom

    return [pydicom.dcmread(io.BytesIO(r)).SOPInstanceUID for r in raw]


def _stored(tenant_id: int, sops: list[str]) -> set[str]:
    with system_session() as s:
        return set(s.scalars(sa.select(Instance.sop_uid).where(Instance.tenant_id == tenant_id, Instance.sop_uid.in_(sops))))


def test_a_zip_of_dicom_is_archived_and_non_dicom_entries_are_reported(new_tenant):
    tenant, api = new_tenant()
    raw = synth.sample(tenant["code"], "good", slices=3)
    data = _zip([("CT/1.dcm", raw[0]), ("CT/2.dcm", raw[1]), ("CT/sub/3", raw[2]), ("readme.txt", b"hello"),
                 ("CT/", b""), ("__MACOSX/._1.dcm", b"junk")])
    started = _post(api, data)
    assert started.status_code == 202, started.text
    body = started.json()
    assert body["status"] == "received" and body["jobId"] and body["fileName"] == "影像.zip"
    up = api.ok("GET", f"{URL}/{body['id']}")
    assert up["status"] == "archived", up
    assert (up["storedCount"], up["nonDicomCount"], up["failedCount"], up["rejectedCount"]) == (3, 1, 0, 0)
    assert up["totalEntries"] == 4 and up["progress"] == 100
    assert up["report"] == [{"entry": "readme.txt", "kind": "non_dicom", "reason": "不是 DICOM 文件"}]
    assert len(up["studyUids"]) == 1
    assert _stored(tenant["id"], _sops(raw)) == set(_sops(raw))
    with system_session() as s:
        row = s.get(Upload, body["id"])
        assert row.blob_key is None  # the ZIP is removed once archived
        assert {i.source for i in s.scalars(sa.select(Instance).where(Instance.tenant_id == tenant["id"]))} == {"upload"}
        run = s.get(JobRun, body["jobId"])
        assert run.status == JobStatus.SUCCEEDED and run.target_type == "upload" and run.target_id == str(body["id"])
    listed = api.ok("GET", f"{URL}?status=archived")
    assert listed["items"][0]["id"] == body["id"]
    assert api.ok("GET", f"{URL}?status=failed")["total"] == 0
    # uploading the same ZIP again: every instance is already there
    again = api.ok("GET", f"{URL}/{_post(api, data).json()['id']}")
    assert again["status"] == "archived" and again["duplicateCount"] == 3


def test_traversal_absolute_paths_and_links_are_refused(new_tenant):
    tenant, api = new_tenant()
    raw = synth.sample(tenant["code"], "unsafe", slices=4)
    link = zipfile.ZipInfo("link.dcm")
    link.create_system = 3
    link.external_attr = (0o120777 << 16)
    data = _zip([("../x.dcm", raw[0]), ("/abs/y.dcm", raw[1]), ("a\\..\\..\\z.dcm", raw[2]), (link, b"/etc/passwd"),
                 ("ok.dcm", raw[3])])
    up = api.ok("GET", f"{URL}/{_post(api, data).json()['id']}")
    assert up["status"] == "archived" and up["storedCount"] == 1 and up["rejectedCount"] == 4
    reasons = {r["entry"]: r["reason"] for r in up["report"]}
    assert "路径穿越" in reasons["../x.dcm"] and "路径穿越" in reasons["a\\..\\..\\z.dcm"]
    assert "绝对路径" in reasons["/abs/y.dcm"]
    assert "符号链接" in reasons["link.dcm"]
    assert _stored(tenant["id"], _sops(raw)) == {_sops(raw)[3]}


def test_zip_bombs_are_refused(new_tenant, monkeypatch):
    tenant, api = new_tenant()
    raw = synth.sample(tenant["code"], "bomb", slices=1)
    monkeypatch.setattr(service, "RATIO_MIN_BYTES", 1024 * 1024)
    bomb = _zip([("bomb.dcm", b"\0" * (8 * 1024 * 1024)), ("ok.dcm", raw[0])])
    assert len(bomb) < 100_000
    up = api.ok("GET", f"{URL}/{_post(api, bomb).json()['id']}")
    assert up["status"] == "archived" and up["storedCount"] == 1 and up["rejectedCount"] == 1
    assert "压缩比" in up["report"][0]["reason"]

    # and an archive whose total inflated size is beyond the limit is refused as a whole
    monkeypatch.setattr(service, "MAX_TOTAL_BYTES", 4 * 1024 * 1024)
    started = _post(api, bomb).json()
    up = api.ok("GET", f"{URL}/{started['id']}")
    assert up["status"] == "failed" and "上限" in up["message"] and up["storedCount"] == 0
    with system_session() as s:
        run = s.get(JobRun, started["jobId"])
        assert run.status == JobStatus.FAILED and run.result["code"] == "UPLOAD_BOMB"
        assert s.get(Upload, started["id"]).blob_key is None


def test_an_archive_without_dicom_fails_and_says_why(new_tenant):
    _, api = new_tenant()
    started = _post(api, _zip([("a.txt", b"x"), ("b.jpg", b"\xff\xd8" * 100)])).json()
    up = api.ok("GET", f"{URL}/{started['id']}")
    assert up["status"] == "failed" and up["nonDicomCount"] == 2 and "没有可归档的 DICOM" in up["message"]
    broken = b"DICM".rjust(132, b"\0") + b"garbage"
    up = api.ok("GET", f"{URL}/{_post(api, _zip([('bad.dcm', broken)])).json()['id']}")
    assert up["status"] == "failed" and up["failedCount"] == 1 and "均归档失败" in up["message"]


@pytest.mark.parametrize(
    ("name", "payload", "code"),
    [
        ("images.rar", b"PK\x03\x04rest", "BAD_FILE_TYPE"),
        ("images.zip", b"this is not a zip", "BAD_ZIP"),
        ("images.zip", b"", "EMPTY_FILE"),
    ],
)
def test_bad_files_are_refused_with_a_reason(new_tenant, name, payload, code):
    _, api = new_tenant()
    r = _post(api, payload, name)
    assert r.status_code == 422 and r.json()["code"] == code, r.text


def test_a_request_without_a_file_is_refused(new_tenant):
    _, api = new_tenant()
    r = api.post(URL, data={"other": "x"}, files={"note": ("n.txt", b"x", "text/plain")})
    assert r.status_code == 422 and r.json()["code"] == "FILE_REQUIRED"
    r = api.post(URL, json={"file": "x"})
    assert r.status_code == 422 and r.json()["code"] == "BAD_CONTENT_TYPE"


def test_the_size_limit_answers_413(new_tenant, monkeypatch):
    tenant, api = new_tenant()
    monkeypatch.setattr(service, "MAX_UPLOAD_BYTES", 10_000)
    data = _zip([(f"{i}.dcm", r) for i, r in enumerate(synth.sample(tenant["code"], "big", slices=4, size=64))])
    assert 10_000 < len(data) < 64 * 1024
    r = _post(api, data)  # within the framing allowance: measured once received
    assert r.status_code == 413 and r.json()["code"] == "UPLOAD_TOO_LARGE" and "MB" in r.json()["message"], r.text
    r = _post(api, data + b"\0" * 100_000)  # refused from its Content-Length, before it is read
    assert r.status_code == 413 and r.json()["code"] == "UPLOAD_TOO_LARGE", r.text
    with system_session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Upload).where(Upload.tenant_id == tenant["id"])) == 0


def test_a_queued_upload_is_cancelled_at_once(new_tenant, monkeypatch):
    from radix.core.jobs import engine

    tenant, api = new_tenant()

    class Idle:  # a queue nobody consumes: the run stays pending
        def radix_run_job(self, run_id: int) -> None:
            return None

    monkeypatch.setattr(engine, "get_huey", lambda: Idle())
    started = _post(api, _zip([("1.dcm", synth.sample(tenant["code"], "queued", slices=1)[0])])).json()
    assert api.ok("GET", f"{URL}/{started['id']}")["status"] == "received"
    with system_session() as s:
        key = s.get(Upload, started["id"]).blob_key
        assert blobs().exists(key)
    cancelled = api.ok("POST", f"{URL}/{started['id']}/cancel")
    assert cancelled["status"] == "cancelled" and cancelled["message"] == "上传已取消"
    assert not blobs().exists(key)
    with system_session() as s:
        assert s.get(JobRun, started["jobId"]).status == JobStatus.CANCELLED
    engine.run_now(started["jobId"])  # a late delivery of the message does nothing
    assert api.ok("GET", f"{URL}/{started['id']}")["status"] == "cancelled"
    again = api.post(f"{URL}/{started['id']}/cancel")
    assert again.status_code == 409 and again.json()["code"] == "UPLOAD_NOT_CANCELLABLE"


def test_a_running_upload_stops_at_the_next_entry(new_tenant, monkeypatch):
    tenant, api = new_tenant()
    raw = synth.sample(tenant["code"], "running", slices=5)
    real_ingest = service.store.ingest
    calls = []

    def ingest_then_cancel(data, arrival):
        result = real_ingest(data, arrival)
        calls.append(result.sop_uid)
        if len(calls) == 1:  # the user presses 取消上传 while the first file is being archived
            with system_session() as s:
                row = s.scalars(sa.select(Upload).where(Upload.tenant_id == tenant["id"])).one()
                assert row.status.value == "archiving"
                service.cancel(s, row)
                assert row.message == "正在取消…"
            time.sleep(0.6)  # the job looks at most twice a second
        return result

    monkeypatch.setattr(service.store, "ingest", ingest_then_cancel)
    started = _post(api, _zip([(f"{i}.dcm", r) for i, r in enumerate(raw)])).json()
    up = api.ok("GET", f"{URL}/{started['id']}")
    assert up["status"] == "cancelled" and up["storedCount"] == 1 and "取消" in up["message"]
    assert len(calls) == 1
    with system_session() as s:
        assert s.get(JobRun, started["jobId"]).status == JobStatus.CANCELLED
        assert s.get(Upload, started["id"]).blob_key is None


def test_another_tenant_cannot_see_or_cancel_an_upload(new_tenant):
    tenant, api = new_tenant()
    _, other = new_tenant()
    started = _post(api, _zip([("1.dcm", synth.sample(tenant["code"], "mine", slices=1)[0])])).json()
    assert other.get(f"{URL}/{started['id']}").status_code == 404
    assert other.post(f"{URL}/{started['id']}/cancel").status_code == 404
    assert started["id"] not in {u["id"] for u in other.ok("GET", URL)["items"]}


def test_names_from_chinese_windows_are_read_as_gbk():
    info = zipfile.ZipInfo("影像/张三.dcm".encode("gbk").decode("cp437"))
    assert service.display_name(info) == "影像/张三.dcm"
    assert service.clean_file_name("C:\\fakepath\\检查.zip") == "检查.zip"
