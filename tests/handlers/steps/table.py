"""What people type at each dialog step, as a table: the step, how to get there, what each input does.

Each row is one test through signed webhooks into the real app: the user is brought to the
step the way they would get there, types the input, and the test checks what changed. A
refused input must get a clear, short Japanese reply (never the generic 分かりませんでした and
main menu) and change nothing: not the dialog's state and data, not a row in the database.
"""

import re
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import select

from bot.texts import catalog as T
from db.models import Base, Conversation

# Inputs every step meets sooner or later.
NONSENSE = "ふわふわ"
EMOJI = "😀🙏"
CONTROL = "\x00\x07\x1b"  # cleaned at the door: nothing is left of it
NUL_INSIDE = "あ\x00い"
TOO_LONG = "長" * 5000  # as long as LINE lets a message be
YEAR_9999 = "9999/12/31 10:00"

# Tables whose rows record traffic rather than what the dialog decided (a wrong invite code is
# counted on purpose, against guessing).
TRAFFIC = {"inbound_events", "outbox", "conversations", "line_profiles", "group_members", "invite_attempts"}


@dataclass(frozen=True)
class Outcome:
    accepted: bool
    state: str | None = None  # the dialog's next state, for an accepted input
    reply: str | None = None  # the first reply, when it matters which


def moves(state: str | None, reply: str | None = None) -> Outcome:
    """Taken: the dialog goes on to `state` (None: it ends), with this first reply if given."""
    return Outcome(True, state, reply)


def refused(reply: str | None = None) -> Outcome:
    """Not taken: a short Japanese reply (this one, if given) and nothing changed."""
    return Outcome(False, reply=reply)


@dataclass(frozen=True)
class Step:
    state: str
    reach: Callable[..., Awaitable[str]]  # (bot) -> the LINE user id now at the step
    inputs: tuple[tuple[str, Outcome], ...]


ODD = (NONSENSE, EMOJI, CONTROL, TOO_LONG)


def odd(reply: str | None = None, inputs=ODD) -> tuple:
    """Nonsense, emoji, control characters and a very long message, each refused with `reply`."""
    return tuple((typed, refused(reply)) for typed in inputs)


def rows(*steps: Step) -> list:
    """The pytest parameters: one per (step, input), with readable ids."""
    import pytest
    return [pytest.param(step, typed, outcome, id=f"{step.state}-{_id(typed)}")
            for step in steps for typed, outcome in step.inputs]


def _id(typed: str) -> str:
    shown = "".join(ch if unicodedata.category(ch)[0] not in "CZ" else "." for ch in typed)
    return shown if len(shown) <= 12 else f"{shown[:6]}…x{len(typed)}"


async def snapshot(bot, user: str) -> tuple:
    """The dialog's state and data, and every row of every table of what was decided."""
    async with bot.runtime.sessions() as session:
        conversation = await session.get(Conversation, user)
        counts = {table.name: sorted(map(repr, (await session.execute(select(table))).all()))
                  for table in Base.metadata.sorted_tables if table.name not in TRAFFIC}
    state = (conversation.state, conversation.data) if conversation else (None, None)
    return state, counts


JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
FOREIGN = re.compile(r"[A-Za-z]{5,}|`|renkei", re.IGNORECASE)


def is_short_japanese(text: str) -> bool:
    return bool(JAPANESE.search(text)) and not FOREIGN.search(text) and len(text) <= 160


async def check(bot, step: Step, typed: str, outcome: Outcome) -> None:
    user = await step.reach(bot)
    before = await snapshot(bot, user)
    assert before[0][0] == step.state, f"the test did not reach {step.state}: {before[0][0]}"
    seen = len(bot.messages_to(user))
    await bot.say(user, typed)
    replies = [message for message in bot.messages_to(user)[seen:]]
    texts = [message["text"] for message in replies if message.get("type") == "text"]
    assert replies, "the input got no answer at all"
    assert T.UNKNOWN_TEXT not in texts, "the step gave the generic reply instead of its own"
    after = await snapshot(bot, user)
    if outcome.reply is not None:
        assert texts and texts[0] == outcome.reply
    if outcome.accepted:
        assert after[0][0] == outcome.state, f"expected {outcome.state}, the dialog is at {after[0][0]}"
        return
    changed = {name: set(after[1][name]) ^ set(rows) for name, rows in before[1].items() if after[1][name] != rows}
    assert after[0] == before[0] and not changed, f"a refused input changed something: {after[0]} {changed}"
    assert texts and is_short_japanese(texts[0]), f"not a short Japanese reply: {[t[:80] for t in texts[:1]]}"
