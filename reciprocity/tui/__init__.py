"""The Textual app: log after a meeting, see your balance, follow up, run the network.

The TUI calls the ledger, analytics and reporting layers; it holds no SQL and no
metric maths. It is the only package that imports Textual.
"""

from reciprocity.tui.access import LedgerAccess


def run_app(access: LedgerAccess) -> None:
    """Open the app on ``access`` (the command line's state) until the user quits."""
    from reciprocity.tui.app import ReciprocityApp

    ReciprocityApp(access).run()
