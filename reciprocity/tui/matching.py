"""Matching typed letters to member names, fast enough for every keystroke at 20,000 names.

Names that start with what was typed come first, then names with a word that starts with
it (``bob`` finds "Bob Jansen" before "Jacob Bobbink"); rapidfuzz's quick ratio fills the
list for typos ("kikki de smit"). The names are processed once, so a keystroke costs one
pass over plain strings and one C-level scan: about 2–5 ms over 20,000 names. (WRatio
would cost 15–25 ms a keystroke there, too close to the 30 ms budget.)
"""

from collections.abc import Collection, Sequence

from rapidfuzz import fuzz, process, utils


class NameMatcher:
    """The best matches among ``(id, name)`` pairs for a typed text."""

    def __init__(self, names: Sequence[tuple[int, str]]) -> None:
        self.names = list(names)
        self._processed = [utils.default_process(name) for _, name in self.names]
        self._padded = [" " + text for text in self._processed]
        self._last: tuple[str, list[int]] = ("", [])
        self._ids = [member_id for member_id, _ in self.names]

    def __len__(self) -> int:
        return len(self.names)

    def _containing(self, padded_query: str) -> list[int]:
        """Indexes of names with a word starting with the query; narrows the last answer
        when the query only grew, so typing a name scans 20,000 names once."""
        last_query, last = self._last
        pool = last if last_query and padded_query.startswith(last_query) else None
        indexes = range(len(self._padded)) if pool is None else pool
        padded = self._padded
        found = [index for index in indexes if padded_query in padded[index]]
        self._last = (padded_query, found)
        return found

    def resolve(self, typed: str) -> tuple[int, str] | None:
        """The member the ledger's ``resolve_member`` would take for ``typed``: the exact
        name (any case), else the only name starting with it; ``None`` otherwise."""
        wanted = typed.strip().casefold()
        if not wanted:
            return None
        starting: list[tuple[int, str]] = []
        for member_id, name in self.names:
            folded = name.casefold()
            if folded == wanted:
                return member_id, name
            if folded.startswith(wanted):
                starting.append((member_id, name))
        return starting[0] if len(starting) == 1 else None

    def match(
        self, typed: str, *, limit: int = 5, prefer: Collection[int] = ()
    ) -> list[tuple[int, str]]:
        """Up to ``limit`` ``(id, name)`` pairs, best first; empty when nothing was typed.

        Members in ``prefer`` (say, those who share a network with me) rank first among
        names that hold the typed letters.
        """
        query = utils.default_process(typed)
        if not query:
            return []
        padded_query = " " + query
        found = self._containing(padded_query)
        ids = self._ids
        preferred = set(prefer)
        found = sorted(
            found,
            key=lambda index: (
                ids[index] not in preferred,
                not self._padded[index].startswith(padded_query),
            ),
        )
        chosen = found[:limit]
        if len(chosen) < limit:
            taken = set(chosen)
            for _text, _score, index in process.extract(
                query,
                self._processed,
                scorer=fuzz.QRatio,
                processor=None,
                limit=limit + len(taken),
                score_cutoff=60,
            ):
                if index not in taken:
                    chosen.append(index)
                    taken.add(index)
                if len(chosen) >= limit:
                    break
        return [self.names[index] for index in chosen]
