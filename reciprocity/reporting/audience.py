"""Who a monthly report is for: the whole group (``chapter``) or its leadership team.

A module of its own, light to import, so a face can offer the choice (the TUI's export
dialog, the CLI's ``--audience``) without loading the report's pandas and matplotlib.
"""

from enum import StrEnum

from reciprocity.i18n import _
from reciprocity.ledger.errors import LedgerError


class Audience(StrEnum):
    """Who a monthly report is for."""

    CHAPTER = "chapter"
    """The whole group: thanks, the group's figures, members' own numbers, the charts."""
    LEADERSHIP = "leadership"
    """The leadership team: the same, plus the notes for a private word, on every page."""


AUDIENCES: tuple[str, ...] = tuple(audience.value for audience in Audience)


def check_audience(text: str | Audience) -> Audience:
    """The audience asked for, or one sentence naming the choices."""
    chosen = str(text).strip().lower()
    if chosen not in AUDIENCES:
        raise LedgerError(
            "report.unknown_audience",
            "There is no report audience '{audience}'; choose {choices}.",
            field="audience",
            audience=str(text),
            choices=" or ".join(AUDIENCES),
        )
    return Audience(chosen)


def report_stem(audience: Audience) -> str:
    """The name of the report's PDF, HTML and XLSX files: the leadership's say so."""
    return "report" if audience is Audience.CHAPTER else "report-leadership"


def leadership_line() -> str:
    """The line on every page of the leadership team's report."""
    return _("Leadership team only — not for forwarding")


def audience_words(audience: Audience) -> str:
    """The audience as a person reads it, for a choice or a message."""
    if audience is Audience.CHAPTER:
        return _("the whole group (chapter)")
    return _("the leadership team only")
