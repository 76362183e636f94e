"""`dunbar show` says where a person's details came from (the import's provenance)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dunbar import Ledger

Cli = Any  # tests/importers/conftest.py's `cli`


def vcf(path: Path, *cards: str) -> Path:
    text = "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\n{c.strip()}\r\nEND:VCARD\r\n" for c in cards)
    path.write_bytes(text.replace("\n", "\r\n").replace("\r\r\n", "\r\n").encode())
    return path


def test_the_profile_lists_each_imported_record(ledger: Ledger, tmp_path: Path) -> None:
    home = vcf(tmp_path / "home.vcf", "FN:Ana Silva\nEMAIL:ana@home.example")
    # Line 1 is Bo's card (5 lines with BEGIN/VERSION/END), so Ana's starts on line 6.
    work = vcf(
        tmp_path / "work.vcf",
        "FN:Bo Chen\nEMAIL:bo@x.example",
        "FN:Ana Silva\nUID:ana-1\nTITLE:CFO\nEMAIL:ana@home.example",
    )
    ledger.import_files([home])
    ledger.import_files([work])
    profile = ledger.profile("ana@home.example")
    assert profile.person.title == "CFO"
    assert sorted((s.source, s.file, s.line, s.ref) for s in profile.sources) == [
        ("vcard", str(home), 1, "email:ana@home.example"),
        ("vcard", str(work), 6, "uid:ana-1"),
    ]
    assert profile.sources == ledger.sources(profile.person.id)
    hand = ledger.add_person("Cy Diaz")
    assert ledger.profile(hand.id).sources == []


def test_a_merged_person_keeps_both_origins(ledger: Ledger, tmp_path: Path) -> None:
    ledger.import_files([vcf(tmp_path / "a.vcf", "FN:Ana Silva\nEMAIL:ana@a.example")])
    ledger.import_files([vcf(tmp_path / "b.vcf", "FN:Ana S.\nEMAIL:ana@b.example")])
    kept = ledger.merge("ana@a.example", "ana@b.example")
    files = sorted(Path(s.file).name for s in ledger.profile(kept.id).sources)
    assert files == ["a.vcf", "b.vcf"]


def test_show_prints_the_origins_and_json_carries_them(cli: Cli, tmp_path: Path) -> None:
    path = vcf(tmp_path / "people.vcf", "FN:Ana Silva\nUID:ana-1\nEMAIL:ana@home.example")
    assert cli("import", str(path)).code == 0
    assert cli("add", "person", "Cy Diaz").code == 0

    shown = cli("show", "Ana Silva")
    assert shown.code == 0, shown.err
    assert f"from  vcard {path}:1 (uid:ana-1, " in shown.out
    data = cli("show", "Ana Silva", "--json").json()
    assert [(s["source"], s["file"], s["line"], s["ref"]) for s in data["sources"]] == [
        ("vcard", str(path), 1, "uid:ana-1")
    ]
    cy = cli("show", "Cy Diaz")
    assert "from" not in cy.out
    assert cli("show", "Cy Diaz", "--json").json()["sources"] == []


def test_show_lists_at_most_five_and_points_to_sources(cli: Cli, tmp_path: Path) -> None:
    card = "FN:Ana Silva\nEMAIL:ana@home.example"
    for n in range(7):  # the same card in seven files: seven records fed her
        path = vcf(tmp_path / f"copy{n}.vcf", card + f"\nNOTE:copy {n}")
        assert cli("import", str(path)).code == 0
    out = cli("show", "Ana Silva").out
    assert out.count("vcard ") == 5
    assert "... and 2 more (dunbar sources 2)" in out
    assert len(cli("sources", "Ana Silva", "--json").json()) == 7
