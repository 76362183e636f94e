"""``/api/v1/gatherings``: create and list them, invite, RSVP, plan the seating, close."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from dunbar.web.api.schemas import (
    ERRORS,
    MAX_ID,
    AttendeeOut,
    BoundsOut,
    CloseIn,
    CloseOut,
    FollowUpOut,
    GatheringIn,
    GatheringOut,
    GatheringSummaryOut,
    GatheringViewOut,
    GuestOut,
    InviteIn,
    ObjectiveOut,
    PlanIn,
    PlanOut,
    PlanTableOut,
    RsvpIn,
    SeatedOut,
    SeatedPersonOut,
)
from dunbar.web.deps import ledger_of, writing

router = APIRouter(tags=["gatherings"], responses=ERRORS)

GatheringId = Annotated[int, Path(ge=1, le=MAX_ID, description="The gathering's id.")]


@router.get("/gatherings", summary="Every gathering, newest first, with guests by status")
def list_gatherings(request: Request) -> list[GatheringSummaryOut]:
    return [GatheringSummaryOut.of(g) for g in ledger_of(request).gatherings()]


@router.post("/gatherings", status_code=201, summary="Create a gathering")
def add_gathering(request: Request, body: GatheringIn) -> GatheringOut:
    with writing(request) as ledger:
        made = ledger.add_gathering(
            body.name,
            on=body.on,
            kind=body.kind,
            venue=body.venue,
            capacity=body.capacity,
            notes_text=body.notes,
            series=body.series,
        )
    return GatheringOut.of(made)


@router.get("/gatherings/{gathering_id}", summary="A gathering: guests, seating, follow-ups")
def show_gathering(request: Request, gathering_id: GatheringId) -> GatheringViewOut:
    view = ledger_of(request).gathering_view(gathering_id)
    return GatheringViewOut(
        gathering=GatheringOut.of(view.gathering),
        guests=[GuestOut.of(g) for g in view.guests],
        tables=[
            SeatedOut(
                round=rnd,
                table=table,
                people=[SeatedPersonOut(person_id=p, name=n) for p, n in seated],
            )
            for rnd, tables in sorted(view.seating.items())
            for table, seated in sorted(tables.items())
        ],
        follow_ups=[FollowUpOut.of(f) for f in view.follow_ups],
        closed=view.closed,
    )


@router.post("/gatherings/{gathering_id}/invite", summary="Invite people")
def invite(request: Request, gathering_id: GatheringId, body: InviteIn) -> list[AttendeeOut]:
    with writing(request) as ledger:
        invited = ledger.invite(gathering_id, body.people, members=body.members)
    return [AttendeeOut.of(a) for a in invited]


@router.post("/gatherings/{gathering_id}/rsvp", summary="Set a guest's answer")
def rsvp(request: Request, gathering_id: GatheringId, body: RsvpIn) -> AttendeeOut:
    with writing(request) as ledger:
        answer = ledger.rsvp(gathering_id, body.person, body.status)
    return AttendeeOut.of(answer)


@router.post(
    "/gatherings/{gathering_id}/plan",
    summary="Seat the confirmed guests: the plan, its objective's parts and its bounds",
)
def plan(request: Request, gathering_id: GatheringId, body: PlanIn) -> PlanOut:
    # Saving replaces the seating: a write, so under the writer lock (the search
    # is bounded by time_limit, at most 10 s).
    with writing(request) as ledger:
        result = ledger.plan_gathering(
            gathering_id,
            tables=body.tables,
            rounds=body.rounds,
            together=body.together,
            apart=body.apart,
            hosts=body.hosts,
            seed=body.seed,
            time_limit=body.time_limit,
            save=body.save,
        )
    p = result.plan
    return PlanOut(
        gathering=GatheringOut.of(result.gathering),
        tables=[
            PlanTableOut(round=r, table=t, names=names, why=why)
            for r, tables in enumerate(result.tables, start=1)
            for t, (names, why) in enumerate(tables, start=1)
        ],
        objective=ObjectiveOut.of(p.objective),
        objective_explained=p.objective.explain(),
        bounds=BoundsOut.of(p.bounds),
        bounds_explained=p.bounds.explain(),
        repeats=p.repeats,
        gap=p.gap,
        quality=p.quality,
        method=p.method,
        seconds=p.seconds,
        saved=result.saved,
    )


@router.post(
    "/gatherings/{gathering_id}/close",
    summary="Log the gathering: one encounter, who met whom, follow-ups for new contacts",
)
def close(request: Request, gathering_id: GatheringId, body: CloseIn | None = None) -> CloseOut:
    chosen = body or CloseIn()
    with writing(request) as ledger:
        report = ledger.close_gathering(
            gathering_id, minutes=chosen.minutes, follow_up_days=chosen.follow_up_days
        )
    return CloseOut.of(report)
