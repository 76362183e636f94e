"""iCalendar import: a generated 10,000-event calendar, against plain ``icalendar``.

    python benchmarks/bench_ics.py [--events 10000] [--series 50] [--json OUT]

The calendar (seeded, deterministic) is what an Outlook or Google export of a
busy few years looks like: ``--events`` single meetings over the three years
before the benchmark's clock, each with 2-5 attendees out of 400 people, a
VTIMEZONE (Europe/Berlin, Outlook's 1601 form), a place or a Zoom link and a
description; plus ``--series`` weekly meetings started in the same years.
Measured in one run, best of three:

1. ``icalendar``: ``Calendar.from_ical`` of the whole file, then every VEVENT's
   DTSTART and attendees read (the naive way: parse, do nothing else);
2. ``recurring-ical-events``: the same parse, then every occurrence up to now;
3. dunbar's parser (``parse_ics``): split, parse per event, expand, attendees,
   channel, duration, initiative (no ledger);
4. the whole import into a fresh SQLite ledger (``Ledger.import_files``);
5. into a ledger that holds that import: the same calendar again (every
   encounter known by its ``source_ref`` and digest, nothing written), and an
   edited export of it (every SUMMARY renamed: every encounter updated in place,
   its title, search entry and participants' tallies), each against 4 in the same
   run (a fresh ledger per repetition; only the re-import is timed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

from common import NOW, fixed_clock, machine_line, temp_dir, write_json

VTIMEZONE = """BEGIN:VTIMEZONE
TZID:W. Europe Standard Time
BEGIN:STANDARD
DTSTART:16011028T030000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010325T020000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
END:DAYLIGHT
END:VTIMEZONE
"""


def calendar(events: int, series: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    people = [f"person{i}@example.org" for i in range(400)]
    start = NOW.replace(tzinfo=None) - dt.timedelta(days=3 * 365)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//dunbar bench//EN", VTIMEZONE.strip()]

    def event(uid: str, when: dt.datetime, rule: str | None) -> None:
        chosen = rng.sample(people, rng.randint(2, 5))
        end = when + dt.timedelta(minutes=45)
        place = (
            "LOCATION:https://us02web.zoom.us/j/123" if rng.random() < 0.4 else "LOCATION:Room 4"
        )
        lines.extend(
            [
                "BEGIN:VEVENT",
                f"UID:{uid}",
                f"DTSTAMP:{when:%Y%m%dT%H%M%S}Z",
                f"DTSTART;TZID=W. Europe Standard Time:{when:%Y%m%dT%H%M%S}",
                f"DTEND;TZID=W. Europe Standard Time:{end:%Y%m%dT%H%M%S}",
                f"SUMMARY:Meeting {uid}",
                place,
                "DESCRIPTION:Agenda: " + " ".join(rng.choice("abcdefgh") * 5 for _ in range(30)),
                "ORGANIZER:mailto:rosa@example.org"
                if rng.random() < 0.5
                else f"ORGANIZER:mailto:{chosen[0]}",
                "ATTENDEE;PARTSTAT=ACCEPTED;CN=Rosa Díaz:mailto:rosa@example.org",
                *(f"ATTENDEE;PARTSTAT=ACCEPTED;CN=Person {p[6:-12]}:mailto:{p}" for p in chosen),
                *([rule] if rule else []),
                "END:VEVENT",
            ]
        )

    for i in range(events):
        when = start + dt.timedelta(minutes=30 * rng.randrange(3 * 365 * 20))
        event(f"single-{i}", when.replace(second=0), None)
    for i in range(series):
        when = start + dt.timedelta(days=rng.randrange(3 * 365), hours=9)
        event(f"series-{i}", when, "RRULE:FREQ=WEEKLY")
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def best(function: object, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--series", type=int, default=50)
    parser.add_argument("--json")
    args = parser.parse_args()
    import icalendar
    import recurring_ical_events

    from dunbar import IdentityKind, Ledger
    from dunbar.importers.formats import ParseOptions
    from dunbar.importers.ics import parse_ics
    from dunbar.importers.records import EncounterRecord

    text = calendar(args.events, args.series)
    results: dict[str, object] = {"events": args.events, "series": args.series}
    with temp_dir() as tmp:
        path = Path(tmp) / "calendar.ics"
        path.write_text(text, encoding="utf-8")
        results["bytes"] = path.stat().st_size

        def plain() -> int:
            cal = icalendar.Calendar.from_ical(path.read_bytes())
            n = 0
            for event in cal.walk("VEVENT"):
                _ = event["DTSTART"].dt, event.get("ATTENDEE")
                n += 1
            return n

        def expanded() -> int:
            cal = icalendar.Calendar.from_ical(path.read_bytes())
            return len(recurring_ical_events.of(cal).between(dt.datetime(2000, 1, 1), NOW))

        def dunbar_parse() -> int:
            options = ParseOptions(file=str(path), me_emails={"rosa@example.org"}, now=NOW)
            with path.open("rb") as stream:
                return sum(isinstance(r, EncounterRecord) for r in parse_ics(stream, options))

        def dunbar_import() -> int:
            db = Path(tmp) / f"ledger-{time.monotonic_ns()}.db"
            with Ledger.init(db, me="Rosa Díaz", clock=fixed_clock) as ledger:
                ledger.edit_person("me", add={IdentityKind.EMAIL: ["rosa@example.org"]})
                report = ledger.import_files([path])
                return report.total("encounters_added")

        edited = Path(tmp) / "edited.ics"
        edited.write_text(text.replace("SUMMARY:Meeting ", "SUMMARY:Renamed meeting "), "utf-8")
        reimports: dict[str, list[tuple[float, int]]] = {"again": [], "edited": []}
        for _ in range(3):
            db = Path(tmp) / f"ledger-{time.monotonic_ns()}.db"
            with Ledger.init(db, me="Rosa Díaz", clock=fixed_clock) as ledger:
                ledger.edit_person("me", add={IdentityKind.EMAIL: ["rosa@example.org"]})
                ledger.import_files([path])
                for key, file, counted in (
                    ("again", path, "encounters_existing"),
                    ("edited", edited, "encounters_updated"),
                ):
                    started = time.perf_counter()
                    report = ledger.import_files([file])
                    took = time.perf_counter() - started
                    # (getattr: a dunbar from before encounters_updated counts 0)
                    done = sum(int(getattr(f, counted, 0)) for f in report.files)
                    reimports[key].append((took, done))

        for name, function in (
            ("icalendar_parse", plain),
            ("recurring_ical_events", expanded),
            ("dunbar_parse_ics", dunbar_parse),
            ("dunbar_import_sqlite", dunbar_import),
        ):
            seconds, count = best(function)
            results[name] = {"seconds": round(seconds, 3), "items": count}
            print(f"{name:24} {seconds:8.2f} s  {count:>7,} items", file=sys.stderr)
        for key, name in (("again", "dunbar_import_again"), ("edited", "dunbar_import_edited")):
            seconds, count = min(reimports[key])
            results[name] = {"seconds": round(seconds, 3), "items": count}
            print(f"{name:24} {seconds:8.2f} s  {count:>7,} items", file=sys.stderr)
    results["machine"] = machine_line()
    print(results)
    write_json(args.json, results)


if __name__ == "__main__":
    main()
