"""what membership costs a member: their own fee and hours, and other costs by day

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 09:00:00.000000

A membership gets ``fee`` (the member's own yearly fee) and ``meeting_hours`` (their own
hours per meeting, travel included); both empty for every existing row, which means the
network's figures apply. Columns are only added, so SQLite alters the table in place.

``other_cost`` holds what a member spent on a network on one day besides the fee (one row
per member, network and day; the amount zero or more). It is a new table, so its check
constraint rebuilds nothing.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fee", sa.Numeric(14, 2, asdecimal=False), nullable=True))
        batch_op.add_column(sa.Column("meeting_hours", sa.Float(), nullable=True))
    op.create_table(
        "other_cost",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("spent_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(14, 2, asdecimal=False), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_other_cost_amount")),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_other_cost_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["network_id"], ["network.id"], name=op.f("fk_other_cost_network_id_network")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_other_cost")),
        sa.UniqueConstraint(
            "member_id",
            "network_id",
            "spent_on",
            name=op.f("uq_other_cost_member_id_network_id_spent_on"),
        ),
    )
    with op.batch_alter_table("other_cost", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_other_cost_network_id_spent_on"),
            ["network_id", "spent_on"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("other_cost", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_other_cost_network_id_spent_on"))
    op.drop_table("other_cost")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_column("meeting_hours")
        batch_op.drop_column("fee")
