"""Networks side by side, for an organiser of several (a regional director).

Per network, over one period: members listed (as ``stats`` lists them), active givers,
reciprocity, Gini, the follow-up of its referrals (contact rate, conversion), value won
per member and cost per member. docs/analytics.md ("Compare") defines each; the numbers
agree with ``stats`` and ``network_quality`` for each network alone.

Every network is computed in the same few grouped queries (members per network, edges per
network, referrals per network), so twenty networks cost what one does.
"""

from collections import defaultdict
from datetime import date
from typing import Any

import pandas as pd
from sqlmodel import Session

from reciprocity.analytics.frames import name_key
from reciprocity.analytics.keys import COMPARE_KEYS, MONEY_DIGITS, RATE_DIGITS
from reciprocity.analytics.network import gini
from reciprocity.analytics.worth import membership_costs, worth_period
from reciprocity.ledger.roles import networks_to_compare
from reciprocity.store import aggregates
from reciprocity.store.models import DEFAULT_WEIGHTS


def compute_compare(
    *,
    session: Session,
    network_ids: list[int] | None = None,
    start: date | None = None,
    end: date | None = None,
    as_of: date | None = None,
    acting_id: int | None = None,
) -> list[dict[str, Any]]:
    """One row per network, by name, with exactly :data:`COMPARE_KEYS`.

    Without ``network_ids``, the networks the acting member organises (the owner: every
    network); named networks must all be theirs. The period is
    :func:`~reciprocity.analytics.worth.worth_period`'s.
    """
    ids = networks_to_compare(session=session, acting_id=acting_id, network_ids=network_ids)
    first, last = worth_period(start=start, end=end, as_of=as_of)
    weights = {
        int(network_id): {**DEFAULT_WEIGHTS, **(own or {})}
        for network_id, own, _sla in aggregates.network_settings(session)
    }
    # Every network of the ledger: read the exchanges whole rather than through a long IN.
    within: list[int] | None = None if set(ids) == set(weights) else ids
    listed: dict[int, set[int]] = defaultdict(set)
    for row in aggregates.memberships_in_period(
        session, member_id=None, network_ids=ids, start=first, end=last
    ):
        if row.active:
            listed[int(row.network_id)].add(int(row.member_id))
    given_points: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    givers: dict[int, set[int]] = defaultdict(set)
    for row in aggregates.network_member_totals(session, network_ids=ids, start=first, end=last):
        network_id, member_id = int(row.network_id), int(row.member_id)
        listed[network_id].add(member_id)
        if row.side == "given":
            given_points[network_id][member_id] += sum(
                int(getattr(row, kind)) * int(weights[network_id][kind]) for kind in DEFAULT_WEIGHTS
            )
            givers[network_id].add(member_id)
    edges = {
        int(row.network_id): (int(row.edges), int(row.mutual))
        for row in aggregates.edge_counts_by_network(
            session, network_ids=within, start=first, end=last
        )
    }
    referrals = {
        int(row.network_id): row
        for row in aggregates.received_referrals_by_network(
            session, network_ids=within, start=first, end=last
        )
    }
    costs: dict[int, list[float | None]] = defaultdict(list)
    for cost in membership_costs(session, start=first, end=last, network_ids=set(ids)):
        if cost.days:
            costs[cost.network_id].append(cost.cost)
    settings = {int(row.network_id): row for row in aggregates.network_cost_settings(session, ids)}
    rows: list[dict[str, Any]] = []
    for network_id in ids:
        members = listed.get(network_id, set())
        points = pd.Series(
            [given_points[network_id].get(member, 0) for member in members], dtype=float
        )
        edge_count, mutual = edges.get(network_id, (0, 0))
        found = referrals.get(network_id)
        received = int(found.received) if found is not None else 0
        contacted = int(found.contacted) if found is not None else 0
        won = int(found.won) if found is not None else 0
        value_won = float(found.value_won) if found is not None else 0.0
        spent = costs.get(network_id, [])
        share = gini(points)
        rows.append(
            {
                "network": str(settings[network_id].name),
                "members": len(members),
                "active_givers": len(givers.get(network_id, set())),
                "reciprocity": round(mutual / edge_count, RATE_DIGITS) if edge_count else None,
                "gini": None if share is None else round(share, RATE_DIGITS),
                "contact_rate": (round(contacted / received, RATE_DIGITS) if received else None),
                "conversion_rate": (round(won / received, RATE_DIGITS) if received else None),
                "value_won_per_member": (
                    round(value_won / len(members), MONEY_DIGITS) if members else None
                ),
                "cost_per_member": (
                    None
                    if not spent or None in spent
                    else round(
                        sum(float(c) for c in spent if c is not None) / len(spent), MONEY_DIGITS
                    )
                ),
                "currency": str(settings[network_id].currency),
            }
        )
    rows.sort(key=lambda r: name_key(str(r["network"])))
    return [{key: row[key] for key in COMPARE_KEYS} for row in rows]
