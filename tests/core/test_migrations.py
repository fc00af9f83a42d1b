"""One Alembic tree: upgrade → downgrade → upgrade on this run's database engine, and the models
match the migrations exactly."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from radix.core import migrate
from radix.core.db import make_engine


@pytest.fixture()
def scratch_url(tmp_path):
    base = os.environ.get("RADIX_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    name = f"radix_mig_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(scratch_url):
    from radix.models import metadata

    migrate.upgrade(scratch_url)
    assert _tables(scratch_url) == set(metadata.tables)
    assert migrate.current(scratch_url) is not None
    migrate.downgrade(scratch_url, "base")
    assert _tables(scratch_url) == set()
    migrate.upgrade(scratch_url)
    assert _tables(scratch_url) == set(metadata.tables)


def test_models_match_migrations(scratch_url):
    from radix.models import metadata

    migrate.upgrade(scratch_url)
    engine = make_engine(scratch_url)
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
