"""Words for people: the active language, its message catalogue, and locale formats.

Every sentence a person reads goes through this module: ``_()`` for a plain message,
``ngettext`` where a count decides the form, and ``pgettext`` for a ledger error, whose
message key is the catalogue's context (see :class:`~reciprocity.ledger.errors.LedgerError`).
Numbers, money and dates are formatted with Babel in the active locale.

A process speaks one language, chosen once by the face that starts it (``--lang``,
``RECIPROCITY_LANG``, ``lang`` in ``config.toml``, else the system locale; see
:func:`choose_language`). A served session is its own process, so each member's browser
gets its own language. JSON keys and CSV columns are an interface and never pass through
here.

Catalogues live in ``reciprocity/locale/<lang>/LC_MESSAGES/messages.po`` and are compiled
to ``.mo`` beside them (``make messages``), so an installed wheel speaks Dutch with no
build step. This module imports nothing from the layers, so any of them may use it.
"""

import gettext as _gettext
import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "nl")
"""The languages the catalogues cover; English is the source language."""
DEFAULT_LANGUAGE = "en"
LOCALES = {"en": "en_IE", "nl": "nl_NL"}
"""The Babel locale each language formats numbers, money and dates in."""
DOMAIN = "messages"
LOCALE_DIR = Path(__file__).parent / "locale"


class Term(str):
    """A word or phrase that sits inside a sentence (a field's name, a kind) and is
    translated when the sentence is rendered: ``N_("start date")``."""

    __slots__ = ()


def N_(text: str) -> Term:
    """Mark ``text`` for the catalogue without translating it yet."""
    return Term(text)


class Phrase(Term):
    """A phrase with its own named placeholders that sits inside a sentence, such as the
    ``{doing}`` of "Only {organiser} may {doing}.": ``Phrase(N_("add members to {network}"),
    network=name)``. As a ``str`` it is the English phrase filled in; in a rendered sentence
    it is translated as a whole, then filled."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, /, **params: Any) -> "Phrase":
        phrase = super().__new__(cls, template.format(**params))
        phrase.template = template
        phrase.params = params
        return phrase

    def translated(self) -> str:
        """The phrase in the active language."""
        return _(self.template).format(**self.params)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_phrase, (self.template, self.params))


def _phrase(template: str, params: dict[str, Any]) -> Phrase:
    return Phrase(template, **params)


class _Active:
    """The process's language and catalogue (one per process, set by the face)."""

    language: str = DEFAULT_LANGUAGE
    translations: _gettext.NullTranslations = _gettext.NullTranslations()


def _load(language: str) -> _gettext.NullTranslations:
    if language == DEFAULT_LANGUAGE:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def set_language(language: str) -> None:
    """Speak ``language`` (one of :data:`LANGUAGES`) from now on in this process."""
    if language not in LANGUAGES:
        raise ValueError(language)
    _Active.language = language
    _Active.translations = _load(language)


def language() -> str:
    """The active language code."""
    return _Active.language


def locale_name() -> str:
    """The active Babel locale, e.g. ``nl_NL``."""
    return LOCALES[_Active.language]


def system_language(environ: Mapping[str, str] | None = None) -> str | None:
    """The language the system locale asks for (``LANG=nl_BE.UTF-8`` → ``nl``), if we speak it."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(name, "")
        if not value or value in {"C", "POSIX"} or value.startswith("C."):
            continue
        code = value.split(":")[0].split(".")[0].split("_")[0].split("-")[0].lower()
        return code if code in LANGUAGES else None
    return None


def choose_language(
    explicit: str | None, setting: str | None, environ: Mapping[str, str] | None = None
) -> str:
    """``--lang``, then the setting (``RECIPROCITY_LANG`` or ``config.toml``), then the system
    locale, then English. An unknown code raises ``ValueError`` naming the choices."""
    for chosen in (explicit, setting):
        if chosen:
            code = chosen.strip().lower()
            if code not in LANGUAGES:
                raise ValueError(code)
            return code
    return system_language(environ) or DEFAULT_LANGUAGE


def _(message: str) -> str:
    """``message`` in the active language."""
    return _Active.translations.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message that agrees with ``count`` (``{count}`` is filled in by the caller)."""
    return _Active.translations.ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """``message`` in the active language, looked up under ``context`` (a message key)."""
    return _Active.translations.pgettext(context, message)


def translate_term(value: Any) -> Any:
    """A :class:`Term` (or :class:`Phrase`) in the active language; anything else as it is."""
    if isinstance(value, Phrase):
        return value.translated()
    return _(value) if isinstance(value, Term) else value


def render(template: str, params: Mapping[str, Any]) -> str:
    """Fill a translated template's named placeholders, translating any :class:`Term`."""
    return template.format(**{name: translate_term(value) for name, value in params.items()})


# --- Numbers, money and dates -----------------------------------------------------------


def format_number(value: float | int, digits: int = 0) -> str:
    """``1.234,5`` (nl) or ``1,234.5`` (en) with exactly ``digits`` decimals."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=locale_name())


def format_percent(value: float, digits: int = 0) -> str:
    """A rate from 0 to 1 as a percentage: ``45%`` (en), ``45%`` (nl)."""
    from babel.numbers import format_percent as babel_percent

    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return babel_percent(value, format=pattern, locale=locale_name())


def format_money(value: float | int, currency: str = "EUR", *, cents: bool = True) -> str:
    """``€ 1.234,56`` (nl) or ``€1,234.56`` (en), in the network's currency."""
    from babel.numbers import format_currency

    formatted: str = format_currency(
        value,
        currency,
        locale=locale_name(),
        format=None if cents else "¤#,##0",
        currency_digits=cents,
    )
    return formatted


def format_day(value: date, style: str = "long") -> str:
    """``5 december 2026`` (nl) or ``5 December 2026`` (en); ``short`` gives ``05-12-2026``."""
    from babel.dates import format_date

    return format_date(value, format=style, locale=locale_name())


def format_month(value: date) -> str:
    """``november 2026`` (nl) or ``November 2026`` (en)."""
    from babel.dates import format_date

    return format_date(value, format="LLLL y", locale=locale_name())
