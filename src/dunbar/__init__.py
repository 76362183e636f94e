"""dunbar: relationship-first networking.

The public API is what ``__all__`` lists; ``tests/test_public_api.py`` guards it.
Start with :class:`Ledger`.
"""

from __future__ import annotations

from dunbar.errors import (
    AmbiguousError,
    BackupError,
    DatabaseError,
    DunbarError,
    NoLedgerError,
    NotALedgerError,
    NotFoundError,
    SchemaTooNewError,
    UsageError,
    ValidationError,
)
from dunbar.ledger import EncounterInput, ForgetReport, Ledger, PersonFields, Profile, SearchHit
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
    IntroOutcome,
    Introduction,
    LabelKind,
    Note,
    Organisation,
    Person,
    PersonSummary,
    Seat,
)

__version__ = "0.1.0"

__all__ = [
    "Acquaintance",
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
    "Gathering",
    "GatheringKind",
    "Identity",
    "IdentityKind",
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
