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


class _Window:
    """The part of the stream being looked at: ``data[pos:]``, whose first byte is on
    line ``line``. Moving on is moving ``pos`` (no copy); reading more drops what
    lies before ``pos``."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.data = b""
        self.pos = 0
        self.eof = False
        self.line = 1

    def __len__(self) -> int:
        return len(self.data) - self.pos

    def more(self) -> bool:
        """Read another chunk onto the end; False at the end of the stream."""
        if self.eof:
            return False
        chunk = self.stream.read(CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.data = self.data[self.pos :] + chunk if self.pos < len(self.data) else chunk
        self.pos = 0
        return True

    def drop(self, count: int) -> None:
        """Move past ``count`` bytes (counting their lines)."""
        if count > 0:
            self.line += self.data.count(b"\n", self.pos, self.pos + count)
            self.pos += count


def _is_postmark(data: bytes, start: int) -> bool:
    end = data.find(b"\n", start, start + MAX_POSTMARK)
    line = data[start : end if end >= 0 else start + MAX_POSTMARK]
    return _POSTMARK.match(line) is not None


def split_mbox(stream: BinaryIO, file: str) -> Iterator[RawMessage | Rejection]:
    """Each message's header block with the line it starts on; bodies are skipped."""
    window = _Window(stream)
    while True:  # the blank lines before the first message
        blank = len(window.data) - len(window.data.lstrip(b"\r\n"))
        window.drop(blank)
        if len(window) or not window.more():
            break
    while len(window) < 5 and window.more():  # enough to tell a postmark
        pass
    if not len(window):
        return
    single = not window.data.startswith(b"From ", window.pos)
    while len(window):
        line = window.line
        if not single and not _skip_line(window):
            return
        # The header block: up to the first empty line (or the end of the file).
        # The window starts with the postmark's newline, so an empty block is found too.
        start = 0 if single else 1
        while True:
            end = _HEADER_END.search(window.data, window.pos, window.pos + MAX_HEADER + 2)
            if end is not None or len(window) > MAX_HEADER or not window.more():
                break
        header_end = end.start() + 1 - window.pos if end is not None else len(window)
        if header_end - start > MAX_HEADER:
            yield Rejection(
                file, f"{file}:{line}", f"header block longer than {MAX_HEADER // 1024} KiB"
            )
            window.drop(MAX_HEADER)
        else:
            yield RawMessage(window.data[window.pos + start : window.pos + header_end], file, line)
            # Keep the newline that ends the block: the body may be empty and the
            # next postmark must be seen to follow an empty line.
            window.drop(header_end - 1)
        if single:
            return
        _skip_body(window)


def _skip_line(window: _Window) -> bool:
    """Move past the first line (however long) but its newline; False if it is the last."""
    while True:
        end = window.data.find(b"\n", window.pos)
        if end >= 0:
            window.drop(end - window.pos)
            return True
        window.drop(len(window))
        if not window.more():
            return False


def _skip_body(window: _Window) -> None:
    """Move past the body, up to the next postmark (or the end of the stream)."""
    pos = window.pos
    while True:
        data = window.data
        found = data.find(b"\nFrom ", pos)
        if found < 0:
            # Keep the last bytes: a "\n\nFrom " may straddle two chunks.
            window.drop(max(0, len(data) - 8 - window.pos))
            if not window.more():
                window.drop(len(window))
                return
            pos = window.pos
            continue
        start = found + 1
        if len(data) - start < MAX_POSTMARK and not window.eof and data.find(b"\n", start) < 0:
            window.drop(max(0, found - 2 - window.pos))  # the postmark line is not all here
            window.more()
            pos = window.pos
            continue
        blank = data[found - 1 : found] == b"\n" or data[found - 2 : found] == b"\n\r"
        if found > window.pos and blank and _is_postmark(data, start):
            window.drop(start - window.pos)
            return
        pos = start
