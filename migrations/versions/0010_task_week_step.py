"""Repeating tasks every other week (or every n-th): a week step and its anchor week

Revision ID: 0010
Revises: 0002
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("task_recurrences", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("week_step", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(sa.Column("anchor_day", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("task_recurrences", schema=None) as batch_op:
        batch_op.drop_column("anchor_day")
        batch_op.drop_column("week_step")
