"""``/api/v1``: warm-introduction paths and who knows about a topic."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from fastapi import APIRouter, Query, Request

from dunbar.web.api.schemas import (
    ERRORS,
    HopOut,
    PathOut,
    PathsOut,
    PathTargetOut,
    Short,
    WhoKnowsOut,
)
from dunbar.web.deps import cached, ledger_of

if TYPE_CHECKING:
    from dunbar.facade.network import Network

router = APIRouter(tags=["network"], responses=ERRORS)


def network_of(request: Request) -> Network:
    """Today's who-knows-whom graph, built once until the ledger changes."""
    ledger = ledger_of(request)
    day = ledger.now().astimezone().date().isoformat()
    return cached(request, f"network:{day}", ledger.network)


@router.get("/paths", summary="Ranked warm-introduction paths, with the evidence for every hop")
def paths(
    request: Request,
    target: Annotated[
        Short, Query(min_length=1, description="A person, an organisation or a topic.")
    ],
    kind: Annotated[Literal["auto", "person", "org", "topic"], Query()] = "auto",
    k: Annotated[int, Query(ge=1, le=20, description="How many paths.")] = 5,
    max_hops: Annotated[int, Query(ge=1, le=6)] = 3,
    reason: Annotated[Short | None, Query(description="Why (for the draft request).")] = None,
) -> PathsOut:
    net = network_of(request)
    report = ledger_of(request).path(
        target, kind=kind, k=k, max_hops=max_hops, reason=reason, network=net
    )
    return PathsOut(
        target=PathTargetOut.of(report.target),
        today=report.today,
        paths=[
            PathOut(
                score=v.score,
                bottleneck=v.bottleneck,
                plain_product=v.plain_product,
                nodes=v.nodes,
                names=v.names,
                hops=[HopOut.of(h) for h in v.hops],
                reached=v.reached,
                explain=v.explain(),
            )
            for v in report.paths
        ],
        draft=report.draft,
        message=report.message,
        alternatives=report.alternatives,
    )


@router.get("/who-knows", summary="Who in my network knows about a topic, ranked")
def who_knows(
    request: Request,
    topic: Annotated[Short, Query(min_length=1)],
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    mode: Annotated[Literal["auto", "lexical", "semantic"], Query()] = "auto",
) -> WhoKnowsOut:
    net = network_of(request)
    result = ledger_of(request).who_knows(topic, limit=limit, mode=mode, network=net)
    return WhoKnowsOut.of(result)
