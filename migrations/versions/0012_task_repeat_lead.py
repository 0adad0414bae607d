"""Repeating tasks due at the rule's moments: how far ahead of its deadline a copy is made

Revision ID: 0012
Revises: 0010
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # a plain ADD COLUMN, which SQLite has too: no rebuilding of the table
    op.add_column(
        "task_recurrences",
        sa.Column("lead_minutes", sa.Integer(), server_default="0", nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("task_recurrences", schema=None) as batch_op:
        batch_op.drop_column("lead_minutes")
