"""Process configuration, read from the environment (prefix ``RADIX_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RADIX_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path("./var"))
    database_url: str | None = None
    redis_url: str | None = None
    s3_url: str | None = None

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
    #: receiver processes sharing the DICOM port (SO_REUSEPORT)
    dicom_processes: int = 2

    #: run jobs in the calling process instead of a queue (tests, CLI one-shots)
    jobs_immediate: bool = False
    log_sql: bool = False
    #: trust X-Forwarded-For (only behind a reverse proxy you run)
    trust_proxy: bool = False
    #: display time zone for exports and reports
    timezone: str = "Asia/Shanghai"

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
