"""The TUI's key descriptions and tooltips in the active language.

A ``Binding`` is made when its class is defined, which may be before the face chose the
language (a test process, a served session that imports the app first). So the bindings
hold the English words, marked with ``N_`` for the catalogue, and :func:`speak_bindings`
translates them when an app is made: it merges each of our screens' and widgets' bindings
again, from their English ``BINDINGS``, with description and tooltip passed through
``_()``. Textual keeps a class's merged bindings in ``_merged_bindings`` (copied into every
new instance), which is what is replaced here; Textual is pinned to 8.2.
"""

from dataclasses import replace

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from reciprocity.i18n import _


def _translated(binding: Binding) -> Binding:
    return replace(
        binding,
        description=_(binding.description) if binding.description else binding.description,
        tooltip=_(binding.tooltip) if binding.tooltip else binding.tooltip,
    )


def speak_bindings() -> None:
    """Every key of our screens and widgets described in the active language, for every
    screen and widget made from now on."""
    pending: list[type[DOMNode]] = list(DOMNode.__subclasses__())
    seen: set[type[DOMNode]] = set()
    while pending:
        node_class = pending.pop()
        if node_class in seen:
            continue
        seen.add(node_class)
        pending.extend(node_class.__subclasses__())
        if not node_class.__module__.startswith("reciprocity."):
            continue
        merged = node_class._merge_bindings()
        node_class._merged_bindings = BindingsMap.from_keys(
            {
                key: [_translated(binding) for binding in bindings]
                for key, bindings in merged.key_to_bindings.items()
            }
        )
