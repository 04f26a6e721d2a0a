"""ledger tables

Revision ID: 0001
Revises:
Create Date: 2026-11-26 20:39:59.045277
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("company", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member")),
        sa.UniqueConstraint("name", name=op.f("uq_member_name")),
    )
    op.create_table(
        "network",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("sla_days", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network")),
        sa.UniqueConstraint("name", name=op.f("uq_network_name")),
    )
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["network_id"], ["network.id"], name=op.f("fk_meeting_network_id_network")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_network_id_held_on"), ["network_id", "held_on"], unique=False
        )

    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.CheckConstraint("role IN ('member', 'organiser')", name=op.f("ck_membership_role")),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_membership_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["network_id"], ["network.id"], name=op.f("fk_membership_network_id_network")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership")),
        sa.UniqueConstraint(
            "member_id", "network_id", name=op.f("uq_membership_member_id_network_id")
        ),
    )
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_membership_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_membership_network_id"), ["network_id"], unique=False)

    op.create_table(
        "one_to_one",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_a_id", sa.Integer(), nullable=False),
        sa.Column("member_b_id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.CheckConstraint("member_a_id <> member_b_id", name=op.f("ck_one_to_one_not_self")),
        sa.ForeignKeyConstraint(
            ["member_a_id"], ["member.id"], name=op.f("fk_one_to_one_member_a_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["member_b_id"], ["member.id"], name=op.f("fk_one_to_one_member_b_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["network_id"], ["network.id"], name=op.f("fk_one_to_one_network_id_network")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_to_one")),
    )
    with op.batch_alter_table("one_to_one", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_one_to_one_member_a_id_held_on"),
            ["member_a_id", "held_on"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_one_to_one_member_b_id_held_on"),
            ["member_b_id", "held_on"],
            unique=False,
        )

    op.create_table(
        "exchange",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("contact_name", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("contact_details", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("referral_type", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("hotness", sa.Integer(), nullable=True),
        sa.Column(
            "estimated_value", sa.Numeric(precision=14, scale=2, asdecimal=False), nullable=True
        ),
        sa.Column("introduction_group", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("void_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('referral', 'help', 'introduction')", name=op.f("ck_exchange_kind")
        ),
        sa.CheckConstraint(
            "referral_type IS NULL OR referral_type IN ('inside', 'outside')",
            name=op.f("ck_exchange_referral_type"),
        ),
        sa.CheckConstraint(
            "estimated_value IS NULL OR estimated_value >= 0",
            name=op.f("ck_exchange_estimated_value"),
        ),
        sa.CheckConstraint("giver_id <> receiver_id", name=op.f("ck_exchange_not_self")),
        sa.CheckConstraint(
            "hotness IS NULL OR hotness BETWEEN 1 AND 5", name=op.f("ck_exchange_hotness")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["member.id"], name=op.f("fk_exchange_created_by_member")
        ),
        sa.ForeignKeyConstraint(
            ["giver_id"], ["member.id"], name=op.f("fk_exchange_giver_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_exchange_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["network_id"], ["network.id"], name=op.f("fk_exchange_network_id_network")
        ),
        sa.ForeignKeyConstraint(
            ["receiver_id"], ["member.id"], name=op.f("fk_exchange_receiver_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange")),
        sa.UniqueConstraint("external_id", name=op.f("uq_exchange_external_id")),
    )
    with op.batch_alter_table("exchange", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_giver_id_occurred_on"),
            ["giver_id", "occurred_on"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_exchange_introduction_group"), ["introduction_group"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_exchange_network_id_occurred_on"),
            ["network_id", "occurred_on"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_exchange_receiver_id_occurred_on"),
            ["receiver_id", "occurred_on"],
            unique=False,
        )

    op.create_table(
        "ask",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=True),
        sa.Column("topic", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("details", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'answered', 'withdrawn')", name=op.f("ck_ask_status")
        ),
        sa.ForeignKeyConstraint(
            ["answered_by"], ["exchange.id"], name=op.f("fk_ask_answered_by_exchange")
        ),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_ask_member_id_member")),
        sa.ForeignKeyConstraint(
            ["network_id"], ["network.id"], name=op.f("fk_ask_network_id_network")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ask")),
    )
    with op.batch_alter_table("ask", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ask_answered_by"), ["answered_by"], unique=False)
        batch_op.create_index(batch_op.f("ix_ask_member_id"), ["member_id"], unique=False)

    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exchange_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_feedback_rating")),
        sa.ForeignKeyConstraint(
            ["exchange_id"], ["exchange.id"], name=op.f("fk_feedback_exchange_id_exchange")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint("exchange_id", name=op.f("uq_feedback_exchange_id")),
    )
    op.create_table(
        "followup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exchange_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("value", sa.Numeric(precision=14, scale=2, asdecimal=False), nullable=True),
        sa.Column("business", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "business IS NULL OR business IN ('new', 'repeat')", name=op.f("ck_followup_business")
        ),
        sa.CheckConstraint(
            "status IN ('contacted', 'meeting', 'proposal', 'won', 'lost', 'no_response')",
            name=op.f("ck_followup_status"),
        ),
        sa.CheckConstraint("value IS NULL OR value >= 0", name=op.f("ck_followup_value")),
        sa.ForeignKeyConstraint(
            ["exchange_id"], ["exchange.id"], name=op.f("fk_followup_exchange_id_exchange")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup")),
    )
    with op.batch_alter_table("followup", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_followup_exchange_id"), ["exchange_id"], unique=False)

    op.create_table(
        "offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=True),
        sa.Column("topic", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("details", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'answered', 'withdrawn')", name=op.f("ck_offer_status")
        ),
        sa.ForeignKeyConstraint(
            ["answered_by"], ["exchange.id"], name=op.f("fk_offer_answered_by_exchange")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_offer_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["network_id"], ["network.id"], name=op.f("fk_offer_network_id_network")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer")),
    )
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offer_answered_by"), ["answered_by"], unique=False)
        batch_op.create_index(batch_op.f("ix_offer_member_id"), ["member_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offer_member_id"))
        batch_op.drop_index(batch_op.f("ix_offer_answered_by"))

    op.drop_table("offer")
    with op.batch_alter_table("followup", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followup_exchange_id"))

    op.drop_table("followup")
    op.drop_table("feedback")
    with op.batch_alter_table("ask", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ask_member_id"))
        batch_op.drop_index(batch_op.f("ix_ask_answered_by"))

    op.drop_table("ask")
    with op.batch_alter_table("exchange", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_receiver_id_occurred_on"))
        batch_op.drop_index(batch_op.f("ix_exchange_network_id_occurred_on"))
        batch_op.drop_index(batch_op.f("ix_exchange_introduction_group"))
        batch_op.drop_index(batch_op.f("ix_exchange_giver_id_occurred_on"))

    op.drop_table("exchange")
    with op.batch_alter_table("one_to_one", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_one_to_one_member_b_id_held_on"))
        batch_op.drop_index(batch_op.f("ix_one_to_one_member_a_id_held_on"))

    op.drop_table("one_to_one")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_membership_network_id"))
        batch_op.drop_index(batch_op.f("ix_membership_member_id"))

    op.drop_table("membership")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_network_id_held_on"))

    op.drop_table("meeting")
    op.drop_table("network")
    op.drop_table("member")
