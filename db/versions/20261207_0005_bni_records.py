"""BNI records: attendance, visitors, CEUs, closed business, PALMS baselines; slips between
chapters

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 09:00:00.000000

Five new tables (``attendance``, ``visitor``, ``ceu``, ``closed_business``,
``palms_baseline``) hold what BNI Connect records beside the exchanges. ``exchange`` and
``one_to_one`` get ``other_network_id``, the chapter of a party from another chapter;
``one_to_one`` gets ``external_id`` so imported one-to-ones are not imported twice;
``network`` gets ``traffic_lights``, a chapter's own scoring table. Columns are only added
(nullable, no check constraint), so SQLite alters the existing tables in place and every
row keeps its values.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(14, 2, asdecimal=False)
TEXT = sqlmodel.sql.sqltypes.AutoString


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _add_other_network(table: str) -> None:
    """Add ``other_network_id`` with its foreign key in place.

    Batch mode would copy the whole table to add a constraint, and SQLite cannot drop
    ``exchange`` while follow-ups refer to it. SQLite's own ``ADD COLUMN`` takes an inline
    ``REFERENCES`` clause for a column whose default is NULL, so no row moves.
    """
    name = f"fk_{table}_other_network_id_network"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN other_network_id INTEGER "
            f"CONSTRAINT {name} REFERENCES network (id)"
        )
        return
    op.add_column(table, sa.Column("other_network_id", sa.Integer(), nullable=True))
    op.create_foreign_key(name, table, "network", ["other_network_id"], ["id"])


def upgrade() -> None:
    with op.batch_alter_table("network", schema=None) as batch_op:
        batch_op.add_column(sa.Column("traffic_lights", sa.Text(), nullable=True))
    for table in ("exchange", "one_to_one"):
        _add_other_network(table)
    with op.batch_alter_table("one_to_one", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", TEXT(), nullable=True))
        batch_op.create_index(batch_op.f("ix_one_to_one_external_id"), ["external_id"], unique=True)

    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("status", TEXT(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('present', 'absent', 'late', 'medical', 'substitute')",
            name=op.f("ck_attendance_status"),
        ),
        _fk("attendance", "meeting_id", "meeting"),
        _fk("attendance", "member_id", "member"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
        sa.UniqueConstraint(
            "meeting_id", "member_id", name=op.f("uq_attendance_meeting_id_member_id")
        ),
    )
    op.create_index(
        op.f("ix_attendance_member_id_meeting_id"), "attendance", ["member_id", "meeting_id"]
    )

    op.create_table(
        "visitor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("name", TEXT(), nullable=True),
        sa.Column("company", TEXT(), nullable=True),
        sa.Column("invited_by", sa.Integer(), nullable=False),
        sa.Column("other_network_id", sa.Integer(), nullable=True),
        sa.Column("external_id", TEXT(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("visitor", "network_id", "network"),
        _fk("visitor", "meeting_id", "meeting"),
        _fk("visitor", "invited_by", "member"),
        _fk("visitor", "other_network_id", "network"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visitor")),
    )
    op.create_index(
        op.f("ix_visitor_network_id_visited_on"), "visitor", ["network_id", "visited_on"]
    )
    op.create_index(
        op.f("ix_visitor_invited_by_visited_on"), "visitor", ["invited_by", "visited_on"]
    )
    op.create_index(op.f("ix_visitor_external_id"), "visitor", ["external_id"], unique=True)

    op.create_table(
        "ceu",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("earned_on", sa.Date(), nullable=False),
        sa.Column("credits", MONEY, nullable=False),
        sa.Column("other_network_id", sa.Integer(), nullable=True),
        sa.Column("external_id", TEXT(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("ceu", "member_id", "member"),
        _fk("ceu", "network_id", "network"),
        _fk("ceu", "other_network_id", "network"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ceu")),
    )
    op.create_index(op.f("ix_ceu_member_id_earned_on"), "ceu", ["member_id", "earned_on"])
    op.create_index(op.f("ix_ceu_network_id_earned_on"), "ceu", ["network_id", "earned_on"])
    op.create_index(op.f("ix_ceu_external_id"), "ceu", ["external_id"], unique=True)

    op.create_table(
        "closed_business",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("thanked_by", sa.Integer(), nullable=True),
        sa.Column("exchange_id", sa.Integer(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("other_network_id", sa.Integer(), nullable=True),
        sa.Column("external_id", TEXT(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("closed_business", "network_id", "network"),
        _fk("closed_business", "member_id", "member"),
        _fk("closed_business", "thanked_by", "member"),
        _fk("closed_business", "exchange_id", "exchange"),
        _fk("closed_business", "other_network_id", "network"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closed_business")),
    )
    op.create_index(
        op.f("ix_closed_business_member_id_closed_on"),
        "closed_business",
        ["member_id", "closed_on"],
    )
    op.create_index(
        op.f("ix_closed_business_network_id_closed_on"),
        "closed_business",
        ["network_id", "closed_on"],
    )
    op.create_index(
        op.f("ix_closed_business_external_id"), "closed_business", ["external_id"], unique=True
    )
    op.create_index(op.f("ix_closed_business_exchange_id"), "closed_business", ["exchange_id"])

    op.create_table(
        "palms_baseline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in (
                "present",
                "absent",
                "late",
                "medical",
                "substitute",
                "referrals_given_inside",
                "referrals_given_outside",
                "referrals_received_inside",
                "referrals_received_outside",
                "visitors",
                "one_to_ones",
            )
        ),
        sa.Column("tyfcb", MONEY, nullable=False),
        sa.Column("ceu", MONEY, nullable=False),
        sa.Column("custom", TEXT(), nullable=True),
        _fk("palms_baseline", "network_id", "network"),
        _fk("palms_baseline", "member_id", "member"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_palms_baseline")),
        sa.UniqueConstraint(
            "network_id",
            "member_id",
            "period_start",
            "period_end",
            name=op.f("uq_palms_baseline_network_id_member_id_period_start_period_end"),
        ),
    )
    op.create_index(op.f("ix_palms_baseline_member_id"), "palms_baseline", ["member_id"])


def downgrade() -> None:
    for table in ("palms_baseline", "closed_business", "ceu", "visitor", "attendance"):
        op.drop_table(table)
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in ("one_to_one", "exchange"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == "one_to_one":
                batch_op.drop_index(batch_op.f("ix_one_to_one_external_id"))
                batch_op.drop_column("external_id")
            if not sqlite:  # SQLite drops the inline foreign key with its column
                batch_op.drop_constraint(f"fk_{table}_other_network_id_network", type_="foreignkey")
            batch_op.drop_column("other_network_id")
    with op.batch_alter_table("network", schema=None) as batch_op:
        batch_op.drop_column("traffic_lights")
