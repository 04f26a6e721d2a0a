"""what membership of a network costs: a yearly fee, its currency, hours per meeting

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 09:00:00.000000

A network gets ``fee`` (the yearly membership fee, unknown by default), ``currency``
(ISO 4217, ``EUR`` for every existing network) and ``meeting_hours`` (a meeting with
travel, unknown by default). Existing rows keep every value they had. Columns are only
added (no check constraint), so SQLite alters the table in place.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("network", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fee", sa.Numeric(14, 2, asdecimal=False), nullable=True))
        batch_op.add_column(
            sa.Column("currency", sa.String(length=3), server_default="EUR", nullable=False)
        )
        batch_op.add_column(sa.Column("meeting_hours", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("network", schema=None) as batch_op:
        batch_op.drop_column("meeting_hours")
        batch_op.drop_column("currency")
        batch_op.drop_column("fee")
