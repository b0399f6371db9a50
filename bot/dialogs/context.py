"""What a handler sees of one event, and where it stages what it wants done.

The dispatcher is called by the event worker with the per-user lock held and a transaction
open, so whatever a handler writes (its data, the next dialog state and the messages to
send) is committed together or not at all.
"""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.dialogs.states import State
from bot.line import messages as m
from bot.line.events import Event, actor_key
from bot.line.outbox import queue_multicast, queue_push, queue_reply
from bot.settings import Settings
from db.audit import Actor, Door
from db.models import Member, MemberStatus, OutboxMessage

log = logging.getLogger(__name__)


@dataclass
class Context:
    """What a handler sees of one event, and where it stages what it wants done."""

    session: AsyncSession
    event: Event
    settings: Settings
    clock: Clock
    received_at: datetime
    gateway: Any = None
    sessions: Any = None
    help_message: Callable[..., dict] = lambda body, staff, menu=None: m.text(body)
    state: str | None = None
    data: dict = field(default_factory=dict)
    reply_purpose: str | None = None  # what the replies are for, when it matters more than the event type
    replies: list[dict] = field(default_factory=list)
    queued: list[OutboxMessage] = field(default_factory=list)
    after_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    loaded: tuple = (None, {})
    _member: Member | None = None
    _member_loaded: bool = False
    # The user's stored dialog row, when the worker read it with those of the other users it
    # handles at once (None: there is none); unread, the dialog storage reads it itself.
    _conversation: Any = None
    _conversation_loaded: bool = False

    @property
    def user_id(self) -> str | None:
        return self.event.user_id

    @property
    def text(self) -> str | None:
        return self.event.text

    def now(self) -> datetime:
        return self.clock.now()

    async def member(self) -> Member | None:
        """The registered member who sent this event (active or not), if any."""
        if not self._member_loaded:
            if self.user_id:
                self._member = await self.session.scalar(select(Member).where(Member.line_user_id == self.user_id))
            self._member_loaded = True
        return self._member

    def preload(self, *, member: Member | None, conversation: Any) -> None:
        """The sender's member row and dialog row, read in one statement for several events."""
        self._member, self._member_loaded = member, True
        self._conversation, self._conversation_loaded = conversation, True

    def remember_member(self, member: Member) -> None:
        """A member this handler just created is the sender from now on."""
        self._member, self._member_loaded = member, True

    async def active_member(self) -> Member | None:
        member = await self.member()
        return member if member and member.status == MemberStatus.active else None

    async def actor(self) -> Actor:
        """The sender as the audit log names them: a member acting in LINE."""
        member = await self.member()
        return Actor.of(member, Door.line) if member else Actor(door=Door.line, label=self.user_id or "")

    async def help(self, body: str) -> dict:
        """`body` with the main actions this user may take as quick replies."""
        member = await self.active_member()
        return self.help_message(body, bool(member and member.is_staff))

    def menu(self, body: str, name: str) -> dict:
        """`body` with the actions of the second-level menu `name` (staff's 管理) as quick replies."""
        return self.help_message(body, True, name)

    def picked_moment(self) -> datetime | None:
        """The moment a date-time picker sent, in local time; None if it sent none that reads."""
        try:
            picked = datetime.strptime(self.event.postback_params.get("datetime", ""), m.PICKER_FORMAT)
        except ValueError:
            return None
        return picked.replace(tzinfo=self.settings.tz)

    def reply(self, *messages: dict) -> None:
        """Answer the sender, with the event's reply token when there is one."""
        self.replies.extend(messages)

    def push(self, to: str, *messages: dict, purpose: str, urgent: bool = False) -> None:
        self.queued += queue_push(self.session, to=to, messages=list(messages), purpose=purpose,
                                  now=self.now(), urgent=urgent)

    def multicast(self, to: list[str], *messages: dict, purpose: str, urgent: bool = False) -> None:
        self.queued += queue_multicast(self.session, to=to, messages=list(messages), purpose=purpose,
                                       now=self.now(), urgent=urgent)

    def set_state(self, state: State) -> None:
        """Move the dialog to `state`; what it carries stays as it is."""
        self.state = state.name

    def update_data(self, **data) -> None:
        """Merge `data` into what the dialog carries."""
        self.data.update(data)

    def begin(self, state: State, **data) -> None:
        """Start a dialog afresh at `state`, carrying only `data`."""
        self.state, self.data = state.name, dict(data)

    def clear(self) -> None:
        """Leave the dialog: no state, no data."""
        self.state, self.data = None, {}

    def flush_replies(self, purpose: str) -> None:
        """Turn staged replies into outbox rows (a push when there is no reply token)."""
        if not self.replies:
            return
        purpose = self.reply_purpose or purpose
        target = self.event.chat_id or self.user_id
        if target is None:
            log.warning("event %s: replies dropped, no one to send them to", self.event.webhook_event_id)
        elif self.event.reply_token:
            self.queued += queue_reply(self.session, reply_token=self.event.reply_token, received_at=self.received_at,
                                       to=target, messages=self.replies, purpose=purpose, now=self.now(),
                                       actor_key=actor_key(self.event.raw))
        else:
            self.queued += queue_push(self.session, to=target, messages=self.replies, purpose=purpose,
                                      now=self.now(), urgent=True)
        self.replies = []
