"""Every command through the real entry point, on both backends."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dunbar import Ledger

Cli = Any  # the `cli` fixture of tests/cli/conftest.py


def _add_ana_and_bo(cli: Cli) -> None:
    assert (
        cli(
            "add",
            "person",
            "Ana Silva",
            "--email",
            "Ana@Example.com",
            "--org",
            "Acme",
            "--title",
            "CFO",
            "--tag",
            "friend",
            "--topic",
            "supply-chain finance",
            "--how-met",
            "Web Summit panel",
        ).code
        == 0
    )
    assert cli("add", "person", "Bo Chen", "--phone", "+1 415 555 2671").code == 0


def test_add_person_normalises_and_shows_json(cli: Cli) -> None:
    _add_ana_and_bo(cli)
    shown = cli("show", "ana@example.com", "--json")
    assert shown.code == 0, shown.err
    person = shown.json()["person"]
    assert person["name"] == "Ana Silva"
    assert person["organisation"] == "Acme"
    assert [i["value"] for i in person["identities"]] == ["ana@example.com"]
    bo = cli("show", "Bo Chen", "--json").json()["person"]
    assert [i["value"] for i in bo["identities"]] == ["+14155552671"]  # E.164


def test_add_org_then_duplicate_is_an_error(cli: Cli) -> None:
    assert cli("add", "org", "Acme", "--domain", "ACME.com", "--industry", "Logistics").code == 0
    again = cli("add", "org", "acme")
    assert again.code == 2
    assert "already exists" in again.err


def test_log_the_way_the_issue_writes_it(cli: Cli) -> None:
    _add_ana_and_bo(cli)
    result = cli(
        "log",
        "Coffee at Blue Bottle",
        "--with",
        "ana@example.com",
        "--with",
        "Bo Chen",
        "--channel",
        "in-person",
        "--on",
        "2026-11-20",
        "--minutes",
        "45",
        "--they-reached-out",
        "--json",
    )
    assert result.code == 0, result.err
    encounter = result.json()
    assert encounter["channel"] == "in_person"
    assert encounter["initiative"] == "in"
    assert encounter["minutes"] == 45
    assert len(encounter["participants"]) == 2
    assert encounter["when"].startswith("2026-11-20")
    timeline = cli("show", "Bo Chen", "--json").json()
    assert [e["title"] for e in timeline["encounters"]] == ["Coffee at Blue Bottle"]


def test_log_unknown_person_needs_create(cli: Cli) -> None:
    _add_ana_and_bo(cli)
    refused = cli("log", "Lunch", "--with", "Ana", "--with", "Cy Twombly", "--on", "2026-11-01")
    assert refused.code == 2
    assert "Cy Twombly" in refused.err and "--create" in refused.err
    assert refused.err.count("\n") == 1  # one line, no traceback
    # Nothing was written: Ana has no encounter.
    assert cli("show", "Ana", "--json").json()["encounters"] == []
    created = cli(
        "log",
        "Lunch",
        "--with",
        "Ana",
        "--with",
        "Cy Twombly",
        "--on",
        "2026-11-01",
        "--create",
        "--json",
    )
    assert created.code == 0, created.err
    assert cli("show", "cy twombly", "--json").json()["person"]["name"] == "Cy Twombly"


def test_log_create_from_email_takes_name_from_local_part(cli: Cli) -> None:
    result = cli(
        "log",
        "Intro call",
        "--with",
        "dana.kowalski@example.org",
        "--create",
        "--channel",
        "call",
        "--on",
        "2026-10-01",
    )
    assert result.code == 0, result.err
    person = cli("show", "dana.kowalski@example.org", "--json").json()["person"]
    assert person["name"] == "Dana Kowalski"


def test_bad_inputs_are_one_line_exit_2(cli: Cli) -> None:
    _add_ana_and_bo(cli)
    cases = {
        ("log", "x", "--with", "Ana", "--channel", "fax"): "unknown channel",
        ("log", "x", "--with", "Ana", "--on", "2026-13-01"): "bad date",
        ("log", "x", "--with", "Ana", "--on", "2030-01-01"): "in the future",
        ("log", "x", "--with", "Ana", "--minutes", "-5"): "minutes",
        ("log", "x", "--with", "Ana", "--mutual", "--they-reached-out"): "initiative",
        ("show", "Nobody Atall"): "nobody called",
        ("add", "person", "Zed", "--email", "not-an-email"): "not an email",
        ("add", "person", "Zed", "--closeness", "9"): "closeness",
        ("add", "person", "Zed", "--phone", "12345"): "phone",
        ("add", "person", "Zed", "--birthday", "1990-02-30"): "birthday",
        ("people", "--not-seen-since", "last tuesday"): "bad",
        ("favor", "x"): "--to",
        ("intro", "Ana"): "two people",
        ("know", "Ana", "Ana"): "themselves",
        ("know", "Ana", "Bo Chen", "--strength", "1.5"): "strength",
        ("export", "--format", "xml"): "unknown export format",
        ("edit", "Ana", "--clear", "shoe_size"): "cannot clear",
    }
    for args, message in cases.items():
        result = cli(*args)
        assert result.code == 2, (args, result)
        assert message in result.err, (args, result.err)
        assert "Traceback" not in result.err
        assert result.err.strip().count("\n") == 0, (args, result.err)


def test_usage_errors_exit_2(cli: Cli) -> None:
    assert cli("no-such-command").code == 2
    assert cli("log", "missing --with").code == 2
    assert cli("add", "person", "Zed", "--closeness", "seven").code == 2


def test_ambiguous_name_lists_candidates_and_exits_2(cli: Cli) -> None:
    assert cli("add", "person", "Ana Silva", "--org", "Acme").code == 0
    assert cli("add", "person", "Ana Souza", "--org", "Globex").code == 0
    result = cli("show", "ana")
    assert result.code == 2
    assert "Ana Silva (Acme)" in result.err and "Ana Souza (Globex)" in result.err
    # Accent- and case-insensitive exact name is not ambiguous.
    assert cli("show", "ANA SOUZA").code == 0


def test_accent_insensitive_names(cli: Cli) -> None:
    assert cli("add", "person", "Zoë Núñez").code == 0
    shown = cli("show", "zoe nunez", "--json")
    assert shown.code == 0
    assert shown.json()["person"]["name"] == "Zoë Núñez"


def test_edit_sets_clears_adds_and_removes(cli: Cli) -> None:
    _add_ana_and_bo(cli)
    result = cli(
        "edit",
        "Ana",
        "--title",
        "CEO",
        "--add-email",
        "ana@work.example",
        "--remove-email",
        "ana@example.com",
        "--add-tag",
        "investor",
        "--remove-tag",
        "friend",
        "--closeness",
        "6",
        "--kin",
        "--field",
        "timezone=Europe/Lisbon",
        "--clear",
        "how_met",
        "--json",
    )
    assert result.code == 0, result.err
    person = result.json()
    assert person["title"] == "CEO"
    assert [i["value"] for i in person["identities"]] == ["ana@work.example"]
    assert person["tags"] == ["investor"]
    assert person["closeness"] == 6 and person["is_kin"] is True
    assert person["custom"] == {"timezone": "Europe/Lisbon"}
    assert person["how_met"] is None
    removed = cli("edit", "Ana", "--field", "timezone=", "--json").json()
    assert removed["custom"] == {}


def test_people_filters(cli: Cli) -> None:
    _add_ana_and_bo(cli)
    assert cli("add", "person", "Cy Park", "--org", "Globex", "--topic", "robotics").code == 0
    assert (
        cli("log", "Call", "--with", "Bo Chen", "--channel", "call", "--on", "2026-11-10").code == 0
    )
    assert cli("log", "Old lunch", "--with", "Ana", "--on", "2024-01-10").code == 0

    def names(*args: str) -> list[str]:
        result = cli("people", *args, "--json")
        assert result.code == 0, result.err
        return [p["name"] for p in result.json()]

    assert names() == ["Ana Silva", "Bo Chen", "Cy Park"]
    assert names("--tag", "friend") == ["Ana Silva"]
    assert names("--org", "globex") == ["Cy Park"]
    assert names("--topic", "Supply-Chain Finance") == ["Ana Silva"]
    # Not seen since June 2026: Ana (2024) and Cy (never) but not Bo (Nov 2026).
    assert names("--not-seen-since", "2026-06-01") == ["Ana Silva", "Cy Park"]
    assert names("ana") == ["Ana Silva"]
    assert names("--limit", "1", "--offset", "1") == ["Bo Chen"]
    listing = cli("people")
    assert listing.code == 0 and "3 people" in listing.out


def test_note_favor_intro_know_and_their_updates(cli: Cli) -> None:
    _add_ana_and_bo(cli)
    note = cli(
        "note", "Ana is moving to Lisbon", "--about", "Ana", "--topic", "relocation", "--json"
    )
    assert note.code == 0 and note.json()["topics"] == ["relocation"]
    favour = cli(
        "favor",
        "reviewed her deck",
        "--to",
        "Ana",
        "--kind",
        "advice",
        "--status",
        "promised",
        "--json",
    )
    assert favour.code == 0, favour.err
    fid = favour.json()["id"]
    assert cli("favor", "--id", str(fid), "--status", "done", "--json").json()["status"] == "done"
    received = cli("favor", "intro to her VC", "--from", "Ana", "--kind", "intro", "--json")
    assert received.json()["receiver_id"] == 1  # me
    intro = cli("intro", "Ana", "Bo Chen", "--reason", "fintech", "--json")
    assert intro.code == 0 and intro.json()["outcome"] == "pending"
    iid = intro.json()["id"]
    updated = cli("intro", "--id", str(iid), "--outcome", "worked-together", "--json")
    assert updated.json()["outcome"] == "worked_together"
    tie = cli("know", "Ana", "Bo Chen", "--strength", "0.5", "--json")
    assert tie.code == 0 and tie.json()["evidence"] == "declared"
    profile = cli("show", "Ana", "--json").json()
    assert len(profile["notes"]) == 1
    assert len(profile["favours"]) == 2
    assert len(profile["introductions"]) == 1
    assert len(profile["acquaintances"]) == 1
    text = cli("show", "Ana")
    assert text.code == 0
    assert "Ana is moving to Lisbon" in text.out and "knows: Bo Chen" in text.out


def test_search_finds_notes_with_their_person(cli: Cli) -> None:
    _add_ana_and_bo(cli)
    cli("note", "Knows everyone in trade finance in Lisbon", "--about", "Ana")
    cli("log", "Dinner at Café Müller", "--with", "Bo Chen", "--on", "2026-11-02")
    hits = cli("search", "lisbon", "--json").json()
    assert [(h["kind"], h["people"][0][1]) for h in hits] == [("note", "Ana Silva")]
    # Accent-insensitive, prefix match.
    assert [h["kind"] for h in cli("search", "cafe mull", "--json").json()] == ["encounter"]
    assert "Nothing matches" in cli("search", "zeppelin").out


def test_merge_needs_yes_without_a_terminal(cli: Cli) -> None:
    _add_ana_and_bo(cli)
    assert cli("add", "person", "A. Silva", "--email", "asilva@old.example").code == 0
    cli("log", "Old coffee", "--with", "asilva@old.example", "--on", "2025-03-01")
    refused = cli("merge", "Ana Silva", "asilva@old.example")
    assert refused.code == 2 and "--yes" in refused.err
    merged = cli("merge", "Ana Silva", "asilva@old.example", "--yes", "--json")
    assert merged.code == 0, merged.err
    emails = sorted(i["value"] for i in merged.json()["identities"])
    assert emails == ["ana@example.com", "asilva@old.example"]
    assert len(cli("show", "Ana Silva", "--json").json()["encounters"]) == 1
    assert cli("show", "A. Silva").code == 2


def test_forget_needs_yes_and_erases(cli: Cli) -> None:
    _add_ana_and_bo(cli)
    cli("log", "Coffee with Ana Silva", "--with", "Ana", "--with", "Bo Chen", "--on", "2026-11-01")
    cli("log", "Solo lunch", "--with", "Ana", "--on", "2026-10-01")
    refused = cli("forget", "Ana")
    assert refused.code == 2
    assert cli("show", "Ana").code == 0
    done = cli("forget", "Ana", "--yes", "--json")
    assert done.code == 0, done.err
    report = done.json()
    assert report["encounters_deleted"] == 1 and report["encounters_kept"] == 1
    assert cli("show", "Ana").code == 2
    kept = cli("show", "Bo Chen", "--json").json()["encounters"]
    assert [e["title"] for e in kept] == ["Coffee with [forgotten]"]
    assert "ana" not in cli("export").out.lower().replace('"ana', "")  # no trace in export
    assert cli("forget", "me", "--yes").code == 2


def test_export_backup_restore_round_trip(cli: Cli, tmp_path: Path) -> None:
    _add_ana_and_bo(cli)
    cli("log", "Coffee", "--with", "Ana", "--on", "2026-11-01")
    exported = cli("export", "--format", "json")
    assert exported.code == 0
    document = json.loads(exported.out)
    assert document["format"] == "dunbar-export"
    assert {p["name"] for p in document["tables"]["people"]} == {
        "Rosa Díaz",
        "Ana Silva",
        "Bo Chen",
    }
    out = tmp_path / "export.json"
    assert cli("export", "--out", str(out)).code == 0
    assert json.loads(out.read_text())["tables"]["encounters"][0]["title"] == "Coffee"

    backup = tmp_path / "backup.db"
    assert cli("backup", str(backup)).code == 0
    assert backup.exists()
    cli("forget", "Ana", "--yes")
    assert cli("restore", str(backup)).code == 2  # asks first
    restored = cli("restore", str(backup), "--yes")
    assert restored.code == 0, restored.err
    assert cli("show", "Ana", "--json").json()["encounters"][0]["title"] == "Coffee"


def test_restore_rejects_bad_files_and_keeps_the_ledger(cli: Cli, tmp_path: Path) -> None:
    _add_ana_and_bo(cli)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    result = cli("restore", str(junk), "--yes")
    assert result.code == 2 and "cannot restore" in result.err
    assert cli("restore", str(tmp_path / "missing.db"), "--yes").code == 2
    assert cli("show", "Ana").code == 0


def test_backup_to_a_missing_folder_is_a_clear_error(cli: Cli, tmp_path: Path) -> None:
    result = cli("backup", str(tmp_path / "nope" / "b.db"))
    assert result.code == 2 and "does not exist" in result.err


def test_migrate_reports_head(cli: Cli) -> None:
    from dunbar.store.schema import HEAD

    result = cli("migrate", "--json")
    assert result.code == 0 and result.json() == {"schema": HEAD, "head": HEAD}


def test_debug_shows_the_traceback(cli: Cli) -> None:
    import pytest

    from dunbar.errors import NotFoundError

    with pytest.raises(NotFoundError):
        cli("--debug", "show", "Nobody")


def test_init_refuses_existing_ledger(cli: Cli, db_target: str) -> None:
    result = cli("init")
    assert result.code == 2 and "already exists" in result.err
    with Ledger.open(db_target) as ledger:
        assert ledger.count_people() == 1
