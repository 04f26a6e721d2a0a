"""Signing in to the served app: invitations, passwords, locks, the log, on both engines."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from reciprocity.ledger import signin
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.members import deactivate_member, forget_member
from reciprocity.ledger.networks import leave_network
from reciprocity.ledger.signin import (
    choose_password,
    invite_member,
    list_sign_ins,
    sign_in,
    unlock_member,
)
from reciprocity.store.types import utcnow
from tests.unit.chapter import Chapter, build_chapter

PASSWORD = "correct horse battery"


@pytest.fixture
def chapter(session: Session) -> Chapter:
    return build_chapter(session)


def _events(session: Session) -> list[tuple[str, Any]]:
    rows = session.execute(sa.text("SELECT event, member_id FROM sign_in ORDER BY id")).all()
    return [(event, member_id) for event, member_id in rows]


def _member_with_password(session: Session, name: str = "Bob Jansen") -> None:
    invited = invite_member(session=session, name=name, acting_id=None)
    assert invited is not None
    choose_password(
        session=session, name=name, code=invited.code, password=PASSWORD, repeated=PASSWORD
    )


def test_a_code_lets_a_member_choose_a_password_then_the_password_signs_in(
    session: Session, chapter: Chapter
) -> None:
    invited = invite_member(session=session, name="bob jansen", acting_id=chapter.anna)
    assert invited is not None
    assert invited.member == "Bob Jansen"
    assert invited.expires_on == (utcnow() + timedelta(days=7)).date().isoformat()
    # The code works in any case and with or without its dashes.
    typed = invited.code.lower().replace("-", " ")
    first = sign_in(session=session, name="  Bob   Jansen ", secret=typed)
    assert (first.member_id, first.needs_password) == (chapter.bob, True)
    signed = choose_password(
        session=session, name="Bob Jansen", code=invited.code, password=PASSWORD, repeated=PASSWORD
    )
    assert (signed.member_id, signed.needs_password) == (chapter.bob, False)
    later = sign_in(session=session, name="Bob Jansen", secret=PASSWORD)
    assert (later.member_id, later.needs_password) == (chapter.bob, False)
    # The code is used up.
    with pytest.raises(LedgerError) as used:
        sign_in(session=session, name="Bob Jansen", secret=invited.code)
    assert used.value.key == "sign_in.failed"
    assert [event for event, _ in _events(session)] == [
        "invited",
        "password_set",
        "signed_in",
        "signed_in",
        "failed",
    ]


def test_an_unknown_name_and_a_wrong_password_get_the_same_sentence_and_work(
    session: Session, chapter: Chapter, monkeypatch: pytest.MonkeyPatch
) -> None:
    _member_with_password(session)
    verified: list[str] = []
    real = signin._matches

    def counting(hash_: str | None, secret: str) -> bool:
        verified.append(secret)
        return real(hash_, secret)

    monkeypatch.setattr(signin, "_matches", counting)
    sentences = []
    for name in ("Bob Jansen", "Nobody Here", "Eva Visser"):  # Eva was never invited
        verified.clear()
        with pytest.raises(LedgerError) as refused:
            sign_in(session=session, name=name, secret="wrong password!")
        sentences.append(str(refused.value))
        # A password and a code are both tried, whoever typed it: the same argon2 work.
        assert len(verified) == 2
    assert len(set(sentences)) == 1
    assert sentences[0] == (
        "That name and password (or code) do not match; check both and try again."
    )


def test_five_wrong_passwords_lock_even_against_the_right_one(
    session: Session, chapter: Chapter
) -> None:
    _member_with_password(session)
    for _ in range(5):
        with pytest.raises(LedgerError) as wrong:
            sign_in(session=session, name="Bob Jansen", secret="not it at all")
        assert wrong.value.key == "sign_in.failed"
    with pytest.raises(LedgerError) as locked:
        sign_in(session=session, name="Bob Jansen", secret=PASSWORD)
    assert locked.value.key == "sign_in.locked"
    assert "locked until" in str(locked.value)
    # After 15 minutes the right password works again.
    later = utcnow() + timedelta(minutes=16)
    assert sign_in(session=session, name="Bob Jansen", secret=PASSWORD, now=later).member_id
    events = [event for event, _ in _events(session)]
    assert events.count("failed") == 4 and events.count("locked") == 1
    assert events[-2:] == ["refused", "signed_in"]


def test_an_organiser_unlocks_and_a_member_may_not(session: Session, chapter: Chapter) -> None:
    _member_with_password(session)
    for _ in range(5):
        with pytest.raises(LedgerError):
            sign_in(session=session, name="Bob Jansen", secret="nope nope nope")
    with pytest.raises(LedgerError) as refused:
        unlock_member(session=session, name="Bob Jansen", acting_id=chapter.carla)
    assert refused.value.key == "role.invite"
    assert unlock_member(session=session, name="Bob Jansen", acting_id=chapter.anna) == (
        "Bob Jansen"
    )
    assert sign_in(session=session, name="Bob Jansen", secret=PASSWORD).member_id == chapter.bob
    with pytest.raises(LedgerError) as not_locked:
        unlock_member(session=session, name="Bob Jansen", acting_id=None)
    assert str(not_locked.value) == "Bob Jansen is not locked."


def test_expired_and_revoked_codes_are_refused(session: Session, chapter: Chapter) -> None:
    invited = invite_member(session=session, name="Carla Smit", acting_id=None)
    assert invited is not None
    with pytest.raises(LedgerError) as expired:
        sign_in(
            session=session,
            name="Carla Smit",
            secret=invited.code,
            now=utcnow() + timedelta(days=8),
        )
    assert expired.value.key == "sign_in.code_expired"
    assert invite_member(session=session, name="Carla Smit", acting_id=None, revoke=True) is None
    with pytest.raises(LedgerError) as revoked:
        sign_in(session=session, name="Carla Smit", secret=invited.code)
    assert revoked.value.key == "sign_in.failed"
    # Inviting again replaces the code: the old one no longer works, the new one does.
    old = invite_member(session=session, name="Carla Smit", acting_id=None)
    new = invite_member(session=session, name="Carla Smit", acting_id=None)
    assert old is not None and new is not None and old.code != new.code
    with pytest.raises(LedgerError):
        sign_in(session=session, name="Carla Smit", secret=old.code)
    assert sign_in(session=session, name="Carla Smit", secret=new.code).needs_password
    with pytest.raises(LedgerError) as nothing:
        invite_member(session=session, name="Eva Visser", acting_id=None, revoke=True)
    assert str(nothing.value) == "Eva Visser has no open invitation to revoke."


@pytest.mark.parametrize(
    ("password", "repeated", "key"),
    [
        ("short", "short", "password.too_short"),
        (PASSWORD, PASSWORD + "!", "password.not_repeated"),
    ],
)
def test_a_new_password_is_long_enough_and_typed_twice(
    session: Session, chapter: Chapter, password: str, repeated: str, key: str
) -> None:
    invited = invite_member(session=session, name="Dirk Bakker", acting_id=None)
    assert invited is not None
    with pytest.raises(LedgerError) as refused:
        choose_password(
            session=session,
            name="Dirk Bakker",
            code=invited.code,
            password=password,
            repeated=repeated,
        )
    assert refused.value.key == key
    # Nothing changed: the code still works.
    assert sign_in(session=session, name="Dirk Bakker", secret=invited.code).needs_password


def test_who_may_invite(session: Session, chapter: Chapter) -> None:
    with pytest.raises(LedgerError) as member:
        invite_member(session=session, name="Carla Smit", acting_id=chapter.bob)
    assert member.value.key == "role.invite"
    with pytest.raises(LedgerError) as other_network:
        invite_member(session=session, name="Frank Mulder", acting_id=chapter.anna)
    assert str(other_network.value) == (
        "Only an organiser of Open Coffee or the ledger's owner may invite or unlock Frank Mulder."
    )
    with pytest.raises(LedgerError) as prefix:
        invite_member(session=session, name="Carl", acting_id=None)
    assert prefix.value.key == "name.not_exact_member"


def test_a_deactivated_member_or_one_who_left_is_told_only_after_the_right_password(
    session: Session, chapter: Chapter
) -> None:
    _member_with_password(session, "Carla Smit")
    _member_with_password(session, "Dirk Bakker")
    deactivate_member(session=session, member_id=chapter.carla)
    leave_network(session=session, member_id=chapter.dirk, network_id=chapter.club)
    with pytest.raises(LedgerError) as wrong:
        sign_in(session=session, name="Carla Smit", secret="wrong again!")
    assert wrong.value.key == "sign_in.failed"
    with pytest.raises(LedgerError) as deactivated:
        sign_in(session=session, name="Carla Smit", secret=PASSWORD)
    assert deactivated.value.key == "sign_in.deactivated"
    with pytest.raises(LedgerError) as left:
        sign_in(session=session, name="Dirk Bakker", secret=PASSWORD)
    assert left.value.key == "sign_in.no_network"


def test_no_password_or_code_is_stored_or_told_in_clear(
    engine: Engine, session: Session, chapter: Chapter, db_url: str
) -> None:
    invited = invite_member(session=session, name="Bob Jansen", acting_id=None)
    assert invited is not None
    choose_password(
        session=session, name="Bob Jansen", code=invited.code, password=PASSWORD, repeated=PASSWORD
    )
    with pytest.raises(LedgerError) as refused:
        sign_in(session=session, name="Bob Jansen", secret="Secret-Typo-77")
    assert "Secret-Typo-77" not in str(refused.value)
    assert "Secret-Typo-77" not in repr(refused.value.params)
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT password_hash FROM credential")).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    if db_url.startswith("sqlite"):
        session.close()
        engine.dispose()
        raw = db_url.removeprefix("sqlite:///")
        data = b"".join(
            Path(path).read_bytes() for path in (raw, raw + "-wal") if Path(path).exists()
        )
        for secret in (PASSWORD, invited.code, "Secret-Typo-77"):
            assert secret.encode() not in data


def test_the_sign_in_log_is_for_organisers_of_the_members_networks(
    session: Session, chapter: Chapter
) -> None:
    _member_with_password(session, "Bob Jansen")
    _member_with_password(session, "Eva Visser")
    owner = {row["member"] for row in list_sign_ins(session=session, acting_id=None)}
    assert owner == {"Bob Jansen", "Eva Visser"}
    anna = {row["member"] for row in list_sign_ins(session=session, acting_id=chapter.anna)}
    assert anna == {"Bob Jansen"}  # Eva is only in Open Coffee, which Anna does not run
    with pytest.raises(LedgerError) as member:
        list_sign_ins(session=session, acting_id=chapter.carla)
    assert member.value.key == "role.sign_ins"


def test_forgetting_a_member_erases_their_sign_in(session: Session, chapter: Chapter) -> None:
    _member_with_password(session, "Bob Jansen")
    forget_member(session=session, member_id=chapter.bob)
    for table in ("credential", "invitation", "sign_in"):
        left = session.execute(
            sa.text(f"SELECT count(*) FROM {table} WHERE member_id = :m"), {"m": chapter.bob}
        ).scalar_one()
        assert left == 0, table
