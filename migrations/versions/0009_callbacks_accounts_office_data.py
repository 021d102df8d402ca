"""callbacks done with a note, history details, disabled accounts, office data edited in the inbox

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 15:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("callback_done_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("callback_done_by", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("callback_note", sa.Text(), nullable=True))
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("detail", sa.String(length=200), nullable=True))
    with op.batch_alter_table("counsellors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("disabled_by", sa.String(length=80), nullable=True))
    with op.batch_alter_table("offices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("address", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "office_closures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("office_id", sa.String(length=40), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("office_closures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_office_closures_office_id"), ["office_id"], unique=False)
    op.create_table(
        "office_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("office_id", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["counsellors.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("office_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_office_changes_office_id"), ["office_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("office_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_office_changes_office_id"))
    op.drop_table("office_changes")
    with op.batch_alter_table("office_closures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_office_closures_office_id"))
    op.drop_table("office_closures")
    with op.batch_alter_table("offices", schema=None) as batch_op:
        batch_op.drop_column("edited_at")
        batch_op.drop_column("address")
        batch_op.drop_column("phone")
    with op.batch_alter_table("counsellors", schema=None) as batch_op:
        batch_op.drop_column("disabled_by")
        batch_op.drop_column("disabled_at")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("callback_note")
        batch_op.drop_column("callback_done_by")
        batch_op.drop_column("callback_done_at")
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.drop_column("detail")
