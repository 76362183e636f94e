"""Recording what happens: log, note, favor, intro, know."""

from __future__ import annotations

from typing import Annotated

import typer

from dunbar.cli.app import JsonOption, app, open_ledger
from dunbar.cli.render import done, fmt_when
from dunbar.errors import ValidationError


def _initiative(they: bool, i_did: bool, mutual: bool, explicit: str | None) -> str:
    chosen = [name for flag, name in ((they, "in"), (i_did, "out"), (mutual, "mutual")) if flag]
    if explicit:
        chosen.append(explicit)
    if len(chosen) > 1:
        raise ValidationError(
            "say who took the initiative once (--they-reached-out, --i-reached-out or --mutual)"
        )
    return chosen[0] if chosen else "unknown"


@app.command()
def log(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help='What happened, e.g. "Coffee at Blue Bottle".')],
    with_: Annotated[
        list[str], typer.Option("--with", "-w", help="Who was there (repeat for several).")
    ],
    channel: Annotated[
        str, typer.Option(help="in-person, video, call, event, message, email or reaction.")
    ] = "in-person",
    on: Annotated[
        str | None,
        typer.Option(
            help="When: YYYY-MM-DD, YYYY-MM-DDTHH:MM (local time) or with an offset. Default: now."
        ),
    ] = None,
    minutes: Annotated[int | None, typer.Option(help="How long, in minutes.")] = None,
    they_reached_out: Annotated[bool, typer.Option("--they-reached-out")] = False,
    i_reached_out: Annotated[bool, typer.Option("--i-reached-out")] = False,
    mutual: Annotated[bool, typer.Option("--mutual")] = False,
    initiative: Annotated[str | None, typer.Option(help="out, in, mutual or unknown.")] = None,
    note: Annotated[str | None, typer.Option(help="Notes about the encounter.")] = None,
    create: Annotated[
        bool, typer.Option("--create", help="Add people who are not in the ledger yet.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Log an encounter: a meeting, call, message or event with one or more people."""
    who = _initiative(they_reached_out, i_reached_out, mutual, initiative)
    with open_ledger(ctx) as ledger:
        encounter = ledger.log(
            title,
            with_=with_,
            when=on,
            channel=channel,
            initiative=who,
            minutes=minutes,
            notes_text=note,
            create=create,
        )
        names = [ledger.person(pid).name for pid in encounter.participants]
    done(
        encounter,
        f"Logged #{encounter.id} {encounter.channel.value.replace('_', '-')} "
        f"{fmt_when(encounter.when)} with {', '.join(names)}",
        as_json=as_json,
    )


@app.command()
def note(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="What you learned.")],
    about: Annotated[
        str | None, typer.Option("--about", "-a", help="The person it is about or from.")
    ] = None,
    topic: Annotated[list[str] | None, typer.Option(help="Topic (repeat for several).")] = None,
    on: Annotated[str | None, typer.Option(help="When you learned it (default now).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Write down what you learned, optionally about someone."""
    with open_ledger(ctx) as ledger:
        written = ledger.add_note(text, about=about, topics=topic or [], when=on)
    done(written, f"Noted #{written.id}", as_json=as_json)


@app.command()
def favor(
    ctx: typer.Context,
    what: Annotated[
        str | None, typer.Argument(help="The favour, e.g. 'reviewed the deck'.")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Who received it (default me).")] = None,
    from_: Annotated[str | None, typer.Option("--from", help="Who gave it (default me).")] = None,
    kind: Annotated[str, typer.Option(help="advice, intro, referral, help or other.")] = "help",
    status: Annotated[str, typer.Option(help="asked, promised or done.")] = "done",
    on: Annotated[str | None, typer.Option(help="Date (default today).")] = None,
    update: Annotated[
        int | None, typer.Option("--id", help="Change the status of favour ID.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Record a favour given or received (--to Ana: I helped Ana; --from Ana: Ana helped me)."""
    with open_ledger(ctx) as ledger:
        if update is not None:
            if what or to or from_:
                raise ValidationError(
                    "--id changes a favour's status only; give just --id and --status"
                )
            favour = ledger.set_favour_status(update, status)
        else:
            if not what:
                raise ValidationError("say what the favour was")
            if to is None and from_ is None:
                raise ValidationError("say who it was for (--to) or from (--from)")
            favour = ledger.add_favour(
                from_ or "me", to or "me", what, kind=kind, on=on, status=status
            )
    done(
        favour,
        f"Favour #{favour.id}: {favour.what} ({favour.kind.value}, {favour.status.value})",
        as_json=as_json,
    )


@app.command()
def intro(
    ctx: typer.Context,
    a: Annotated[str | None, typer.Argument(help="First person introduced.")] = None,
    b: Annotated[str | None, typer.Argument(help="Second person introduced.")] = None,
    by: Annotated[str, typer.Option("--by", help="Who made the introduction.")] = "me",
    reason: Annotated[str | None, typer.Option(help="Why they should meet.")] = None,
    on: Annotated[str | None, typer.Option(help="Date (default today).")] = None,
    outcome: Annotated[
        str, typer.Option(help="pending, met, worked-together or nothing.")
    ] = "pending",
    update: Annotated[int | None, typer.Option("--id", help="Set the outcome of intro ID.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Record an introduction you (or someone) brokered, and later its outcome."""
    with open_ledger(ctx) as ledger:
        if update is not None:
            if a or b:
                raise ValidationError("--id changes an introduction's outcome only")
            made = ledger.set_introduction_outcome(update, outcome)
        else:
            if not a or not b:
                raise ValidationError("name the two people introduced")
            made = ledger.add_introduction(a, b, broker=by, reason=reason, on=on, outcome=outcome)
        names = {
            pid: ledger.person(pid).name
            for pid in (made.broker_id, made.person_a_id, made.person_b_id)
        }
    done(
        made,
        f"Introduction #{made.id}: {names[made.broker_id]} introduced "
        f"{names[made.person_a_id]} and {names[made.person_b_id]} "
        f"({made.outcome.value})",
        as_json=as_json,
    )


@app.command()
def know(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="One person.")],
    b: Annotated[str, typer.Argument(help="Another person who knows them.")],
    strength: Annotated[float | None, typer.Option(help="How well, 0 to 1.")] = None,
    on: Annotated[str | None, typer.Option(help="Since when (YYYY-MM-DD).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Record that two of your contacts know each other."""
    with open_ledger(ctx) as ledger:
        tie = ledger.know(a, b, strength=strength, on=on)
        names = [ledger.person(tie.person_a_id).name, ledger.person(tie.person_b_id).name]
    done(tie, f"Noted: {names[0]} and {names[1]} know each other", as_json=as_json)
