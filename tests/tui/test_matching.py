"""The name matcher behind the picker and the quick log's To field, and the saved choice."""

import time
import tomllib
from pathlib import Path

from reciprocity.config import database_key, save_acting_member
from reciprocity.tui.matching import NameMatcher

NAMES = [
    (1, "Jacob Bobbink"),
    (2, "Bob Jansen"),
    (3, "Anna de Vries"),
    (4, "Bobby Kok"),
    (5, "Kiki de Smit"),
]


def test_names_that_start_with_the_letters_come_first() -> None:
    matcher = NameMatcher(NAMES)
    assert matcher.match("bob", limit=3) == [
        (2, "Bob Jansen"),
        (4, "Bobby Kok"),
        (1, "Jacob Bobbink"),
    ]
    assert matcher.match("vri", limit=1) == [(3, "Anna de Vries")]
    assert matcher.match("", limit=3) == []


def test_preferred_members_rank_first_and_typos_still_match() -> None:
    matcher = NameMatcher(NAMES)
    assert matcher.match("bob", limit=1, prefer={4}) == [(4, "Bobby Kok")]
    assert matcher.match("kikki de smit", limit=1) == [(5, "Kiki de Smit")]
    assert matcher.match("BOB", limit=1) == [(2, "Bob Jansen")]
    # Deleting letters (the query no longer extends the last one) scans again.
    assert matcher.match("bobb", limit=2) == [(4, "Bobby Kok"), (1, "Jacob Bobbink")]
    assert matcher.match("an", limit=1) == [(3, "Anna de Vries")]


def test_twenty_thousand_names_match_each_keystroke_quickly() -> None:
    names = [(n, f"Member{n:05} Surname{n % 997:03}") for n in range(20_000)]
    matcher = NameMatcher(names)
    worst = 0.0
    typed = ""
    for character in "member12345 surname":
        typed += character
        started = time.perf_counter()
        matcher.match(typed, limit=10)
        worst = max(worst, time.perf_counter() - started)
    assert worst < 0.1  # typically 1–5 ms; loose for a shared machine
    assert matcher.match("member12345", limit=1) == [(12345, "Member12345 Surname381")]


def test_the_acting_member_is_saved_per_database_with_other_settings_kept(
    tmp_path: Path,
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '# mine\ndb = "sqlite:///x.sqlite"\nacting_member = "Old"\n[extra]\nacting_member = 1\n'
    )
    first = f"sqlite:///{tmp_path / 'a.sqlite'}"
    second = "postgresql+psycopg://rec:Secret77@db.example/rec"
    save_acting_member('Anna "A" \\ de Vries', database=first, path=path)
    save_acting_member("Bob", database=second, path=path)
    text = path.read_text()
    assert text.startswith("# mine")
    assert "Secret77" not in text
    assert tomllib.loads(text) == {
        "db": "sqlite:///x.sqlite",
        "extra": {"acting_member": 1},
        "acting_members": {
            f"sqlite:///{tmp_path / 'a.sqlite'}": 'Anna "A" \\ de Vries',
            "postgresql+psycopg://rec:***@db.example/rec": "Bob",
        },
    }
    fresh = tmp_path / "new" / "config.toml"
    save_acting_member("Bob", database=first, path=fresh)
    assert tomllib.loads(fresh.read_text()) == {"acting_members": {database_key(first): "Bob"}}
