"""The Textual app: log after a meeting, see your balance, follow up, run the network.

The TUI calls the ledger, analytics and reporting layers; it holds no SQL and no
metric maths. It is the only package that imports Textual.
"""

from reciprocity.ledger.workspace import Workspace


def run_app(workspace: Workspace) -> None:
    """Open the app on the command line's workspace until the user quits."""
    from reciprocity.tui.app import ReciprocityApp

    ReciprocityApp(workspace).run()
