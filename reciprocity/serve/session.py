"""One browser tab's process: the served app on the server's database.

textual-serve starts ``python -m reciprocity.serve.session`` for every browser that
connects, with the environment :func:`reciprocity.serve.server.serve` prepared:
``RECIPROCITY_DB`` (the database; never shown to the member), ``RECIPROCITY_SERVE_TITLE``
(the group's name), ``RECIPROCITY_IDLE_MINUTES`` and ``RECIPROCITY_LANG``. Nothing of the
command line is loaded, so a session starts as fast as the app can.
"""

import os
import sys

TITLE_VARIABLE = "RECIPROCITY_SERVE_TITLE"
IDLE_VARIABLE = "RECIPROCITY_IDLE_MINUTES"


def main() -> None:
    """Run one served session until the member signs out or closes the tab."""
    from reciprocity.i18n import LANGUAGES, set_language
    from reciprocity.ledger.workspace import Workspace
    from reciprocity.tui.served import ServedApp, ServeOptions

    url = os.environ.get("RECIPROCITY_DB")
    if not url:
        sys.exit("reciprocity.serve.session is started by `reciprocity serve`.")
    language = os.environ.get("RECIPROCITY_LANG", "en")
    set_language(language if language in LANGUAGES else "en")
    options = ServeOptions(
        title=os.environ.get(TITLE_VARIABLE) or "Reciprocity",
        idle_minutes=int(os.environ.get(IDLE_VARIABLE) or 30),
    )
    ServedApp(Workspace(url=url, served=True), options).run()


if __name__ == "__main__":
    main()
