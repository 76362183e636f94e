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
