"""Where the ledger lives, decided once and passed down explicitly.

Order of precedence (first that is set wins):

1. an explicit target (``dunbar --db PATH_OR_URL``, or ``Ledger.open(target)``);
2. ``DUNBAR_DATABASE_URL``: a full SQLAlchemy URL, e.g. ``postgresql://user@host/db``;
3. ``DUNBAR_DB``: a SQLite file path;
4. ``ledger.db`` in the user data directory (``platformdirs.user_data_dir("dunbar")``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Settings", "default_ledger_path"]


def default_ledger_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("dunbar", appauthor=False)) / "ledger.db"


@dataclass(frozen=True)
class Settings:
    """Typed settings of one dunbar process."""

    database: str
    debug: bool = False

    @classmethod
    def resolve(
        cls,
        explicit: str | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        debug: bool = False,
    ) -> Settings:
        env = os.environ if environ is None else environ
        if explicit:
            return cls(database=explicit, debug=debug)
        if env.get("DUNBAR_DATABASE_URL"):
            return cls(database=env["DUNBAR_DATABASE_URL"], debug=debug)
        if env.get("DUNBAR_DB"):
            return cls(database=env["DUNBAR_DB"], debug=debug)
        return cls(database=str(default_ledger_path()), debug=debug)

    @property
    def is_default_location(self) -> bool:
        return self.database == str(default_ledger_path())
