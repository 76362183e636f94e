"""Today: the agenda, each item with its reason and one-click actions.

The agenda of a large ledger takes about a second to compute, so it is cached
until the ledger changes (:mod:`dunbar.web.freshness`); every action below
changes it, so the page after a click is always current.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from dunbar.model import Channel
from dunbar.strength.agenda import KINDS, SECTION_TITLES, Agenda
from dunbar.web.deps import cached, ledger_of, render, scoreboard_of, see_other, writing

router = APIRouter()

CHANNELS = [c.value for c in Channel]
SNOOZE_CHOICES = (3, 7, 14, 30)


def agenda_of(request: Request, limit: int = 10) -> Agenda:
    ledger = ledger_of(request)
    day = ledger.now().astimezone().date().isoformat()
    return cached(
        request,
        f"agenda:{day}:{limit}",
        lambda: ledger.agenda(limit=limit, board=scoreboard_of(request)),
    )


@router.get("/")
def today(request: Request, more: bool = False) -> Response:
    agenda = agenda_of(request, 50 if more else 10)
    sections = [
        (kind, SECTION_TITLES[kind], agenda.sections.get(kind, []), agenda.totals.get(kind, 0))
        for kind in KINDS
    ]
    flash = request.session.pop("flash", None)
    return render(
        request,
        "today.html",
        {
            "agenda": agenda,
            "sections": sections,
            "channels": CHANNELS,
            "snooze_choices": SNOOZE_CHOICES,
            "more": more,
            "flash": flash,
        },
    )


def _back(request: Request, message: str) -> Response:
    request.session["flash"] = message
    target = request.headers.get("referer") or "/"
    # Only come back to a page of this app (the referrer is sent by the browser).
    base = str(request.base_url)
    return see_other(target[len(base) - 1 :] if target.startswith(base) else "/")


@router.post("/agenda/log")
def log_from_agenda(
    request: Request,
    person_id: Annotated[int, Form()],
    channel: Annotated[str, Form(max_length=20)] = "in_person",
    title: Annotated[str, Form(max_length=500)] = "",
    minutes: Annotated[str, Form(max_length=6)] = "",
    when: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    from dunbar.errors import ValidationError

    mins: int | None = None
    if minutes.strip():
        if not minutes.strip().isdigit():
            raise ValidationError(f"minutes must be a whole number, not {minutes!r}")
        mins = int(minutes)
    with writing(request, touched=[person_id]) as ledger:
        person = ledger.person(person_id)
        ledger.log(
            title.strip() or None,
            with_=[person_id],
            channel=channel,
            minutes=mins,
            when=when.strip() or None,
        )
    return _back(request, f"Logged: {channel.replace('_', ' ')} with {person.name}.")


@router.post("/agenda/done")
def done(
    request: Request,
    person_id: Annotated[int, Form()],
    kind: Annotated[str, Form(max_length=20)] = "all",
) -> Response:
    board = scoreboard_of(request)  # for the circle's cadence; not under the write lock
    with writing(request, touched=[person_id]) as ledger:
        person = ledger.person(person_id)
        ledger.done(person_id, kind=kind, board=board)
    return _back(request, f"Done: {person.name}.")


@router.post("/agenda/snooze")
def snooze(
    request: Request,
    person_id: Annotated[int, Form()],
    days: Annotated[int, Form(ge=1, le=3650)] = 7,
    kind: Annotated[str, Form(max_length=20)] = "all",
) -> Response:
    with writing(request, touched=[person_id]) as ledger:
        person = ledger.person(person_id)
        ledger.snooze(person_id, days=days, kind=kind)
    return _back(request, f"Snoozed {person.name} for {days} days.")
