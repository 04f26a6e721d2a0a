"""Asks and offers: the open board of who needs help and who offers expertise.

An ask is answered by a help exchange to the asker (:func:`log_help` with
``answers_ask_id``); an offer is taken up by a help exchange from the offerer. Either can
be withdrawn while open. Voiding the answering exchange opens the request again.

A member posts and withdraws only their own asks and offers; an organiser may do it for
a member of a network they organise. ``acting_id`` ``None`` is the local owner.
"""

from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session

from reciprocity.i18n import N_, Term
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.members import get_member
from reciprocity.ledger.networks import (
    get_network,
    may_act,
    member_network_ids,
    organisers_of,
    require_membership,
)
from reciprocity.ledger.rules import clean_text, require_text
from reciprocity.store.locks import lock_row
from reciprocity.store.models import Ask, Member, Network, Offer, RequestStatus
from reciprocity.store.tables import table_of

Post = TypeVar("Post", Ask, Offer)
RequestTable = type[Ask] | type[Offer]


STATUS_WORDS = {"open": N_("open"), "answered": N_("answered"), "withdrawn": N_("withdrawn")}
"""An ask's or an offer's status as a word of a sentence, translated when it is rendered."""


def _require_poster(
    *,
    session: Session,
    acting_id: int | None,
    member: Member,
    network_id: int | None,
    table: RequestTable,
    request_id: int | None = None,
) -> None:
    """The poster, or an organiser of the post's network (of any of the poster's networks
    when the post names none). ``request_id`` names the post being withdrawn; without it,
    a new post is refused."""
    assert member.id is not None
    networks = (
        {network_id}
        if network_id is not None
        else member_network_ids(session=session, member_id=member.id)
    )
    if may_act(session=session, acting_id=acting_id, party_ids={member.id}, network_ids=networks):
        return
    organiser = organisers_of(session=session, network_ids=networks)
    params = {"name": member.name, "organiser": organiser}
    if request_id is None:
        raise (
            LedgerError(
                "role.post_ask",
                "Only {name} or {organiser} may post an ask for them.",
                field=None,
                **params,
            )
            if table is Ask
            else LedgerError(
                "role.post_offer",
                "Only {name} or {organiser} may post an offer for them.",
                field=None,
                **params,
            )
        )
    raise (
        LedgerError(
            "role.withdraw_ask",
            "Only {name} or {organiser} may withdraw ask #{id}.",
            field=None,
            id=request_id,
            **params,
        )
        if table is Ask
        else LedgerError(
            "role.withdraw_offer",
            "Only {name} or {organiser} may withdraw offer #{id}.",
            field=None,
            id=request_id,
            **params,
        )
    )


def add_request(
    *,
    session: Session,
    table: type[Post],
    member_id: int,
    topic: str,
    details: str | None = None,
    network_id: int | None = None,
    acting_id: int | None = None,
) -> Post:
    """Put an ask or an offer on the board."""
    clean_topic = require_text(topic, field="topic")
    clean_details = clean_text(details, field="details")
    member = get_member(session=session, member_id=member_id)
    if not member.active:
        raise LedgerError(
            "request.member_deactivated",
            "{name} is deactivated and cannot post to the board.",
            field="member",
            name=member.name,
        )
    if network_id is not None:
        network = get_network(session=session, network_id=network_id)
        require_membership(session=session, member=member, network=network, field="member")
    _require_poster(
        session=session, acting_id=acting_id, member=member, network_id=network_id, table=table
    )
    request = table(
        member_id=member_id, network_id=network_id, topic=clean_topic, details=clean_details
    )
    session.add(request)
    session.commit()
    session.refresh(request)
    return request


def list_requests(
    *,
    session: Session,
    table: type[Post],
    open_only: bool = False,
    network_id: int | None = None,
    member_id: int | None = None,
) -> list[dict[str, Any]]:
    """Asks or offers, newest first: each a dict of its columns plus ``member`` and
    ``network`` names, so the board reads without looking ids up."""
    posts, members, networks = table_of(table), table_of(Member), table_of(Network)
    query = (
        sa.select(posts, members.c.name.label("member"), networks.c.name.label("network"))
        .join(members, members.c.id == posts.c.member_id)
        .outerjoin(networks, networks.c.id == posts.c.network_id)
        .order_by(posts.c.created_at.desc(), posts.c.id.desc())
    )
    if open_only:
        query = query.where(posts.c.status == RequestStatus.OPEN)
    if network_id is not None:
        query = query.where(posts.c.network_id == network_id)
    if member_id is not None:
        query = query.where(posts.c.member_id == member_id)
    return [dict(row._mapping) for row in session.execute(query)]


def open_request(
    *, session: Session, table: type[Post], request_id: int, doing: str, field: str = "request"
) -> Post:
    """An ask or offer that is still open; ``doing`` finishes the refusal's sentence.

    ``field`` names the input the id was given in; errors carry it so a face can place them.
    The caller is about to answer or withdraw it: the request stays locked until the
    session commits, so two helps never answer one ask (:mod:`reciprocity.store.locks`).
    """
    lock_row(session, table_of(table), request_id)
    request = session.get(table, request_id, populate_existing=True)
    ask = table is Ask
    if request is None:
        raise (
            LedgerError("ask.not_found", "There is no ask #{id}.", field=field, id=request_id)
            if ask
            else LedgerError(
                "offer.not_found", "There is no offer #{id}.", field=field, id=request_id
            )
        )
    if request.status != RequestStatus.OPEN:
        raise (
            LedgerError(
                "ask.not_open",
                "Ask #{id} is already {status}; {doing}.",
                field=field,
                id=request_id,
                status=STATUS_WORDS[str(request.status)],
                doing=Term(doing),
            )
            if ask
            else LedgerError(
                "offer.not_open",
                "Offer #{id} is already {status}; {doing}.",
                field=field,
                id=request_id,
                status=STATUS_WORDS[str(request.status)],
                doing=Term(doing),
            )
        )
    return request


def withdraw_request(
    *, session: Session, table: type[Post], request_id: int, acting_id: int | None = None
) -> Post:
    """Take an open ask or offer off the board."""
    request = open_request(
        session=session,
        table=table,
        request_id=request_id,
        doing=N_("only an open one can be withdrawn"),
    )
    _require_poster(
        session=session,
        acting_id=acting_id,
        member=get_member(session=session, member_id=request.member_id),
        network_id=request.network_id,
        table=table,
        request_id=request_id,
    )
    request.status = RequestStatus.WITHDRAWN
    session.add(request)
    session.commit()
    session.refresh(request)
    return request
