"""ticket_reads: per counsellor and ticket, the last message seq read (the inbox's unread markers)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 17:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ticket_reads",
        sa.Column("ticket_id", sa.String(length=32), nullable=False),
        sa.Column("counsellor_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["counsellor_id"], ["counsellors.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("ticket_id", "counsellor_id"),
    )
    with op.batch_alter_table("ticket_reads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_reads_counsellor_id"), ["counsellor_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ticket_reads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_reads_counsellor_id"))
    op.drop_table("ticket_reads")
