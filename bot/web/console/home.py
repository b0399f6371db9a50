"""Home: what needs the secretariat's attention today."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from bot.web.console.auth import StaffDep, render

router = APIRouter()  # its fragments; the page itself is /console, which the package adds (an empty path)


async def home(request: Request, staff: StaffDep) -> HTMLResponse:
    """The day's overview."""
    return render(request, "console/home.html", staff)
