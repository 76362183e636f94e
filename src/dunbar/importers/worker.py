"""The read, parse and normalise stages of a big file in a second process.

Parsing and normalising a record need nothing from the ledger, so for a large
contacts file (``PARALLEL_BYTES`` or more, in a format of ``PARALLEL_FORMATS``)
they run in a worker process while this one matches, decides and applies: on
two cores the stages overlap instead of adding up (the beets importer runs its
stages in parallel for the same reason). The worker sends records in pickled
chunks through a pipe, whose small buffer makes it wait when the importer falls
behind, so memory stays bounded.

What arrives is exactly what :meth:`Format.parse` yields, except that each
:class:`~.records.PersonRecord` comes as :class:`Prepared`: what
:func:`~.normalise.normalise_person` made of it. Errors raised in the worker are
raised here. ``tests/importers/test_import_worker.py`` checks that both ways give
the same report and the same ledger.

A big mbox (``PARALLEL_BYTES`` or more) is split in the worker, which reads each
header block's fields and addresses and sends those, not records
(:func:`read_mbox_in_worker`; ``tests/importers/test_import_email_worker.py``).
"""

from __future__ import annotations

import contextlib
import pickle
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

from dunbar.errors import FormatError
from dunbar.importers.formats import FORMATS, ParseOptions
from dunbar.importers.normalise import normalise_person
from dunbar.importers.records import Parsed, PersonRecord, Rejection, Skipped, Warning_
from dunbar.importers.textio import open_source

__all__ = [
    "CHUNK",
    "MBOX_CHUNK",
    "PARALLEL_BYTES",
    "PARALLEL_FORMATS",
    "Prepared",
    "parse_in_worker",
    "read_mbox_in_worker",
]

PARALLEL_BYTES = 4 * 1024 * 1024
"""Files from this size on are parsed in a worker (below, starting it costs more)."""
PARALLEL_FORMATS = frozenset({"vcard", "google", "linkedin"})
CHUNK = 500
MBOX_CHUNK = 500
"""Messages of an mbox per chunk the worker sends."""
MBOX_SCAN = "mbox-scan"


@dataclass(frozen=True)
class Prepared:
    """A person record through the normalise stage: the ``ref`` it was read with,
    the clean record (or why it was rejected), and the warnings."""

    ref: str
    clean: PersonRecord | Rejection
    warnings: list[Warning_]


Item = Parsed | Prepared


def _scan_mbox(spec: dict[str, Any], out: BinaryIO) -> None:
    """The worker's part of an mbox: split it and read each header block's fields.
    Sends :class:`~.email_messages.Scanned`, the splitter's rejections, and for a run
    of plainly-list messages their number (an ``int``), in chunks of ``MBOX_CHUNK``
    messages."""
    from dunbar.importers.email_messages import RawMessage, scan_message
    from dunbar.importers.mbox import split_mbox

    source = open_source(Path(spec["path"]))
    try:
        chunk: list[Any] = []
        lists = messages = 0
        clean: dict[str, str | None] = {}
        for raw in split_mbox(source.stream, spec["file"]):
            messages += 1
            scanned = scan_message(raw, clean) if isinstance(raw, RawMessage) else raw
            if scanned is None:
                lists += 1
            else:
                if lists:
                    chunk.append(lists)
                    lists = 0
                chunk.append(scanned)
            if messages >= MBOX_CHUNK:
                if lists:
                    chunk.append(lists)
                    lists = 0
                pickle.dump((chunk, source.position), out, protocol=pickle.HIGHEST_PROTOCOL)
                chunk, messages = [], 0
        if lists:
            chunk.append(lists)
        pickle.dump((chunk, source.position), out, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        source.close()


def _work(spec: dict[str, Any], out: BinaryIO) -> None:
    """The worker: parse and normalise a file, write pickled ``(items, position)`` chunks,
    then ``None`` (or the exception that stopped it)."""
    try:
        if spec["format"] == MBOX_SCAN:
            _scan_mbox(spec, out)
            pickle.dump(None, out)
            out.flush()
            return
        options: ParseOptions = spec["options"]
        source = open_source(Path(spec["path"]))
        try:
            chunk: list[Item] = []
            for item in FORMATS[spec["format"]].parse(source.stream, options):
                if isinstance(item, PersonRecord):
                    ref = item.origin.ref
                    clean, warnings = normalise_person(item, region=spec["region"])
                    if isinstance(clean, PersonRecord):
                        clean.digest()  # computed once, here, and sent along
                    chunk.append(Prepared(ref, clean, warnings))
                else:
                    chunk.append(item)
                if len(chunk) >= CHUNK:
                    pickle.dump((chunk, source.position), out, protocol=pickle.HIGHEST_PROTOCOL)
                    chunk = []
            pickle.dump((chunk, source.position), out, protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            source.close()
        pickle.dump(None, out)
    except BrokenPipeError:
        raise  # the importer stopped reading
    except Exception as exc:
        try:
            pickle.dump(exc, out)
        except Exception:  # an exception that does not pickle: its message will do
            pickle.dump(FormatError(f"{spec.get('path')}: {exc}"), out)
    out.flush()


def parse_in_worker(
    path: Path, fmt: str, options: ParseOptions, *, region: str | None
) -> Iterator[tuple[Item, int]]:
    """``(item, bytes read so far)`` for every item of ``path``, parsed in a worker.

    The worker is a fresh interpreter (``python -m dunbar.importers.worker``): it
    shares nothing with this process, no database connection, no threads, and it
    does not run the caller's ``__main__`` again, as ``multiprocessing`` would. It
    is stopped when the caller stops early (an error, a crash).
    """
    spec = {"path": str(path), "format": fmt, "options": options, "region": region}
    return _run(path, spec)


def read_mbox_in_worker(path: Path, options: ParseOptions) -> Iterator[tuple[Parsed, int]]:
    """``(record, bytes read so far)`` of an mbox file: what
    :func:`~.mbox.parse_mbox` yields, in the same order.

    The worker splits the file and reads each header block's fields
    (:func:`~.email_messages.scan_message`); this process turns the fields into
    records (:class:`~.email_messages.MessageReader`, which keeps the people and
    who-knows-whom pairs of the whole file). The hand-off is the fields of the
    messages that are not plainly list mail (dicts of strings, cheap to pickle) and a
    count for the others, not records: pickled records (each encounter with its
    people) cost the worker more than the parse it took off the importer.
    """
    from dunbar.importers.email_messages import LIST, MessageReader, Scanned

    reader = MessageReader(options)
    listed = Skipped(options.file, LIST)
    position = 0
    for item, position in _run(
        path, {"path": str(path), "format": MBOX_SCAN, "file": options.file}
    ):
        if isinstance(item, int):
            for _ in range(item):
                yield listed, position
        elif isinstance(item, Scanned):
            for record in reader.read_scanned(item):
                yield record, position
        else:
            yield item, position
    for record in reader.finish():
        yield record, position


PIPE_BYTES = 1 << 20
"""The pipe's buffer, widened (Linux) from its 64 KiB so that the worker can run some
chunks ahead while this process is busy: with 64 KiB it waits for each chunk to be
read, and then this process waits for it to read the next one."""


def _widen(pipe: IO[bytes]) -> None:
    setsize = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if setsize is not None:
        with contextlib.suppress(OSError):  # more than /proc/sys/fs/pipe-max-size
            fcntl.fcntl(pipe.fileno(), setsize, PIPE_BYTES)


def _run(path: Path, spec: dict[str, Any]) -> Iterator[tuple[Any, int]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "dunbar.importers.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    _widen(process.stdout)
    try:
        pickle.dump(spec, process.stdin)
        process.stdin.close()
        while True:
            try:
                message: Any = pickle.load(process.stdout)
            except (EOFError, pickle.UnpicklingError):
                raise FormatError(f"{path}: the parsing worker stopped unexpectedly") from None
            if message is None:
                return
            if isinstance(message, BaseException):
                raise message
            items, position = message
            for item in items:
                yield item, position
    finally:
        process.stdout.close()
        if process.poll() is None:
            process.terminate()
        process.wait()


if __name__ == "__main__":  # run as ``python -m``: use the module under its own name
    import contextlib
    import os
    import signal

    from dunbar.importers import worker

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the importer stops the worker
    with contextlib.suppress(BrokenPipeError):  # the importer stopped reading
        worker._work(pickle.load(sys.stdin.buffer), sys.stdout.buffer)
    os._exit(0)  # no flush at exit into a pipe that may be closed
