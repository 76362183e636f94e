"""Tie strength, circles, the agenda and the value report, from the ledger.

The pure engines are in :mod:`dunbar.strength`; this mixin feeds them from the
store. Scoring everyone goes through the ``tie_tallies`` cache
(:mod:`dunbar.store.tallies`): each person's tally is read from the table,
brought forward to today, and only the people whose tally is missing (new, or
made stale by a write) have their episodes read. ``today`` is a parameter
everywhere: a past day is scored from the episodes up to that day, without the
cache.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from dunbar.errors import ValidationError
from dunbar.facade.base import LedgerBase
from dunbar.store import people as people_store
from dunbar.store.stale import chunks, forget_tallies
from dunbar.store.tables import (
    acquaintances,
    agenda_marks,
    favours,
    follow_ups,
    gatherings,
    person_labels,
)

if TYPE_CHECKING:
    import numpy as np

    from dunbar.strength.agenda import Agenda, Contact
    from dunbar.strength.batch import BatchScores, EpisodeArrays
    from dunbar.strength.circles import BatchPlacement, Placement
    from dunbar.strength.params import StrengthParams
    from dunbar.strength.reconnect import DormantScore
    from dunbar.strength.score import TieStrength

__all__ = ["CircleLayer", "Circles", "Progress", "Scoreboard", "StrengthMixin", "TieReport"]

Progress = Callable[[str, int, int], None]
"""``progress(step, done, total)``: called while tallies are made from episodes."""

END_OF_DAY = dt.time(23, 59, 59, 999_999)
# How long a mark from `dunbar done` hides items that have no cadence of their own.
DONE_DAYS = {"dormant": 365, "favour": 90, "occasion": 30, "follow_up": 0, "fading": 30}


@dataclass
class Scoreboard:
    """Everyone's score on one day, and their circles (what the agenda is built on).

    Arrays for everyone (``scores``, ``circles``, ``peak``, aligned with
    ``scores.person``); per-person objects (:meth:`tie`, :meth:`placement`) are
    made on demand, so that 50,000 people cost no more than the arrays.
    """

    today: dt.date
    contacts: ContactTable
    scores: BatchScores
    circles: BatchPlacement
    peak: Any
    """History peak (best end-of-day score) per person, NaN without episodes."""
    tally: Any = None
    """The :class:`~dunbar.strength.batch.Tally` the scores were made from."""
    cached: int = 0
    """How many scores came from stored tallies (the rest from episodes)."""

    def index(self, pid: int) -> int:
        import numpy as np

        i = int(np.searchsorted(self.scores.person, pid))
        if i >= len(self.scores.person) or int(self.scores.person[i]) != pid:
            raise KeyError(pid)
        return i

    def tie(self, pid: int) -> TieStrength:
        """A light TieStrength (score, status, day counts) of one person."""
        from dunbar.strength.batch import STATUSES
        from dunbar.strength.score import TieStrength

        i, s = self.index(pid), self.scores
        score = float(s.score[i])
        last, contact, known = (
            int(s.last_episode_days[i]),
            int(s.last_contact_days[i]),
            int(s.days_known[i]),
        )
        return TieStrength(
            score=None if score != score else score,
            status=STATUSES[int(s.status[i])],
            parts={},
            weights={},
            closeness=self.contacts[pid].closeness,
            episodes=int(s.episodes[i]),
            outbound=int(s.outbound[i]),
            inbound=int(s.inbound[i]),
            last_episode_days=None if last < 0 else last,
            last_contact_days=None if contact < 0 else contact,
            days_known=None if known < 0 else known,
        )

    def last_day(self, pid: int) -> dt.date | None:
        """The day of the last episode with ``pid`` (up to ``today``), or None."""
        if pid not in self.contacts:
            return None
        days = int(self.scores.last_episode_days[self.index(pid)])
        return None if days < 0 else self.today - dt.timedelta(days=days)

    def peak_of(self, pid: int) -> float | None:
        value = float(self.peak[self.index(pid)])
        return None if value != value else value

    def placement(self, pid: int) -> Placement:
        from dunbar.strength.circles import Placement

        i, c, s = self.index(pid), self.circles, self.scores
        score = float(s.score[i])
        cadence, overdue = float(c.cadence[i]), float(c.overdue[i])
        contact = int(s.last_contact_days[i])
        return Placement(
            rank=int(c.rank[i]) or None,
            layer=int(c.layer[i]) or None,
            score=None if score != score else score,
            pinned=bool(c.pinned[i]),
            declared_only=int(s.status[i]) == 1,
            kin=self.contacts[pid].kin,
            cadence_days=None if cadence != cadence else cadence,
            days_since_contact=None if contact < 0 else contact,
            overdue=None if overdue != overdue else overdue,
        )

    @property
    def ties(self) -> dict[int, TieStrength]:
        """Everyone's light TieStrength (made on each call: use :meth:`tie` for one)."""
        return {int(pid): self.tie(int(pid)) for pid in self.scores.person}

    @property
    def placements(self) -> dict[int, Placement]:
        """Everyone's Placement, in rank order then unranked (made on each call)."""
        import numpy as np

        c = self.circles
        order = np.lexsort((np.arange(len(c.rank)), np.where(c.rank > 0, c.rank, 2**62)))
        return {int(c.person[i]): self.placement(int(c.person[i])) for i in order}

    def dormant_mask(self, params: StrengthParams) -> Any:
        """Who is dormant and worth reviving (``reconnect.is_dormant``, for everyone)."""
        import numpy as np

        s = self.scores
        q = self.contacts.closeness[self.contacts.positions(s.person)]
        with np.errstate(invalid="ignore"):
            strong = (self.peak >= params.dormant_min_peak) | (q >= params.dormant_min_closeness)
        return (s.last_episode_days >= params.dormancy_days) & strong


@dataclass(frozen=True)
class TieReport:
    """One tie: its strength explained, and where it sits in my circles."""

    person_id: int
    name: str
    today: dt.date
    strength: TieStrength
    placement: Placement | None
    peak: float | None
    explanation: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CircleMember:
    person_id: int
    name: str
    score: float | None
    days_since_contact: int | None
    overdue: float | None
    pinned: bool
    kin: bool
    declared_only: bool


@dataclass(frozen=True)
class CircleLayer:
    size: int
    name: str
    cadence_days: int | None
    members: list[CircleMember]
    overdue: int


@dataclass
class Circles:
    today: dt.date
    layers: list[CircleLayer]
    unplaced: int
    """People with a score beyond the outermost layer."""
    unknown: int
    """People with nothing to score them by (no contact, no closeness)."""


def _day(value: dt.date) -> dt.datetime:
    return dt.datetime.combine(value, END_OF_DAY, tzinfo=dt.UTC)


class StrengthMixin(LedgerBase):
    """Strength, circles, agenda and value."""

    # --- parameters ----------------------------------------------------------------

    def strength_params(self) -> StrengthParams:
        """This ledger's strength parameters (the defaults until changed)."""
        with self._read() as conn:
            return self._params(conn)

    def _params(self, conn: Connection) -> StrengthParams:
        from dunbar.store.tallies import PARAMS_KEY, get_setting
        from dunbar.strength.params import StrengthParams

        stored = get_setting(conn, PARAMS_KEY)
        return StrengthParams() if stored is None else StrengthParams.from_dict(stored)

    def set_strength_params(self, params: StrengthParams | Mapping[str, Any]) -> StrengthParams:
        """Store new parameters (a :class:`StrengthParams` or a dict of changes)."""
        from dunbar.store.tallies import PARAMS_KEY, set_setting
        from dunbar.strength.params import StrengthParams

        with self._write() as conn:
            if not isinstance(params, StrengthParams):
                merged = self._params(conn).to_dict()
                for key, value in params.items():
                    if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
                        merged[key] = {**merged[key], **value}
                    else:
                        merged[key] = value
                params = StrengthParams.from_dict(merged)
            set_setting(conn, PARAMS_KEY, params.to_dict(), now=self.now())
            return params

    def reset_strength_params(self) -> StrengthParams:
        """Back to the defaults of MODEL.md."""
        from dunbar.strength.params import StrengthParams

        return self.set_strength_params(StrengthParams())

    # --- scoring everyone ------------------------------------------------------------

    def _resolve(self, ref: str | int) -> int:
        with self._read() as conn:
            return people_store.resolve_person(conn, ref)

    def _today(self, today: dt.date | str | None) -> dt.date:
        if today is None:
            return self.now().astimezone(dt.UTC).date()
        day = self._date(today, "today")
        self._not_future(day)
        return day

    def scoreboard(
        self, *, today: dt.date | str | None = None, progress: Progress | None = None
    ) -> Scoreboard:
        """Everyone's score and circle on ``today`` (default: the ledger's today)."""
        day = self._today(today)
        with self._guard():
            return self._scoreboard(day, progress)

    def _scoreboard(self, day: dt.date, progress: Progress | None = None) -> Scoreboard:
        import numpy as np

        from dunbar.store import tallies as tally_store
        from dunbar.strength.batch import Tally, tally_many

        with self._engine.connect() as conn:
            params = self._params(conn)
            contacts = _contacts(conn)
            ids = contacts.ids
            stored = tally_store.load_tallies(conn)
            fingerprint = tally_store.get_setting(conn, tally_store.TALLIES_KEY)
        usable = fingerprint == tally_store.params_fingerprint(params) and (
            not len(stored) or int(np.max(stored.as_of)) <= day.toordinal()
        )
        cached = 0
        if usable:
            keep = np.isin(stored.person, ids)
            stored = stored.take(np.flatnonzero(keep))
            missing = np.setdiff1d(ids, stored.person)
            if len(missing):
                fresh = self._fill_tallies(missing, day, params, progress=progress)
                tally = Tally.join([stored, fresh]) if len(stored) else fresh
            else:
                tally = stored
            cached = len(stored)
        elif day >= self.now().astimezone(dt.UTC).date():
            # New parameters (or none yet): every tally is made again, and stored.
            tally = self._fill_tallies(ids, day, params, everyone=True, progress=progress)
        else:
            # A past day: only the episodes up to it count; nothing is stored.
            with self._engine.connect() as conn:
                arrays = _until(tally_store.episode_arrays(conn), day)
            tally = tally_many(**_for(arrays, ids, contacts, day), now=day, params=params)
        return _board(day, contacts, tally, params, cached)

    def rescored(self, board: Scoreboard, people: Iterable[int]) -> Scoreboard | None:
        """``board`` after a write that touched only ``people``, without reading everyone.

        Their contact rows and episodes are read again and their ties tallied
        afresh; everyone's scores and circles are then worked out again from the
        board's tallies (one person's tie moves everyone's ranks). When nothing
        else changed since ``board`` was made, the result equals a new
        :meth:`scoreboard` of that day. ``None`` when one of them is not on the
        board or no longer in the ledger (added or forgotten since): make a new one.
        """
        import numpy as np

        from dunbar.store import tallies as tally_store
        from dunbar.strength.batch import Tally, tally_many

        ids = np.unique(np.asarray(list(people), dtype=np.int64))
        if board.tally is None or any(int(p) not in board.contacts for p in ids):
            return None
        if not len(ids):
            return board
        day = board.today
        with self._read() as conn:
            params = self._params(conn)
            rows = _contact_rows(conn, ids.tolist())
            arrays = _until(tally_store.episode_arrays(conn, ids.tolist()), day)
        if len(rows) != len(ids):
            return None
        contacts = board.contacts.replaced(rows)
        fresh = tally_many(**_for(arrays, ids, contacts, day), now=day, params=params)
        others = board.tally.take(np.flatnonzero(~np.isin(board.tally.person, ids)))
        tally = Tally.join([others, fresh]) if len(others) else fresh
        return _board(day, contacts, tally, params, board.cached)

    def _fill_tallies(
        self,
        person_ids: np.ndarray[Any, Any],
        day: dt.date,
        params: StrengthParams,
        *,
        everyone: bool = False,
        progress: Progress | None = None,
    ) -> Any:
        """Tallies of ``person_ids`` from their episodes, stored when they can be.

        Runs in a write transaction that keeps encounter writers out until the
        tallies are saved (:func:`~dunbar.store.stale.lock_for_filling`), so a
        tally is never saved for episodes that changed while it was made.
        """
        import numpy as np

        from dunbar.store import tallies as tally_store
        from dunbar.strength.batch import tally_many

        def step(name: str, done: int) -> None:
            if progress is not None:
                progress(name, done, 3)

        with self._write() as conn:
            step("reading episodes", 0)
            tally_store.lock_for_filling(conn)
            contacts = _contacts(conn)
            ids = person_ids[np.isin(person_ids, contacts.ids)]
            many = everyone or len(ids) > 0.2 * max(len(contacts), 1)
            arrays = tally_store.episode_arrays(conn, None if many else ids.tolist())
            # An encounter a little in the future (the clock's slack) cannot be in a
            # tally as of today: such people are scored without being stored.
            later = np.unique(arrays["person"][arrays["day"] > day.toordinal()])
            arrays = _until(arrays, day)
            step(f"scoring {len(ids):,} ties", 1)
            tally = tally_many(**_for(arrays, ids, contacts, day), now=day, params=params)
            step("saving", 2)
            if everyone:
                forget_tallies(conn)
                tally_store.set_setting(
                    conn,
                    tally_store.TALLIES_KEY,
                    tally_store.params_fingerprint(params),
                    now=self.now(),
                )
            storable = np.flatnonzero(~np.isin(tally.person, later))
            tally_store.save_tallies(conn, tally.take(storable))
        step("done", 3)
        return tally

    def tie(
        self,
        ref: str | int,
        *,
        today: dt.date | str | None = None,
        board: Scoreboard | None = None,
    ) -> TieReport:
        """One tie's strength, explained, with its circle (``dunbar strength PERSON``).

        ``board``: everyone's :meth:`scoreboard` of that day, if the caller keeps
        one (the web app caches it), so that one tie costs only its own episodes.
        """
        from dunbar.store import tallies as tally_store
        from dunbar.strength.score import score_tie

        day = self._today(today)
        pid = self._resolve(ref)
        if board is None or board.today != day:
            board = self.scoreboard(today=day)
        with self._read() as conn:
            if pid == people_store.me_id(conn):
                raise ValidationError("that is you: strength is of your ties to others")
            params = self._params(conn)
            episodes = _episodes(_until(tally_store.episode_arrays(conn, [pid]), day)).get(pid, [])
        contact = board.contacts[pid]
        tie = score_tie(
            episodes,
            now=day,
            first_known=_known_by(contact.first_known, day),
            closeness=contact.closeness,
            params=params,
        )
        return TieReport(
            person_id=pid,
            name=contact.name,
            today=day,
            strength=tie,
            placement=board.placement(pid),
            peak=board.peak_of(pid),
            explanation=tie.explain(),
        )

    def strength_history(
        self,
        ref: str | int,
        *,
        months: int = 24,
        today: dt.date | str | None = None,
        board: Scoreboard | None = None,
    ) -> list[tuple[dt.date, float | None]]:
        """One tie's score at the end of each of the ``months`` months up to ``today``.

        Oldest first; the last point is ``today`` itself, the others month ends
        (:func:`~dunbar.strength.reconnect.monthly_checkpoints`). Each score counts
        only the episodes up to its day (``None``: nothing to score by yet).
        ``board``: a :meth:`scoreboard` the caller keeps (its contacts are reused).
        """
        import numpy as np

        from dunbar.store import tallies as tally_store
        from dunbar.strength.batch import score_history
        from dunbar.strength.reconnect import monthly_checkpoints

        if not 1 <= months <= 240:
            raise ValidationError(f"months must be from 1 to 240, not {months}")
        day = self._today(today)
        pid = self._resolve(ref)
        with self._read() as conn:
            if pid == people_store.me_id(conn):
                raise ValidationError("that is you: strength is of your ties to others")
            params = self._params(conn)
            arrays = _until(tally_store.episode_arrays(conn, [pid]), day)
            contacts = board.contacts if board is not None else _contacts(conn)
        checkpoints = list(reversed(monthly_checkpoints(day, months=months)))
        mine = _for(arrays, np.asarray([pid], dtype=np.int64), contacts, day)
        scores = score_history(
            mine["day"],
            mine["channel"],
            mine["direction"],
            mine["minutes"],
            mine["group"],
            checkpoints=checkpoints,
            first_known=int(mine["first_known"][0]),
            closeness=int(mine["closeness"][0]),
            params=params,
        )
        return [
            (checkpoint, None if score != score else score)
            for checkpoint, score in zip(checkpoints, scores.tolist(), strict=True)
        ]

    # --- circles -----------------------------------------------------------------------

    def circles(
        self, *, today: dt.date | str | None = None, progress: Progress | None = None
    ) -> Circles:
        """My Dunbar layers, each with its members, cadence and how many are overdue."""
        from dunbar.strength.circles import LAYER_NAMES, cadence_for

        board = self.scoreboard(today=today, progress=progress)
        with self._read() as conn:
            params = self._params(conn)
        import numpy as np

        c, scores = board.circles, board.scores
        layers = []
        for size in params.circle_sizes:
            inside = np.flatnonzero(c.layer == size)
            inside = inside[np.argsort(c.rank[inside], kind="stable")]
            members = []
            for i in inside.tolist():
                p = board.placement(int(c.person[i]))
                members.append(
                    CircleMember(
                        person_id=int(c.person[i]),
                        name=board.contacts[int(c.person[i])].name,
                        score=p.score,
                        days_since_contact=p.days_since_contact,
                        overdue=p.overdue,
                        pinned=p.pinned,
                        kin=p.kin,
                        declared_only=p.declared_only,
                    )
                )
            cadence = cadence_for(size, params=params)
            layers.append(
                CircleLayer(
                    size=size,
                    name=LAYER_NAMES.get(size, f"layer {size}"),
                    cadence_days=None if cadence is None else int(cadence),
                    members=members,
                    overdue=sum(1 for m in members if m.overdue is not None and m.overdue >= 1),
                )
            )
        unknown = int(np.isnan(scores.score).sum())
        unplaced = int(((c.layer == 0) & ~np.isnan(scores.score)).sum())
        return Circles(board.today, layers, unplaced=unplaced, unknown=unknown)

    # --- the agenda --------------------------------------------------------------------

    def agenda(
        self,
        *,
        today: dt.date | str | None = None,
        limit: int | None = 10,
        kinds: Iterable[str] | None = None,
        progress: Progress | None = None,
        board: Scoreboard | None = None,
    ) -> Agenda:
        """Whom to reach out to today, and why: ranked, explained, ``limit`` per section.

        ``board`` is that day's :meth:`scoreboard` if the caller has it already.
        """
        from dunbar.strength import agenda as engine

        chosen = list(engine.KINDS if kinds is None else kinds)
        unknown = [k for k in chosen if k not in engine.KINDS]
        if unknown:
            raise ValidationError(
                f"unknown agenda section {unknown[0]!r}: choose from " + ", ".join(engine.KINDS)
            )
        if limit is not None and limit < 1:
            raise ValidationError("limit must be at least 1")
        if board is None or board.today != self._today(today):
            board = self.scoreboard(today=today, progress=progress)
        day = board.today
        with self._read() as conn:
            params = self._params(conn)
            marks = _marks(conn, day)
            found: dict[str, list[engine.AgendaItem]] = {}
            fading_total = fading_hidden = 0
            if "follow_up" in chosen:
                facts = _follow_ups(conn)
                last = {f.person_id: board.last_day(f.person_id) for f in facts}
                found["follow_up"] = engine.follow_up_items(
                    facts,
                    board.contacts,
                    today=day,
                    last_contact={p: d for p, d in last.items() if d is not None},
                )
            if "favour" in chosen:
                facts = _favours(conn)
                _add_needs(conn, board.contacts, {f.person_id for f in facts})
                found["favour"] = engine.favour_items(facts, board.contacts, today=day)
            if "fading" in chosen:
                hidden = {m.person_id for m in marks if m.kind in ("fading", "all")} & set(
                    board.contacts
                )
                items, total = self._fading(conn, board, params, limit, hidden)
                found["fading"] = items
                fading_total = total
                fading_hidden = len(hidden)
            if "dormant" in chosen:
                found["dormant"] = self._dormant(conn, board, params, limit)
            if "occasion" in chosen:
                dated = board.contacts.dated()
                circle_of = {p: int(board.circles.layer[board.index(p)]) or None for p in dated}
                items = engine.occasion_items(
                    {p: board.contacts[p] for p in dated}, today=day, circle_of=circle_of
                )
                found["occasion"] = [
                    i for i in items if (board.last_day(i.person_id) or dt.date.min) < i.due
                ]
        out = engine.Agenda(today=day)
        for kind in chosen:
            kept, hidden_here = engine.apply_marks(found[kind], marks, today=day)
            out.hidden += hidden_here
            out.totals[kind] = len(kept)
            if kind == "fading":
                # Ranked in full but made into items only as far as shown.
                out.totals[kind] = fading_total
                out.hidden += fading_hidden
            out.sections[kind] = kept if limit is None else kept[:limit]
        if not board.contacts:
            out.notes.append(
                "your ledger has nobody in it but you yet: add people (`dunbar add person`) "
                "or import your contacts (`dunbar import`)"
            )
        elif not any(board.scores.episodes):
            out.notes.append(
                "no encounters are logged yet, so nobody can be overdue: log one with "
                "`dunbar log` or import a calendar or mailbox"
            )
        return out

    def _fading(
        self,
        conn: Connection,
        board: Scoreboard,
        params: StrengthParams,
        shown: int | None,
        hidden: set[int],
    ) -> tuple[list[Any], int]:
        """The fading queue (MODEL.md §3), and how many items it has in all.

        ``priority = S_peak12m × min(overdue, cap)``, for everyone at once: the
        monthly peaks come from the tallies (:func:`~dunbar.strength.batch.peak12`),
        overdue from the circles (bridges at ``bridge_cadence_factor`` of their
        cadence). Only the first ``shown`` become items, explained from their
        episodes; people in ``hidden`` (done or snoozed) are left out.
        """
        import numpy as np

        from dunbar.store import tallies as tally_store
        from dunbar.strength import agenda as engine
        from dunbar.strength.batch import peak12
        from dunbar.strength.reconnect import FadingItem

        c, sc = board.circles, board.scores
        # A tie out of touch long enough to be dormant is in the dormant queue instead.
        mask = ~np.isnan(c.cadence) & (sc.last_contact_days >= 0) & ~board.dormant_mask(params)
        if hidden:
            mask &= ~np.isin(sc.person, np.array(sorted(hidden), dtype=np.int64))
        rows = np.flatnonzero(mask)
        if not len(rows):
            return [], 0
        ids = sc.person[rows]
        bridges = _bridging(conn, board)
        bridging = np.isin(ids, np.array(sorted(bridges), dtype=np.int64))
        cadence = c.cadence[rows] * np.where(bridging, params.bridge_cadence_factor, 1.0)
        since = sc.last_contact_days[rows]
        overdue = since / cadence
        late = overdue >= 1
        rows, ids, bridging = rows[late], ids[late], bridging[late]
        cadence, since, overdue = cadence[late], since[late], overdue[late]
        if not len(rows):
            return [], 0
        first, close = _known_and_closeness(ids, board.contacts, board.today)
        peak = peak12(
            board.tally.take(rows),
            now=board.today,
            first_known=first,
            closeness=close,
            params=params,
        )
        score = sc.score[rows]
        peak = np.where(np.isnan(peak), np.nan_to_num(score), peak)
        priority = peak * np.minimum(overdue, params.overdue_cap)
        order = np.lexsort((ids, -priority))[:shown]
        queue = [
            FadingItem(
                key=int(ids[i]),
                layer=int(c.layer[rows[i]]),
                cadence_days=float(cadence[i]),
                days_since_contact=int(since[i]),
                overdue=float(overdue[i]),
                peak=float(peak[i]),
                priority=float(priority[i]),
                bridging=bool(bridging[i]),
            )
            for i in order.tolist()
        ]
        top = [int(f.key) for f in queue]  # type: ignore[call-overload]
        episodes = _episodes(_until(tally_store.episode_arrays(conn, top), board.today))
        details = {
            pid: self._explain(episodes.get(pid, []), board.today, board.contacts[pid], params)
            for pid in top
        }
        items = engine.fading_items(queue, board.contacts, today=board.today, details=details)
        return items, len(rows)

    @staticmethod
    def _explain(
        eps: Sequence[Any], day: dt.date, contact: Contact, params: StrengthParams
    ) -> list[str]:
        from dunbar.strength.score import score_tie

        tie = score_tie(
            eps,
            now=day,
            first_known=_known_by(contact.first_known, day),
            closeness=contact.closeness,
            params=params,
        )
        return tie.explain()

    def _dormant(
        self, conn: Connection, board: Scoreboard, params: StrengthParams, shown: int | None
    ) -> list[Any]:
        from dunbar.store import tallies as tally_store
        from dunbar.strength import agenda as engine
        from dunbar.strength.reconnect import diversify, dormant_score

        c = board.circles
        candidates = board.scores.person[board.dormant_mask(params)].tolist()
        if not candidates:
            return []
        circle = set(c.person[(c.layer > 0) & (c.layer <= 150)].tolist())
        known = _acquaintance_sets(conn, candidates)
        scored: list[tuple[int, DormantScore]] = []
        for pid in candidates:
            tie = board.tie(pid)
            theirs = known.get(pid, set())
            shared = len(circle.intersection(theirs))
            union = len(theirs) + len(circle) - shared  # without building the union
            jaccard = shared / union if union else 0.0
            balance = _balance(tie.outbound, tie.inbound)
            scored.append(
                (
                    pid,
                    dormant_score(
                        days_dormant=tie.last_episode_days or 0,
                        closeness=tie.closeness,
                        peak=board.peak_of(pid),
                        balance=balance,
                        jaccard=jaccard,
                    ),
                )
            )
        scored.sort(key=lambda item: (-item[1].score, item[0]))
        head = scored[:100]
        ranked = diversify(
            head,
            score=lambda item: item[1].score,
            cluster=lambda item: board.contacts[item[0]].organisation,
        )
        keys = [pid for pid, _ in ranked[:shown]]
        episodes = _episodes(_until(tally_store.episode_arrays(conn, keys), board.today))
        details = {
            pid: self._explain(episodes.get(pid, []), board.today, board.contacts[pid], params)
            for pid in keys
        }
        return engine.dormant_items(
            ranked + scored[100:], board.contacts, today=board.today, details=details
        )

    # --- done and snooze ---------------------------------------------------------------

    def done(
        self,
        ref: str | int,
        *,
        kind: str = "all",
        today: dt.date | str | None = None,
        board: Scoreboard | None = None,
    ) -> dict[str, Any]:
        """I have taken care of this person's agenda items (of ``kind``, or all).

        Open follow-ups due by today are completed; with ``kind="favour"`` the
        favours I promised them are marked done. Fading items are then hidden
        until the person's next contact is due (their circle's cadence, from
        ``board`` if the caller keeps that day's :meth:`scoreboard`, as the web
        app does); other kinds for a while (``DONE_DAYS``).
        """
        from dunbar.strength.circles import cadence_for

        day = self._today(today)
        kinds = self._mark_kinds(kind)
        pid = self._resolve(ref)
        if board is None or board.today != day:
            board = self.scoreboard(today=day)
        placement = board.placement(pid) if pid in board.contacts else None
        with self._write() as conn:
            if pid == people_store.me_id(conn):
                raise ValidationError("that is you: done is for other people's agenda items")
            params = self._params(conn)
            completed = favoured = 0
            if "follow_up" in kinds:
                completed = conn.execute(
                    follow_ups.update()
                    .where(
                        follow_ups.c.person_id == pid,
                        follow_ups.c.done.is_(False),
                        follow_ups.c.due <= day,
                    )
                    .values(done=True)
                ).rowcount
            if kind == "favour":
                favoured = conn.execute(
                    favours.update()
                    .where(
                        favours.c.giver_id == people_store.me_id(conn),
                        favours.c.receiver_id == pid,
                        favours.c.status.in_(("asked", "promised")),
                    )
                    .values(status="done")
                ).rowcount
            until: dict[str, dt.date] = {}
            for k in kinds:
                days = DONE_DAYS[k]
                if k == "fading" and placement is not None:
                    cadence = cadence_for(placement.layer, kin=placement.kin, params=params)
                    days = int(cadence) if cadence is not None else days
                if days:
                    until[k] = day + dt.timedelta(days=days)
                    _mark(conn, pid, k, "done", until[k], self.now())
        return {
            "person_id": pid,
            "name": board.contacts[pid].name if pid in board.contacts else str(pid),
            "follow_ups_completed": completed,
            "favours_done": favoured,
            "hidden_until": {k: v.isoformat() for k, v in until.items()},
        }

    def snooze(
        self,
        ref: str | int,
        *,
        days: int = 7,
        kind: str = "all",
        today: dt.date | str | None = None,
    ) -> dict[str, Any]:
        """Hide a person's agenda items (of ``kind``, or all) for ``days`` days."""
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3650:
            raise ValidationError(f"snooze for 1 to 3650 days, not {days!r}", field="days")
        day = self._today(today)
        self._mark_kinds(kind)
        until = day + dt.timedelta(days=days)
        with self._write() as conn:
            pid = people_store.resolve_person(conn, ref)
            if pid == people_store.me_id(conn):
                raise ValidationError("that is you: snooze is for other people's agenda items")
            _mark(conn, pid, kind, "snooze", until, self.now())
            name = people_store.load_person(conn, pid).name
        return {"person_id": pid, "name": name, "kind": kind, "until": until.isoformat()}

    @staticmethod
    def _mark_kinds(kind: str) -> list[str]:
        from dunbar.strength.agenda import KINDS

        if kind == "all":
            return list(KINDS)
        if kind not in KINDS:
            raise ValidationError(
                f"unknown agenda section {kind!r}: choose all, " + ", ".join(KINDS), field="kind"
            )
        return [kind]


# --- reading the store -------------------------------------------------------------------


def _balance(outbound: int, inbound: int) -> float | None:
    if not outbound + inbound:
        return None
    share = (inbound + 1) / (inbound + outbound + 2)
    return 1.0 - abs(2.0 * share - 1.0)


class ContactTable(Mapping[int, "Contact"]):
    """Everyone but me, by id: arrays for the engines, a Contact made on demand.

    Making 50,000 Contact objects costs more than everything else a warm agenda
    does; most of them are never looked at.
    """

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        import numpy as np

        self._rows = {int(r[0]): r for r in rows}
        self._made: dict[int, Contact] = {}
        self.ids = np.array([int(r[0]) for r in rows], dtype=np.int64)
        self.closeness, self.kin, self.first_known = _contact_arrays(rows)

    def replaced(self, rows: list[tuple[Any, ...]]) -> ContactTable:
        """A copy with these rows (of people already in it) read again."""
        import copy

        ids = [int(r[0]) for r in rows]
        again = set(ids)
        table = copy.copy(self)
        table._rows = {**self._rows, **dict(zip(ids, rows, strict=True))}
        table._made = {pid: c for pid, c in self._made.items() if pid not in again}
        at = self.positions(ids)
        closeness, kin, first_known = _contact_arrays(rows)
        table.closeness, table.kin = self.closeness.copy(), self.kin.copy()
        table.first_known = self.first_known.copy()
        table.closeness[at], table.kin[at], table.first_known[at] = closeness, kin, first_known
        return table

    def __getitem__(self, pid: int) -> Contact:
        made = self._made.get(pid)
        if made is None:
            from dunbar.strength.agenda import Contact

            _, name, org, kin, closeness, birthday, first_known = self._rows[pid]
            made = Contact(
                id=pid,
                name=name,
                organisation=org,
                kin=bool(kin),
                closeness=closeness,
                birthday=birthday,
                first_known=None if first_known is None else _as_date(first_known),
            )
            self._made[pid] = made
        return made

    def __setitem__(self, pid: int, contact: Contact) -> None:
        self._made[pid] = contact

    def __contains__(self, pid: object) -> bool:
        return pid in self._rows

    def __iter__(self) -> Iterator[int]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def dated(self) -> list[int]:
        """People with a birthday or a first-known date (occasions)."""
        return [pid for pid, r in self._rows.items() if r[5] or r[6]]

    def positions(self, ids: Any) -> Any:
        import numpy as np

        return np.searchsorted(self.ids, np.asarray(ids, dtype=np.int64))


def _contact_arrays(rows: list[tuple[Any, ...]]) -> tuple[Any, Any, Any]:
    """Closeness (0: none), kin, and first-known day ordinals (−1: none) of ``rows``."""
    import numpy as np

    return (
        np.array([r[4] or 0 for r in rows], dtype=np.int64),
        np.array([bool(r[3]) for r in rows], dtype=bool),
        np.array(
            [-1 if r[6] is None else _as_date(r[6]).toordinal() for r in rows], dtype=np.int64
        ),
    )


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


_CONTACT_ROWS = (
    "SELECT p.id, p.name, o.name, p.is_kin, p.closeness, p.birthday, p.first_known "
    "FROM people p LEFT JOIN organisations o ON o.id = p.org_id WHERE NOT p.is_me"
)


def _contacts(conn: Connection) -> ContactTable:
    """Everyone but me (through the driver's cursor)."""
    from dunbar.store.tallies import rows_of

    return ContactTable(rows_of(conn, _CONTACT_ROWS + " ORDER BY p.id"))


def _contact_rows(conn: Connection, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """The :class:`ContactTable` rows of ``ids`` (me and unknown ids left out)."""
    from dunbar.store.tallies import rows_of

    rows: list[tuple[Any, ...]] = []
    for chunk in chunks(list(ids)):
        marks = ", ".join(str(int(i)) for i in chunk)  # ints only: nothing to inject
        rows.extend(rows_of(conn, f"{_CONTACT_ROWS} AND p.id IN ({marks}) ORDER BY p.id"))
    return rows


def _board(
    day: dt.date, contacts: ContactTable, tally: Any, params: StrengthParams, cached: int
) -> Scoreboard:
    """Everyone's scores and circles on ``day`` from their tallies."""
    from dunbar.strength.batch import score_tally
    from dunbar.strength.circles import assign_circles_batch

    first, close = _known_and_closeness(tally.person, contacts, day)
    scores = score_tally(tally, now=day, first_known=first, closeness=close, params=params)
    circles = assign_circles_batch(
        scores.person,
        scores.score,
        scores.last_episode_days,
        scores.last_contact_days,
        close,
        contacts.kin[contacts.positions(scores.person)],
        params=params,
    )
    return Scoreboard(day, contacts, scores, circles, tally.peak, tally=tally, cached=cached)


def _add_needs(conn: Connection, contacts: ContactTable, ids: set[int]) -> None:
    import dataclasses

    if not ids:
        return
    rows = conn.execute(
        select(person_labels.c.person_id, person_labels.c.value)
        .where(person_labels.c.kind == "need", person_labels.c.person_id.in_(sorted(ids)))
        .order_by(person_labels.c.person_id, person_labels.c.value_key)
    ).all()
    needs: dict[int, list[str]] = {}
    for pid, value in rows:
        needs.setdefault(pid, []).append(value)
    for pid, values in needs.items():
        if pid in contacts:
            contacts[pid] = dataclasses.replace(contacts[pid], needs=tuple(values))


def _known_by(first_known: dt.date | None, day: dt.date) -> dt.date | None:
    return first_known if first_known is not None and first_known <= day else None


def _known_and_closeness(
    ids: np.ndarray[Any, Any], contacts: ContactTable, day: dt.date
) -> tuple[Any, Any]:
    """First-known day ordinals (−1: none, or after ``day``) and closeness (0: none)."""
    import numpy as np

    at = contacts.positions(ids)
    first = contacts.first_known[at] if len(ids) else np.zeros(0, dtype=np.int64)
    close = contacts.closeness[at] if len(ids) else np.zeros(0, dtype=np.int64)
    return np.where(first > day.toordinal(), -1, first), close


def _until(arrays: EpisodeArrays, day: dt.date) -> EpisodeArrays:
    keep = arrays["day"] <= day.toordinal()
    if bool(keep.all()):
        return arrays
    table: dict[str, Any] = dict(arrays)
    return {name: values[keep] for name, values in table.items()}  # type: ignore[return-value]


def _for(
    arrays: EpisodeArrays, ids: np.ndarray[Any, Any], contacts: ContactTable, day: dt.date
) -> dict[str, Any]:
    """Keyword arguments of ``tally_many`` for ``ids`` from ``arrays``."""
    import numpy as np

    keep = np.isin(arrays["person"], ids)
    first, close = _known_and_closeness(ids, contacts, day)
    table: dict[str, Any] = dict(arrays)
    return {
        **{name: values[keep] for name, values in table.items()},
        "people": ids,
        "first_known": first,
        "closeness": close,
    }


def _only(arrays: EpisodeArrays, ids: Sequence[int]) -> EpisodeArrays:
    import numpy as np

    keep = np.isin(arrays["person"], np.asarray(ids, dtype=np.int64))
    table: dict[str, Any] = dict(arrays)
    return {name: values[keep] for name, values in table.items()}  # type: ignore[return-value]


def _episodes(arrays: EpisodeArrays) -> dict[int, list[Any]]:
    """Episode objects per person, for the exact engine (a few people at a time)."""
    from dunbar.model import Channel
    from dunbar.strength.episodes import Episode

    channels = list(Channel)
    directions = (None, "out", "in")
    out: dict[int, list[Any]] = {}
    for pid, day, ch, dirn, minutes, group in zip(
        arrays["person"].tolist(),
        arrays["day"].tolist(),
        arrays["channel"].tolist(),
        arrays["direction"].tolist(),
        arrays["minutes"].tolist(),
        arrays["group"].tolist(),
        strict=True,
    ):
        out.setdefault(pid, []).append(
            Episode(
                when=dt.date.fromordinal(day),
                channel=channels[ch],
                direction=directions[dirn],  # type: ignore[arg-type]
                minutes=None if minutes != minutes else minutes,
                group=None if group != group else group,
            )
        )
    return out


def _marks(conn: Connection, day: dt.date) -> list[Any]:
    from dunbar.strength.agenda import Mark

    rows = conn.execute(
        select(
            agenda_marks.c.person_id,
            agenda_marks.c.kind,
            agenda_marks.c.action,
            agenda_marks.c.until,
        ).where(agenda_marks.c.until >= day)
    ).all()
    return [Mark(pid, kind, action, until) for pid, kind, action, until in rows]


def _mark(
    conn: Connection, pid: int, kind: str, action: str, until: dt.date, now: dt.datetime
) -> None:
    conn.execute(
        agenda_marks.insert().values(
            person_id=pid, kind=kind, action=action, until=until, created_at=now
        )
    )


def _follow_ups(conn: Connection) -> list[Any]:
    from dunbar.strength.agenda import FollowUpFact

    rows = conn.execute(
        select(
            follow_ups.c.id,
            follow_ups.c.person_id,
            follow_ups.c.due,
            follow_ups.c.reason,
            follow_ups.c.created_at,
            gatherings.c.name,
        )
        .outerjoin(gatherings, gatherings.c.id == follow_ups.c.gathering_id)
        .where(follow_ups.c.done.is_(False))
    ).all()
    return [
        FollowUpFact(fid, pid, due, reason, created.astimezone(dt.UTC).date(), gathering)
        for fid, pid, due, reason, created, gathering in rows
    ]


def _favours(conn: Connection) -> list[Any]:
    from dunbar.strength.agenda import FavourFact

    me = people_store.me_id(conn)
    rows = conn.execute(
        select(
            favours.c.id,
            favours.c.giver_id,
            favours.c.receiver_id,
            favours.c.what,
            favours.c.kind,
            favours.c.on_date,
            favours.c.status,
        ).where((favours.c.giver_id == me) | (favours.c.receiver_id == me))
    ).all()
    out = []
    for fid, giver, receiver, what, kind, on, status in rows:
        mine = giver == me
        other = receiver if mine else giver
        if other == me:
            continue
        out.append(FavourFact(fid, other, what, kind, on, status, mine))
    return out


def _acquaintance_sets(conn: Connection, ids: Sequence[int] | None = None) -> dict[int, set[int]]:
    """Whom each person is known to know (of ``ids``, or everyone)."""
    a, b = acquaintances.c.person_a_id, acquaintances.c.person_b_id
    out: dict[int, set[int]] = {}
    query = select(a, b)
    if ids is not None:
        chosen = sorted(set(ids))
        rows: list[Any] = []
        for start in range(0, len(chosen), 500):
            chunk = chosen[start : start + 500]
            rows.extend(conn.execute(query.where(a.in_(chunk) | b.in_(chunk))).all())
    else:
        rows = list(conn.execute(query).all())
    for x, y in rows:
        out.setdefault(x, set()).add(y)
        out.setdefault(y, set()).add(x)
    return out


def _bridging(conn: Connection, board: Scoreboard) -> set[int]:
    """Ties with no known mutual contact, when that absence means something.

    MODEL.md §3: a bridge (no mutual contacts with my other alters) decays
    faster. "No acquaintance recorded" only means "no mutual contact" when the
    ledger records who knows whom for most of my circles: here, when at least
    half of the people in L150 have a known acquaintance.
    """
    c = board.circles
    circle = c.person[(c.layer > 0) & (c.layer <= 150)].tolist()
    if not circle:
        return set()
    known = _acquaintance_sets(conn, circle)
    with_ties = sum(1 for pid in circle if known.get(pid))
    if with_ties * 2 < len(circle):
        return set()
    return {pid for pid in circle if not known.get(pid)}
