"""A team's default quiet hours, for everyone who chose none of their own, and a
person's choice of none at all (quiet_off), told apart from never having chosen.

Teams made before keep no default (their people's messages go out as before); an
admin sets one with /team quiet. New teams get the workspace's default.

Revision ID: 0041
Revises: 0040
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0041"
down_revision: str | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMNs (nullable, or with a default), which SQLite has too: no rebuilding
    op.add_column("teams", sa.Column("quiet_start", sa.Integer(), nullable=True))
    op.add_column("teams", sa.Column("quiet_end", sa.Integer(), nullable=True))
    op.add_column(
        "notification_settings",
        sa.Column("quiet_off", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    # SQLite rebuilds the tables: they keep AUTOINCREMENT (see migration 0014)
    with op.batch_alter_table(
        "notification_settings", recreate="auto", table_kwargs={"sqlite_autoincrement": True}
    ) as batch:
        batch.drop_column("quiet_off")
    with op.batch_alter_table(
        "teams", recreate="auto", table_kwargs={"sqlite_autoincrement": True}
    ) as batch:
        batch.drop_column("quiet_end")
        batch.drop_column("quiet_start")
