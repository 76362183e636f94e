"""The read stage: open a file safely and hand out bounded lines.

Adversarial input must never hang an import or exhaust memory, so every reader
here is bounded:

- lines longer than ``MAX_LINE`` bytes are cut and flagged, never held whole;
- ``.gz`` and single-member ``.zip`` files are decompressed as a stream, and a
  stream that inflates beyond ``MAX_INFLATE`` times its size (and past
  ``INFLATE_FLOOR`` bytes) is stopped as a decompression bomb;
- a tar archive (``.tar``, ``.tgz``, ``.tar.gz``, ``.tar.bz2``, ``.tar.xz``) is read
  like a folder of its regular files (:func:`tar_members`), never unpacked to disk:
  a member is opened as ``ARCHIVE/NAME``. At most ``MAX_MEMBERS`` members, and the
  sizes their headers declare may add up to no more than the inflation limit
  above, so a tar bomb is refused before its data are read; links, devices and
  sparse files are left out, and each member is read as it is (a compressed file
  inside an archive is skipped as binary); a cut or damaged compressed file is one
  clear error, not a traceback;
- text is decoded per line (UTF-8, then the legacy fallback), so one bad byte
  costs one line, not the file; a UTF-16 file (with its BOM) is re-encoded as
  UTF-8 while it streams.
"""

from __future__ import annotations

import csv
import gzip
import io
import tarfile
import zipfile
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, NamedTuple, Protocol

from dunbar.importers.records import FormatError

__all__ = [
    "MAX_LINE",
    "Line",
    "SourceStream",
    "csv_rows",
    "decode_text",
    "open_source",
    "read_lines",
    "tar_members",
]

MAX_LINE = 4 * 1024 * 1024
"""Longest physical line kept (bytes). Photos in vCards are folded far below this."""

MAX_INFLATE = 200
INFLATE_FLOOR = 256 * 1024 * 1024
MAX_MEMBERS = 10_000
"""Most files a tar archive may hold to be imported."""
CSV_FIELD_LIMIT = 1024 * 1024


class _Counting(io.RawIOBase):
    """A binary stream that counts what it hands out and stops decompression bombs."""

    def __init__(self, inner: BinaryIO, *, limit: int | None, name: str = "") -> None:
        self._inner = inner
        self._limit = limit
        self._name = name
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.read_bytes

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            data = self._inner.read(len(buffer))
        except (
            EOFError,
            zlib.error,
            gzip.BadGzipFile,
            zipfile.BadZipFile,
            tarfile.TarError,
        ) as exc:
            raise FormatError(f"{self._name}: damaged or cut-off file ({exc})") from None
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


class _Closable(Protocol):
    def close(self) -> None: ...


@dataclass
class SourceStream:
    """An opened input: ``stream`` yields the (decompressed) bytes of ``path``."""

    path: Path
    stream: BinaryIO
    size: int
    _raw: BinaryIO
    _closers: list[_Closable]

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


def _inflate_limit(size: int) -> int:
    return max(INFLATE_FLOOR, MAX_INFLATE * size)


def _tar_entries(path: Path) -> Generator[tuple[tarfile.TarFile, tarfile.TarInfo]]:
    """The regular files of a tar archive, in order, read as a stream (bounded)."""
    limit = _inflate_limit(path.stat().st_size)
    declared = count = 0
    try:
        with tarfile.open(path, mode="r|*") as archive:
            for member in archive:
                count += 1
                declared += member.size
                if count > MAX_MEMBERS:
                    raise FormatError(f"{path}: more than {MAX_MEMBERS:,} files in the archive")
                if declared > limit:
                    raise FormatError(
                        f"{path}: its files add up to more than {limit:,} bytes: "
                        "the archive inflates like a decompression bomb"
                    )
                if member.isfile() and not member.issparse():
                    yield archive, member
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise FormatError(f"{path}: damaged tar archive ({exc})") from None


def is_tar(path: Path) -> bool:
    """Whether ``path`` is a tar archive (plain or compressed)."""
    try:
        return path.is_file() and tarfile.is_tarfile(path)
    except (OSError, EOFError, tarfile.TarError):
        return False


def tar_members(path: Path, *, head: int = 0) -> list[tuple[str, bytes]]:
    """The files in a tar archive that an import reads, in archive order, each with
    its first ``head`` bytes (to recognise its format without opening it again).

    Hidden files and folders (``.DS_Store``, ``._x`` from macOS) are left out, as in
    a folder. Raises :class:`FormatError` for a damaged archive or a tar bomb.
    """
    found: list[tuple[str, bytes]] = []
    for archive, member in _tar_entries(path):
        parts = [p for p in member.name.split("/") if p not in ("", ".")]
        if parts and not any(p.startswith(".") for p in parts):
            data = b""
            if head:
                stream = archive.extractfile(member)
                data = stream.read(head) if stream is not None else b""
            found.append(("/".join(parts), data))
    return found


def _split_member(path: Path) -> tuple[Path, str] | None:
    """``ARCHIVE/NAME`` -> ``(archive, name)`` when a parent of ``path`` is a tar file."""
    for parent in path.parents:
        if parent.exists():
            if is_tar(parent):
                return parent, path.relative_to(parent).as_posix()
            return None
    return None


def _open_member(path: Path, archive_path: Path, name: str) -> SourceStream:
    """A member's bytes, read on from the archive's stream (which stays open with it)."""
    entries = _tar_entries(archive_path)
    for archive, member in entries:
        if "/".join(p for p in member.name.split("/") if p not in ("", ".")) == name:
            stream = archive.extractfile(member)
            assert stream is not None  # a regular file
            counted = io.BufferedReader(_Counting(stream, limit=None, name=str(path)))  # type: ignore[arg-type]
            return SourceStream(path, counted, member.size, counted, [entries, counted])
    raise FormatError(f"cannot read {path}: no such file in the archive")


def open_source(path: Path) -> SourceStream:
    """Open ``path`` for reading, transparently through gzip or a one-file zip.

    ``ARCHIVE/NAME`` opens the file ``NAME`` of the tar archive ``ARCHIVE`` (see
    :func:`tar_members`).
    """
    if not path.exists():
        member = _split_member(path)
        if member is not None:
            return _open_member(path, *member)
    try:
        raw: BinaryIO = path.open("rb")
    except OSError as exc:
        raise FormatError(f"cannot read {path}: {exc.strerror or exc}") from None
    size = path.stat().st_size
    closers: list[_Closable] = [raw]
    head = raw.read(4)
    raw.seek(0)
    limit = _inflate_limit(size)
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
    counted: BinaryIO = io.BufferedReader(_Counting(inner, limit=limit or None, name=str(path)))
    return SourceStream(path, counted, size, raw, closers)


class Line(NamedTuple):
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
