"""Task templates keep the group, people and settings of the task they were saved
from; a task's history records who ticked, unticked or deleted a checklist item and
who changed or deleted a time entry.

Revision ID: 0032
Revises: 0026
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEMPLATE_COLUMNS = (
    ("group_id", sa.Integer()),
    ("responsible_id", sa.Integer()),
    ("accomplices", sa.String(length=500)),
    ("auditors", sa.String(length=500)),
    ("needs_approval", sa.Boolean()),
    ("responsible_may_change_deadline", sa.Boolean()),
)


def upgrade() -> None:
    # plain nullable ADD COLUMNs, which SQLite has too: no rebuilding
    for name, kind in _TEMPLATE_COLUMNS:
        op.add_column("task_templates", sa.Column(name, kind, nullable=True))
    op.create_table(
        "task_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name=op.f("fk_task_history_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_task_history_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_history")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_task_history_task_id"), "task_history", ["task_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_task_history_task_id"), table_name="task_history")
    op.drop_table("task_history")
    # SQLite rebuilds the table: it keeps AUTOINCREMENT (see migration 0014)
    with op.batch_alter_table(
        "task_templates", recreate="auto", table_kwargs={"sqlite_autoincrement": True}
    ) as batch:
        for name, _ in reversed(_TEMPLATE_COLUMNS):
            batch.drop_column(name)
