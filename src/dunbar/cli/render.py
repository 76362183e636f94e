"""Output for the CLI: JSON for machines, Rich for people."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["console", "done", "emit_json", "err", "fmt_date", "fmt_when", "to_jsonable"]


def to_jsonable(value: Any) -> Any:
    """Dataclasses, enums, dates and tuples as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [to_jsonable(v) for v in value]
    return value


def done(value: Any, message: str, *, as_json: bool) -> None:
    """What a write command says when it succeeds: the record as JSON, or one line."""
    if as_json:
        emit_json(value)
    else:
        console().print(message, markup=False, highlight=False)


def _json_default(value: Any) -> Any:
    """What the C JSON encoder cannot write itself (it calls this per object)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return value.__dict__
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return to_jsonable(value)


def emit_json(value: Any) -> None:
    """JSON on stdout: indented for a person at a terminal, compact for a pipe.

    Compact output keeps Python's C encoder (``indent`` forces the pure-Python
    one), which matters for 50,000-person listings.
    """
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(value, default=_json_default, ensure_ascii=False, indent=indent))
    sys.stdout.write("\n")


_console: Console | None = None


def console() -> Console:
    global _console
    if _console is None:
        from rich.console import Console

        _console = Console(highlight=False)
    return _console


def err(message: str) -> None:
    """One line on stderr (no markup interpretation of user text)."""
    sys.stderr.write(message.rstrip() + "\n")


def fmt_when(moment: dt.datetime | None) -> str:
    if moment is None:
        return "never"
    local = moment.astimezone()
    if local.hour == 12 and local.minute == 0 and local.second == 0:
        return local.strftime("%Y-%m-%d")
    return local.strftime("%Y-%m-%d %H:%M")


def fmt_date(day: dt.date | None) -> str:
    return "" if day is None else day.isoformat()


def ago(moment: dt.datetime | None, now: dt.datetime) -> str:
    if moment is None:
        return "never"
    days = (now - moment).days
    if days < 1:
        return "today"
    if days < 60:
        return f"{days} d ago"
    if days < 730:
        return f"{days // 30} mo ago"
    return f"{days // 365} y ago"
