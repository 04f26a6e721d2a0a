"""Signing in to the served app: invitations, passwords, locks and the sign-in log.

When Reciprocity is served to browsers (``reciprocity serve``), whoever signs in is the
acting member for everything in that browser session; these use cases decide who that
may be. Faces only collect a name and a secret and show the result.

- An organiser (of one of the member's networks) or the owner **invites** a member: a
  one-time code, valid for :data:`INVITATION_DAYS` days. Inviting again replaces the old
  code; ``revoke`` withdraws it.
- **First sign-in:** name and code, then a password of at least :data:`PASSWORD_MIN`
  characters, typed twice. **Later sign-ins:** name and password.
- :data:`MAX_FAILURES` wrong secrets in a row lock the member for :data:`LOCK_MINUTES`
  minutes, even against the right password; an organiser may unlock them.
- An unknown name and a wrong secret get the same sentence and cost the same argon2
  work, so the sign-in screen does not tell who is a member. Only a right password of a
  member who left every network, or was deactivated, gets its own sentence.

Passwords and codes are stored only as argon2id hashes (``argon2-cffi``), never logged
and never put in an exception's text. The parameters follow OWASP's minimum for argon2id
(19 MiB, 2 passes, 1 lane): a served session stays small, and a guess still costs about
25 ms. The log records member ids and events, never anything typed.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlmodel import Session, col, select

from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.members import get_member, resolve_member
from reciprocity.ledger.roles import (
    current_network_ids,
    may_act,
    organised_network_ids,
    organisers_of,
)
from reciprocity.store.models import (
    Credential,
    Invitation,
    Member,
    Membership,
    SignIn,
    SignInEvent,
)
from reciprocity.store.name_keys import name_key
from reciprocity.store.tables import table_of
from reciprocity.store.types import utcnow

INVITATION_DAYS = 7
PASSWORD_MIN = 10
MAX_FAILURES = 5
LOCK_MINUTES = 15
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""Letters and digits that cannot be mistaken for one another (no I/1, O/0)."""
CODE_GROUPS = 3
CODE_GROUP_LENGTH = 4


def _failed() -> LedgerError:
    """The one refusal for an unknown name or a wrong secret (the same sentence, the same work)."""
    return LedgerError(
        "sign_in.failed",
        "That name and password (or code) do not match; check both and try again.",
        field="secret",
    )


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)


@cache
def _dummy_hash() -> str:
    """A hash to verify against when there is nothing to verify, so every answer costs
    the same argon2 work."""
    return _hasher().hash(secrets.token_urlsafe(16))


def _matches(hash_: str | None, secret: str) -> bool:
    """Whether ``secret`` fits ``hash_``; always spends one argon2 verification."""
    try:
        return _hasher().verify(hash_ or _dummy_hash(), secret) and hash_ is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _normal_code(code: str) -> str:
    """A code as typed (any case, with or without dashes and spaces) in stored form."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _new_code() -> str:
    letters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * CODE_GROUP_LENGTH))
    return "-".join(
        letters[i : i + CODE_GROUP_LENGTH] for i in range(0, len(letters), CODE_GROUP_LENGTH)
    )


def _record(
    session: Session, event: SignInEvent, member_id: int | None, *, by_id: int | None = None
) -> None:
    session.add(SignIn(event=event, member_id=member_id, by_id=by_id))


@dataclass(frozen=True)
class Invited:
    """A new invitation: the code to hand the member (shown once) and its last valid day."""

    member: str
    code: str
    expires_on: str


def _require_inviter(session: Session, *, member: Member, acting_id: int | None) -> None:
    """The owner, or an organiser of one of the member's networks."""
    assert member.id is not None
    theirs = current_network_ids(session=session, member_id=member.id)
    if acting_id is not None and acting_id != member.id:
        if may_act(session=session, acting_id=acting_id, party_ids=(), network_ids=theirs):
            return
    elif acting_id is None:
        return
    raise LedgerError(
        "role.invite",
        "Only {organiser} or the ledger's owner may invite or unlock {name}.",
        field=None,
        organiser=organisers_of(session=session, network_ids=theirs),
        name=member.name,
    )


def _exact_member(session: Session, name: str, *, field: str = "member") -> Member:
    """The member named exactly (any case or spacing): inviting and unlocking take no
    prefixes."""
    return resolve_member(session=session, name=name, field=field, exact=True)


def invite_member(
    *,
    session: Session,
    name: str,
    acting_id: int | None,
    revoke: bool = False,
    now: datetime | None = None,
) -> Invited | None:
    """A one-time code for the member named ``name`` (replacing any earlier one), or, with
    ``revoke``, withdraw it (``None``). The code is shown once and stored as a hash."""
    member = _exact_member(session, name)
    assert member.id is not None
    _require_inviter(session, member=member, acting_id=acting_id)
    existing = session.get(Invitation, member.id)
    if revoke:
        if existing is None:
            raise LedgerError(
                "invite.none_to_revoke",
                "{name} has no open invitation to revoke.",
                field="member",
                name=member.name,
            )
        session.delete(existing)
        _record(session, SignInEvent.REVOKED, member.id, by_id=acting_id)
        session.commit()
        return None
    if not member.active:
        raise LedgerError(
            "invite.deactivated",
            "{name} is deactivated; reactivate them before inviting them.",
            field="member",
            name=member.name,
        )
    moment = now or utcnow()
    code = _new_code()
    expires_at = moment + timedelta(days=INVITATION_DAYS)
    if existing is not None:
        session.delete(existing)
        session.flush()
    session.add(
        Invitation(
            member_id=member.id,
            code_hash=_hasher().hash(_normal_code(code)),
            expires_at=expires_at,
            created_at=moment,
            created_by=acting_id,
        )
    )
    if session.get(Credential, member.id) is None:
        session.add(Credential(member_id=member.id))
    _record(session, SignInEvent.INVITED, member.id, by_id=acting_id)
    session.commit()
    return Invited(member=member.name, code=code, expires_on=expires_at.date().isoformat())


def unlock_member(*, session: Session, name: str, acting_id: int | None) -> str:
    """Lift a member's lock after wrong passwords; returns their name."""
    member = _exact_member(session, name)
    assert member.id is not None
    _require_inviter(session, member=member, acting_id=acting_id)
    credential = session.get(Credential, member.id)
    if credential is None or credential.locked_until is None:
        raise LedgerError(
            "sign_in.not_locked", "{name} is not locked.", field="member", name=member.name
        )
    credential.locked_until = None
    credential.failed_count = 0
    session.add(credential)
    _record(session, SignInEvent.UNLOCKED, member.id, by_id=acting_id)
    session.commit()
    return member.name


@dataclass(frozen=True)
class SignedIn:
    """Who signed in. ``needs_password``: they came in with a code and must now choose a
    password (:func:`choose_password`) before anything else."""

    member_id: int
    name: str
    needs_password: bool = False


def _find(session: Session, name: str) -> Member | None:
    """The member with exactly this name (under its key: case, spacing and Unicode form
    aside), if any."""
    wanted = name_key(name)
    if not wanted:
        return None
    return session.exec(select(Member).where(col(Member.name_key) == wanted)).first()


def _lock_credential(session: Session, member_id: int) -> Credential | None:
    """The member's credential, locked for this transaction (PostgreSQL ``FOR UPDATE``;
    SQLite serialises writers already)."""
    return session.exec(
        select(Credential).where(Credential.member_id == member_id).with_for_update()
    ).first()


def _locked(credential: Credential | None, moment: datetime) -> bool:
    return bool(credential and credential.locked_until and credential.locked_until > moment)


def _fail(session: Session, credential: Credential | None, moment: datetime) -> LedgerError:
    """Count a wrong secret (a fifth in a row locks) and say the one failure sentence.

    The count goes up in the database (``failed_count + 1``), so wrong passwords typed in
    two browsers at once both count."""
    if credential is not None:
        table = table_of(Credential)
        count = session.execute(
            sa.update(table)
            .where(table.c.member_id == credential.member_id)
            .values(failed_count=table.c.failed_count + 1)
            .returning(table.c.failed_count)
        ).scalar_one()
        event = SignInEvent.FAILED
        if count >= MAX_FAILURES:
            session.execute(
                sa.update(table)
                .where(table.c.member_id == credential.member_id)
                .values(failed_count=0, locked_until=moment + timedelta(minutes=LOCK_MINUTES))
            )
            event = SignInEvent.LOCKED
        _record(session, event, credential.member_id)
    else:
        _record(session, SignInEvent.FAILED, None)
    session.commit()
    session.expire_all()
    return _failed()


def sign_in(*, session: Session, name: str, secret: str, now: datetime | None = None) -> SignedIn:
    """Check a name with a password, or with an invitation's code.

    Refusals, all one sentence: unknown name or wrong secret (the same sentence, the same
    work), a locked member (for :data:`LOCK_MINUTES` minutes after :data:`MAX_FAILURES`
    wrong secrets in a row, whatever is typed), and, only after a right secret, an
    expired code, a deactivated member or one who left every network.
    """
    moment = now or utcnow()
    member = _find(session, name)
    credential = None if member is None else _lock_credential(session, member.id or 0)
    invitation = None if member is None else session.get(Invitation, member.id)
    password_ok = _matches(credential.password_hash if credential else None, secret)
    code_ok = not password_ok and _matches(
        invitation.code_hash if invitation else None, _normal_code(secret)
    )
    if member is None or credential is None:
        raise _fail(session, None, moment)
    assert member.id is not None
    if _locked(credential, moment):
        _record(session, SignInEvent.REFUSED, member.id)
        session.commit()
        assert credential.locked_until is not None
        raise LedgerError(
            "sign_in.locked",
            "Too many wrong passwords: this account is locked until {until} (UTC); "
            "wait, or ask an organiser to unlock it.",
            field="secret",
            until=credential.locked_until.strftime("%H:%M"),
        )
    if not (password_ok or code_ok):
        raise _fail(session, credential, moment)
    credential.failed_count = 0
    session.add(credential)
    refusal: LedgerError | None = None
    if code_ok and invitation is not None and invitation.expires_at < moment:
        refusal = LedgerError(
            "sign_in.code_expired",
            "That code expired on {day}; ask an organiser for a new invitation.",
            field="secret",
            day=invitation.expires_at.date().isoformat(),
        )
    elif not member.active:
        refusal = LedgerError(
            "sign_in.deactivated",
            "This account is deactivated; ask an organiser of your network.",
            field="name",
        )
    elif not current_network_ids(session=session, member_id=member.id):
        refusal = LedgerError(
            "sign_in.no_network",
            "You are no longer a member of any network here; ask an organiser to add you.",
            field="name",
        )
    if refusal is not None:
        _record(session, SignInEvent.REFUSED, member.id)
        session.commit()
        raise refusal
    if code_ok:
        session.commit()
        return SignedIn(member_id=member.id, name=member.name, needs_password=True)
    _record(session, SignInEvent.SIGNED_IN, member.id)
    session.commit()
    return SignedIn(member_id=member.id, name=member.name)


def choose_password(
    *,
    session: Session,
    name: str,
    code: str,
    password: str,
    repeated: str,
    now: datetime | None = None,
) -> SignedIn:
    """After a code: the member's new password, typed twice. The code is checked again
    and used up; from now on the member signs in with the password."""
    if len(password) < PASSWORD_MIN:
        raise LedgerError(
            "password.too_short",
            "A password needs at least {minimum} characters; yours has {length}.",
            field="password",
            minimum=PASSWORD_MIN,
            length=len(password),
        )
    if password != repeated:
        raise LedgerError(
            "password.not_repeated",
            "The two passwords differ; type the same password twice.",
            field="repeat",
        )
    moment = now or utcnow()
    signed = sign_in(session=session, name=name, secret=code, now=moment)
    if not signed.needs_password:
        raise _failed()
    credential = _lock_credential(session, signed.member_id)
    invitation = session.get(Invitation, signed.member_id)
    assert credential is not None and invitation is not None
    credential.password_hash = _hasher().hash(password)
    credential.password_set_at = moment
    session.add(credential)
    session.delete(invitation)
    _record(session, SignInEvent.PASSWORD_SET, signed.member_id)
    _record(session, SignInEvent.SIGNED_IN, signed.member_id)
    session.commit()
    return SignedIn(member_id=signed.member_id, name=signed.name)


def record_sign_out(*, session: Session, member_id: int, timed_out: bool = False) -> None:
    """Note that a member left the served app (or was signed out after being idle)."""
    _record(session, SignInEvent.TIMED_OUT if timed_out else SignInEvent.SIGNED_OUT, member_id)
    session.commit()


def list_sign_ins(
    *,
    session: Session,
    acting_id: int | None,
    network_id: int | None = None,
    limit: int | None = None,
) -> list[dict[str, object]]:
    """The sign-in log, newest first, for the owner or an organiser: only members of the
    networks they organise (all of them for the owner; one with ``network_id``)."""
    if acting_id is not None:
        organised = organised_network_ids(session=session, member_id=acting_id)
        if not organised or (network_id is not None and network_id not in organised):
            get_member(session=session, member_id=acting_id)
            raise LedgerError(
                "role.sign_ins",
                "Only an organiser may see the sign-in log, for the networks they organise.",
                field=None,
            )
        networks: set[int] | None = {network_id} if network_id is not None else organised
    else:
        networks = {network_id} if network_id is not None else None
    log, members = table_of(SignIn), table_of(Member)
    who, by = members.alias("who"), members.alias("by")
    query = (
        sa.select(
            log.c.id,
            log.c.at,
            log.c.event,
            log.c.member_id,
            who.c.name.label("member"),
            by.c.name.label("by"),
        )
        .outerjoin(who, who.c.id == log.c.member_id)
        .outerjoin(by, by.c.id == log.c.by_id)
        .order_by(log.c.at.desc(), log.c.id.desc())
    )
    if networks is not None:
        memberships = table_of(Membership)
        in_networks = sa.select(memberships.c.member_id).where(
            memberships.c.network_id.in_(sorted(networks))
        )
        query = query.where(log.c.member_id.in_(in_networks))
    if limit is not None:
        query = query.limit(limit)
    return [dict(row._mapping) for row in session.execute(query)]
