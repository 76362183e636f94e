"""``/api/v1``: encounters, notes, favours and introductions (what ``dunbar log``,
``note``, ``favor`` and ``intro`` record)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from dunbar.web.api.schemas import (
    ERRORS,
    MAX_ID,
    EncounterIn,
    EncounterOut,
    EncounterPage,
    FavourIn,
    FavourOut,
    FavourStatusIn,
    IntroductionIn,
    IntroductionOut,
    NoteIn,
    NoteOut,
    OutcomeIn,
    Ref,
)
from dunbar.web.deps import ledger_of, writing

router = APIRouter(responses=ERRORS)

RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
PersonQuery = Annotated[Ref, Query(description="The person: id, email, phone or name.")]


@router.get("/encounters", tags=["encounters"], summary="Encounters, newest first (paged)")
def list_encounters(
    request: Request,
    person: Annotated[Ref | None, Query(description="Only encounters with this person.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> EncounterPage:
    found = ledger_of(request).recent_encounters(person, limit=limit + 1, offset=offset)
    return EncounterPage(
        items=[EncounterOut.of(e) for e in found[:limit]],
        limit=limit,
        offset=offset,
        next_offset=offset + limit if len(found) > limit else None,
    )


@router.post("/encounters", status_code=201, tags=["encounters"], summary="Log an encounter")
def log_encounter(request: Request, body: EncounterIn) -> EncounterOut:
    with writing(request) as ledger:
        encounter = ledger.log(
            body.title,
            with_=body.with_,
            when=body.when,
            channel=body.channel.replace("-", "_"),
            initiative=body.initiative,
            minutes=body.minutes,
            notes_text=body.notes,
            create=body.create,
        )
    return EncounterOut.of(encounter)


@router.get("/notes", tags=["notes"], summary="Notes about a person, newest first")
def list_notes(request: Request, person: PersonQuery) -> list[NoteOut]:
    return [NoteOut.of(n) for n in ledger_of(request).profile(person, limit=0).notes]


@router.post("/notes", status_code=201, tags=["notes"], summary="Write a note")
def add_note(request: Request, body: NoteIn) -> NoteOut:
    with writing(request) as ledger:
        note = ledger.add_note(
            body.body,
            about=body.about,
            topics=body.topics,
            when=body.when,
            encounter_id=body.encounter_id,
        )
    return NoteOut.of(note)


@router.get("/favours", tags=["favours"], summary="Favours given to or by a person")
def list_favours(request: Request, person: PersonQuery) -> list[FavourOut]:
    return [FavourOut.of(f) for f in ledger_of(request).profile(person, limit=0).favours]


@router.post("/favours", status_code=201, tags=["favours"], summary="Record a favour")
def add_favour(request: Request, body: FavourIn) -> FavourOut:
    with writing(request) as ledger:
        favour = ledger.add_favour(
            body.giver, body.receiver, body.what, kind=body.kind, on=body.on, status=body.status
        )
    return FavourOut.of(favour)


@router.patch("/favours/{favour_id}", tags=["favours"], summary="Change a favour's status")
def set_favour_status(request: Request, favour_id: RecordId, body: FavourStatusIn) -> FavourOut:
    with writing(request) as ledger:
        favour = ledger.set_favour_status(favour_id, body.status)
    return FavourOut.of(favour)


@router.get(
    "/introductions",
    tags=["introductions"],
    summary="Introductions a person brokered or was part of",
)
def list_introductions(request: Request, person: PersonQuery) -> list[IntroductionOut]:
    profile = ledger_of(request).profile(person, limit=0)
    return [IntroductionOut.of(i) for i in profile.introductions]


@router.post(
    "/introductions", status_code=201, tags=["introductions"], summary="Record an introduction"
)
def add_introduction(request: Request, body: IntroductionIn) -> IntroductionOut:
    with writing(request) as ledger:
        made = ledger.add_introduction(
            body.a, body.b, broker=body.broker, reason=body.reason, on=body.on, outcome=body.outcome
        )
    return IntroductionOut.of(made)


@router.patch(
    "/introductions/{intro_id}",
    tags=["introductions"],
    summary="Set an introduction's outcome",
)
def set_outcome(request: Request, intro_id: RecordId, body: OutcomeIn) -> IntroductionOut:
    with writing(request) as ledger:
        made = ledger.set_introduction_outcome(intro_id, body.outcome.replace("-", "_"))
    return IntroductionOut.of(made)
