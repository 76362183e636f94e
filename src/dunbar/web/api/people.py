"""``/api/v1/people``: list, show, add, edit, forget and merge people."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from dunbar.model import IdentityKind, LabelKind
from dunbar.normalise import parse_date
from dunbar.store.people import PersonFields
from dunbar.web.api.schemas import (
    ERRORS,
    MAX_ID,
    ForgetOut,
    MergeIn,
    PeoplePage,
    PersonIn,
    PersonOut,
    PersonPatch,
    PersonSummaryOut,
    ProfileOut,
    Short,
)
from dunbar.web.deps import ledger_of, writing

router = APIRouter(tags=["people"], responses=ERRORS)

PersonId = Annotated[int, Path(ge=1, le=MAX_ID, description="The person's id.")]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


@router.get("/people", summary="List people (paged, with a name search)")
def list_people(
    request: Request,
    q: Annotated[Short | None, Query(description="Name search.")] = None,
    tag: Annotated[list[Short] | None, Query(max_length=20)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> PeoplePage:
    rows = ledger_of(request).people(
        q or None, tags=tag or (), limit=limit + 1, offset=offset, include_me=False
    )
    more = len(rows) > limit
    return PeoplePage(
        items=[PersonSummaryOut.of(r) for r in rows[:limit]],
        limit=limit,
        offset=offset,
        next_offset=offset + limit if more else None,
    )


@router.get("/people/{person_id}", summary="A person's profile, identities and history")
def show_person(
    request: Request,
    person_id: PersonId,
    encounters: Annotated[int, Query(ge=0, le=1000, description="Most recent encounters.")] = 50,
) -> ProfileOut:
    profile = ledger_of(request).profile(person_id, limit=encounters)
    return ProfileOut.of(profile)


@router.post("/people", status_code=201, summary="Add a person")
def add_person(request: Request, body: PersonIn) -> PersonOut:
    with writing(request) as ledger:
        person = ledger.add_person(
            body.name,
            emails=body.emails,
            phones=body.phones,
            urls=body.urls,
            handles=body.handles,
            region=body.region,
            organisation=body.organisation,
            title=body.title,
            location=body.location,
            tags=body.tags,
            topics=body.topics,
            offers=body.offers,
            needs=body.needs,
            how_met=body.how_met,
            where_met=body.where_met,
            first_known=body.first_known,
            closeness=body.closeness,
            kin=body.kin,
            birthday=body.birthday,
            given_name=body.given_name,
            family_name=body.family_name,
            custom=body.custom,
        )
    return PersonOut.of(person)


@router.patch("/people/{person_id}", summary="Change a person")
def edit_person(request: Request, person_id: PersonId, body: PersonPatch) -> PersonOut:
    with writing(request) as ledger:
        custom: dict[str, Any] | None = None
        if body.custom:
            custom = dict(ledger.person(person_id).custom)
            for key, value in body.custom.items():
                if value:
                    custom[key] = value
                else:
                    custom.pop(key, None)
        fields = PersonFields(
            name=body.name,
            given_name=body.given_name,
            family_name=body.family_name,
            organisation=body.organisation,
            title=body.title,
            location=body.location,
            how_met=body.how_met,
            where_met=body.where_met,
            first_known=parse_date(
                body.first_known, what="first known date", today=ledger.now().date()
            )
            if body.first_known
            else None,
            closeness=body.closeness,
            is_kin=body.kin,
            birthday=body.birthday,
            custom=custom,
        )
        person = ledger.edit_person(
            person_id,
            fields,
            add={
                IdentityKind.EMAIL: body.add_emails,
                IdentityKind.PHONE: body.add_phones,
                IdentityKind.URL: body.add_urls,
                IdentityKind.HANDLE: body.add_handles,
            },
            remove={
                IdentityKind.EMAIL: body.remove_emails,
                IdentityKind.PHONE: body.remove_phones,
                IdentityKind.URL: body.remove_urls,
                IdentityKind.HANDLE: body.remove_handles,
            },
            labels={
                LabelKind.TAG: body.add_tags,
                LabelKind.TOPIC: body.add_topics,
                LabelKind.OFFER: body.add_offers,
                LabelKind.NEED: body.add_needs,
            },
            unlabel={
                LabelKind.TAG: body.remove_tags,
                LabelKind.TOPIC: body.remove_topics,
                LabelKind.OFFER: body.remove_offers,
                LabelKind.NEED: body.remove_needs,
            },
            clear=body.clear,
            region=body.region,
        )
    return PersonOut.of(person)


@router.delete("/people/{person_id}", summary="Forget a person and every trace of them")
def forget_person(request: Request, person_id: PersonId) -> ForgetOut:
    with writing(request) as ledger:
        report = ledger.forget(person_id)
    return ForgetOut.of(report)


@router.post(
    "/people/{person_id}/merge", summary="Fold another person into this one (the other is deleted)"
)
def merge_people(request: Request, person_id: PersonId, body: MergeIn) -> PersonOut:
    with writing(request) as ledger:
        merged = ledger.merge(person_id, body.other)
    return PersonOut.of(merged)
