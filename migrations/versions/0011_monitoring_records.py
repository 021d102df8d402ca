"""monitoring: richer anonymous search and handover records, feedback, monthly sums after retention

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 17:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("search_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=10), server_default="search", nullable=False))
        batch_op.add_column(sa.Column("office_id", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("age_band", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("channel", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("widened", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("handover", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f("ix_search_events_office_id"), ["office_id"], unique=False)

    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=30), nullable=True),
        sa.Column("office_id", sa.String(length=40), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("conversation_id", sa.String(length=64), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_day"), ["day"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_office_id"), ["office_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_conversation_id"), ["conversation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_created_at"), ["created_at"], unique=False)

    op.create_table(
        "figure_months",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("topic", sa.String(length=60), nullable=True),
        sa.Column("category", sa.String(length=30), nullable=True),
        sa.Column("municipality", sa.String(length=80), nullable=True),
        sa.Column("office_id", sa.String(length=40), nullable=True),
        sa.Column("target_group", sa.String(length=40), nullable=True),
        sa.Column("age_band", sa.String(length=10), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=True),
        sa.Column("unmet", sa.Boolean(), nullable=False),
        sa.Column("widened", sa.Boolean(), nullable=False),
        sa.Column("handover", sa.Boolean(), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("figure_months", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_figure_months_month"), ["month"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("figure_months", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_figure_months_month"))
    op.drop_table("figure_months")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_created_at"))
        batch_op.drop_index(batch_op.f("ix_feedback_conversation_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_office_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_day"))
    op.drop_table("feedback")
    with op.batch_alter_table("search_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_events_office_id"))
        for column in ("handover", "widened", "channel", "language", "age_band", "office_id", "kind"):
            batch_op.drop_column(column)
