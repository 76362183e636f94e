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
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from dunbar.errors import FormatError
from dunbar.importers.formats import FORMATS, ParseOptions
from dunbar.importers.normalise import normalise_person
from dunbar.importers.records import Parsed, PersonRecord, Rejection, Warning_
from dunbar.importers.textio import open_source

__all__ = ["CHUNK", "PARALLEL_BYTES", "PARALLEL_FORMATS", "Prepared", "parse_in_worker"]

PARALLEL_BYTES = 4 * 1024 * 1024
"""Files from this size on are parsed in a worker (below, starting it costs more)."""
PARALLEL_FORMATS = frozenset({"vcard", "google", "linkedin"})
CHUNK = 500


@dataclass(frozen=True)
class Prepared:
    """A person record through the normalise stage: the ``ref`` it was read with,
    the clean record (or why it was rejected), and the warnings."""

    ref: str
    clean: PersonRecord | Rejection
    warnings: list[Warning_]


Item = Parsed | Prepared


def _work(spec: dict[str, Any], out: BinaryIO) -> None:
    """The worker: parse and normalise a file, write pickled ``(items, position)`` chunks,
    then ``None`` (or the exception that stopped it)."""
    try:
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
    process = subprocess.Popen(
        [sys.executable, "-m", "dunbar.importers.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        spec = {"path": str(path), "format": fmt, "options": options, "region": region}
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
