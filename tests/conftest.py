"""Shared fixtures: a migrated database with reference data and a small catalogue, on SQLite and,
when BILDUNGSLOTSE_TEST_POSTGRES_URL is set, on PostgreSQL too."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from catalogue.importer import import_file
from cli.main import setup_database
from core.db import read_scope, session_scope

HERE = Path(__file__).resolve().parent
SMALL = HERE / "data" / "offers_small.json"
POSTGRES = os.environ.get("BILDUNGSLOTSE_TEST_POSTGRES_URL")


def _fresh_postgres(base_url: str) -> str:
    """A throw-away schema-less database per test session: create a new database and return its URL."""
    name = f"bl_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base_url.rsplit("/", 1)[0] + "/" + name


def _drop_postgres(base_url: str, url: str) -> None:
    from core.db import dispose

    dispose(url)
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def _params() -> list[object]:
    return [
        "sqlite",
        pytest.param(
            "postgres",
            marks=pytest.mark.skipif(not POSTGRES, reason="BILDUNGSLOTSE_TEST_POSTGRES_URL not set (CI sets it)"),
        ),
    ]


@pytest.fixture(scope="session", params=_params())
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database with the reference data and the small test catalogue (no sample)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        setup_database(url, sample=False)
        with session_scope(url) as session:
            import_file(session=session, path=SMALL)
        yield url
    else:
        assert POSTGRES
        url = _fresh_postgres(POSTGRES)
        setup_database(url, sample=False)
        with session_scope(url) as session:
            import_file(session=session, path=SMALL)
        yield url
        _drop_postgres(POSTGRES, url)


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    """A plain (deferred) session: it must not hold the write lock while the code under test writes."""
    with read_scope(database_url) as s:
        yield s


@pytest.fixture(scope="session")
def sample_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """SQLite with the full sample catalogue, for search-quality measurements."""
    url = f"sqlite:///{tmp_path_factory.mktemp('sample') / 'sample.db'}"
    setup_database(url, sample=True)
    return url
