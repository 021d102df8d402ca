"""search: drop offer_terms (and the term-set venue index); the search reads term sets only

Since the ranking runs over a column snapshot of the offers (catalogue/columns.py), the database is asked for
the scores of term sets (offer_term_sets) and for the vocabulary, which the sets give as well. offer_terms held
~45 rows per offer (45 million at 1 000 000 offers) that nothing read any more, and writing them was the largest
part of an import; ix_offer_terms_key_geo served the candidate queries that the snapshot replaced (a plain
index on terms_key stays for finding unused term sets).

The downgrade rebuilds offer_terms from the term sets of the offers.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 07:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("offers") as batch:
        batch.drop_index("ix_offer_terms_key_geo")
        batch.create_index("ix_offers_terms_key", ["terms_key"])  # unused term sets are found by it after updates
    op.drop_index("ix_offer_terms_covering", table_name="offer_terms")
    with op.batch_alter_table("offer_terms") as batch:
        batch.drop_index("ix_offer_terms_offer_id")
    op.drop_table("offer_terms")


def downgrade() -> None:
    op.create_table(
        "offer_terms",
        sa.Column("term", sa.String(length=80), nullable=False),
        sa.Column("offer_id", sa.String(length=120), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["offer_id"], ["offers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("term", "offer_id"),
    )
    op.execute(
        "INSERT INTO offer_terms (term, offer_id, weight) SELECT s.term, o.id, s.weight "
        "FROM offers o JOIN offer_term_sets s ON s.terms_key = o.terms_key"
    )
    with op.batch_alter_table("offer_terms") as batch:
        batch.create_index("ix_offer_terms_offer_id", ["offer_id"], unique=False)
    op.create_index("ix_offer_terms_covering", "offer_terms", ["term", "offer_id", "weight"])
    with op.batch_alter_table("offers") as batch:
        batch.drop_index("ix_offers_terms_key")
        batch.create_index("ix_offer_terms_key_geo", ["terms_key", "online", "lat", "lon"])
