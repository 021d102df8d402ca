"""Database engines and sessions, created lazily so that importing a module never opens a database.

Two kinds of unit of work, both short and both committed before a response leaves:
- ``session_scope(url)`` writes. On SQLite it starts with ``BEGIN IMMEDIATE`` under a per-process lock, so
  that writers queue instead of failing with "database is locked" when a read snapshot would have to be
  upgraded (the classic WAL pitfall), and it takes the write lock only as long as the transaction lasts.
- ``read_scope(url)`` reads. On SQLite a plain deferred transaction, which in WAL mode never waits for writers.

Pools are bounded and wait at most ``POOL_TIMEOUT_S``; a saturated pool raises ``sqlalchemy.exc.TimeoutError``,
which the gateway answers with 503 and ``Retry-After`` instead of letting requests pile up.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, TypeDecorator, create_engine, event, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from core.config import get_settings

POOL_SIZE = 10
MAX_OVERFLOW = 15
POOL_TIMEOUT_S = 5.0
SQLITE_BUSY_TIMEOUT_MS = 5000


class Base(DeclarativeBase):
    pass


def utcnow() -> dt.datetime:
    """The one clock of the stored timestamps (aware, UTC)."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp that always comes back timezone-aware (UTC). SQLite stores no offset, so without this the API
    would send naive times from SQLite and aware ones from PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str, *, immediate: bool = False) -> Engine:
    """An engine for ``url``; on SQLite ``immediate`` makes every transaction ``BEGIN IMMEDIATE``."""
    if not is_sqlite(url):
        return create_engine(url, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=MAX_OVERFLOW, pool_timeout=POOL_TIMEOUT_S)
    path = make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        pool_size=POOL_SIZE,
        max_overflow=MAX_OVERFLOW,
        pool_timeout=POOL_TIMEOUT_S,
    )

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        # The driver's own transaction handling is switched off so that the "begin" hook below decides.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer, across processes
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; WAL keeps it consistent
        cur.execute("PRAGMA secure_delete=ON")  # deleted texts are overwritten, not left in free pages
        cur.close()

    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine, "begin")
    def _sqlite_begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql(begin)

    return engine


def get_engine(url: str | None = None) -> Engine:
    # Resolve the URL before the cache, so a changed setting never gets a stale engine.
    return _engine_for(url or get_settings().database_url)


@lru_cache
def _engine_for(url: str, immediate: bool = False) -> Engine:
    return make_engine(url, immediate=immediate)


@lru_cache
def _session_factory(url: str, write: bool) -> sessionmaker[Session]:
    # On PostgreSQL one engine serves both kinds; on SQLite writers get their own BEGIN IMMEDIATE pool.
    immediate = write and is_sqlite(url)
    return sessionmaker(bind=_engine_for(url, immediate), expire_on_commit=False)


@lru_cache
def _write_lock(url: str) -> threading.Lock:
    # Not re-entrant on purpose: FastAPI enters a dependency in one worker thread and may leave it in another.
    # A write scope opened inside another one in the same process would wait; it times out instead of hanging.
    return threading.Lock()


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A writing unit of work: commits on success, rolls back on error."""
    url = url or get_settings().database_url
    lock = _write_lock(url) if is_sqlite(url) else None
    if lock is not None and not lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
        from sqlalchemy.exc import TimeoutError as PoolTimeout

        raise PoolTimeout("SQLite write lock busy")
    session = _session_factory(url, True)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        if lock is not None:
            lock.release()


@contextmanager
def read_scope(url: str | None = None) -> Iterator[Session]:
    """A reading unit of work; nothing it changes is kept."""
    session = _session_factory(url or get_settings().database_url, False)()
    try:
        yield session
    finally:
        session.close()  # ends the transaction; loaded objects stay readable (detached, not expired)


def dispose(url: str) -> None:
    """Close every pooled connection to ``url`` (tests dropping a database, after a fork)."""
    for immediate in (False, True):
        _engine_for(url, immediate).dispose()


def checkpoint(url: str) -> None:
    """After a deletion on SQLite: move the WAL into the database file and truncate it, so deleted texts do not
    linger in the log (``secure_delete`` then overwrites them in the file). Best effort while others read."""
    if not is_sqlite(url):
        return
    raw = _engine_for(url, False).raw_connection()  # no BEGIN: a checkpoint cannot run inside a transaction
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
    finally:
        raw.close()
