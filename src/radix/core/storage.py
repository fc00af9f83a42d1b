"""Blob storage. The filesystem backend (default) shards keys under ``<data dir>/blobs`` and makes a
write durable (fsync of the file and its directory, then an atomic rename) before returning. The S3
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


class FileBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._dirs: set[Path] = set()  # shard folders known to exist: no mkdir per put

    def _path(self, key: str) -> Path:
        key = _check_key(key)
        digest = hashlib.sha1(key.encode()).hexdigest()
        return self.root / digest[:2] / digest[2:4] / key.replace("/", "__")

    def put(self, key: str, data: bytes | BinaryIO) -> int:
        path = self._path(key)
        if path.parent not in self._dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(path.parent)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        size = 0
        try:
            fh = open(tmp, "wb")  # noqa: SIM115 — closed by the with below
        except FileNotFoundError:  # the folder was removed behind our back
            path.parent.mkdir(parents=True, exist_ok=True)
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
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        return size

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise NotFound("文件不存在") from None

    def open(self, key: str) -> BinaryIO:
        try:
            return open(self._path(key), "rb")
        except FileNotFoundError:
            raise NotFound("文件不存在") from None

    def read_range(self, key: str, offset: int, length: int) -> bytes:
        _check_range(offset, length)
        with self.open(key) as fh:
            fh.seek(offset)
            return fh.read(length)

    def exists(self, key: str) -> bool:
        return self._path(key).exists()

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink()
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
