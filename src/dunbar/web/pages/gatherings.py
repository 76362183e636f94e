"""The gatherings pages: create, invite (from the suggestions), RSVP, plan the seating,
move people and re-score, print place cards, close and log.

Routes call the same facade as ``dunbar gathering …`` (:mod:`dunbar.cli.cmd_gatherings`).
Planning runs as a job (the search may take seconds); its input is checked first, so
bad input is a one-line message at once and nothing is written. The rules a plan was
made with are kept in the session, so that a seating moved by hand is scored against
them (``POST /gatherings/{id}/rescore``, JSON, from ``static/seating.js``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Body, Form, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from pydantic import ValidationError as PydanticError

from dunbar.errors import ValidationError
from dunbar.model import AttendanceStatus, GatheringKind
from dunbar.web.deps import cached, jobs_of, ledger_of, render, see_other, writing

router = APIRouter()

KINDS = [k.value for k in GatheringKind]
STATUSES = [s.value for s in AttendanceStatus]


def _status_label(value: str) -> str:
    return value.replace("_", "-")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in re.split(r"[\n;]", text) if line.strip()]


def _pairs(text: str, what: str) -> list[tuple[str, str]]:
    out = []
    for line in _lines(text):
        parts = [p.strip() for p in line.split(",")]
        if len(parts) != 2 or not all(parts):
            raise ValidationError(f"{what}: one pair a line, two names and a comma, not {line!r}")
        out.append((parts[0], parts[1]))
    return out


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(p) for p in re.split(r"[,\s]+", text.strip()) if p]
    except ValueError:
        raise ValidationError(
            f"tables: sizes separated by commas, e.g. 5, 5, 4, not {text!r}"
        ) from None
    if not sizes:
        raise ValidationError("tables: give at least one table size")
    return sizes


def _rules_key(gid: int) -> str:
    return f"seating_rules:{gid}"


def _rules_of(
    request: Request, gid: int, seating: dict[int, dict[int, list[Any]]]
) -> dict[str, Any]:
    """The rules the last plan was made with (this session), else tables as seated."""
    saved = request.session.get(_rules_key(gid))
    if isinstance(saved, dict) and seating:
        count = max(len(tables) for tables in seating.values())
        if len(saved.get("tables", [])) == count:
            return saved
    sizes: dict[int, int] = {}
    for tables in seating.values():
        for t, seated in tables.items():
            sizes[t] = max(sizes.get(t, 2), len(seated))
    return {"tables": [sizes[t] for t in sorted(sizes)], "together": [], "apart": [], "hosts": []}


def _arrangement(seating: dict[int, dict[int, list[tuple[int, str]]]]) -> list[list[list[int]]]:
    return [
        [[pid for pid, _name in seating[r][t]] for t in sorted(seating[r])] for r in sorted(seating)
    ]


def _score(
    request: Request, gid: int, arrangement: list[list[list[int]]], rules: dict[str, Any]
) -> Any:
    ledger = ledger_of(request)
    network = cached(request, "gatherings:network", ledger.network)
    return ledger.score_gathering_seating(
        gid,
        arrangement,
        tables=rules["tables"],
        together=[tuple(p) for p in rules["together"]],
        apart=[tuple(p) for p in rules["apart"]],
        hosts=rules["hosts"],
        network=network,
    )


def _score_json(report: Any) -> dict[str, Any]:
    plan = report.plan
    return {
        "objective": plan.objective.explain(),
        "bounds": plan.bounds.explain(),
        "quality": plan.quality,
        "repeats": plan.repeats,
        "new_pairs": plan.objective.new_pairs,
        "total": round(plan.objective.total, 2),
        "problems": report.problems,
        "why": [[why for _names, why in tables] for tables in report.tables],
    }


@router.get("/gatherings")
def gatherings_list(request: Request) -> Response:
    ledger = ledger_of(request)
    rows = ledger.gatherings()
    today = ledger.now().astimezone().date().isoformat()
    return render(
        request,
        "gatherings.html",
        {
            "rows": rows,
            "kinds": KINDS,
            "today": today,
            "label": _status_label,
            "flash": request.session.pop("flash", None),
        },
    )


@router.post("/gatherings")
def gathering_new(
    request: Request,
    name: Annotated[str, Form(min_length=1, max_length=200)],
    on: Annotated[str, Form(min_length=1, max_length=40)],
    kind: Annotated[str, Form(max_length=20)] = "dinner",
    capacity: Annotated[str, Form(max_length=6)] = "",
    venue: Annotated[str, Form(max_length=200)] = "",
    series: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    seats: int | None = None
    if capacity.strip():
        if not capacity.strip().isdigit() or int(capacity) < 1:
            raise ValidationError(f"capacity must be a whole number of seats, not {capacity!r}")
        seats = int(capacity)
    if not name.strip():
        raise ValidationError("a gathering needs a name")
    with writing(request) as ledger:
        g = ledger.add_gathering(
            name.strip(),
            on=on.strip(),
            kind=kind,
            capacity=seats,
            venue=venue.strip() or None,
            series=series.strip() or None,
        )
    request.session["flash"] = f"Gathering created: {g.name} on {g.on.isoformat()}."
    return see_other(f"/gatherings/{g.id}")


@router.get("/gatherings/{gid}")
def gathering_page(request: Request, gid: int, job: str = "", suggest: bool = False) -> Response:
    ledger = ledger_of(request)
    view = ledger.gathering_view(gid)
    rules = _rules_of(request, gid, view.seating)
    report = None
    if view.seating:
        arrangement = _arrangement(view.seating)
        key = f"gathering-score:{gid}:{arrangement}:{sorted(rules.items())}"
        report = cached(request, key, lambda: _score(request, gid, arrangement, rules))
    suggestions = None
    if suggest and not view.closed:
        suggestions = cached(
            request,
            f"gathering-suggest:{gid}",
            lambda: ledger.suggest_guests(
                gid, network=cached(request, "gatherings:network", ledger.network)
            ),
        )
    running = jobs_of(request).get(job) if job else None
    today = ledger.now().astimezone().date()
    return render(
        request,
        "gathering.html",
        {
            "view": view,
            "g": view.gathering,
            "report": report,
            "rules": rules,
            "suggestions": suggestions,
            "job": running,
            "statuses": STATUSES,
            "guest_names": {guest.person_id: guest.name for guest in view.guests},
            "label": _status_label,
            "past": view.gathering.on < today,
            "future": view.gathering.on > today,
            "flash": request.session.pop("flash", None),
        },
    )


@router.post("/gatherings/{gid}/invite")
def gathering_invite(
    request: Request,
    gid: int,
    person: Annotated[list[int] | None, Form()] = None,
    names: Annotated[str, Form(max_length=5000)] = "",
    members: Annotated[bool, Form()] = False,
) -> Response:
    wanted: list[str | int] = [*(person or []), *_lines(names.replace(",", "\n"))]
    with writing(request) as ledger:
        result = ledger.invite(gid, wanted, members=members)
    request.session["flash"] = f"{len(result)} invited."
    return see_other(f"/gatherings/{gid}")


@router.post("/gatherings/{gid}/rsvp")
def gathering_rsvp(
    request: Request,
    gid: int,
    person_id: Annotated[int, Form()],
    status: Annotated[str, Form(max_length=20)],
) -> Response:
    with writing(request) as ledger:
        person = ledger.person(person_id)
        result = ledger.rsvp(gid, person_id, status)
    request.session["flash"] = f"{person.name}: {_status_label(result.status.value)}."
    return see_other(f"/gatherings/{gid}#guests")


@router.post("/gatherings/{gid}/plan")
def gathering_plan(
    request: Request,
    gid: int,
    tables: Annotated[str, Form(min_length=1, max_length=500)],
    rounds: Annotated[int, Form(ge=1, le=50)] = 1,
    together: Annotated[str, Form(max_length=5000)] = "",
    apart: Annotated[str, Form(max_length=5000)] = "",
    hosts: Annotated[str, Form(max_length=5000)] = "",
    seconds: Annotated[float, Form(gt=0, le=60)] = 3.0,
    seed: Annotated[int, Form(ge=0, le=1_000_000)] = 0,
) -> Response:
    ledger = ledger_of(request)
    sizes = _sizes(tables)
    pairs_together = _pairs(together, "together")
    pairs_apart = _pairs(apart, "apart")
    host_list = _lines(hosts)
    # The cheap checks now: a clear message at once, and no job for bad input.
    ledger.check_plan(
        gid,
        tables=sizes,
        rounds=rounds,
        together=pairs_together,
        apart=pairs_apart,
        hosts=host_list,
    )
    request.session[_rules_key(gid)] = {
        "tables": sizes,
        "together": [list(p) for p in pairs_together],
        "apart": [list(p) for p in pairs_apart],
        "hosts": host_list,
    }
    lock = request.app.state.write_lock
    freshness = request.app.state.freshness

    def work(progress: Any) -> Any:
        def step(done: int, total: int) -> None:
            progress("searching for a better seating", done, total)

        progress("reading the guests and their ties", 0, 0)
        result = ledger.plan_gathering(
            gid,
            tables=sizes,
            rounds=rounds,
            together=pairs_together,
            apart=pairs_apart,
            hosts=host_list,
            seed=seed,
            time_limit=seconds,
            save=False,
            progress=step,
        )
        progress("saving the seating", 1, 1)
        with lock:  # the search ran without the writer lock; the save is one transaction
            try:
                ledger.save_seating(
                    gid, [[[int(str(p)) for p in t] for t in rnd] for rnd in result.plan.rounds]
                )
            finally:
                freshness.bump()
        return result

    job = jobs_of(request).start(
        "Planning the seating", work, done_url=lambda j: f"/gatherings/{gid}?job={j.id}#seating"
    )
    return see_other(f"/gatherings/{gid}?job={job.id}#seating")


class Arrangement(BaseModel):
    rounds: list[list[list[int]]] = Field(max_length=50)


def _arrangement_of(body: Any) -> list[list[list[int]]]:
    """The JSON body of the page's script, or a one-line message (JSON, like any error)."""
    try:
        return Arrangement.model_validate(body).rounds
    except PydanticError as exc:
        errors = exc.errors()
        if not errors:
            raise ValidationError("invalid seating") from None
        where = ".".join(str(p) for p in errors[0]["loc"]) or "the seating"
        raise ValidationError(f"{where}: {errors[0]['msg']}") from None


@router.post("/gatherings/{gid}/rescore")
def gathering_rescore(request: Request, gid: int, body: Annotated[Any, Body()]) -> JSONResponse:
    rounds = _arrangement_of(body)
    view = ledger_of(request).gathering_view(gid)
    rules = _rules_of(request, gid, view.seating)
    report = _score(request, gid, rounds, rules)
    return JSONResponse(_score_json(report))


@router.post("/gatherings/{gid}/seating")
def gathering_save_seating(
    request: Request, gid: int, body: Annotated[Any, Body()]
) -> JSONResponse:
    rounds = _arrangement_of(body)
    view = ledger_of(request).gathering_view(gid)
    rules = _rules_of(request, gid, view.seating)
    report = _score(request, gid, rounds, rules)
    if report.problems:
        raise ValidationError("not saved: " + "; ".join(report.problems))
    with writing(request) as ledger:
        seats = ledger.save_seating(gid, rounds)
    request.session["flash"] = f"Seating saved: {len(seats)} seats ({report.plan.quality})."
    return JSONResponse({"saved": len(seats), "url": f"/gatherings/{gid}?saved=1#seating"})


@router.get("/gatherings/{gid}/cards")
def gathering_cards(request: Request, gid: int) -> Response:
    view = ledger_of(request).gathering_view(gid)
    where: dict[int, list[str]] = {}
    names: dict[int, str] = {}
    for rnd, tables in sorted(view.seating.items()):
        for table, seated in sorted(tables.items()):
            for pid, name in seated:
                names[pid] = name
                where.setdefault(pid, []).append(f"round {rnd}: table {table}")
    cards = [(names[p], "; ".join(where[p])) for p in sorted(names, key=lambda p: (names[p], p))]
    return render(
        request, "gathering_cards.html", {"view": view, "g": view.gathering, "cards": cards}
    )


@router.get("/gatherings/{gid}/seating.{fmt}")
def gathering_export(request: Request, gid: int, fmt: str) -> Response:
    text = ledger_of(request).export_seating(gid, fmt)
    media = "text/csv" if fmt == "csv" else "text/html"
    return Response(
        text,
        media_type=f"{media}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="gathering-{gid}-seating.{fmt}"'},
    )


@router.post("/gatherings/{gid}/close")
def gathering_close(
    request: Request,
    gid: int,
    minutes: Annotated[str, Form(max_length=6)] = "",
    follow_up_days: Annotated[int, Form(ge=0, le=365)] = 2,
) -> Response:
    mins: int | None = None
    if minutes.strip():
        if not minutes.strip().isdigit():
            raise ValidationError(f"minutes must be a whole number, not {minutes!r}")
        mins = int(minutes)
    with writing(request) as ledger:
        report = ledger.close_gathering(gid, minutes=mins, follow_up_days=follow_up_days)
    request.session["flash"] = (
        f"Logged: one in-person encounter with {report.attended} who attended; "
        f"{report.pairs_met} pairs recorded as having met; "
        f"{len(report.follow_ups)} follow-ups on the agenda."
    )
    return see_other(f"/gatherings/{gid}")
