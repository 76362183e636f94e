"""agenda, done, snooze, circles, strength, value, calibrate and params through the
real entry point, on both backends. Days are pinned with ``--today`` (the CLI runs on
the real clock)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

Cli = Any

TODAY = "2026-11-22"


def _setup(cli: Cli) -> None:
    for args in (
        ("add", "person", "Ana Silva", "--closeness", "7", "--birthday", "--11-25"),
        ("add", "person", "Bo Chen", "--need", "a designer"),
        ("add", "person", "Old Friend", "--closeness", "5", "--first-known", "2012-06-01"),
    ):
        assert cli(*args).code == 0, cli(*args).err
    for on in ("2026-10-01", "2026-10-15", "2026-11-01"):
        assert cli("log", "Lunch", "--with", "Ana Silva", "--on", on, "--minutes", "60").code == 0
    assert (
        cli("log", "Call", "--with", "Bo Chen", "--on", "2026-11-20", "--channel", "call").code == 0
    )
    for on in ("2019-01-10", "2019-03-02", "2019-05-20", "2019-09-01"):
        assert (
            cli("log", "Dinner", "--with", "Old Friend", "--on", on, "--minutes", "120").code == 0
        )
    assert cli("favor", "feedback on my deck", "--from", "Bo Chen", "--on", "2026-11-10").code == 0


def test_agenda_json_and_text(cli: Cli) -> None:
    _setup(cli)
    result = cli("agenda", "--today", TODAY, "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["today"] == TODAY
    fading = data["sections"]["fading"]
    assert [i["name"] for i in fading] == ["Ana Silva"]
    assert fading[0]["reason"].startswith("Ana Silva: last real contact 21 days ago")
    assert fading[0]["key"] == f"fading-{fading[0]['person_id']}-tie"
    assert [i["name"] for i in data["sections"]["dormant"]] == ["Old Friend"]
    assert data["sections"]["favour"][0]["reason"].endswith("they are looking for a designer")
    assert data["sections"]["occasion"][0]["reason"] == (
        "Ana Silva's birthday is in 3 days, Wednesday 25 November"
    )
    text = cli("agenda", "--today", TODAY, "--explain")
    assert text.code == 0
    assert "Fading: overdue for their circle" in text.out
    assert "last in-person meeting 21 days ago (60 minutes)" in text.out
    only = cli("agenda", "--today", TODAY, "--only", "dormant", "--json").json()
    assert list(only["sections"]) == ["dormant"]


def test_agenda_ics_feed(cli: Cli, tmp_path: Path) -> None:
    _setup(cli)
    feed = tmp_path / "agenda.ics"
    assert cli("agenda", "--today", TODAY, "--ics", str(feed)).code == 0
    cal = Calendar.from_ical(feed.read_bytes())
    events = list(cal.walk("VEVENT"))
    summaries = sorted(str(e["SUMMARY"]) for e in events)
    assert "Reach out: Ana Silva" in summaries and "Reconnect: Old Friend" in summaries
    assert all(e.walk("VALARM") for e in events)
    uids = {str(e["UID"]) for e in events}
    assert len(uids) == len(events)
    # The same agenda again gives the same UIDs: a calendar updates, it does not pile up.
    assert cli("agenda", "--today", TODAY, "--ics", str(feed)).code == 0
    again = {str(e["UID"]) for e in Calendar.from_ical(feed.read_bytes()).walk("VEVENT")}
    assert again == uids
    bad = cli("agenda", "--today", TODAY, "--ics", str(tmp_path / "no" / "such" / "dir.ics"))
    assert bad.code == 2 and bad.err.startswith("error: cannot write")


def test_done_and_snooze_commands(cli: Cli) -> None:
    _setup(cli)
    done = cli("done", "Ana Silva", "--kind", "fading", "--json")
    assert done.code == 0, done.err
    assert set(done.json()["hidden_until"]) == {"fading"}
    snoozed = cli("snooze", "Old Friend", "--days", "30")
    assert snoozed.code == 0 and "Snoozed Old Friend until" in snoozed.out
    data = cli("agenda", "--json").json()
    names = {i["name"] for items in data["sections"].values() for i in items}
    assert "Old Friend" not in names and data["hidden"] >= 1


def test_circles_strength_value(cli: Cli) -> None:
    _setup(cli)
    circles = cli("circles", "--today", TODAY, "--json")
    assert circles.code == 0
    layers = circles.json()["layers"]
    assert [m["name"] for m in layers[0]["members"]][:1] == ["Ana Silva"]
    assert "L5 support clique" in cli("circles", "--today", TODAY).out
    strength = cli("strength", "Ana Silva", "--today", TODAY, "--json")
    assert strength.code == 0
    tie = strength.json()["strength"]
    assert set(tie["parts"]) == {"closeness", "recency", "frequency", "richness", "duration"}
    text = cli("strength", "Bo Chen", "--today", TODAY).out
    assert "weakest part" in text
    value = cli("value", "--today", TODAY, "--json").json()
    assert value["received"] == {"done": 1}
    assert "Opportunities to give" in cli("value", "--today", TODAY).out


def test_calibrate_with_a_sample_file(cli: Cli, tmp_path: Path) -> None:
    _setup(cli)
    for i in range(6):
        cli("add", "person", f"Extra {i}")
        cli(
            "log", "Hi", "--with", f"Extra {i}", "--on", f"2026-0{i + 1}-15", "--channel", "message"
        )
    sample = tmp_path / "rate.csv"
    made = cli("calibrate", "--write-sample", str(sample), "--seed", "3")
    assert made.code == 0, made.err
    with sample.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 9 and set(rows[0]) == {"person", "name", "rating"}
    for n, row in enumerate(rows):
        row["rating"] = str(round(n / 10, 2))
    with sample.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["person", "name", "rating"])
        writer.writeheader()
        writer.writerows(rows)
    before = cli("params", "--json").json()
    result = cli("calibrate", "--ratings", str(sample), "--dry-run", "--json")
    assert result.code == 0, result.err
    report = result.json()
    assert report["ratings"] == 9 and "mae_loo" in report
    assert cli("params", "--json").json() == before  # dry run: nothing stored


def test_calibrate_without_a_terminal_or_ratings_is_refused(cli: Cli) -> None:
    result = cli("calibrate")
    assert result.code == 2
    assert "--ratings FILE" in result.err


def test_params_set_and_reset(cli: Cli) -> None:
    changed = cli("params", "--set", "h_rec=60", "--set", "weights.recency=0.25", "--json")
    assert changed.code == 0, changed.err
    data = changed.json()
    assert data["h_rec"] == 60 and data["weights"]["recency"] == 0.25
    assert cli("params", "--json").json()["h_rec"] == 60
    bad = cli("params", "--set", "h_rec=-3")
    assert bad.code == 2 and bad.err.startswith("error: h_rec must be positive")
    assert cli("params", "--set", "nonsense").code == 2
    assert cli("params", "--reset", "--json").json()["h_rec"] == 90


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("agenda", "--today", "2099-01-01"), "in the future"),
        (("agenda", "--today", "not-a-day"), "today"),
        (("agenda", "--only", "gossip"), "unknown agenda section"),
        (("agenda", "--limit", "0"), "limit must be at least 1"),
        (("done", "Nobody Known"), "nobody called 'Nobody Known'"),
        (("snooze", "me"), "that is you"),
        (("strength", "me"), "that is you"),
        (("value", "--window", "0"), "window_days"),
        (("calibrate", "--ratings", "/no/such/file.csv"), "cannot read ratings"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli: Cli, args: tuple[str, ...], message: str) -> None:
    result = cli(*args)
    assert result.code == 2, (result.code, result.out, result.err)
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err


def test_json_output_is_valid_json_for_an_empty_ledger(cli: Cli) -> None:
    for command in ("agenda", "circles", "value"):
        result = cli(command, "--json")
        assert result.code == 0, result.err
        json.loads(result.out)
