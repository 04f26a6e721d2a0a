"""``log``, ``ack``, ``followup``, ``feedback``, ``void``, ``one-to-one`` and ``exchanges``.

The after-meeting commands. ``log`` hands what was typed to the ledger's one entry use
case (:func:`~reciprocity.ledger.entry.log_exchange`), the same the quick log calls: it
resolves the names (exact, then unique prefix) and defaults the network to the one the
two members share.
"""

from functools import partial

import typer
from sqlmodel import Session

from reciprocity.cli.app import (
    JSON_OPTION,
    app,
    id_argument,
    id_option,
    print_created,
    print_json,
    print_json_stream,
    print_rows,
    state,
)
from reciprocity.i18n import N_, _
from reciprocity.ledger import exchanges as ledger_exchanges
from reciprocity.ledger import followups as ledger_followups
from reciprocity.ledger.entry import Entry, log_exchange
from reciprocity.ledger.members import resolve_member
from reciprocity.ledger.networks import resolve_network
from reciprocity.ledger.one_to_ones import list_one_to_ones, log_one_to_one
from reciprocity.ledger.rules import MAX_ID, parse_date
from reciprocity.store.models import ReferralType

log_app = typer.Typer(help=_("Log a referral, help or introduction."), no_args_is_help=True)
app.add_typer(log_app, name="log")

EXCHANGE_COLUMNS = ("id", "occurred_on", "kind", "giver", "receiver", "network", "summary")
TABLE_LIMIT = 50
"""Rows a table shows when no ``--limit`` is given; ``--json`` lists everything."""

DATE_OPTION = typer.Option("today", "--date", help=_("YYYY-MM-DD or today."))
NETWORK_OPTION = typer.Option(
    None, "--network", help=_("Network name; defaults to the one both share.")
)
SUMMARY_OPTION = typer.Option(None, "--summary", help=_("What it was about."))
MEETING_OPTION = id_option("--meeting", _("Meeting id; without --date, its date is used."))


def _member_id(session: Session, name: str) -> int:
    member = resolve_member(session=session, name=name)
    assert member.id is not None
    return member.id


def _network_id(session: Session, name: str | None) -> int | None:
    return resolve_network(session=session, name=name).id if name else None


def _log(ctx: typer.Context, entry: Entry, as_json: bool) -> None:
    """Log through the one entry use case and print what it made."""
    run = state(ctx)
    with run.session() as session:
        logged = log_exchange(session=session, entry=entry, acting_id=run.acting_member_id(session))
    print_created(list(logged.ids), as_json=as_json, sentence=logged.sentence)


@log_app.command("referral")
def log_referral(
    ctx: typer.Context,
    giver: str = typer.Argument(..., help=_("Who gave the referral.")),
    receiver: str = typer.Argument(..., help=_("Who received it.")),
    network: str | None = NETWORK_OPTION,
    when: str = DATE_OPTION,
    summary: str | None = SUMMARY_OPTION,
    contact: str | None = typer.Option(None, "--contact", help=_("The referred contact's name.")),
    contact_details: str | None = typer.Option(
        None, "--contact-details", help=_("Phone or email.")
    ),
    referral_type: str = typer.Option(
        ReferralType.OUTSIDE.value, "--type", help=_("inside or outside.")
    ),
    hotness: int | None = typer.Option(
        None, "--hotness", help=_("1 (name only) to 5 (in person).")
    ),
    value: float | None = typer.Option(None, "--value", help=_("Estimated value of the business.")),
    meeting: int | None = MEETING_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Log a referral from GIVER to RECEIVER."""
    entry = Entry(
        kind="referral",
        giver=giver,
        receiver=receiver,
        network=network,
        date=when,
        meeting=meeting,
        summary=summary,
        contact=contact,
        contact_details=contact_details,
        referral_type=referral_type,
        hotness=hotness,
        value=value,
    )
    _log(ctx, entry, as_json)


@log_app.command("help")
def log_help(
    ctx: typer.Context,
    giver: str = typer.Argument(..., help=_("Who helped.")),
    receiver: str = typer.Argument(..., help=_("Who was helped.")),
    network: str | None = NETWORK_OPTION,
    when: str = DATE_OPTION,
    summary: str | None = SUMMARY_OPTION,
    answers: int | None = id_option("--answers", _("The ask id this help answers.")),
    offer: int | None = id_option("--offer", _("The offer id this help takes up.")),
    meeting: int | None = MEETING_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Log help GIVER gave RECEIVER, optionally answering an ask."""
    entry = Entry(
        kind="help",
        giver=giver,
        receiver=receiver,
        network=network,
        date=when,
        meeting=meeting,
        summary=summary,
        answers=answers,
        offer=offer,
    )
    _log(ctx, entry, as_json)


@log_app.command("intro")
def log_intro(
    ctx: typer.Context,
    introducer: str = typer.Argument(..., help=_("Who made the introduction.")),
    member: str = typer.Argument(..., help=_("The member introduced.")),
    with_member: str | None = typer.Option(None, "--with", help=_("The other member introduced.")),
    with_contact: str | None = typer.Option(
        None, "--with-contact", help=_("An outside contact's name.")
    ),
    contact_details: str | None = typer.Option(
        None, "--contact-details", help=_("The outside contact's phone or email.")
    ),
    network: str | None = NETWORK_OPTION,
    when: str = DATE_OPTION,
    summary: str | None = SUMMARY_OPTION,
    meeting: int | None = MEETING_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Log an introduction of MEMBER to another member or to an outside contact."""
    entry = Entry(
        kind="introduction",
        giver=introducer,
        receiver=member,
        with_member=with_member,
        with_contact=with_contact,
        contact_details=contact_details,
        network=network,
        date=when,
        meeting=meeting,
        summary=summary,
    )
    _log(ctx, entry, as_json)


@app.command("ack")
def ack(ctx: typer.Context, exchange_id: int = id_argument(_("The referral's id."))) -> None:
    """Acknowledge a referral you received."""
    run = state(ctx)
    with run.session() as session:
        ledger_followups.acknowledge(
            session=session, exchange_id=exchange_id, acting_id=run.acting_member_id(session)
        )
    typer.echo(_("Acknowledged referral #{id}.").format(id=exchange_id))


@app.command("followup")
def followup(
    ctx: typer.Context,
    exchange_id: int = id_argument(_("The exchange's id.")),
    status: str = typer.Argument(
        ..., help=_("contacted, meeting, proposal, won, lost or no_response.")
    ),
    when: str = DATE_OPTION,
    value: float | None = typer.Option(None, "--value", help=_("Value of won business.")),
    business: str | None = typer.Option(None, "--business", help=_("new or repeat (for won).")),
    note: str | None = typer.Option(None, "--note"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Move a referral you received one step forward."""
    run = state(ctx)
    with run.session() as session:
        step = ledger_followups.record_followup(
            session=session,
            exchange_id=exchange_id,
            status=status,
            occurred_on=parse_date(when),
            value=value,
            business=business,
            note=note,
            acting_id=run.acting_member_id(session),
        )
    print_created(
        [step.id],
        as_json=as_json,
        sentence=_("Referral #{id} is now '{status}' (step #{step}).").format(
            id=exchange_id, status=step.status, step=step.id
        ),
    )


@app.command("feedback")
def feedback(
    ctx: typer.Context,
    exchange_id: int = id_argument(_("The exchange's id.")),
    rating: int = typer.Argument(..., help=_("1 to 5: how well your referral was treated.")),
    comment: str | None = typer.Option(None, "--comment"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Rate how the receiver treated a referral you gave (a new rating replaces the old)."""
    run = state(ctx)
    with run.session() as session:
        given = ledger_followups.give_feedback(
            session=session,
            exchange_id=exchange_id,
            rating=rating,
            comment=comment,
            acting_id=run.acting_member_id(session),
        )
    print_created(
        [given.id],
        as_json=as_json,
        sentence=_("Rated referral #{id}: {rating}/5.").format(id=exchange_id, rating=given.rating),
    )


@app.command("void")
def void(
    ctx: typer.Context,
    exchange_id: int = id_argument(_("The exchange's id.")),
    reason: str = typer.Option(
        ..., "--reason", help=_("Why the entry is wrong (kept for the audit).")
    ),
) -> None:
    """Void a wrong entry; it stays for the audit trail and leaves every metric."""
    run = state(ctx)
    with run.session() as session:
        voided = ledger_exchanges.void_exchange(
            session=session,
            exchange_id=exchange_id,
            reason=reason,
            acting_id=run.acting_member_id(session),
        )
        partner = ledger_exchanges.live_introduction_partner(session=session, exchange=voided)
    typer.echo(_("Voided exchange #{id}.").format(id=exchange_id))
    if partner is not None:
        typer.echo(
            _(
                "It was half of an introduction with #{partner}, which stays; "
                "void #{partner} too if the whole introduction was wrong."
            ).format(partner=partner)
        )


@app.command("one-to-one")
def one_to_one(
    ctx: typer.Context,
    first: str = typer.Argument(..., metavar="A"),
    second: str = typer.Argument(..., metavar="B"),
    network: str | None = typer.Option(None, "--network"),
    when: str = DATE_OPTION,
    note: str | None = typer.Option(None, "--note"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Record a one-to-one between members A and B."""
    run = state(ctx)
    with run.session() as session:
        meeting = log_one_to_one(
            session=session,
            member_a_id=_member_id(session, first),
            member_b_id=_member_id(session, second),
            network_id=_network_id(session, network),
            held_on=parse_date(when),
            note=note,
            acting_id=run.acting_member_id(session),
        )
    print_created(
        [meeting.id],
        as_json=as_json,
        sentence=_("Logged one-to-one #{id}.").format(id=meeting.id),
    )


@app.command("exchanges")
def exchanges(
    ctx: typer.Context,
    network: str | None = typer.Option(None, "--network"),
    member: str | None = typer.Option(
        None, "--member", help=_("Exchanges this member gave or received.")
    ),
    kind: str | None = typer.Option(None, "--kind", help=_("referral, help or introduction.")),
    date_from: str | None = typer.Option(None, "--from", help=_("First day, YYYY-MM-DD.")),
    date_to: str | None = typer.Option(None, "--to", help=_("Last day, YYYY-MM-DD.")),
    limit: int | None = typer.Option(
        None, "--limit", min=1, max=MAX_ID, help=_("At most this many, newest first.")
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """List exchanges, newest first (voided ones included and marked).

    With --as, an outside contact shows only to the exchange's giver, receiver and the
    organisers of its network; for others it is blank and ``contact_hidden`` is true.
    """
    run = state(ctx)
    with run.reading() as session:
        matching = partial(
            ledger_exchanges.iter_exchanges,
            session=session,
            acting_id=run.acting_member_id(session),
            network_id=_network_id(session, network),
            member_id=_member_id(session, member) if member else None,
            kind=kind,
            date_from=parse_date(date_from, field="start date") if date_from else None,
            date_to=parse_date(date_to, field="end date") if date_to else None,
        )
        if as_json:
            print_json_stream(matching(limit=limit))
            return
        shown = limit or TABLE_LIMIT
        rows = list(matching(limit=shown + 1))
    more = len(rows) > shown
    rows = rows[:shown]
    for row in rows:
        if row["voided_at"] is not None:
            row["summary"] = f"[voided: {row['void_reason']}] {row['summary'] or ''}".strip()
    print_rows(
        rows,
        columns=EXCHANGE_COLUMNS,
        as_json=False,
        title=_("Exchanges"),
        empty=_("No exchanges match."),
        footer=_("The newest {count}; --limit N shows more, --json shows all.").format(count=shown)
        if more
        else None,
    )


@app.command("show")
def show(
    ctx: typer.Context,
    exchange_id: int = id_argument(_("The exchange's id.")),
    as_json: bool = JSON_OPTION,
) -> None:
    """Show one exchange with its whole story: acknowledgement, steps and feedback."""
    run = state(ctx)
    with run.reading() as session:
        story = ledger_followups.exchange_story(session=session, exchange_id=exchange_id)
        story["exchange"] = ledger_exchanges.hide_contact(
            session=session, exchange=story["exchange"], acting_id=run.acting_member_id(session)
        )
    if as_json:
        print_json(story)
        return
    exchange = story["exchange"]
    typer.echo(
        _("#{id} {kind} on {day}: {giver} → {receiver} ({network})").format(
            id=exchange["id"],
            kind=_(exchange["kind"]),
            day=exchange["occurred_on"],
            giver=exchange["giver"],
            receiver=exchange["receiver"],
            network=exchange["network"],
        )
    )
    details = {
        N_("Summary"): exchange["summary"],
        N_("Contact"): (
            _("(only the giver, the receiver and the organisers of {network} see it)").format(
                network=exchange["network"]
            )
            if exchange["contact_hidden"]
            else ", ".join(
                part for part in (exchange["contact_name"], exchange["contact_details"]) if part
            )
        ),
        N_("Type"): exchange["referral_type"],
        N_("Hotness"): exchange["hotness"],
        N_("Estimated value"): exchange["estimated_value"],
        N_("Acknowledged"): exchange["acknowledged_at"],
        N_("Voided"): (
            f"{exchange['voided_at']:%Y-%m-%d}: {exchange['void_reason']}"
            if exchange["voided_at"]
            else None
        ),
    }
    for label, value in details.items():
        if value not in (None, ""):
            typer.echo(f"  {_(label)}: {value}")
    if exchange["kind"] == "referral":
        print_rows(
            story["steps"],
            columns=("occurred_on", "status", "value", "business", "note"),
            as_json=False,
            title=_("Steps"),
            empty="  " + _("No follow-up steps yet."),
        )
    feedback = story["feedback"]
    if feedback is not None:
        comment = f" — {feedback['comment']}" if feedback["comment"] else ""
        typer.echo(
            "  "
            + _("Feedback from the giver: {rating}/5{comment}").format(
                rating=feedback["rating"], comment=comment
            )
        )


@app.command("one-to-ones")
def one_to_ones(
    ctx: typer.Context,
    member: str | None = typer.Option(None, "--member", help=_("Only this member's one-to-ones.")),
    as_json: bool = JSON_OPTION,
) -> None:
    """List one-to-ones, newest first."""
    with state(ctx).reading() as session:
        rows = list_one_to_ones(
            session=session, member_id=_member_id(session, member) if member else None
        )
    print_rows(
        rows,
        columns=("id", "held_on", "member_a", "member_b", "network", "note"),
        as_json=as_json,
        title=_("One-to-ones"),
        empty=_("No one-to-ones yet."),
    )
