"""answers for one occurrence of a repeating event

Revision ID: 0007
Revises: 0005
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_occurrence_answers",
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("occ_key", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["events.id"],
            name=op.f("fk_event_occurrence_answers_series_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_event_occurrence_answers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "series_id", "occ_key", "user_id", name=op.f("pk_event_occurrence_answers")
        ),
    )
    with op.batch_alter_table("event_occurrence_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_occurrence_answers_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("event_occurrence_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_occurrence_answers_user_id"))
    op.drop_table("event_occurrence_answers")
