"""``reciprocity serve``: the app in every member's browser, with sign-in.

A face beside the terminal app. :mod:`reciprocity.serve.server` runs textual-serve
(Textualize's own server) with the command of :mod:`reciprocity.serve.session`, which
runs :class:`~reciprocity.tui.served.ServedApp` in one process per browser tab. The
server alone knows the database URL: sessions get it through their environment, never
from the browser, and nothing a browser does reads or writes the server's files by path.
"""
