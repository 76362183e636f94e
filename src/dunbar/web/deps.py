"""What every route needs: the ledger, the login check, CSRF, the writer lock, rendering.

Routes stay thin: they read the request, call the same :class:`~dunbar.Ledger`
facade as the CLI and render a template. Writes go through :func:`writing`, one
lock per app, so that concurrent requests never race for SQLite's write lock
(PostgreSQL would not need it; it costs nothing there).
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from dunbar.web.security import csrf_token

if TYPE_CHECKING:
    from dunbar.facade.strength import Scoreboard
    from dunbar.ledger import Ledger
    from dunbar.web.freshness import Freshness
    from dunbar.web.jobs import JobRegistry
    from dunbar.web.settings import WebSettings

__all__ = [
    "LoginRequired",
    "cached",
    "check_upload_size",
    "csrf_protect",
    "jobs_of",
    "ledger_of",
    "render",
    "require_login",
    "scoreboard_of",
    "see_other",
    "settings_of",
    "writing",
]

T = TypeVar("T")
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class LoginRequired(Exception):
    """Raised for a page request without a session: the app redirects to /login."""


class CsrfRejected(Exception):
    """A state-changing form without the session's CSRF token: 403."""


def ledger_of(request: Request) -> Ledger:
    ledger: Ledger = request.app.state.ledger
    return ledger


def settings_of(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


def jobs_of(request: Request) -> JobRegistry:
    jobs: JobRegistry = request.app.state.jobs
    return jobs


def session_gen(request: Request) -> str:
    """A digest of the current session secret: a new password ends older sessions."""
    import hashlib

    def make() -> str:
        secret = ledger_of(request).web_session_secret()
        return hashlib.sha256(secret.encode()).hexdigest()[:16]

    return cached(request, "session_gen", make, may_be_previous=False)


def logged_in(request: Request) -> bool:
    return request.session.get("user") == "me" and request.session.get("gen") == session_gen(
        request
    )


def require_login(request: Request) -> None:
    """A router dependency: pages need a session."""
    if not logged_in(request):
        raise LoginRequired


async def csrf_protect(request: Request) -> None:
    """A router dependency: every unsafe request carries the session's token."""
    if request.method not in UNSAFE:
        return
    expected = request.session.get("csrf")
    sent = request.headers.get("x-csrf-token")
    form = None
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("multipart/form-data"):
            check_upload_size(request)  # before the upload is read at all
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get("csrf")
            sent = value if isinstance(value, str) else None
    if not isinstance(expected, str) or not sent or not hmac.compare_digest(expected, sent):
        if form is not None:
            await form.close()  # an upload's spooled file, which no route will close
        raise CsrfRejected


UPLOAD_SLACK = 64 * 1024
"""Bytes of a multipart body beyond the file itself (boundaries, headers, other fields)."""


def check_upload_size(request: Request) -> None:
    """Refuse a multipart body larger than ``max_upload_bytes`` before reading it.

    The server (uvicorn) enforces the declared Content-Length, so an upload
    without one is refused (411) rather than read without a bound.
    """
    from starlette.exceptions import HTTPException

    limit = settings_of(request).max_upload_bytes
    length = request.headers.get("content-length", "")
    if not length.isdigit():
        raise HTTPException(411, "an upload needs a Content-Length header")
    if int(length) > limit + UPLOAD_SLACK:
        raise HTTPException(
            413, f"the file is larger than the upload limit of {limit:,} bytes; nothing was kept"
        )


@contextmanager
def writing(request: Request, touched: Iterable[int] | None = None) -> Iterator[Ledger]:
    """The ledger, while holding the app's single-writer lock.

    ``touched``: the only people whose data the write may change (names left
    alone, nobody added or removed), so that the cached board and people index
    are brought up to date for them alone (:func:`cached`'s ``fold``).
    """
    lock: threading.Lock = request.app.state.write_lock
    with lock:
        try:
            yield ledger_of(request)
        finally:
            wrote = request.app.state.freshness.bump(touched)
            if "session" in request.scope:
                request.session["wrote"] = wrote


def cached(
    request: Request,
    key: str,
    make: Callable[[], T],
    *,
    may_be_previous: bool = True,
    fold: Callable[[T, frozenset[int]], T | None] | None = None,
) -> T:
    """``make()``, reused until the ledger changes (see :mod:`dunbar.web.freshness`).

    While the app is busy (:attr:`dunbar.web.load.Load.busy`: two requests at once
    in the last moment), a page of a browser session may get a value up to a
    moment old that includes this session's own writes, rather than wait for it
    to be made again. When the app is not busy, and for
    the API (no session) and ``may_be_previous=False``, the value is current.
    ``fold`` brings a value up to date after this session's writes that touched
    only a few people (:meth:`Freshness.cached`), busy or not: when not, the value
    is then made current at once in the background.
    """
    freshness: Freshness = request.app.state.freshness
    wrote = None
    if may_be_previous and request.session.get("user") == "me":
        wrote = int(request.session.get("wrote", 0))
    busy = request.app.state.load.busy
    snapshot = getattr(request.state, "snapshot", None)
    if snapshot is None:  # one per request: a key asked twice gives the same value
        snapshot = request.state.snapshot = {}
    if not may_be_previous:
        snapshot.pop(key, None)  # the current value, even if an earlier one was given
    return freshness.cached(key, make, wrote=wrote, fold=fold, previous=busy, snapshot=snapshot)


def scoreboard_of(request: Request, *, having: int | None = None) -> Scoreboard:
    """Today's scores of everyone, one copy shared by Today, People and Person.

    ``having`` is a person the board must know (the board of a moment ago may not
    know someone just added): without them there, the current board is made.
    """
    import datetime as dt

    ledger = ledger_of(request)
    day = ledger.now().astimezone(dt.UTC).date()  # the ledger's today (Ledger.scoreboard)

    def board(may_be_previous: bool) -> Scoreboard:
        return cached(
            request,
            f"scoreboard:{day}",
            lambda: ledger.scoreboard(today=day),
            may_be_previous=may_be_previous,
            fold=ledger.rescored,
        )

    made = board(True)
    if having is not None and having not in made.contacts:
        made = board(False)
    return made


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """A page: ``template`` with ``context``, plus what the layout needs."""
    templates: Jinja2Templates = request.app.state.templates
    values = {"csrf": csrf_token(request.session), "path": request.url.path}
    values.update(context or {})
    return templates.TemplateResponse(request, template, values, status_code=status)


def see_other(url: str) -> RedirectResponse:
    """After a form post: back to a page (303, so the browser GETs it)."""
    return RedirectResponse(url, status_code=303)
