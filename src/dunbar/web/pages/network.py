"""The network pages: the map, intro paths, who knows about X, insights.

The who-knows-whom graph (``Ledger.network``) takes seconds on a large ledger,
so it is built once and cached until the ledger changes; path and who-knows
queries and the map reuse it. Insights at 50,000 people take longer still: they
run as a job with a progress bar, and the finished report is cached too, so the
next visit is instant.

The map's data comes as JSON from ``/network/map.json`` (the CSP allows no
inline script); ``static/map.js``, the same script ``dunbar map`` inlines in its
offline page, draws it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from dunbar.errors import NotFoundError, ValidationError
from dunbar.web.deps import cached, jobs_of, ledger_of, render

if TYPE_CHECKING:
    from dunbar.facade.insights import Insights
    from dunbar.facade.network import Network

router = APIRouter()

KINDS = ("auto", "person", "org", "topic")
LABELS = {"person": "", "org": "someone at ", "topic": "someone who knows about "}


class _Miss(Exception):
    """Raised by a cache lookup that must not compute."""


def _day(request: Request) -> str:
    return ledger_of(request).now().astimezone().date().isoformat()


def network_of(request: Request) -> Network:
    """Today's who-knows-whom graph, built once until the ledger changes."""
    ledger = ledger_of(request)
    return cached(request, f"network:{_day(request)}", lambda: ledger.network())


def _peek(request: Request, key: str) -> Any:
    """A cached value, or None (never computes)."""

    def miss() -> Any:
        raise _Miss

    try:
        return cached(request, key, miss)
    except _Miss:
        return None


@router.get("/network")
def network_page(request: Request) -> Response:
    return render(
        request, "network.html", {"kinds": KINDS, "flash": request.session.pop("flash", None)}
    )


@router.get("/network/map.json")
def map_json(request: Request) -> JSONResponse:
    ledger = ledger_of(request)
    net = network_of(request)
    data = cached(
        request, f"network-map:{_day(request)}", lambda: ledger.network_map_data(network=net)
    )
    return JSONResponse(data, headers={"Cache-Control": "no-store"})


@router.get("/network/path")
def path_page(
    request: Request,
    target: Annotated[str, Query(max_length=200)] = "",
    kind: Annotated[str, Query(max_length=10)] = "auto",
    max_hops: Annotated[int, Query(ge=1, le=6)] = 3,
    k: Annotated[int, Query(ge=1, le=10)] = 5,
    reason: Annotated[str, Query(max_length=500)] = "",
) -> Response:
    if kind not in KINDS:
        raise ValidationError(f"unknown target kind {kind!r}: use {', '.join(KINDS)}")
    context: dict[str, Any] = {
        "kinds": KINDS,
        "target": target,
        "kind": kind,
        "max_hops": max_hops,
        "k": k,
        "reason": reason,
        "report": None,
        "problem": None,
        "labels": LABELS,
    }
    if target.strip():
        ledger = ledger_of(request)
        try:
            context["report"] = ledger.path(
                target.strip(),
                kind=kind,
                k=k,
                max_hops=max_hops,
                reason=reason.strip() or None,
                network=network_of(request),
            )
        except (NotFoundError, ValidationError) as exc:
            # An unknown target ("did you mean …") or myself: a message on the page.
            context["problem"] = str(exc)
    return render(request, "network_path.html", context)


@router.get("/network/who-knows")
def who_knows_page(request: Request, topic: Annotated[str, Query(max_length=200)] = "") -> Response:
    result = None
    if topic.strip():
        ledger = ledger_of(request)
        result = ledger.who_knows(topic.strip(), mode="auto", network=network_of(request))
    return render(request, "network_who_knows.html", {"topic": topic, "result": result})


def _insights_key(request: Request) -> str:
    return f"insights:{_day(request)}"


@router.get("/network/insights")
def insights_page(request: Request, job: Annotated[str, Query(max_length=40)] = "") -> Response:
    report: Insights | None = _peek(request, _insights_key(request))
    running = None
    if report is None and job:
        found = jobs_of(request).get(job)
        if found is not None and found.state == "finished":
            report = found.result
        elif found is not None:
            running = found
    if report is None and running is None:
        running = _start_insights(request)
    if report is None:
        return render(request, "network_insights.html", {"report": None, "job": running})
    big = [v for v in report.clusters if v.size >= 3]
    small = [v for v in report.clusters if v.size < 3]
    diversity = [(what, rep) for what, rep in report.diversity.items() if rep is not None]
    return render(
        request,
        "network_insights.html",
        {
            "report": report,
            "job": None,
            "big": big[:12],
            "more_big": max(0, len(big) - 12),
            "small_people": sum(v.size for v in small),
            "small_groups": len(small),
            "diversity": diversity,
        },
    )


def _start_insights(request: Request) -> Any:
    """A new insights job, or the one still running (one at a time per app)."""
    state = request.app.state
    current = getattr(state, "network_insights_job", None)
    if current is not None and current.state == "running":
        return current
    ledger = ledger_of(request)
    key = _insights_key(request)
    day = _day(request)

    def work(progress: Any) -> Insights:
        def make() -> Insights:
            net = cached(request, f"network:{day}", lambda: ledger.network(progress=progress))
            return ledger.insights(network=net, progress=progress)

        return cached(request, key, make)

    job = jobs_of(request).start(
        "Network insights", work, done_url=lambda j: f"/network/insights?job={j.id}"
    )
    state.network_insights_job = job
    return job
