"""mbox files, streamed: each message's header block is read, its body skipped.

An mbox is messages one after another, each starting with a "From " line (the
postmark: ``From SENDER DATE``). The splitter here reads the file in chunks of
``CHUNK`` bytes, so a 2 GB mbox takes no more memory than a 1 MB one:

- a postmark is a line starting ``From `` that has a time of day (``12:34``), at
  the start of the file (after any blank lines: the Enron mbox of
  relistan/mailtools starts with one) or after an empty line. Bodies that
  quote a line starting "From" mid-paragraph are therefore not split, escaped
  (``>From``) or not;
- the postmark's bytes are never decoded. Python's :mod:`mailbox` decodes them
  as ASCII and raises ``UnicodeDecodeError`` on the two perceval test files whose
  postmarks carry UTF-8 and ISO-8859-1 bytes;
- the header block ends at the first empty line. A header block longer than
  ``MAX_HEADER`` bytes is not read: the message is rejected with that reason;
- the body is searched for the next postmark with ``bytes.find`` and dropped
  chunk by chunk: no body is ever kept, decoded or parsed.

A file that does not start with a postmark is one message (an ``.eml`` file, a
Maildir message named on its own).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from dunbar.importers.email_messages import RawMessage, read_messages
from dunbar.importers.formats import ParseOptions
from dunbar.importers.records import Parsed, Rejection

__all__ = ["CHUNK", "MAX_HEADER", "parse_mbox", "split_mbox"]

CHUNK = 1024 * 1024
MAX_HEADER = 256 * 1024
"""Longest header block read (bytes); Enron's 800-recipient memos take 40 KiB."""
MAX_POSTMARK = 1000

_POSTMARK = re.compile(rb"From [^\r\n]*\d:\d\d")
_HEADER_END = re.compile(rb"\n\r?\n")


def parse_mbox(stream: BinaryIO, options: ParseOptions) -> Iterator[Parsed]:
    """The records of an mbox file (or of one message): see :mod:`.email_messages`."""
    return read_messages(split_mbox(stream, options.file), options)


class _Stream:
    """A binary stream read in chunks of ``CHUNK`` bytes, and whether it has ended."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.eof = False

    def read(self) -> bytes:
        chunk = self.stream.read(CHUNK)
        if not chunk:
            self.eof = True
        return chunk


def split_mbox(stream: BinaryIO, file: str) -> Iterator[RawMessage | Rejection]:
    """Each message's header block with the line it starts on; bodies are skipped.

    ``data[pos:]`` is the part of the stream being looked at, and ``line`` the line
    number of ``data[pos]``. Moving on moves ``pos``; reading more drops what lies
    before it. One function with local names: it runs once per message of a
    mailbox, and attribute lookups were a third of its time.
    """
    source = _Stream(stream)
    data, pos, line = b"", 0, 1
    need = MAX_HEADER + 2 * MAX_POSTMARK  # what one message start needs at hand

    while True:  # the blank lines before the first message
        kept = data.lstrip(b"\r\n")
        line += data.count(b"\n", 0, len(data) - len(kept))
        data = kept
        if len(data) >= need or source.eof:
            break
        data += source.read()
    if not data:
        return
    single = not data.startswith(b"From ")
    while True:
        # At a message start: have the postmark and header block at hand.
        while len(data) - pos < need and not source.eof:
            data, pos = data[pos:] + source.read(), 0
        start = line
        if single:
            newline = pos - 1  # no postmark: the header block starts at pos
        else:
            newline = data.find(b"\n", pos, pos + need)
            if newline < 0:  # a postmark line longer than any: skip it unread
                newline = pos + need - 1
        # The header block runs to the first empty line (or the end of the file).
        end = _HEADER_END.search(data, max(newline, 0), newline + MAX_HEADER + 3)
        if end is not None:
            yield RawMessage(data[newline + 1 : end.start() + 1], file, start)
            body = end.start()  # the newline before the empty line
        elif source.eof and len(data) - newline - 1 <= MAX_HEADER:
            yield RawMessage(data[newline + 1 :], file, start)
            return
        else:
            yield Rejection(
                file, f"{file}:{start}", f"header block longer than {MAX_HEADER // 1024} KiB"
            )
            body = newline + 1 + MAX_HEADER
        if single:
            return
        # The body: up to the next postmark (a "From " line, after an empty line,
        # that has a time of day).
        found = data.find(b"\nFrom ", body)
        while True:
            if found < 0 or (len(data) - found < MAX_POSTMARK and not source.eof):
                if source.eof:
                    if found < 0:
                        return
                else:  # keep the last bytes: "\n\nFrom ..." may straddle two chunks
                    keep = max(pos, found - 2 if found >= 0 else len(data) - 8)
                    line += data.count(b"\n", pos, keep)
                    data, pos = data[keep:] + source.read(), 0
                    found = data.find(b"\nFrom ", 0)
                    continue
            at = found + 1
            if data[found - 1] == 10 or (data[found - 1] == 13 and data[found - 2] == 10):
                stop = data.find(b"\n", at, at + MAX_POSTMARK)
                if _POSTMARK.match(data, at, stop if stop >= 0 else at + MAX_POSTMARK):
                    break
            found = data.find(b"\nFrom ", at)
        line += data.count(b"\n", pos, at)
        pos = at
