"""The agenda as a calendar feed at a secret URL: ``/feed/<token>/agenda.ics``.

A calendar app subscribes to a URL and cannot log in, so the feed is the one
page outside the login: the token in its path is 256 random bits, compared by
hash in constant time. A wrong token is a plain 404 (no hint that a feed
exists). ``POST /feed/new`` (logged in, CSRF) makes a new URL and revokes the old.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from dunbar.errors import NotFoundError
from dunbar.web.deps import cached, ledger_of, render, scoreboard_of, writing

__all__ = ["private", "public"]

public = APIRouter()
private = APIRouter()


@public.get("/feed/{token}/agenda.ics")
def agenda_feed(request: Request, token: str) -> Response:
    from dunbar.exporters.agenda_ics import agenda_to_ics

    ledger = ledger_of(request)
    if not ledger.check_feed_token(token):
        raise NotFoundError("There is no such page.")
    day = ledger.now().astimezone().date().isoformat()
    agenda = cached(
        request, f"agenda:{day}:50", lambda: ledger.agenda(limit=50, board=scoreboard_of(request))
    )
    return Response(
        agenda_to_ics(agenda, now=ledger.now()),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'inline; filename="dunbar-agenda.ics"'},
    )


@private.get("/feed")
def feed_page(request: Request) -> Response:
    on = ledger_of(request).has_feed_token()
    return render(request, "feed.html", {"url": None, "on": on})


@private.post("/feed/new")
def new_feed(request: Request) -> Response:
    with writing(request) as ledger:
        token = ledger.create_feed_token()
    url = str(request.base_url).rstrip("/") + f"/feed/{token}/agenda.ics"
    return render(request, "feed.html", {"url": url, "on": True})


@private.post("/feed/revoke")
def revoke_feed(request: Request) -> Response:
    with writing(request) as ledger:
        ledger.revoke_feed_token()
    return render(request, "feed.html", {"url": None, "on": False})
