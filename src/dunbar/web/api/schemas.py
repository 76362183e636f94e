"""The API's Pydantic schemas: what goes in and what comes out of ``/api/v1``.

They are separate from the tables (:mod:`dunbar.store.tables`) and from the
library's dataclasses (:mod:`dunbar.model`): the API's shape can stay stable
while either changes. ``*Out`` models are made from the facade's results with
``Model.of(value)`` (attributes are read, as ``from_attributes`` does); ``*In``
models validate request bodies.

Every string that reaches the ledger is checked here for what no database
stores (NUL, lone surrogates), and every whole number is bounded, so that odd
input is a 422, never a server error.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

__all__ = [
    "MAX_ID",
    "Id",
    "Ref",
    "Text",
]

MAX_ID = 2**31 - 1
"""The largest id there can be: ids are 32-bit integers on PostgreSQL."""


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text may not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    return value


Text = Annotated[str, Field(max_length=10_000), AfterValidator(_storable)]
"""A string for the ledger: at most 10,000 characters, no NUL, valid Unicode."""
Short = Annotated[str, Field(max_length=500), AfterValidator(_storable)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Ref = Annotated[
    Id | Short,
    Field(
        description="A person: id, `me`, an email, a phone, a profile URL or a name "
        "(an ambiguous name is a 409)."
    ),
]
Count = Annotated[int, Field(ge=0, le=1_000_000_000)]
DateText = Annotated[
    str,
    Field(max_length=40, description="YYYY-MM-DD, `today` or `yesterday`."),
    AfterValidator(_storable),
]
WhenText = Annotated[
    str,
    Field(
        max_length=40,
        description="YYYY-MM-DD, YYYY-MM-DDTHH:MM (local time) or with an offset.",
    ),
    AfterValidator(_storable),
]
Labels = Annotated[list[Short], Field(max_length=200)]


class Out(BaseModel):
    """A response: made from a facade result by reading its attributes."""

    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def of(cls, value: Any) -> Self:
        return cls.model_validate(value, from_attributes=True)


class In(BaseModel):
    """A request body: unknown fields are an error (a typo is not silently ignored)."""

    model_config = ConfigDict(extra="forbid")


# --- errors -------------------------------------------------------------------------------


class ErrorOut(BaseModel):
    detail: str


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Bad input (one line)."},
    401: {"model": ErrorOut, "description": "No valid API token."},
    404: {"model": ErrorOut, "description": "No such record."},
    409: {"model": ErrorOut, "description": "A name matches several people."},
}


# --- people -------------------------------------------------------------------------------


class IdentityOut(Out):
    kind: str
    value: str
    label: str | None = None


class PersonOut(Out):
    id: int
    name: str
    given_name: str | None = None
    family_name: str | None = None
    is_me: bool = False
    organisation: str | None = None
    title: str | None = None
    location: str | None = None
    how_met: str | None = None
    where_met: str | None = None
    first_known: dt.date | None = None
    closeness: int | None = None
    is_kin: bool = False
    birthday: str | None = None
    identities: list[IdentityOut] = []
    tags: list[str] = []
    topics: list[str] = []
    offers: list[str] = []
    needs: list[str] = []
    custom: dict[str, Any] = {}
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


class PersonSummaryOut(Out):
    id: int
    name: str
    organisation: str | None
    title: str | None
    email: str | None
    tags: list[str]
    last_seen: dt.datetime | None
    encounters: int
    is_me: bool = False


class PeoplePage(BaseModel):
    items: list[PersonSummaryOut]
    limit: int
    offset: int
    next_offset: int | None = Field(description="The offset of the next page; null on the last.")


class PersonIn(In):
    name: Annotated[Short, Field(min_length=1)]
    given_name: Short | None = None
    family_name: Short | None = None
    emails: Labels = []
    phones: Labels = []
    urls: Labels = []
    handles: Labels = []
    region: Annotated[
        str | None, Field(max_length=8, description="Country of phones, e.g. GB.")
    ] = None
    organisation: Short | None = None
    title: Short | None = None
    location: Short | None = None
    tags: Labels = []
    topics: Labels = []
    offers: Labels = []
    needs: Labels = []
    how_met: Text | None = None
    where_met: Short | None = None
    first_known: DateText | None = None
    closeness: Annotated[int | None, Field(ge=1, le=7)] = None
    kin: bool = False
    birthday: Annotated[str | None, Field(max_length=20, description="YYYY-MM-DD or --MM-DD.")] = (
        None
    )
    custom: Annotated[dict[Short, Text], Field(max_length=100)] = {}


class PersonPatch(In):
    """Fields to set (absent or null: unchanged), identities and labels to add or remove."""

    name: Annotated[Short | None, Field(min_length=1)] = None
    given_name: Short | None = None
    family_name: Short | None = None
    organisation: Short | None = None
    title: Short | None = None
    location: Short | None = None
    how_met: Text | None = None
    where_met: Short | None = None
    first_known: DateText | None = None
    closeness: Annotated[int | None, Field(ge=1, le=7)] = None
    kin: bool | None = None
    birthday: Annotated[str | None, Field(max_length=20)] = None
    region: Annotated[str | None, Field(max_length=8)] = None
    add_emails: Labels = []
    remove_emails: Labels = []
    add_phones: Labels = []
    remove_phones: Labels = []
    add_urls: Labels = []
    remove_urls: Labels = []
    add_handles: Labels = []
    remove_handles: Labels = []
    add_tags: Labels = []
    remove_tags: Labels = []
    add_topics: Labels = []
    remove_topics: Labels = []
    add_offers: Labels = []
    remove_offers: Labels = []
    add_needs: Labels = []
    remove_needs: Labels = []
    custom: Annotated[
        dict[Short, Text | None],
        Field(max_length=100, description="Custom fields to set; null removes one."),
    ] = {}
    clear: Annotated[
        list[Annotated[str, Field(max_length=40)]],
        Field(max_length=20, description="Fields to empty, e.g. title."),
    ] = []


class MergeIn(In):
    other: Ref = Field(description="The person folded into this one (and then deleted).")


class ForgetOut(Out):
    person_id: int
    name: str
    encounters_deleted: int
    encounters_kept: int
    texts_redacted: int
    removed: dict[str, int]


# --- records ------------------------------------------------------------------------------


class EncounterOut(Out):
    id: int
    when: dt.datetime
    channel: str
    initiative: str
    participants: list[int]
    title: str | None = None
    notes: str | None = None
    minutes: int | None = None
    gathering_id: int | None = None
    source: str = "manual"


class EncounterPage(BaseModel):
    items: list[EncounterOut]
    limit: int
    offset: int
    next_offset: int | None


class EncounterIn(In):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    title: Short | None = None
    with_: Annotated[list[Ref], Field(alias="with", min_length=1, max_length=500)]
    when: WhenText | None = Field(None, description="Default: now.")
    channel: Annotated[str, Field(max_length=20)] = "in_person"
    initiative: Annotated[str, Field(max_length=20)] = "unknown"
    minutes: Annotated[int | None, Field(ge=0, le=100_000)] = None
    notes: Text | None = None
    create: bool = Field(False, description="Add people who are not in the ledger yet.")


class NoteOut(Out):
    id: int
    body: str
    person_id: int | None
    written_at: dt.datetime
    topics: list[str] = []
    encounter_id: int | None = None


class NoteIn(In):
    body: Annotated[Text, Field(min_length=1)]
    about: Ref | None = None
    topics: Labels = []
    when: WhenText | None = None
    encounter_id: Id | None = None


class FavourOut(Out):
    id: int
    giver_id: int
    receiver_id: int
    what: str
    kind: str
    on: dt.date
    status: str


class FavourIn(In):
    giver: Ref = "me"
    receiver: Ref = "me"
    what: Annotated[Text, Field(min_length=1)]
    kind: Annotated[str, Field(max_length=20)] = "help"
    on: DateText | None = None
    status: Annotated[str, Field(max_length=20)] = "done"


class FavourStatusIn(In):
    status: Annotated[str, Field(max_length=20, description="asked, promised or done.")]


class IntroductionOut(Out):
    id: int
    broker_id: int
    person_a_id: int
    person_b_id: int
    on: dt.date
    reason: str | None
    outcome: str


class IntroductionIn(In):
    a: Ref
    b: Ref
    broker: Ref = "me"
    reason: Text | None = None
    on: DateText | None = None
    outcome: Annotated[str, Field(max_length=20)] = "pending"


class OutcomeIn(In):
    outcome: Annotated[
        str, Field(max_length=20, description="pending, met, worked_together or nothing.")
    ]


class AcquaintanceOut(Out):
    id: int
    person_a_id: int
    person_b_id: int
    evidence: str
    strength: float | None = None
    count: int = 1
    first_seen: dt.date | None = None
    last_seen: dt.date | None = None


class FollowUpOut(Out):
    id: int
    person_id: int
    due: dt.date
    reason: str
    done: bool = False
    gathering_id: int | None = None


class SourceOut(Out):
    source: str
    ref: str
    file: str
    line: int | None
    seen_at: dt.datetime


class ProfileOut(Out):
    person: PersonOut
    last_seen: dt.datetime | None
    encounters: list[EncounterOut]
    notes: list[NoteOut]
    favours: list[FavourOut]
    introductions: list[IntroductionOut]
    acquaintances: list[AcquaintanceOut]
    follow_ups: list[FollowUpOut]
    names: dict[int, str] = Field(description="The names of everyone the records mention.")
    sources: list[SourceOut]


# --- agenda and strength ------------------------------------------------------------------


class AgendaItemOut(Out):
    kind: str
    person_id: int
    name: str
    reason: str
    priority: float
    due: dt.date
    suggestion: str
    details: list[str] = []
    ref: int | None = None


class AgendaOut(Out):
    today: dt.date
    sections: dict[str, list[AgendaItemOut]]
    totals: dict[str, int]
    hidden: int
    notes: list[str]


class DoneIn(In):
    kind: Annotated[str, Field(max_length=20)] = "all"


class SnoozeIn(In):
    days: Annotated[int, Field(ge=1, le=3650)] = 7
    kind: Annotated[str, Field(max_length=20)] = "all"


class DoneOut(BaseModel):
    person_id: int
    name: str
    follow_ups_completed: int
    favours_done: int
    hidden_until: dict[str, dt.date]


class SnoozeOut(BaseModel):
    person_id: int
    name: str
    kind: str
    until: dt.date


class PlacementOut(Out):
    rank: int | None
    layer: int | None
    score: float | None
    pinned: bool = False
    declared_only: bool = False
    kin: bool = False
    cadence_days: float | None = None
    days_since_contact: int | None = None
    overdue: float | None = None


class StrengthOut(BaseModel):
    person_id: int
    name: str
    today: dt.date
    score: float | None
    status: str
    parts: dict[str, float] = Field(description="Each component's value in [0, 1].")
    weights: dict[str, float]
    weakest: str | None
    explanation: list[str] = Field(description="The score explained, a sentence a line.")
    placement: PlacementOut | None
    peak: float | None
    episodes: int
    last_contact_days: int | None
    days_known: int | None


class CircleMemberOut(Out):
    person_id: int
    name: str
    score: float | None
    days_since_contact: int | None
    overdue: float | None
    pinned: bool
    kin: bool
    declared_only: bool


class CircleLayerOut(Out):
    size: int
    name: str
    cadence_days: int | None
    members: list[CircleMemberOut]
    overdue: int


class CirclesOut(Out):
    today: dt.date
    layers: list[CircleLayerOut]
    unplaced: int
    unknown: int


# --- network ------------------------------------------------------------------------------


class HopOut(Out):
    source: int
    source_name: str
    target: int
    target_name: str
    strength: float
    evidence: list[str]


class PathOut(BaseModel):
    score: float
    bottleneck: float
    plain_product: float
    nodes: list[int]
    names: list[str]
    hops: list[HopOut]
    reached: int
    explain: list[str]


class PathTargetOut(Out):
    kind: str
    text: str
    people: list[int]
    note: str | None = None


class PathsOut(BaseModel):
    target: PathTargetOut
    today: dt.date
    paths: list[PathOut]
    draft: str | None
    message: str | None
    alternatives: list[str]


class WhoKnowsEntryOut(Out):
    person_id: int
    name: str
    topic_score: float
    evidence: list[str]
    reach: float
    via: int | None
    via_name: str | None
    rank_score: float


class WhoKnowsOut(Out):
    query: str
    mode: str
    note: str | None
    entries: list[WhoKnowsEntryOut]
    unreachable: list[WhoKnowsEntryOut]


# --- gatherings ---------------------------------------------------------------------------


class GatheringOut(Out):
    id: int
    name: str
    kind: str
    on: dt.date
    venue: str | None = None
    capacity: int | None = None
    notes: str | None = None
    series: str | None = None


class GatheringSummaryOut(Out):
    gathering: GatheringOut
    counts: dict[str, int]
    closed: bool


class GatheringIn(In):
    name: Annotated[Short, Field(min_length=1)]
    on: DateText
    kind: Annotated[str, Field(max_length=20)] = "dinner"
    venue: Short | None = None
    capacity: Annotated[int | None, Field(ge=1, le=100_000)] = None
    notes: Text | None = None
    series: Short | None = None


class GuestOut(Out):
    person_id: int
    name: str
    status: str


class SeatedPersonOut(BaseModel):
    person_id: int
    name: str


class SeatedOut(BaseModel):
    round: int
    table: int
    people: list[SeatedPersonOut]


class GatheringViewOut(BaseModel):
    gathering: GatheringOut
    guests: list[GuestOut]
    tables: list[SeatedOut] = Field(description="The saved seating, by round and table.")
    follow_ups: list[FollowUpOut]
    closed: bool


class AttendeeOut(Out):
    gathering_id: int
    person_id: int
    status: str


class InviteIn(In):
    people: Annotated[list[Ref], Field(max_length=1000)] = []
    members: bool = Field(False, description="Also everyone who attended the series before.")


class RsvpIn(In):
    person: Ref
    status: Annotated[
        str, Field(max_length=20, description="invited, confirmed, attended or no_show.")
    ]


class PlanIn(In):
    tables: Annotated[
        list[Annotated[int, Field(ge=1, le=1000)]], Field(min_length=1, max_length=200)
    ]
    rounds: Annotated[int, Field(ge=1, le=50)] = 1
    together: Annotated[list[tuple[Ref, Ref]], Field(max_length=200)] = []
    apart: Annotated[list[tuple[Ref, Ref]], Field(max_length=200)] = []
    hosts: Annotated[list[Ref], Field(max_length=200)] = []
    seed: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0
    time_limit: Annotated[float, Field(gt=0, le=10, description="Seconds the search may take.")] = (
        5.0
    )
    save: bool = True


class PlanTableOut(BaseModel):
    round: int
    table: int
    names: list[str]
    why: str


class ObjectiveOut(Out):
    new_pairs: int
    promising: float
    over_target: int
    same_attribute: int
    rule_violations: int
    total: float


class BoundsOut(Out):
    max_pairs: int
    week_pair: int | None
    best: int
    weeks: int | None
    star: float | None
    objective: float | None = None
    proven_optimum: int | None = None


class PlanOut(BaseModel):
    gathering: GatheringOut
    tables: list[PlanTableOut]
    objective: ObjectiveOut
    objective_explained: list[str]
    bounds: BoundsOut
    bounds_explained: list[str]
    repeats: int
    gap: int
    quality: str
    method: str
    seconds: float
    saved: bool


class CloseIn(In):
    minutes: Annotated[int | None, Field(ge=0, le=100_000)] = None
    follow_up_days: Annotated[int, Field(ge=0, le=365)] = 2


class CloseOut(Out):
    gathering_id: int
    encounter_id: int
    attended: int
    pairs_met: int
    follow_ups: list[FollowUpOut]


# --- imports ------------------------------------------------------------------------------


class ProposalOut(Out):
    a: int
    b: int
    a_name: str
    b_name: str
    score: float


class RejectionOut(Out):
    file: str
    where: str
    reason: str


class WarningOut(Out):
    file: str
    where: str
    message: str


class ChangeOut(Out):
    kind: str
    person_id: int
    name: str
    where: str


class FileReportOut(Out):
    file: str
    format: str
    records: int
    created: int
    updated: int
    merged: int
    unchanged: int
    skipped: int
    filtered: dict[str, int]
    encounters_added: int
    encounters_existing: int
    encounters_updated: int
    acquaintances: int
    proposed: list[ProposalOut]
    rejected: list[RejectionOut]
    warnings: list[WarningOut]
    changes: list[ChangeOut]
    error: str | None


class ImportReportOut(Out):
    dry_run: bool
    files: list[FileReportOut]
    skipped: list[RejectionOut]
