"""A deal's product line keeps the currency of its price (the product's when it was
added), so a change of the deal's amount never relabels it

Revision ID: 0021
Revises: 0018
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # a plain ADD COLUMN, which SQLite has too: no rebuilding of the table
    op.add_column("crm_deal_items", sa.Column("currency", sa.String(3), nullable=True))
    items = sa.table(
        "crm_deal_items",
        sa.column("product_id", sa.Integer),
        sa.column("currency", sa.String),
    )
    products = sa.table("crm_products", sa.column("id", sa.Integer), sa.column("currency", sa.String))
    # a line's price came from its product, in the product's currency
    op.get_bind().execute(
        items.update().values(
            currency=sa.select(products.c.currency)
            .where(products.c.id == items.c.product_id)
            .scalar_subquery()
        )
    )


def downgrade() -> None:
    # the rebuild keeps the table's AUTOINCREMENT key (see 0014)
    with op.batch_alter_table(
        "crm_deal_items", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_column("currency")
