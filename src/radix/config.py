"""Process configuration, read from the environment (prefix ``RADIX_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RADIX_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path("./var"))
    database_url: str | None = None
    redis_url: str | None = None
    #: blob store: ``fs`` (files sharded under ``<data dir>/blobs``) or ``s3`` (an S3-compatible object store)
    blob_backend: Literal["fs", "s3"] = "fs"
    #: S3 endpoint, e.g. http://minio:9000 (unset: AWS itself)
    s3_url: str | None = None
    s3_bucket: str | None = None
    #: unset: boto3's usual credential chain (AWS_* variables, instance role)
    s3_access_key: str | None = None
    s3_secret_key: str | None = None
    s3_region: str = "us-east-1"
    #: keys are stored as ``<prefix>/<key>`` (several installations can share one bucket)
    s3_prefix: str = ""
    #: ``path`` (default with an endpoint: MinIO, Ceph and most S3-compatible stores) or ``virtual``
    s3_addressing_style: Literal["auto", "path", "virtual"] | None = None

    host: str = "127.0.0.1"
    port: int = 8000
    dicom_port: int = 11112
    dicom_ae_title: str = "RADIX"

    secret_key: str = "radix-dev-secret-change-me"
    cookie_name: str = "radix_session"
    cookie_secure: bool = False
    session_max_hours: int = 24 * 7
    #: console base URL used to build tenant login URLs, e.g. https://radix.example.org
    public_url: str = ""

    #: a re-sent SOP Instance UID: keep the stored one, overwrite it, or reject the new one
    duplicate_policy: str = "keep"
    #: calling AE titles that are not a registered node: refuse the association, or quarantine what they
    #: send under the platform tenant
    unknown_callers: str = "refuse"
    #: receiver processes sharing the DICOM port (one listening socket; the least busy accepts)
    dicom_processes: int = 2

    #: run jobs in the calling process instead of a queue (tests, CLI one-shots)
    jobs_immediate: bool = False
    log_sql: bool = False
    #: trust X-Forwarded-For (only behind a reverse proxy you run)
    trust_proxy: bool = False
    #: display time zone for exports and reports
    timezone: str = "Asia/Shanghai"

    @model_validator(mode="after")
    def _s3_needs_a_bucket(self) -> Settings:
        if self.blob_backend == "s3" and not self.s3_bucket:
            raise ValueError("RADIX_BLOB_BACKEND=s3 需要设置 RADIX_S3_BUCKET（对象存储桶名）")
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'radix.db').resolve()}"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"


@lru_cache
def get_settings() -> Settings:
    return Settings()


def reset_settings() -> None:
    """Forget cached settings (after the environment changed, e.g. in tests or the CLI)."""
    get_settings.cache_clear()
