"""The dispatcher: one entry point that loads the dialog state, routes, guards, saves, replies."""

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.dialogs.context import Context
from bot.dialogs.data import SEPARATOR, StaleButton
from bot.dialogs.router import UNHANDLED, Access, Route, Router
from bot.dialogs.storage import load_state, save_state
from bot.dialogs.words import folded
from bot.line import messages as m
from bot.line.outbox import MAX_MESSAGES_PER_REQUEST
from bot.texts import catalog as T
from db.line_limits import first_notice
from db.models import Member

log = logging.getLogger(__name__)


async def _no_one(ctx: Context) -> None:
    ctx.reply(m.text(T.NOT_REGISTERED))


class Dispatcher:
    """Routes events to the handlers of `root` and the routers it includes.

    `unregistered` answers someone who is not an active member and sent a message or command
    that needs one (the invite prompt); a button they tap is stale, like any other button that
    no longer applies to them.
    """

    def __init__(self, root: Router, *, unregistered: Callable[[Context], Awaitable[None]] = _no_one,
                 one_to_one_only: Callable[[Context], Awaitable[None]] | None = None) -> None:
        self.root = root
        self.unregistered = unregistered
        self.one_to_one_only = one_to_one_only
        routes = [route for router in root.walk() for route in router.routes]
        self.observers = [route for route in routes if route.kind == "observe"]
        self.fallbacks = [route for route in routes if route.kind == "fallback"]
        self.prefetchers = [route for route in routes if route.kind == "prefetch"]
        self.routes = [route for route in routes if route.kind not in {"observe", "fallback", "prefetch"}]
        self.help_actions = [action for router in root.walk() for action in router.help_actions]
        self.menus: dict[str, list[dict]] = {}
        for router in root.walk():
            for menu, action in router.menu_actions:
                self.menus.setdefault(menu, []).append(action)
        # A menu's command sent in a group, where it does not work, is answered by `one_to_one_only`;
        # other words a command also takes (確認しました, まだ) are everyday talk there and get no answer.
        self.menu_commands = {folded(action["text"]) for action, _ in self.help_actions} | {
            folded(action["text"]) for actions in self.menus.values() for action in actions}
        self._check_unique()
        # The routes looked up by what an event carries, instead of asking each route in turn (a
        # hundred of them: a tenth of handling a check's answer): each key has one route at most.
        self._by_prefix = {route.prefix: route for route in self.routes if route.kind == "postback"}
        self._by_command = {text: route for route in self.routes if route.kind == "command" for text in route.texts}
        self._by_state = {state: route for route in self.routes if route.kind == "state" for state in route.states}
        self._by_word = {(state, text): route for route in self.routes if route.kind == "typed"
                         for state in route.states for text in route.texts}
        self._by_kind: dict[str, list[Route]] = {}
        for route in self.routes:
            self._by_kind.setdefault(route.kind, []).append(route)

    def _check_unique(self) -> None:
        seen: dict = {}
        for route in self.routes:
            for key in route.keys:
                if key in seen:
                    raise ValueError(f"{key} has two handlers: {seen[key].__qualname__} and "
                                     f"{route.handler.__qualname__}")
                seen[key] = route.handler

    def help_message(self, body: str = T.HELP_TEXT, staff: bool = False, menu: str | None = None) -> dict:
        """`body` with the main actions (for staff or members) as quick replies, or those of a second-level menu."""
        if menu is not None:
            actions = self.menus.get(menu, [])
        else:
            actions = [action for action, staff_only in self.help_actions if staff or not staff_only]
        return m.text(body, quick=actions[: m.MAX_QUICK_REPLY] or None)

    async def prefetch(self, session, taps: list[tuple[Member | None, str]]) -> None:
        """Let each feature read at once what a batch's taps on its buttons need (see Router.prefetch):
        `taps` are the senders' member rows (None for someone not registered) and the postback data."""
        for route in self.prefetchers:
            found = []
            for member, data in taps:
                if route.data.matches(data):
                    try:
                        found.append((member, route.data.unpack(data)))
                    except StaleButton:
                        continue  # answered as stale when handled
            if found:
                await route.handler(session, found)

    async def handle(self, ctx: Context, *, dialog_ttl: timedelta, purpose: str) -> None:
        """Everything one event does: state in, handler, state out, replies staged in the outbox."""
        await load_state(ctx)
        await self.dispatch(ctx)
        await save_state(ctx, dialog_ttl)
        await self._tell_staff_of_monthly_limit(ctx)
        ctx.flush_replies(purpose=purpose)

    @staticmethod
    async def _tell_staff_of_monthly_limit(ctx: Context) -> None:
        """Once a month, a staff member's reply also says LINE's monthly limit holds.

        Pushes cannot reach them then, but replies still do (they are not counted); a reply
        that is already full waits for the next one.
        """
        month = ctx.gateway.limited_month() if ctx.gateway is not None else None
        if month is None or not ctx.event.reply_token or not 0 < len(ctx.replies) < MAX_MESSAGES_PER_REQUEST:
            return
        member = await ctx.active_member()
        if member is not None and member.is_staff and await first_notice(ctx.session, month=month,
                                                                         member_id=member.id, now=ctx.now()):
            ctx.replies.insert(0, m.text(T.MONTHLY_LIMIT_REACHED))  # the answer, and its buttons, stay last

    async def dispatch(self, ctx: Context) -> None:
        """Find the handler for this event and run it; events nobody handles are ignored.

        A button is checked before its sender: one from a dialog the sender is not in (or with
        data the bot never wrote) is stale, whoever taps it. A message goes to the typed words of
        the step the user is in (the step's own words come first), then to a command, then to
        the step itself; a handler that returns UNHANDLED passes it on to the next of these
        and at last to the fallbacks.
        """
        for observer in self.observers:
            await observer.handler(ctx)
        try:
            for route in self._routes(ctx):
                args = self._arguments(ctx, route)
                if not await self._allowed(ctx, route):
                    return
                if await route.handler(ctx, *args) is not UNHANDLED:
                    return
            await self._fall_back(ctx)
        except StaleButton:
            ctx.reply(m.text(T.STALE_BUTTON))

    async def _fall_back(self, ctx: Context) -> None:
        """Free text in a one-to-one chat goes to each fallback in include order until one takes it; in a
        group, a menu's command that works only one-to-one gets `one_to_one_only`'s answer."""
        if ctx.event.type != "message":
            return
        if not ctx.event.is_one_to_one:
            if self.one_to_one_only is not None and folded(ctx.event.text) in self.menu_commands:
                await self.one_to_one_only(ctx)
            return
        for fallback in self.fallbacks:
            if await self._allowed(ctx, fallback, answer=False) and await fallback.handler(ctx) is not UNHANDLED:
                return

    @staticmethod
    def _arguments(ctx: Context, route: Route) -> tuple:
        """The handler's arguments after the context: a button's unpacked data, if it is still live,
        or the data the typed words stand for."""
        if route.kind == "typed":
            if route.make is None:
                return ()
            return (route.make(ctx) if callable(route.make) else route.make,)
        if route.kind != "postback":
            return ()
        if route.states is not None and ctx.state not in route.states:
            raise StaleButton(ctx.event.postback_data)
        return (route.data.unpack(ctx.event.postback_data or ""),)

    async def _allowed(self, ctx: Context, route: Route, *, answer: bool = True) -> bool:
        """The route's router lets this sender in; if not, tell them why (unless `answer` is off)."""
        access = route.router.access
        if access is Access.anyone:
            return True
        member = await ctx.active_member()
        if member is None:
            if answer and ctx.event.type == "postback":
                raise StaleButton(ctx.event.postback_data)  # a card kept from before, or forged
            if answer:
                await self.unregistered(ctx)
            return False
        if access is Access.staff and not member.is_staff:
            if answer:
                ctx.clear()
                ctx.reply(await ctx.help(route.router.refusal))
            return False
        return True

    def _routes(self, ctx: Context) -> list[Route]:
        """The routes that may take this event, in the order they are asked."""
        event = ctx.event
        in_group = not event.is_one_to_one

        def fits(route: Route | None) -> bool:
            return route is not None and (route.in_groups or not in_group)

        kind = event.type
        if kind not in {"message", "postback"}:
            return [route for route in self._by_kind.get(kind, ()) if fits(route)][:1]
        if kind == "postback":
            # The route of the longest prefix the data starts with ("chk:ans" before "chk"), whole or before a colon.
            data = event.postback_data or ""
            candidate = data
            while True:
                route = self._by_prefix.get(candidate)
                if fits(route):
                    return [route]
                cut = candidate.rfind(SEPARATOR)
                if cut < 0:
                    return []
                candidate = candidate[:cut]
        form = folded(event.text)
        in_step = bool(ctx.state) and not in_group
        found = []
        if in_step and fits(route := self._by_word.get((ctx.state, form))):
            found.append(route)
        if form and fits(route := self._by_command.get(form)):
            found.append(route)
        if in_step and fits(route := self._by_state.get(ctx.state)):
            found.append(route)
        return found
