"""Reports for organisers and members: PDF, HTML, XLSX, CSV and PNG charts.

Every number comes from :mod:`reciprocity.analytics`; this layer only lays it out.
Charts are pure functions (a frame in, a ``matplotlib.figure.Figure`` out) and never
touch pyplot.
"""
