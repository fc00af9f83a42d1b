"""``Prepared``: a Core statement run on the DBAPI cursor writes and reads what ``Connection.execute`` does,
in the connection's transaction, with SQLAlchemy's errors (on SQLite and on PostgreSQL)."""

import datetime as dt
import enum
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from radix.core.db import Prepared, UTCDateTime, db, enum_column, utcnow
from tests.conftest import unique


class Colour(enum.Enum):
    RED = "red"
    GREEN = "green"


@pytest.fixture()
def table() -> Iterator[sa.Table]:
    meta = sa.MetaData()
    t = sa.Table(
        unique("prep"), meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("code", sa.String(20), nullable=False, unique=True),
        sa.Column("colour", enum_column(Colour)),
        sa.Column("at", UTCDateTime()),
        sa.Column("count", sa.Integer, nullable=False, default=0),
        sa.Column("note", sa.String(50)),
        sa.Column("changed", UTCDateTime(), default=utcnow, onupdate=utcnow),
    )
    meta.create_all(db.engine)
    yield t
    meta.drop_all(db.engine)


def test_rows_written_on_the_cursor_read_back_as_core_writes_them(table: sa.Table) -> None:
    at = dt.datetime(2026, 11, 28, 23, 40, 1, 123456, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    prepared = Prepared(sa.insert(table).inline(), "code", "colour", "at", "count", "note", "changed")
    row = {"colour": Colour.GREEN, "at": at, "count": 3, "note": "影像", "changed": at}
    with db.engine.begin() as conn:
        prepared.execute(conn, {"code": "a", **row})
        conn.execute(sa.insert(table), {"code": "b", **row})
    with db.engine.connect() as conn:
        got = {r.code: r for r in conn.execute(sa.select(table))}
    assert got["a"].colour is Colour.GREEN and got["a"].at == at and got["a"].at.utcoffset() == dt.timedelta(0)
    assert {k: v for k, v in got["a"]._mapping.items() if k not in ("id", "code")} == \
        {k: v for k, v in got["b"]._mapping.items() if k not in ("id", "code")}


def test_many_rows_a_select_and_an_update_with_a_name_used_twice(table: sa.Table) -> None:
    p = sa.bindparam
    insert = Prepared(sa.insert(table).inline(), "code", "count", "changed")
    select = Prepared(sa.select(table.c.code, table.c.count, table.c.at).where(table.c.count >= p("least"))
                      .order_by(table.c.code))
    # ``at`` twice, and ``count + 1`` carries a literal the caller does not pass
    bump = Prepared(sa.update(table).where(table.c.code == p("code"))
                    .values(count=table.c.count + 1, at=p("at", type_=UTCDateTime()),
                            changed=p("at", type_=UTCDateTime())))
    now = utcnow()
    with db.engine.begin() as conn:
        insert.executemany(conn, [{"code": f"c{n}", "count": n, "changed": now} for n in range(3)])
        assert bump.execute(conn, {"code": "c1", "at": now}).rowcount == 1
        assert bump.execute(conn, {"code": "nope", "at": now}).rowcount == 0
        cursor = select.execute(conn, {"least": 1})
        rows = cursor.fetchall()
        cursor.close()
    assert [tuple(r[:2]) for r in rows] == [("c1", 2), ("c2", 2)]
    with db.engine.connect() as conn:
        (at,) = conn.execute(sa.select(table.c.at).where(table.c.code == "c1")).one()
    assert at == now


def test_a_missing_value_is_named_and_defaults_are_not_filled_in(table: sa.Table) -> None:
    with db.engine.begin() as conn:
        with pytest.raises(KeyError, match="code"):
            Prepared(sa.insert(table).inline(), "code", "count").execute(conn, {"count": 1})
        # ``changed`` has a Python-side default: SQLAlchemy would compute it, Prepared asks for it
        with pytest.raises(KeyError, match="changed"):
            Prepared(sa.insert(table).inline(), "code", "count").execute(conn, {"code": "x", "count": 0})


def test_driver_errors_are_sqlalchemys_and_the_transaction_is_the_connections(table: sa.Table) -> None:
    insert = Prepared(sa.insert(table).inline(), "code", "count", "changed")
    with db.engine.connect() as conn:
        insert.execute(conn, {"code": "kept", "count": 1, "changed": utcnow()})
        assert conn.in_transaction()  # begun for it
        conn.commit()
        insert.execute(conn, {"code": "dropped", "count": 1, "changed": utcnow()})
        conn.rollback()
        with pytest.raises(IntegrityError):
            insert.execute(conn, {"code": "kept", "count": 1, "changed": utcnow()})
        conn.rollback()
    with db.engine.connect() as conn:
        assert conn.scalars(sa.select(table.c.code)).all() == ["kept"]
