"""One Alembic tree: upgrade → downgrade → upgrade on this run's database engine, and the models
match the migrations exactly."""

from __future__ import annotations


import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from radix.core import migrate
from radix.core.db import make_engine


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(scratch_database_url):
    from radix.models import metadata

    migrate.upgrade(scratch_database_url)
    assert _tables(scratch_database_url) == set(metadata.tables)
    assert migrate.current(scratch_database_url) is not None
    migrate.downgrade(scratch_database_url, "base")
    assert _tables(scratch_database_url) == set()
    migrate.upgrade(scratch_database_url)
    assert _tables(scratch_database_url) == set(metadata.tables)


def test_models_match_migrations(scratch_database_url):
    from radix.models import metadata

    migrate.upgrade(scratch_database_url)
    engine = make_engine(scratch_database_url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, metadata)
    engine.dispose()
    assert diff == [], f"models differ from migrations (run tools/regen_migration.py or add a revision): {diff}"


def test_migration_files_are_named_by_date_and_slug():
    import re

    names = [p.name for p in (migrate.MIGRATIONS / "versions").glob("*.py")]
    assert names and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}_[a-z0-9_]+\.py", n) for n in names), names


def test_sqlite_pragmas(database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite only")
    from radix.core.db import db

    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
