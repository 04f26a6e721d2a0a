"""Roles: whether the acting member may do something, decided in one place for every face.

``acting_id`` names the acting member; ``None`` is the ledger's local owner (the command
line without ``--as``), who may do anything. A member acts on what they take part in; an
organiser may do anything in the networks they organise, and nothing in the others.

Every ``require_*`` function raises one :class:`LedgerError` sentence that names who may
act, and is called before anything is written. This module only reads; it never writes.
"""

from collections.abc import Collection

import sqlalchemy as sa
from sqlmodel import Session, col, select

from reciprocity.i18n import N_
from reciprocity.ledger.errors import LedgerError
from reciprocity.store.models import Member, Membership, Network, Role


def organised_network_ids(*, session: Session, member_id: int) -> set[int]:
    """The networks a member organises now: the organiser role, not left, and still active."""
    member = session.get(Member, member_id)
    if member is None:
        raise LedgerError("member.not_found", "There is no member #{id}.", field=None, id=member_id)
    if not member.active:
        return set()
    query = select(Membership.network_id).where(
        Membership.member_id == member_id,
        Membership.role == Role.ORGANISER,
        col(Membership.left_on).is_(None),
    )
    return set(session.exec(query).all())


def current_network_ids(*, session: Session, member_id: int) -> set[int]:
    """The networks a member belongs to now (any role, not left)."""
    query = select(Membership.network_id).where(
        Membership.member_id == member_id, col(Membership.left_on).is_(None)
    )
    return set(session.exec(query).all())


def may_act(
    *,
    session: Session,
    acting_id: int | None,
    party_ids: Collection[int],
    network_ids: Collection[int],
) -> bool:
    """Whether the acting member may act on a record of ``party_ids`` in ``network_ids``.

    ``None`` is the local owner of the ledger, who may do anything. A member may act on
    what they take part in; an organiser may do anything in the networks they organise.
    """
    if acting_id is None or acting_id in party_ids:
        return True
    return bool(organised_network_ids(session=session, member_id=acting_id) & set(network_ids))


def _network_names(session: Session, network_ids: Collection[int]) -> list[str]:
    if not network_ids:
        return []
    query = sa.select(col(Network.name)).where(col(Network.id).in_(set(network_ids)))
    return sorted(session.execute(query).scalars())


def organisers_of(*, session: Session, network_ids: Collection[int]) -> str:
    """'an organiser of Club Delft' (or of several networks), to name who else may act."""
    return organiser_phrase(_network_names(session, network_ids))


def organiser_phrase(network_names: Collection[str]) -> str:
    """:func:`organisers_of` for names already at hand (an import loads them once)."""
    names = sorted(network_names)
    if not names:
        return "an organiser of their network"
    if len(names) == 1:
        return f"an organiser of {names[0]}"
    return f"an organiser of {', '.join(names[:-1])} or {names[-1]}"


def require_organiser_of(
    *, session: Session, acting_id: int | None, network_id: int, doing: str
) -> None:
    """Refuse an acting member who does not organise the network: 'Only an organiser of
    Club Delft may {doing}.'"""
    if may_act(session=session, acting_id=acting_id, party_ids=(), network_ids={network_id}):
        return
    organiser = organisers_of(session=session, network_ids={network_id})
    raise LedgerError(
        "role.organiser_of",
        "Only {organiser} may {doing}.",
        field=None,
        organiser=organiser,
        doing=doing,
    )


def require_organiser(
    *,
    session: Session,
    acting_id: int | None,
    network_id: int | None,
    doing: str = N_("see its report"),
    doing_all: str = N_("see the report of all networks; choose a network you organise"),
) -> None:
    """Refuse an acting member who may not see a network's report (or every network's).

    One network: an organiser of it. All networks (``network_id`` ``None``): the local
    owner, or an organiser of every network in the ledger, deactivated ones too (their
    history is part of the report); anything less would show a network they do not run.
    ``doing`` and ``doing_all`` end the refusal for one network and for all of them.
    """
    if acting_id is None:
        return
    if network_id is not None:
        if session.get(Network, network_id) is None:
            raise LedgerError(
                "network.not_found", "There is no network #{id}.", field="network", id=network_id
            )
        require_organiser_of(
            session=session, acting_id=acting_id, network_id=network_id, doing=doing
        )
        return
    every = set(session.exec(select(Network.id)).all())
    if every <= organised_network_ids(session=session, member_id=acting_id):
        return
    raise LedgerError(
        "role.organiser_of_every_network",
        "Only an organiser of every network may {doing}.",
        field=None,
        doing=doing_all,
    )


def require_self_or_organiser(
    *,
    session: Session,
    acting_id: int | None,
    member_id: int,
    doing: str = N_("see their review"),
) -> None:
    """Refuse anyone but the member themself or an organiser of a network they are in now.

    ``doing`` ends the sentence: 'Only Bob Jansen or an organiser of Club Delft may
    {doing}.'
    """
    member = session.get(Member, member_id)
    if member is None:
        raise LedgerError(
            "member.not_found", "There is no member #{id}.", field="member", id=member_id
        )
    theirs = current_network_ids(session=session, member_id=member_id)
    if may_act(session=session, acting_id=acting_id, party_ids={member_id}, network_ids=theirs):
        return
    if not theirs:
        raise LedgerError(
            "role.self_or_owner",
            "Only {name} or the ledger's owner may {doing}.",
            field=None,
            name=member.name,
            doing=doing,
        )
    organiser = organisers_of(session=session, network_ids=theirs)
    raise LedgerError(
        "role.self_or_organiser",
        "Only {name} or {organiser} may {doing}.",
        field=None,
        name=member.name,
        organiser=organiser,
        doing=doing,
    )


def require_organiser_of_all(
    *, session: Session, acting_id: int | None, member_id: int, doing: str, or_self: bool = False
) -> None:
    """Refuse anyone but the owner or an organiser of every network the member is in now
    (and, with ``or_self``, the member themself): for what reaches beyond one network,
    such as deactivating a member everywhere."""
    if acting_id is None or (or_self and acting_id == member_id):
        return
    member = session.get(Member, member_id)
    if member is None:
        raise LedgerError(
            "member.not_found", "There is no member #{id}.", field="member", id=member_id
        )
    theirs = current_network_ids(session=session, member_id=member_id)
    if theirs and theirs <= organised_network_ids(session=session, member_id=acting_id):
        return
    if not theirs:
        raise (
            LedgerError(
                "role.self_or_owner_no_network",
                "Only {name} or the ledger's owner may {doing}: they are in no network.",
                field=None,
                name=member.name,
                doing=doing,
            )
            if or_self
            else LedgerError(
                "role.owner_no_network",
                "Only the ledger's owner may {doing}: they are in no network.",
                field=None,
                name=member.name,
                doing=doing,
            )
        )
    raise (
        LedgerError(
            "role.self_or_organiser_of_all",
            "Only {name} or an organiser of every network they are in ({networks}) may {doing}.",
            field=None,
            name=member.name,
            networks=", ".join(_network_names(session, theirs)),
            doing=doing,
        )
        if or_self
        else LedgerError(
            "role.organiser_of_all",
            "Only an organiser of every network they are in ({networks}) may {doing}.",
            field=None,
            name=member.name,
            networks=", ".join(_network_names(session, theirs)),
            doing=doing,
        )
    )


def may_see_contact(
    *, session: Session, acting_id: int | None, giver_id: int, receiver_id: int, network_id: int
) -> bool:
    """Whether the acting member may read an exchange's outside contact: its giver, its
    receiver, an organiser of its network, or the owner."""
    return may_act(
        session=session,
        acting_id=acting_id,
        party_ids={giver_id, receiver_id},
        network_ids={network_id},
    )


def networks_to_compare(
    *, session: Session, acting_id: int | None, network_ids: Collection[int] | None
) -> list[int]:
    """The networks an organiser may set side by side, refusing one they do not organise.

    Named networks must each be organised by the acting member; without names, the
    networks they organise now. The owner compares any network, and without names every
    network in the ledger.
    """
    every = {int(i) for i in session.exec(select(Network.id)).all() if i is not None}
    if network_ids:
        unknown = sorted(set(network_ids) - every)
        if unknown:
            raise LedgerError(
                "network.not_found", "There is no network #{id}.", field="network", id=unknown[0]
            )
        wanted = list(dict.fromkeys(network_ids))
        if acting_id is not None:
            mine = organised_network_ids(session=session, member_id=acting_id)
            for network_id in wanted:
                if network_id not in mine:
                    require_organiser_of(
                        session=session,
                        acting_id=acting_id,
                        network_id=network_id,
                        doing=N_("compare it with other networks"),
                    )
        return wanted
    if acting_id is None:
        return sorted(every)
    mine = organised_network_ids(session=session, member_id=acting_id)
    if not mine:
        raise LedgerError(
            "role.compare_no_network",
            "Comparing networks is for their organisers, and you organise none; name a "
            "network you organise, or ask the ledger's owner.",
            field=None,
        )
    return sorted(mine)
