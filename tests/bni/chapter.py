"""The BNI chapter the tests import into: BNI Alpha, four members, one meeting a week."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from reciprocity.ledger.members import add_member
from reciprocity.ledger.networks import add_meeting, add_network
from reciprocity.store.models import Role
from tests.bni.files import CHAPTER, MEETING_DAY

TODAY = date(2026, 11, 26)


@dataclass(frozen=True)
class Alpha:
    """Ids of the chapter's network, members and the hand-worked week's meeting."""

    network: int
    aarti: int
    bilal: int
    chen: int
    dana: int
    meeting: int


def build_alpha(session: Session) -> Alpha:
    network = add_network(session=session, name=CHAPTER, kind="referral club")
    assert network.id is not None
    ids = []
    for name, role in (
        ("Aarti Lakhwani", Role.ORGANISER),
        ("Bilal Khan", Role.MEMBER),
        ("Chen Wei", Role.MEMBER),
        ("Dana Cruz", Role.MEMBER),
    ):
        made = add_member(session=session, name=name, network_ids=[network.id], role=role)
        assert made.id is not None
        ids.append(made.id)
    meeting = add_meeting(
        session=session, network_id=network.id, held_on=date.fromisoformat(MEETING_DAY)
    )
    assert meeting.id is not None
    aarti, bilal, chen, dana = ids
    return Alpha(network.id, aarti, bilal, chen, dana, meeting.id)
