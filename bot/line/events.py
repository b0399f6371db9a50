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
