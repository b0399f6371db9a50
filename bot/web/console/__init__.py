"""The secretariat's web console (管理画面), inside the same app in every mode, local mode too.

Each page module exports `router = APIRouter()` with paths relative to /console; this package
gathers them under one prefix, with the sign-in routes, in the nav's order.
"""

import importlib
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from bot.web.console import auth, home, signin
from bot.web.console.nav import NAV

STATIC = Path(__file__).resolve().parents[1] / "static"

router = APIRouter(prefix="/console")
router.include_router(signin.router)
# FastAPI refuses an empty path in an included router, so the front page is added here.
router.add_api_route("", home.home, methods=["GET"], response_class=HTMLResponse)
for _item in NAV:
    router.include_router(importlib.import_module(f"{__name__}.{_item.module}").router)


def install(app: FastAPI) -> None:
    """Add the console to the app: its pages, its refusals, and the shared static files at /static."""
    app.include_router(router)
    app.add_exception_handler(auth.ConsoleRefusal, auth.refused)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
