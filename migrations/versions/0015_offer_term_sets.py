"""search: term sets (offer_term_sets, offers.terms_key) for the candidate query

A catalogue repeats the same course (title, keywords, description, provider) in many places and on many
dates, so many offers have the same search terms. The search scores each distinct term set once and then
reads only the offers of the best sets near the place (index on terms_key, online, lat, lon) instead of joining
and grouping every posting of the query terms (p95 ~2.2 s at 1 000 000 offers on PostgreSQL,
tests/bench/search_bench.py).

The keys of existing offers are computed here from their rows in offer_terms. On PostgreSQL that happens in
the server (md5 over the sorted terms, a different text than catalogue.index.terms_key builds): a key only
groups offers with equal terms, so keys written by the migration and by later imports may differ for the
same terms; that costs a duplicate set, never a wrong score.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 14:40:00
"""

import hashlib
from itertools import groupby

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "offer_term_sets",
        sa.Column("terms_key", sa.String(length=32), nullable=False),
        sa.Column("term", sa.String(length=80), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("terms_key", "term"),
    )
    with op.batch_alter_table("offers") as batch:
        batch.add_column(sa.Column("terms_key", sa.String(length=32), nullable=True))
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        _fill_postgres(conn)
    else:
        _fill_python(conn)
    op.create_index("ix_offer_term_sets_covering", "offer_term_sets", ["term", "terms_key", "weight"])
    with op.batch_alter_table("offers") as batch:
        batch.create_index("ix_offer_terms_key_geo", ["terms_key", "online", "lat", "lon"])
    if conn.dialect.name == "postgresql":
        # The planner needs the new column's statistics before the first search (VACUUM cannot run here).
        conn.execute(sa.text("ANALYZE offers"))
        conn.execute(sa.text("ANALYZE offer_term_sets"))


def _fill_postgres(conn: sa.Connection) -> None:
    """Keys and sets in the server: rows per offer do not travel to the client (45 million at 1 000 000 offers)."""
    conn.execute(sa.text("SET LOCAL work_mem = '256MB'"))
    conn.execute(
        sa.text(
            "CREATE TEMPORARY TABLE offer_keys ON COMMIT DROP AS SELECT offer_id, "
            "md5(string_agg(term || chr(9) || weight::text, chr(10) ORDER BY term COLLATE \"C\")) AS terms_key "
            "FROM offer_terms GROUP BY offer_id"
        )
    )
    conn.execute(sa.text("UPDATE offers o SET terms_key = k.terms_key FROM offer_keys k WHERE k.offer_id = o.id"))
    conn.execute(
        sa.text(
            "INSERT INTO offer_term_sets (terms_key, term, weight) SELECT r.terms_key, t.term, t.weight "
            "FROM (SELECT DISTINCT ON (terms_key) terms_key, offer_id FROM offer_keys ORDER BY terms_key, offer_id) r "
            "JOIN offer_terms t ON t.offer_id = r.offer_id"
        )
    )


def _fill_python(conn: sa.Connection) -> None:
    """Keys as catalogue.index.terms_key computes them, one pass over offer_terms in offer order."""
    rows = conn.execute(sa.text("SELECT offer_id, term, weight FROM offer_terms ORDER BY offer_id"))
    keys: list[dict[str, str]] = []
    sets: dict[str, list[tuple[str, float]]] = {}
    for offer_id, postings in groupby(rows, key=lambda r: r[0]):
        weights = sorted((term, float(weight)) for _, term, weight in postings)
        text = "\n".join(f"{term}\t{weight!r}" for term, weight in weights)
        key = hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()
        keys.append({"id": offer_id, "terms_key": key})
        sets.setdefault(key, weights)
    if keys:
        conn.execute(sa.text("UPDATE offers SET terms_key = :terms_key WHERE id = :id"), keys)
    set_rows = [{"terms_key": k, "term": t, "weight": w} for k, weights in sets.items() for t, w in weights]
    if set_rows:
        conn.execute(sa.text("INSERT INTO offer_term_sets (terms_key, term, weight) VALUES (:terms_key, :term, :weight)"), set_rows)


def downgrade() -> None:
    with op.batch_alter_table("offers") as batch:
        batch.drop_index("ix_offer_terms_key_geo")
        batch.drop_column("terms_key")
    op.drop_index("ix_offer_term_sets_covering", table_name="offer_term_sets")
    op.drop_table("offer_term_sets")
