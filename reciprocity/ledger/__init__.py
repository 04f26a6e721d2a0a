"""The ledger: the only way anything is written, shared by the CLI and the TUI.

Use cases are plain functions with keyword-only arguments and a ``session``. Each one
validates all of its input before writing and commits once, so a
:class:`~reciprocity.ledger.errors.LedgerError` always means nothing changed. This layer
never imports pandas, matplotlib or Textual.
"""
