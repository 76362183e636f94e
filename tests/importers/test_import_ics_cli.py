"""`dunbar import x.ics` through the real entry point (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dunbar import IdentityKind, Ledger

EDGE = Path(__file__).resolve().parents[1] / "fixtures" / "ics" / "edge"
VCARD = Path(__file__).resolve().parents[1] / "fixtures" / "vcard" / "edge" / "broken_cards.vcf"


def _my_address(db_target: str) -> None:
    with Ledger.open(db_target) as ledger:
        ledger.edit_person("me", add={IdentityKind.EMAIL: ["rosa@example.org"]})


def test_import_a_calendar_dry_run_then_for_real_then_again(cli: Any, db_target: str) -> None:
    _my_address(db_target)
    path = str(EDGE / "organiser_me_vs_other.ics")
    dry = cli("import", path, "--dry-run")
    assert dry.code == 0, dry.err
    assert f"Would import {path} (ics): 4 records; 2 new" in dry.out
    assert "encounters: 4 new, 0 known" in dry.out
    assert f"would create (new) Ana Silva ({path}:4)" in dry.out
    assert "Dry run: nothing was written." in dry.out
    with Ledger.open(db_target) as ledger:
        assert ledger.count_people() == 1
    real = cli("import", path, "--format", "ics", "--json")
    assert real.code == 0, real.err
    (report,) = real.json()["files"]
    assert (report["format"], report["created"], report["encounters_added"]) == ("ics", 2, 4)
    again = cli("import", path)
    assert again.code == 0
    assert "0 new, 0 updated, 0 merged" in again.out and "encounters: 0 new, 4 known" in again.out
    shown = cli("show", "bo@example.org", "--json").json()
    assert [e["title"] for e in shown["encounters"]] == ["Bo's workshop"]


def test_what_is_not_an_encounter_is_said_in_one_note(
    cli: Any, db_target: str, tmp_path: Path
) -> None:
    """The CLI runs on the real clock: the future here is the year 2999."""
    _my_address(db_target)
    text = (EDGE / "future_events.ics").read_text(encoding="utf-8")
    path = tmp_path / "future.ics"
    path.write_text(text.replace("20270110T", "29990110T"), encoding="utf-8")
    result = cli("import", str(path))
    assert result.code == 0, result.err
    assert "encounters: 3 new" in result.out
    assert "note: not encounters (not imported): 1 in the future" in result.out


def test_rejected_events_are_listed_and_the_rest_imports(cli: Any) -> None:
    path = str(EDGE / "broken_events.ics")
    result = cli("import", path)
    assert result.code == 0, result.err
    assert "3 rejected" in result.out and "encounters: 2 new" in result.out
    assert f"rejected {path}:18: event no-start@example.org: no usable DTSTART" in result.out


def test_a_file_that_is_not_a_calendar_fails_in_one_line(cli: Any, db_target: str) -> None:
    result = cli("import", str(VCARD), "--format", "ics")
    assert result.code == 2
    assert result.err == f"error: {VCARD} is not an iCalendar file (.ics)\n"
    with Ledger.open(db_target) as ledger:
        assert ledger.count_people() == 1
