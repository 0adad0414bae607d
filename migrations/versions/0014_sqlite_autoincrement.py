"""SQLite never gives a deleted row's id to a new row: integer keys become AUTOINCREMENT

Ids are shown to people (#12) and kept in buttons, notification refs and outbox dedup
keys; SQLite without AUTOINCREMENT gives the highest rowid + 1, so after the newest row
is deleted its id went to the next one (an old poll button voted in the new poll).
PostgreSQL's sequences never go back: nothing to do there.

On SQLite the tables are rebuilt with the same columns, indexes, constraints and rows;
those whose key is one integer column of their own (not pointing at another table; the
tables models.base marks) get AUTOINCREMENT. Copying the rows sets sqlite_sequence to
the highest id, so numbering goes on from there; ids reused before this migration stay
as they are.

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


def _own_integer_key(inspector: sa.Inspector, name: str) -> bool:
    """Whether the table's key is one integer column not pointing at another table
    (where SQLAlchemy's sqlite_autoincrement applies, as in models.base)."""
    key = inspector.get_pk_constraint(name)["constrained_columns"]
    if len(key) != 1 or any(
        key[0] in fk["constrained_columns"] for fk in inspector.get_foreign_keys(name)
    ):
        return False
    column = next(c for c in inspector.get_columns(name) if c["name"] == key[0])
    return isinstance(column["type"], sa.Integer)


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    inspector = sa.inspect(connection)
    autoincrement = {
        name for name in inspector.get_table_names() if _own_integer_key(inspector, name)
    }
    # Every table is rebuilt, each after the tables it points at, because the order of
    # the tables matters: deleting a row, SQLite runs the actions of the tables pointing
    # at it newest table first, and checks RESTRICT keys at once. Had only some tables
    # been rebuilt (made newest), a team's stages could go before its deals
    # (crm_deals.stage_id is RESTRICT) and deleting the team fail.
    # env.py keeps foreign keys off while tables are rebuilt and checks them at the end.
    for name, _keys in inspector.get_sorted_table_and_fkc_names():
        if name is None or name == "alembic_version":
            continue
        kwargs = {"sqlite_autoincrement": True} if name in autoincrement else {}
        with op.batch_alter_table(name, recreate="always", table_kwargs=kwargs):
            pass


def downgrade() -> None:
    # AUTOINCREMENT only stops ids from being reused, which is as right before 0014 as
    # after it: rebuilding every table to allow reuse again would only risk the data
    pass
