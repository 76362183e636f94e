"""The facade's foundation: clock, transactions and error mapping.

:class:`~dunbar.Ledger` is assembled from this base and one mixin per area
(``dunbar/facade/*.py``), so that each stays a readable size. Only the
assembled ``Ledger`` is public.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Self

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from dunbar.errors import DatabaseError, DunbarError, NotALedgerError, ValidationError
from dunbar.normalise import parse_date, parse_datetime
from dunbar.store import encounters as enc_store
from dunbar.store.engine import WRITE_OPTION, sqlite_path

__all__ = ["Clock", "LedgerBase", "utcnow"]

Clock = Callable[[], dt.datetime]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class LedgerBase:
    """Connection handling shared by every part of the facade."""

    def __init__(self, engine: Engine, url: URL, *, clock: Clock = utcnow) -> None:
        self._engine = engine
        self.url = url
        self._clock = clock

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()

    @property
    def engine(self) -> Engine:
        return self._engine

    def now(self) -> dt.datetime:
        return self._clock()

    def _date(self, value: dt.date | str, what: str) -> dt.date:
        """A date the user gave; ``today``/``yesterday`` follow the ledger's clock."""
        return parse_date(value, what=what, today=self.now().astimezone().date())

    def _moment(self, value: dt.datetime | dt.date | str) -> dt.datetime:
        return parse_datetime(value, what="date", now=self.now())

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn driver errors into dunbar errors with one readable line."""
        try:
            yield
        except DunbarError:
            raise
        except IntegrityError as exc:
            raise ValidationError(f"rejected by the ledger's rules: {_first_line(exc)}") from exc
        except (DBAPIError, sqlite3.DatabaseError) as exc:
            message = _first_line(exc)
            # SQLite reports a damaged file as a DatabaseError, not an OperationalError.
            if "not a database" in message or "malformed" in message:
                raise NotALedgerError(
                    f"{self._where()} is not a dunbar ledger or is damaged ({message})"
                ) from exc
            if isinstance(exc, OperationalError) and "locked" in message:
                raise DatabaseError(
                    f"the ledger is busy (locked by another process): {message}"
                ) from exc
            raise DatabaseError(f"database error: {message}") from exc

    def _where(self) -> str:
        path = sqlite_path(self.url)
        return str(path) if path is not None else self.url.render_as_string(hide_password=True)

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._guard(), self._engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._guard(), self._engine.connect() as conn:
            yield conn

    def _not_future(self, day: dt.date) -> None:
        if day > (self.now() + enc_store.FUTURE_SLACK).date():
            raise ValidationError(f"{day.isoformat()} is in the future", field="date")


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__
