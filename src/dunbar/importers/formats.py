"""The formats dunbar imports, and how a file's format is recognised.

Each format is a parser (``parse(stream, options) -> Iterator[Parsed]``) plus a
``sniff`` that looks at the first few KiB. ``auto`` picks the first format that
recognises the file; a declared format that does not recognise it is refused
with one clear line (:class:`FormatError`) before anything is written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from dunbar.importers.records import FormatError, Parsed

__all__ = ["FORMATS", "Folder", "Format", "ParseOptions", "detect", "is_maildir"]

SNIFF_BYTES = 16 * 1024


@dataclass
class ParseOptions:
    """What parsers need to know beyond the file."""

    file: str
    me_names: set[str] = field(default_factory=set)
    """Name keys of "me" (messages from them are mine)."""
    me_emails: set[str] = field(default_factory=set)
    """The ledger's email addresses of "me", lower-case (the pipeline fills them)."""
    now: dt.datetime | None = None
    """The ledger's clock (``Store.now``): what is later has not happened yet."""
    me_ids: set[str] = field(default_factory=set)
    """Ids in a contact log that stand for me (SocioPatterns ``--me-id``)."""
    gap_minutes: float = 5.0
    prefix: str | None = None
    """Names of people in a contact log that only has numbers: ``prefix`` + number."""
    start: float | None = None
    """UNIX time of ``t = 0`` in a contact log with relative times."""
    max_recipients: int = 10
    """Email: a message to more people than this (me aside) is bulk (``--max-recipients``)."""


Parser = Callable[[BinaryIO, ParseOptions], Iterator[Parsed]]


@dataclass
class Folder:
    """A folder read as one source (a Maildir). Its reader sets ``size`` (the bytes
    of its files) and advances ``position`` as it reads, for the progress bar."""

    path: Path
    size: int = 0
    position: int = 0

    def close(self) -> None:
        """Nothing stays open between the files of a folder."""


FolderParser = Callable[[Folder, ParseOptions], Iterator[Parsed]]


@dataclass(frozen=True)
class Format:
    name: str
    source: str
    """What provenance and encounters record as their source."""
    sniff: Callable[[bytes, Path], bool]
    parse: Parser
    describe: str
    folder: Callable[[Path], bool] | None = None
    """For a format that is a folder (Maildir): recognises one."""
    read_folder: FolderParser | None = None


def _text_head(head: bytes) -> str:
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")


def _first_csv_line(head: bytes, *, skip_preamble: bool = False) -> str:
    lines = _text_head(head).splitlines()
    if skip_preamble and lines and lines[0].strip().lower().startswith("notes:"):
        for i, line in enumerate(lines):
            if not line.strip() and i > 0:
                return lines[i + 1] if i + 1 < len(lines) else ""
    return lines[0] if lines else ""


def _is_vcard(head: bytes, path: Path) -> bool:
    return bool(re.search(rb"(?im)^\s*begin\s*:\s*vcard\s*$", head[:SNIFF_BYTES]))


def _is_ics(head: bytes, path: Path) -> bool:
    """BEGIN:VCALENDAR, or a bare VEVENT/VTIMEZONE as the first line (icalendar's test files)."""
    text = _text_head(head[:SNIFF_BYTES])
    if re.search(r"(?im)^\s*begin\s*:\s*vcalendar\s*$", text):
        return True
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return bool(re.fullmatch(r"(?i)begin\s*:\s*(vevent|vtimezone)", first))


def _is_linkedin(head: bytes, path: Path) -> bool:
    first = _first_csv_line(head, skip_preamble=True).lower()
    return (
        (first.startswith("first name,last name") and "connected on" in first)
        or first.startswith("conversation id,conversation title,from")
        or first.startswith("from,to,date,subject,content,direction")
        or first.startswith("from,to,sent at,message,direction")
    )


def _is_google(head: bytes, path: Path) -> bool:
    first = _first_csv_line(head).lower()
    return first.startswith(("name,given name,additional name", "first name,middle name"))


def _is_encounters(head: bytes, path: Path) -> bool:
    first = _first_csv_line(head).lower()
    compact = first.replace(" ", "")
    if compact.startswith(("when,", "date,")) and ",person" in compact:
        return True
    return bool(re.match(r"^\d+\s+\d+\s+\d+(\s+\S+)*\s*$", first))


# An mbox "From " line (the postmark): "From SENDER DATE", and DATE has a time of day.
_POSTMARK = re.compile(rb"From [^\r\n]*\d:\d\d")
_FIELD_LINE = re.compile(rb"[!-9;-~]+[ \t]*:")
_MESSAGE_FIELDS = frozenset((b"date", b"message-id", b"received", b"return-path"))


def _is_mbox(head: bytes, path: Path) -> bool:
    """An mbox (a postmark first, after any blank lines), or one message (``.eml``, a
    Maildir file): header lines with From and Date, Message-ID, Received or Return-Path."""
    text = head[:SNIFF_BYTES].lstrip(b"\r\n")
    if _POSTMARK.match(text):
        return True
    block, *rest = re.split(rb"\r?\n\r?\n", text, maxsplit=1)
    lines = block.splitlines()
    if not rest and len(head) >= SNIFF_BYTES:
        lines = lines[:-1]  # the last line may be cut by the sniff
    names = set()
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            continue
        field = _FIELD_LINE.match(line)
        if field is None:
            return False
        names.add(field.group(0).rstrip(b": \t").lower())
    return b"from" in names and bool(names & _MESSAGE_FIELDS)


def is_maildir(path: Path) -> bool:
    """A Maildir folder: one with a ``cur`` or ``new`` folder in it."""
    return path.is_dir() and ((path / "cur").is_dir() or (path / "new").is_dir())


def _never(head: bytes, path: Path) -> bool:
    return False  # a folder format: no file is one


def _lazy_folder(module: str, name: str) -> FolderParser:
    def parse(folder: Folder, options: ParseOptions) -> Iterator[Parsed]:
        import importlib

        function: FolderParser = getattr(importlib.import_module(module), name)
        return function(folder, options)

    return parse


def _lazy(module: str, name: str) -> Parser:
    def parse(stream: BinaryIO, options: ParseOptions) -> Iterator[Parsed]:
        import importlib

        function: Parser = getattr(importlib.import_module(module), name)
        return function(stream, options)

    return parse


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "vcard",
            "vcard",
            _is_vcard,
            _lazy("dunbar.importers.vcard", "parse_vcards"),
            "a vCard file (2.1, 3.0 or 4.0)",
        ),
        Format(
            "ics",
            "ics",
            _is_ics,
            _lazy("dunbar.importers.ics", "parse_ics"),
            "an iCalendar file (.ics)",
        ),
        Format(
            "linkedin",
            "linkedin",
            _is_linkedin,
            _lazy("dunbar.importers.linkedin", "parse_linkedin"),
            "a LinkedIn Connections.csv, messages.csv or Invitations.csv export",
        ),
        Format(
            "google",
            "google",
            _is_google,
            _lazy("dunbar.importers.google", "parse_google"),
            "a Google Contacts CSV export",
        ),
        Format(
            "encounters-csv",
            "encounters-csv",
            _is_encounters,
            _lazy("dunbar.importers.encounters_csv", "parse_encounters"),
            "an encounters CSV (when, person_a, person_b, ...) or a `t i j` contact log",
        ),
        Format(
            "mbox",
            "email",
            _is_mbox,
            _lazy("dunbar.importers.mbox", "parse_mbox"),
            "an mbox file or an email message",
        ),
        Format(
            "maildir",
            "email",
            _never,
            _lazy("dunbar.importers.mbox", "parse_mbox"),
            "a Maildir folder (with cur/ and new/ in it)",
            folder=is_maildir,
            read_folder=_lazy_folder("dunbar.importers.maildir", "parse_maildir"),
        ),
    )
}


def detect(head: bytes, path: Path, declared: str = "auto") -> Format:
    """The format of a file whose first bytes are ``head``; refuses a mismatch."""
    if declared != "auto":
        chosen = FORMATS.get(declared)
        if chosen is None:
            choices = ", ".join(["auto", *FORMATS])
            raise FormatError(f"unknown format {declared!r}: choose one of {choices}")
        if not chosen.sniff(head, path):
            raise FormatError(f"{path} is not {chosen.describe}")
        return chosen
    if b"\x00" in head[:SNIFF_BYTES] and not _is_vcard(head, path):
        raise FormatError(f"{path} is a binary file, not one dunbar can import")
    for candidate in FORMATS.values():
        if candidate.sniff(head, path):
            return candidate
    raise FormatError(
        f"{path}: format not recognised (vCard, iCalendar, LinkedIn, Google, encounters CSV "
        "or mbox); name it with --format"
    )
