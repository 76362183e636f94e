"""Build the demo ledger: plan it (pure), then write it through the :class:`Ledger` API."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from dunbar.demo.plan import DemoPlan, EncounterPlan, plan_demo
from dunbar.demo.world import ORGANISATIONS
from dunbar.ledger import AcquaintanceInput, EncounterInput, Ledger, PersonFields
from dunbar.model import IdentityKind, LabelKind
from dunbar.store.engine import resolve_url, sqlite_path

__all__ = ["DemoSummary", "Progress", "build_demo", "populate"]

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while the demo is written."""


@dataclass(frozen=True)
class DemoSummary:
    """What the demo ledger holds, and how long it took to build."""

    people: int
    """Everyone in the ledger, me included."""
    encounters: int
    acquaintances: int
    """Pairs of contacts known to know each other (one per pair and kind of evidence)."""
    notes: int
    favours: int
    introductions: int
    me_name: str
    seconds: float
    organisations: int = 0
    gatherings: int = 0
    follow_ups: int = 0


class _Ticker:
    def __init__(self, total: int, progress: Progress | None) -> None:
        self.done, self.total, self._progress = 0, total, progress
        self.tick(0)

    def tick(self, steps: int = 1) -> None:
        self.done += steps
        if self._progress is not None:
            self._progress(min(self.done, self.total), self.total)


def build_demo(
    target: str | Path,
    *,
    seed: int = 7,
    now: dt.datetime,
    gap: int = 300,
    years: float = 6.0,
    warp: float = 1.5,
    min_acquaintance_minutes: int = 5,
    progress: Progress | None = None,
) -> DemoSummary:
    """Create a new ledger at ``target`` (path or URL) holding a realistic demo.

    It is built from real workplace contacts (SocioPatterns InVS15, CC0): the
    person with the most distinct contacts is "me"; my contacts' sensor
    episodes (records of a pair at most ``gap`` seconds apart) become my
    in-person encounters, stretched over ``years`` before ``now`` (see
    :class:`~dunbar.demo.timeline.Timeline` for ``warp``); pairs of others who
    spent ``min_acquaintance_minutes`` together become acquaintances. Names,
    organisations, e-mails, calls, notes, favours, introductions and a supper
    are generated from ``seed``. The same ``seed`` and ``now`` give the same
    ledger, row for row. ``now`` must be timezone-aware; it is also the ledger's
    clock while building. Refuses a target that already holds a ledger; a new
    SQLite file is removed again if the build fails or is interrupted.
    """
    started = time.perf_counter()
    plan = plan_demo(
        seed=seed,
        now=now,
        gap=gap,
        years=years,
        warp=warp,
        min_acquaintance_minutes=min_acquaintance_minutes,
    )
    path = sqlite_path(resolve_url(target))
    fresh = path is not None and not path.exists()
    try:
        with Ledger.init(target, me=plan.people[plan.me].name, clock=lambda: now) as ledger:
            summary = populate(ledger, plan, progress=progress)
    except BaseException:
        if fresh and path is not None:  # no half-built demo left behind
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    return replace(summary, seconds=round(time.perf_counter() - started, 3))


def populate(ledger: Ledger, plan: DemoPlan, *, progress: Progress | None = None) -> DemoSummary:
    """Write ``plan`` into a new, empty ``ledger`` (its owner becomes the plan's "me")."""
    ticker = _Ticker(plan.steps, progress)
    departments = sorted({p.department for p in plan.people.values()})
    for code in departments:
        org = ORGANISATIONS[code]
        ledger.add_organisation(org.name, domain=org.domain, industry=org.industry)
        ticker.tick()

    ids: dict[int, int] = {}
    for key, p in plan.people.items():
        org_name = ORGANISATIONS[p.department].name
        identities = {IdentityKind.EMAIL: p.emails, IdentityKind.PHONE: p.phones}
        labels = {
            LabelKind.TAG: p.tags,
            LabelKind.TOPIC: p.topics,
            LabelKind.OFFER: p.offers,
            LabelKind.NEED: p.needs,
        }
        if key == plan.me:
            person = ledger.edit_person(
                "me",
                PersonFields(
                    name=p.name,
                    given_name=p.given,
                    family_name=p.family,
                    organisation=org_name,
                    title=p.title,
                    location=p.location,
                    custom={"invs15_id": key},
                ),
                add=identities,
                labels=labels,
            )
        else:
            person = ledger.add_person(
                p.name,
                given_name=p.given,
                family_name=p.family,
                organisation=org_name,
                title=p.title,
                location=p.location,
                emails=p.emails,
                phones=p.phones,
                tags=p.tags,
                topics=p.topics,
                offers=p.offers,
                needs=p.needs,
                how_met=p.how_met,
                first_known=p.first_known,
                closeness=p.closeness,
                kin=p.kin,
                custom={"invs15_id": key},
            )
        ids[key] = person.id
        ticker.tick()

    def items() -> Iterator[EncounterInput]:
        for enc in plan.encounters:
            yield _encounter_input(enc, ids)
            ticker.tick()

    inserted, _ = ledger.bulk_add_encounters(items())

    g = plan.gathering
    gathering = ledger.add_gathering(
        g.name, on=g.on, venue=g.venue, capacity=g.capacity, notes_text=g.notes
    )
    ticker.tick()
    for key, status in g.guests:
        ledger.set_attendance(gathering.id, ids[key], status)
        ticker.tick()
    supper = g.encounter
    ledger.log(
        supper.title,
        with_=[ids[k] for k in supper.with_],
        when=supper.when,
        channel=supper.channel,
        initiative=supper.initiative,
        minutes=supper.minutes,
        gathering_id=gathering.id,
        source=supper.source,
        source_ref=supper.source_ref,
    )
    ticker.tick()

    def ties() -> Iterator[AcquaintanceInput]:
        for acq in plan.acquaintances:
            ticker.tick()
            yield AcquaintanceInput(
                ids[acq.a],
                ids[acq.b],
                evidence=acq.evidence,
                strength=acq.strength,
                first_seen=acq.on,
                last_seen=acq.on,
            )

    ledger.bulk_add_acquaintances(ties())

    refs: dict[str, int] = {}
    for key in sorted({n.about for n in plan.notes if n.encounter_ref and n.about}):
        refs.update(
            {
                e.source_ref: e.id
                for e in ledger.profile(ids[key], limit=None).encounters
                if e.source_ref is not None
            }
        )
    for note in plan.notes:
        ledger.add_note(
            note.body,
            about=None if note.about is None else ids[note.about],
            topics=note.topics,
            when=note.when,
            encounter_id=refs.get(note.encounter_ref or ""),
        )
        ticker.tick()
    for fav in plan.favours:
        ledger.add_favour(
            ids[fav.giver], ids[fav.receiver], fav.what, kind=fav.kind, on=fav.on, status=fav.status
        )
        ticker.tick()
    for intro in plan.introductions:
        ledger.add_introduction(
            ids[intro.a], ids[intro.b], reason=intro.reason, on=intro.on, outcome=intro.outcome
        )
        ticker.tick()
    for key, due, reason in g.follow_ups:
        ledger.add_follow_up(ids[key], due=due, reason=reason, gathering_id=gathering.id)
        ticker.tick()

    return DemoSummary(
        people=ledger.count_people(),
        encounters=inserted + 1,
        acquaintances=len(ledger.acquaintances()),
        notes=len(plan.notes),
        favours=len(plan.favours),
        introductions=len(plan.introductions),
        me_name=plan.people[plan.me].name,
        seconds=0.0,
        organisations=len(departments),
        gatherings=1,
        follow_ups=len(g.follow_ups),
    )


def _encounter_input(enc: EncounterPlan, ids: dict[int, int]) -> EncounterInput:
    return EncounterInput(
        when=enc.when,
        participants=[ids[k] for k in enc.with_],
        channel=enc.channel,
        initiative=enc.initiative,
        minutes=enc.minutes,
        title=enc.title,
        source=enc.source,
        source_ref=enc.source_ref,
    )
