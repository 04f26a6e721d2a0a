"""``member invite``, ``member unlock``, ``sign-ins`` and ``serve``: the group at the table.

``serve`` puts the app in every member's browser (see :mod:`reciprocity.serve`); the
others are the organiser's side of signing in: handing out one-time codes, lifting a
lock, reading the sign-in log. The rules live in :mod:`reciprocity.ledger.signin`.
"""

import typer

from reciprocity.cli.app import JSON_OPTION, app, print_json, print_rows, state
from reciprocity.cli.records import member_app
from reciprocity.i18n import _
from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.networks import resolve_network
from reciprocity.ledger.signin import INVITATION_DAYS, invite_member, list_sign_ins, unlock_member


@member_app.command("invite")
def member_invite(
    ctx: typer.Context,
    name: str = typer.Argument(..., help=_("The member's whole name.")),
    revoke: bool = typer.Option(False, "--revoke", help=_("Withdraw the open invitation.")),
    as_json: bool = JSON_OPTION,
) -> None:
    """Give a member a one-time code to sign in to `reciprocity serve` (valid 7 days).

    Inviting again replaces the old code. The owner or an organiser of one of the
    member's networks."""
    run = state(ctx)
    with run.session() as session:
        invited = invite_member(
            session=session, name=name, acting_id=run.acting_member_id(session), revoke=revoke
        )
    if invited is None:
        if as_json:
            print_json({"member": name, "revoked": True})
        else:
            typer.echo(_("The invitation of {name} is withdrawn.").format(name=name))
        return
    if as_json:
        print_json(
            {"member": invited.member, "code": invited.code, "expires_on": invited.expires_on}
        )
        return
    typer.echo(
        _(
            "Code for {name}: {code} (valid until {day}, {days} days). Hand it over in "
            "person or by phone: with their name it lets them choose a password."
        ).format(
            name=invited.member, code=invited.code, day=invited.expires_on, days=INVITATION_DAYS
        )
    )


@member_app.command("unlock")
def member_unlock(
    ctx: typer.Context, name: str = typer.Argument(..., help=_("The member's whole name."))
) -> None:
    """Lift the lock after five wrong passwords (the owner or an organiser of theirs)."""
    run = state(ctx)
    with run.session() as session:
        unlocked = unlock_member(
            session=session, name=name, acting_id=run.acting_member_id(session)
        )
    typer.echo(_("{name} may sign in again.").format(name=unlocked))


@app.command("sign-ins")
def sign_ins(
    ctx: typer.Context,
    network: str | None = typer.Option(None, "--network", help=_("Only this network's members.")),
    limit: int | None = typer.Option(
        None, "--limit", min=1, help=_("At most this many, newest first.")
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """The sign-in log, newest first: sign-ins, failures, locks, invitations, sign-outs.

    Organisers see the members of the networks they organise; the owner sees everyone.
    """
    run = state(ctx)
    with run.session() as session:
        network_id = resolve_network(session=session, name=network).id if network else None
        rows = list_sign_ins(
            session=session,
            acting_id=run.acting_member_id(session),
            network_id=network_id,
            limit=limit,
        )
    print_rows(
        rows,
        columns=("at", "event", "member", "by"),
        as_json=as_json,
        title=_("Sign-ins"),
        empty=_("Nobody has signed in yet."),
    )


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help=_("Address to listen on.")),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help=_("Port to listen on.")),
    public_url: str | None = typer.Option(
        None,
        "--public-url",
        help=_(
            "The address members open, e.g. https://reciprocity.example.org "
            "(needed behind a proxy, or with --host 0.0.0.0)."
        ),
    ),
    title: str | None = typer.Option(
        None, "--title", help=_("The group's name on the first screen (default: the network's).")
    ),
    idle_minutes: int = typer.Option(
        30, "--idle-minutes", min=1, max=24 * 60, help=_("Sign out after this long without a key.")
    ),
    max_sessions: int = typer.Option(
        100, "--max-sessions", min=1, help=_("Browser sessions that may run at once.")
    ),
) -> None:
    """Serve the app to the group's browsers, with sign-in (invite members first).

    Every member signs in with their name and password and acts as themselves; the
    server alone holds the database. Put it behind HTTPS for use over the internet.
    """
    from reciprocity.i18n import language
    from reciprocity.ledger.networks import list_networks
    from reciprocity.serve.server import public_url_for
    from reciprocity.serve.server import serve as run_server

    run = state(ctx)
    with run.session() as session:
        networks = [network.name for network in list_networks(session=session) if network.active]
    address = public_url_for(host, port, public_url)
    if address is None:
        raise LedgerError(
            "serve.public_url_needed",
            "With --host {host}, browsers cannot know the address: pass --public-url, e.g. "
            "--public-url http://192.168.1.20:{port}.",
            field="public_url",
            host=host,
            port=port,
        )
    group = title or (networks[0] if len(networks) == 1 else "Reciprocity")
    typer.echo(
        _("Members sign in at {address} with their name and the code from `{command}`.").format(
            address=address, command=run.command('member invite "NAME"')
        )
    )
    run_server(
        url=run.url,
        host=host,
        port=port,
        public_url=address,
        title=group,
        idle_minutes=idle_minutes,
        language=language(),
        max_sessions=max_sessions,
    )
