"""A person's message held by their quiet hours keeps when it was due before: it
follows them when they change their quiet hours or zone.

Revision ID: 0038
Revises: 0036
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0038"
down_revision: str | None = "0036"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # a plain nullable ADD COLUMN, which SQLite has too: no rebuilding
    op.add_column("outbox", sa.Column("held_from", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # the rebuild keeps the table's AUTOINCREMENT key (see 0014)
    with op.batch_alter_table(
        "outbox", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_column("held_from")
