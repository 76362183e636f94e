"""``/api/v1``: the agenda (with reasons), done and snooze, tie strength and circles."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request

from dunbar.web.api.schemas import (
    ERRORS,
    MAX_ID,
    AgendaOut,
    CirclesOut,
    DoneIn,
    DoneOut,
    PlacementOut,
    SnoozeIn,
    SnoozeOut,
    StrengthOut,
)
from dunbar.web.deps import cached, ledger_of, scoreboard_of, writing

router = APIRouter(responses=ERRORS)

PersonId = Annotated[int, Path(ge=1, le=MAX_ID)]
Section = Literal["follow_up", "favour", "fading", "dormant", "occasion"]


@router.get("/agenda", tags=["agenda"], summary="Whom to reach out to, and why, by section")
def agenda(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=500, description="Items per section.")] = 10,
    section: Annotated[list[Section] | None, Query(max_length=5)] = None,
) -> AgendaOut:
    ledger = ledger_of(request)
    day = ledger.now().astimezone().date().isoformat()
    kinds = sorted(set(section)) if section else None
    # The same cache key as the Today page for the whole agenda.
    key = f"agenda:{day}:{limit}" if kinds is None else f"agenda:{day}:{limit}:{','.join(kinds)}"
    result = cached(
        request,
        key,
        lambda: ledger.agenda(limit=limit, kinds=kinds, board=scoreboard_of(request)),
    )
    return AgendaOut.of(result)


@router.post(
    "/agenda/{person_id}/done",
    tags=["agenda"],
    summary="I have taken care of this person's agenda items",
)
def done(request: Request, person_id: PersonId, body: DoneIn | None = None) -> DoneOut:
    board = scoreboard_of(request)  # for the circle's cadence; not under the write lock
    with writing(request, touched=[person_id]) as ledger:
        result = ledger.done(person_id, kind=(body or DoneIn()).kind, board=board)
    return DoneOut.model_validate(result)


@router.post(
    "/agenda/{person_id}/snooze",
    tags=["agenda"],
    summary="Hide this person's agenda items for some days",
)
def snooze(request: Request, person_id: PersonId, body: SnoozeIn | None = None) -> SnoozeOut:
    chosen = body or SnoozeIn()
    with writing(request, touched=[person_id]) as ledger:
        result = ledger.snooze(person_id, days=chosen.days, kind=chosen.kind)
    return SnoozeOut.model_validate(result)


@router.get(
    "/people/{person_id}/strength",
    tags=["strength"],
    summary="How strong a tie is: its parts and why",
)
def strength(request: Request, person_id: PersonId) -> StrengthOut:
    report = ledger_of(request).tie(person_id)
    tie = report.strength
    return StrengthOut(
        person_id=report.person_id,
        name=report.name,
        today=report.today,
        score=tie.score,
        status=tie.status,
        parts=dict(tie.parts),
        weights=dict(tie.weights),
        weakest=tie.weakest,
        explanation=list(report.explanation),
        placement=None if report.placement is None else PlacementOut.of(report.placement),
        peak=report.peak,
        episodes=tie.episodes,
        last_contact_days=tie.last_contact_days,
        days_known=tie.days_known,
    )


@router.get("/circles", tags=["strength"], summary="My Dunbar layers and their members")
def circles(request: Request) -> CirclesOut:
    ledger = ledger_of(request)
    day = ledger.now().astimezone().date().isoformat()
    return CirclesOut.of(cached(request, f"circles:{day}", ledger.circles))
