"""Reciprocity: a give-and-take tracker for business networking groups.

Layers point down only: ``store → ledger → analytics → reporting → cli/tui``.
Importing the package has no side effects: no engine, no settings, no heavy imports.
"""

__version__ = "0.1.0"
