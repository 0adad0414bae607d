"""SQLite never gives a deleted row's id to a new row: integer keys become AUTOINCREMENT

Ids are shown to people (#12) and kept in buttons, notification refs and outbox dedup
keys; SQLite without AUTOINCREMENT gives the highest rowid + 1, so after the newest row
is deleted its id went to the next one (an old poll button voted in the new poll).
PostgreSQL's sequences never go back: nothing to do there.

On SQLite each table whose key is one integer column of its own (not pointing at
another table; the tables models.base marks) is rebuilt with the same columns,
indexes, constraints and rows. Copying the rows sets sqlite_sequence to the highest id,
so numbering goes on from there; ids reused before this migration stay as they are.

Revision ID: 0014
Revises: 0003, 0006, 0008, 0009, 0011, 0012
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
# it rebuilds tables of every area, so it comes after the head of each area's branch
down_revision: str | Sequence[str] | None = ("0003", "0006", "0008", "0009", "0011", "0012")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _tables_to_rebuild(connection: sa.Connection) -> list[str]:
    """The tables with a one-column integer key of their own, not AUTOINCREMENT yet."""
    inspector = sa.inspect(connection)
    names = []
    for name in inspector.get_table_names():
        key = inspector.get_pk_constraint(name)["constrained_columns"]
        if len(key) != 1 or any(
            key[0] in fk["constrained_columns"] for fk in inspector.get_foreign_keys(name)
        ):
            continue
        column = next(c for c in inspector.get_columns(name) if c["name"] == key[0])
        if not isinstance(column["type"], sa.Integer):
            continue
        sql = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).scalar_one()
        if "AUTOINCREMENT" not in sql.upper():
            names.append(name)
    return names


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    # env.py keeps foreign keys off while tables are rebuilt and checks them at the end
    for name in _tables_to_rebuild(connection):
        with op.batch_alter_table(
            name, recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass


def downgrade() -> None:
    # AUTOINCREMENT only stops ids from being reused, which is as right at 0012 as now:
    # rebuilding every table back to allow reuse again would only risk the data
    pass
