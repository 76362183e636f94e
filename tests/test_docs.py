"""Docs are tests: the CLI reference is generated and current, and the README
lists every command a user can type (the habit of sqlite-utils' test_docs.py)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import typer

from dunbar.cli.main import app

ROOT = Path(__file__).resolve().parent.parent


def _commands() -> list[str]:
    root = typer.main.get_command(app)
    ctx = typer.Context(root)
    names: list[str] = []
    for name in root.list_commands(ctx):  # type: ignore[attr-defined]
        sub = root.get_command(ctx, name)  # type: ignore[attr-defined]
        if hasattr(sub, "list_commands"):
            names.extend(f"{name} {child}" for child in sub.list_commands(ctx))
        else:
            names.append(name)
    return names


def test_cli_reference_is_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_cli_docs.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_readme_documents_every_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_cells = re.findall(r"^\| (`.*?) \|", readme, re.M)
    documented: set[str] = set()
    for cell in first_cells:
        for code in re.findall(r"`([^`]+)`", cell):
            words = re.match(r"[a-z][a-z-]*(?: [a-z][a-z-]*)?", code)
            if words:
                documented.update({words.group(0), words.group(0).split()[0]})
    missing = [c for c in _commands() if c not in documented]
    assert not missing, f"README command table lacks: {missing}"


def test_every_command_has_help() -> None:
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for command in _commands():
        assert f"## `dunbar {command}`" in reference
    assert len(_commands()) >= 19


def test_readme_quickstart_is_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quickstart = readme.split("## Quickstart", 1)[1].split("##", 1)[0]
    commands = re.findall(r"^(make \w+)", quickstart, re.M)
    assert commands == ["make demo", "make test"]
