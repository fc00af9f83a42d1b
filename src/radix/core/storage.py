"""Blob storage. The filesystem backend (default) shards keys over 256 folders under ``<data dir>/blobs``
and makes a write durable (fsync of the file, an atomic rename, fsync of its folder) before returning. The S3
backend (``RADIX_BLOB_BACKEND=s3``, :mod:`radix.core.storage_s3`) returns once the object store has
acknowledged the object; it is imported only when configured, so boto3 is needed only then."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import mmap
import os
import secrets
import threading
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


#: O_DIRECT wants the memory, the length and the file offset of a write aligned; 4096 covers the block sizes
#: in use (this disk's logical block is 512 bytes, its pages 4096)
ALIGN = 4096
#: the aligned buffers data passes through on its way to the disk, and how many are kept for reuse
DIRECT_BUFFER = 4 * 1024 * 1024
_KEEP_BUFFERS = 8
_buffers: list[mmap.mmap] = []
_buffers_lock = threading.Lock()


def _take_buffer() -> mmap.mmap:
    with _buffers_lock:
        if _buffers:
            return _buffers.pop()
    return mmap.mmap(-1, DIRECT_BUFFER)  # anonymous memory is page-aligned


def _give_buffer(buf: mmap.mmap) -> None:
    with _buffers_lock:
        if len(_buffers) < _KEEP_BUFFERS:
            _buffers.append(buf)
            return
    buf.close()


def _write_all(fd: int, data: memoryview) -> None:
    while data:
        data = data[os.write(fd, data):]


def _chunks(data: bytes | bytearray | memoryview | BinaryIO) -> Iterator[bytes | bytearray | memoryview]:
    if isinstance(data, (bytes, bytearray, memoryview)):
        yield data
    else:
        while chunk := data.read(1024 * 1024):
            yield chunk


def _write_direct(fd: int, data: bytes | bytearray | memoryview | BinaryIO) -> int:
    """Write ``data`` to ``fd`` (opened with ``O_DIRECT``) through a reused aligned buffer: the whole
    blocks go straight to the disk, the last partial block through the page cache (``O_DIRECT`` is then
    cleared on ``fd``). A filesystem that refuses a direct write gets the rest written normally."""
    buf = _take_buffer()
    view = memoryview(buf)
    direct = True
    written = filled = 0

    def flush(upto: int) -> None:
        nonlocal direct
        if direct:
            try:
                _write_all(fd, view[:upto])
                return
            except OSError as exc:
                if exc.errno != errno.EINVAL or os.lseek(fd, 0, os.SEEK_CUR) != written:
                    raise
                direct = _buffered(fd)
        _write_all(fd, view[:upto])

    try:
        for chunk in _chunks(data):
            source = memoryview(chunk).cast("B")
            while source:
                n = min(len(source), DIRECT_BUFFER - filled)
                view[filled:filled + n] = source[:n]
                source = source[n:]
                filled += n
                if filled == DIRECT_BUFFER:
                    flush(filled)
                    written += filled
                    filled = 0
        head = filled - filled % ALIGN
        if head:
            flush(head)
        if filled > head:
            if direct:
                direct = _buffered(fd)
            _write_all(fd, view[head:filled])
        return written + filled
    finally:
        view.release()
        _give_buffer(buf)


def _write_buffered(fd: int, data: bytes | bytearray | memoryview | BinaryIO) -> int:
    size = 0
    for chunk in _chunks(data):
        _write_all(fd, memoryview(chunk).cast("B"))
        size += len(chunk)
    return size


def _buffered(fd: int) -> bool:
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_DIRECT)
    return False


class FileBlobStore:
    """Files under ``root/<2 hex digits>/``. The 256 folders are made (and made durable) once, on the
    first write: a put never makes a folder. The earlier layout, ``root/<2>/<2>/`` (65,536 folders), made
    one for most of the first hundred thousand files — a folder inode and a parent update per instance,
    7 % of the receivers' time — and left the new folder's own entry unsynced. Files stored that way
    are still read, found and deleted where they are."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._ready = False  # the shard folders exist
        self._direct = hasattr(os, "O_DIRECT")  # False once the filesystem refused O_DIRECT (tmpfs)

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
        try:
            fd = self._create(tmp)
        except FileNotFoundError:  # the folders were removed behind our back
            self._make_shards()
            fd = self._create(tmp)
        try:
            size = _write_direct(fd, data) if self._direct else _write_buffered(fd, data)
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            tmp.unlink(missing_ok=True)
            raise
        os.close(fd)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
        if legacy.exists():  # stored again (an overwrite): the earlier copy must not be read any more
            legacy.unlink()
        return size

    def _create(self, tmp: Path) -> int:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
        if self._direct:
            try:
                return os.open(tmp, flags | os.O_DIRECT, 0o644)
            except OSError as exc:
                if exc.errno != errno.EINVAL:
                    raise
                self._direct = False
        return os.open(tmp, flags, 0o644)

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
