"""Reports for organisers and members: PDF, HTML, XLSX, CSV and PNG charts.

Every number comes from :mod:`reciprocity.analytics`; this layer only lays it out.
Charts are pure functions (a frame in, a ``matplotlib.figure.Figure`` out) and never
touch pyplot.

Entry points (both raise :class:`~reciprocity.ledger.errors.LedgerError`, one sentence,
before writing anything, for input a user can fix):

- :func:`reciprocity.reporting.monthly.write_monthly_report`: the organiser's month.
- :func:`reciprocity.reporting.member.write_member_review`: a member's personal review.

Import the module you need: this package imports nothing heavy by itself. Design notes:
docs/reports.md.
"""
