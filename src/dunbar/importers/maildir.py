"""Maildir folders: one message per file, read up to the end of its headers.

A Maildir is a folder with ``cur/`` and ``new/`` (and ``tmp/``, where messages
are still being delivered, which is never read). One import of a Maildir reads
the whole tree below it as one source:

- Maildir++ sub-folders (``.Sent``, ``.Archive.2020``: dotted, as Dovecot and
  Courier write them) and nested Maildirs (``Archive/2020/cur``, as mbsync's
  ``SubFolders Verbatim`` writes them) are read too; other hidden files and
  folders (``.notmuch``, ``.git``) and ``tmp/`` are not;
- every file in a ``cur/`` or ``new/`` is a message; a file elsewhere in the tree
  is one only if it has a From field (notmuch's test corpora keep messages
  directly in their folders, next to Dovecot's index files);
- file names carry flags after ``:2,`` (``1354585346.000260:2,S``); a draft
  (``D``) was never sent and is left out;
- of each file, only the header block is read: chunks of ``READ`` bytes until the
  first empty line, at most ``MAX_HEADER`` bytes; the body is never read past the
  chunk in which the headers end.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from dunbar.importers.email_headers import header_fields
from dunbar.importers.email_messages import RawMessage, read_messages
from dunbar.importers.formats import Folder, ParseOptions, is_maildir
from dunbar.importers.mbox import MAX_HEADER
from dunbar.importers.records import Parsed, Rejection, Skipped

__all__ = ["message_files", "parse_maildir", "read_header"]

READ = 16 * 1024
NOT_A_MESSAGE = "not a message (a file outside cur/ and new/ without a From field)"
_HEADER_END = re.compile(rb"\n\r?\n")
_SERVER_FILES = re.compile(r"^(dovecot|courierimap|maildirfolder$|subscriptions$|\.)")


def parse_maildir(folder: Folder, options: ParseOptions) -> Iterator[Parsed]:
    """The records of every message in a Maildir tree: see :mod:`.email_messages`."""
    files = message_files(folder.path)
    folder.size = sum(size for _, size, _ in files)
    return read_messages(_messages(folder, files), options)


def message_files(root: Path) -> list[tuple[Path, int, bool]]:
    """``(path, size, in cur/ or new/)`` of the files that may be messages, sorted."""
    found: list[tuple[Path, int, bool]] = []
    for top, dirs, files in os.walk(root):
        here = Path(top)
        dirs[:] = sorted(
            d for d in dirs if d != "tmp" and (not d.startswith(".") or is_maildir(here / d))
        )
        boxed = here.name in ("cur", "new") and is_maildir(here.parent)
        for name in sorted(files):
            if not boxed and _SERVER_FILES.match(name):
                continue
            path = here / name
            try:
                size = path.stat().st_size
            except OSError:
                continue
            found.append((path, size, boxed))
    return found


def _draft(name: str) -> bool:
    _, sep, flags = name.partition(":2,")
    return bool(sep) and "D" in flags


def read_header(path: Path) -> bytes | str:
    """The header block of a message file; a reason instead when it cannot be read."""
    data = b""
    try:
        with path.open("rb") as stream:
            while True:
                chunk = stream.read(READ)
                data += chunk
                end = _HEADER_END.search(data)
                if end is not None:
                    data = data[: end.start() + 1]
                    break
                if not chunk:
                    break
                if len(data) > MAX_HEADER:
                    return f"header block longer than {MAX_HEADER // 1024} KiB"
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    if data.startswith(b"From "):  # an mbox postmark on top (some converters write one)
        data = data.partition(b"\n")[2]
    return data


def _messages(
    folder: Folder, files: list[tuple[Path, int, bool]]
) -> Iterator[RawMessage | Rejection | Skipped]:
    for path, size, boxed in files:
        header = read_header(path)
        folder.position += size
        if isinstance(header, str):
            yield Rejection(str(folder.path), str(path), header)
        elif not boxed and "from" not in header_fields(header):
            yield Skipped(str(folder.path), NOT_A_MESSAGE)
        else:
            yield RawMessage(header, str(path), None, draft=_draft(path.name))
