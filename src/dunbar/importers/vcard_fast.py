"""The fast path of the vCard reader: what ``vobject`` makes of a clean card, without it.

:mod:`.vcard` rewrites each card as clean vCard 3.0 lines (one property a line,
``TYPE`` parameters only, every value already escaped) before handing them to
``vobject``. For such lines ``vobject`` does only this (vobject 0.9, ``base.py``
``parseLine`` and ``vcard.py`` behaviours):

- a single-valued property (``FN``, ``EMAIL``, ``NOTE``, ``X-ABLABEL``...) keeps
  the first of its comma-separated values, unescaped (``stringToTextValues(v)[0]``);
- ``CATEGORIES`` keeps all of them (``MultiTextBehavior``);
- ``N`` and ``ADR`` split on ``;`` into the fields of a ``Name`` or an
  ``Address``, each a string or, with commas, a list (``splitFields``); ``ORG``
  is the list of those fields.

:func:`fast_component` does the same with the same escape rules, and hands
:func:`dunbar.importers.vcard._record` an object that reads like ``vobject``'s
component, so both paths build the record with the same code. It declines
(returns ``None``, and the card goes through ``vobject``) for anything unusual: a
value with control characters, or one ending in a lone backslash (where
``vobject``'s escape reader leaves artefacts of its own). ``tests/importers/
test_vcard_fast.py`` checks that the two paths give identical records on every
fixture card and on generated ones (Hypothesis).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

__all__ = ["ESCAPABLE", "FastComponent", "fast_component", "split_fields", "text_values"]

ESCAPABLE = '\\;,Nn"'
"""Characters a backslash escapes in a value (vobject's ``escapableCharList``)."""

NAME_ORDER = ("family", "given", "additional", "prefix", "suffix")
ADDRESS_ORDER = ("box", "extended", "street", "city", "region", "code", "country")
_UNUSUAL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]|(?<!\\)(?:\\\\)*\\$")


def text_values(text: str, separator: str = ",", escapable: str = ESCAPABLE) -> list[str]:
    """The values of ``text`` split on unescaped ``separator``s, unescaped.

    ``\\n`` is a newline; an escape of a character outside ``escapable`` is kept
    as it is, backslash included. An empty last value is dropped unless it is the
    only one.

    >>> text_values(r"a\\,b,c\\nd,\\x,")
    ['a,b', 'c\\nd', '\\\\x']
    """
    if "\\" not in text:
        if separator not in text:
            return [text]
        parts = text.split(separator)
        return parts[:-1] if len(parts) > 1 and parts[-1] == "" else parts
    results: list[str] = []
    current: list[str] = []
    escaped = False
    for char in text:
        if escaped:
            escaped = False
            if char in escapable:
                current.append("\n" if char in "nN" else char)
            else:
                current.append("\\" + char)
        elif char == "\\":
            escaped = True
        elif char == separator:
            results.append("".join(current))
            current = []
        else:
            current.append(char)
    if current or not results:
        results.append("".join(current))
    return results


def _list_or_string(text: str) -> str | list[str]:
    values = text_values(text)
    return values[0] if len(values) == 1 else values


def split_fields(text: str) -> list[str | list[str]]:
    """The ``;``-separated fields of a structured value (``N``, ``ADR``, ``ORG``)."""
    return [_list_or_string(f) for f in text_values(text, separator=";", escapable=";")]


@dataclass
class FastLine:
    value: Any
    group: str | None


@dataclass
class FastComponent:
    """What :func:`dunbar.importers.vcard._record` reads of a vobject component."""

    contents: dict[str, list[FastLine]] = field(default_factory=dict)


def _structured(order: tuple[str, ...], text: str) -> SimpleNamespace:
    """A ``Name`` or an ``Address``: its fields as attributes (empty if absent)."""
    values: dict[str, Any] = dict.fromkeys(order, "")
    values.update(zip(order, split_fields(text), strict=False))
    return SimpleNamespace(**values)


def fast_component(lines: Iterable[tuple[str | None, str, str]]) -> FastComponent | None:
    """A component from clean ``(group, NAME, escaped value)`` lines; ``None`` to decline."""
    contents: dict[str, list[FastLine]] = {}
    for group, name, text in lines:
        if _UNUSUAL.search(text):
            return None
        value: Any
        if name == "N":
            value = _structured(NAME_ORDER, text)
        elif name == "ADR":
            value = _structured(ADDRESS_ORDER, text)
        elif name == "ORG":
            value = split_fields(text)
        elif name == "CATEGORIES":
            value = text_values(text)
        else:
            value = text_values(text)[0]
        contents.setdefault(name.lower(), []).append(FastLine(value, group))
    return FastComponent(contents)
