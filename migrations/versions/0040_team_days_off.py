"""A team's days off (public holidays, the New Year break) and working days moved onto
a weekend: one more thing that decides whether a day is a working day.

Revision ID: 0040
Revises: 0038
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0040"
down_revision: str | None = "0038"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "team_days_off",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("working", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_team_days_off_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_days_off")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_team_days_off_team_days", "team_days_off", ["team_id", "first_day", "last_day"]
    )


def downgrade() -> None:
    op.drop_index("ix_team_days_off_team_days", table_name="team_days_off")
    op.drop_table("team_days_off")
