"""CRM lead forms: public pages whose submissions become leads

Revision ID: 0009
Revises: 0004
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "crm_forms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("intro", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("submissions", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_crm_forms_owner_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_crm_forms_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_forms")),
        sa.UniqueConstraint("token", name=op.f("uq_crm_forms_token")),
    )
    with op.batch_alter_table("crm_forms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_crm_forms_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("crm_forms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crm_forms_team_id"))
    op.drop_table("crm_forms")
