"""From the headers of one message to records: who wrote to whom, when, and why not.

Shared by the mbox and Maildir readers, which hand over each message's header
block and nothing of its body (see :mod:`.email_headers`). The rules:

**Left out, counted by reason** (:class:`~.records.Skipped`): mailing-list
traffic (``List-Id``, ``List-Unsubscribe``, ``List-Post``, ``Mailing-List``,
``X-Mailman-Version``, ``Precedence: list``; a Mailman/pipermail archive, whose
addresses read ``user at domain``); bulk mail (``Precedence: bulk`` or ``junk``);
automatic messages (``Auto-Submitted`` other than ``no``, ``X-Autoreply``,
``X-Autorespond``); no-reply senders (``noreply``, ``no-reply``, ``donotreply``,
``mailer-daemon``, ``postmaster``, ``notifications@`` and the like); drafts
(Maildir flag ``D``, ``X-Mozilla-Draft-Info``).

**Rejected, with the reason** (:class:`~.records.Rejection`): no headers, no
sender address, no or an unreadable ``Date``, a date before 1971 or in the
future.

**Mine** (the sender or a recipient is one of ``options.me_emails``, the "me"
person's addresses; ``Delivered-To``/``X-Original-To`` count, so a Bcc to me is
mine): an ``email`` encounter with everyone else of From, To and Cc (and Bcc when
I sent it), initiative ``out`` if I sent it, ``in`` otherwise; the subject is
the title. A message with more than ``options.max_recipients`` other recipients
is *bulk*: when someone else sent it, it is an encounter with the sender only,
its title marked ``[bulk: N recipients]``; when I sent it, it is left out.

**Between others** (I am neither sender nor recipient: someone else's archive,
a forward): no encounter, only who-knows-whom evidence.

**Who knows whom**: the people of a message who are not me and who could see
each other (From, To and Cc; never Bcc) know each other: one ``email_cc``
acquaintance record per pair, counting the messages (by Message-ID, once each)
they shared, with the first and last date. Bulk messages give none.

**Identity**: ``source_ref`` is the Message-ID (the same message in two files
is one encounter, the first one read wins); without one, a hash of From, To, Cc,
Date and Subject. A later import that reads the message differently (another
subject, or recipients now known to be me) updates its encounter.
People are mentioned by email address (``email:ADDRESS``), named by the display
name, else by the address's local part (``jeff.dasovich`` -> Jeff Dasovich).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from dunbar.errors import ValidationError
from dunbar.importers.email_headers import (
    Fields,
    decode_words,
    header_fields,
    message_id,
    parse_addresses,
    parse_date,
)
from dunbar.importers.formats import ParseOptions
from dunbar.importers.records import (
    AcquaintanceRecord,
    EncounterRecord,
    Origin,
    Parsed,
    PersonRecord,
    Rejection,
    Skipped,
    Warning_,
)
from dunbar.model import Channel, Evidence, Initiative
from dunbar.normalise import normalise_email
from dunbar.store.encounters import FUTURE_SLACK

__all__ = [
    "MessageReader",
    "RawMessage",
    "Scanned",
    "is_no_reply",
    "left_out",
    "name_from_address",
    "read_messages",
    "scan_message",
]

FIRST_YEAR = 1971
"""The first email was sent in 1971: an earlier Date is a broken clock (often 1970-01-01)."""

ADDRESS_CACHE = 100_000
"""Addresses as written -> normalised, remembered (the same few recur on every message)."""

LIST = "mailing-list message"
ARCHIVE = "mailing-list archive (pipermail 'user at domain' addresses)"
BULK = "bulk mail (Precedence: bulk or junk)"
AUTOMATIC = "automatic message (Auto-Submitted, X-Autoreply)"
NO_REPLY = "no-reply sender"
DRAFT = "draft, never sent"
MINE_TO_MANY = "sent by me to more than --max-recipients people"
OTHERS_TO_MANY = "bulk message between other people"
TO_MYSELF = "sent by me to no one else"
BETWEEN_OTHERS = "not from or to me: who-knows-whom evidence only"

_LIST_FIELDS = ("list-id", "list-unsubscribe", "list-post", "mailing-list", "x-mailman-version")
_OBFUSCATED = re.compile(r"^\s*[^\s@<>\"]+ at [^\s@<>\"]+\.[^\s@<>\"]+")
_NO_REPLY = re.compile(
    r"(?:^|[-_.+])(?:no-?_?reply|do-?_?not-?_?reply|donotreply)(?:$|[-_.+\d])"
    r"|^(?:mailer-daemon|postmaster|notifications?|notify|bounces?|daemon|automated"
    r"|auto-?confirm|newsletters?|alerts?)(?:$|[-_.+])",
    re.IGNORECASE,
)


# The list fields as list servers write them ("List-Id:", "List-ID:", ...).
_LIST_NAMES = (b"Id:", b"ID:", b"Unsubscribe:", b"Post:")


def _plainly_list_mail(header: bytes) -> bool:
    """A shortcut of :func:`left_out` for most list mail: a list field spelled as list
    servers spell it (one substring search instead of reading every field). A
    message it misses is still read in full, so the result is the same either way."""
    at = header.find(b"\nList-")
    while at >= 0:
        if header.startswith(_LIST_NAMES, at + 6):
            return b"Draft-Info" not in header
        at = header.find(b"\nList-", at + 6)
    return False


def is_no_reply(address: str) -> bool:
    """A sender that no person reads: ``noreply@``, ``jira-no-reply@``, ``mailer-daemon@``..."""
    return bool(_NO_REPLY.search(address.split("@", 1)[0]))


def left_out(fields: Fields, *, draft: bool = False) -> str | None:
    """Why a message is not personal mail (a reason of this module), or ``None``."""
    if draft or "x-mozilla-draft-info" in fields:
        return DRAFT
    if any(name in fields for name in _LIST_FIELDS):
        return LIST
    precedence = " ".join(fields.get("precedence", ())).strip().lower()
    if precedence == "list":
        return LIST
    if precedence in ("bulk", "junk"):
        return BULK
    if any(_OBFUSCATED.match(v) for v in fields.get("from", ())):
        return ARCHIVE
    auto = " ".join(fields.get("auto-submitted", ())).strip().lower()
    if (auto and not auto.startswith("no")) or "x-autoreply" in fields or "x-autorespond" in fields:
        return AUTOMATIC
    return None


def name_from_address(address: str) -> str:
    """A name for someone known only by address: ``jeff.dasovich@`` -> ``Jeff Dasovich``."""
    local = address.split("@", 1)[0]
    words = [w for w in re.split(r"[._\-+]+", local) if w and not w.isdigit()]
    return " ".join(w[:1].upper() + w[1:] for w in words) or address


@dataclass(frozen=True)
class RawMessage:
    """One message as a splitter found it: its header block, and where it starts."""

    header: bytes
    file: str
    line: int | None = None
    draft: bool = False

    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file


def _dated(fields: Fields) -> tuple[dt.datetime, str | None] | str:
    """:func:`~.email_headers.parse_date` of the Date field, or why there is no date."""
    values = fields.get("date")
    if not values or not values[0].strip():
        return "no Date header"
    try:
        return parse_date(values[0])
    except ValueError as exc:
        return str(exc)


def _addresses(fields: Fields, name: str, clean: dict[str, str | None]) -> list[tuple[str, str]]:
    """``(display name, normalised address)`` of a field; invalid addresses dropped.
    ``clean`` remembers addresses as written -> normalised (``None``: not an address)."""
    found: list[tuple[str, str]] = []
    for value in fields.get(name, ()):
        for display, address in parse_addresses(value):
            normal = clean.get(address, "")
            if normal == "":  # not seen yet (None: seen, and not an address)
                if len(clean) >= ADDRESS_CACHE:
                    clean.clear()
                try:
                    normal = clean[address] = normalise_email(address)
                except ValidationError:
                    normal = clean[address] = None
            if normal is not None:
                found.append((display, normal))
    return found


class _Ties:
    """Pairs of addresses seen on the same messages: count, first and last day."""

    def __init__(self) -> None:
        self.pairs: dict[tuple[str, str], list[int]] = {}

    def add(self, people: list[str], day: int) -> None:
        for i, a in enumerate(people):
            for b in people[i + 1 :]:
                key = (a, b) if a < b else (b, a)
                seen = self.pairs.get(key)
                if seen is None:
                    self.pairs[key] = [1, day, day]
                else:
                    seen[0] += 1
                    seen[1] = min(seen[1], day)
                    seen[2] = max(seen[2], day)


class MessageReader:
    """Turns messages of one source (an mbox file, a Maildir) into records."""

    def __init__(self, options: ParseOptions) -> None:
        self.options = options
        self.me = {e.lower() for e in options.me_emails}
        self.now = options.now
        self.people: dict[str, PersonRecord] = {}
        self._clean: dict[str, str | None] = {}
        self._read: dict[str, list[tuple[str, str]]] | None = None
        self._dated: tuple[dt.datetime, str | None] | str | None = None
        self.ties = _Ties()
        self.tied_messages: set[int] = set()
        self.considered = 0
        """Messages that were personal mail with a sender and a date."""
        self.mine = 0

    def read(self, raw: RawMessage) -> Iterator[Parsed]:
        """The records of one message: an encounter, a skip or a rejection, and warnings."""
        if not raw.draft and _plainly_list_mail(raw.header):  # most of a mailbox: be quick
            yield Skipped(self.options.file, LIST)
            return
        yield from self.read_fields(header_fields(raw.header), raw)

    def read_scanned(self, scanned: Scanned) -> Iterator[Parsed]:
        """:meth:`read` of a message that :func:`scan_message` has read (in a worker
        process): its fields and addresses are taken as they are."""
        self._read, self._dated = scanned.addresses, scanned.dated
        try:
            yield from self.read_fields(
                scanned.fields, RawMessage(b"", self.options.file, scanned.line), known=True
            )
        finally:
            self._read = self._dated = None

    def read_fields(
        self, fields: Fields, raw: RawMessage, *, known: bool = False
    ) -> Iterator[Parsed]:
        """:meth:`read` from the fields of ``raw``'s header block (``raw.header`` is
        not looked at). ``known``: the fields are known not to be left out (as
        :func:`scan_message` checked)."""
        if not known:
            if not fields:
                yield Rejection(
                    self.options.file, raw.where(), "not an email message: no From, To or Date"
                )
                return
            reason = left_out(fields, draft=raw.draft)
            if reason is not None:
                yield Skipped(self.options.file, reason)
                return
        named = self._addresses(fields, "from") or self._addresses(fields, "sender")
        if not named:
            yield Rejection(self.options.file, raw.where(), "no sender address in From")
            return
        sender = named[0][1]
        if is_no_reply(sender):
            yield Skipped(self.options.file, NO_REPLY)
            return
        when = yield from self._when(fields, raw)
        if when is None:
            return
        self.considered += 1
        to = self._addresses(fields, "to") + self._addresses(fields, "cc")
        from_me = sender in self.me
        blind = self._addresses(fields, "bcc") if from_me else []
        delivered = [
            a
            for n in ("delivered-to", "x-original-to", "envelope-to")
            for _, a in self._addresses(fields, n)
        ]
        names = {sender: named[0][0]}
        for name, address in to + blind:
            names.setdefault(address, name)
        visible = [a for a in dict.fromkeys([sender, *(a for _, a in to)]) if a not in self.me]
        others = [a for a in dict.fromkeys(a for _, a in to + blind) if a not in self.me]
        others = [a for a in others if a != sender]
        to_me = not from_me and any(a in self.me for a in [*(a for _, a in to), *delivered])
        bulk = len(others) > self.options.max_recipients
        ref = self._ref(fields)
        if not bulk and len(visible) > 1 and hash(ref) not in self.tied_messages:
            self.tied_messages.add(hash(ref))
            self.ties.add(visible, when.date().toordinal())
            for address in visible:
                self._person(address, names.get(address, ""), raw)
        if not (from_me or to_me):
            yield Skipped(self.options.file, OTHERS_TO_MANY if bulk else BETWEEN_OTHERS)
            return
        self.mine += 1
        if from_me and bulk:
            yield Skipped(self.options.file, MINE_TO_MANY)
            return
        who = others if from_me else ([sender] if bulk else [sender, *others])
        if not who:
            yield Skipped(self.options.file, TO_MYSELF)
            return
        yield EncounterRecord(
            origin=Origin(raw.file, raw.line, ""),
            when=when,
            people=[self._person(a, names.get(a, ""), raw) for a in who],
            channel=Channel.EMAIL,
            initiative=Initiative.OUT if from_me else Initiative.IN,
            title=self._title(fields, len(others) if bulk else None),
            source_ref=ref,
        )

    def finish(self) -> Iterator[Parsed]:
        """After the last message: the who-knows-whom records, and a warning if no
        message was mine (so that the user learns why there are no encounters)."""
        file = self.options.file
        for (a, b), (count, first, last) in self.ties.pairs.items():
            yield AcquaintanceRecord(
                Origin(file, None, ""),
                self.people[a],
                self.people[b],
                count,
                dt.date.fromordinal(first),
                dt.date.fromordinal(last),
                evidence=Evidence.EMAIL_CC,
            )
        if self.considered and not self.mine:
            if self.me:
                mine = ", ".join(sorted(self.me))
                message = f"no message was from or to you ({mine})"
            else:
                message = "dunbar does not know your email address, so no message was yours"
            yield Warning_(
                file,
                file,
                f"{message}: add it with `dunbar edit me --add-email ADDRESS` "
                "(or --me-id ADDRESS) and import again",
            )

    # --- the parts of a message ----------------------------------------------------------

    def _addresses(self, fields: Fields, name: str) -> list[tuple[str, str]]:
        """``(display name, normalised address)`` of a field; invalid addresses dropped."""
        if self._read is not None:  # read by the worker
            return self._read.get(name, [])
        return _addresses(fields, name, self._clean)

    def _when(self, fields: Fields, raw: RawMessage) -> Generator[Parsed, None, dt.datetime | None]:
        # Yields a rejection (the date is then None) or a warning; returns the date.
        dated = self._dated if self._dated is not None else _dated(fields)
        if isinstance(dated, str):
            yield Rejection(self.options.file, raw.where(), dated)
            return None
        when, note = dated
        if when.year < FIRST_YEAR:
            yield Rejection(
                self.options.file, raw.where(), f"dated {when.year}, before email existed"
            )
            return None
        if self.now is not None and when > self.now + FUTURE_SLACK:
            yield Rejection(
                self.options.file, raw.where(), f"dated {when.date().isoformat()}, in the future"
            )
            return None
        if note is not None:
            yield Warning_(self.options.file, raw.where(), note)
        return when

    @staticmethod
    def _ref(fields: Fields) -> str:
        found = message_id(fields["message-id"][0]) if fields.get("message-id") else None
        if found is not None and len(found) <= 400:
            return f"mid:{found}"
        key = "\n".join(
            " ".join(fields.get(n, [""])[0].split())
            for n in ("from", "to", "cc", "date", "subject", "message-id")
        )
        return "hdr:" + hashlib.sha1(key.encode("utf-8", errors="replace")).hexdigest()

    @staticmethod
    def _title(fields: Fields, bulk: int | None) -> str | None:
        subject = " ".join(decode_words(fields.get("subject", [""])[0]).split())[:400]
        if bulk is not None:
            return f"{subject} [bulk: {bulk} recipients]".strip()
        return subject or None

    def _person(self, address: str, display: str, raw: RawMessage) -> PersonRecord:
        """The one record of this address in this source (the first name seen wins)."""
        record = self.people.get(address)
        if record is None:
            name = " ".join(decode_words(display).strip().strip("\"'").split())
            if not name or "@" in name:
                name = name_from_address(address)
            record = PersonRecord(Origin(raw.file, raw.line, f"email:{address}"), name)
            record.emails.append(address)
            self.people[address] = record
        return record


class Scanned(NamedTuple):
    """A message that may be personal mail: its wanted fields, its line, and the
    ``(display name, normalised address)`` of each address field."""

    fields: Fields
    line: int | None
    addresses: dict[str, list[tuple[str, str]]]
    dated: tuple[dt.datetime, str | None] | str
    """The Date read (and the note on it), or why it was not."""


_ADDRESS_FIELDS = (
    "from",
    "sender",
    "to",
    "cc",
    "bcc",
    "delivered-to",
    "x-original-to",
    "envelope-to",
)


def scan_message(
    raw: RawMessage, clean: dict[str, str | None]
) -> Scanned | Skipped | Rejection | None:
    """The part of :meth:`MessageReader.read` that needs no options and keeps no
    state (but ``clean``, the cache of normalised addresses): what a worker process
    sends instead of the header block (see :func:`~.worker.read_mbox_in_worker`).
    ``None`` for plainly list mail (left out as :data:`LIST`); a skip or rejection
    when the fields decide it; else the fields, every address field and the Date, read."""
    if not raw.draft and _plainly_list_mail(raw.header):
        return None
    fields = header_fields(raw.header)
    if not fields:
        return Rejection(raw.file, raw.where(), "not an email message: no From, To or Date")
    reason = left_out(fields, draft=raw.draft)
    if reason is not None:
        return Skipped(raw.file, reason)
    return Scanned(
        fields,
        raw.line,
        {name: _addresses(fields, name, clean) for name in _ADDRESS_FIELDS if name in fields},
        _dated(fields),
    )


def read_messages(
    messages: Iterable[RawMessage | Rejection | Skipped], options: ParseOptions
) -> Iterator[Parsed]:
    """Every record of a stream of messages, then the who-knows-whom records."""
    reader = MessageReader(options)
    for raw in messages:
        if isinstance(raw, RawMessage):
            yield from reader.read(raw)
        else:
            yield raw
    yield from reader.finish()
