"""The web console's sign-in: one-time links sent to staff, and the sessions they start.

A link and a session are each a random token of 256 bits held by the browser (or in the
LINE message); the database keeps only its SHA-256, so that reading the tables signs no one
in. A link works once and for LINK_TTL; a session ends after SESSION_IDLE without a request,
at SESSION_MAX whatever happens, on sign-out, and as soon as its member is no longer active
staff (checked on every request).
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.access import DataError
from db.audit import Actor, Door, record
from db.models import ConsoleLink, ConsoleSession, Member, MemberStatus

LINK_TTL = timedelta(minutes=10)
SESSION_IDLE = timedelta(hours=12)
SESSION_MAX = timedelta(days=7)
# A session's last request is written at most this often: a page's own requests need no write each.
TOUCH_EVERY = timedelta(minutes=1)
SIGNIN_PATH = "/console/signin"


class LinkProblem(StrEnum):
    unknown = "unknown"  # never issued, or mistyped
    used = "used"
    expired = "expired"
    not_staff = "not_staff"  # the member is no longer active staff


class LinkRefused(DataError):
    def __init__(self, problem: LinkProblem) -> None:
        super().__init__(f"the sign-in link cannot be used: {problem}")
        self.problem = problem


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_console_staff(member: Member | None) -> bool:
    return bool(member and member.is_staff and member.status == MemberStatus.active)


def link_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{SIGNIN_PATH}/{token}"


async def issue_link(session: AsyncSession, *, member: Member, actor: Actor, now: datetime) -> str:
    """A new one-time link's token for `member`, recorded in the audit log; only active staff get one."""
    if not is_console_staff(member):
        raise DataError(f"member {member.id} is not active staff")
    token = secrets.token_urlsafe(32)
    link = ConsoleLink(token_hash=digest(token), member_id=member.id, created_at=now, expires_at=now + LINK_TTL)
    session.add(link)
    await session.flush()
    await record(session, actor=actor, action="console.link", now=now, target_kind="member",
                 target_id=member.id, target_label=member.name)
    return token


async def check_link(session: AsyncSession, *, token: str, now: datetime) -> tuple[ConsoleLink, Member]:
    """The link and its member, if it can still sign in; otherwise LinkRefused says why."""
    link = await session.scalar(select(ConsoleLink).where(ConsoleLink.token_hash == digest(token)))
    if link is None:
        raise LinkRefused(LinkProblem.unknown)
    if link.used_at is not None:
        raise LinkRefused(LinkProblem.used)
    if link.expires_at <= now:
        raise LinkRefused(LinkProblem.expired)
    member = await session.get(Member, link.member_id)
    if not is_console_staff(member):
        raise LinkRefused(LinkProblem.not_staff)
    return link, member


@dataclass(frozen=True)
class SignedIn:
    session: ConsoleSession
    member: Member
    cookie: str  # the token the browser keeps; only its hash is stored


async def redeem_link(session: AsyncSession, *, token: str, now: datetime, origin: str | None) -> SignedIn:
    """Use the link (once: of two browsers opening it at the same moment, one signs in) and start a session."""
    link, member = await check_link(session, token=token, now=now)
    taken = await session.execute(update(ConsoleLink).where(ConsoleLink.id == link.id, ConsoleLink.used_at.is_(None))
                                  .values(used_at=now).execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        raise LinkRefused(LinkProblem.used)
    cookie = secrets.token_urlsafe(32)
    signed_in = ConsoleSession(token_hash=digest(cookie), member_id=member.id, csrf_token=secrets.token_urlsafe(32),
                               created_at=now, last_seen_at=now, expires_at=now + SESSION_MAX,
                               origin=(origin or None) and origin[:100])
    session.add(signed_in)
    await session.flush()
    await record(session, actor=Actor.of(member, Door.console, origin), action="console.sign_in", now=now,
                 target_kind="member", target_id=member.id, target_label=member.name)
    return SignedIn(session=signed_in, member=member, cookie=cookie)


async def find_session(session: AsyncSession, *, cookie: str, now: datetime) -> tuple[ConsoleSession, Member] | None:
    """The live session this cookie belongs to and its member, still active staff; None otherwise."""
    found = await session.scalar(select(ConsoleSession).where(ConsoleSession.token_hash == digest(cookie)))
    if found is None or found.ended_at is not None or found.expires_at <= now:
        return None
    if found.last_seen_at + SESSION_IDLE <= now:
        return None
    member = await session.get(Member, found.member_id)
    if not is_console_staff(member):
        return None
    if now - found.last_seen_at >= TOUCH_EVERY:
        found.last_seen_at = now
    return found, member


async def end_session(session: AsyncSession, *, console_session: ConsoleSession, actor: Actor, now: datetime) -> None:
    """Sign out: the cookie no longer works, whoever holds it."""
    if console_session.ended_at is None:
        console_session.ended_at = now
        await record(session, actor=actor, action="console.sign_out", now=now, target_kind="member",
                     target_id=console_session.member_id, target_label=actor.label)
