"""The header block of one email message: fields, addresses, dates, encoded words.

Only a message's header block (everything before the first empty line) is ever
handed to this module; the splitters (:mod:`.mbox`, :mod:`.maildir`) skip the
body without keeping it. Of the header block, only the fields in :data:`WANTED`
are read.

Why not ``email.parser.BytesHeaderParser``: it parses every field, line by line
in Python, which costs about 85 µs for the headers of one Enron message (and
``policy.default`` 6.5 ms, measured in ``benchmarks/bench_mbox.py``). The fields
dunbar needs are found here with one regular expression over the block, and the
hard parts are left to the standard library's ``email`` package:
:func:`email.header.decode_header` for RFC 2047 encoded words,
:func:`email.utils.parsedate_tz` for RFC 2822 dates, and
:func:`email.utils.getaddresses` for any address list the fast reader below
does not fully understand (groups, comments, quoted pairs).
"""

from __future__ import annotations

import codecs
import datetime as dt
import email.header
import email.utils
import re

__all__ = [
    "WANTED",
    "Fields",
    "decode_words",
    "header_fields",
    "message_id",
    "parse_addresses",
    "parse_date",
]

WANTED = (
    "from",
    "sender",
    "to",
    "cc",
    "bcc",
    "date",
    "message-id",
    "subject",
    "list-id",
    "list-unsubscribe",
    "list-post",
    "mailing-list",
    "x-mailman-version",
    "precedence",
    "auto-submitted",
    "x-autoreply",
    "x-autorespond",
    "delivered-to",
    "x-original-to",
    "envelope-to",
    "x-mozilla-draft-info",
)
"""The fields read; every other field of the header block is passed over."""

Fields = dict[str, list[str]]
"""Lower-case field name -> its values (unfolded, decoded to text), in order."""


def _any_case(name: str) -> bytes:
    return b"".join(
        b"[%c%c]" % (ord(c.upper()), ord(c.lower())) if c.isalpha() else re.escape(c.encode())
        for c in name
    )


# A wanted field at the start of a line, and its folded continuation lines. Names
# are spelled in both cases rather than with re.IGNORECASE, and the block is
# searched with a newline in front: the leading literal "\n" lets the regex engine
# jump from line to line (3x faster on real headers than ^ with re.MULTILINE).
_FIELD = re.compile(
    rb"\n(" + b"|".join(_any_case(n) for n in WANTED) + rb")[ \t]*:(.*(?:\n[ \t].*)*)"
)


def _cp1252_run(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("cp1252", errors="replace"), error.end


codecs.register_error("dunbar-cp1252", _cp1252_run)


def _text(raw: bytes) -> str:
    """A field's bytes as text: UTF-8 (RFC 6532), and any bytes that are not UTF-8
    as Windows-1252 (old clients wrote their own charset into headers, sometimes
    next to a UTF-8 name in the same field)."""
    if raw.isascii():
        return raw.decode("ascii")
    return raw.decode("utf-8", errors="dunbar-cp1252")


def header_fields(block: bytes) -> Fields:
    """The wanted fields of a header block, unfolded (RFC 5322 §2.2.3) and decoded."""
    fields: Fields = {}
    for match in _FIELD.finditer(b"\n" + block):
        name = match.group(1).decode("ascii").lower()
        value = match.group(2).replace(b"\r", b"").replace(b"\n", b"").strip()
        fields.setdefault(name, []).append(_text(value))
    return fields


def decode_words(text: str) -> str:
    """``text`` with RFC 2047 encoded words decoded; unknown or lying charsets are
    read as UTF-8 with replacement characters rather than failing."""
    if "=?" not in text:
        return text
    try:
        parts = email.header.decode_header(text)
    except (ValueError, LookupError):  # a malformed encoded word: keep the text as it is
        return text
    out: list[str] = []
    for part, charset in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        if charset is None:  # the plain text between encoded words
            out.append(part.decode("latin-1"))
            continue
        try:
            out.append(part.decode(charset))
        except (LookupError, UnicodeDecodeError):
            out.append(part.decode("utf-8", errors="replace"))
    return "".join(out)


# One entry of the common address lists ("Name" <addr>, Name <addr>, <addr> or addr)
# with the separators before it. Entries of a list read this way follow each other
# with no gap; a gap is something else (a group, a comment), left to the stdlib.
_ENTRY = re.compile(
    r"""[ \t,]*(?:
        "((?:[^"\\]|\\.)*)"[ \t]*<([^<>"\s]*)>
      | ([^"<>,()@;:\\]*?)[ \t]*<([^<>"\s]*)>
      | ([^\s"<>,()@;:\\]+@[^\s"<>,()@;:\\]+)
    )[ \t]*(?=,|$)""",
    re.VERBOSE,
)
_QUOTED_PAIR = re.compile(r"\\(.)")


def parse_addresses(text: str) -> list[tuple[str, str]]:
    """``(display name, address)`` of each mailbox in an address list header.

    The common shapes are read by one regular expression; anything else (a group,
    a comment, an unquoted comma in a name) goes to :func:`email.utils.getaddresses`.
    Display names are returned as written (encoded words not yet decoded).
    """
    found: list[tuple[str, str]] = []
    pos = 0
    for match in _ENTRY.finditer(text):
        if match.start() != pos:
            break
        pos = match.end()
        quoted, q_addr, name, addr, bare = match.groups()
        if bare is not None:
            found.append(("", bare))
        elif quoted is not None:
            if "@" in q_addr:
                found.append(
                    (_QUOTED_PAIR.sub(r"\1", quoted) if "\\" in quoted else quoted, q_addr)
                )
        elif "@" in addr:
            found.append((" ".join(name.split()), addr))  # as the stdlib: words, one space
    if pos < len(text) and text[pos:].strip(" \t,"):
        return [(n, a) for n, a in email.utils.getaddresses([text]) if "@" in a]
    return found


def message_id(text: str) -> str | None:
    """The ``<...>`` of a Message-ID field without its brackets (or the bare token)."""
    match = re.search(r"<([^<>\s]+)>", text)
    if match is not None:
        return match.group(1)
    token = "".join(text.split())
    return token or None


# Zones that mail clients write and ``parsedate_tz`` does not know (it reads them
# as UTC): CET/CEST from Outlook and Thunderbird in Europe, among others.
_ZONES = {
    "CET": 1,
    "CEST": 2,
    "MET": 1,
    "MEST": 2,
    "BST": 1,
    "EET": 2,
    "EEST": 3,
    "WET": 0,
    "WEST": 1,
    "MSK": 3,
    "IST": 5.5,
    "HKT": 8,
    "SGT": 8,
    "JST": 9,
    "KST": 9,
    "AEST": 10,
    "AEDT": 11,
    "NZST": 12,
    "NZDT": 13,
}
_TRAILING_ZONE = re.compile(r"\b([A-Z]{3,4})\s*(?:\([^)]*\))?\s*$")
MAX_OFFSET = 14 * 3600
"""The widest real UTC offset (UTC+14, Kiribati); a larger one is a broken zone."""


def parse_date(text: str) -> tuple[dt.datetime, str | None]:
    """An aware datetime for an RFC 2822 Date field, and a note when it was repaired.

    A missing or impossible zone (``+2500``) is read as UTC and noted; a zone
    name ``parsedate_tz`` does not know (``CEST``) is looked up in a small table;
    an ISO 8601 date (some scripts write one) is accepted. Raises
    :class:`ValueError` with the reason when the field is not a date.
    """
    parts = email.utils.parsedate_tz(text)
    if parts is None:
        try:
            moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"unreadable Date {text[:80]!r}") from None
        if moment.tzinfo is None:
            return moment.replace(tzinfo=dt.UTC), "no time zone in Date; read as UTC"
        return moment, None
    offset, note = parts[9], None
    if offset == 0 and not re.search(r"[+-]0000|\b(?:UT|UTC|GMT|Z)\b", text):
        zone = _TRAILING_ZONE.search(text.strip())
        if zone is not None and zone.group(1) in _ZONES:
            offset = round(_ZONES[zone.group(1)] * 3600)
    if offset is None or abs(offset) > MAX_OFFSET:
        offset, note = 0, f"time zone of Date {text[:80]!r} not understood; read as UTC"
    try:
        moment = dt.datetime(*parts[:6], tzinfo=dt.timezone(dt.timedelta(seconds=offset)))
    except ValueError as exc:
        raise ValueError(f"impossible Date {text[:80]!r} ({exc})") from None
    return moment, note
