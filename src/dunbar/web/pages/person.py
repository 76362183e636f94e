"""The Person page: profile, provenance, timeline, strength, and the person's forms.

Routes are thin: the profile, the tie report and the strength history come from
the :class:`~dunbar.Ledger` facade (as ``dunbar show`` and ``dunbar strength``);
the tie and its history are cached until the ledger changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from dunbar.errors import ValidationError
from dunbar.model import Channel, IdentityKind, LabelKind
from dunbar.web.deps import cached, ledger_of, render, scoreboard_of, see_other, writing

router = APIRouter()

CHANNELS = [c.value for c in Channel]
PAGE = 50
"""Timeline items shown at first; "show more" asks for more."""
MAX_ITEMS = 2000
BAR_W, BAR_H, BAR_GAP, LABEL_W = 220, 18, 6, 80
SPARK_W, SPARK_H = 240, 48


@dataclass(frozen=True)
class Event:
    when: dt.date
    kind: str
    text: str
    detail: str = ""


def _lines(items: list[str]) -> str:
    return ", ".join(items)


def _timeline(profile: Any, pid: int, limit: int) -> list[Event]:
    names: dict[int, str] = profile.names
    out: list[Event] = []
    for e in profile.encounters:
        others = [names.get(i, f"#{i}") for i in e.participants if i != pid]
        more = f" with {', '.join(others[:3])}" + (
            f" +{len(others) - 3}" if len(others) > 3 else ""
        )
        mins = f", {e.minutes} min" if e.minutes is not None else ""
        out.append(
            Event(
                e.when.date(),
                "encounter",
                e.title or e.channel.value.replace("_", " "),
                f"{e.channel.value.replace('_', ' ')}{mins}" + (more if others else ""),
            )
        )
    for n in profile.notes:
        topics = f"[{', '.join(n.topics)}]" if n.topics else ""
        out.append(Event(n.written_at.date(), "note", n.body, topics))
    for f in profile.favours:
        out.append(
            Event(
                f.on,
                "favour",
                f.what,
                f"{names.get(f.giver_id, '?')} → {names.get(f.receiver_id, '?')} "
                f"({f.kind.value}, {f.status.value})",
            )
        )
    for i in profile.introductions:
        out.append(
            Event(
                i.on,
                "introduction",
                f"{names.get(i.broker_id, '?')} introduced {names.get(i.person_a_id, '?')} "
                f"and {names.get(i.person_b_id, '?')}",
                i.outcome.value + (f": {i.reason}" if i.reason else ""),
            )
        )
    out.sort(key=lambda ev: ev.when, reverse=True)
    return out[:limit]


def _bars(parts: dict[str, float]) -> dict[str, Any]:
    rows = []
    for n, (name, value) in enumerate(parts.items()):
        y = n * (BAR_H + BAR_GAP)
        rows.append(
            {
                "name": name,
                "value": value,
                "y": y,
                "text_y": y + BAR_H - 4,
                "width": round(max(0.0, min(1.0, value)) * BAR_W, 1),
            }
        )
    return {
        "rows": rows,
        "label_w": LABEL_W,
        "bar_w": BAR_W,
        "bar_h": BAR_H,
        "width": LABEL_W + BAR_W + 50,
        "height": max(1, len(rows)) * (BAR_H + BAR_GAP),
    }


def _spark(history: list[tuple[dt.date, float | None]]) -> dict[str, Any] | None:
    known = [(d, s) for d, s in history if s is not None]
    if len(known) < 2:
        return None
    step = SPARK_W / max(1, len(history) - 1)
    points = []
    for n, (_, s) in enumerate(history):
        if s is not None:
            points.append(f"{n * step:.1f},{(1 - s) * (SPARK_H - 4) + 2:.1f}")
    return {
        "points": " ".join(points),
        "width": SPARK_W,
        "height": SPARK_H,
        "first": known[0],
        "last": known[-1],
    }


def _strength(request: Request, pid: int, is_me: bool) -> tuple[Any, Any]:
    if is_me:
        return None, None
    ledger = ledger_of(request)
    day = ledger.now().astimezone().date().isoformat()
    # Everyone's scores of the day (for the circle and the peak) are shared by all
    # pages; one tie then costs its own episodes. Asked for inside the makers, so
    # that a tie made from a board of a moment ago is kept as that old
    # (dunbar.web.freshness).
    report = cached(
        request,
        f"person:tie:{pid}:{day}",
        lambda: ledger.tie(pid, board=scoreboard_of(request, having=pid)),
    )
    history = cached(
        request,
        f"person:history:{pid}:{day}",
        lambda: ledger.strength_history(pid, months=24, board=scoreboard_of(request, having=pid)),
    )
    return report, history


@router.get("/people/{person_id}")
def person_page(request: Request, person_id: int, more: int = 0) -> Response:
    ledger = ledger_of(request)
    limit = min(PAGE * (1 + max(0, more)), MAX_ITEMS)
    profile = ledger.profile(person_id, limit=limit)
    p = profile.person
    report, history = _strength(request, p.id, p.is_me)
    timeline = _timeline(profile, p.id, limit)
    return render(
        request,
        "person.html",
        {
            "p": p,
            "profile": profile,
            "identities": {
                kind.value: [i.value for i in p.identities if i.kind == kind]
                for kind in IdentityKind
            },
            "timeline": timeline,
            "more": more,
            "has_more": len(timeline) >= limit and limit < MAX_ITEMS,
            "report": report,
            "bars": _bars(dict(report.strength.parts)) if report else None,
            "spark": _spark(history) if history else None,
            "channels": CHANNELS,
            "flash": request.session.pop("flash", None),
        },
    )


@router.post("/people/{person_id}/log")
def log(
    request: Request,
    person_id: int,
    channel: Annotated[str, Form(max_length=20)] = "in_person",
    title: Annotated[str, Form(max_length=500)] = "",
    minutes: Annotated[str, Form(max_length=6)] = "",
    when: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    mins: int | None = None
    if minutes.strip():
        if not minutes.strip().isdigit():
            raise ValidationError(f"minutes must be a whole number, not {minutes!r}")
        mins = int(minutes)
    with writing(request, touched=[person_id]) as ledger:
        person = ledger.person(person_id)
        ledger.log(
            title.strip() or None,
            with_=[person.id],
            channel=channel,
            minutes=mins,
            when=when.strip() or None,
        )
    request.session["flash"] = f"Logged: {channel.replace('_', ' ')} with {person.name}."
    return see_other(f"/people/{person.id}")


@router.post("/people/{person_id}/notes")
def add_note(
    request: Request, person_id: int, text: Annotated[str, Form(max_length=20000)] = ""
) -> Response:
    if not text.strip():
        raise ValidationError("the note is empty: write something first")
    with writing(request, touched=[person_id]) as ledger:
        person = ledger.person(person_id)
        ledger.add_note(text.strip(), about=person.id)
    request.session["flash"] = f"Note added about {person.name}."
    return see_other(f"/people/{person.id}")


IDENTITY_FIELDS = {
    IdentityKind.EMAIL: "Emails",
    IdentityKind.PHONE: "Phones",
    IdentityKind.URL: "Web pages",
    IdentityKind.HANDLE: "Handles",
}
LABEL_FIELDS = {
    LabelKind.TAG: "Tags",
    LabelKind.TOPIC: "Topics they know",
    LabelKind.OFFER: "What they offer",
    LabelKind.NEED: "What they need",
}
TEXT_FIELDS = {
    "given_name": "Given name",
    "family_name": "Family name",
    "organisation": "Organisation",
    "title": "Title",
    "location": "Location",
    "how_met": "How you met",
    "where_met": "Where you met",
    "birthday": "Birthday (YYYY-MM-DD, or --MM-DD without the year)",
    "first_known": "Known since (YYYY-MM-DD)",
}
MAX_FIELD = 2000


async def form_of(request: Request) -> FormData:
    """The posted form (read once already by the CSRF check, and kept by Starlette)."""
    return await request.form()


def _text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    if not isinstance(value, str):
        raise ValidationError(f"{name} must be text")
    if len(value) > MAX_FIELD:
        raise ValidationError(f"{name} is longer than {MAX_FIELD:,} characters")
    return value.strip()


def _texts(form: FormData, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str) and v]


def _custom_text(custom: dict[str, Any]) -> str:
    return "\n".join(f"{k}: {v}" for k, v in custom.items() if isinstance(v, str))


def _custom(text: str, current: dict[str, Any]) -> dict[str, Any]:
    """``key: value`` lines; values that are not text (from an import) are kept as they are."""
    out = {k: v for k, v in current.items() if not isinstance(v, str)}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep or not key.strip():
            raise ValidationError(f"custom field line {n} needs the form 'name: value'")
        out[key.strip()] = value.strip()
    return out


@router.get("/people/{person_id}/edit")
def edit_page(request: Request, person_id: int) -> Response:
    p = ledger_of(request).person(person_id)
    return render(
        request,
        "person_edit.html",
        {
            "p": p,
            "text_fields": [(f, label, getattr(p, f) or "") for f, label in TEXT_FIELDS.items()],
            "identity_fields": [
                (k.value, label, [i.value for i in p.identities if i.kind == k])
                for k, label in IDENTITY_FIELDS.items()
            ],
            "label_fields": [
                (k.value, label, getattr(p, f"{k.value}s")) for k, label in LABEL_FIELDS.items()
            ],
            "custom_text": _custom_text(p.custom),
        },
    )


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.replace("\n", ",").split(",") if v.strip()]


@router.post("/people/{person_id}/edit")
def edit(request: Request, person_id: int, form: Annotated[FormData, Depends(form_of)]) -> Response:
    """Everything ``dunbar edit`` can change; an emptied field is cleared."""
    from dunbar.ledger import PersonFields

    name = _text(form, "name")
    if not name:
        raise ValidationError("the name cannot be empty")
    texts = {f: _text(form, f) for f in TEXT_FIELDS}
    closeness = _text(form, "closeness")
    if closeness and not closeness.isdigit():
        raise ValidationError(f"closeness must be a whole number from 1 to 7, not {closeness!r}")
    first_known = None
    if texts["first_known"]:
        from dunbar.normalise import parse_date

        today = ledger_of(request).now().date()
        first_known = parse_date(texts["first_known"], what="known-since date", today=today)
    custom_text = _text(form, "custom")
    with writing(request) as ledger:
        current = ledger.person(person_id)
        clear = [f for f, v in texts.items() if not v and getattr(current, f)]
        if not closeness and current.closeness is not None:
            clear.append("closeness")
        fields = PersonFields(
            name=name,
            given_name=texts["given_name"] or None,
            family_name=texts["family_name"] or None,
            organisation=texts["organisation"] or None,
            title=texts["title"] or None,
            location=texts["location"] or None,
            how_met=texts["how_met"] or None,
            where_met=texts["where_met"] or None,
            birthday=texts["birthday"] or None,
            first_known=first_known,
            closeness=int(closeness) if closeness else None,
            is_kin=_text(form, "is_kin") == "on",
            custom=_custom(custom_text, current.custom),
        )
        updated = ledger.edit_person(
            current.id,
            fields,
            add={k: _split(_text(form, f"add_{k.value}")) for k in IDENTITY_FIELDS},
            remove={k: _texts(form, f"remove_{k.value}") for k in IDENTITY_FIELDS},
            labels={k: _split(_text(form, f"add_{k.value}")) for k in LABEL_FIELDS},
            unlabel={k: _texts(form, f"remove_{k.value}") for k in LABEL_FIELDS},
            clear=clear,
        )
    request.session["flash"] = f"Saved {updated.name}."
    return see_other(f"/people/{updated.id}")


@router.get("/people/{person_id}/merge")
def merge_page(request: Request, person_id: int, other: str = "") -> Response:
    ledger = ledger_of(request)
    p = ledger.person(person_id)
    target = None
    if other.strip():
        ref: str | int = int(other) if other.strip().isdigit() else other.strip()
        target = ledger.person(ref)
        if target.id == p.id:
            raise ValidationError("that is the same person: pick the duplicate to fold in")
    return render(request, "person_merge.html", {"p": p, "other": target, "query": other})


@router.post("/people/{person_id}/merge")
def merge(request: Request, person_id: int, other_id: Annotated[int, Form()]) -> Response:
    with writing(request) as ledger:
        keep, other = ledger.person(person_id), ledger.person(other_id)
        if keep.id == other.id:
            raise ValidationError("both point to the same person: nothing to merge")
        merged = ledger.merge(keep.id, other.id)
    request.session["flash"] = f"Merged #{other.id} {other.name} into {merged.name}."
    return see_other(f"/people/{merged.id}")


@router.get("/people/{person_id}/forget")
def forget_page(request: Request, person_id: int) -> Response:
    p = ledger_of(request).person(person_id)
    return render(request, "person_forget.html", {"p": p})


@router.post("/people/{person_id}/forget")
def forget(
    request: Request, person_id: int, confirm: Annotated[str, Form(max_length=300)] = ""
) -> Response:
    with writing(request) as ledger:
        p = ledger.person(person_id)
        if " ".join(confirm.split()) != " ".join(p.name.split()):
            raise ValidationError(
                "to forget this person, type their name exactly as shown; nothing was erased"
            )
        report = ledger.forget(p.id)
    request.session["flash"] = (
        f"Forgot {report.name}: {report.encounters_deleted} encounters deleted, "
        f"{report.encounters_kept} shared encounters kept without them."
    )
    return see_other("/people")
