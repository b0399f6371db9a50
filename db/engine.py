"""Engines and sessions for SQLite (embedded default) and PostgreSQL (production)."""

from sqlalchemy import ColumnElement, any_, bindparam, event
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+psycopg"}


def async_url(database_url: str) -> URL:
    """The async-driver form of a database URL ("postgresql://" → psycopg, "sqlite://" → aiosqlite)."""
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend not in _ASYNC_DRIVERS:
        raise ValueError(f"unsupported database {backend!r}: use sqlite or postgresql")
    if url.drivername in _ASYNC_DRIVERS:
        url = url.set(drivername=_ASYNC_DRIVERS[backend])
    return url


def create_engine(database_url: str, **kwargs) -> AsyncEngine:
    url = async_url(database_url)
    # Statement parameters carry members' messages and names: keep them out of error logs.
    kwargs.setdefault("hide_parameters", True)
    if url.get_backend_name() == "sqlite":
        # One connection per process: SQLite has one writer at a time, and waiting for the pool
        # (first come, first served) is fair where SQLite's busy handler, which sleeps and
        # retries, lets a busy writer starve the others.
        kwargs.setdefault("pool_size", 1)
        kwargs.setdefault("max_overflow", 0)
        from db import sqlite_loop

        # Statements run in the event loop's thread, commits in the driver's (see db/sqlite_loop.py).
        engine = create_async_engine(url, connect_args={"timeout": 30, "async_creator_fn": sqlite_loop.connect},
                                     **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    # A server that is away fails a connection within seconds instead of holding its caller (a
    # webhook, a worker) for the system's TCP timeout; the pool's pre-ping drops connections
    # that died with it, so the service carries on by itself when it is back.
    kwargs.setdefault("pool_timeout", 5)
    # No JIT: a statement over a check's 10,000 members is estimated costly enough for PostgreSQL
    # to compile it, which takes longer (150 ms and more) than running it.
    kwargs.setdefault("connect_args", {"connect_timeout": 5, "options": "-c jit=off"})
    return create_async_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide when a transaction begins (see "begin" below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection):
        # Take the write lock up front: a deferred transaction that reads and then writes
        # can fail with SQLITE_BUSY instead of waiting when another writer got there first.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


def among(session: AsyncSession, column, values) -> ColumnElement[bool]:
    """`column IN values`; on PostgreSQL `column = ANY(:values)`, one array parameter, so that the
    statement's text is the same whatever the number of values: psycopg converts it once (not a
    statement of 64 parameters each time: a tenth of a worker's CPU) and prepares it, and the
    server plans it once. The worker's batches name their users this way."""
    values = list(values)
    if session.bind.dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    return column.in_(values)
