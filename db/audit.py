"""The audit log: every staff action from any door (LINE, console, command line, HTTP API).

Entries are only ever added; the database refuses to change or delete them. Members' message
bodies are never copied in: an entry names what was acted on (a notice by its id and title,
a member by name), not what anyone wrote.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditEntry, Member


class Door(StrEnum):
    line = "line"
    console = "console"
    cli = "cli"
    api = "api"
    system = "system"  # the scheduler acting on its own, e.g. an automatic contact check


@dataclass(frozen=True)
class Actor:
    """Who acts, and from where: a staff member (in LINE or the console), or the server's operator."""

    door: Door
    member_id: int | None = None
    label: str = ""  # the member's name, or what stands for the operator (the CLI's account, the API token)
    origin: str | None = None  # the client's address (console, API) or the host (CLI)

    @classmethod
    def of(cls, member: Member, door: Door, origin: str | None = None) -> "Actor":
        return cls(door=door, member_id=member.id, label=member.name, origin=origin)


# The actions, as stored; bot/texts/catalog.py names each in Japanese (AUDIT_ACTIONS).
ACTIONS = (
    "console.link", "console.sign_in", "console.sign_out",
    "organization.create",
    "invite.create", "invite.revoke",
    "member.staff_on", "member.staff_off", "member.role", "member.deactivate",
    "agreement.create",
    "area.create", "area.remove",
    "notice.send", "notice.schedule", "notice.cancel", "notice.remind",
    "check.start", "check.close", "check.reask", "check.proxy_answer", "check.export",
    "kpi.create", "kpi.archive",
    "meeting.cancel",
    "intro.schedule",
    "handover.start", "handover.complete", "handover.undo",
    "audit.export",
)
DETAIL_LIMIT = 200  # characters of one detail value: names and counts, never a member's text


def _clip(value):
    if isinstance(value, str):
        return value[:DETAIL_LIMIT]
    if isinstance(value, (list, tuple)):
        return [_clip(v) for v in value][:50]
    return value


async def record(session: AsyncSession, *, actor: Actor, action: str, now: datetime, target_kind: str | None = None,
                 target_id: int | None = None, target_label: str | None = None,
                 details: dict | None = None) -> AuditEntry:
    """Add one entry, in the caller's transaction: the action and its record commit together or not at all."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(at=now, door=Door(actor.door).value, actor_member_id=actor.member_id,
                       actor_label=(actor.label or "")[:100], action=action, target_kind=target_kind,
                       target_id=target_id, target_label=(target_label or None) and target_label[:200],
                       details={k: _clip(v) for k, v in (details or {}).items()},
                       origin=(actor.origin or None) and actor.origin[:100])
    session.add(entry)
    await session.flush()
    return entry


@dataclass(frozen=True)
class AuditFilter:
    actor_member_id: int | None = None
    action: str | None = None  # an action, or a prefix ending in "." (e.g. "notice.")
    door: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def apply(self, query):
        if self.actor_member_id is not None:
            query = query.where(AuditEntry.actor_member_id == self.actor_member_id)
        if self.action:
            query = query.where(AuditEntry.action.startswith(self.action) if self.action.endswith(".")
                                else AuditEntry.action == self.action)
        if self.door:
            query = query.where(AuditEntry.door == self.door)
        if self.since is not None:
            query = query.where(AuditEntry.at >= self.since)
        if self.until is not None:
            query = query.where(AuditEntry.at < self.until)
        return query


async def entries(session: AsyncSession, *, where: AuditFilter = AuditFilter(), limit: int | None = 100,
                  offset: int = 0) -> list[AuditEntry]:
    """The newest entries first."""
    query = where.apply(select(AuditEntry)).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).offset(offset)
    return list(await session.scalars(query.limit(limit) if limit else query))


async def count(session: AsyncSession, *, where: AuditFilter = AuditFilter()) -> int:
    return await session.scalar(where.apply(select(func.count()).select_from(AuditEntry)))
