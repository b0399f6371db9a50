"""Routers: a feature's handlers, declared with decorators, with the guards they carry.

In the manner of aiogram 3: a handler declares what it takes (a command's texts, a dialog
state, a kind of button with its typed data, an event type) and the router declares who may
use it (anyone, registered members, staff). Routers nest with `include`, in an explicit
order; the dispatcher refuses two handlers for one command, state, button kind, event or
typed word at a step, so that the order decides only which fallback is asked first, the order
of the help buttons and of the observers.

Wherever a button is offered, typing its label (or an obvious way of saying it) works like
the tap: `typed` declares, for a dialog step, the words each choice accepts and the button
data they stand for, and the dispatcher gives the typed text to the button's own handler.
`step` says what the step asks, so that anything else typed there gets the step's buttons
again with one line saying what works.
"""

import inspect

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from bot.dialogs.data import PostbackData
from bot.dialogs.states import state_names
from bot.dialogs.words import fold_all
from bot.line import messages as m

Handler = Callable[..., Awaitable[Any]]

# What a fallback returns when the message is not for it: the next fallback is asked.
UNHANDLED = object()


class Access(Enum):
    anyone = "anyone"
    member = "member"  # an active registered member; others get the invite prompt
    staff = "staff"  # an active member with the staff role; other members get the router's refusal


@dataclass(frozen=True)
class Route:
    handler: Handler
    kind: str
    router: "Router"
    texts: frozenset[str] = frozenset()
    states: frozenset[str] | None = None
    data: type[PostbackData] | None = None
    in_groups: bool = False
    # A typed route: the button data its words stand for (a PostbackData, or a function of the
    # context that builds it), or None when the handler takes the context alone.
    make: Any = None

    @property
    def prefix(self) -> str | None:
        return self.data.prefix if self.data else None

    @property
    def keys(self) -> list[tuple]:
        """What no other route may handle too: each command text, each state, or the kind of button or event."""
        if self.kind == "command":
            return [("command", text) for text in self.texts]
        if self.kind == "state":
            return [("state", name) for name in self.states]
        if self.kind == "typed":
            return [("typed", name, word) for name in self.states for word in self.texts]
        return [(self.kind, self.prefix)]


class Router:
    """A feature's handlers and the routers it includes."""

    def __init__(self, name: str, *, access: Access = Access.anyone, refusal: str | None = None) -> None:
        if access is Access.staff and refusal is None:
            raise ValueError(f"router {name}: a staff router says what members who are not staff are told")
        self.name, self.access, self.refusal = name, access, refusal
        self.routes: list[Route] = []
        self.children: list[Router] = []
        self.help_actions: list[tuple[dict, bool]] = []
        self.menu_actions: list[tuple[str, dict]] = []

    def include(self, *routers: "Router") -> "Router":
        """Nest `routers` under this one, in this order."""
        self.children.extend(routers)
        return self

    def walk(self):
        """This router and every router below it, in include order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def _add(self, **route) -> Callable[[Handler], Handler]:
        def decorator(handler: Handler) -> Handler:
            self.routes.append(Route(handler=handler, router=self, **route))
            return handler

        return decorator

    def command(self, *texts: str, in_groups: bool = False):
        """A text command that works whatever dialog the user is in (in full-width or half-width too).

        A command handler that returns UNHANDLED passes the message on, to the dialog step the
        user is in and then to the fallbacks, as if it were no command.
        """
        return self._add(kind="command", texts=fold_all(texts), in_groups=in_groups)

    def typed(self, state, choices):
        """Typed words that work at `state` like a button: `choices` maps the words of each choice
        (a catalog tuple) to the button's data, or to a function of the context that builds it.

        Stacked on a `postback` handler, the handler gets the data as if tapped. `choices` may
        also be the words alone, for a handler that takes only the context (a text button).
        """
        names = state_names(state)
        entries = choices.items() if isinstance(choices, dict) else [(choices, None)]

        def decorator(handler: Handler) -> Handler:
            for words, make in entries:
                self.routes.append(Route(handler=handler, router=self, kind="typed", texts=fold_all(words),
                                         states=names, make=make))
            return handler

        return decorator

    def step(self, state, *, ask: Callable, hint: str) -> None:
        """What the step at `state` asks: text no typed word matched gets `hint` and the question again."""
        async def reprompt(ctx) -> None:
            ctx.reply(m.text(hint))
            asked = ask(ctx)
            if inspect.isawaitable(asked):
                await asked

        reprompt.__qualname__ = f"step {sorted(state_names(state))}"
        self._add(kind="state", states=state_names(state))(reprompt)

    def message(self, state):
        """Any message from a user whose dialog is in `state` (a State, a StatesGroup, or several)."""
        return self._add(kind="state", states=state_names(state))

    def postback(self, data: type[PostbackData], *, state=None, in_groups: bool = False):
        """Taps on one kind of button; the handler gets the unpacked data as its second argument.

        With `state`, the button only works while the dialog is there; otherwise (and for data
        that does not unpack) the sender gets the one stale-button answer.
        """
        return self._add(kind="postback", data=data, states=state_names(state),
                         in_groups=in_groups)

    def prefetch(self, data: type[PostbackData]):
        """Reads shared by a batch's taps on one kind of button, before any of them is handled.

        The function gets the session and every (sender's member row or None, unpacked data) of
        the batch's taps of that kind, and loads what their handlers will read, in a few
        statements for all (the handlers still work without it, a row at a time).
        """
        return self._add(kind="prefetch", data=data, in_groups=True)

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
        """A message no command or dialog took, in a one-to-one chat; return UNHANDLED to pass it on."""
        return self._add(kind="fallback")

    def help_action(self, label_text: str, command: str, *, staff_only: bool = False, menu: str | None = None) -> None:
        """Offer `command` among the main actions in the help reply, or in the second-level `menu`
        (such as staff's 管理), which some command of the menu's own router shows."""
        if menu is not None:
            self.menu_actions.append((menu, m.message_action(command, label_text)))
            return
        self.help_actions.append((m.message_action(command, label_text), staff_only))
