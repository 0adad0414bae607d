"""chats bound to workgroups

Revision ID: 0006
Revises: 0001
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chat_bindings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=128), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_chat_bindings_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_chat_bindings_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_chat_bindings_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_bindings")),
        sa.UniqueConstraint("platform", "chat_id", name="uq_chat_bindings_platform_chat"),
    )
    with op.batch_alter_table("chat_bindings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chat_bindings_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_chat_bindings_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("chat_bindings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_bindings_team_id"))
        batch_op.drop_index(batch_op.f("ix_chat_bindings_group_id"))
    op.drop_table("chat_bindings")
