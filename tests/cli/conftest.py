"""Running the real ``dunbar`` entry point in-process (``dunbar.cli.main.run``).

``cli(*args)`` calls the same function the console script calls, with
``--db <db_target>`` prepended, and returns the exit code and captured output.
``tests/cli/test_entry_point.py`` also runs the installed console script as a
subprocess, to prove the two are the same thing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from dunbar.cli.main import run


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Cli = Callable[..., Result]


def invoke(capsys: pytest.CaptureFixture[str], args: list[str]) -> Result:
    code = 0
    try:
        run(args)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


@pytest.fixture
def cli(db_target: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("DUNBAR_DEBUG", raising=False)

    def call(*args: str) -> Result:
        return invoke(capsys, ["--db", db_target, *args])

    return call


@pytest.fixture
def bare_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """The CLI with no ``--db``: the caller says everything."""
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("DUNBAR_DEBUG", raising=False)

    def call(*args: str) -> Result:
        return invoke(capsys, list(args))

    return call
