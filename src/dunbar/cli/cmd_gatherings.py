"""Gatherings: new, list, show, invite, rsvp, close."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from dunbar.cli.app import JsonOption, app, open_ledger
from dunbar.cli.render import console, done, emit_json
from dunbar.errors import ValidationError

gathering_app = typer.Typer(
    help="Supper clubs and events: plan them from your relationships, then log them.",
    no_args_is_help=True,
)
app.add_typer(gathering_app, name="gathering")

GatheringArg = Annotated[str, typer.Argument(help="The gathering: its id or its name.")]


@gathering_app.command("new")
def new(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="What it is called, e.g. 'Mid-week supper'.")],
    on: Annotated[str, typer.Option("--on", help="The day (YYYY-MM-DD, today, ...).")],
    kind: Annotated[str, typer.Option(help="dinner, event or meetup.")] = "dinner",
    capacity: Annotated[int | None, typer.Option(help="Seats, if limited.")] = None,
    venue: Annotated[str | None, typer.Option(help="Where.")] = None,
    series: Annotated[
        str | None, typer.Option(help="The recurring club it belongs to, e.g. 'Supper club'.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Create a gathering (an evening of a recurring club with --series)."""
    with open_ledger(ctx) as ledger:
        g = ledger.add_gathering(
            name, on=on, kind=kind, capacity=capacity, venue=venue, series=series
        )
    seats = f", {g.capacity} seats" if g.capacity else ""
    seats += f", series {g.series}" if g.series else ""
    done(
        g,
        f"Gathering #{g.id}: {g.name}, {g.kind.value} on {g.on.isoformat()}{seats}",
        as_json=as_json,
    )


@gathering_app.command("list")
def list_(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Every gathering, newest first, with its guests by status."""
    with open_ledger(ctx) as ledger:
        rows = ledger.gatherings()
    if as_json:
        emit_json(rows)
        return
    out = console()
    if not rows:
        out.print("No gatherings yet: dunbar gathering new NAME --on DATE", markup=False)
    for r in rows:
        g = r.gathering
        counts = ", ".join(f"{n} {status.replace('_', '-')}" for status, n in r.counts.items())
        state = " (logged)" if r.closed else ""
        out.print(
            f"#{g.id} {g.on.isoformat()} {g.name} [{g.kind.value}]{state}"
            + (f": {counts}" if counts else ""),
            markup=False,
        )


@gathering_app.command("show")
def show(ctx: typer.Context, gathering: GatheringArg, as_json: JsonOption = False) -> None:
    """A gathering: its guests, its seating by round and table, its follow-ups."""
    with open_ledger(ctx) as ledger:
        view = ledger.gathering_view(gathering)
    if as_json:
        emit_json(view)
        return
    out = console()
    g = view.gathering
    where = f" at {g.venue}" if g.venue else ""
    out.print(
        f"#{g.id} {g.name}, {g.kind.value} on {g.on.isoformat()}{where}"
        + (" (logged)" if view.closed else ""),
        style="bold",
        markup=False,
    )
    for guest in view.guests:
        out.print(f"  {guest.status.value.replace('_', '-'):<9} {guest.name}", markup=False)
    for rnd, tables in sorted(view.seating.items()):
        out.print(f"Round {rnd}", style="bold", markup=False)
        for table, seated in sorted(tables.items()):
            out.print(f"  table {table}: {', '.join(n for _p, n in seated)}", markup=False)
    for f in view.follow_ups:
        mark = "done" if f.done else f"due {f.due.isoformat()}"
        out.print(f"  follow-up ({mark}): {f.reason}", markup=False)


@gathering_app.command("invite")
def invite(
    ctx: typer.Context,
    gathering: GatheringArg,
    people: Annotated[list[str] | None, typer.Argument(help="Who to invite.")] = None,
    members: Annotated[
        bool, typer.Option("--members", help="Also invite every member of its series.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Invite people (those who already answered keep their answer)."""
    with open_ledger(ctx) as ledger:
        result = ledger.invite(gathering, people or [], members=members)
    done(result, f"{len(result)} invited", as_json=as_json)


@gathering_app.command("rsvp")
def rsvp(
    ctx: typer.Context,
    gathering: GatheringArg,
    person: Annotated[str, typer.Argument(help="The guest.")],
    status: Annotated[str, typer.Argument(help="invited, confirmed, attended or no-show.")],
    as_json: JsonOption = False,
) -> None:
    """Record an answer or attendance: invited, confirmed, attended, no-show."""
    with open_ledger(ctx) as ledger:
        result = ledger.rsvp(gathering, person, status)
    done(result, f"{person}: {result.status.value.replace('_', '-')}", as_json=as_json)


@gathering_app.command("close")
def close(
    ctx: typer.Context,
    gathering: GatheringArg,
    minutes: Annotated[int | None, typer.Option(help="How long it lasted.")] = None,
    follow_up_days: Annotated[
        int, typer.Option(help="Follow-ups for new contacts are due this many days after.")
    ] = 2,
    as_json: JsonOption = False,
) -> None:
    """After the gathering: log it as an in-person encounter with everyone who attended,
    record who met whom (same table), and put follow-ups for new contacts on the agenda."""
    with open_ledger(ctx) as ledger:
        report = ledger.close_gathering(gathering, minutes=minutes, follow_up_days=follow_up_days)
    done(
        report,
        f"Logged: {report.attended} attended, {report.pairs_met} pairs met, "
        f"{len(report.follow_ups)} follow-ups on the agenda",
        as_json=as_json,
    )


def _pair(text: str, what: str) -> tuple[str, str]:
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2 or not all(parts):
        raise ValidationError(f"--{what} takes two people separated by a comma, not {text!r}")
    return parts[0], parts[1]


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(p) for p in text.replace(" ", "").split(",") if p]
    except ValueError:
        raise ValidationError(f"--tables takes sizes separated by commas, not {text!r}") from None
    if not sizes:
        raise ValidationError("--tables needs at least one table size")
    return sizes


@gathering_app.command("plan")
def plan(
    ctx: typer.Context,
    gathering: GatheringArg,
    tables: Annotated[str, typer.Option(help="Table sizes, e.g. 5,5,5 (they may differ).")],
    rounds: Annotated[int, typer.Option(help="Courses, evenings or rotations.")] = 1,
    together: Annotated[
        list[str] | None, typer.Option(help="Seat these two together: 'A,B' (repeatable).")
    ] = None,
    apart: Annotated[
        list[str] | None, typer.Option(help="Keep these two apart: 'A,B' (repeatable).")
    ] = None,
    host: Annotated[
        list[str] | None, typer.Option(help="A host, one per table (repeatable).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Same seed, same plan.")] = 0,
    time_limit: Annotated[float, typer.Option(help="Seconds the search may take.")] = 5.0,
    save: Annotated[bool, typer.Option("--save/--no-save", help="Store the seating.")] = True,
    as_json: JsonOption = False,
) -> None:
    """Seat the confirmed guests over several rounds: new pairs meet, promising pairs meet
    again, tables stay diverse; every table says why, and the plan says how close to the
    best possible it is."""
    with open_ledger(ctx) as ledger:
        result = ledger.plan_gathering(
            gathering,
            tables=_sizes(tables),
            rounds=rounds,
            together=[_pair(t, "together") for t in together or ()],
            apart=[_pair(t, "apart") for t in apart or ()],
            hosts=host or (),
            seed=seed,
            time_limit=time_limit,
            save=save,
        )
    p = result.plan
    if as_json:
        emit_json(
            {
                "gathering": result.gathering,
                "rounds": result.tables,
                "objective": p.objective,
                "bounds": p.bounds,
                "quality": p.quality,
                "repeats": p.repeats,
                "seconds": p.seconds,
                "saved": result.saved,
            }
        )
        return
    out = console()
    for r, tables_ in enumerate(result.tables, start=1):
        out.print(f"Round {r}", style="bold", markup=False)
        for t, (names, why) in enumerate(tables_, start=1):
            out.print(f"  table {t}: {', '.join(names)}", markup=False)
            out.print(f"    {why}", style="dim", markup=False)
    o = p.objective
    out.print(
        f"{o.new_pairs} new pairs, {p.repeats} repeats; {p.quality} "
        f"({p.method}, {p.seconds:.1f} s)" + ("; saved" if result.saved else ""),
        markup=False,
    )


@gathering_app.command("match")
def match(
    ctx: typer.Context,
    gathering: GatheringArg,
    slots: Annotated[int, typer.Option(help="How many rounds of 1:1 meetings.")],
    available: Annotated[
        list[str] | None,
        typer.Option(help="Someone's slots, e.g. 'Ana Silva=1,2' (repeatable; default all)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Same seed, same plan.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """1:1 meetings among the confirmed guests: the most valuable matching per slot, no pair
    twice, everyone only in their slots."""
    availability: dict[str, list[int]] = {}
    for item in available or ():
        who, sep, when = item.rpartition("=")
        try:
            availability[who.strip()] = [int(s) for s in when.split(",") if s.strip()]
        except ValueError:
            raise ValidationError(f"--available takes 'NAME=1,2', not {item!r}") from None
        if not sep or not who.strip():
            raise ValidationError(f"--available takes 'NAME=1,2', not {item!r}")
    with open_ledger(ctx) as ledger:
        report = ledger.match_gathering(
            gathering, slots=slots, availability=availability, seed=seed
        )
    if as_json:
        emit_json(
            {
                "gathering": report.gathering,
                "slots": report.meetings,
                "total": report.plan.total,
                "greedy": report.plan.baseline,
            }
        )
        return
    out = console()
    for s, meetings in enumerate(report.meetings, start=1):
        out.print(f"Slot {s}", style="bold", markup=False)
        for a, b, reasons in meetings:
            why = f" — {reasons[0]}" if reasons else ""
            out.print(f"  {a} & {b}{why}", markup=False)
    out.print(report.plan.explain().splitlines()[0], markup=False)


@gathering_app.command("suggest-guests")
def suggest(
    ctx: typer.Context,
    gathering: GatheringArg,
    limit: Annotated[int | None, typer.Option(help="How many (default: the capacity).")] = None,
    seed: Annotated[int, typer.Option(help="Same seed, same list.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Who to invite and why: overdue and dormant ties, and pairs who should meet; a mix of
    strong and weak ties, diverse by organisation."""
    with open_ledger(ctx) as ledger:
        result = ledger.suggest_guests(gathering, limit=limit, seed=seed)
    if as_json:
        emit_json(result)
        return
    console().print(result.explain(), markup=False)


@gathering_app.command("export")
def export(
    ctx: typer.Context,
    gathering: GatheringArg,
    format_: Annotated[
        str, typer.Option("--format", "-f", help="csv, or html (table lists and place cards).")
    ] = "csv",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="File (default stdout).")] = None,
) -> None:
    """The seating plan as CSV, or as a printable page of table lists and place cards."""
    with open_ledger(ctx) as ledger:
        text = ledger.export_seating(gathering, format_)
    if out is None:
        sys.stdout.write(text)
        return
    try:
        out.expanduser().write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ValidationError(f"cannot write {out}: {exc.strerror or exc}") from None
    console().print(f"Wrote the seating of {gathering} to {out}", markup=False)
