"""The S3-compatible blob store (boto3): AWS S3, MinIO, Ceph RGW and the clouds' S3 endpoints.

Durability: ``put`` returns only after the store acknowledged the object (PutObject, or
CompleteMultipartUpload for a stream above the multipart threshold), the point at which the
filesystem backend has fsynced. Every request body carries a Content-MD5, which every S3-compatible
store verifies; botocore's newer default CRC checksums (aws-chunked trailers) are switched off because
many S3-compatible stores refuse them.

Reading: ``open`` returns a seekable read-only file backed by ranged GETs, not a spooled download. The
archive's readers seek: a frame is a slice at ``pixel_offset``, a DICOM header is parsed from the start
and the rest skipped, and a 500 MB multi-frame file should not be downloaded to answer for one 0.5 MB
frame. The GET made at ``open`` (which is also where a missing key is reported, as the filesystem does)
fetches the first ``read_chunk`` bytes, so a typical instance is one request; later GETs carry
``If-Match`` with that answer's ETag, so an object overwritten while it is read fails loudly instead of
mixing two versions.

Errors: a missing key is :class:`NotFound`, as for the filesystem; an unreachable or refusing store is
:class:`StorageUnavailable` (HTTP 503, and an ``OSError`` so that ingest answers "out of resources").
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import os
import threading
from collections.abc import Iterator
from typing import Any, BinaryIO

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from radix.core.errors import Conflict, Invalid, NotFound
from radix.core.storage import StorageUnavailable, _check_key, _check_range

log = logging.getLogger(__name__)

MiB = 1024 * 1024
#: S3's limit on an object key, in UTF-8 bytes
MAX_KEY_BYTES = 1024

_MISSING = {"NoSuchKey", "404", "NotFound"}
_DENIED = {"AccessDenied", "403", "InvalidAccessKeyId", "SignatureDoesNotMatch", "AllAccessDisabled",
           "InvalidToken", "ExpiredToken", "InvalidSecurity"}


class _RangeNotSatisfiable(Exception):
    """HTTP 416: the range starts at or after the end of an object that exists."""


def _md5(body: bytes) -> str:
    return base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode()


def _read_upto(stream: BinaryIO, n: int) -> bytes:
    """Up to ``n`` bytes: fewer only at the end of the stream (sockets and pipes return short reads)."""
    chunks: list[bytes] = []
    got = 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


class S3BlobStore:
    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
        region: str = "us-east-1",
        prefix: str = "",
        addressing_style: str | None = None,
        multipart_threshold: int = 16 * MiB,
        part_size: int = 8 * MiB,
        read_chunk: int = 1 * MiB,
        page_size: int = 1000,
        max_attempts: int = 4,
        connect_timeout: float = 5,
        read_timeout: float = 60,
    ) -> None:
        # S3 itself wants parts of at least 5 MiB (but the last) and at most 10,000 of them: the
        # defaults store objects up to 78 GiB; smaller parts are for emulators set up to accept them
        if part_size <= 0 or multipart_threshold < 0 or read_chunk <= 0 or page_size <= 0:
            raise ValueError("part_size, read_chunk and page_size must be positive")
        self.bucket = bucket
        self.endpoint_url = endpoint_url
        stripped = prefix.strip("/")
        self.prefix = f"{stripped}/" if stripped else ""
        self.multipart_threshold = multipart_threshold
        self.part_size = part_size
        self.read_chunk = read_chunk
        self.page_size = page_size
        self._credentials = {"aws_access_key_id": access_key, "aws_secret_access_key": secret_key}
        self._config = Config(
            region_name=region,
            signature_version="s3v4",
            s3={"addressing_style": addressing_style or ("path" if endpoint_url else "auto")},
            retries={"mode": "standard", "max_attempts": max_attempts},
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            max_pool_connections=32,
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        self._lock = threading.Lock()
        self._client: Any = None
        self._pid = 0

    @classmethod
    def from_settings(cls, settings: Any) -> S3BlobStore:
        return cls(
            settings.s3_bucket,
            endpoint_url=settings.s3_url or None,
            access_key=settings.s3_access_key or None,
            secret_key=settings.s3_secret_key or None,
            region=settings.s3_region,
            prefix=settings.s3_prefix,
            addressing_style=settings.s3_addressing_style,
        )

    # --- plumbing -----------------------------------------------------------------------------------

    @property
    def client(self) -> Any:
        """One client per process: a client's connection pool must not be shared across a fork."""
        pid = os.getpid()
        if self._client is None or self._pid != pid:
            with self._lock:
                if self._client is None or self._pid != pid:
                    session = boto3.session.Session()
                    self._client = session.client("s3", endpoint_url=self.endpoint_url, config=self._config,
                                                  **self._credentials)
                    self._pid = pid
        return self._client

    def _name(self, key: str) -> str:
        name = self.prefix + _check_key(key)
        if len(name.encode("utf-8")) > MAX_KEY_BYTES:
            raise Invalid.field("key", "文件路径过长")
        return name

    def _translate(self, exc: Exception, op: str, name: str | None) -> Exception:
        if isinstance(exc, ClientError):
            error = exc.response.get("Error", {})
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            code = str(error.get("Code") or status or "")
            if code in _MISSING:
                return NotFound("文件不存在")
            if code == "InvalidRange" or status == 416:
                return _RangeNotSatisfiable()
            if code in ("PreconditionFailed", "412"):
                return Conflict("文件在读取过程中被替换，请重试", code="BLOB_CHANGED")
            log.warning("object store %s %s/%s failed: %s %s", op, self.bucket, name, code,
                        error.get("Message"))
            if code == "NoSuchBucket":
                return StorageUnavailable(f"对象存储桶 {self.bucket} 不存在，请联系管理员",
                                          code="STORAGE_BUCKET_MISSING")
            if code in _DENIED:
                return StorageUnavailable("对象存储拒绝访问，请联系管理员检查访问密钥和权限",
                                          code="STORAGE_ACCESS_DENIED")
            return StorageUnavailable(f"对象存储出错（{code}），请稍后重试或联系管理员")
        log.warning("object store %s %s/%s failed: %r", op, self.bucket, name, exc)
        if isinstance(exc, NoCredentialsError):
            return StorageUnavailable("对象存储未配置访问密钥（RADIX_S3_ACCESS_KEY / RADIX_S3_SECRET_KEY）",
                                      code="STORAGE_ACCESS_DENIED")
        where = self.endpoint_url or "S3"
        return StorageUnavailable(f"无法连接对象存储（{where}），请稍后重试或联系管理员")

    def _call(self, op: str, **kw: Any) -> Any:
        try:
            return getattr(self.client, op)(Bucket=self.bucket, **kw)
        except (ClientError, BotoCoreError) as exc:
            raise self._translate(exc, op, kw.get("Key")) from exc

    def _body(self, response: Any, name: str) -> bytes:
        try:
            return response["Body"].read()  # botocore checks the length against Content-Length
        except (ClientError, BotoCoreError) as exc:
            raise self._translate(exc, "GetObject", name) from exc

    def _range(self, name: str, offset: int, length: int, *, etag: str | None = None) -> bytes:
        extra = {"IfMatch": etag} if etag else {}
        r = self._call("get_object", Key=name, Range=f"bytes={offset}-{offset + length - 1}", **extra)
        body = self._body(r, name)
        if not r.get("ContentRange"):  # a store that ignores Range sends the whole object
            body = body[offset:offset + length]
        return body

    # --- the BlobStore protocol ---------------------------------------------------------------------

    def put(self, key: str, data: bytes | BinaryIO) -> int:
        name = self._name(key)
        if isinstance(data, (bytes, bytearray, memoryview)):
            body = bytes(data)
            if len(body) <= self.multipart_threshold:
                self._put_object(name, body)
                return len(body)
            data = io.BytesIO(body)
        head = _read_upto(data, self.multipart_threshold + 1)
        if len(head) <= self.multipart_threshold:
            self._put_object(name, head)
            return len(head)
        return self._put_multipart(name, head, data)

    def _put_object(self, name: str, body: bytes) -> None:
        self._call("put_object", Key=name, Body=body, ContentLength=len(body), ContentMD5=_md5(body))

    def _put_multipart(self, name: str, head: bytes, stream: BinaryIO) -> int:
        """Parts of ``part_size`` read one at a time (memory stays at one part); any failure aborts the
        upload so that no half-written object and no orphan parts are left behind."""
        upload_id = self._call("create_multipart_upload", Key=name)["UploadId"]
        parts: list[dict[str, Any]] = []
        size = 0
        try:
            pending, eof = head, False
            while True:
                if len(pending) < self.part_size and not eof:
                    want = self.part_size - len(pending)
                    more = _read_upto(stream, want)
                    eof = len(more) < want
                    pending += more
                if not pending:
                    break
                body, pending = pending[:self.part_size], pending[self.part_size:]
                answer = self._call("upload_part", Key=name, UploadId=upload_id, PartNumber=len(parts) + 1,
                                    Body=body, ContentLength=len(body), ContentMD5=_md5(body))
                parts.append({"ETag": answer["ETag"], "PartNumber": len(parts) + 1})
                size += len(body)
                if eof and not pending:
                    break
            self._call("complete_multipart_upload", Key=name, UploadId=upload_id,
                       MultipartUpload={"Parts": parts})
        except BaseException:
            try:
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=name, UploadId=upload_id)
            except Exception:  # the store's lifecycle rule for incomplete uploads cleans up after that
                log.warning("could not abort the multipart upload of %s/%s", self.bucket, name, exc_info=True)
            raise
        return size

    def get(self, key: str) -> bytes:
        name = self._name(key)
        return self._body(self._call("get_object", Key=name), name)

    def open(self, key: str) -> BinaryIO:
        return _ObjectReader(self, self._name(key))  # type: ignore[return-value]

    def read_range(self, key: str, offset: int, length: int) -> bytes:
        name = self._name(key)
        _check_range(offset, length)
        if length == 0:
            self._call("head_object", Key=name)  # a missing key is NotFound whatever the range
            return b""
        try:
            return self._range(name, offset, length)
        except _RangeNotSatisfiable:  # at or after the end of an existing object
            return b""

    def exists(self, key: str) -> bool:
        try:
            self._call("head_object", Key=self._name(key))
        except NotFound:
            return False
        return True

    def delete(self, key: str) -> None:
        self._call("delete_object", Key=self._name(key))  # S3 deletes of a missing key succeed too

    def iter_keys(self, prefix: str = "") -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix + prefix, PaginationConfig={"PageSize": self.page_size})
        strip = len(self.prefix)
        try:
            for page in pages:
                for obj in page.get("Contents", ()):
                    yield obj["Key"][strip:]
        except (ClientError, BotoCoreError) as exc:
            raise self._translate(exc, "ListObjectsV2", prefix) from exc


class _ObjectReader(io.BufferedIOBase):
    """A read-only, seekable view of one object that keeps one window of ``read_chunk`` bytes.

    Not an ``io.BufferedReader`` on purpose: pydicom takes any BufferedReader for a file on disk and
    would try to reopen it by name for deferred values."""

    def __init__(self, store: S3BlobStore, name: str) -> None:
        super().__init__()
        self._store = store
        self._name = name
        self._pos = 0
        self._window_start = 0
        try:
            r = store._call("get_object", Key=name, Range=f"bytes=0-{store.read_chunk - 1}")
        except _RangeNotSatisfiable:  # an empty object
            head = store._call("head_object", Key=name)
            self._etag: str | None = head.get("ETag")
            self._window = b""
            self.size = int(head.get("ContentLength", 0))
            return
        self._etag = r.get("ETag")
        self._window = store._body(r, name)
        total = (r.get("ContentRange") or "").rpartition("/")[2]
        self.size = int(total) if total.isdigit() else len(self._window)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        self._checkClosed()  # type: ignore[attr-defined]
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._checkClosed()  # type: ignore[attr-defined]
        if whence == io.SEEK_SET:
            pos = offset
        elif whence == io.SEEK_CUR:
            pos = self._pos + offset
        elif whence == io.SEEK_END:
            pos = self.size + offset
        else:
            raise ValueError(f"invalid whence ({whence})")
        if pos < 0:
            raise OSError("negative seek position")
        self._pos = pos
        return pos

    def read(self, size: int | None = -1) -> bytes:
        self._checkClosed()  # type: ignore[attr-defined]
        rest = self.size - self._pos
        want = rest if size is None or size < 0 else min(size, rest)
        if want <= 0:
            return b""
        out = b""
        at = self._pos - self._window_start
        if 0 <= at < len(self._window):
            out = self._window[at:at + want]
        missing = want - len(out)
        if missing:
            start = self._pos + len(out)
            if missing >= self._store.read_chunk:  # a large read is one GET of just that, not kept
                out += self._fetch(start, missing)
            else:
                self._window = self._fetch(start, min(self._store.read_chunk, self.size - start))
                self._window_start = start
                out += self._window[:missing]
        self._pos += len(out)
        return out

    read1 = read

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[:len(data)] = data
        return len(data)

    readinto1 = readinto

    def _fetch(self, offset: int, length: int) -> bytes:
        try:
            data = self._store._range(self._name, offset, length, etag=self._etag)
        except _RangeNotSatisfiable:  # shorter than when it was opened
            data = b""
        if len(data) != length:
            raise Conflict("文件在读取过程中被替换，请重试", code="BLOB_CHANGED")
        return data
