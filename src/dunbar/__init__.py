"""dunbar: relationship-first networking.

The public API is what ``__all__`` lists; ``tests/test_public_api.py`` guards it.
Start with :class:`Ledger`::

    from dunbar import Ledger

    with Ledger.open("~/ledger.db") as ledger:
        for person in ledger.people(not_seen_since="2026-01-01"):
            print(person.name, person.last_seen)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dunbar.errors import (
    AmbiguousError,
    BackupError,
    DatabaseError,
    DunbarError,
    FormatError,
    InfeasibleRulesError,
    NoLedgerError,
    NotALedgerError,
    NotFoundError,
    SchemaTooNewError,
    UsageError,
    ValidationError,
)
from dunbar.model import (
    Acquaintance,
    AttendanceStatus,
    Attendee,
    Channel,
    Encounter,
    Evidence,
    Favour,
    FavourKind,
    FavourStatus,
    FollowUp,
    Gathering,
    GatheringKind,
    Identity,
    IdentityKind,
    Initiative,
    Introduction,
    IntroOutcome,
    LabelKind,
    Note,
    Organisation,
    Person,
    PersonSummary,
    Seat,
)

if TYPE_CHECKING:
    from dunbar.ledger import (
        AcquaintanceInput,
        EncounterInput,
        ForgetReport,
        Ledger,
        PersonFields,
        Profile,
        SearchHit,
    )

__version__ = "0.1.0"

# The facade pulls in SQLAlchemy; load it on first use so that `dunbar --help`
# and other light commands start fast (PEP 562).
_LAZY = {
    name: "dunbar.ledger"
    for name in (
        "AcquaintanceInput",
        "EncounterInput",
        "ForgetReport",
        "Ledger",
        "PersonFields",
        "Profile",
        "SearchHit",
    )
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'dunbar' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "Acquaintance",
    "AcquaintanceInput",
    "AmbiguousError",
    "AttendanceStatus",
    "Attendee",
    "BackupError",
    "Channel",
    "DatabaseError",
    "DunbarError",
    "Encounter",
    "EncounterInput",
    "Evidence",
    "Favour",
    "FavourKind",
    "FavourStatus",
    "FollowUp",
    "ForgetReport",
    "FormatError",
    "Gathering",
    "GatheringKind",
    "Identity",
    "IdentityKind",
    "InfeasibleRulesError",
    "Initiative",
    "IntroOutcome",
    "Introduction",
    "LabelKind",
    "Ledger",
    "NoLedgerError",
    "NotALedgerError",
    "NotFoundError",
    "Note",
    "Organisation",
    "Person",
    "PersonFields",
    "PersonSummary",
    "Profile",
    "SchemaTooNewError",
    "SearchHit",
    "Seat",
    "UsageError",
    "ValidationError",
    "__version__",
]
