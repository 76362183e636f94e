"""The web app: :func:`create_app` builds it from :class:`WebSettings`.

Pages are server-rendered (Jinja2, autoescaped) with a little plain JavaScript
from ``static/``; the JSON API lives under ``/api/v1`` (:mod:`dunbar.web.api`).
Every page needs a login; every form carries a CSRF token; every response has
strict security headers (:mod:`dunbar.web.security`).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from dunbar.errors import AmbiguousError, DatabaseError, DunbarError, NotFoundError
from dunbar.web.deps import CsrfRejected, LoginRequired, csrf_protect, render, require_login
from dunbar.web.freshness import Freshness
from dunbar.web.jobs import JobRegistry
from dunbar.web.load import Load, LoadMiddleware
from dunbar.web.security import LoginLimiter, SecurityHeaders
from dunbar.web.settings import WebSettings

__all__ = ["SESSION_COOKIE", "create_app", "error_status"]

HERE = Path(__file__).parent
SESSION_COOKIE = "dunbar_session"


def error_status(exc: DunbarError) -> int:
    """The HTTP status of a dunbar error (the CLI's exit codes, for the web)."""
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, AmbiguousError):
        return 409
    if isinstance(exc, DatabaseError):
        return 503
    return 400


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _install_errors(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(CsrfRejected)
    async def csrf_rejected(request: Request, exc: CsrfRejected) -> Response:
        message = (
            "This form had expired or did not come from this app: reload the page and try again."
        )
        if request.headers.get("x-csrf-token") is not None or _is_api(request):
            return JSONResponse({"detail": message}, status_code=403)
        return render(request, "error.html", {"message": message, "status": 403}, status=403)

    @app.exception_handler(DunbarError)
    async def dunbar_error(request: Request, exc: DunbarError) -> Response:
        status = error_status(exc)
        if _is_api(request) or request.headers.get("accept", "").startswith("application/json"):
            return JSONResponse({"detail": str(exc)}, status_code=status)
        return render(request, "error.html", {"message": str(exc), "status": status}, status=status)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": jsonable_errors(exc)}, status_code=422)
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ())[1:]) or "the form"
        message = f"{where}: {first.get('msg', 'invalid input')}"
        return render(request, "error.html", {"message": message, "status": 400}, status=400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request) or exc.status_code in (401, 405):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        message = str(exc.detail) if exc.status_code != 404 else "There is no such page."
        return render(
            request,
            "error.html",
            {"message": message, "status": exc.status_code},
            status=exc.status_code,
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        message = f"Something went wrong on the server ({type(exc).__name__}); nothing was saved."
        if _is_api(request):
            return JSONResponse({"detail": message}, status_code=500)
        return render(request, "error.html", {"message": message, "status": 500}, status=500)


def jsonable_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {
            "loc": list(e.get("loc", ())),
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors()
    ]


def _filters(templates: Jinja2Templates) -> None:
    def day(value: Any) -> str:
        if isinstance(value, dt.datetime):
            return value.astimezone().strftime("%Y-%m-%d %H:%M")
        if isinstance(value, dt.date):
            return value.isoformat()
        return "" if value is None else str(value)

    def pct(value: Any) -> str:
        return "" if value is None else f"{100 * float(value):.0f}%"

    def num(value: Any, places: int = 2) -> str:
        return "" if value is None else f"{float(value):.{places}f}"

    templates.env.filters["day"] = day
    templates.env.filters["pct"] = pct
    templates.env.filters["num"] = num


def create_app(settings: WebSettings, *, ledger: Any = None) -> FastAPI:
    """The web app over ``settings.database`` (or over an open ``ledger``).

    The ledger must have a web password (``Ledger.set_web_password``): the app
    is locked by default and refuses to start unlocked.
    """
    from dunbar.errors import UsageError
    from dunbar.ledger import Ledger
    from dunbar.store.engine import sqlite_path

    own = ledger is None
    if ledger is None:
        ledger = (
            Ledger.open(settings.database, clock=settings.clock)
            if settings.clock
            else Ledger.open(settings.database)
        )
    if not ledger.has_web_password():
        if own:
            ledger.close()
        raise UsageError(
            "this ledger has no web password yet: run `dunbar serve` on a terminal to set "
            "one, or pass it with DUNBAR_PASSWORD_FILE"
        )
    secret = ledger.web_session_secret()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        ended = app.state.jobs.close()
        app.state.freshness.close()
        if own and ended:  # else a job's thread still uses it: the process exit closes it
            ledger.close()

    app = FastAPI(
        title="dunbar",
        version="1",
        docs_url=None,  # Swagger UI and ReDoc load from a CDN; the schema is served
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.ledger = ledger
    app.state.write_lock = threading.Lock()
    app.state.jobs = JobRegistry()
    app.state.limiter = LoginLimiter(settings.login_attempts, settings.login_window_s)
    path = sqlite_path(ledger.url)
    if path is not None:
        app.state.freshness = Freshness(Path(path))
    elif ledger.backend != "postgresql":
        app.state.freshness = Freshness(None)  # an in-memory ledger: nothing is cached
    else:
        engine = ledger.engine

        def wal_position() -> object:
            with engine.connect() as conn:
                return conn.exec_driver_sql("SELECT pg_current_wal_lsn()").scalar()

        app.state.freshness = Freshness(None, probe=wal_position)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    _filters(templates)
    app.state.templates = templates

    app.state.load = Load()
    app.add_middleware(LoadMiddleware)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=int(settings.session_hours * 3600),
        same_site="strict",
        https_only=settings.secure_cookies,
    )
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    _install_errors(app)

    from dunbar.web import feed, routes_auth
    from dunbar.web.api import router as api_router
    from dunbar.web.pages import PAGE_ROUTERS

    # The OpenAPI schema at /api/v1/openapi.json describes the JSON API only.
    app.include_router(
        routes_auth.router, dependencies=[Depends(csrf_protect)], include_in_schema=False
    )
    app.include_router(feed.public, include_in_schema=False)
    pages = [Depends(require_login), Depends(csrf_protect)]
    app.include_router(feed.private, dependencies=pages, include_in_schema=False)
    for router in PAGE_ROUTERS:
        app.include_router(router, dependencies=pages, include_in_schema=False)
    app.include_router(api_router, prefix="/api/v1")
    return app
