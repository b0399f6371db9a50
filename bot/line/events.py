"""A read-only view of one stored webhook event, in the shape of LINE's webhook JSON."""

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property


def actor_key(event: dict) -> str:
    """Whose events must be handled one at a time and in order: the user, else the chat."""
    source = event.get("source") or {}
    return source.get("userId") or source.get("groupId") or source.get("roomId") or "-"


def event_id(event: dict) -> str:
    """The event's webhookEventId, or a digest of its content if LINE ever omits one."""
    value = event.get("webhookEventId")
    if isinstance(value, str) and value:
        return value[:64]
    digest = hashlib.sha256(json.dumps(event, sort_keys=True).encode()).hexdigest()
    return "sha256:" + digest[:57]


# What the events table holds: ids in columns of 64 characters, times in signed 64-bit integers
# (any real millisecond timestamp is far below 2**53).
MAX_ID = 64
MAX_TIMESTAMP_MS = 2**53
# Control characters a person cannot mean in a chat message; PostgreSQL cannot store NUL at all.
_CONTROL = {code: None for code in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)}


def clean_text(value: str) -> str:
    """The text without control characters, a lone surrogate (unstorable as UTF-8) replaced by U+FFFD."""
    value = value.translate(_CONTROL)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # JSON reads a valid pair as one character: any surrogate left is alone
        value = "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in value)
    return value


def _cleaned(value):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    if isinstance(value, dict):
        return {_cleaned(key): _cleaned(item) for key, item in value.items()}
    return value


def storable(event) -> dict:
    """The event as it can be stored on any database; ValueError if no real LINE event looks like it.

    Text is cleaned rather than refused, the same way on SQLite and PostgreSQL, so that a
    stray NUL in a name cannot make a dialog step fail on one database and not the other.
    """
    if not isinstance(event, dict):
        raise ValueError("an event is not a JSON object")
    timestamp = event.get("timestamp", 0)
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or not 0 <= timestamp < MAX_TIMESTAMP_MS:
        raise ValueError("an event's timestamp is not a time")
    source = event.get("source") or {}
    if not isinstance(source, dict):
        raise ValueError("an event's source is not a JSON object")
    for key in ("userId", "groupId", "roomId"):
        if key in source and not (isinstance(source[key], str) and 0 < len(source[key]) <= MAX_ID):
            raise ValueError(f"an event's {key} is not an id")
    return _cleaned(event)


@dataclass(frozen=True)
class Event:
    raw: dict

    @property
    def type(self) -> str:
        return self.raw.get("type", "")

    @property
    def webhook_event_id(self) -> str:
        return event_id(self.raw)

    @property
    def timestamp_ms(self) -> int:
        return int(self.raw.get("timestamp") or 0)

    @cached_property
    def _source(self) -> dict:
        return self.raw.get("source") or {}

    @property
    def source_type(self) -> str:
        return self._source.get("type", "")

    @property
    def is_one_to_one(self) -> bool:
        return self.source_type == "user"

    @property
    def user_id(self) -> str | None:
        return self._source.get("userId")

    @property
    def chat_id(self) -> str | None:
        """The group or room the event came from, None in a one-to-one chat."""
        return self._source.get("groupId") or self._source.get("roomId")

    @property
    def reply_token(self) -> str | None:
        return self.raw.get("replyToken")

    @property
    def message_type(self) -> str | None:
        return (self.raw.get("message") or {}).get("type") if self.type == "message" else None

    @property
    def text(self) -> str | None:
        """The text of a text message, stripped; None for any other event."""
        if self.message_type != "text":
            return None
        return (self.raw["message"].get("text") or "").strip()

    @property
    def postback_data(self) -> str | None:
        return (self.raw.get("postback") or {}).get("data") if self.type == "postback" else None

    @property
    def postback_params(self) -> dict:
        return (self.raw.get("postback") or {}).get("params") or {}

    @property
    def is_unblocked(self) -> bool:
        return bool((self.raw.get("follow") or {}).get("isUnblocked"))
