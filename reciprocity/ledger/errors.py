"""The errors the ledger raises for a user's mistake.

A :class:`LedgerError` is data, not a finished sentence:

- ``key``: a stable message key such as ``"exchange.self"``. Tests and faces compare keys,
  never wording; it is also the catalogue context under which the sentence is translated.
- ``template``: the English sentence with named placeholders, ``"{name} cannot give to
  themselves; …"``. It is the catalogue's message id, so a translation renders the key's
  sentence, never a translation of finished English text.
- ``params``: the values for the placeholders. A :class:`~reciprocity.i18n.Term` among
  them (a field's name, a kind) is translated too.
- ``field``: which input the error concerns (``"giver"``, ``"date"``, ``"value"`` …), or
  ``None``. A face places the error next to that input.

``str(error)`` renders the sentence in the process's language. Faces print it as it is
(no traceback) and exit or notify; nothing was written when it is raised.
"""

from collections.abc import Sequence
from typing import Any

from reciprocity.i18n import pgettext, render


class LedgerError(Exception):
    """A rule of the ledger was broken; ``str(error)`` is the sentence to show."""

    def __init__(self, key: str, template: str, /, *, field: str | None = None, **params: Any):
        super().__init__(key)
        self.key = key
        self.template = template
        self.field = field
        self.params = params

    def render(self) -> str:
        """The sentence in the active language."""
        return render(pgettext(self.key, self.template), self.params)

    @property
    def message(self) -> str:
        """The sentence in the active language (as ``str()``)."""
        return self.render()

    def __str__(self) -> str:
        return self.render()

    def __reduce__(self) -> tuple[Any, ...]:
        # Report jobs send errors from a forked child: rebuild from the parts, not args.
        return (_rebuild, (type(self), self.key, self.template, self.field, self.params))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key!r}, field={self.field!r})"

    def for_field(self, field: str | None) -> "LedgerError":
        """The same error placed on another input (a use case naming its own inputs)."""
        moved = LedgerError(self.key, self.template, field=field, **self.params)
        moved.__cause__ = self.__cause__
        return moved


class ImportRejected(LedgerError):
    """Rows broke the rules. Nothing was written.

    ``problems`` holds one ``line N: sentence`` per bad row; the error's own sentence is
    the closing summary. ``str()`` gives both, so a face that only shows the message loses
    nothing.
    """

    def __init__(self, problems: Sequence[str], key: str, template: str, /, **params: Any):
        super().__init__(key, template, **params)
        self.problems = list(problems)

    @property
    def summary(self) -> str:
        """The closing sentence alone."""
        return self.render()

    def __str__(self) -> str:
        return "\n".join([*self.problems, self.render()])

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_rejected,
            (self.problems, self.key, self.template, self.field, self.params),
        )


def _rebuild(
    cls: type[LedgerError], key: str, template: str, field: str | None, params: dict[str, Any]
) -> LedgerError:
    return cls(key, template, field=field, **params)


def _rebuild_rejected(
    problems: list[str], key: str, template: str, field: str | None, params: dict[str, Any]
) -> ImportRejected:
    rejected = ImportRejected(problems, key, template, **params)
    rejected.field = field
    return rejected
