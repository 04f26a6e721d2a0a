"""``ask`` and ``offer`` commands: the board of who needs help and who offers it."""

import typer

from reciprocity.cli.app import JSON_OPTION, app, id_argument, print_created, print_rows, state
from reciprocity.i18n import _
from reciprocity.ledger.members import resolve_member
from reciprocity.ledger.networks import resolve_network
from reciprocity.ledger.requests import Post, add_request, list_requests, withdraw_request
from reciprocity.store.models import Ask, Offer

BOARD_COLUMNS = ("id", "created_at", "member", "network", "topic", "status", "answered_by")


def _board(table: type[Post], noun: str) -> typer.Typer:
    board = typer.Typer(help=f"Add, list and withdraw {noun}s.", no_args_is_help=True)

    @board.command("add")
    def add(
        ctx: typer.Context,
        member: str = typer.Argument(..., help=f"Who posts the {noun}."),
        topic: str = typer.Argument(..., help=_("A short topic, e.g. 'GDPR advice'.")),
        details: str | None = typer.Option(None, "--details"),
        network: str | None = typer.Option(None, "--network"),
        as_json: bool = JSON_OPTION,
    ) -> None:
        run = state(ctx)
        with run.session() as session:
            poster = resolve_member(session=session, name=member)
            assert poster.id is not None
            request = add_request(
                session=session,
                table=table,
                member_id=poster.id,
                topic=topic,
                details=details,
                network_id=resolve_network(session=session, name=network).id if network else None,
                acting_id=run.acting_member_id(session),
            )
        print_created([request.id], as_json=as_json, sentence=f"Added {noun} #{request.id}.")

    @board.command("list")
    def list_(
        ctx: typer.Context,
        open_only: bool = typer.Option(False, "--open", help=_("Only open ones.")),
        as_json: bool = JSON_OPTION,
    ) -> None:
        with state(ctx).reading() as session:
            rows = list_requests(session=session, table=table, open_only=open_only)
        print_rows(
            rows,
            columns=BOARD_COLUMNS,
            as_json=as_json,
            title=f"{noun.title()}s",
            empty=f"No {noun}s.",
        )

    @board.command("withdraw")
    def withdraw(ctx: typer.Context, request_id: int = id_argument()) -> None:
        run = state(ctx)
        with run.session() as session:
            withdraw_request(
                session=session,
                table=table,
                request_id=request_id,
                acting_id=run.acting_member_id(session),
            )
        typer.echo(f"Withdrew {noun} #{request_id}.")

    add.__doc__ = f"Post an {noun}."
    list_.__doc__ = f"List {noun}s, newest first."
    withdraw.__doc__ = f"Withdraw an open {noun}."
    return board


app.add_typer(_board(Ask, "ask"), name="ask")
app.add_typer(_board(Offer, "offer"), name="offer")
