"""dunbar's web app: ``create_app(WebSettings(database=...))``, served by ``dunbar serve``."""

from __future__ import annotations

from dunbar.web.app import create_app
from dunbar.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
