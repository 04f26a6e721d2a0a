"""``network``, ``member`` and ``meeting`` commands: the people and groups of the ledger.

Every command passes the acting member (``--as``) to the ledger, which decides who may
administer what; without ``--as`` the command line is the ledger's local owner.
"""

import typer

from reciprocity.cli.app import (
    JSON_OPTION,
    app,
    as_dict,
    id_argument,
    print_created,
    print_json,
    print_rows,
    state,
)
from reciprocity.i18n import _
from reciprocity.ledger import members as ledger_members
from reciprocity.ledger import networks as ledger_networks
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.rules import parse_date
from reciprocity.store.models import DEFAULT_CURRENCY, NetworkKind, Role

network_app = typer.Typer(
    help=_("Add, edit, list and deactivate networks (the groups that meet)."), no_args_is_help=True
)
member_app = typer.Typer(
    help=_("Add, edit, list, deactivate and forget members."), no_args_is_help=True
)
meeting_app = typer.Typer(help=_("Add, edit and list meetings."), no_args_is_help=True)
app.add_typer(network_app, name="network")
app.add_typer(member_app, name="member")
app.add_typer(meeting_app, name="meeting")

NETWORK_COLUMNS = ("id", "name", "kind", "sla_days", "weights", "fee", "currency", "active")
KIND_HELP = "What sort of group it is: " + ", ".join(kind.value for kind in NetworkKind) + "."
FEE_HELP = "The yearly membership fee (in the network's currency)."
CURRENCY_HELP = "ISO 4217 currency of the fee and of amounts logged here, e.g. EUR."
HOURS_HELP = "Hours one meeting takes, travel included (at most 24)."
MEMBER_COLUMNS = ("id", "name", "company", "category", "email", "phone", "active")
MEETING_COLUMNS = ("id", "network_id", "held_on", "title")


def _parse_weights(pairs: list[str]) -> dict[str, int]:
    weights: dict[str, int] = {}
    for pair in pairs:
        kind, sep, number = pair.partition("=")
        if not sep or not number.strip().lstrip("-").isdigit():
            raise LedgerError(
                "weights.not_pair",
                "The weight '{pair}' is not KIND=NUMBER, e.g. referral=3.",
                field="weights",
                pair=pair,
            )
        weights[kind.strip()] = int(number)
    return weights


@network_app.command("add")
def network_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help=_("Name of the network.")),
    kind: str = typer.Option(NetworkKind.REFERRAL_CLUB.value, "--kind", help=KIND_HELP),
    sla_days: int = typer.Option(
        2, "--sla-days", help=_("Days within which a referral is followed up.")
    ),
    weight: list[str] = typer.Option(
        [], "--weight", metavar="KIND=N", help=_("Points per exchange kind, e.g. referral=3.")
    ),
    fee: float | None = typer.Option(None, "--fee", help=FEE_HELP),
    currency: str = typer.Option(DEFAULT_CURRENCY, "--currency", help=CURRENCY_HELP),
    meeting_hours: float | None = typer.Option(None, "--meeting-hours", help=HOURS_HELP),
    as_json: bool = JSON_OPTION,
) -> None:
    """Add a network (the ledger's owner only: run it without --as)."""
    run = state(ctx)
    with run.session() as session:
        network = ledger_networks.add_network(
            session=session,
            name=name,
            kind=kind,
            sla_days=sla_days,
            weights=_parse_weights(weight),
            fee=fee,
            currency=currency,
            meeting_hours=meeting_hours,
            acting_id=run.acting_member_id(session),
        )
    print_created(
        [network.id],
        as_json=as_json,
        sentence=_("Added network #{id}: {name}.").format(id=network.id, name=network.name),
    )


@network_app.command("edit")
def network_edit(
    ctx: typer.Context,
    network: str = typer.Argument(..., help=_("Network name.")),
    name: str | None = typer.Option(None, "--name", help=_("New name.")),
    kind: str | None = typer.Option(None, "--kind", help=KIND_HELP),
    sla_days: int | None = typer.Option(None, "--sla-days"),
    weight: list[str] = typer.Option(
        [], "--weight", metavar="KIND=N", help=_("Points per exchange kind, e.g. help=2.")
    ),
    fee: float | None = typer.Option(None, "--fee", help=FEE_HELP),
    currency: str | None = typer.Option(None, "--currency", help=CURRENCY_HELP),
    meeting_hours: float | None = typer.Option(None, "--meeting-hours", help=HOURS_HELP),
    scoring: str | None = typer.Option(
        None,
        "--scoring",
        metavar="FILE|default",
        help=_(
            "Keep this Traffic Lights scoring table (TOML) as the network's own; "
            "'default' goes back to the shipped one."
        ),
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Rename a network or change its kind, SLA, weights, costs or scoring (an organiser)."""
    from reciprocity.ledger.scoring import read_scoring_file, set_traffic_lights

    run = state(ctx)
    with run.session() as session:
        found = ledger_networks.resolve_network(session=session, name=network)
        assert found.id is not None
        if scoring is not None:
            set_traffic_lights(
                session=session,
                network_id=found.id,
                text=None if scoring == "default" else read_scoring_file(scoring),
                acting_id=run.acting_member_id(session),
            )
        changed = ledger_networks.edit_network(
            session=session,
            network_id=found.id,
            name=name,
            kind=kind,
            sla_days=sla_days,
            weights=_parse_weights(weight),
            fee=fee,
            currency=currency,
            meeting_hours=meeting_hours,
            acting_id=run.acting_member_id(session),
        )
    if as_json:
        print_json(as_dict(changed))
    else:
        typer.echo(_("Updated network #{id}: {name}.").format(id=changed.id, name=changed.name))


@network_app.command("deactivate")
def network_deactivate(ctx: typer.Context, network: str = typer.Argument(...)) -> None:
    """Mark a network that stopped meeting; its history stays (an organiser of it)."""
    run = state(ctx)
    with run.session() as session:
        found = ledger_networks.resolve_network(session=session, name=network)
        assert found.id is not None
        ledger_networks.deactivate_network(
            session=session, network_id=found.id, acting_id=run.acting_member_id(session)
        )
    typer.echo(_("Deactivated network #{id}: {name}.").format(id=found.id, name=found.name))


@network_app.command("list")
def network_list(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """List networks."""
    with state(ctx).reading() as session:
        rows = ledger_networks.list_networks(session=session)
    print_rows(
        rows,
        columns=NETWORK_COLUMNS,
        as_json=as_json,
        title=_("Networks"),
        empty=_("No networks yet; add one with: reciprocity network add NAME"),
    )


@member_app.command("add")
def member_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help=_("Full name.")),
    network: list[str] = typer.Option([], "--network", help=_("Network to join (repeatable).")),
    company: str | None = typer.Option(None, "--company"),
    category: str | None = typer.Option(
        None, "--category", help=_("Profession, e.g. 'Accountant'.")
    ),
    email: str | None = typer.Option(None, "--email"),
    phone: str | None = typer.Option(None, "--phone"),
    role: str = typer.Option(Role.MEMBER.value, "--role", help=_("member or organiser.")),
    joined: str | None = typer.Option(
        None,
        "--joined",
        help=_(
            "Day they joined the networks, YYYY-MM-DD or today; left out, they count as "
            "members from the start (for a group's existing members)."
        ),
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Add a member, optionally to networks (with --as: networks you organise)."""
    run = state(ctx)
    joined_on = parse_date(joined, field="joining date") if joined else None
    with run.session() as session:
        network_ids = [
            n.id
            for n in (ledger_networks.resolve_network(session=session, name=x) for x in network)
            if n.id is not None
        ]
        member = ledger_members.add_member(
            session=session,
            name=name,
            company=company,
            category=category,
            email=email,
            phone=phone,
            network_ids=network_ids,
            role=role,
            joined_on=joined_on,
            acting_id=run.acting_member_id(session),
        )
    print_created(
        [member.id],
        as_json=as_json,
        sentence=_("Added member #{id}: {name}.").format(id=member.id, name=member.name),
    )


@member_app.command("edit")
def member_edit(
    ctx: typer.Context,
    member: str = typer.Argument(..., help=_("Member name (a unique prefix will do).")),
    name: str | None = typer.Option(None, "--name", help=_("New name.")),
    company: str | None = typer.Option(None, "--company"),
    category: str | None = typer.Option(None, "--category"),
    email: str | None = typer.Option(None, "--email"),
    phone: str | None = typer.Option(None, "--phone"),
    reactivate: bool = typer.Option(
        False, "--reactivate", help=_("Make a deactivated member active.")
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Change a member's details (an empty value clears a field).

    The member themself or an organiser of a network they are in may.
    """
    run = state(ctx)
    with run.session() as session:
        found = ledger_members.resolve_member(session=session, name=member)
        assert found.id is not None
        changed = ledger_members.edit_member(
            session=session,
            member_id=found.id,
            name=name,
            company=company,
            category=category,
            email=email,
            phone=phone,
            active=True if reactivate else None,
            acting_id=run.acting_member_id(session),
        )
    if as_json:
        print_json(as_dict(changed))
    else:
        typer.echo(_("Updated member #{id}: {name}.").format(id=changed.id, name=changed.name))


@member_app.command("deactivate")
def member_deactivate(ctx: typer.Context, member: str = typer.Argument(...)) -> None:
    """Deactivate a member (their whole name): their history stays, they take part in
    nothing new."""
    run = state(ctx)
    with run.session() as session:
        found = ledger_members.resolve_member(session=session, name=member, exact=True)
        assert found.id is not None
        ledger_members.deactivate_member(
            session=session, member_id=found.id, acting_id=run.acting_member_id(session)
        )
    typer.echo(_("Deactivated member #{id}: {name}.").format(id=found.id, name=found.name))


@member_app.command("forget")
def member_forget(
    ctx: typer.Context,
    member: str = typer.Argument(..., help=_("The member's whole name (any case).")),
    yes: bool = typer.Option(False, "--yes", "-y", help=_("Do not ask for confirmation.")),
    as_json: bool = JSON_OPTION,
) -> None:
    """Erase a member's personal data for good; their anonymous history stays."""
    run = state(ctx)
    with run.session() as session:
        found = ledger_members.resolve_member(session=session, name=member, exact=True)
        assert found.id is not None
        acting_id = run.acting_member_id(session)
        plan = ledger_members.plan_forget(session=session, member_id=found.id, acting_id=acting_id)
    # No transaction stays open while the user reads the question; forgetting checks again.
    if not yes and not typer.confirm(
        f"Forget {plan.name} (#{plan.member_id})? Their name, company, category, email "
        f"and phone, the contact details of {plan.exchanges} exchange(s), the notes of "
        f"{plan.one_to_ones} one-to-one(s) and the details of {plan.posts} ask(s) and "
        "offer(s) are erased for good; their exchanges stay, anonymous",
        err=True,
    ):
        raise LedgerError(
            "member.forget_cancelled",
            "Nothing was forgotten; {name} stays as they were.",
            field=None,
            name=plan.name,
        )
    with run.session() as session:
        forgotten = ledger_members.forget_member(
            session=session, member_id=plan.member_id, acting_id=acting_id
        )
    if as_json:
        print_json(as_dict(forgotten))
    else:
        typer.echo(
            f"Forgot member #{forgotten.id}: they are now '{forgotten.name}', and their "
            "exchanges still count in everyone's balance."
        )


@member_app.command("join")
def member_join(
    ctx: typer.Context,
    member: str = typer.Argument(...),
    network: str = typer.Argument(...),
    role: str | None = typer.Option(
        None,
        "--role",
        help=_("member or organiser; a new member is a member, a current one keeps theirs."),
    ),
    joined: str | None = typer.Option(
        None,
        "--joined",
        "--date",
        help=_(
            "Joining date, YYYY-MM-DD or today; left out, a newcomer counts from the "
            "start, a rejoining member from today and a current member keeps their date."
        ),
    ),
) -> None:
    """Add a member to a network, change their role or their joining date (an organiser)."""
    run = state(ctx)
    joined_on = parse_date(joined, field="joining date") if joined else None
    with run.session() as session:
        found = ledger_members.resolve_member(session=session, name=member)
        net = ledger_networks.resolve_network(session=session, name=network)
        assert found.id is not None and net.id is not None
        membership = ledger_networks.join_network(
            session=session,
            member_id=found.id,
            network_id=net.id,
            role=role,
            joined_on=joined_on,
            acting_id=run.acting_member_id(session),
        )
    since = f" since {membership.joined_on}" if membership.joined_on else ""
    article = "an" if membership.role == Role.ORGANISER else "a"
    typer.echo(f"{found.name} is now {article} {membership.role} of {net.name}{since}.")


@member_app.command("leave")
def member_leave(
    ctx: typer.Context,
    member: str = typer.Argument(...),
    network: str = typer.Argument(...),
    left: str = typer.Option("today", "--date", help=_("Leaving date, YYYY-MM-DD or today.")),
) -> None:
    """Record that a member left a network (the member or an organiser of it)."""
    run = state(ctx)
    with run.session() as session:
        found = ledger_members.resolve_member(session=session, name=member)
        net = ledger_networks.resolve_network(session=session, name=network)
        assert found.id is not None and net.id is not None
        ledger_networks.leave_network(
            session=session,
            member_id=found.id,
            network_id=net.id,
            left_on=parse_date(left, field="leaving date"),
            acting_id=run.acting_member_id(session),
        )
    typer.echo(f"{found.name} left {net.name}.")


@member_app.command("list")
def member_list(
    ctx: typer.Context,
    network: str | None = typer.Option(None, "--network", help=_("Only members of this network.")),
    as_json: bool = JSON_OPTION,
) -> None:
    """List members."""
    with state(ctx).reading() as session:
        network_id = (
            ledger_networks.resolve_network(session=session, name=network).id if network else None
        )
        rows = ledger_members.list_members(session=session, network_id=network_id)
    print_rows(
        rows,
        columns=MEMBER_COLUMNS,
        as_json=as_json,
        title=_("Members"),
        empty=_("No members yet; add one with: reciprocity member add NAME"),
    )


@meeting_app.command("add")
def meeting_add(
    ctx: typer.Context,
    network: str = typer.Argument(..., help=_("Network name.")),
    held: str = typer.Option("today", "--date", help=_("YYYY-MM-DD or today.")),
    title: str | None = typer.Option(None, "--title"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Add a meeting of a network (an organiser of it)."""
    run = state(ctx)
    with run.session() as session:
        net = ledger_networks.resolve_network(session=session, name=network)
        assert net.id is not None
        meeting = ledger_networks.add_meeting(
            session=session,
            network_id=net.id,
            held_on=parse_date(held),
            title=title,
            acting_id=run.acting_member_id(session),
        )
    print_created(
        [meeting.id],
        as_json=as_json,
        sentence=_("Added meeting #{id} of {network} on {day}.").format(
            id=meeting.id, network=net.name, day=meeting.held_on
        ),
    )


@meeting_app.command("edit")
def meeting_edit(
    ctx: typer.Context,
    meeting_id: int = id_argument(_("The meeting's id.")),
    held: str | None = typer.Option(None, "--date", help=_("New date, YYYY-MM-DD or today.")),
    title: str | None = typer.Option(None, "--title", help=_("New title ('' clears it).")),
) -> None:
    """Change a meeting's date or title (an organiser of its network)."""
    run = state(ctx)
    with run.session() as session:
        meeting = ledger_networks.edit_meeting(
            session=session,
            meeting_id=meeting_id,
            held_on=parse_date(held) if held else None,
            title=title,
            acting_id=run.acting_member_id(session),
        )
    typer.echo(_("Updated meeting #{id} on {day}.").format(id=meeting.id, day=meeting.held_on))


@meeting_app.command("list")
def meeting_list(
    ctx: typer.Context,
    network: str | None = typer.Option(None, "--network"),
    as_json: bool = JSON_OPTION,
) -> None:
    """List meetings, newest first."""
    with state(ctx).reading() as session:
        network_id = (
            ledger_networks.resolve_network(session=session, name=network).id if network else None
        )
        rows = ledger_networks.list_meetings(session=session, network_id=network_id)
    print_rows(
        rows,
        columns=MEETING_COLUMNS,
        as_json=as_json,
        title=_("Meetings"),
        empty=_("No meetings yet."),
    )
