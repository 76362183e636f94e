"""The one exception tree of dunbar.

Every error that dunbar raises on purpose derives from :class:`DunbarError`.
The CLI prints ``str(error)`` as one line on stderr and exits with
``error.exit_code``; the web app maps the same classes to HTTP statuses.

::

    DunbarError                      exit 1   something went wrong
    ├── UsageError                   exit 2   the request itself is wrong
    │   ├── ValidationError                   a value is malformed or out of range
    │   │   └── InfeasibleRulesError          seating rules that cannot all hold
    │   ├── NotFoundError                     no such person, organisation, record
    │   ├── FormatError                       a file is not in the declared format
    │   └── AmbiguousError                    a name matches several people
    └── DatabaseError                exit 2   the database cannot be used as it is
        ├── NoLedgerError                     no database at that place (run init)
        ├── NotALedgerError                   the file or schema is not dunbar's
        ├── SchemaTooNewError                 written by a newer dunbar
        └── BackupError                       a backup or restore failed
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AmbiguousError",
    "BackupError",
    "DatabaseError",
    "DunbarError",
    "FormatError",
    "InfeasibleRulesError",
    "NoLedgerError",
    "NotALedgerError",
    "NotFoundError",
    "SchemaTooNewError",
    "UsageError",
    "ValidationError",
]


class DunbarError(Exception):
    """Base of every error dunbar raises on purpose."""

    exit_code = 1


class UsageError(DunbarError):
    """The request is wrong: bad arguments, bad values, unknown references."""

    exit_code = 2


class ValidationError(UsageError):
    """A value is malformed or out of range.

    ``field`` names the offending input when there is one, so that interfaces can
    point at it.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InfeasibleRulesError(ValidationError):
    """Seating rules that cannot all hold at once (``dunbar.gatherings``).

    ``rules`` names the conflicting rules, each as a short phrase such as
    ``"together(Ana, Bo) and apart(Bo, Ana)"``; the message joins them.
    """

    def __init__(self, rules: Sequence[str]) -> None:
        self.rules = tuple(rules)
        super().__init__(
            "the seating rules cannot all hold: " + "; ".join(self.rules), field="rules"
        )


class FormatError(UsageError):
    """A file is not in the declared (or any recognised) format.

    Raised before anything of the file is applied; the CLI shows it as one line
    and exits with 2.
    """


class NotFoundError(UsageError):
    """A person, organisation or record that was named does not exist."""


class AmbiguousError(UsageError):
    """A reference matches several records; ``candidates`` lists them.

    dunbar never guesses between candidates: the caller must be more specific.
    """

    def __init__(self, message: str, candidates: Sequence[tuple[int, str]]) -> None:
        self.candidates = list(candidates)
        listing = "; ".join(f"#{pid} {label}" for pid, label in self.candidates[:10])
        more = len(self.candidates) - 10
        if more > 0:
            listing += f"; and {more} more"
        super().__init__(f"{message}: {listing}")


class DatabaseError(DunbarError):
    """The database cannot be used as it is."""

    exit_code = 2


class NoLedgerError(DatabaseError):
    """There is no ledger at the given place."""


class NotALedgerError(DatabaseError):
    """The file or database exists but is not a dunbar ledger (or is corrupt)."""


class SchemaTooNewError(DatabaseError):
    """The ledger was written by a newer version of dunbar."""


class BackupError(DatabaseError):
    """A backup or restore could not be completed."""
