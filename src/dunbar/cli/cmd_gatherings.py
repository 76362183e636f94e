"""Gatherings: new, list, show, invite, rsvp, close."""

from __future__ import annotations

from typing import Annotated

import typer

from dunbar.cli.app import JsonOption, app, open_ledger
from dunbar.cli.render import console, done, emit_json

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
    as_json: JsonOption = False,
) -> None:
    """Create a gathering."""
    with open_ledger(ctx) as ledger:
        g = ledger.add_gathering(name, on=on, kind=kind, capacity=capacity, venue=venue)
    seats = f", {g.capacity} seats" if g.capacity else ""
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
    people: Annotated[list[str], typer.Argument(help="Who to invite.")],
    as_json: JsonOption = False,
) -> None:
    """Invite people (those who already answered keep their answer)."""
    with open_ledger(ctx) as ledger:
        result = ledger.invite(gathering, people)
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
