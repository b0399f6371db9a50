"""Calendar files (.ics) for decided meetings, served at PUBLIC_BASE_URL/meetings/<token>.ics."""

from datetime import datetime, tzinfo

from fastapi import APIRouter, HTTPException, Request, Response
from icalendar import Calendar, Event
from sqlalchemy import select

from db.models import Meeting, MeetingStatus

router = APIRouter()


def calendar_url(base_url: str | None, meeting: Meeting) -> str | None:
    return f"{base_url}/meetings/{meeting.calendar_token}.ics" if base_url else None


def meeting_ics(meeting: Meeting, tz: tzinfo, now: datetime, location: str | None = None) -> bytes:
    """One event in local time with its time zone, updated in place (same UID, higher SEQUENCE)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Renkei//meetings//JA")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"meeting-{meeting.id}-{meeting.calendar_token}@renkei")
    event.add("summary", meeting.title)
    event.add("dtstamp", now)
    event.add("dtstart", meeting.starts_at.astimezone(tz))
    event.add("dtend", meeting.ends_at.astimezone(tz))
    event.add("sequence", meeting.sequence)
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.cancelled else "CONFIRMED")
    if location:
        event.add("location", location)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


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
