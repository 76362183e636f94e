"""The examples in the importers' and exporters' docstrings are tests."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "dunbar.importers.matching",
    "dunbar.importers.vcard",
    "dunbar.importers.csvfiles",
    "dunbar.importers.ics_event",
    "dunbar.exporters.vcard",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0
    assert result.failed == 0
