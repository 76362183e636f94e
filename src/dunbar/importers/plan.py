"""The match and decide stages: turn records into a plan of what to write.

The :class:`Planner` keeps, for a whole import session, an index of everyone in
the ledger plus everyone the session will add (pending people have negative
ids), so that a record matches a person created three records earlier just as it
matches one from last year. Nothing is written here; :mod:`.apply` does that.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from sqlalchemy import Connection

from dunbar.importers.decide import Choice, Decider, Decision, ProposeOnly
from dunbar.importers.matching import Candidate, PeopleIndex, Proposal, email_local
from dunbar.importers.normalise import identity_pairs
from dunbar.importers.records import (
    AcquaintanceRecord,
    EncounterRecord,
    PersonRecord,
    Warning_,
)
from dunbar.store.provenance import Known

__all__ = ["Choice", "Decider", "Decision", "PersonPlan", "Planner", "ProposeOnly"]


@dataclass
class PersonPlan:
    """What to do to one person: ``create``, ``update`` (their own record changed) or
    ``merge`` (fill what is empty) with the records that feed them."""

    person_id: int
    kind: str
    records: list[PersonRecord] = field(default_factory=list)
    identities: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Batch:
    people: dict[int, PersonPlan] = field(default_factory=dict)
    encounters: list[tuple[EncounterRecord, list[int]]] = field(default_factory=list)
    acquaintances: list[tuple[AcquaintanceRecord, int, int]] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0


def candidate_of(pid: int, record: PersonRecord) -> Candidate:
    return Candidate(
        pid,
        record.name,
        record.organisation,
        frozenset(email_local(e) for e in record.emails) - {""},
    )


class Planner:
    """Matches records against the ledger and the session, and decides (session-wide)."""

    def __init__(
        self,
        index: PeopleIndex,
        *,
        me_id: int,
        decider: Decider,
        known: Callable[[str], Known],
        dismissed: Collection[tuple[int, int]] = (),
    ) -> None:
        self.index = index
        self.dismissed = dismissed
        """Pairs said not to be duplicates (``dunbar not-duplicates``): never proposed."""
        self.me_id = me_id
        self.decider = decider
        self._known_loader = known
        self._known: dict[str, Known] = {}
        self._next_temp = -1
        self.batch = Batch()

    def known(self, source: str) -> Known:
        if source not in self._known:
            self._known[source] = self._known_loader(source)
        return self._known[source]

    def take(self) -> Batch:
        done, self.batch = self.batch, Batch()
        return done

    # --- people -------------------------------------------------------------------------

    def person(self, source: str, record: PersonRecord, *, mention: bool = False) -> int | None:
        """The id (real, or pending if negative) this record becomes part of; ``None``
        if the decider skipped it.

        A ``mention`` (a person named by an encounter or a tie) that was seen before
        is only looked up: mentions repeat, and each may say a little less.
        """
        known = self.known(source)
        ref, file = record.origin.ref, record.origin.file
        entry = known.get(ref)
        if mention and entry is not None and entry[0] in self.index.people:
            return entry[0]  # the common case of an email import: no digest needed
        digest = record.digest()
        if entry is not None and entry[0] in self.index.people:
            pid, digests = entry
            if mention or digests.get(file) == digest:
                if not mention:
                    self.batch.unchanged += 1
                return pid
            if file in digests:
                digests[file] = digest
                return self._feed(pid, "update", record)
            if digest in digests.values():
                self.batch.unchanged += 1  # the same record, read from another file
                return pid
            digests[file] = digest
            return self._feed(pid, "merge", record)
        pairs = identity_pairs(record)
        owners = self.index.owners(pairs)
        if owners:
            ranked = sorted(owners, key=lambda p: (-owners[p], p < 0, abs(p)))
            pid = ranked[0]
            for other in ranked[1:]:
                self._propose_shared(pid, other)
            known[ref] = (pid, {file: digest})
            return self._feed(pid, "merge", record)
        if record.link_by_name:
            named = self.index.named(record.name)
            if len(named) == 1:
                pid = named.pop()
                known[ref] = (pid, {file: digest})
                return self._feed(pid, "merge", record)
        temp = self._next_temp
        proposals = self.index.similar(candidate_of(temp, record)) if record.fuzzy else []
        if proposals:
            choice = self.decider.choose(record, proposals)
            if choice.decision is Decision.SKIP:
                self.batch.skipped += 1
                return None
            if choice.decision is Decision.MERGE and choice.person_id is not None:
                known[ref] = (choice.person_id, {file: digest})
                return self._feed(choice.person_id, "merge", record)
            self.batch.proposals.extend(proposals)
        self._next_temp -= 1
        known[ref] = (temp, {file: digest})
        return self._feed(temp, "create", record)

    def _propose_shared(self, pid: int, other: int) -> None:
        if other == self.me_id or pid == self.me_id:
            return
        a, b = self.index.people[pid], self.index.people[other]
        low, high = (a, b) if a.id < b.id else (b, a)
        if (low.id, high.id) in self.dismissed:
            return
        self.batch.proposals.append(
            Proposal(low.id, high.id, low.name, high.name, 1.0, (("shared identity", 1.0),))
        )

    def _feed(self, pid: int, kind: str, record: PersonRecord) -> int:
        plan = self.batch.people.get(pid)
        if plan is None:
            plan = self.batch.people[pid] = PersonPlan(pid, kind)
        plan.records.append(record)
        for pair in identity_pairs(record):
            owner = self.index.identities.get(pair)
            if owner is None or owner == pid:
                if pair not in plan.identities:
                    plan.identities.append(pair)
            else:
                self.batch.warnings.append(
                    Warning_(
                        record.origin.file,
                        record.origin.where(),
                        f"{record.name}: {pair[1]} belongs to someone else; not added",
                    )
                )
        if pid in self.index.people and kind != "create":
            old = self.index.people[pid]
            self.index.add(old, [p for p in plan.identities if p not in self.index.identities])
        else:
            self.index.add(candidate_of(pid, record), plan.identities)
        return pid

    # --- encounters and ties ------------------------------------------------------------

    def encounter(self, source: str, record: EncounterRecord) -> str | None:
        """Plan an encounter; returns a reason when it cannot be recorded."""
        ids: list[int] = []
        for person in record.people:
            pid = self.person(source, person, mention=True)
            if pid is not None and pid != self.me_id and pid not in ids:
                ids.append(pid)
        if not ids:
            return "no one but me took part"
        self.batch.encounters.append((record, ids))
        return None

    def acquaintance(self, source: str, record: AcquaintanceRecord) -> str | None:
        a = self.person(source, record.a, mention=True)
        b = self.person(source, record.b, mention=True)
        if a is None or b is None or a == b or self.me_id in (a, b):
            return "needs two different people other than me"
        self.batch.acquaintances.append((record, a, b))
        return None


def load_index(conn: Connection) -> tuple[PeopleIndex, int]:
    """Everyone in the ledger, indexed for matching; and the id of "me"."""
    from sqlalchemy import select

    from dunbar.store.tables import identities, organisations, people

    index = PeopleIndex()
    me_id = 0
    locals_by: dict[int, set[str]] = {}
    pairs_by: dict[int, list[tuple[str, str]]] = {}
    for pid, kind, value in conn.execute(
        select(identities.c.person_id, identities.c.kind, identities.c.value)
    ):
        pairs_by.setdefault(pid, []).append((kind, value))
        if kind == "email":
            locals_by.setdefault(pid, set()).add(email_local(value))
    rows = conn.execute(
        select(people.c.id, people.c.name, people.c.is_me, organisations.c.name).outerjoin(
            organisations, organisations.c.id == people.c.org_id
        )
    )
    for pid, name, is_me, org in rows:
        if is_me:
            me_id = pid
        index.add(
            Candidate(pid, name, org, frozenset(locals_by.get(pid, ())) - {""}),
            pairs_by.get(pid, ()),
        )
    return index, me_id
