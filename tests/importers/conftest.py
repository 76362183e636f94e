"""Fixtures for the importer tests.

``FIXTURES`` holds the permissively licensed files copied into the repository
(see ``tests/fixtures/vcard/SOURCES.md``); ``SHARED`` is ``../shared/data``, whose
GPL and NonCommercial files are read in place: tests that need them use
``shared_file`` and skip cleanly when the folder is absent (try it with
``DUNBAR_SHARED_DATA=/nowhere``).

``cli`` runs the real ``dunbar`` entry point against the ``db_target`` ledger, as
in ``tests/cli/conftest.py`` (copied here: two directories cannot share a
``conftest`` module by import).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dunbar.cli.main import run

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = Path(os.environ.get("DUNBAR_SHARED_DATA") or ROOT.parent / "shared" / "data")


@pytest.fixture
def shared_file() -> Callable[[str], Path]:
    """``shared_file("vcard/radicale/x.vcf")``: that file, or skip if ../shared is absent."""

    def find(relative: str) -> Path:
        path = SHARED / relative
        if not path.exists():
            pytest.skip(f"{relative} is not in ../shared/data (GPL/NC data stay outside the repo)")
        return path

    return find


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Cli = Callable[..., Result]


@pytest.fixture
def cli(db_target: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("DUNBAR_DEBUG", raising=False)

    def call(*args: str) -> Result:
        code = 0
        try:
            run(["--db", db_target, *args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return call
