"""Alembic, driven from Python: ``radix db upgrade|downgrade`` and ``radix serve`` use this."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.set_main_option("file_template", "%%(year)d-%%(month).2d-%%(day).2d_%%(slug)s")
    cfg.set_main_option("truncate_slug_length", "40")
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


def revision(url: str, message: str, autogenerate: bool = True, rev_id: str | None = None) -> None:
    command.revision(alembic_config(url), message=message, autogenerate=autogenerate, rev_id=rev_id)


def current(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    from radix.core.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        rev = MigrationContext.configure(conn).get_current_revision()
    engine.dispose()
    return rev
