"""conversations.language: the language the assistant speaks in a conversation (BCP 47 code, German default)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 15:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), server_default="de", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("language")
