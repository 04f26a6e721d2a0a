"""covering indexes for the metrics

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 22:50:00.000000

The metrics group counted exchanges by member, network and kind on each side, and read
each referral's steps in date order. These indexes answer those queries from the index
alone, read in GROUP BY order:

- ``exchange (giver_id | receiver_id, network_id, kind, occurred_on, voided_at)`` replace
  ``(giver_id | receiver_id, occurred_on)``: they still lead with the member, so looking
  up a member's exchanges stays an index search, and one index less per side keeps
  imports fast;
- ``followup (exchange_id, occurred_on, status)`` replaces ``(exchange_id)``, its prefix;
- ``followup (status, exchange_id, value)`` finds the won steps and their value.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SIDES = ("giver_id", "receiver_id")


def upgrade() -> None:
    with op.batch_alter_table("exchange", schema=None) as batch_op:
        for side in SIDES:
            batch_op.create_index(
                batch_op.f(f"ix_exchange_{side}_network_id_kind_occurred_on_voided_at"),
                [side, "network_id", "kind", "occurred_on", "voided_at"],
                unique=False,
            )
            batch_op.drop_index(batch_op.f(f"ix_exchange_{side}_occurred_on"))
    with op.batch_alter_table("followup", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_followup_exchange_id_occurred_on_status"),
            ["exchange_id", "occurred_on", "status"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_followup_status_exchange_id_value"),
            ["status", "exchange_id", "value"],
            unique=False,
        )
        batch_op.drop_index(batch_op.f("ix_followup_exchange_id"))


def downgrade() -> None:
    with op.batch_alter_table("followup", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_followup_exchange_id"), ["exchange_id"], unique=False)
        batch_op.drop_index(batch_op.f("ix_followup_status_exchange_id_value"))
        batch_op.drop_index(batch_op.f("ix_followup_exchange_id_occurred_on_status"))
    with op.batch_alter_table("exchange", schema=None) as batch_op:
        for side in SIDES:
            batch_op.create_index(
                batch_op.f(f"ix_exchange_{side}_occurred_on"), [side, "occurred_on"], unique=False
            )
            batch_op.drop_index(
                batch_op.f(f"ix_exchange_{side}_network_id_kind_occurred_on_voided_at")
            )
