"""Database plumbing: the declarative base, portable column types, mixins, engine and sessions.

SQLite (the embedded default) gets WAL, foreign keys and a busy timeout on every connection;
PostgreSQL is used as is. Model code only ``flush()``es; the request (or job) commits.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import threading
import weakref
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp that is always timezone-aware UTC in Python, whatever the database keeps."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


#: 64-bit primary keys on PostgreSQL, the rowid alias on SQLite
BigIntPK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
#: JSON everywhere (SQLite's JSON1, PostgreSQL's JSONB)
JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime(), dict[str, Any]: JSONType, list[Any]: JSONType}


class IdMixin:
    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ActorMixin:
    """Who created / last changed the row (filled from the session's principal on flush)."""

    created_by: Mapped[str | None] = mapped_column(sa.String(64))
    updated_by: Mapped[str | None] = mapped_column(sa.String(64))


class Entity(IdMixin, TimestampMixin, ActorMixin):
    """The usual columns of a manageable row: id, timestamps, actor."""


# --- engine and sessions ---------------------------------------------------------------------


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=15000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str, *, echo: bool = False) -> Engine:
    kwargs: dict[str, Any] = {"echo": echo, "future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 15}
        # the connection used last goes out next: its page cache is still good (SQLite drops a connection's
        # cache whenever another connection has written since it last read)
        kwargs["pool_use_lifo"] = True
        engine = sa.create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs["pool_pre_ping"] = True
    kwargs["pool_size"] = 10
    kwargs["max_overflow"] = 20
    return sa.create_engine(url, **kwargs)


class Prepared:
    """A Core statement compiled once per dialect and run straight on the DBAPI cursor.

    For the few statements of a hot path (the DICOM receivers run five for every instance): the SQL, the
    parameter order and the type conversions are SQLAlchemy's own, as ``Connection.execute`` would use them,
    without its per-call work (execution context, parameter construction, result wrapping), which took
    ~40 µs a statement here. The statement runs in the connection's transaction, begun if there is none.
    ``keys`` are the columns an INSERT or UPDATE sets; a column with a Python-side default (``default=``,
    ``onupdate=``) is not filled in here: pass it, or the call fails with a KeyError that names it.
    """

    def __init__(self, stmt: sa.Executable, *keys: str) -> None:
        self.stmt = stmt
        self.keys = list(keys) or None
        self._plans: weakref.WeakKeyDictionary[sa.Dialect, _Plan] = weakref.WeakKeyDictionary()

    def plan(self, dialect: sa.Dialect) -> _Plan:
        plan = self._plans.get(dialect)
        if plan is None:
            compiled = self.stmt.compile(dialect=dialect, column_keys=self.keys)  # type: ignore[attr-defined]
            plan = self._plans[dialect] = _Plan(compiled, dialect)
        return plan

    def _cursor(self, conn: sa.Connection) -> tuple[_Plan, Any]:
        if not conn.in_transaction():
            conn.begin()
        return self.plan(conn.dialect), conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]

    def execute(self, conn: sa.Connection, params: Mapping[str, Any]) -> Any:
        """The DBAPI cursor, executed: ``fetchone()``, ``rowcount``… as the driver gives them. The driver's
        errors are raised as SQLAlchemy's (``sqlalchemy.exc.IntegrityError``…), as ``execute`` raises them."""
        plan, cursor = self._cursor(conn)
        return self._run(conn, plan, cursor, cursor.execute, plan.args(params))

    def executemany(self, conn: sa.Connection, rows: Iterable[Mapping[str, Any]]) -> Any:
        plan, cursor = self._cursor(conn)
        return self._run(conn, plan, cursor, cursor.executemany, [plan.args(row) for row in rows])

    def first(self, conn: sa.Connection, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """A query's first row (None when there is none), its cursor closed: nothing is left open."""
        cursor = self.execute(conn, params)
        try:
            return cursor.fetchone()
        finally:
            cursor.close()

    @staticmethod
    def _run(conn: sa.Connection, plan: _Plan, cursor: Any, call: Any, args: Any) -> Any:
        try:
            call(plan.sql, args)
        except conn.dialect.loaded_dbapi.Error as exc:
            raise sa.exc.DBAPIError.instance(plan.sql, args, exc, conn.dialect.loaded_dbapi.Error,
                                             dialect=conn.dialect) from exc
        return cursor


class _Plan:
    """One statement for one dialect: its SQL text and how to turn named values into the driver's arguments."""

    def __init__(self, compiled: Any, dialect: sa.Dialect) -> None:
        self.sql: str = compiled.string
        self.positional: bool = bool(compiled.positional)
        if self.positional:
            names = list(compiled.positiontup)
        else:  # only the names the text uses (a compiled statement also carries unused internal ones)
            escaped = getattr(compiled, "escaped_bind_names", None) or {}
            style = dialect.paramstyle
            mark = "%({})s" if style == "pyformat" else ":{}"
            names = [n for n in compiled.binds if mark.format(escaped.get(n, n)) in self.sql]
            self.driver_names = [escaped.get(n, n) for n in names]
        self.steps: list[tuple[str, Any, Any]] = []
        for name in names:
            bind = compiled.binds[name]
            value = bind.value if bind.callable is None else bind.callable()
            default = _MISSING if value is None or bind.required else value
            self.steps.append((name, bind.type.bind_processor(dialect), default))

    def args(self, params: Mapping[str, Any]) -> Any:
        values = []
        for name, process, default in self.steps:
            if name in params:
                value = params[name]
            elif default is not _MISSING:
                value = default
            else:
                raise KeyError(f"no value for '{name}' in a prepared statement")
            values.append(value if process is None else process(value))
        return tuple(values) if self.positional else dict(zip(self.driver_names, values, strict=True))


_MISSING = object()


class WriterTurns:
    """Writers of one SQLite file take turns here, in the kernel, instead of in SQLite's busy handler.

    SQLite lets one writer in at a time; the others sleep in its busy handler and retry (after 1, 2, 5,
    10… ms), so writers that meet often — the DICOM receivers, several processes and threads, one short
    transaction per instance — spend more time asleep than writing. Here a writer waits on a lock file
    (``flock``, woken the moment the previous writer is done) and, within the process, on a mutex (a
    ``flock`` is shared by every thread of a process). Only hot write paths take turns; every other writer
    keeps SQLite's own handling.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._mutex = threading.Lock()
        self._fd: int | None = None

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        with self._mutex:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)


class Database:
    """One engine and session factory per process, created from the settings on first use."""

    def __init__(self) -> None:
        self._engine: Engine | None = None
        self._factory: sessionmaker[Session] | None = None
        self._turns: WriterTurns | None = None
        self.url: str | None = None

    def configure(self, url: str, *, echo: bool = False) -> None:
        if self._engine is not None:
            self._engine.dispose()
        self.url = url
        self._engine = make_engine(url, echo=echo)
        self._factory = sessionmaker(self._engine, expire_on_commit=False, autoflush=True)
        database = self._engine.url.database if self._engine.dialect.name == "sqlite" else None
        self._turns = WriterTurns(f"{database}.writers") if database and database != ":memory:" else None

    def writer_turn(self) -> contextlib.AbstractContextManager[None]:
        """Around a short write transaction on a hot path: see ``WriterTurns`` (nothing on PostgreSQL)."""
        self._ensure()
        return self._turns.turn() if self._turns is not None else contextlib.nullcontext()

    def _ensure(self) -> None:
        if self._engine is None:
            from radix.config import get_settings

            settings = get_settings()
            if settings.resolved_database_url.startswith("sqlite"):
                settings.data_dir.mkdir(parents=True, exist_ok=True)
            self.configure(settings.resolved_database_url, echo=settings.log_sql)

    @property
    def engine(self) -> Engine:
        self._ensure()
        assert self._engine is not None
        return self._engine

    def session(self) -> Session:
        self._ensure()
        assert self._factory is not None
        return self._factory()

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        self._engine = None
        self._factory = None


db = Database()


@contextlib.contextmanager
def session_scope(*, commit: bool = True) -> Iterator[Session]:
    """A unit of work outside a request (CLI, jobs): commit on success, roll back on error."""
    session = db.session()
    try:
        yield session
        if commit:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def enum_column(enum_cls: type, length: int = 16) -> sa.Enum:
    """A portable enum column: stored as its string value (VARCHAR + no native type)."""
    return sa.Enum(enum_cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e],
                   validate_strings=True)
