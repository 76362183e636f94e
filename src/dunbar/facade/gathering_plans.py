"""Planning a gathering from the ledger: guests to invite, seating, 1:1 meetings.

The solvers are pure (:mod:`dunbar.gatherings`); this mixin feeds them from the
ledger: the guests' profiles and tie strengths come from the network graph
(:meth:`~dunbar.facade.network.NetworkMixin.network`), who has met whom at
earlier gatherings from the ``shared_gathering`` evidence that closing a
gathering records (so a recurring club's plan maximises new pairs given its whole
history), and a saved seating plan replaces the gathering's seating in one
transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select

from dunbar.errors import ValidationError
from dunbar.facade.gatherings import GatheringLifeMixin, _not_closed, _resolve_gathering
from dunbar.facade.network import Network, NetworkMixin
from dunbar.model import AttendanceStatus, Gathering, Seat
from dunbar.store import people as people_store
from dunbar.store import records
from dunbar.store.tables import acquaintances, seating

if TYPE_CHECKING:
    from dunbar.gatherings import GuestList, MatchPlan, Profile, SeatingPlan, SeatingRules

__all__ = ["GatheringPlan", "MatchReport", "PlansMixin", "SeatingReport"]

COMING = (AttendanceStatus.CONFIRMED, AttendanceStatus.ATTENDED)


@dataclass
class GatheringPlan:
    gathering: Gathering
    plan: SeatingPlan
    names: dict[Any, str]
    tables: list[list[tuple[list[str], str]]]
    """Per round, per table: the names seated and the line on why."""
    saved: bool


@dataclass
class SeatingReport:
    """A seating arranged by hand, scored: the same numbers as a plan, and its problems."""

    gathering: Gathering
    plan: SeatingPlan
    names: dict[Any, str]
    tables: list[list[tuple[list[str], str]]]
    problems: list[str]


@dataclass
class MatchReport:
    gathering: Gathering
    plan: MatchPlan
    names: dict[int, str]
    meetings: list[list[tuple[str, str, list[str]]]]
    """Per slot: (name, name, reasons)."""


class PlansMixin(GatheringLifeMixin, NetworkMixin):
    def _guests(self, gid: int, statuses: Sequence[AttendanceStatus] = COMING) -> list[int]:
        with self._read() as conn:
            me = people_store.me_id(conn)
            return [
                a.person_id
                for a in records.attendees(conn, gid)
                if a.status in statuses and a.person_id != me
            ]

    def _profiles(self, net: Network, ids: Sequence[int]) -> list[Profile]:
        from dunbar.gatherings import Profile

        out = []
        for pid in ids:
            d = net.graph.nodes[pid]
            strength = d.get("strength")
            out.append(
                Profile(
                    id=pid,
                    name=str(d.get("name", pid)),
                    offers=tuple(d.get("offers", ())),
                    needs=tuple(d.get("needs", ())),
                    topics=tuple(d.get("topics", ())),
                    tags=tuple(d.get("tags", ())),
                    organisation=d.get("organisation"),
                    strength=None if strength is None else min(1.0, max(0.0, float(strength))),
                )
            )
        return out

    def _met_before(self, ids: Sequence[int]) -> dict[tuple[Any, Any], int]:
        """How often each pair of ``ids`` sat together at earlier gatherings."""
        chosen = set(ids)
        with self._read() as conn:
            rows = conn.execute(
                select(
                    acquaintances.c.person_a_id,
                    acquaintances.c.person_b_id,
                    acquaintances.c.occurrences,
                ).where(acquaintances.c.evidence == "shared_gathering")
            ).all()
        return {
            (int(a), int(b)): int(n) for a, b, n in rows if int(a) in chosen and int(b) in chosen
        }

    def plan_gathering(
        self,
        ref: str | int,
        *,
        tables: Sequence[int],
        rounds: int = 1,
        seed: int = 0,
        time_limit: float = 5.0,
        together: Sequence[tuple[str | int, str | int]] = (),
        apart: Sequence[tuple[str | int, str | int]] = (),
        hosts: Sequence[str | int] = (),
        save: bool = True,
        network: Network | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> GatheringPlan:
        """Seat the confirmed guests over ``rounds`` rounds at ``tables`` (their sizes).

        Promising pairs (:func:`~dunbar.gatherings.value_graph`: offers that meet
        needs, shared topics, different organisations) are weighted up; pairs who
        sat together at earlier gatherings count as already met; tables are kept
        diverse by organisation. ``save`` replaces the gathering's seating.
        """
        from dunbar.gatherings import plan_seating

        gid, g, guests, rules = self._plan_request(ref, tables, rounds, together, apart, hosts)
        net = network or self.network()
        names, weights, history, attributes = self._seating_inputs(net, guests)
        plan = plan_seating(
            guests,
            list(tables),
            rounds,
            weights=weights,
            rules=rules,
            seed=seed,
            time_limit=time_limit,
            history=history,
            attributes=attributes,
            progress=progress,
        )
        lines = [
            [
                ([names[p] for p in table], plan.why(r, t, names))
                for t, table in enumerate(plan.rounds[r])
            ]
            for r in range(len(plan.rounds))
        ]
        if save:
            with self._write() as conn:
                conn.execute(delete(seating).where(seating.c.gathering_id == gid))
                for r, tables_ in enumerate(plan.rounds, start=1):
                    for t, table in enumerate(tables_, start=1):
                        for s, person in enumerate(table, start=1):
                            records.set_seat(conn, Seat(gid, r, t, s, int(str(person))))
        return GatheringPlan(g, plan, names, lines, save)

    def _plan_request(
        self,
        ref: str | int,
        tables: Sequence[int],
        rounds: int,
        together: Sequence[tuple[str | int, str | int]],
        apart: Sequence[tuple[str | int, str | int]],
        hosts: Sequence[str | int],
    ) -> tuple[int, Gathering, list[int], SeatingRules]:
        """The cheap checks of a plan: the gathering, its guests, the rules, the tables."""
        from dunbar.gatherings import SeatingRules
        from dunbar.gatherings.score import check_seating

        with self._read() as conn:
            gid = _resolve_gathering(conn, ref)
            g = records.load_gathering(conn, gid)
            _not_closed(conn, gid)

            def resolve(ref: str | int) -> int:
                return people_store.resolve_person(conn, ref)

            pairs_together = [(resolve(a), resolve(b)) for a, b in together]
            pairs_apart = [(resolve(a), resolve(b)) for a, b in apart]
            host_ids = [resolve(h) for h in hosts]
        if g.on < self.now().astimezone().date():
            raise ValidationError(
                f"{g.name} was on {g.on.isoformat()}: a seating plan is for a gathering to come"
            )
        guests = sorted(set(self._guests(gid)) | set(host_ids))
        if not guests:
            raise ValidationError(
                f"nobody has confirmed for {g.name}: "
                "dunbar gathering rsvp GATHERING PERSON confirmed"
            )
        outside = {p for pair in (*pairs_together, *pairs_apart) for p in pair} - set(guests)
        if outside:
            raise ValidationError(f"#{min(outside)} is not a confirmed guest of {g.name}")
        rules = SeatingRules(together=pairs_together, apart=pairs_apart, hosts=host_ids)
        check_seating(guests, list(tables), rounds, rules)
        return gid, g, guests, rules

    def check_plan(
        self,
        ref: str | int,
        *,
        tables: Sequence[int],
        rounds: int = 1,
        together: Sequence[tuple[str | int, str | int]] = (),
        apart: Sequence[tuple[str | int, str | int]] = (),
        hosts: Sequence[str | int] = (),
    ) -> None:
        """Raise the error :meth:`plan_gathering` would for bad input, without planning."""
        self._plan_request(ref, tables, rounds, together, apart, hosts)

    def _seating_inputs(
        self, net: Network, guests: Sequence[int]
    ) -> tuple[
        dict[Any, str],
        dict[tuple[Any, Any], float],
        dict[tuple[Any, Any], int],
        dict[Any, Hashable],
    ]:
        """Names, pair weights, history and organisations of the guests, for the solver."""
        from dunbar.gatherings import value_graph

        profiles = self._profiles(net, guests)
        known = [(a, b) for a, b in net.graph.subgraph(guests).edges()]
        values = value_graph(profiles, acquainted=known)
        weights = {(a, b): float(d["value"]) for a, b, d in values.edges(data=True)}
        history = self._met_before(guests)
        attributes: dict[Any, Hashable] = {p.id: p.organisation for p in profiles if p.organisation}
        names: dict[Any, str] = {p.id: p.name for p in profiles}
        return names, weights, history, attributes

    def score_gathering_seating(
        self,
        ref: str | int,
        arrangement: Sequence[Sequence[Sequence[int]]],
        *,
        tables: Sequence[int],
        together: Sequence[tuple[str | int, str | int]] = (),
        apart: Sequence[tuple[str | int, str | int]] = (),
        hosts: Sequence[str | int] = (),
        network: Network | None = None,
    ) -> SeatingReport:
        """Score a seating arranged by hand (person ids per round and table) with the
        planner's objective and bounds (:func:`~dunbar.gatherings.score.score_seating`)."""
        from dunbar.gatherings import SeatingRules
        from dunbar.gatherings.score import score_seating

        with self._read() as conn:
            gid = _resolve_gathering(conn, ref)
            g = records.load_gathering(conn, gid)
            ids = sorted({int(p) for rnd in arrangement for t in rnd for p in t})
            for pid in ids:
                people_store.resolve_person(conn, pid)

            def resolve(ref: str | int) -> int:
                return people_store.resolve_person(conn, ref)

            rules = SeatingRules(
                together=[(resolve(a), resolve(b)) for a, b in together],
                apart=[(resolve(a), resolve(b)) for a, b in apart],
                hosts=[resolve(h) for h in hosts],
            )
        net = network or self.network()
        present = [p for p in ids if p in net.graph]
        names, weights, history, attributes = self._seating_inputs(net, present)
        scored = score_seating(
            [[[int(p) for p in t] for t in rnd] for rnd in arrangement],
            list(tables),
            weights=weights,
            history=history,
            attributes=attributes,
            rules=rules,
        )
        plan = scored.plan
        lines = [
            [
                ([names.get(p, str(p)) for p in table], plan.why(r, t, names))
                for t, table in enumerate(plan.rounds[r])
            ]
            for r in range(len(plan.rounds))
        ]
        return SeatingReport(g, plan, names, lines, list(scored.problems))

    def save_seating(
        self, ref: str | int, arrangement: Sequence[Sequence[Sequence[int]]]
    ) -> list[Seat]:
        """Replace the gathering's seating with ``arrangement`` (person ids per round and
        table, rounds and tables in order), in one transaction."""
        with self._write() as conn:
            gid = _resolve_gathering(conn, ref)
            g = records.load_gathering(conn, gid)
            _not_closed(conn, gid)
            guests = {a.person_id for a in records.attendees(conn, gid)}
            seats: list[Seat] = []
            for r, tables_ in enumerate(arrangement, start=1):
                seen: set[int] = set()
                for t, table in enumerate(tables_, start=1):
                    for s, person in enumerate(table, start=1):
                        pid = people_store.resolve_person(conn, int(person))
                        if pid not in guests:
                            raise ValidationError(f"#{pid} is not a guest of {g.name}")
                        if pid in seen:
                            raise ValidationError(f"#{pid} sits twice in round {r}")
                        seen.add(pid)
                        seats.append(Seat(gid, r, t, s, pid))
            if not seats:
                raise ValidationError("nobody is seated in that arrangement")
            conn.execute(delete(seating).where(seating.c.gathering_id == gid))
            for seat_ in seats:
                records.set_seat(conn, seat_)
            return seats

    def match_gathering(
        self,
        ref: str | int,
        *,
        slots: int,
        availability: Mapping[str, Sequence[int]] | Mapping[int, Sequence[int]] | None = None,
        seed: int = 0,
        network: Network | None = None,
    ) -> MatchReport:
        """1:1 meetings over ``slots`` slots among the confirmed guests: one
        maximum-value matching per slot, no pair twice, nobody outside their slots
        (``availability``: person → 1-based slot numbers)."""
        from dunbar.gatherings import match_slots, value_graph

        with self._read() as conn:
            gid = _resolve_gathering(conn, ref)
            g = records.load_gathering(conn, gid)
            avail: dict[Hashable, list[int]] = {
                people_store.resolve_person(conn, who): [int(s) - 1 for s in when]
                for who, when in (availability or {}).items()
            }
        guests = self._guests(gid)
        if len(guests) < 2:
            raise ValidationError(f"{g.name} needs two confirmed guests for 1:1 meetings")
        outside = set(avail) - set(guests)
        if outside:
            raise ValidationError(f"#{min(outside)} is not a confirmed guest of {g.name}")  # type: ignore[type-var]
        net = network or self.network()
        profiles = self._profiles(net, guests)
        known = [(a, b) for a, b in net.graph.subgraph(guests).edges()]
        G = value_graph(profiles, acquainted=known)
        plan = match_slots(G, slots, availability=avail or None, seed=seed, baseline=True)
        names = {int(p.id): p.name for p in profiles}  # type: ignore[call-overload]
        meetings = [
            [
                (
                    names[int(a)],  # type: ignore[call-overload]
                    names[int(b)],  # type: ignore[call-overload]
                    list(G.edges[a, b].get("reasons", ())),
                )
                for a, b in pairs
            ]
            for pairs in plan.slots
        ]
        return MatchReport(g, plan, names, meetings)

    def suggest_guests(
        self,
        ref: str | int,
        *,
        limit: int | None = None,
        seed: int = 0,
        network: Network | None = None,
    ) -> GuestList:
        """Who to invite and why: overdue ties, dormant ties worth reviving, and pairs
        who should meet; a mix of strong and weak ties, diverse by organisation."""
        from dunbar.gatherings import GuestCandidate, suggest_guests, value_graph

        with self._read() as conn:
            gid = _resolve_gathering(conn, ref)
            g = records.load_gathering(conn, gid)
            taken = {a.person_id for a in records.attendees(conn, gid)}
        capacity = limit or g.capacity or 12
        if capacity < 1:
            raise ValidationError("limit must be at least 1", field="limit")
        agenda = self.agenda(kinds=["fading", "dormant"], limit=capacity * 3)
        net = network or self.network()
        G = net.graph

        def attrs(pid: int) -> dict[str, str | None]:
            return {"organisation": G.nodes[pid].get("organisation")}

        def strength(pid: int) -> float:
            return float(min(1.0, max(0.0, G.nodes[pid].get("strength") or 0.0)))

        candidates: list[Any] = []
        top = max((i.priority for i in agenda.items), default=1.0) or 1.0
        for item in agenda.items:
            if item.person_id in taken or item.person_id not in G:
                continue
            candidates.append(
                GuestCandidate(
                    item.person_id,
                    item.name,
                    "overdue" if item.kind == "fading" else "dormant",
                    strength(item.person_id),
                    min(1.0, max(0.0, item.priority / top)),
                    item.reason.removeprefix(f"{item.name}: "),
                    attrs(item.person_id),
                )
            )
        pool = sorted(
            (n for n in G if n != net.me and n not in taken and G.nodes[n].get("circle")),
            key=lambda n: (-(G.nodes[n].get("strength") or 0.0), n),
        )[:150]
        known = [(a, b) for a, b in G.subgraph(pool).edges()]
        values = value_graph(self._profiles(net, pool), acquainted=known, min_score=0.3)
        best = sorted(values.edges(data=True), key=lambda e: (-e[2]["value"], e[0], e[1]))
        for a, b, d in best[: capacity * 2]:
            reason = "; ".join(d.get("reasons", ())[:1]) or "they should meet"
            for one, other in ((a, b), (b, a)):
                candidates.append(
                    GuestCandidate(
                        one,
                        str(G.nodes[one].get("name")),
                        "pair",
                        strength(one),
                        float(d["value"]),
                        f"should meet {G.nodes[other].get('name')}: {reason}",
                        attrs(one),
                        partner=other,
                    )
                )
        return suggest_guests(candidates, capacity=capacity, seed=seed)
