"""Logging in and out.

The login form is CSRF-protected like every other form (the token is made with
the anonymous session), and failed attempts are rate-limited per client address.
A successful login starts a new session (new CSRF token): a session fixed before
login is worth nothing after it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from dunbar.web.deps import ledger_of, logged_in, render, see_other, session_gen

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never ``//host`` or ``https://…`` (open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    if logged_in(request):
        return see_other(_safe_next(next))
    return render(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login")
def login(
    request: Request,
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2048)] = "/",
) -> Response:
    limiter = request.app.state.limiter
    address = request.client.host if request.client else "unknown"
    wait = limiter.retry_after(address)
    if wait:
        response = render(
            request,
            "login.html",
            {
                "next": _safe_next(next),
                "error": f"Too many failed attempts: try again in {wait} s.",
            },
            status=429,
        )
        response.headers["Retry-After"] = str(wait)
        return response
    if not ledger_of(request).check_web_password(password):
        limiter.failed(address)
        return render(
            request,
            "login.html",
            {"next": _safe_next(next), "error": "That is not the password."},
            status=401,
        )
    limiter.succeeded(address)
    request.session.clear()
    request.session.update({"user": "me", "gen": session_gen(request)})
    return see_other(_safe_next(next))


@router.post("/logout")
def logout(request: Request) -> Response:
    request.session.clear()
    return see_other("/login")
