"""The Dutch catalogue is whole: every sentence in the code is extracted and translated.

- Every ``LedgerError``/``ImportRejected`` template is a string literal, so ``pybabel
  extract`` finds it (a conditional or an f-string would hide it from the catalogue).
- Every message in ``nl`` has a non-empty, non-fuzzy translation with the same named
  placeholders as the English.
- ``pybabel extract`` over the code today (with the Makefile's keywords) finds no message
  the catalogue lacks, and the shipped ``.mo`` is compiled from the ``.po`` as it is.
"""

import ast
import gettext
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "reciprocity"
LOCALE_DIR = PACKAGE / "locale"
NL_PO = LOCALE_DIR / "nl" / "LC_MESSAGES" / "messages.po"

TEMPLATE_POSITION = {"LedgerError": 1, "ImportRejected": 2}
"""Where each error class takes its English template (after the key)."""


def _catalogue(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _forms(value: object) -> tuple[str, ...]:
    """A message's id or string as its forms: one, or singular and plural."""
    if isinstance(value, str):
        return (value,)
    assert isinstance(value, tuple | list)
    return tuple(str(form) for form in value)


def test_every_error_template_is_a_literal() -> None:
    found, hidden = 0, []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            position = TEMPLATE_POSITION.get(node.func.id)
            if position is None or path.name == "errors.py":
                continue
            found += 1
            template = node.args[position] if len(node.args) > position else None
            key = node.args[position - 1] if len(node.args) >= position else None
            if not (
                isinstance(template, ast.Constant)
                and isinstance(template.value, str)
                and isinstance(key, ast.Constant)
                and isinstance(key.value, str)
            ):
                hidden.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found > 200, "the walk found the raise sites"
    assert hidden == [], "key and template must be literals: " + ", ".join(hidden)


def test_every_dutch_message_is_translated_with_its_placeholders() -> None:
    catalogue = _catalogue(NL_PO)
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        ids, strings = _forms(message.id), _forms(message.string)
        if message.fuzzy:
            problems.append(f"fuzzy: {ids[0]!r}")
        elif not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
        else:
            # A plural's forms may each leave out a placeholder ("The one member listed."),
            # but together they use the English ones and no other.
            wanted = set().union(*(_placeholders(text) for text in ids))
            used = set().union(*(_placeholders(text) for text in strings))
            if used != wanted:
                problems.append(f"placeholders differ: {ids[0]!r} -> {strings!r}")
    assert len(catalogue) > 500
    assert problems == []


def _keywords() -> list[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    line = re.search(r"^BABEL_KEYWORDS = (.*)$", makefile, re.MULTILINE)
    assert line is not None
    return line.group(1).split()


@pytest.mark.slow
def test_extraction_finds_nothing_the_catalogue_lacks(tmp_path: Path) -> None:
    extracted = tmp_path / "messages.pot"
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from babel.messages.frontend import main; sys.exit(main())",
            "extract",
            "-F",
            "babel.cfg",
            *_keywords(),
            "--no-location",
            "-o",
            str(extracted),
            ".",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    known = {(message.context, _forms(message.id)[0]) for message in _catalogue(NL_PO)}
    wanted = {(message.context, _forms(message.id)[0]) for message in _catalogue(extracted)}
    assert len(wanted) > 500
    missing = sorted(f"{context or ''}|{text}" for context, text in wanted - known if text)
    assert missing == [], "run `make messages` and translate: " + "; ".join(missing[:20])


def test_the_shipped_mo_is_compiled_from_the_po() -> None:
    compiled = gettext.translation("messages", LOCALE_DIR, languages=["nl"])
    stale = []
    for message in _catalogue(NL_PO):
        if not message.id or not isinstance(message.id, str):
            continue
        wanted = _forms(message.string)[0]
        text = (
            compiled.pgettext(message.context, message.id)
            if message.context
            else compiled.gettext(message.id)
        )
        if text != wanted:
            stale.append(message.id)
    assert stale == [], "run `make messages`: " + "; ".join(stale[:10])
