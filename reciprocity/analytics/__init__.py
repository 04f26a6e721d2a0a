"""The numbers members and organisers act on, exactly as DESIGN.md defines them.

Counts and sums come from the SQL in :mod:`reciprocity.store.aggregates`; this package
derives ratios, medians, Gini and reciprocity with pandas, and returns plain Python rows
whose keys are fixed in :mod:`reciprocity.analytics.keys`. Every face (CLI, TUI, reports)
calls these functions and shows their numbers unchanged. docs/analytics.md records how
each definition was made precise.

Modules: ``balances`` (gives and takes), ``quality`` (follow-up of referrals), ``pairs``
(who owes whom), ``network`` (stats for a network), ``nudges`` (what a member should do
next), ``worth`` (what each of a member's networks gives and costs), ``attendance``
(meetings attended, decided in one place) and ``compare`` (networks side by side).
Import the module you need: this package imports nothing heavy by itself.
"""
