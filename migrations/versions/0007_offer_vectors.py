"""offer vectors for semantic search

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 14:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "offer_vectors",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("offers") as batch:
        batch.add_column(sa.Column("text_key", sa.String(length=32), nullable=True))
        batch.create_index("ix_offers_text_key", ["text_key"])


def downgrade() -> None:
    with op.batch_alter_table("offers") as batch:
        batch.drop_index("ix_offers_text_key")
        batch.drop_column("text_key")
    op.drop_table("offer_vectors")
