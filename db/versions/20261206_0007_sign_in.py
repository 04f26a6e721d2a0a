"""signing in to the served app: credentials, invitations and the sign-in log

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-06 14:00:00.000000

Three new tables, nothing else changes:

- ``credential``: a member's argon2id password hash, and the count of wrong passwords in
  a row with the lock it leads to;
- ``invitation``: at most one one-time code per member (its argon2id hash), with its
  expiry;
- ``sign_in``: the log of sign-ins, failures, locks, invitations and sign-outs.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from reciprocity.store.types import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENTS = (
    "signed_in",
    "failed",
    "locked",
    "refused",
    "password_set",
    "invited",
    "revoked",
    "unlocked",
    "signed_out",
    "timed_out",
)


def upgrade() -> None:
    op.create_table(
        "credential",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("password_set_at", UTCDateTime(), nullable=True),
        sa.Column("failed_count", sa.Integer(), nullable=False),
        sa.Column("locked_until", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_credential_member_id_member")
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_credential")),
    )
    op.create_table(
        "invitation",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["member.id"], name=op.f("fk_invitation_created_by_member")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_invitation_member_id_member")
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_invitation")),
    )
    events = ", ".join(f"'{event}'" for event in EVENTS)
    op.create_table(
        "sign_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("event", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(f"event IN ({events})", name=op.f("ck_sign_in_event")),
        sa.ForeignKeyConstraint(["by_id"], ["member.id"], name=op.f("fk_sign_in_by_id_member")),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_sign_in_member_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in")),
    )
    with op.batch_alter_table("sign_in", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sign_in_member_id_at"), ["member_id", "at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sign_in", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_member_id_at"))
        batch_op.drop_index(batch_op.f("ix_sign_in_at"))
    op.drop_table("sign_in")
    op.drop_table("invitation")
    op.drop_table("credential")
