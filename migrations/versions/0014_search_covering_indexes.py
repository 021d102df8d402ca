"""search: covering index on offer_terms for the candidate query

The candidate query reads (term, offer_id, weight) for every posting of the query terms; with the
weight in the index the database reads postings from the index alone (index-only scan), instead of
one table page per posting (measured at 1 000 000 offers on PostgreSQL, tests/bench/search_bench.py).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 18:40:00
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_offer_terms_covering", "offer_terms", ["term", "offer_id", "weight"])


def downgrade() -> None:
    op.drop_index("ix_offer_terms_covering", table_name="offer_terms")
