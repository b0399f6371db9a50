"""Calendar files (.ics) for decided meetings, and where they are served (PUBLIC_BASE_URL/meetings/<token>.ics)."""

from datetime import datetime, tzinfo


from db.models import Meeting, MeetingStatus


def calendar_url(base_url: str | None, meeting: Meeting) -> str | None:
    return f"{base_url}/meetings/{meeting.calendar_token}.ics" if base_url else None


def meeting_ics(meeting: Meeting, tz: tzinfo, now: datetime, location: str | None = None) -> bytes:
    """One event in local time with its time zone, updated in place (same UID, higher SEQUENCE)."""
    from icalendar import Calendar, Event  # imported when a calendar file is made

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
