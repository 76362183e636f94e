"""Dismissing a false duplicate: `duplicates` and imports stop proposing the pair,
`merge` hands the marks on, `forget` leaves none behind (both backends)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dunbar import Ledger, NotFoundError, ValidationError

Rows = Callable[[Ledger], dict[str, list[dict[str, Any]]]]
Cli = Any  # tests/importers/conftest.py's `cli`


def vcf(path: Path, *cards: str) -> Path:
    text = "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\n{c.strip()}\r\nEND:VCARD\r\n" for c in cards)
    path.write_bytes(text.replace("\n", "\r\n").replace("\r\r\n", "\r\n").encode())
    return path


def _pairs(ledger: Ledger) -> list[tuple[int, int]]:
    return [(p.a, p.b) for p in ledger.duplicates()]


def _two_anas(ledger: Ledger) -> tuple[int, int]:
    # Same full name and organisation: matching.score proposes them (name 1.0 + org).
    a = ledger.add_person("Ana Silva", organisation="Acme").id
    b = ledger.add_person("Silva, Ana", organisation="ACME").id
    return a, b


def test_a_dismissed_pair_is_no_longer_proposed(ledger: Ledger, table_rows: Rows) -> None:
    a, b = _two_anas(ledger)
    c = ledger.add_person("Bo Chen", emails=["bo.chen@x.example"]).id
    d = ledger.add_person("Bo Chen", emails=["bochen@y.example"]).id
    assert _pairs(ledger) == [(a, b), (c, d)]

    assert ledger.not_duplicates(b, a) is True  # either order
    assert _pairs(ledger) == [(c, d)]
    assert [(r["person_a_id"], r["person_b_id"]) for r in table_rows(ledger)["not_duplicates"]] == [
        (a, b)
    ]
    assert ledger.not_duplicates("Ana Silva", b) is False  # already noted: nothing changes
    assert len(table_rows(ledger)["not_duplicates"]) == 1


def test_undo_lets_the_pair_be_proposed_again(ledger: Ledger) -> None:
    a, b = _two_anas(ledger)
    ledger.not_duplicates(a, b)
    assert ledger.not_duplicates(a, b, undo=True) is True
    assert _pairs(ledger) == [(a, b)]
    assert ledger.not_duplicates(a, b, undo=True) is False


def test_bad_pairs_are_refused_and_write_nothing(ledger: Ledger, table_rows: Rows) -> None:
    a, _ = _two_anas(ledger)
    before = table_rows(ledger)
    with pytest.raises(ValidationError, match="same person"):
        ledger.not_duplicates(a, a)
    with pytest.raises(NotFoundError):
        ledger.not_duplicates(a, 999)
    assert table_rows(ledger) == before


def test_a_reimport_does_not_propose_a_dismissed_pair(ledger: Ledger, tmp_path: Path) -> None:
    first = vcf(tmp_path / "home.vcf", "FN:Ana Silva\nORG:Acme\nEMAIL:ana@home.example")
    second = vcf(tmp_path / "work.vcf", "FN:Ana Silva\nORG:Acme\nEMAIL:asilva@work.example")
    ledger.import_files([first])
    (report,) = ledger.import_files([second]).files
    (proposal,) = report.proposed
    ledger.not_duplicates(proposal.a, proposal.b)

    again = ledger.import_files([first, second])
    assert again.total("proposed") == 0
    assert again.total("unchanged") == 2
    assert _pairs(ledger) == []


def test_an_import_does_not_propose_a_dismissed_shared_identity(
    ledger: Ledger, tmp_path: Path
) -> None:
    a = ledger.add_person("Ana Silva", emails=["ana@home.example"]).id
    b = ledger.add_person("Bo Chen", emails=["bo@work.example"]).id
    # A card holding both addresses: the pipeline merges it into one and proposes
    # that the two are one person ("shared identity").
    both = "FN:Ana Silva\nEMAIL:ana@home.example\nEMAIL:bo@work.example"
    (proposed,) = ledger.import_files([vcf(tmp_path / "a.vcf", both)]).files[0].proposed
    assert (proposed.a, proposed.b, proposed.reasons) == (a, b, (("shared identity", 1.0),))

    ledger.not_duplicates(a, b)
    # Another record (its own UID) with both addresses: matched by identity again.
    report = ledger.import_files([vcf(tmp_path / "b.vcf", "UID:card-2\n" + both)])
    assert report.total("merged") == 1
    assert report.total("proposed") == 0


def test_merge_hands_the_marks_to_the_person_kept(ledger: Ledger, table_rows: Rows) -> None:
    ana = ledger.add_person("Ana Silva").id
    ana2 = ledger.add_person("Ana S.").id
    bo = ledger.add_person("Bo Chen").id
    cy = ledger.add_person("Cy Diaz").id
    ledger.not_duplicates(ana2, bo)  # moves to (ana, bo)
    ledger.not_duplicates(ana2, cy)  # ana has it already: one row stays
    ledger.not_duplicates(ana, cy)
    ledger.not_duplicates(ana, ana2)  # merging them says otherwise: dropped
    ledger.merge(ana, ana2)
    rows = table_rows(ledger)["not_duplicates"]
    assert sorted((r["person_a_id"], r["person_b_id"]) for r in rows) == [(ana, bo), (ana, cy)]


def test_merge_keeps_the_lower_id_first(ledger: Ledger, table_rows: Rows) -> None:
    bo = ledger.add_person("Bo Chen").id
    ana = ledger.add_person("Ana Silva").id
    ana2 = ledger.add_person("Ana S.").id
    cy = ledger.add_person("Cy Diaz").id
    ledger.not_duplicates(ana, cy)
    ledger.not_duplicates(bo, ana)
    ledger.merge(cy, ana)  # cy's id is the highest: (bo, ana) becomes (bo, cy)
    ledger.not_duplicates(ana2, cy)
    rows = table_rows(ledger)["not_duplicates"]
    assert sorted((r["person_a_id"], r["person_b_id"]) for r in rows) == [(bo, cy), (ana2, cy)]


def test_forget_removes_every_mark_of_the_person(ledger: Ledger, table_rows: Rows) -> None:
    a, b = _two_anas(ledger)
    c = ledger.add_person("Cy Diaz").id
    ledger.not_duplicates(a, b)
    ledger.not_duplicates(c, b)
    ledger.not_duplicates(a, c)
    report = ledger.forget(b)
    assert report.removed["not_duplicates"] == 2
    rows = table_rows(ledger)["not_duplicates"]
    assert [(r["person_a_id"], r["person_b_id"]) for r in rows] == [(a, c)]


def test_the_cli_dismisses_and_undoes(cli: Cli) -> None:
    for args in (["Ana Silva", "--org", "Acme"], ["Silva, Ana", "--org", "Acme"]):
        assert cli("add", "person", *args).code == 0
    listed = cli("duplicates")
    assert "not-duplicates" in listed.out
    assert len(cli("duplicates", "--json").json()) == 1

    said = cli("not-duplicates", "2", "3")
    assert said.code == 0, said.err
    assert "Noted: #2 Ana Silva and #3 Silva, Ana are different people" in said.out
    assert cli("duplicates", "--json").json() == []
    assert "No likely duplicates" in cli("duplicates").out
    again = cli("not-duplicates", "2", "3", "--json").json()
    assert again == {"a": 2, "b": 3, "not_duplicates": True, "changed": False}

    undone = cli("not-duplicates", "2", "3", "--undo")
    assert "may be proposed as duplicates again" in undone.out
    assert len(cli("duplicates", "--json").json()) == 1


def test_the_cli_refuses_bad_pairs(cli: Cli) -> None:
    assert cli("add", "person", "Ana Silva").code == 0
    same = cli("not-duplicates", "Ana Silva", "2")
    assert (same.code, same.out) == (2, "")
    assert "same person" in same.err and "Traceback" not in same.err
    unknown = cli("not-duplicates", "Ana Silva", "Nobody Here")
    assert unknown.code == 2 and unknown.err.count("\n") == 1
