"""The Typer application, its global options, and helpers shared by commands."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from dunbar.config import Settings
from dunbar.errors import UsageError

if TYPE_CHECKING:
    from dunbar.ledger import Ledger

__all__ = ["JsonOption", "add_app", "app", "confirm", "open_ledger", "settings"]

# The order of `dunbar --help`: from starting out, to daily use, to the whole ledger.
ORDER = (
    "init",
    "add",
    "edit",
    "show",
    "people",
    "log",
    "note",
    "favor",
    "intro",
    "know",
    "search",
    "agenda",
    "done",
    "snooze",
    "circles",
    "strength",
    "value",
    "calibrate",
    "params",
    "path",
    "who-knows",
    "topics",
    "insights",
    "map",
    "gathering",
    "import",
    "duplicates",
    "not-duplicates",
    "sources",
    "merge",
    "forget",
    "export",
    "backup",
    "restore",
    "migrate",
    "serve",
    "token",
    "demo",
)


class OrderedGroup(TyperGroup):
    def list_commands(self, ctx: Any) -> list[str]:
        names = list(super().list_commands(ctx))
        rank = {name: i for i, name in enumerate(ORDER)}
        return sorted(names, key=lambda n: (rank.get(n, len(ORDER)), n))


app = typer.Typer(
    name="dunbar",
    cls=OrderedGroup,
    help="Relationship-first networking: keep a ledger of real relationships and keep them alive.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
add_app = typer.Typer(help="Add a person or an organisation.", no_args_is_help=True)
app.add_typer(add_app, name="add")

JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="PATH|URL",
            help="Ledger to use: a SQLite file or a database URL. Default: $DUNBAR_DATABASE_URL, "
            "then $DUNBAR_DB, then ledger.db in your user data directory.",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    ctx.obj = Settings.resolve(db, debug=debug)


def settings(ctx: typer.Context) -> Settings:
    root = ctx.find_root()
    obj = root.obj
    if not isinstance(obj, Settings):  # pragma: no cover - callback always runs first
        obj = Settings.resolve(None)
    return obj


@contextmanager
def open_ledger(ctx: typer.Context) -> Iterator[Ledger]:
    from dunbar.ledger import Ledger

    ledger = Ledger.open(settings(ctx).database)
    try:
        yield ledger
    finally:
        ledger.close()


def confirm(question: str, *, yes: bool) -> None:
    """Ask before something destructive; without a terminal, insist on ``--yes``."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise UsageError(f"{question} Refusing without confirmation: add --yes")
    if not typer.confirm(question, default=False):
        raise typer.Exit(1)
