"""CRM: phones are matched by their national number

Leads, contacts and companies get phone_nsn (services.crm_phones.national_number: the
number without its country code and trunk prefix, the same for "+7 912 123-45-67",
"8 912 123-45-67" and "912 123 45 67"), indexed with the team. Existing rows get it from
their phone as typed and their team's country, and their phone_key is worked out again
the same way: rows kept before numbers were normalised ("89121234567" as its own key)
match the others too. The rules are the application's (services.crm_phones) as they
are when the migration runs: they only ever learn more numbers, and a row they read
differently later is read again when it is saved.

Revision ID: 0018
Revises: 0017
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from services.crm_phones import EXTENSION, national_number, phone_key, team_country

PHONE_TABLES = ("crm_leads", "crm_contacts", "crm_companies")
BATCH = 1000

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for name in PHONE_TABLES:  # plain ADD COLUMNs, which SQLite has too: no rebuilding
        op.add_column(name, sa.Column("phone_nsn", sa.String(20), server_default="", nullable=False))
        op.create_index(f"ix_{name}_team_phone_nsn", name, ["team_id", "phone_nsn"])
        _fill(name)


def _fill(name: str) -> None:
    """Each row's key from its phone as typed and its team's country, and its national
    number; rows a batch at a time, by id."""
    bind = op.get_bind()
    teams = sa.table(
        "teams", sa.column("id", sa.Integer), sa.column("locale"), sa.column("timezone")
    )
    country = {
        row.id: team_country(row.locale or "", row.timezone or "")
        for row in bind.execute(sa.select(teams.c.id, teams.c.locale, teams.c.timezone))
    }
    rows = sa.table(
        name,
        sa.column("id", sa.Integer),
        sa.column("team_id", sa.Integer),
        sa.column("phone", sa.String),
        sa.column("phone_key", sa.String),
        sa.column("phone_nsn", sa.String),
    )
    last = 0
    while True:
        batch = bind.execute(
            sa.select(rows.c.id, rows.c.team_id, rows.c.phone, rows.c.phone_key)
            .where(rows.c.id > last, (rows.c.phone != "") | (rows.c.phone_key != ""))
            .order_by(rows.c.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        for row_id, team_id, phone, old_key in batch:
            ext = EXTENSION.search(phone or "")
            number = (phone or "")[: ext.start()] if ext else phone or ""
            key = phone_key(number, country.get(team_id, "")) or old_key or ""
            nsn = national_number(phone or key, key)
            if (key, nsn) != (old_key, ""):
                bind.execute(
                    rows.update().where(rows.c.id == row_id).values(phone_key=key, phone_nsn=nsn)
                )
        last = batch[-1][0]


def downgrade() -> None:
    for name in PHONE_TABLES:
        with op.batch_alter_table(
            name, schema=None, table_kwargs={"sqlite_autoincrement": True}
        ) as batch_op:
            batch_op.drop_index(f"ix_{name}_team_phone_nsn")
            batch_op.drop_column("phone_nsn")
