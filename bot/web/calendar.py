"""The route that serves a decided meeting's calendar file (.ics); the file is built in handlers.meetings."""

from fastapi import APIRouter, HTTPException, Response
from sqlalchemy import select

from bot.web.deps import RuntimeDep, SessionDep
from db.models import Meeting
from handlers.meetings.calendar import meeting_ics

router = APIRouter()


@router.get("/meetings/{token}.ics")
async def meeting_calendar(token: str, runtime: RuntimeDep, session: SessionDep) -> Response:
    """A decided meeting as a calendar file, found by its unguessable token."""
    meeting = await session.scalar(select(Meeting).where(Meeting.calendar_token == token))
    if meeting is None or meeting.starts_at is None:
        raise HTTPException(404, "no such meeting")
    body = meeting_ics(meeting, runtime.settings.tz, runtime.clock.now())
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="meeting-{meeting.id}.ics"'})
