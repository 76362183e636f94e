"""Bringing what people already have into the ledger.

One module per format (:mod:`.vcard`, :mod:`.ics`, :mod:`.linkedin`, :mod:`.google`,
:mod:`.encounters_csv`, :mod:`.mbox` and :mod:`.maildir` with :mod:`.email_messages`)
yields plain records (:mod:`.records`); the pipeline
(:mod:`.pipeline`) runs them through read → parse → normalise → match → decide →
apply. Use it through :meth:`dunbar.Ledger.import_files` and
:meth:`dunbar.Ledger.duplicates`.

Names are loaded on first use, so that importing :mod:`.decide` (as the CLI does)
stays free of SQLAlchemy and rapidfuzz.
"""

from __future__ import annotations

from typing import Any

_LAZY = {
    "STAGES": "dunbar.importers.pipeline",
    "Change": "dunbar.importers.pipeline",
    "FileReport": "dunbar.importers.pipeline",
    "ImportReport": "dunbar.importers.pipeline",
    "Proposal": "dunbar.importers.matching",
    "Choice": "dunbar.importers.decide",
    "Decider": "dunbar.importers.decide",
    "Decision": "dunbar.importers.decide",
    "ProposeOnly": "dunbar.importers.decide",
    "FormatError": "dunbar.importers.records",
    "Rejection": "dunbar.importers.records",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'dunbar.importers' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = sorted(_LAZY)
