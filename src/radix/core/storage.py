"""Blob storage. The filesystem backend (default) shards keys over 256 folders under ``<data dir>/blobs``
and makes a write durable (fsync of the file, an atomic rename, fsync of its folder) before returning. The S3
backend (``RADIX_BLOB_BACKEND=s3``, :mod:`radix.core.storage_s3`) returns once the object store has
acknowledged the object; it is imported only when configured, so boto3 is needed only then."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

from radix.config import get_settings
from radix.core.errors import AppError, Invalid, NotFound


class StorageUnavailable(AppError, OSError):
    """The blob store cannot be reached or refused the request. An ``OSError`` too, so that callers that
    already treat a failing disk as "out of resources" (DICOM ingest) treat a failing object store alike."""

    status_code = 503
    code = "STORAGE_UNAVAILABLE"
    message = "影像存储暂时无法访问，请稍后重试或联系管理员"


class BlobStore(Protocol):
    def put(self, key: str, data: bytes | BinaryIO) -> int: ...
    def get(self, key: str) -> bytes: ...
    def open(self, key: str) -> BinaryIO: ...
    def read_range(self, key: str, offset: int, length: int) -> bytes:
        """Bytes ``[offset, offset + length)``, shorter (or empty) where the blob ends first."""
        ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def iter_keys(self, prefix: str = "") -> Iterator[str]: ...


def _check_key(key: str) -> str:
    if not key or key.startswith("/") or ".." in key.split("/") or "\\" in key or "\x00" in key:
        raise Invalid.field("key", "文件路径不正确")
    return key


def _check_range(offset: int, length: int) -> None:
    if offset < 0 or length < 0:
        raise Invalid.field("range", "读取范围不正确")


#: the shard folders of the filesystem store: the key's hash's first two hex digits
SHARDS = tuple(f"{n:02x}" for n in range(256))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FileBlobStore:
    """Files under ``root/<2 hex digits>/``. The 256 folders are made (and made durable) once, on the
    first write: a put never makes a folder. The earlier layout, ``root/<2>/<2>/`` (65,536 folders), made
    one for most of the first hundred thousand files — a folder inode and a parent update per instance,
    7 % of the receivers' time — and left the new folder's own entry unsynced. Files stored that way
    are still read, found and deleted where they are."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._ready = False  # the shard folders exist

    def _paths(self, key: str) -> tuple[Path, Path]:
        """Where ``key`` is stored, and where the earlier layout stored it."""
        digest = hashlib.sha1(_check_key(key).encode()).hexdigest()
        name = key.replace("/", "__")
        return self.root / digest[:2] / name, self.root / digest[:2] / digest[2:4] / name

    def _make_shards(self) -> None:
        """All shard folders, each new one's entry made durable in its parent (fsync of the parent)."""
        fresh = not self.root.is_dir()
        self.root.mkdir(parents=True, exist_ok=True)
        if fresh:
            _fsync_dir(self.root.parent)
        made = False
        for shard in SHARDS:
            try:
                (self.root / shard).mkdir()
                made = True
            except FileExistsError:
                pass
        if made:
            _fsync_dir(self.root)
        self._ready = True

    def put(self, key: str, data: bytes | BinaryIO) -> int:
        path, legacy = self._paths(key)
        if not self._ready:
            self._make_shards()
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        size = 0
        try:
            fh = open(tmp, "wb")  # noqa: SIM115 — closed by the with below
        except FileNotFoundError:  # the folders were removed behind our back
            self._make_shards()
            fh = open(tmp, "wb")  # noqa: SIM115
        with fh:
            if isinstance(data, (bytes, bytearray, memoryview)):
                fh.write(data)
                size = len(data)
            else:
                while chunk := data.read(1024 * 1024):
                    fh.write(chunk)
                    size += len(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
        if legacy.exists():  # stored again (an overwrite): the earlier copy must not be read any more
            legacy.unlink()
        return size

    def get(self, key: str) -> bytes:
        with self.open(key) as fh:
            return fh.read()

    def open(self, key: str) -> BinaryIO:
        for path in self._paths(key):
            try:
                return open(path, "rb")
            except FileNotFoundError:
                pass
        raise NotFound("文件不存在")

    def read_range(self, key: str, offset: int, length: int) -> bytes:
        _check_range(offset, length)
        with self.open(key) as fh:
            fh.seek(offset)
            return fh.read(length)

    def exists(self, key: str) -> bool:
        return any(path.exists() for path in self._paths(key))

    def delete(self, key: str) -> None:
        for path in self._paths(key):
            try:
                path.unlink()
            except FileNotFoundError:
                pass

    def iter_keys(self, prefix: str = "") -> Iterator[str]:
        if not self.root.exists():
            return
        for path in self.root.rglob("*"):
            if path.is_file() and not path.name.startswith("."):
                key = path.name.replace("__", "/")
                if key.startswith(prefix):
                    yield key


_store: BlobStore | None = None


def blobs() -> BlobStore:
    global _store
    if _store is None:
        settings = get_settings()
        if settings.blob_backend == "s3":
            from radix.core.storage_s3 import S3BlobStore

            _store = S3BlobStore.from_settings(settings)
        else:
            _store = FileBlobStore(settings.blob_dir)
    return _store


def reset_blobs() -> None:
    global _store
    _store = None
