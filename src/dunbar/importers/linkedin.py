"""LinkedIn's "Get a copy of your data": Connections.csv and messages.csv.

``Connections.csv`` comes in three layouts (see ``csv_formats/FORMATS.md``):
2018 (no preamble), 2022 and 2025 (a ``Notes:`` preamble of three lines; 2025
adds ``URL`` after ``Last Name``). Each row is a person; ``Connected On``
(``22 Dec 2025``) becomes ``first_known``; the profile URL is an identity, so a
re-export matches the same person even after a change of name or job.

``messages.csv`` (2022: ``CONVERSATION ID, ..., FROM, SENDER PROFILE URL, TO,
DATE, ...``; 2018 ``Messages.csv``: ``From, To, Date, Subject, Content, Direction,
Folder``) and ``Invitations.csv`` (``From, To, Sent At, Message, Direction``,
``Sent At`` like ``8/26/22, 8:56 PM``): each message or invitation is a
``message`` encounter with the other people in it.
I took the initiative if I sent it. Who "I" am: the 2018 ``Direction`` column
says; otherwise the sender whose name is the ledger's "me", or else the person
who takes part in most messages of the file (the export's owner is in all of
them). Message content is never stored; the subject becomes the title.

A message's ``source_ref`` hashes its conversation, date, sender and recipients:
in a later export an edited subject or direction updates its encounter, and a
different date or recipient list is another message (a new encounter).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from typing import BinaryIO

from dunbar.importers.csvfiles import Row, parse_when, rows_by_header
from dunbar.importers.formats import ParseOptions
from dunbar.importers.records import EncounterRecord, Origin, Parsed, PersonRecord, Rejection
from dunbar.model import Channel, Initiative
from dunbar.normalise import name_key

__all__ = ["parse_linkedin"]


def _is_header(cells: list[str]) -> bool:
    lower = [c.lower() for c in cells]
    return (lower[:2] == ["first name", "last name"] and "connected on" in lower) or (
        "from" in lower and "to" in lower and ("date" in lower or "sent at" in lower)
    )


def parse_linkedin(stream: BinaryIO, options: ParseOptions) -> Iterator[Parsed]:
    rows = rows_by_header(stream, options.file, _is_header, what="LinkedIn")
    first = next(rows, None)
    if first is None:
        return
    if isinstance(first, Rejection):
        yield first
        first = next(rows, None)
        if first is None:
            return
    if isinstance(first, tuple) and "Connected On" in first[1]:
        yield from _connections(first, rows, options)
    else:
        yield from _messages(first, rows, options)


def _connections(
    first: tuple[int, Row] | Rejection,
    rows: Iterator[tuple[int, Row] | Rejection],
    options: ParseOptions,
) -> Iterator[Parsed]:
    for item in _chain(first, rows):
        if isinstance(item, Rejection):
            yield item
            continue
        line, row = item
        given, family = row.get("First Name", ""), row.get("Last Name", "")
        name = f"{given} {family}".strip()
        where = f"{options.file}:{line}"
        if not name:
            yield Rejection(options.file, where, "no first or last name")
            continue
        record = PersonRecord(Origin(options.file, line, ""), name, given or None, family or None)
        record.organisation = row.get("Company") or None
        record.title = row.get("Position") or None
        if row.get("Email Address"):
            record.emails.append(row["Email Address"])
        if row.get("URL"):
            record.urls.append(row["URL"])
        connected = row.get("Connected On", "")
        when = parse_when(connected) if connected else None
        if connected and when is None:
            yield Rejection(options.file, where, f"bad Connected On date {connected!r}")
            continue
        record.first_known = when.date() if when else None
        if record.urls:
            ref = "url:" + record.urls[0].lower().rstrip("/")
        elif record.emails:
            ref = "email:" + record.emails[0].lower()
        else:
            ref = f"name:{name_key(name)}|{name_key(record.organisation or '')}"
        record.origin = Origin(options.file, line, ref)
        yield record


def _chain(
    first: tuple[int, Row] | Rejection, rest: Iterator[tuple[int, Row] | Rejection]
) -> Iterator[tuple[int, Row] | Rejection]:
    yield first
    yield from rest


def _names(value: str) -> list[str]:
    return [n.strip() for n in value.split(",") if n.strip()]


def _messages(
    first: tuple[int, Row] | Rejection,
    rows: Iterator[tuple[int, Row] | Rejection],
    options: ParseOptions,
) -> Iterator[Parsed]:
    kept: list[tuple[int, Row]] = []
    for item in _chain(first, rows):
        if isinstance(item, Rejection):
            yield item
        else:
            kept.append((item[0], {k.upper(): v for k, v in item[1].items()}))
    seen: Counter[str] = Counter()
    for _, row in kept:
        for name in {name_key(n) for n in [row.get("FROM", ""), *_names(row.get("TO", ""))]}:
            seen[name] += 1
    me = {k for k in options.me_names if k in seen}
    if not me and seen:
        me = {seen.most_common(1)[0][0]}
    for line, row in kept:
        yield _message(line, row, me, options)


def _message(line: int, row: Row, me: set[str], options: ParseOptions) -> Parsed:
    where = f"{options.file}:{line}"
    column = "SENT AT" if "SENT AT" in row else "DATE"
    when = parse_when(row.get(column, ""))
    if when is None:
        return Rejection(options.file, where, f"bad or missing {column} {row.get(column, '')!r}")
    sender = row.get("FROM", "")
    direction = row.get("DIRECTION", "").upper()
    mine = direction == "OUTGOING" if direction else name_key(sender) in me
    people: list[PersonRecord] = []
    recipients = _names(row.get("TO", ""))
    urls = _names(row.get("RECIPIENT PROFILE URLS", ""))
    named = [(sender, row.get("SENDER PROFILE URL", ""))] + [
        (n, urls[i] if len(urls) == len(recipients) else "") for i, n in enumerate(recipients)
    ]
    for name, url in named:
        if not name or name_key(name) in me:
            continue
        person = PersonRecord(Origin(options.file, line, ""), name, link_by_name=True)
        if url:
            person.urls.append(url)
        person.origin = Origin(
            options.file,
            line,
            "url:" + url.lower().rstrip("/") if url else "name:" + name_key(name),
        )
        people.append(person)
    key = "|".join([row.get("CONVERSATION ID", ""), when.isoformat(), sender, row.get("TO", "")])
    return EncounterRecord(
        origin=Origin(options.file, line, ""),
        when=when,
        people=people,
        channel=Channel.MESSAGE,
        initiative=Initiative.OUT if mine else Initiative.IN,
        title=(
            row.get("SUBJECT")
            or row.get("CONVERSATION TITLE")
            or ("LinkedIn invitation" if column == "SENT AT" else "LinkedIn message")
        )[:200],
        source_ref="msg:" + hashlib.sha1(key.encode()).hexdigest(),
    )
