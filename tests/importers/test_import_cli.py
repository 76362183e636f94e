"""`dunbar import`, `dunbar duplicates`, `dunbar sources` and `dunbar export --format vcard`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dunbar import Ledger

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EDGE = FIXTURES / "vcard" / "edge"


def test_import_dry_run_then_for_real(cli: Any, db_target: str) -> None:
    path = str(EDGE / "broken_cards.vcf")
    dry = cli("import", path, "--dry-run")
    assert dry.code == 0, dry.err
    assert "Would import" in dry.out and "3 new" in dry.out and "2 rejected" in dry.out
    assert f"rejected {path}:6: card has no name" in dry.out
    assert f"would create (new) Good One ({path}:1)" in dry.out
    assert "Dry run: nothing was written." in dry.out
    with Ledger.open(db_target) as ledger:
        assert ledger.count_people() == 1
    real = cli("import", path, "--json")
    assert real.code == 0, real.err
    (report,) = real.json()["files"]
    assert (report["created"], len(report["rejected"])) == (3, 2)
    assert report["rejected"][0] == {
        "file": path,
        "where": f"{path}:6",
        "reason": "card has no name (FN, N and NICKNAME are empty)",
    }
    again = cli("import", path)
    assert "0 new, 0 updated, 0 merged, 3 unchanged" in again.out


def test_a_file_not_in_the_declared_format_fails_in_one_line(cli: Any, tmp_path: Path) -> None:
    result = cli("import", str(EDGE / "broken_cards.vcf"), "--format", "linkedin")
    assert result.code == 2
    assert result.err.count("\n") == 1 and "is not a LinkedIn" in result.err
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 4)
    result = cli("import", str(junk))
    assert result.code == 2 and result.err.startswith("error: ") and "binary" in result.err
    result = cli("import", str(tmp_path / "missing.vcf"))
    assert result.code == 2 and "cannot read" in result.err
    result = cli("import", str(junk), "--format", "nope")
    assert result.code == 2 and "unknown format 'nope'" in result.err


def test_duplicates_lists_proposals_and_merge_resolves_them(cli: Any, tmp_path: Path) -> None:
    cli("add", "person", "Ana Silva", "--org", "Acme")
    cli("add", "person", "Silva, Ana", "--org", "ACME")
    listed = cli("duplicates")
    assert listed.code == 0
    assert "0.85" in listed.out and "dunbar merge 2 3" in listed.out
    assert "name 1.00, organisation 1.00" in listed.out
    proposals = cli("duplicates", "--json").json()
    assert [(p["a"], p["b"], p["score"]) for p in proposals] == [(2, 3, 0.85)]
    assert cli("merge", "2", "3", "--yes").code == 0
    assert "No likely duplicates." in cli("duplicates").out


def test_sources_says_where_a_person_came_from(cli: Any) -> None:
    path = EDGE / "itemn_groups_with_xablabel.vcf"
    cli("import", str(path))
    shown = cli("sources", "bo@work.example")
    assert shown.code == 0
    assert f"{path}:1" in shown.out and "email:bo@work.example" in shown.out
    cli("add", "person", "Cy Dean")
    assert "entered by hand" in cli("sources", "Cy Dean").out


def test_export_vcard(cli: Any, tmp_path: Path) -> None:
    cli("add", "person", "Ana Silva", "--email", "ana@example.org", "--org", "Acme")
    printed = cli("export", "--format", "vcard")
    assert printed.code == 0
    assert printed.out.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n")
    assert "EMAIL:ana@example.org\r\n" in printed.out and "ORG:Acme\r\n" in printed.out
    out = tmp_path / "all.vcf"
    written = cli("export", "--format", "vcard", "--out", str(out))
    assert "Exported 1 cards" in written.out
    assert out.read_bytes().decode() == printed.out


def test_import_a_contact_log_with_its_options(cli: Any) -> None:
    path = str(FIXTURES / "csv" / "contacts_relative_tij.dat")
    missing = cli("import", path)
    assert missing.code == 2 and "give --start" in missing.err
    done = cli(
        "import", path, "--start", "1700000000", "--me-id", "1", "--gap-minutes", "20",
        "--prefix", "Guest ", "--json",
    )  # fmt: skip
    assert done.code == 0, done.err
    (report,) = done.json()["files"]
    assert (report["created"], report["encounters_added"], report["acquaintances"]) == (3, 2, 1)
    shown = cli("show", "Guest 2", "--json").json()
    assert shown["encounters"][0]["minutes"] == 17


def test_import_a_folder_takes_what_it_recognises(cli: Any, tmp_path: Path, db_target: str) -> None:
    """An unzipped LinkedIn export: Connections.csv and messages.csv, plus files
    dunbar does not read (Profile.csv), which are listed as skipped."""
    export = tmp_path / "Basic_LinkedInDataExport"
    (export / "nested").mkdir(parents=True)
    csv = FIXTURES / "csv"
    (export / "Connections.csv").write_bytes((csv / "linkedin_connections_2025.csv").read_bytes())
    (export / "nested" / "messages.csv").write_bytes(
        (csv / "linkedin_messages_2022.csv").read_bytes()
    )
    (export / "Profile.csv").write_text("First Name,Last Name,Maiden Name,Address\n")
    (export / ".DS_Store").write_bytes(b"\x00\x01junk")
    result = cli("import", str(export))
    assert result.code == 0, result.err
    assert result.out.count("Imported ") == 2
    assert f"Skipped: {export / 'Profile.csv'}: format not recognised" in result.out
    assert ".DS_Store" not in result.out
    with Ledger.open(db_target) as ledger:
        assert ledger.count_people() == 1 + 4
    named = cli("import", str(export / "Profile.csv"))
    assert named.code == 2 and "format not recognised" in named.err


def test_ask_puts_each_similar_name_to_me(ledger: Ledger, tmp_path: Path) -> None:
    """The CLI's decider, with scripted answers instead of a keyboard."""
    from dunbar.cli.cmd_import import AskDecider

    ana = ledger.add_person("Ana Silva", organisation="Acme")
    ledger.add_person("Bo Chen", organisation="Initech")
    path = tmp_path / "c.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ana Silvia\nORG:Acme\nTITLE:CFO\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Bo Chenn\nORG:Initech\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Cy Dean\nEND:VCARD\n"
    )
    questions: list[str] = []
    answers = iter(["1", "s"])

    def ask(question: str) -> str:
        questions.append(question)
        return next(answers)

    report = ledger.import_files([path], decider=AskDecider(ask)).files[0]
    assert len(questions) == 2  # Cy Dean has no candidate: nothing to ask
    assert (report.merged, report.skipped, report.created) == (1, 1, 1)
    assert ledger.person(ana.id).title == "CFO"


def test_ask_needs_a_terminal(cli: Any) -> None:
    result = cli("import", str(EDGE / "broken_cards.vcf"), "--ask")
    assert result.code == 2 and "--ask needs a terminal" in result.err
