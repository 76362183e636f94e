"""The people list as pages: filters, sorting and paging that stay fast at 50,000 people.

Name order and the name, tag, organisation and topic filters are SQL with
LIMIT/OFFSET. What only the scoreboard knows (strength, circle) and the last
time seen of everyone live in a :class:`PeopleIndex` of numpy arrays: made
once (about a second at 50,000 people), then reused by every page until the
ledger changes (the web app caches it). A page then reads its 50 rows by id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dunbar.errors import ValidationError
from dunbar.facade.strength import StrengthMixin
from dunbar.model import PersonSummary
from dunbar.store import people as people_store

if TYPE_CHECKING:
    from dunbar.facade.strength import Scoreboard

__all__ = ["SORTS", "ListingMixin", "PeopleIndex", "PeoplePage", "PeopleRow"]

SORTS = ("name", "-name", "strength", "-strength", "last_seen", "-last_seen")
"""Orders of :meth:`ListingMixin.people_page`; a leading ``-`` reverses (strongest,
most recently seen first). People without a score or never seen come last either way."""

MAX_PER_PAGE = 500


@dataclass(frozen=True)
class PeopleIndex:
    """Everyone but me, by name, with their score, circle and last time seen.

    Arrays are aligned: ``person[i]`` is the i-th person by name;
    ``score`` is NaN without a score, ``layer`` 0 outside the circles,
    ``last_seen`` (POSIX seconds) NaN for the never-seen.
    """

    today: dt.date
    circle_sizes: tuple[int, ...]
    person: Any
    score: Any
    layer: Any
    last_seen: Any

    def __len__(self) -> int:
        return len(self.person)

    def locate(self, ids: Sequence[int]) -> Any:
        """Positions of ``ids`` in the arrays (-1 where unknown)."""
        import numpy as np

        wanted = np.asarray(ids, dtype=np.int64)
        if not len(self.person):
            return np.full(len(wanted), -1, dtype=np.int64)
        order = np.argsort(self.person)
        sorted_ids = self.person[order]
        at = np.minimum(np.searchsorted(sorted_ids, wanted), len(sorted_ids) - 1)
        return np.where(sorted_ids[at] == wanted, order[at], -1)


@dataclass(frozen=True)
class PeopleRow:
    """One row of a page: the person's summary, score and circle (layer size)."""

    person: PersonSummary
    score: float | None
    layer: int | None


@dataclass(frozen=True)
class PeoplePage:
    rows: list[PeopleRow]
    total: int
    """How many people match, over all pages."""
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """The 1-based position of the first row shown (0 when none)."""
        return (self.page - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


class ListingMixin(StrengthMixin):
    """The people list, paged (:meth:`people_page`)."""

    def people_index(self, *, board: Scoreboard | None = None) -> PeopleIndex:
        """Everyone's score, circle and last time seen, for :meth:`people_page`.

        ``board`` is today's :meth:`scoreboard` if the caller has it already.
        """
        import numpy as np

        if board is None:
            board = self.scoreboard()
        with self._read() as conn:
            ids, seen = people_store.last_seen_everyone(conn)
            sizes = tuple(self._params(conn).circle_sizes)
        person = np.asarray(ids, dtype=np.int64)
        last = np.array([np.nan if t is None else t for t in seen], dtype=np.float64)
        return _index(board, sizes, person, last)

    def reindexed(
        self, index: PeopleIndex, board: Scoreboard, people: Iterable[int]
    ) -> PeopleIndex | None:
        """``index`` after a write that touched only ``people`` (their names unchanged).

        Their last time seen is read again, and everyone's score and circle are
        taken from ``board`` (:meth:`rescored`). ``None`` when one of them is
        not in the index (added since): make a new one.
        """
        import numpy as np

        ids = sorted({int(p) for p in people})
        at = index.locate(ids)
        if (at < 0).any():
            return None
        with self._read() as conn:
            seen = people_store.last_seen_of(conn, ids)
            sizes = tuple(self._params(conn).circle_sizes)
        last = index.last_seen.copy()
        last[at] = [seen.get(pid, np.nan) for pid in ids]
        return _index(board, sizes, index.person, last)

    def people_page(
        self,
        text: str | None = None,
        *,
        tags: Sequence[str] = (),
        organisation: str | None = None,
        topics: Sequence[str] = (),
        circle: int | None = None,
        seen_within: int | None = None,
        not_seen_for: int | None = None,
        sort: str = "name",
        page: int = 1,
        per_page: int = 50,
        index: PeopleIndex | None = None,
    ) -> PeoplePage:
        """One page of the people list (me left out), with the total that match.

        ``circle`` is a layer by its size (5, 15, 50, … as in :meth:`circles`),
        or 0 for everyone outside the circles. ``seen_within`` keeps people
        met in the last N days; ``not_seen_for`` those not met for more than N
        days, never-met included (as ``dunbar people --not-seen-since``).
        ``sort`` is one of :data:`SORTS`. A page past the end is empty.
        ``index`` is a :meth:`people_index` to reuse (it is made if needed).
        """
        import numpy as np

        if sort not in SORTS:
            raise ValidationError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
        if page < 1:
            raise ValidationError(f"page must be 1 or more, not {page}")
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise ValidationError(f"per page must be between 1 and {MAX_PER_PAGE}")
        for label, days in (("seen within", seen_within), ("not seen for", not_seen_for)):
            if days is not None and days < 0:
                raise ValidationError(f"{label} takes a number of days, 0 or more, not {days}")
        filters: dict[str, Any] = {
            "text": text,
            "tags": list(tags),
            "organisation": organisation,
            "topics": list(topics),
        }
        offset = (page - 1) * per_page
        # With an index at hand, every order and filter is one scan at most (the
        # SQL filters' ids); without one, the name order is SQL's LIMIT/OFFSET.
        by_index = index is not None or (
            circle is not None
            or seen_within is not None
            or not_seen_for is not None
            or sort not in ("name", "-name")
        )
        if by_index and index is None:
            index = self.people_index()
        if circle and index is not None and circle not in index.circle_sizes:
            sizes = ", ".join(str(s) for s in index.circle_sizes)
            raise ValidationError(f"circle must be one of {sizes} (or 0: outside), not {circle}")
        with self._read() as conn:
            if not by_index:
                total = people_store.count_matching(conn, **filters)
                ids = people_store.matching_ids(
                    conn,
                    **filters,
                    by_name=True,
                    descending=sort == "-name",
                    limit=per_page,
                    offset=offset,
                )
            else:
                assert index is not None
                mask = np.ones(len(index), dtype=bool)
                if text or tags or organisation or topics:
                    mask &= np.isin(index.person, people_store.matching_ids(conn, **filters))
                if circle is not None:
                    mask &= index.layer == circle
                now = self.now().timestamp()
                with np.errstate(invalid="ignore"):
                    if seen_within is not None:
                        mask &= index.last_seen >= now - seen_within * 86400
                    if not_seen_for is not None:
                        mask &= ~(index.last_seen >= now - not_seen_for * 86400)
                chosen = np.flatnonzero(mask)  # by name already
                total = len(chosen)
                chosen = _ordered(index, chosen, sort)
                ids = [int(i) for i in index.person[chosen[offset : offset + per_page]]]
            summaries = people_store.summaries(conn, ids)
        return PeoplePage(_rows(summaries, index), total, page, per_page)


def _index(board: Scoreboard, sizes: tuple[int, ...], person: Any, last: Any) -> PeopleIndex:
    """The index of ``person`` (by name) with ``last`` seen, scored from ``board``."""
    import numpy as np

    score = np.full(len(person), np.nan)
    layer = np.zeros(len(person), dtype=np.int64)
    known = np.asarray(board.scores.person, dtype=np.int64)
    if len(known) and len(person):
        at = np.searchsorted(known, person)
        at = np.minimum(at, len(known) - 1)
        hit = known[at] == person
        score[hit] = np.asarray(board.scores.score, dtype=np.float64)[at[hit]]
        # The circles' arrays are aligned with the scores' (Scoreboard.placement).
        layer[hit] = np.asarray(board.circles.layer, dtype=np.int64)[at[hit]]
    return PeopleIndex(board.today, sizes, person, score, layer, last)


def _ordered(index: PeopleIndex, chosen: Any, sort: str) -> Any:
    """``chosen`` positions (in name order) put in ``sort`` order; missing values last."""
    import numpy as np

    if sort in ("name", "-name"):
        return chosen if sort == "name" else chosen[::-1]
    values = index.score if sort.endswith("strength") else index.last_seen
    key = values[chosen]
    missing = np.isnan(key)
    key = np.where(missing, 0.0, -key if sort.startswith("-") else key)
    # lexsort: the last key is the primary one; ties keep name order.
    order = np.lexsort((np.arange(len(chosen)), key, missing))
    return chosen[order]


def _rows(summaries: list[PersonSummary], index: PeopleIndex | None) -> list[PeopleRow]:
    if index is None:
        return [PeopleRow(s, None, None) for s in summaries]
    at = index.locate([s.id for s in summaries])
    rows = []
    for s, i in zip(summaries, at.tolist(), strict=True):
        score = float(index.score[i]) if i >= 0 else float("nan")
        layer = int(index.layer[i]) if i >= 0 else 0
        rows.append(PeopleRow(s, None if score != score else score, layer or None))
    return rows
