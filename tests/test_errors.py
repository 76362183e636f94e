"""The exception tree is the one drawn in ``dunbar/errors.py``'s docstring."""

from __future__ import annotations

import re

import pytest

import dunbar
from dunbar import errors

# (class, parent, exit code) exactly as the docstring draws them.
TREE = [
    ("DunbarError", "Exception", 1),
    ("UsageError", "DunbarError", 2),
    ("ValidationError", "UsageError", 2),
    ("InfeasibleRulesError", "ValidationError", 2),
    ("NotFoundError", "UsageError", 2),
    ("FormatError", "UsageError", 2),
    ("AmbiguousError", "UsageError", 2),
    ("DatabaseError", "DunbarError", 2),
    ("NoLedgerError", "DatabaseError", 2),
    ("NotALedgerError", "DatabaseError", 2),
    ("SchemaTooNewError", "DatabaseError", 2),
    ("BackupError", "DatabaseError", 2),
]


def _drawn_tree() -> list[tuple[str, str, int | None]]:
    """Parse the tree in the docstring: (class, parent, exit code if written)."""
    doc = errors.__doc__ or ""
    drawn: list[tuple[str, str, int | None]] = []
    stack: list[tuple[int, str]] = []
    for line in doc.splitlines():
        found = re.match(r"^(?P<prefix>[│├└─ ]*)(?P<name>[A-Z]\w+Error)\s+(?P<rest>.*)$", line)
        if not found:
            continue
        depth = len(found["prefix"])
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parent = stack[-1][1] if stack else "Exception"
        code = re.match(r"exit (\d)", found["rest"])
        drawn.append((found["name"], parent, int(code[1]) if code else None))
        stack.append((depth, found["name"]))
    return drawn


def test_docstring_draws_the_tree_we_expect() -> None:
    drawn = _drawn_tree()
    assert [(name, parent) for name, parent, _ in drawn] == [(n, p) for n, p, _ in TREE]
    # Exit codes are written where they change; children inherit their parent's.
    assert {name: code for name, _, code in drawn if code is not None} == {
        "DunbarError": 1,
        "UsageError": 2,
        "DatabaseError": 2,
    }


@pytest.mark.parametrize(("name", "parent", "exit_code"), TREE)
def test_classes_match_the_tree(name: str, parent: str, exit_code: int) -> None:
    cls = getattr(errors, name)
    base = Exception if parent == "Exception" else getattr(errors, parent)
    assert cls.__bases__ == (base,)
    assert cls.exit_code == exit_code
    assert getattr(dunbar, name) is cls  # re-exported as public API


def test_every_error_class_is_in_the_tree() -> None:
    defined = {
        name
        for name, obj in vars(errors).items()
        if isinstance(obj, type) and issubclass(obj, Exception)
    }
    assert defined == {name for name, _, _ in TREE} == set(errors.__all__)


def test_validation_error_names_its_field() -> None:
    error = errors.ValidationError("bad birthday", field="birthday")
    assert (str(error), error.field) == ("bad birthday", "birthday")
    assert errors.ValidationError("x").field is None


def test_ambiguous_error_lists_candidates() -> None:
    error = errors.AmbiguousError("'ana' matches 2 people", [(2, "Ana Silva"), (5, "Ana Costa")])
    assert str(error) == "'ana' matches 2 people: #2 Ana Silva; #5 Ana Costa"
    assert error.candidates == [(2, "Ana Silva"), (5, "Ana Costa")]


def test_ambiguous_error_shortens_a_long_list() -> None:
    many = [(i, f"Sam {i}") for i in range(1, 14)]
    error = errors.AmbiguousError("'sam' matches 13 people", many)
    assert str(error).endswith("#10 Sam 10; and 3 more")
    assert len(error.candidates) == 13  # the full list stays available to interfaces
