"""The public API is exactly what ``dunbar.__all__`` lists (the httpx-style guard).

Adding or removing a public name is a decision: make it here, on purpose.
"""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import dunbar

PUBLIC = {
    "__version__",
    # the facade and its inputs and outputs
    "Ledger",
    "EncounterInput",
    "ForgetReport",
    "PersonFields",
    "Profile",
    "SearchHit",
    # the domain model
    "Acquaintance",
    "AcquaintanceInput",
    "AttendanceStatus",
    "Attendee",
    "Channel",
    "Encounter",
    "Evidence",
    "Favour",
    "FavourKind",
    "FavourStatus",
    "FollowUp",
    "FormatError",
    "Gathering",
    "GatheringKind",
    "Identity",
    "IdentityKind",
    "Initiative",
    "IntroOutcome",
    "Introduction",
    "LabelKind",
    "Note",
    "Organisation",
    "Person",
    "PersonSummary",
    "Seat",
    # the exception tree
    "DunbarError",
    "UsageError",
    "ValidationError",
    "InfeasibleRulesError",
    "NotFoundError",
    "AmbiguousError",
    "DatabaseError",
    "NoLedgerError",
    "NotALedgerError",
    "SchemaTooNewError",
    "BackupError",
}


def test_all_is_exactly_the_public_api() -> None:
    assert set(dunbar.__all__) == PUBLIC
    assert len(dunbar.__all__) == len(set(dunbar.__all__))  # no name listed twice
    assert sorted(dunbar.__all__) == dunbar.__all__


def test_every_public_name_is_importable() -> None:
    module = importlib.import_module("dunbar")
    for name in dunbar.__all__:
        assert getattr(module, name) is not None, name
    namespace: dict[str, object] = {}
    exec("from dunbar import *", namespace)
    assert set(namespace) >= PUBLIC


def test_public_classes_say_they_are_dunbars() -> None:
    for name in PUBLIC - {"__version__"}:
        obj = getattr(dunbar, name)
        assert obj.__module__.startswith("dunbar."), name
        assert obj.__name__ == name, name


def test_version_matches_the_package_metadata() -> None:
    from importlib.metadata import version

    assert dunbar.__version__ == version("dunbar")


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchThing"):
        getattr(dunbar, "NoSuchThing")  # noqa: B009 - the name must not resolve


def test_importing_dunbar_stays_light() -> None:
    # __init__ loads the facade (and with it SQLAlchemy) only on first use, so that
    # `dunbar --help` starts fast.
    code = "import sys, dunbar; print('sqlalchemy' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "False"
