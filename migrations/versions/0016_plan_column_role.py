"""My Plan: a column's role ("new" takes the tasks not yet planned, "done" the completed
ones) is kept on the column, not read from its name, so a rename or a move keeps it

Revision ID: 0016
Revises: 0014
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the names a "Done" column had when its name was its role
DONE_NAMES = frozenset({"done", "completed", "finished", "завершённые", "завершенные", "готово"})


def upgrade() -> None:
    # a plain ADD COLUMN, which SQLite has too: no rebuilding of the table
    op.add_column(
        "plan_columns",
        sa.Column("role", sa.String(8), server_default="", nullable=False),
    )
    columns = sa.table(
        "plan_columns",
        sa.column("id", sa.Integer),
        sa.column("user_id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("position", sa.Integer),
        sa.column("role", sa.String),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(columns.c.id, columns.c.user_id, columns.c.name).order_by(
            columns.c.user_id, columns.c.position, columns.c.id
        )
    ).all()
    first: dict[int, int] = {}
    done: dict[int, int] = {}
    for column_id, user_id, name in rows:  # in Python: SQLite's lower() knows no Cyrillic
        first.setdefault(user_id, column_id)
        if " ".join(name.casefold().split()) in DONE_NAMES and first[user_id] != column_id:
            done.setdefault(user_id, column_id)
    for role, ids in (("new", first.values()), ("done", done.values())):
        if ids:
            bind.execute(
                columns.update().where(columns.c.id.in_(list(ids))).values(role=role)
            )


def downgrade() -> None:
    with op.batch_alter_table("plan_columns", schema=None) as batch_op:
        batch_op.drop_column("role")
