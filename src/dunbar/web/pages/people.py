"""People: the list, searched as you type, filtered, sorted and paged.

Routes are thin: :meth:`~dunbar.Ledger.people_page` does the work (SQL with
LIMIT/OFFSET for the name order and filters; the cached day's scoreboard for
strength and circles, as a :class:`~dunbar.facade.listing.PeopleIndex`).
``/people/rows`` is the same list as an HTML fragment, for the search box.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from dunbar.errors import ValidationError
from dunbar.facade.listing import SORTS, PeopleIndex, PeoplePage
from dunbar.strength.circles import LAYER_NAMES
from dunbar.web.deps import cached, ledger_of, render, scoreboard_of

router = APIRouter()

PER_PAGE = 50
SORT_LABELS = {
    "name": "Name A–Z",
    "-name": "Name Z–A",
    "-strength": "Strongest first",
    "strength": "Weakest first",
    "-last_seen": "Seen most recently",
    "last_seen": "Seen longest ago",
}
SEEN_CHOICES = {
    "": "Any time",
    "within:7": "Seen in the last 7 days",
    "within:30": "Seen in the last 30 days",
    "within:90": "Seen in the last 90 days",
    "over:30": "Not seen for over 30 days",
    "over:90": "Not seen for over 90 days",
    "over:180": "Not seen for over 180 days",
    "over:365": "Not seen for over a year",
}
Text = Annotated[str, Query(max_length=200)]


@dataclass(frozen=True)
class Filters:
    q: str = ""
    circle: str = ""
    tag: str = ""
    org: str = ""
    topic: str = ""
    seen: str = ""
    sort: str = "name"

    def params(self, **changes: Any) -> str:
        values = {**self.__dict__, **changes}
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})


def index_of(request: Request) -> PeopleIndex:
    ledger = ledger_of(request)
    day = ledger.now().astimezone().date().isoformat()
    return cached(
        request,
        f"people:index:{day}",
        lambda: ledger.people_index(board=scoreboard_of(request)),
        fold=lambda index, people: ledger.reindexed(index, scoreboard_of(request), people),
    )


def _seen(value: str) -> tuple[int | None, int | None]:
    if not value:
        return None, None
    how, _, days = value.partition(":")
    if how not in ("within", "over") or not days.isdigit():
        raise ValidationError(f"last seen must be like within:30 or over:90 (days), not {value!r}")
    return (int(days), None) if how == "within" else (None, int(days))


def _circle(value: str) -> int | None:
    if not value:
        return None
    if value == "none":
        return 0
    if not value.isdigit():
        raise ValidationError(f"circle must be a circle's size or 'none', not {value!r}")
    return int(value)


def _page(request: Request, f: Filters, page: str) -> tuple[PeoplePage, PeopleIndex]:
    if not page.strip().isdigit() or int(page) < 1:
        raise ValidationError(f"page must be a whole number, 1 or more, not {page!r}")
    if f.sort not in SORTS:
        raise ValidationError(f"sort must be one of {', '.join(SORTS)}, not {f.sort!r}")
    within, over = _seen(f.seen)
    index = index_of(request)
    result = ledger_of(request).people_page(
        f.q.strip() or None,
        tags=[f.tag] if f.tag.strip() else [],
        organisation=f.org.strip() or None,
        topics=[f.topic] if f.topic.strip() else [],
        circle=_circle(f.circle),
        seen_within=within,
        not_seen_for=over,
        sort=f.sort,
        page=min(int(page), 10**9),
        per_page=PER_PAGE,
        index=index,
    )
    return result, index


def _context(
    request: Request, f: Filters, result: PeoplePage, index: PeopleIndex
) -> dict[str, Any]:
    now = ledger_of(request).now()
    return {
        "f": f,
        "result": result,
        "rows": [
            {
                "id": r.person.id,
                "name": r.person.name,
                "organisation": r.person.organisation,
                "tags": r.person.tags,
                "score": r.score,
                "circle": LAYER_NAMES.get(r.layer, str(r.layer)) if r.layer else "",
                "last_seen": r.person.last_seen,
                "ago": _ago(r.person.last_seen, now),
            }
            for r in result.rows
        ],
        "circles": [(str(s), LAYER_NAMES.get(s, f"circle of {s}")) for s in index.circle_sizes],
        "sorts": SORT_LABELS,
        "seen_choices": SEEN_CHOICES,
    }


def _ago(moment: dt.datetime | None, now: dt.datetime) -> str:
    if moment is None:
        return "never"
    days = (now - moment).days
    if days < 1:
        return "today"
    return "1 day ago" if days == 1 else f"{days} days ago"


def _filters(q: str, circle: str, tag: str, org: str, topic: str, seen: str, sort: str) -> Filters:
    return Filters(
        q=q, circle=circle, tag=tag, org=org, topic=topic, seen=seen, sort=sort or "name"
    )


@router.get("/people")
def people_page(
    request: Request,
    q: Text = "",
    circle: Annotated[str, Query(max_length=10)] = "",
    tag: Text = "",
    org: Text = "",
    topic: Text = "",
    seen: Annotated[str, Query(max_length=20)] = "",
    sort: Annotated[str, Query(max_length=20)] = "name",
    page: Annotated[str, Query(max_length=12)] = "1",
) -> Response:
    f = _filters(q, circle, tag, org, topic, seen, sort)
    result, index = _page(request, f, page)
    context = _context(request, f, result, index)
    context["flash"] = request.session.pop("flash", None)
    return render(request, "people.html", context)


@router.get("/people/rows")
def people_rows(
    request: Request,
    q: Text = "",
    circle: Annotated[str, Query(max_length=10)] = "",
    tag: Text = "",
    org: Text = "",
    topic: Text = "",
    seen: Annotated[str, Query(max_length=20)] = "",
    sort: Annotated[str, Query(max_length=20)] = "name",
    page: Annotated[str, Query(max_length=12)] = "1",
) -> Response:
    """The list alone (an HTML fragment, escaped like the page), for the search box."""
    f = _filters(q, circle, tag, org, topic, seen, sort)
    result, index = _page(request, f, page)
    return render(request, "people_rows.html", _context(request, f, result, index))
