"""Encounters from a table: the generic encounters CSV, and ``t i j`` contact logs.

**Encounters CSV.** A header row, then one encounter a row. Columns (by name,
any order; only ``when`` and one person column are required)::

    when, person_a, person_b, ..., channel, minutes, initiative, title, id

``when`` is an ISO date or date-time (naive times are UTC); each ``person_*``
column names a person by email, phone, profile URL or name (``me`` may be one
of them and is left out: I am part of every encounter). ``channel`` and
``initiative`` take the names ``dunbar log`` takes. ``id``, when present, makes
the row's identity; otherwise the row's content does, so a re-import is
idempotent either way. What an edited row does: with an ``id``, any change
updates its encounter; without one, the identity is the time, the people and
the channel, so new minutes, initiative or title update the encounter and a new
time, person or channel make another one (the old one stays).

**Contact logs** (SocioPatterns ``t i j`` and ``t i j Ci Cj``: sensors report
every 20 seconds which pairs are face to face). Records of a pair at most
``gap_minutes`` apart merge into one episode with a duration
(:func:`dunbar.demo.contacts.merge_contacts`). People are named ``PREFIX`` +
their number. Episodes with the person given as ``--me-id`` are my in-person
encounters; all other episodes are who-knows-whom evidence between the two
(shared encounters, counted). Times below 10^8 are relative: ``--start`` gives
the UNIX time of ``t = 0``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from dunbar.demo.contacts import merge_contacts
from dunbar.errors import ValidationError
from dunbar.importers.csvfiles import Row, parse_when, rows_by_header
from dunbar.importers.formats import ParseOptions
from dunbar.importers.records import (
    AcquaintanceRecord,
    EncounterRecord,
    Origin,
    Parsed,
    PersonRecord,
    Rejection,
)
from dunbar.importers.textio import read_lines
from dunbar.model import Channel, IdentityKind, Initiative
from dunbar.normalise import classify_identity, name_key, parse_enum

__all__ = ["parse_encounters"]

RELATIVE_BELOW = 100_000_000


def parse_encounters(stream: BinaryIO, options: ParseOptions) -> Iterator[Parsed]:
    first = stream.peek(1024)[:1024]  # type: ignore[attr-defined]
    line = first.split(b"\n", 1)[0].decode("utf-8", errors="replace").strip()
    if re.match(r"^\d+\s+\d+\s+\d+", line):
        yield from _contact_log(stream, options)
    else:
        yield from _table(stream, options)


# --- the encounters CSV -----------------------------------------------------------------


def _is_header(cells: list[str]) -> bool:
    lower = [c.lower().strip() for c in cells]
    return ("when" in lower or "date" in lower) and any(c.startswith("person") for c in lower)


def _mention(text: str, file: str, line: int) -> PersonRecord:
    kind = classify_identity(text)
    record = PersonRecord(Origin(file, line, ""), text, link_by_name=True)
    if kind is IdentityKind.EMAIL:
        record.emails.append(text)
        local = text.split("@", 1)[0].replace("_", ".")
        record.name = " ".join(p.capitalize() for p in local.split(".") if p) or text
    elif kind is IdentityKind.PHONE:
        record.phones.append(text)
    elif kind is IdentityKind.URL:
        record.urls.append(text)
    record.origin = Origin(file, line, f"{(kind or 'name')}:{name_key(text)}")
    return record


def _table(stream: BinaryIO, options: ParseOptions) -> Iterator[Parsed]:
    for item in rows_by_header(stream, options.file, _is_header, what="encounters CSV"):
        if isinstance(item, Rejection):
            yield item
            continue
        line, raw = item
        row: Row = {k.lower().strip(): v for k, v in raw.items()}
        try:
            yield _row(line, row, options)
        except ValidationError as exc:
            yield Rejection(options.file, f"{options.file}:{line}", str(exc))


def _row(line: int, row: Row, options: ParseOptions) -> Parsed:
    file = options.file
    when = parse_when(row.get("when") or row.get("date") or "")
    if when is None:
        raise ValidationError(f"bad or missing date {row.get('when') or row.get('date')!r}")
    names = [v for k, v in row.items() if k.startswith("person") and v]
    others = [n for n in names if n.lower() != "me" and name_key(n) not in options.me_names]
    if not others:
        raise ValidationError("no one but me took part")
    minutes_text = row.get("minutes", "")
    try:
        minutes = round(float(minutes_text)) if minutes_text else None
    except ValueError:
        raise ValidationError(f"minutes must be a number, got {minutes_text!r}") from None
    channel = parse_enum(Channel, row.get("channel") or "in_person", what="channel")
    initiative = parse_enum(Initiative, row.get("initiative") or "unknown", what="initiative")
    key = row.get("id") or "|".join(
        [when.isoformat(), *sorted(name_key(n) for n in others), channel.value]
    )
    return EncounterRecord(
        origin=Origin(file, line, ""),
        when=when,
        people=[_mention(n, file, line) for n in others],
        channel=channel,
        initiative=initiative,
        minutes=minutes,
        title=row.get("title") or None,
        source_ref="row:" + hashlib.sha1(key.encode()).hexdigest(),
    )


# --- contact logs (SocioPatterns) -------------------------------------------------------


def _prefix(options: ParseOptions) -> str:
    if options.prefix:
        return options.prefix
    stem = Path(options.file).name.split(".", 1)[0]
    return f"{stem} "


def _contact_log(stream: BinaryIO, options: ParseOptions) -> Iterator[Parsed]:
    rows: list[tuple[int, int, int]] = []
    for line in read_lines(stream, limit=4096):
        parts = line.data.split()
        if not parts:
            continue
        try:
            t, i, j = int(parts[0]), int(parts[1]), int(parts[2])
        except (ValueError, IndexError):
            yield Rejection(options.file, f"{options.file}:{line.number}", "not `t i j` numbers")
            continue
        rows.append((t, i, j))
    if not rows:
        return
    start = options.start
    if start is None:
        if min(t for t, _, _ in rows) < RELATIVE_BELOW:
            raise ValidationError(
                f"{options.file}: times are relative; give --start UNIX_TIME of t = 0"
            )
        start = 0.0
    prefix = _prefix(options)
    me = {int(m) for m in options.me_ids if m.strip().isdigit()}

    def person(n: int) -> PersonRecord:
        name = f"{prefix}{n}"
        ref = f"contact:{name_key(name)}"
        return PersonRecord(Origin(options.file, None, ref), name, fuzzy=False)

    ties: dict[tuple[int, int], list[dt.date]] = {}
    for episode in merge_contacts(rows, gap=round(options.gap_minutes * 60)):
        moment = dt.datetime.fromtimestamp(start + episode.start, dt.UTC)
        if me & {episode.a, episode.b}:
            other = episode.b if episode.a in me else episode.a
            if other in me:
                continue
            yield EncounterRecord(
                origin=Origin(options.file, None, ""),
                when=moment,
                people=[person(other)],
                channel=Channel.IN_PERSON,
                minutes=episode.minutes,
                source_ref=f"contact:{name_key(prefix)}{episode.a}-{episode.b}@{episode.start}",
            )
        else:
            ties.setdefault((episode.a, episode.b), []).append(moment.date())
    for (a, b), days in sorted(ties.items()):
        yield AcquaintanceRecord(
            Origin(options.file, None, ""), person(a), person(b), len(days), min(days), max(days)
        )
