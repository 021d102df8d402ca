"""ticket history (who did what when), transfer, triage fields

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 09:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TRIAGE = (
    ("title", sa.String(length=120)),
    ("preview", sa.String(length=160)),
    ("preview_sender", sa.String(length=12)),
    ("last_message_at", sa.DateTime(timezone=True)),
    ("queued_at", sa.DateTime(timezone=True)),
    ("transferred_from", sa.String(length=40)),
    ("transfer_reason", sa.Text()),
)


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        for name, type_ in TRIAGE:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    op.create_table(
        "ticket_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=80), nullable=True),
        sa.Column("from_office", sa.String(length=40), nullable=True),
        sa.Column("to_office", sa.String(length=40), nullable=True),
        sa.Column("assignee", sa.String(length=80), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["counsellors.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_events_ticket_id"), ["ticket_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_events_ticket_id"))
    op.drop_table("ticket_events")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        for name, _ in reversed(TRIAGE):
            batch_op.drop_column(name)
