"""running outbox dispatchers, to share the platforms' send rate

Revision ID: 0008
Revises: 0001
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dispatcher_beats",
        sa.Column("process_id", sa.String(length=64), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("process_id", "platform", name=op.f("pk_dispatcher_beats")),
    )
    with op.batch_alter_table("dispatcher_beats", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dispatcher_beats_seen_at"), ["seen_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dispatcher_beats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispatcher_beats_seen_at"))
    op.drop_table("dispatcher_beats")
