"""Routing webhook events to feature handlers, and the dialog state they share.

Feature modules in `handlers/` each export a `router`; handlers are declared on it with
decorators. The dispatcher is called by the event worker with the per-user lock held and
a transaction open, so whatever a handler writes (its data, the next dialog state and
the messages to send) is committed together or not at all.
"""

import copy
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.line import messages as m
from bot.texts import catalog as T
from bot.clock import Clock
from bot.line.events import Event, actor_key
from bot.line.outbox import queue_multicast, queue_push, queue_reply
from bot.settings import Settings
from db.models import Conversation, Member, MemberStatus, OutboxMessage

log = logging.getLogger(__name__)

Handler = Callable[["Context"], Awaitable[None]]


class State:
    """One step of a dialog; its name is set by the StatesGroup it is declared in."""

    def __init__(self) -> None:
        self.name = ""

    def __set_name__(self, owner, attr: str) -> None:
        self.name = f"{owner.__name__}:{attr}"

    def __repr__(self) -> str:
        return f"<State {self.name}>"


class StatesGroup:
    """A declared set of dialog states: `class Registration(StatesGroup): name = State()`."""

    @classmethod
    def states(cls) -> list[State]:
        return [value for value in vars(cls).values() if isinstance(value, State)]


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
    help_message: Callable[[str, bool], dict] = lambda body, staff: m.text(body)
    state: str | None = None
    data: dict = field(default_factory=dict)
    replies: list[dict] = field(default_factory=list)
    queued: list[OutboxMessage] = field(default_factory=list)
    after_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    _loaded: tuple = (None, {})
    _member: Member | None = None
    _member_loaded: bool = False

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

    def remember_member(self, member: Member) -> None:
        """A member this handler just created is the sender from now on."""
        self._member, self._member_loaded = member, True

    async def active_member(self) -> Member | None:
        member = await self.member()
        return member if member and member.status == MemberStatus.active else None

    async def help(self, body: str) -> dict:
        """`body` with the main actions this user may take as quick replies."""
        member = await self.active_member()
        return self.help_message(body, bool(member and member.is_staff))

    def reply(self, *messages: dict) -> None:
        """Answer the sender, with the event's reply token when there is one."""
        self.replies.extend(messages)

    def push(self, to: str, *messages: dict, purpose: str, urgent: bool = False) -> None:
        self.queued += queue_push(self.session, to=to, messages=list(messages), purpose=purpose,
                                  now=self.now(), urgent=urgent)

    def multicast(self, to: list[str], *messages: dict, purpose: str, urgent: bool = False) -> None:
        self.queued += queue_multicast(self.session, to=to, messages=list(messages), purpose=purpose,
                                       now=self.now(), urgent=urgent)

    def set_state(self, state: State, **data) -> None:
        """Move the dialog to `state`, merging `data` into what it carries."""
        self.state = state.name
        self.data.update(data)

    def clear_state(self) -> None:
        self.state = None
        self.data = {}

    def in_state(self, *states: State) -> bool:
        return self.state in {s.name for s in states}

    def flush_replies(self, purpose: str) -> None:
        """Turn staged replies into outbox rows (a push when there is no reply token)."""
        if not self.replies:
            return
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


@dataclass(frozen=True)
class Route:
    handler: Handler
    kind: str
    texts: frozenset[str] = frozenset()
    state: str | None = None
    prefix: str | None = None
    in_groups: bool = False


class Router:
    """A feature's handlers, declared with decorators and included by the dispatcher."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.routes: list[Route] = []
        self.help_actions: list[tuple[dict, bool]] = []

    def _add(self, **route) -> Callable[[Handler], Handler]:
        def decorator(handler: Handler) -> Handler:
            self.routes.append(Route(handler=handler, **route))
            return handler

        return decorator

    def command(self, *texts: str, in_groups: bool = False):
        """A text command that works whatever dialog the user is in."""
        return self._add(kind="command", texts=frozenset(texts), in_groups=in_groups)

    def state(self, state: State):
        """Any message from a user whose dialog is in `state`."""
        return self._add(kind="state", state=state.name)

    def postback(self, prefix: str, in_groups: bool = False):
        """Postbacks whose data starts with `prefix` (the longest matching prefix wins)."""
        return self._add(kind="postback", prefix=prefix, in_groups=in_groups)

    def event(self, event_type: str, in_groups: bool = True):
        """Events of one type other than messages and postbacks ("memberJoined", ...)."""
        return self._add(kind=event_type, in_groups=in_groups)

    def follow(self):
        return self.event("follow", in_groups=False)

    def unfollow(self):
        return self.event("unfollow", in_groups=False)

    def join(self):
        return self.event("join")

    def leave(self):
        return self.event("leave")

    def observe(self):
        """Run for every event, before the handler it is routed to (e.g. to note who is in a group)."""
        return self._add(kind="observe", in_groups=True)

    def fallback(self):
        """A message nobody else understood, in a one-to-one chat."""
        return self._add(kind="fallback")

    def help_action(self, label_text: str, command: str, *, staff_only: bool = False) -> None:
        """Offer `command` among the main actions in the help reply."""
        self.help_actions.append((m.message_action(command, label_text), staff_only))


class Dispatcher:
    def __init__(self, routers: list[Router]) -> None:
        self.routers = routers
        routes = [route for router in routers for route in router.routes]
        self.observers = [route for route in routes if route.kind == "observe"]
        self.routes = [route for route in routes if route.kind != "observe"]
        self.help_actions = [action for router in routers for action in router.help_actions]
        names = [route.state for route in self.routes if route.kind == "state"]
        if len(names) != len(set(names)):
            raise ValueError("a dialog state has more than one handler")

    def help_message(self, body: str = T.HELP_TEXT, staff: bool = False) -> dict:
        actions = [action for action, staff_only in self.help_actions if staff or not staff_only]
        return m.text(body, quick=actions[: m.MAX_QUICK_REPLY] or None)

    async def dispatch(self, ctx: Context) -> None:
        """Find the handler for this event and run it; events nobody handles are ignored."""
        for observer in self.observers:
            await observer.handler(ctx)
        route = self._route(ctx)
        if route is not None:
            await route.handler(ctx)

    def _route(self, ctx: Context) -> Route | None:
        event = ctx.event
        in_group = not event.is_one_to_one
        candidates = [r for r in self.routes if r.in_groups or not in_group]
        kind = event.type
        if kind not in {"message", "postback"}:
            return next((r for r in candidates if r.kind == kind), None)
        if kind == "postback":
            data = event.postback_data or ""
            matches = [r for r in candidates if r.kind == "postback" and data.startswith(r.prefix)]
            return max(matches, key=lambda r: len(r.prefix), default=None)
        text = event.text
        if text is not None:
            for r in candidates:
                if r.kind == "command" and text in r.texts:
                    return r
        if ctx.state and not in_group:
            for r in candidates:
                if r.kind == "state" and r.state == ctx.state:
                    return r
        if not in_group:
            return next((r for r in candidates if r.kind == "fallback"), None)
        return None


async def load_state(ctx: Context) -> None:
    """Load the user's dialog state (call with the per-user lock held)."""
    key = ctx.event.user_id
    if key is None:
        return
    row = await ctx.session.get(Conversation, key)
    if row is None:
        return
    if row.expires_at <= ctx.now():
        await ctx.session.delete(row)
        ctx.reply(m.text(T.DIALOG_EXPIRED))
        return
    ctx.state, ctx.data = row.state, dict(row.data or {})
    ctx._loaded = (row.state, copy.deepcopy(ctx.data))


async def save_state(ctx: Context, ttl: timedelta) -> None:
    """Store the dialog state a handler left, in the handler's transaction (if it changed)."""
    key = ctx.event.user_id
    if key is None or (ctx.state, ctx.data) == ctx._loaded:
        return
    if ctx.state is None:
        await ctx.session.execute(delete(Conversation).where(Conversation.actor_key == key))
        return
    row = await ctx.session.get(Conversation, key)
    now = ctx.now()
    if row is None:
        row = Conversation(actor_key=key)
        ctx.session.add(row)
    row.state, row.data, row.expires_at, row.updated_at = ctx.state, dict(ctx.data), now + ttl, now
