"""CRM: a lead page's taken sends are kept by key (the same send again creates nothing,
on any process, after a restart)

Revision ID: 0017
Revises: 0016
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "crm_form_sends",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["form_id"],
            ["crm_forms.id"],
            name=op.f("fk_crm_form_sends_form_id_crm_forms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["crm_leads.id"],
            name=op.f("fk_crm_form_sends_lead_id_crm_leads"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_form_sends")),
        sa.UniqueConstraint("form_id", "key", name=op.f("uq_crm_form_sends_form_id")),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("crm_form_sends")
