"""The ``dunbar`` command: a thin layer over :class:`dunbar.Ledger`.

Each command parses its options, calls the facade method of the same name,
renders the result and maps :class:`~dunbar.errors.DunbarError` to one line on
stderr with the error's exit code (2 for bad input). ``--debug`` shows the
traceback instead.

Modules with commands are imported here so that they register themselves; none
of them imports SQLAlchemy at import time, which keeps ``dunbar --help`` fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

# Registering commands (import for side effects, in help order).
from dunbar.cli import (  # noqa: F401
    cmd_data,
    cmd_gatherings,
    cmd_import,
    cmd_network,
    cmd_people,
    cmd_records,
    cmd_strength,
    cmd_topics,
    cmd_web,
)
from dunbar.cli.app import app
from dunbar.cli.render import err
from dunbar.errors import DunbarError

__all__ = ["app", "main", "run"]


def run(argv: Sequence[str] | None = None) -> None:
    """Entry point of the console script; never lets a traceback reach the user."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or bool(os.environ.get("DUNBAR_DEBUG"))
    try:
        app(args=args, prog_name="dunbar", standalone_mode=True)
    except DunbarError as exc:
        if debug:
            raise
        err(f"error: {exc}")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err("interrupted")
        sys.exit(130)
    except BrokenPipeError:
        # Output piped into `head` and closed: not an error worth a traceback.
        sys.stderr.close()
        sys.exit(1)
    except Exception as exc:
        if debug:
            raise
        err(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")
        sys.exit(1)


def main() -> None:
    """The console script: :func:`run`, then leave without tearing the interpreter down.

    By the time :func:`run` returns, every command has committed and closed its
    ledger. What is left is freeing the imported modules (SQLAlchemy, numpy),
    which takes about a quarter of a second that nobody waits for on purpose
    (measured on ``dunbar agenda``, benchmarks/RESULTS.md). So output is flushed
    and the process ends with its exit code. Only the console script does this;
    ``run`` stays an ordinary function for tests and embedding.
    """
    code = 0
    try:
        run()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if exc.code is not None and not isinstance(exc.code, int):
            err(str(exc.code))
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        code = code or 1
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
