"""The pipeline: stages, dry run, idempotence, updates, matching, decisions, crashes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from dunbar import LabelKind, Ledger
from dunbar.importers import apply as apply_module
from dunbar.importers import matching
from dunbar.importers.decide import Choice, Decider, Decision
from dunbar.importers.matching import Candidate, PeopleIndex, Proposal
from dunbar.importers.pipeline import STAGES
from dunbar.importers.records import PersonRecord

Rows = Callable[[Ledger], dict[str, list[dict[str, Any]]]]


def vcf(path: Path, *cards: str) -> Path:
    text = "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\n{c.strip()}\r\nEND:VCARD\r\n" for c in cards)
    path.write_bytes(text.replace("\n", "\r\n").replace("\r\r\n", "\r\n").encode())
    return path


class Scripted(Decider):
    """A decider that answers from a list, and remembers what it was asked."""

    def __init__(self, *answers: Choice) -> None:
        self.answers = list(answers)
        self.asked: list[tuple[str, list[Proposal]]] = []

    def choose(self, record: PersonRecord, proposals: Sequence[Proposal]) -> Choice:
        self.asked.append((record.name, list(proposals)))
        return self.answers.pop(0)


def test_the_stages_are_named_in_order() -> None:
    assert STAGES == ("read", "parse", "normalise", "match", "decide", "apply")


def test_dry_run_writes_nothing_and_predicts_the_real_run(
    ledger: Ledger, tmp_path: Path, table_rows: Rows
) -> None:
    ledger.add_person("Ana Silva", emails=["ana@example.org"], organisation="Acme")
    path = vcf(
        tmp_path / "c.vcf",
        "FN:Ana S.\nEMAIL:ANA@example.org\nTITLE:CFO",  # exact identity: merged
        "FN:Ana Silvia\nORG:Acme\nEMAIL:asilvia@other.example",  # fuzzy: proposed
        "FN:Bo Chen\nEMAIL:bo@example.org",  # new
        "EMAIL:nobody@example.org",  # rejected
    )
    before = table_rows(ledger)
    dry = ledger.import_files([path], dry_run=True)
    assert table_rows(ledger) == before
    assert dry.dry_run
    real = ledger.import_files([path])
    (d,), (r,) = dry.files, real.files
    for attr in ("records", "created", "merged", "updated", "unchanged"):
        assert getattr(d, attr) == getattr(r, attr), attr
    assert (r.created, r.merged, len(r.proposed), len(r.rejected)) == (2, 1, 1, 1)
    assert [p.reasons for p in d.proposed] == [p.reasons for p in r.proposed]
    assert d.proposed[0].b < 0 < r.proposed[0].b  # a dry run's new people have no id yet
    where = str(path)
    assert [(c.kind, c.name, c.where) for c in d.changes] == [
        ("merge", "Ana Silva", f"{where}:1"),
        ("create", "Ana Silvia", f"{where}:7"),
        ("create", "Bo Chen", f"{where}:13"),
    ]
    assert [c.person_id > 0 for c in d.changes] == [True, False, False]
    assert [(c.kind, c.name) for c in r.changes] == [(c.kind, c.name) for c in d.changes]
    assert all(c.person_id > 0 for c in r.changes)
    assert ledger.person("Bo Chen").id == r.changes[2].person_id


def test_importing_the_same_file_twice_changes_nothing(
    ledger: Ledger, tmp_path: Path, table_rows: Rows
) -> None:
    path = vcf(
        tmp_path / "c.vcf",
        "UID:1\nFN:Ana Silva\nEMAIL:ana@example.org\nCATEGORIES:friend,climbing",
        "FN:Bo Chen\nTEL:+1 415 555 2671",
        "FN:Name Only",
        "FN:Name Only",  # two cards, same name, nothing else: two people
    )
    first = ledger.import_files([path]).files[0]
    assert first.created == 4
    after = table_rows(ledger)
    second = ledger.import_files([path]).files[0]
    assert (second.created, second.updated, second.merged, second.unchanged) == (0, 0, 0, 4)
    assert table_rows(ledger) == after


def test_an_updated_export_updates_what_changed(ledger: Ledger, tmp_path: Path) -> None:
    path = vcf(tmp_path / "c.vcf", "UID:ana-1\nFN:Ana Silva\nTITLE:Engineer\nEMAIL:ana@example.org")
    ledger.import_files([path])
    ana = ledger.person("ana@example.org")
    ledger.edit_person(ana.id, labels={LabelKind.TAG: ["met-at-pycon"]})  # my edit survives
    vcf(
        path,
        "UID:ana-1\nFN:Ana María Silva\nTITLE:CTO\nEMAIL:ana@example.org\nTEL:+351 912 345 678",
    )
    report = ledger.import_files([path]).files[0]
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    now = ledger.person(ana.id)
    assert (now.name, now.title, now.phones) == ("Ana María Silva", "CTO", ["+351912345678"])
    assert now.tags == ["met-at-pycon"]
    assert ledger.count_people() == 2


def test_an_exact_identity_merges_and_never_overwrites(ledger: Ledger, tmp_path: Path) -> None:
    ana = ledger.add_person("Ana Silva", emails=["ana@example.org"], title="Engineer")
    path = vcf(
        tmp_path / "c.vcf",
        "FN:A. Silva\nEMAIL:Ana@Example.org\nTITLE:CEO\nORG:Acme\nTEL:+351 912 345 678",
    )
    report = ledger.import_files([path]).files[0]
    assert (report.created, report.merged) == (0, 1)
    merged = ledger.person(ana.id)
    assert (merged.name, merged.title, merged.organisation) == ("Ana Silva", "Engineer", "Acme")
    assert merged.phones == ["+351912345678"]


def test_cards_of_one_file_sharing_an_identity_are_one_person(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = vcf(
        tmp_path / "c.vcf",
        "FN:Bo Chen\nEMAIL:bo@example.org",
        "FN:Bo\nEMAIL:bo@example.org\nTEL:+1 415 555 2671\nORG:Initech",
    )
    report = ledger.import_files([path]).files[0]
    assert (report.created, report.records) == (1, 2)
    bo = ledger.person("+14155552671")
    assert (bo.name, bo.organisation, bo.emails) == ("Bo Chen", "Initech", ["bo@example.org"])


def test_a_fuzzy_name_with_another_signal_is_proposed_never_merged(
    ledger: Ledger, tmp_path: Path
) -> None:
    ana = ledger.add_person("Ana Silva", emails=["ana.silva@acme.example"], organisation="Acme")
    path = vcf(
        tmp_path / "c.vcf",
        "FN:Ana Silvia\nORG:ACME\nEMAIL:ana@home.example",  # name + organisation
        "FN:Silva Ana\nEMAIL:anasilva@gmail.example",  # name + email local part
        "FN:Ana Silva\nORG:Globex",  # the same name alone, at another company: no
    )
    report = ledger.import_files([path]).files[0]
    assert report.created == 3 and report.merged == 0
    assert ledger.person(ana.id).emails == ["ana.silva@acme.example"]
    reasons = sorted((p.b_name, p.reasons) for p in report.proposed if p.a == ana.id)
    assert reasons == [
        ("Ana Silvia", (("name", pytest.approx(0.947, abs=1e-3)), ("organisation", 1.0))),
        ("Silva Ana", (("name", 1.0), ("email local part", 1.0))),
    ]
    pairs = {(p.a, p.b): p for p in ledger.duplicates()}
    assert {p.b_name for p in pairs.values() if p.a == ana.id} == {"Ana Silvia", "Silva Ana"}
    other = ledger.person("anasilva@gmail.example")
    ledger.merge(ana.id, other.id)
    assert all(other.id not in (p.a, p.b) for p in ledger.duplicates())


def test_the_decider_is_asked_about_fuzzy_matches_only(ledger: Ledger, tmp_path: Path) -> None:
    ana = ledger.add_person("Ana Silva", organisation="Acme")
    bo = ledger.add_person("Bo Chen", organisation="Initech")
    path = vcf(
        tmp_path / "c.vcf",
        "FN:Ana Silvia\nORG:Acme\nTITLE:CFO",
        "FN:Bo Chenn\nORG:Initech",
        "FN:Cy Dean",
    )
    decider = Scripted(Choice(Decision.MERGE, ana.id), Choice(Decision.SKIP))
    report = ledger.import_files([path], decider=decider).files[0]
    assert [name for name, _ in decider.asked] == ["Ana Silvia", "Bo Chenn"]
    assert decider.asked[1][1][0].a == bo.id
    assert (report.created, report.merged, report.skipped, report.proposed) == (1, 1, 1, [])
    assert ledger.person(ana.id).title == "CFO"
    assert ledger.count_people() == 4


def test_a_crash_between_batches_leaves_whole_batches_and_a_rerun_finishes(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, table_rows: Rows
) -> None:
    cards = [f"FN:Person {chr(65 + i)}{chr(97 + i)}\nEMAIL:p{i}@example.org" for i in range(7)]
    path = vcf(tmp_path / "c.vcf", *cards)
    real_apply = apply_module.apply_batch
    calls = {"n": 0}

    def crashing(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        applied = real_apply(*args, **kwargs)  # written inside the transaction...
        if calls["n"] == 2:
            raise KeyboardInterrupt  # ...and killed before the commit
        return applied

    monkeypatch.setattr("dunbar.importers.pipeline.apply_batch", crashing)
    with pytest.raises(KeyboardInterrupt):
        ledger.import_files([path], batch_size=3)
    assert ledger.count_people() == 1 + 3  # the first batch, whole; nothing of the second
    assert len(table_rows(ledger)["provenance"]) == 3
    monkeypatch.undo()
    report = ledger.import_files([path], batch_size=3).files[0]
    assert (report.created, report.unchanged) == (4, 3)
    assert ledger.count_people() == 1 + 7
    assert sorted(p.email or "" for p in ledger.people()) == [f"p{i}@example.org" for i in range(7)]


def test_a_merged_person_stays_merged_on_reimport(ledger: Ledger, tmp_path: Path) -> None:
    path = vcf(tmp_path / "c.vcf", "FN:Cy Dean\nNOTE:no identities at all")
    ledger.import_files([path])
    keep = ledger.add_person("Cyrus Dean", emails=["cy@example.org"])
    ledger.merge(keep.id, ledger.resolve("Cy Dean"))
    report = ledger.import_files([path]).files[0]
    assert (report.created, report.unchanged) == (0, 1)
    assert [s.ref for s in ledger.sources(keep.id)] == ["name:cy dean"]


def test_a_record_joining_two_known_people_proposes_them(ledger: Ledger, tmp_path: Path) -> None:
    a = ledger.add_person("Dee Evans", emails=["dee@example.org"])
    b = ledger.add_person("D. Evans", phones=["+44 20 7946 0958"])
    path = vcf(tmp_path / "c.vcf", "FN:Dee Evans\nEMAIL:dee@example.org\nTEL:+44 20 7946 0958")
    report = ledger.import_files([path]).files[0]
    (proposal,) = report.proposed
    assert (proposal.a, proposal.b, proposal.reasons) == (a.id, b.id, (("shared identity", 1.0),))
    assert report.merged == 1 and ledger.person(a.id).phones == []
    assert any("belongs to someone else" in w.message for w in report.warnings)


def test_matching_is_not_quadratic(monkeypatch: pytest.MonkeyPatch) -> None:
    """5,000 Johns: a new John is compared with at most 2 * BLOCK_CAP of them."""
    index = PeopleIndex()
    for i in range(5_000):
        index.add(Candidate(i + 1, f"John {i:04d}x Smith"))
    compared: list[int] = []
    real_extract = matching.process.extract

    def counting(query: str, choices: list[str], **kwargs: Any) -> Any:
        compared.append(len(choices))
        return real_extract(query, choices, **kwargs)

    monkeypatch.setattr(matching.process, "extract", counting)
    found = index.similar(Candidate(-1, "John 0001x Smith"))
    assert 0 < compared[-1] <= 2 * matching.BLOCK_CAP
    assert found and all(p.reasons[0][0] == "name" for p in found)
    index.similar(Candidate(-2, "Zed Unique"))
    assert compared[-1] == 0


def test_duplicates_across_the_whole_ledger(ledger: Ledger) -> None:
    a = ledger.add_person("Ana Silva", organisation="Acme")
    b = ledger.add_person("Silva, Ana", organisation="ACME")
    ledger.add_person("Bo Chen")
    (proposal,) = ledger.duplicates()
    assert (proposal.a, proposal.b, proposal.score) == (a.id, b.id, 0.85)
    assert proposal.explain() == "name 1.00, organisation 1.00"
    assert ledger.duplicates(limit=0) == []


def test_progress_reports_records_and_bytes(ledger: Ledger, tmp_path: Path) -> None:
    cards = [f"FN:Person {i:04d}\nEMAIL:p{i}@example.org" for i in range(450)]
    path = vcf(tmp_path / "many.vcf", *cards)
    calls: list[tuple[str, int, int, int]] = []
    ledger.import_files([path], progress=lambda *a: calls.append(a))
    size = path.stat().st_size
    assert [c[1] for c in calls] == [200, 400, 450]
    assert all(c[0] == str(path) and c[3] == size for c in calls)
    assert calls[-1][2] == size and calls[0][2] <= calls[1][2] <= size
