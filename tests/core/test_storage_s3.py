"""Blob stores: one contract run over the filesystem store and the S3 store, the latter against moto's
server mode started as a real subprocess on a free port. Plus the S3 store's own duties (multipart,
abort, errors) and the archive end to end on S3: ingest, then DICOMweb reads byte-identical."""

from __future__ import annotations

import io
import os
import random
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pydicom
import pytest
import sqlalchemy as sa
from pydicom import encaps

from radix.core.errors import AppError, Conflict, Invalid, NotFound
from radix.core import storage
from radix.core.storage import FileBlobStore, StorageUnavailable
from tests.net import free_port

#: moto accepts parts this small (real S3: 5 MiB), so multipart uploads stay quick here
PART = 64 * 1024


@pytest.fixture(scope="module")
def moto_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pytest.importorskip("moto.server", reason="moto[server] 未安装")
    port = free_port()
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("wb")
    env = {**os.environ, "S3_UPLOAD_PART_MIN_SIZE": str(PART), "AWS_ACCESS_KEY_ID": "test",
           "AWS_SECRET_ACCESS_KEY": "test"}
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/moto-api/", timeout=2):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"moto server did not start: {open(log.name, 'rb').read()[-2000:]!r}")
            time.sleep(0.2)
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


def _client(url: str) -> Any:
    return boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test")


@pytest.fixture()
def bucket(moto_url: str) -> str:
    name = f"radix-{uuid.uuid4().hex[:12]}"
    _client(moto_url).create_bucket(Bucket=name)
    return name


def _s3_store(url: str, bucket: str, **kw: Any) -> Any:
    from radix.core.storage_s3 import S3BlobStore

    options: dict[str, Any] = dict(endpoint_url=url, access_key="test", secret_key="test", prefix="archive/",
                                   multipart_threshold=100 * 1024, part_size=PART, read_chunk=16 * 1024,
                                   page_size=2)
    options.update(kw)
    return S3BlobStore(bucket, **options)


@pytest.fixture(params=["fs", "s3"])
def store(request: pytest.FixtureRequest, tmp_path) -> Any:
    if request.param == "fs":
        return FileBlobStore(tmp_path / "blobs")
    url = request.getfixturevalue("moto_url")
    return _s3_store(url, request.getfixturevalue("bucket"))


def _data(n: int, seed: int = 1) -> bytes:
    return random.Random(seed).randbytes(n)


class Trickle(io.RawIOBase):
    """A non-seekable stream that answers in short, uneven reads (like a socket)."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = min(len(b), 7001, len(self.data) - self.pos)
        b[:n] = self.data[self.pos:self.pos + n]
        self.pos += n
        return n


# --- the contract, on both stores ------------------------------------------------------------------


def test_put_bytes_and_get(store):
    data = _data(3000)
    assert store.put("dicom/1/ab/one.dcm", data) == 3000
    assert store.get("dicom/1/ab/one.dcm") == data
    assert store.exists("dicom/1/ab/one.dcm")
    # overwriting replaces
    assert store.put("dicom/1/ab/one.dcm", b"second") == 6
    assert store.get("dicom/1/ab/one.dcm") == b"second"
    # an empty blob is a blob
    assert store.put("empty", b"") == 0
    assert store.exists("empty") and store.get("empty") == b""
    with store.open("empty") as fh:
        assert fh.read() == b""
    assert store.read_range("empty", 0, 10) == b""


@pytest.mark.parametrize("size", [10, 100 * 1024, 100 * 1024 + 1, 5 * PART + 123])
@pytest.mark.parametrize("kind", ["bytesio", "trickle", "bytearray"])
def test_put_stream_small_and_multipart(store, size, kind):
    data = _data(size, seed=size)
    body = {"bytesio": io.BytesIO(data), "trickle": Trickle(data), "bytearray": bytearray(data)}[kind]
    assert store.put(f"up/{kind}/{size}", body) == size
    assert store.get(f"up/{kind}/{size}") == data


def test_open_seek_read(store):
    data = _data(200 * 1024 + 17, seed=7)
    store.put("big.bin", data)
    with store.open("big.bin") as fh:
        assert fh.seekable() and fh.readable()
        assert fh.read(10) == data[:10] and fh.tell() == 10
        fh.seek(-5, io.SEEK_END)
        assert fh.read() == data[-5:] and fh.read(3) == b""
        fh.seek(0, io.SEEK_END)
        assert fh.tell() == len(data)
        rng = random.Random(3)
        for _ in range(40):  # across the S3 store's read chunks and its first (prefetched) one
            offset = rng.randrange(0, len(data))
            length = rng.choice([1, 100, 16 * 1024, 40 * 1024, 300 * 1024])
            fh.seek(offset)
            assert fh.read(length) == data[offset:offset + length]
            assert fh.tell() == min(offset + length, len(data))
        fh.seek(1000)
        fh.seek(500, io.SEEK_CUR)
        assert fh.read(4) == data[1500:1504]
        fh.seek(3)
        assert fh.read() == data[3:]  # read to the end in one go


def test_open_reads_dicom(store):
    raw = open(pydicom.data.get_testdata_file("CT_small.dcm"), "rb").read()
    store.put("ct.dcm", raw)
    with store.open("ct.dcm") as fh:
        ds = pydicom.dcmread(fh)
    assert ds.PixelData == pydicom.dcmread(io.BytesIO(raw)).PixelData


def test_read_range(store):
    data = _data(50_000, seed=9)
    store.put("r.bin", data)
    assert store.read_range("r.bin", 0, 10) == data[:10]
    assert store.read_range("r.bin", 12_345, 20_000) == data[12_345:32_345]
    assert store.read_range("r.bin", 49_990, 100) == data[49_990:]  # shorter at the end
    assert store.read_range("r.bin", 50_000, 10) == b""  # at the end
    assert store.read_range("r.bin", 90_000, 10) == b""  # past it
    assert store.read_range("r.bin", 5, 0) == b""
    for offset, length in ((-1, 5), (0, -1)):
        with pytest.raises(Invalid):
            store.read_range("r.bin", offset, length)


def test_missing_keys_are_not_found(store):
    for read in (lambda: store.get("nope/x"), lambda: store.open("nope/x"),
                 lambda: store.read_range("nope/x", 0, 10), lambda: store.read_range("nope/x", 0, 0)):
        with pytest.raises(NotFound) as err:
            read()
        assert err.value.status_code == 404 and err.value.message == "文件不存在"
    assert not store.exists("nope/x")
    store.delete("nope/x")  # deleting what is not there is fine


def test_delete(store):
    store.put("d/1", b"one")
    store.put("d/2", b"two")
    store.delete("d/1")
    assert not store.exists("d/1") and store.exists("d/2")
    with pytest.raises(NotFound):
        store.get("d/1")
    assert list(store.iter_keys("d/")) == ["d/2"]


def test_files_store_again_after_their_shard_folder_was_removed(tmp_path):
    store = FileBlobStore(tmp_path / "blobs")
    store.put("dicom/1/ab/one.dcm", b"first")
    shutil.rmtree(tmp_path / "blobs")  # the store remembered the folder: it must notice it is gone
    store.put("dicom/1/ab/one.dcm", b"second")
    assert store.get("dicom/1/ab/one.dcm") == b"second"
    assert not [p for p in (tmp_path / "blobs").rglob("*.tmp")]


def test_iter_keys_with_prefix_and_pagination(store):
    under_a = {f"a/{i}/x.dcm" for i in range(7)}  # the S3 store lists 2 keys a page: 4 pages
    for key in under_a | {"b/1", "b/2", "ab"}:
        store.put(key, key.encode())
    assert set(store.iter_keys("a/")) == under_a
    assert sorted(store.iter_keys("b/")) == ["b/1", "b/2"]
    assert set(store.iter_keys("a")) == under_a | {"ab"}
    assert set(store.iter_keys()) == under_a | {"b/1", "b/2", "ab"}
    assert list(store.iter_keys("zzz/")) == []


@pytest.mark.parametrize("key", ["", "/abs", "a/../b", "..", "a\\b", "a\x00b"])
def test_bad_keys_are_refused(store, key):
    for call in (lambda: store.put(key, b"x"), lambda: store.get(key), lambda: store.open(key),
                 lambda: store.read_range(key, 0, 1), lambda: store.exists(key), lambda: store.delete(key)):
        with pytest.raises(Invalid) as err:
            call()
        assert err.value.status_code == 422 and err.value.fields[0]["field"] == "key"


# --- the S3 store's own duties -----------------------------------------------------------------------


def test_s3_multipart_upload_is_one_object_under_the_prefix(moto_url, bucket):
    store = _s3_store(moto_url, bucket)
    data = _data(5 * PART + 123, seed=5)
    assert store.put("m/big.dcm", Trickle(data)) == len(data)
    raw = _client(moto_url)
    head = raw.head_object(Bucket=bucket, Key="archive/m/big.dcm")
    assert head["ContentLength"] == len(data)
    assert head["ETag"].strip('"').endswith("-6")  # six parts: five full and the rest
    assert raw.get_object(Bucket=bucket, Key="archive/m/big.dcm")["Body"].read() == data
    assert raw.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    small = store.put("m/small.dcm", _data(1000))
    assert small == 1000 and "-" not in raw.head_object(Bucket=bucket, Key="archive/m/small.dcm")["ETag"]


def test_s3_failed_stream_leaves_nothing_behind(moto_url, bucket):
    store = _s3_store(moto_url, bucket)

    class Breaks(Trickle):
        def readinto(self, b: Any) -> int:
            if self.pos > 3 * PART:
                raise OSError("连接中断")
            return super().readinto(b)

    with pytest.raises(OSError, match="连接中断"):
        store.put("m/broken.dcm", Breaks(_data(6 * PART)))
    raw = _client(moto_url)
    assert not store.exists("m/broken.dcm")
    assert raw.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []  # aborted


def test_s3_unreachable_is_a_clear_error(bucket):
    port = free_port()  # nothing listens there
    store = _s3_store(f"http://127.0.0.1:{port}", bucket, max_attempts=1, connect_timeout=2)
    for call in (lambda: store.put("k", b"x"), lambda: store.get("k"), lambda: store.exists("k"),
                 lambda: store.open("k"), lambda: list(store.iter_keys())):
        with pytest.raises(StorageUnavailable) as err:
            call()
        assert isinstance(err.value, OSError) and isinstance(err.value, AppError)
        assert err.value.status_code == 503 and err.value.code == "STORAGE_UNAVAILABLE"
        assert "无法连接对象存储" in err.value.message


def test_s3_missing_bucket_is_a_clear_error(moto_url):
    store = _s3_store(moto_url, f"missing-{uuid.uuid4().hex[:8]}")
    with pytest.raises(StorageUnavailable) as err:
        store.put("k", b"x")
    assert err.value.code == "STORAGE_BUCKET_MISSING" and "不存在" in err.value.message


def test_s3_object_replaced_while_open_fails_loudly(moto_url, bucket):
    store = _s3_store(moto_url, bucket)
    first = _data(100_000, seed=1)
    store.put("v.bin", first)
    with store.open("v.bin") as fh:
        assert fh.read(100) == first[:100]  # from the first chunk, fetched at open
        store.put("v.bin", _data(100_000, seed=2))
        fh.seek(50_000)
        with pytest.raises(Conflict) as err:
            fh.read(10)
        assert err.value.code == "BLOB_CHANGED"


# --- the archive on S3, end to end -----------------------------------------------------------------


@pytest.fixture()
def s3_archive(moto_url, bucket) -> Iterator[str]:
    """The process configured with RADIX_BLOB_BACKEND=s3 for one test, then back to the files."""
    from radix.config import reset_settings
    from radix.core.storage import reset_blobs

    with pytest.MonkeyPatch.context() as mp:
        for name, value in {"BLOB_BACKEND": "s3", "S3_URL": moto_url, "S3_BUCKET": bucket,
                            "S3_ACCESS_KEY": "test", "S3_SECRET_KEY": "test", "S3_PREFIX": "radix"}.items():
            mp.setenv(f"RADIX_{name}", value)
        reset_settings()
        reset_blobs()
        yield bucket
    reset_settings()
    reset_blobs()


def _parts(response: Any) -> list[tuple[dict[str, str], bytes]]:
    from tests.imaging.dicomweb.helpers import parse_multipart

    assert response.status_code == 200, response.text
    return parse_multipart(response)


def test_archive_on_s3_ingest_and_dicomweb_read_back(s3_archive, moto_url, new_tenant):
    from radix.config import get_settings
    from radix.core.storage import blobs
    from radix.core.storage_s3 import S3BlobStore
    from radix.imaging import store as archive
    from radix.imaging.models import Instance
    from tests.conftest import system_session
    from tests.imaging.dicomweb.helpers import make_instance, sample_file, uid

    assert isinstance(blobs(), S3BlobStore)
    tenant, api = new_tenant()
    files = {name: sample_file(name) for name in ("CT_small.dcm", "rtdose.dcm", "SC_rgb_rle_2frame.dcm")}
    # bigger than one read chunk (1 MiB): the instance is read back through several ranged GETs
    big = make_instance(study=uid(), series=uid(), rows=1024, columns=1024)
    files["big"] = (big, pydicom.dcmread(io.BytesIO(big)))
    keys = {}
    for name, (raw, ds) in files.items():
        result = archive.ingest(raw, archive.Arrival(tenant_id=tenant["id"], source="test"))
        assert result.ok, result.message
        with system_session() as s:
            keys[name] = s.scalar(sa.select(Instance.blob_key).where(Instance.tenant_id == tenant["id"],
                                                                     Instance.sop_uid == ds.SOPInstanceUID))
    # the bytes are in the bucket (under the prefix), not in the data directory
    raw_client = _client(moto_url)
    for name, (raw, _) in files.items():
        assert raw_client.get_object(Bucket=s3_archive, Key=f"radix/{keys[name]}")["Body"].read() == raw
        assert not FileBlobStore(get_settings().blob_dir).exists(keys[name])

    def url(ds: Any, suffix: str = "") -> str:
        return (f"/dicom-web/studies/{ds.StudyInstanceUID}/series/{ds.SeriesInstanceUID}"
                f"/instances/{ds.SOPInstanceUID}{suffix}")

    any_ts = "multipart/related; type=application/octet-stream; transfer-syntax=*"
    for name, (raw, ds) in files.items():
        # the instance, as stored: a single part (get) and a multipart stream (open + ranged reads)
        single = api.get(url(ds), headers={"Accept": "application/dicom"})
        assert single.status_code == 200 and single.content == raw
        [(_, part)] = _parts(api.get(url(ds), headers={
            "Accept": 'multipart/related; type="application/dicom"; transfer-syntax=*'}))
        assert part == raw
    # frames: a native slice (a range read), several of a multi-frame instance, a compressed frame
    _, ct = files["CT_small.dcm"]
    [(_, frame)] = _parts(api.get(url(ct, "/frames/1"), headers={"Accept": any_ts}))
    assert frame == ct.PixelData
    _, dose = files["rtdose.dcm"]
    size = dose.Rows * dose.Columns * 4
    parts = _parts(api.get(url(dose, "/frames/2,5,15"), headers={"Accept": any_ts}))
    assert [p[1] for p in parts] == [dose.PixelData[size * (n - 1): size * n] for n in (2, 5, 15)]
    _, rle = files["SC_rgb_rle_2frame.dcm"]
    [(_, frame)] = _parts(api.get(url(rle, "/frames/2"), headers={"Accept": any_ts}))
    assert frame == encaps.get_frame(rle.PixelData, 1, number_of_frames=2)
    _, big_ds = files["big"]
    gets: list[dict[str, Any]] = []
    events = blobs().client.meta.events
    events.register("before-call.s3.GetObject", lambda params, **_: gets.append(params))
    [(_, frame)] = _parts(api.get(url(big_ds, "/frames/1"), headers={"Accept": any_ts}))
    assert frame == big_ds.PixelData
    # one ranged GET of just the frame, not a download of the 2 MiB file
    with system_session() as s:
        offset = s.scalar(sa.select(Instance.pixel_offset).where(Instance.blob_key == keys["big"]))
    assert [g["headers"].get("Range") for g in gets] == [f"bytes={offset}-{offset + len(frame) - 1}"]
    [(_, pixels)] = _parts(api.get(url(big_ds, "/bulkdata/7FE00010"), headers={"Accept": any_ts}))
    assert pixels == big_ds.PixelData
    # deleting through the store removes the object
    blobs().delete(keys["CT_small.dcm"])
    listed = raw_client.list_objects_v2(Bucket=s3_archive, Prefix=f"radix/{keys['CT_small.dcm']}")
    assert "Contents" not in listed


def test_archive_with_s3_down_refuses_and_answers_503(s3_archive, new_tenant, monkeypatch):
    from radix.config import reset_settings
    from radix.core.storage import reset_blobs
    from radix.imaging import store as archive
    from radix.imaging.models import Instance
    from tests.conftest import system_session
    from tests.imaging.dicomweb.helpers import sample_file

    tenant, api = new_tenant()
    stored_raw, stored = sample_file("CT_small.dcm")
    assert archive.ingest(stored_raw, archive.Arrival(tenant_id=tenant["id"], source="test")).ok
    # the object store goes away
    monkeypatch.setenv("RADIX_S3_URL", f"http://127.0.0.1:{free_port()}")
    reset_settings()
    reset_blobs()
    raw, ds = sample_file("MR_small.dcm")
    result = archive.ingest(raw, archive.Arrival(tenant_id=tenant["id"], source="test"))
    assert not result.ok and result.status == archive.FAILURE_OUT_OF_RESOURCES
    assert "无法连接对象存储" in result.message
    with system_session() as s:  # not indexed: nothing points at bytes that were never stored
        assert s.scalar(sa.select(Instance.id).where(Instance.tenant_id == tenant["id"],
                                                     Instance.sop_uid == ds.SOPInstanceUID)) is None
    r = api.get(f"/dicom-web/studies/{stored.StudyInstanceUID}/series/{stored.SeriesInstanceUID}"
                f"/instances/{stored.SOPInstanceUID}", headers={"Accept": "application/dicom"})
    assert r.status_code == 503
    assert r.json()["code"] == "STORAGE_UNAVAILABLE" and "无法连接对象存储" in r.json()["message"]


def test_the_file_store_makes_its_folders_once_and_never_per_file(tmp_path, monkeypatch):
    """256 shard folders, made on the first write; after that a put makes no folder."""
    store = FileBlobStore(tmp_path / "blobs")
    store.put("dicom/1/aa/first.dcm", b"1")
    assert sorted(p.name for p in (tmp_path / "blobs").iterdir()) == [f"{n:02x}" for n in range(256)]
    made = []
    real_mkdir = Path.mkdir
    monkeypatch.setattr(Path, "mkdir", lambda self, *a, **k: made.append(self) or real_mkdir(self, *a, **k))
    for n in range(300):
        store.put(f"dicom/1/{n:02x}/{n}.dcm", str(n).encode())
    assert made == []
    assert all(store.get(f"dicom/1/{n:02x}/{n}.dcm") == str(n).encode() for n in range(300))
    files = [p for p in (tmp_path / "blobs").rglob("*") if p.is_file()]
    assert len(files) == 301 and all(p.parent.parent == tmp_path / "blobs" for p in files)


def test_files_of_the_earlier_two_level_layout_are_still_read(tmp_path):
    """root/<2>/<2>/ (before the store kept 256 folders): read, found, listed, replaced and deleted."""
    import hashlib

    store = FileBlobStore(tmp_path / "blobs")
    digest = hashlib.sha1(b"dicom/1/ab/old.dcm").hexdigest()
    old = tmp_path / "blobs" / digest[:2] / digest[2:4] / "dicom__1__ab__old.dcm"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"0123456789")
    assert store.exists("dicom/1/ab/old.dcm") and store.get("dicom/1/ab/old.dcm") == b"0123456789"
    assert store.read_range("dicom/1/ab/old.dcm", 2, 3) == b"234"
    assert list(store.iter_keys("dicom/")) == ["dicom/1/ab/old.dcm"]
    store.put("dicom/1/ab/old.dcm", b"new")  # an overwrite lands in the current layout; the old copy goes
    assert not old.exists() and store.get("dicom/1/ab/old.dcm") == b"new"
    store.delete("dicom/1/ab/old.dcm")
    assert not store.exists("dicom/1/ab/old.dcm")
    with pytest.raises(NotFound):
        store.get("dicom/1/ab/old.dcm")


def _direct_writes(monkeypatch) -> list[tuple[bool, int]]:
    """Every os.write from here on: (was O_DIRECT set on the descriptor, how many bytes)."""
    import fcntl

    seen: list[tuple[bool, int]] = []
    real_write = os.write

    def write(fd, data):
        seen.append((bool(fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_DIRECT), len(data)))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    return seen


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 4097, 525_000, storage.DIRECT_BUFFER,
                                  2 * storage.DIRECT_BUFFER + 4097])
@pytest.mark.parametrize("kind", ["bytes", "stream"])
def test_the_file_store_writes_whole_blocks_past_the_page_cache(tmp_path, monkeypatch, size, kind):
    """Whole 4 KiB blocks go to the disk with O_DIRECT (no page cache to fill, then reclaim), the last
    partial block through the page cache; the file is byte-identical either way."""
    store = FileBlobStore(tmp_path / "blobs")
    store.put("warm", b"x")  # the shard folders
    data = _data(size, seed=size)
    seen = _direct_writes(monkeypatch)
    assert store.put("dicom/1/ab/d.dcm", data if kind == "bytes" else Trickle(data)) == size
    assert store.get("dicom/1/ab/d.dcm") == data
    direct = [n for is_direct, n in seen if is_direct]
    buffered = [n for is_direct, n in seen if not is_direct]
    assert sum(direct) == size - size % storage.ALIGN and all(n % storage.ALIGN == 0 for n in direct)
    assert sum(buffered) == size % storage.ALIGN
    assert not [p for p in (tmp_path / "blobs").rglob(".*.tmp")]


def test_the_file_store_writes_normally_where_the_filesystem_refuses_o_direct(tmp_path, monkeypatch):
    import errno

    store = FileBlobStore(tmp_path / "blobs")
    real_open = os.open

    def open_(path, flags, *args):
        if flags & os.O_DIRECT:
            raise OSError(errno.EINVAL, "Invalid argument")
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", open_)
    data = _data(100_000)
    seen = _direct_writes(monkeypatch)
    assert store.put("dicom/1/ab/plain.dcm", data) == len(data)
    assert store.get("dicom/1/ab/plain.dcm") == data
    assert seen and not any(is_direct for is_direct, _ in seen) and store._direct is False


def test_the_file_store_finishes_normally_when_a_direct_write_is_refused(tmp_path, monkeypatch):
    import errno
    import fcntl

    store = FileBlobStore(tmp_path / "blobs")
    real_write = os.write

    def write(fd, data):
        if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_DIRECT:
            raise OSError(errno.EINVAL, "Invalid argument")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    data = _data(3 * storage.DIRECT_BUFFER // 2 + 77)
    assert store.put("dicom/1/ab/mixed.dcm", io.BytesIO(data)) == len(data)
    assert store.get("dicom/1/ab/mixed.dcm") == data


def test_a_failed_put_leaves_the_stored_blob_and_no_temporary_file(tmp_path, monkeypatch):
    import errno

    store = FileBlobStore(tmp_path / "blobs")
    store.put("dicom/1/ab/kept.dcm", b"first")

    def fsync(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OSError):
        store.put("dicom/1/ab/kept.dcm", _data(50_000))
    monkeypatch.undo()
    assert store.get("dicom/1/ab/kept.dcm") == b"first"
    assert not [p for p in (tmp_path / "blobs").rglob(".*.tmp")]
