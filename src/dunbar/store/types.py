"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

__all__ = ["SQLITE_DATETIME_FORMAT", "UTCDateTime", "sqlite_datetime_text"]

# The text form SQLAlchemy's SQLite DateTime writes; the bulk path writes the
# same so that both paths sort and compare identically.
SQLITE_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An instant. Accepts only aware datetimes, stores UTC, returns aware UTC.

    PostgreSQL keeps it as ``timestamptz``; SQLite as ISO text in UTC, so that
    text order is time order.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            raise ValueError(f"UTCDateTime needs an aware datetime, got {value!r}")
        utc = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def sqlite_datetime_text(moment: dt.datetime) -> str:
    """The stored SQLite text of an aware datetime (for the raw bulk path)."""
    # isoformat is several times faster than strftime, and gives the same text
    # (zero-padded years included) for the naive UTC time.
    # The aware UTC text ends in "+00:00"; the first 26 characters are the naive
    # text (years are always four digits).
    return moment.astimezone(dt.UTC).isoformat(" ", "microseconds")[:26]
