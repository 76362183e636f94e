"""The read stage: open a file safely and hand out bounded lines.

Adversarial input must never hang an import or exhaust memory, so every reader
here is bounded:

- lines longer than ``MAX_LINE`` bytes are cut and flagged, never held whole;
- ``.gz`` and single-member ``.zip`` files are decompressed as a stream, and a
  stream that inflates beyond ``MAX_INFLATE`` times its size (and past
  ``INFLATE_FLOOR`` bytes) is stopped as a decompression bomb;
- text is decoded per line (UTF-8, then the legacy fallback), so one bad byte
  costs one line, not the file; a UTF-16 file (with its BOM) is re-encoded as
  UTF-8 while it streams.
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from dunbar.importers.records import FormatError

__all__ = [
    "MAX_LINE",
    "Line",
    "SourceStream",
    "csv_rows",
    "decode_text",
    "open_source",
    "read_lines",
]

MAX_LINE = 4 * 1024 * 1024
"""Longest physical line kept (bytes). Photos in vCards are folded far below this."""

MAX_INFLATE = 200
INFLATE_FLOOR = 256 * 1024 * 1024
CSV_FIELD_LIMIT = 1024 * 1024


class _Counting(io.RawIOBase):
    """A binary stream that counts what it hands out and stops decompression bombs."""

    def __init__(self, inner: BinaryIO, *, limit: int | None) -> None:
        self._inner = inner
        self._limit = limit
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.read_bytes += n
        if self._limit is not None and self.read_bytes > self._limit:
            raise FormatError(
                f"stopped after {self.read_bytes:,} decompressed bytes: "
                "the file inflates like a decompression bomb"
            )
        return n


class _Utf16(io.RawIOBase):
    """UTF-16 text (with a BOM) re-encoded as UTF-8 bytes, as it streams.

    Windows tools (Outlook and Windows Contacts among them) can save vCards and CSV
    files as UTF-16; every reader downstream works on UTF-8 bytes.
    """

    def __init__(self, inner: BinaryIO) -> None:
        self._text = io.TextIOWrapper(inner, encoding="utf-16", errors="replace", newline="")
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while len(self._pending) < len(buffer):
            chunk = self._text.read(64 * 1024)
            if not chunk:
                break
            self._pending += chunk.encode("utf-8")
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


@dataclass
class SourceStream:
    """An opened input: ``stream`` yields the (decompressed) bytes of ``path``."""

    path: Path
    stream: BinaryIO
    size: int
    _raw: BinaryIO
    _closers: list[BinaryIO]

    @property
    def position(self) -> int:
        """Compressed bytes consumed so far (for progress against ``size``)."""
        try:
            return min(self.size, self._raw.tell())
        except (OSError, ValueError):
            return 0

    def close(self) -> None:
        for item in reversed(self._closers):
            item.close()


def open_source(path: Path) -> SourceStream:
    """Open ``path`` for reading, transparently through gzip or a one-file zip."""
    try:
        raw: BinaryIO = path.open("rb")
    except OSError as exc:
        raise FormatError(f"cannot read {path}: {exc.strerror or exc}") from None
    size = path.stat().st_size
    closers: list[BinaryIO] = [raw]
    head = raw.read(4)
    raw.seek(0)
    limit = max(INFLATE_FLOOR, MAX_INFLATE * size)
    inner: BinaryIO = raw
    if head[:2] == b"\x1f\x8b":
        inner = gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[assignment]
        closers.append(inner)
    elif head == b"PK\x03\x04":
        try:
            archive = zipfile.ZipFile(raw)
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) != 1:
                raise FormatError(f"{path}: a zip must hold exactly one file to import")
            inner = archive.open(members[0])  # type: ignore[assignment]
        except zipfile.BadZipFile as exc:
            raise FormatError(f"{path}: damaged zip file ({exc})") from None
        closers.append(inner)
    else:
        limit = 0
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        inner = io.BufferedReader(_Utf16(inner))
    counted: BinaryIO = io.BufferedReader(_Counting(inner, limit=limit or None))
    return SourceStream(path, counted, size, raw, closers)


@dataclass(frozen=True)
class Line:
    """One physical line: its number, its bytes (no line ending), and whether it was cut."""

    number: int
    data: bytes
    cut: bool = False


def read_lines(stream: BinaryIO, *, limit: int = MAX_LINE) -> Iterator[Line]:
    """Physical lines of ``stream`` (LF, CRLF or lone CR), each at most ``limit`` bytes.

    A longer line is returned cut (``cut=True``), and the rest of it is skipped
    without being held in memory.
    """
    number = 0
    while True:
        chunk = stream.readline(limit + 1)
        if not chunk:
            break
        cut = False
        if not chunk.endswith(b"\n") and len(chunk) > limit:
            cut = True
            while True:  # skip the rest of the overlong line
                rest = stream.readline(limit)
                if not rest or rest.endswith(b"\n"):
                    break
        body = chunk.rstrip(b"\n").rstrip(b"\r") if not cut else chunk[:limit]
        # Classic Mac OS files end lines with a lone CR.
        parts = body.split(b"\r") if b"\r" in body and not cut else [body]
        for part in parts:
            number += 1
            yield Line(number, part, cut)


def decode_text(data: bytes, charset: str | None = None) -> tuple[str, bool]:
    """Text of ``data``: the declared charset, else UTF-8, else Windows-1252.

    Returns ``(text, repaired)``; ``repaired`` is true when the bytes were not
    valid in the charset tried first and a fallback (or replacement) was used.
    """
    tried: list[str] = []
    if charset:
        tried.append(charset)
    tried.append("utf-8")
    for i, name in enumerate(tried):
        try:
            return data.decode(name), i > 0
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("cp1252", errors="replace"), True


def _text_lines(stream: BinaryIO, cut_lines: set[int]) -> Iterator[str]:
    first = True
    for line in read_lines(stream, limit=CSV_FIELD_LIMIT):
        data = line.data
        if first:
            data = data.removeprefix(b"\xef\xbb\xbf")
            first = False
        if line.cut:
            cut_lines.add(line.number)
        text, _ = decode_text(data)
        yield text.replace("\x00", "") + "\n"


def csv_rows(stream: BinaryIO) -> Iterator[tuple[int, list[str] | str]]:
    """Rows of a CSV file as ``(line, cells)``; ``(line, reason)`` for a row that is broken.

    The line is where the row starts. Quoted cells may span lines; a cell or line
    over the limit is reported rather than read whole.
    """
    cut_lines: set[int] = set()
    lines = _text_lines(stream, cut_lines)
    reader = csv.reader(lines, strict=False)
    csv.field_size_limit(CSV_FIELD_LIMIT)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, f"unreadable CSV row: {exc}"
            start = reader.line_num + 1
            continue
        if any(n in cut_lines for n in range(start, reader.line_num + 1)):
            yield start, f"line longer than {CSV_FIELD_LIMIT:,} bytes"
        else:
            yield start, cells
        start = reader.line_num + 1
