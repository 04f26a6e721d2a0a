"""Demo data (being written)."""

from sqlmodel import Session

from reciprocity.store.models import Member


def ensure_demo_data(*, session: Session) -> None:
    """Seed the demo database on first use."""


def demo_organiser(*, session: Session) -> Member | None:
    """The referral club's organiser, whom ``--demo`` acts as."""
    return None
