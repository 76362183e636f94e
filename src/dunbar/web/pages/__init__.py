"""The HTML pages, one module each; :data:`PAGE_ROUTERS` is what the app mounts.

Every router here is mounted behind the login and CSRF dependencies.
"""

from __future__ import annotations

from fastapi import APIRouter

from dunbar.web.pages import gatherings, imports, jobs, network, people, person, settings, today

__all__ = ["PAGE_ROUTERS"]

PAGE_ROUTERS: list[APIRouter] = [
    today.router,
    people.router,
    person.router,
    network.router,
    gatherings.router,
    imports.router,
    settings.router,
    jobs.router,
]
