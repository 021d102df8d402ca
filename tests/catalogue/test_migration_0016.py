"""Migration 0016 drops offer_terms; its downgrade rebuilds the postings from the term sets of the offers."""

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from catalogue.importer import import_file
from cli.main import ROOT, setup_database
from core.db import dispose, session_scope
from tests.conftest import POSTGRES, SMALL, _drop_postgres, _fresh_postgres


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgres", marks=pytest.mark.skipif(not POSTGRES, reason="BILDUNGSLOTSE_TEST_POSTGRES_URL not set (CI sets it)")
        ),
    ]
)
def fresh_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'm.db'}" if request.param == "sqlite" else _fresh_postgres(POSTGRES or "")
    setup_database(url, sample=False)
    with session_scope(url) as session:
        import_file(session=session, path=SMALL)
    yield url
    dispose(url)
    if request.param == "postgres":
        _drop_postgres(POSTGRES or "", url)


def test_down_and_up_again(fresh_url: str) -> None:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("sqlalchemy.url", fresh_url.replace("%", "%%"))
    dispose(fresh_url)
    command.downgrade(cfg, "0015")
    engine = sa.create_engine(fresh_url)
    with engine.connect() as conn:
        postings = conn.execute(sa.text("SELECT count(*) FROM offer_terms")).scalar()
        expected = conn.execute(
            sa.text("SELECT count(*) FROM offers o JOIN offer_term_sets s ON s.terms_key = o.terms_key")
        ).scalar()
        assert postings == expected and postings
    command.upgrade(cfg, "head")
    with engine.connect() as conn:
        assert "offer_terms" not in sa.inspect(conn).get_table_names()
        assert "ix_offers_terms_key" in {i["name"] for i in sa.inspect(conn).get_indexes("offers")}
    engine.dispose()
