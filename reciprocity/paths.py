"""Where the files the code reads at run time live, in a checkout and in a wheel.

``db/`` (Alembic) and ``reports/`` (templates) sit at the top of the repository. An
installed wheel carries them inside the package as ``reciprocity/_resources/`` (hatch
``force-include``). :func:`resource_dir` is the one place that knows both layouts.
"""

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """Return the folder of a shipped resource (``"db"`` or ``"reports"``).

    A wheel's bundled copy wins; an editable checkout falls back to the repository top.
    """
    for candidate in (_PACKAGE_DIR / "_resources" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"The '{name}' resource folder is missing from this installation.")
