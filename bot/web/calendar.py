"""The route that serves a decided meeting's calendar file (.ics); the file is built in handlers.meetings."""

from fastapi import APIRouter, HTTPException, Request, Response
from sqlalchemy import select

from db.models import Meeting
from handlers.meetings.calendar import meeting_ics

router = APIRouter()


@router.get("/meetings/{token}.ics")
async def meeting_calendar(token: str, request: Request) -> Response:
    runtime = request.app.state.runtime
    async with runtime.sessions() as session:
        meeting = await session.scalar(select(Meeting).where(Meeting.calendar_token == token))
    if meeting is None or meeting.starts_at is None:
        raise HTTPException(404, "no such meeting")
    body = meeting_ics(meeting, runtime.settings.tz, runtime.clock.now())
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="meeting-{meeting.id}.ics"'})
