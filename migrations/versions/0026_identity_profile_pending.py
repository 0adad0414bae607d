"""Identities remember that the platform could not tell who the person is when they
joined (Slack's users.info failed): their name, language and zone are taken from it on
a later contact.

Revision ID: 0026
Revises: 0021
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # a plain nullable ADD COLUMN, which SQLite has too: no rebuilding
    op.add_column("identities", sa.Column("profile_pending", sa.Boolean(), nullable=True))


def downgrade() -> None:
    # SQLite rebuilds the table: it keeps AUTOINCREMENT (see migration 0014)
    with op.batch_alter_table(
        "identities", recreate="auto", table_kwargs={"sqlite_autoincrement": True}
    ) as batch:
        batch.drop_column("profile_pending")
