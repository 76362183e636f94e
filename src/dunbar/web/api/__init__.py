"""The JSON API under ``/api/v1``: token authentication, Pydantic schemas.

Scripts send ``Authorization: Bearer <token>`` (``dunbar token create NAME``).
The API takes no cookies, so it needs no CSRF token.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from dunbar.web.deps import ledger_of

__all__ = ["require_token", "router"]

bearer = HTTPBearer(auto_error=False, description="An API token from `dunbar token create`.")


def require_token(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> str:
    """The name of the caller's token; 401 without a valid one."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(401, "an API token is required", {"WWW-Authenticate": "Bearer"})
    name = ledger_of(request).check_api_token(credentials.credentials)
    if name is None:
        raise HTTPException(401, "that API token is not valid", {"WWW-Authenticate": "Bearer"})
    return name


router = APIRouter(dependencies=[Depends(require_token)])


def _include() -> None:
    from dunbar.web.api import agenda, gatherings, imports, network, people, records

    for module in (people, records, agenda, network, gatherings, imports):
        router.include_router(module.router)


_include()
