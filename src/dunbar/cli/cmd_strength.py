"""Keeping relationships alive: agenda, done, snooze, circles, strength, value, calibrate."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dunbar.cli.app import JsonOption, app, open_ledger
from dunbar.cli.progress import interactive, progress_bar
from dunbar.cli.render import console, done, emit_json, to_jsonable
from dunbar.errors import UsageError

if TYPE_CHECKING:
    from dunbar.strength.agenda import Agenda, AgendaItem

TodayOption = Annotated[
    str | None,
    typer.Option("--today", help="Score as of this day (YYYY-MM-DD), for reproducible output."),
]
KindOption = Annotated[
    str,
    typer.Option(
        "--kind", help="all, or one section: follow_up, favour, fading, dormant, occasion."
    ),
]


def _item_json(item: AgendaItem) -> dict[str, Any]:
    out: dict[str, Any] = to_jsonable(item)
    out["key"] = item.key
    return out


def _agenda_json(agenda: Agenda) -> dict[str, Any]:
    return {
        "today": agenda.today.isoformat(),
        "sections": {k: [_item_json(i) for i in v] for k, v in agenda.sections.items()},
        "totals": agenda.totals,
        "hidden": agenda.hidden,
        "notes": agenda.notes,
    }


@app.command()
def agenda(
    ctx: typer.Context,
    today: TodayOption = None,
    limit: Annotated[int, typer.Option(help="At most this many items per section.")] = 5,
    only: Annotated[
        list[str] | None,
        typer.Option("--only", help="Show only this section (repeatable)."),
    ] = None,
    ics: Annotated[
        Path | None,
        typer.Option(
            "--ics", help="Also write the agenda as an iCalendar feed for your calendar app."
        ),
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show why each tie scores as it does.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Whom to reach out to today, and why: follow-ups, favours, fading and dormant ties,
    occasions.

    Each item has its reason. Logging an encounter with someone clears their items;
    `dunbar done PERSON` and `dunbar snooze PERSON` hide them.
    """
    with open_ledger(ctx) as ledger, progress_bar(interactive(as_json)) as progress:
        result = ledger.agenda(today=today, limit=limit, kinds=only or None, progress=progress)
        now = ledger.now()
    if ics is not None:
        from dunbar.exporters.agenda_ics import agenda_to_ics

        try:
            ics.expanduser().write_bytes(agenda_to_ics(result, now=now))
        except OSError as exc:
            raise UsageError(f"cannot write {ics}: {exc.strerror or exc}") from None
    if as_json:
        emit_json(_agenda_json(result))
        return
    _show_agenda(result, explain=explain, ics=ics)


def _show_agenda(result: Agenda, *, explain: bool, ics: Path | None) -> None:
    from rich.text import Text

    from dunbar.strength.agenda import SECTION_TITLES

    out = console()
    out.print(Text(f"Agenda for {result.today:%A %d %B %Y}", style="bold"))
    for line in result.notes:
        out.print(Text(line))
    shown = 0
    for kind, items in result.sections.items():
        total = result.totals.get(kind, 0)
        if not items:
            continue
        more = f" ({len(items)} of {total})" if total > len(items) else ""
        out.print(Text(f"\n{SECTION_TITLES[kind]}{more}", style="bold"))
        for item in items:
            shown += 1
            out.print(Text(f"  • {item.reason}"))
            out.print(Text(f"    → {item.suggestion}", style="dim"))
            if explain:
                for line in item.details:
                    out.print(Text(f"      {line}", style="dim"))
    if not shown and not result.notes:
        out.print(Text("\nNothing due today. Your relationships are in good shape."))
    if result.hidden:
        out.print(Text(f"\n{result.hidden} items hidden by done or snooze.", style="dim"))
    if ics is not None:
        out.print(Text(f"Wrote the agenda feed to {ics}", style="dim"))


@app.command("done")
def done_cmd(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="Who you took care of.")],
    kind: KindOption = "all",
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Mark a person's agenda items done: open follow-ups are completed, and the items
    stay hidden until they are due again (with --kind favour: the favours you promised
    them are marked done)."""
    with open_ledger(ctx) as ledger:
        result = ledger.done(person, kind=kind, today=today)
    parts = []
    if result["follow_ups_completed"]:
        parts.append(f"{result['follow_ups_completed']} follow-ups completed")
    if result["favours_done"]:
        parts.append(f"{result['favours_done']} favours done")
    until = result["hidden_until"]
    if until:
        parts.append("hidden until " + max(until.values()))
    done(
        result,
        f"Done: {result['name']}" + (f" ({'; '.join(parts)})" if parts else ""),
        as_json=as_json,
    )


@app.command()
def snooze(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="Whose agenda items to hide.")],
    days: Annotated[int, typer.Option(help="For how many days.")] = 7,
    kind: KindOption = "all",
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Hide a person's agenda items for a while."""
    with open_ledger(ctx) as ledger:
        result = ledger.snooze(person, days=days, kind=kind, today=today)
    done(result, f"Snoozed {result['name']} until {result['until']}", as_json=as_json)


@app.command()
def circles(
    ctx: typer.Context,
    today: TodayOption = None,
    members: Annotated[int, typer.Option(help="Members to list per circle (0: counts only).")] = 15,
    as_json: JsonOption = False,
) -> None:
    """Your Dunbar circles (5 / 15 / 50 / 150 / 500 / 1500), with who is overdue."""
    with open_ledger(ctx) as ledger, progress_bar(interactive(as_json)) as progress:
        result = ledger.circles(today=today, progress=progress)
    if as_json:
        emit_json(result)
        return
    from rich.text import Text

    out = console()
    out.print(Text(f"Circles on {result.today:%d %B %Y}", style="bold"))
    for layer in result.layers:
        if not layer.members:
            continue
        cadence = f", every {layer.cadence_days} days" if layer.cadence_days else ""
        overdue = f", {layer.overdue} overdue" if layer.overdue else ""
        out.print(
            Text(
                f"\nL{layer.size} {layer.name}: {len(layer.members)} people{cadence}{overdue}",
                style="bold",
            )
        )
        for m in layer.members[: max(members, 0)]:
            flags = [f for f, on in (("pinned", m.pinned), ("kin", m.kin)) if on]
            since = "never" if m.days_since_contact is None else f"{m.days_since_contact} d ago"
            late = f"  {m.overdue:.1f}× overdue" if m.overdue is not None and m.overdue >= 1 else ""
            score = "—" if m.score is None else f"{m.score:.2f}"
            tail = f" ({', '.join(flags)})" if flags else ""
            out.print(Text(f"  {score}  {m.name}{tail}  last contact {since}{late}"))
        if len(layer.members) > members > 0:
            out.print(Text(f"  … and {len(layer.members) - members} more", style="dim"))
    if result.unplaced or result.unknown:
        out.print(
            Text(
                f"\n{result.unplaced} beyond the outer circle; {result.unknown} with nothing "
                "logged or declared yet",
                style="dim",
            )
        )


@app.command()
def strength(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="Id, email, phone or name.")],
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """How strong a tie is, its named parts, and why (the answer to "why is this weak?")."""
    with open_ledger(ctx) as ledger:
        report = ledger.tie(person, today=today)
    if as_json:
        emit_json(report)
        return
    from rich.table import Table
    from rich.text import Text

    out = console()
    tie = report.strength
    score = "unknown" if tie.score is None else f"{tie.score:.2f}"
    place = report.placement
    where = f", circle L{place.layer}" if place is not None and place.layer else ""
    out.print(Text(f"{report.name}: strength {score} ({tie.status}{where})", style="bold"))
    if tie.parts:
        table = Table(show_edge=False)
        for col in ("part", "value", "weight", "costs"):
            table.add_column(col, justify="left" if col == "part" else "right")
        for name, value in tie.parts.items():
            table.add_row(name, f"{value:.2f}", f"{tie.weights[name]:.2f}", f"{tie.loss(name):.3f}")
        out.print(table)
    for line in report.explanation:
        out.print(Text(f"  • {line}"))
    if report.peak is not None and tie.score is not None and report.peak > tie.score + 0.05:
        out.print(Text(f"  • at its strongest it was {report.peak:.2f}"))


@app.command()
def value(
    ctx: typer.Context,
    today: TodayOption = None,
    window: Annotated[int, typer.Option(help="Look back this many days.")] = 365,
    as_json: JsonOption = False,
) -> None:
    """Your value to others: who seeks you out and what for, and your give/ask balance."""
    with open_ledger(ctx) as ledger:
        report = ledger.value(today=today, window_days=window)
    if as_json:
        emit_json(report)
        return
    from rich.text import Text

    out = console()
    out.print(Text(f"What you bring to others (past {report.window_days} days)", style="bold"))
    for line in report.summary:
        out.print(Text(f"  • {line}"))
    if report.seekers:
        out.print(Text("\nWho comes to you", style="bold"))
        for b in report.seekers:
            out.print(Text(f"  {b.name}: started {b.inbound} of {b.inbound + b.outbound}"))
    if report.sought:
        out.print(Text("\nTies you keep going", style="bold"))
        for b in report.sought:
            out.print(Text(f"  {b.name}: you started {b.outbound} of {b.inbound + b.outbound}"))
    if report.profile:
        out.print(Text("\nWhat people come to you for", style="bold"))
        for tag, share in report.profile.items():
            out.print(Text(f"  {tag}: {share:.0%}"))
    if report.opportunities:
        out.print(Text("\nOpportunities to give", style="bold"))
        for line in report.opportunities:
            out.print(Text(f"  • {line}"))


@app.command()
def calibrate(
    ctx: typer.Context,
    ratings: Annotated[
        Path | None,
        typer.Option(help="Ratings file (CSV person,rating or JSON) instead of asking."),
    ] = None,
    sample: Annotated[int, typer.Option(help="How many people to rate.")] = 20,
    seed: Annotated[int | None, typer.Option(help="Seed for choosing whom to rate.")] = None,
    write_sample: Annotated[
        Path | None,
        typer.Option(help="Write the people to rate to this CSV, to fill in and pass back."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report the fit; keep the current parameters.")
    ] = False,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Fit tie strength to your own ratings of about 20 people (Gilbert & Karahalios).

    The new parameters are kept only if they predict your ratings better than the
    current ones on ratings they were not fitted to (leave-one-out).
    """
    with open_ledger(ctx) as ledger:
        if write_sample is not None:
            entries = ledger.calibration_sample(sample, seed=seed, today=today)
            _write_sample(write_sample, entries)
            done(
                entries,
                f"Wrote {len(entries)} people to rate to {write_sample}; fill in the rating "
                f"column (0 to 1) and run `dunbar calibrate --ratings {write_sample}`",
                as_json=as_json,
            )
            return
        if ratings is not None:
            from dunbar.facade.calibration import read_ratings

            given: list[tuple[str | int, float]] = list(read_ratings(ratings))
        else:
            if not sys.stdin.isatty():
                raise UsageError(
                    "calibrate asks you to rate people: run it in a terminal, or pass "
                    "--ratings FILE (make one with --write-sample FILE)"
                )
            entries = ledger.calibration_sample(sample, seed=seed, today=today)
            given = _ask(entries)
        report = ledger.calibrate(given, today=today, apply=not dry_run)
    if as_json:
        emit_json(report)
        return
    from rich.text import Text

    for line in report.explain():
        console().print(Text(f"  • {line}"))
    if dry_run and report.adopted:
        console().print(Text("  (dry run: nothing was stored)"))


def _write_sample(path: Path, entries: list[Any]) -> None:
    import csv

    try:
        with path.expanduser().open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["person", "name", "rating"])
            for e in entries:
                writer.writerow([e.person_id, e.name, ""])
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def _ask(entries: list[Any]) -> list[tuple[str | int, float]]:
    out: list[tuple[str | int, float]] = []
    console().print(
        "How strong is your relationship with each of these people? "
        "0 = barely know them, 1 = as close as it gets; Enter to skip."
    )
    for e in entries:
        while True:
            answer = typer.prompt(f"  {e.name}", default="", show_default=False).strip()
            if not answer:
                break
            try:
                rating = float(answer)
            except ValueError:
                console().print("    a number from 0 to 1, please")
                continue
            if 0 <= rating <= 1:
                out.append((e.person_id, rating))
                break
            console().print("    a number from 0 to 1, please")
    return out


@app.command()
def params(
    ctx: typer.Context,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="KEY=VALUE, e.g. h_rec=60 or weights.recency=0.3 (repeatable; JSON values).",
        ),
    ] = None,
    reset: Annotated[bool, typer.Option("--reset", help="Back to the defaults.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Show or change this ledger's strength parameters (weights, half-lives, circles)."""
    import json

    changes: dict[str, Any] = {}
    for item in set_ or []:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set takes KEY=VALUE, not {item!r}")
        try:
            parsed: Any = json.loads(raw)
        except json.JSONDecodeError:
            parsed = raw
        head, _, sub = key.strip().partition(".")
        if sub:
            changes.setdefault(head, {})[sub] = parsed
        else:
            changes[head] = parsed
    with open_ledger(ctx) as ledger:
        if reset:
            current = ledger.reset_strength_params()
        elif changes:
            current = ledger.set_strength_params(changes)
        else:
            current = ledger.strength_params()
    data = current.to_dict()
    if as_json:
        emit_json(data)
        return
    from rich.text import Text

    for key, val in data.items():
        console().print(Text(f"{key}: {json.dumps(val)}"))
