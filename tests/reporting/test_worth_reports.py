"""The review's "My networks" page and ``report region``, read back as a user's tools would.

The ledger is the hand-worked case of :mod:`tests.analytics.test_worth` (Anna in a club
and a coffee, the first quarter of 2026), so every figure below is one worked out there.
"""

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from reciprocity.ledger.errors import LedgerError
from reciprocity.ledger.networks import join_network
from reciprocity.reporting.member import write_member_review
from reciprocity.reporting.region import write_region_report
from reciprocity.store.engine import make_engine
from tests.analytics.test_worth import END, START, Case, build
from tests.reporting.helpers import pdf_pages

Run = Callable[..., Any]


@pytest.fixture
def ledger(tmp_path: Path) -> tuple[str, Case]:
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        case = build(session)
    engine.dispose()
    return url, case


def test_the_review_has_a_my_networks_page_with_worths_figures(
    ledger: tuple[str, Case], tmp_path: Path
) -> None:
    url, case = ledger
    engine = make_engine(url)
    with Session(engine) as session:
        write_member_review(
            session=session,
            member_id=case.anna,
            network_id=None,
            start=START,
            end=END,
            out_dir=tmp_path / "anna",
            acting_id=None,
        )
    engine.dispose()
    pages = pdf_pages(tmp_path / "anna" / "review.pdf")
    assert len(pages) == 3
    page = " ".join(pages[2].split())
    assert "My networks" in page and "2026-01-01 to 2026-03-31" in page
    # Club Delft: 6 / 7 points, €3,000 received, 1 one-to-one, 6 meetings, 15 hours, cost
    # €340.89 (shown to the euro), 8.80 per euro, half the referrals given won.
    assert "Club Delft 6 7 €3,000 1 6 15.0 €341 8.80 50%" in page
    assert "Open Coffee 5 3 €1,200 1 2 3.0 €7 171.43 0%" in page
    assert "Total 11 10 €4,200 2 8 18.0 €348 12.07 33%" in page
    assert "Meetings attended are assumed" in page
    assert "Value received against cost, month by month, added up" in page
    html = (tmp_path / "anna" / "review.html").read_text(encoding="utf-8")
    assert "<h2>My networks</h2>" in html
    assert '<td class="name">Open Coffee</td><td class="num">5</td>' in html
    assert html.count('<img src="data:image/png;base64,') == 2


def test_the_review_of_a_member_of_no_network_says_so(
    ledger: tuple[str, Case], tmp_path: Path
) -> None:
    url, case = ledger
    engine = make_engine(url)
    with Session(engine) as session:
        write_member_review(
            session=session,
            member_id=case.loner,
            network_id=None,
            start=START,
            end=END,
            out_dir=tmp_path / "loner",
            acting_id=None,
        )
    engine.dispose()
    pages = pdf_pages(tmp_path / "loner" / "review.pdf")
    assert "Lone Wolf belongs to no network, so there is nothing to weigh up." in " ".join(
        pages[2].split()
    )


def test_report_region_sets_the_networks_side_by_side(
    ledger: tuple[str, Case], tmp_path: Path
) -> None:
    url, case = ledger
    engine = make_engine(url)
    with Session(engine) as session:
        written = write_region_report(
            session=session,
            network_ids=None,
            start=START,
            end=END,
            out_dir=tmp_path / "region",
            acting_id=None,
        )
    engine.dispose()
    assert [path.name for path in written] == ["region.pdf", "region.html"]
    pages = pdf_pages(tmp_path / "region" / "region.pdf")
    # The table, then eight charts four to a page.
    assert len(pages) == 3
    table = " ".join(pages[0].split())
    assert "2 networks, 2026-01-01 to 2026-03-31" in table
    # Club Delft in the quarter: Anna, Bob and Carla (3); the coffee: Anna, Bob, Dirk.
    assert "Club Delft 3 3" in table and "Open Coffee 3 3" in table
    charts = " ".join(" ".join(page.split()) for page in pages[1:])
    for title in ("Members", "Active givers", "Value won per member", "Cost per member"):
        assert title in charts
    html = (tmp_path / "region" / "region.html").read_text(encoding="utf-8")
    assert html.count('<img src="data:image/png;base64,') == 8
    assert '<td class="name">Club Delft</td>' in html


def test_report_region_is_for_the_organisers_of_every_network_in_it(
    ledger: tuple[str, Case], tmp_path: Path
) -> None:
    url, case = ledger
    engine = make_engine(url)
    with Session(engine) as session:
        join_network(session=session, member_id=case.bob, network_id=case.club, role="organiser")
        assert write_region_report(
            session=session,
            network_ids=None,
            start=START,
            end=END,
            out_dir=tmp_path / "bob",
            acting_id=case.bob,
        )
        with pytest.raises(LedgerError) as refused:
            write_region_report(
                session=session,
                network_ids=[case.club, case.coffee],
                start=START,
                end=END,
                out_dir=tmp_path / "refused",
                acting_id=case.bob,
            )
    engine.dispose()
    assert (
        str(refused.value) == "Only an organiser of Open Coffee may compare it with other networks."
    )
    assert not (tmp_path / "refused").exists()
    assert "Club Delft" in " ".join(pdf_pages(tmp_path / "bob" / "region.pdf")[0].split())


def test_report_region_command_writes_both_files(run_cli: Run, db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    with Session(engine) as session:
        build(session)
    engine.dispose()
    result = run_cli(
        "report",
        "region",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--out",
        str(tmp_path / "out"),
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    assert sorted(Path(p).name for p in json.loads(result.stdout)) == [
        "region.html",
        "region.pdf",
    ]
    assert date(2026, 3, 31).isoformat() in (tmp_path / "out" / "region.html").read_text()


def test_a_measure_of_many_networks_shows_the_highest_and_lowest_and_says_so() -> None:
    import pandas as pd

    from reciprocity.reporting.worth_charts import measure_chart

    rows = pd.DataFrame(
        {
            "network": [f"Chapter {n}" for n in range(42)],
            "cost_per_member": [None, None, *(float(1000 + n) for n in range(40))],
            "currency": ["EUR"] * 42,
        }
    )
    figure = measure_chart(rows, "cost_per_member")
    (ax,) = figure.axes
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    assert len(labels) == 31 and labels[0] == "Chapter 41" and labels[-1] == "Chapter 2"
    assert labels[15] == "… 10 networks in between …"
    assert ax.get_xlabel() == "2 networks have no value for this period."
    assert "Cost per member" in {ax.get_title(loc) for loc in ("left", "center", "right")}
