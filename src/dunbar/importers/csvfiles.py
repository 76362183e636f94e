"""CSV exports keyed by column name, with their preambles and quirks.

Parsers key on column *names*, never positions: Google's numbered groups
(``E-mail 1 - Value`` ...) go only as high as one address book needs, and
LinkedIn has added columns over the years.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import BinaryIO

from dunbar.importers.records import FormatError, Rejection
from dunbar.importers.textio import csv_rows

__all__ = ["Row", "numbered", "parse_when", "rows_by_header", "split_multi"]

Row = dict[str, str]


def rows_by_header(
    stream: BinaryIO, file: str, is_header: Callable[[list[str]], bool], *, what: str
) -> Iterator[tuple[int, Row] | Rejection]:
    """Rows as ``(line, {column: value})`` after the first row that ``is_header``.

    Rows before the header are a preamble (LinkedIn's ``Notes:`` paragraph) and are
    skipped. A file with no such header raises :class:`FormatError`.
    """
    header: list[str] | None = None
    for line, cells in csv_rows(stream):
        if isinstance(cells, str):
            yield Rejection(file, f"{file}:{line}", cells)
            continue
        if header is None:
            clean = [c.strip().lstrip("\ufeff") for c in cells]
            if is_header(clean):
                header = clean
            elif line > 20:
                break
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            yield Rejection(file, f"{file}:{line}", f"{len(cells)} cells, header has {len(header)}")
            continue
        yield (
            line,
            {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)},
        )
    if header is None:
        raise FormatError(f"{file}: no {what} header line found")


def split_multi(value: str) -> list[str]:
    """Google's multi-values: ``a ::: b`` -> ``["a", "b"]``."""
    return [v.strip() for v in value.split(":::") if v.strip()]


def numbered(row: Row, group: str, field: str) -> list[tuple[str, str]]:
    """``(label, value)`` of every ``{group} N - {field}`` column (N = 1, 2, ...)."""
    found: list[tuple[int, str, str]] = []
    pattern = re.compile(rf"^{re.escape(group)} (\d+) - {re.escape(field)}$")
    for column, value in row.items():
        match = pattern.match(column)
        if match and value:
            n = match.group(1)
            label = row.get(f"{group} {n} - Label") or row.get(f"{group} {n} - Type") or ""
            found.append((int(n), label.strip(), value))
    return [(label, value) for _, label, value in sorted(found)]


_FORMATS = (
    "%Y-%m-%d %H:%M:%S %Z",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M%z",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%m/%d/%y, %I:%M %p",
    "%m/%d/%Y, %I:%M %p",
    "%d %b %Y",
    "%Y-%m-%d",
)


def parse_when(value: str, *, tz: dt.tzinfo = dt.UTC) -> dt.datetime | None:
    """A timestamp as exports write them; naive ones are read in ``tz``; ``None`` if not one.

    >>> parse_when("2022-09-08 18:08:14 UTC").isoformat()
    '2022-09-08T18:08:14+00:00'
    >>> parse_when("22 Dec 2025").date().isoformat()
    '2025-12-22'
    """
    text = " ".join(value.replace("Z", "+00:00").split())
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        moment = None
        for fmt in _FORMATS:
            try:
                moment = dt.datetime.strptime(value.strip(), fmt)
                break
            except ValueError:
                continue
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment
