"""dunbar gathering new / invite / rsvp / show / list / close through the real entry point,
on both backends."""

from __future__ import annotations

from typing import Any


def test_cli_lifecycle(cli: Any) -> None:
    for name in ("Ana Silva", "Bo Chen"):
        assert cli("add", "person", name).code == 0
    made = cli("gathering", "new", "Mid-week supper", "--on", "2026-11-18", "--capacity", "15")
    assert made.code == 0, made.err
    assert made.out.startswith("Gathering #1: Mid-week supper, dinner on 2026-11-18, 15 seats")
    assert cli("gathering", "invite", "1", "Ana Silva", "Bo Chen").out.strip() == "2 invited"
    assert cli("gathering", "rsvp", "Mid-week supper", "Ana Silva", "attended").code == 0
    assert cli("gathering", "rsvp", "1", "Bo Chen", "attended").code == 0
    shown = cli("gathering", "show", "1")
    assert "attended  Ana Silva" in shown.out
    closed = cli("gathering", "close", "1", "--minutes", "120")
    assert closed.code == 0, closed.err
    assert "Logged: 2 attended, 1 pairs met, 2 follow-ups on the agenda" in closed.out
    listed = cli("gathering", "list", "--json").json()
    assert listed[0]["closed"] is True and listed[0]["counts"] == {"attended": 2}
    again = cli("gathering", "close", "1")
    assert again.code == 2 and again.err.strip().startswith("error: gathering #1 is closed")
    bad = cli("gathering", "rsvp", "1", "Ana Silva", "perhaps")
    assert bad.code == 2 and "Traceback" not in bad.err
    unknown = cli("gathering", "show", "Brunch")
    assert unknown.code == 2 and "no gathering named 'Brunch'" in unknown.err


def test_cli_plan_match_suggest(cli: Any) -> None:
    for i in range(6):
        assert cli("add", "person", f"Guest {i}", "--org", f"Org {i % 2}").code == 0
    assert cli("gathering", "new", "Supper", "--on", "2026-12-30", "--capacity", "6").code == 0
    suggested = cli("gathering", "suggest-guests", "Supper", "--json")
    assert suggested.code == 0, suggested.err
    assert suggested.json()["capacity"] == 6
    assert cli("gathering", "invite", "Supper", *[f"Guest {i}" for i in range(6)]).code == 0
    for i in range(6):
        assert cli("gathering", "rsvp", "Supper", f"Guest {i}", "confirmed").code == 0
    plan = cli(
        "gathering", "plan", "Supper", "--tables", "3,3", "--rounds", "2", "--time-limit", "1"
    )
    assert plan.code == 0, plan.err
    assert "Round 1" in plan.out and "Round 2" in plan.out and "; saved" in plan.out
    assert "table 2:" in plan.out
    data = cli(
        "gathering", "plan", "Supper", "--tables", "3,3", "--no-save", "--json", "--time-limit", "1"
    ).json()
    assert data["saved"] is False and len(data["rounds"]) == 1
    shown = cli("gathering", "show", "Supper")
    assert "Round 2" in shown.out  # the saved two-round plan is still there
    matched = cli("gathering", "match", "Supper", "--slots", "2", "--available", "Guest 0=1")
    assert matched.code == 0, matched.err
    assert "Slot 1" in matched.out and "Slot 2" in matched.out
    slot2 = matched.out.split("Slot 2", 1)[1]
    assert "Guest 0" not in slot2.split("slots,")[0]
    for args, message in (
        (("--tables", "3"), "6 guests, 3 seats"),
        (("--tables", "3,x"), "--tables takes sizes"),
        (("--tables", "3,3", "--together", "Guest 1"), "--together takes two people"),
    ):
        bad = cli("gathering", "plan", "Supper", *args)
        assert bad.code == 2 and message in bad.err and "Traceback" not in bad.err
    wrong = cli("gathering", "match", "Supper", "--slots", "2", "--available", "nobody")
    assert wrong.code == 2 and "--available takes" in wrong.err


def test_cli_seating_export(cli: Any, tmp_path: Any) -> None:
    for i in range(4):
        assert cli("add", "person", f"Guest {i}").code == 0
    assert cli("gathering", "new", "Supper", "--on", "2026-12-30").code == 0
    assert cli("gathering", "invite", "Supper", *[f"Guest {i}" for i in range(4)]).code == 0
    for i in range(4):
        assert cli("gathering", "rsvp", "Supper", f"Guest {i}", "confirmed").code == 0
    assert cli("gathering", "plan", "Supper", "--tables", "2,2", "--time-limit", "1").code == 0
    out = cli("gathering", "export", "Supper")
    assert out.code == 0 and out.out.splitlines()[0] == "round,table,seat,person_id,name"
    assert len(out.out.splitlines()) == 5
    page = tmp_path / "cards.html"
    done = cli("gathering", "export", "Supper", "--format", "html", "--out", str(page))
    assert done.code == 0 and page.read_text(encoding="utf-8").count('class="card"') == 4
    bad = cli("gathering", "export", "Supper", "--format", "pdf")
    assert bad.code == 2 and "unknown seating format" in bad.err


def test_cli_series_members(cli: Any) -> None:
    for i in range(3):
        assert cli("add", "person", f"Member {i}").code == 0
    made = cli("gathering", "new", "Night 1", "--on", "2026-11-04", "--series", "Supper club")
    assert made.code == 0 and "series Supper club" in made.out
    for i in range(3):
        assert cli("gathering", "rsvp", "Night 1", f"Member {i}", "attended").code == 0
    assert cli("gathering", "close", "Night 1").code == 0
    assert (
        cli("gathering", "new", "Night 2", "--on", "2026-12-30", "--series", "Supper club").code
        == 0
    )
    invited = cli("gathering", "invite", "Night 2", "--members")
    assert invited.code == 0 and invited.out.strip() == "3 invited"
    nothing = cli("gathering", "invite", "Night 2")
    assert nothing.code == 2 and "name at least one person" in nothing.err
