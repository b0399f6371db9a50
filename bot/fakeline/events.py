"""Webhook bodies shaped like the ones the LINE platform sends (valid against webhook.yml)."""

import base64
import hashlib
import hmac
import json
import secrets
import time

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

# A fixed bot user id, so every body from one process names the same bot.
DEFAULT_DESTINATION = "U" + hashlib.md5(b"renkei-fakeline").hexdigest()


def sign(body: bytes, channel_secret: str) -> str:
    """The X-Line-Signature value for a body: base64 of its HMAC-SHA256."""
    digest = hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def new_user_id() -> str:
    return "U" + secrets.token_hex(16)


def new_group_id() -> str:
    return "C" + secrets.token_hex(16)


def new_reply_token() -> str:
    return secrets.token_hex(16)


def new_webhook_event_id() -> str:
    """A ULID: 48-bit millisecond time then 80 random bits, in Crockford base32."""
    value = (time.time_ns() // 1_000_000) << 80 | secrets.randbits(80)
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def new_message_id() -> str:
    return str(10**17 + secrets.randbelow(9 * 10**17))


def _event(kind: str, source: dict, *, timestamp_ms, redelivery, **fields) -> dict:
    return {
        "type": kind,
        **fields,
        "mode": "active",
        "timestamp": timestamp_ms if timestamp_ms is not None else time.time_ns() // 1_000_000,
        "source": source,
        "webhookEventId": new_webhook_event_id(),
        "deliveryContext": {"isRedelivery": redelivery},
    }


def _source(user_id: str | None, group_id: str | None) -> dict:
    if group_id is None:
        return {"type": "user", "userId": user_id}
    return {"type": "group", "groupId": group_id, **({"userId": user_id} if user_id else {})}


def text_message(user_id: str, text: str, *, group_id=None, timestamp_ms=None, reply_token=None,
                 redelivery=False) -> dict:
    """A message event carrying a text message."""
    message = {"type": "text", "id": new_message_id(), "quoteToken": secrets.token_urlsafe(48),
               "text": text}
    return _event("message", _source(user_id, group_id), timestamp_ms=timestamp_ms,
                  redelivery=redelivery, replyToken=reply_token or new_reply_token(), message=message)


def sticker_message(user_id: str, *, timestamp_ms=None, reply_token=None, redelivery=False) -> dict:
    """A message event carrying a sticker (no text)."""
    message = {"type": "sticker", "id": new_message_id(), "quoteToken": secrets.token_urlsafe(48),
               "packageId": "446", "stickerId": "1988", "stickerResourceType": "STATIC"}
    return _event("message", _source(user_id, None), timestamp_ms=timestamp_ms,
                  redelivery=redelivery, replyToken=reply_token or new_reply_token(), message=message)


def postback(user_id: str, data: str, *, params: dict | None = None, group_id=None, timestamp_ms=None,
             reply_token=None, redelivery=False) -> dict:
    """A postback event (a button with a postback action was tapped)."""
    content = {"data": data, **({"params": params} if params else {})}
    return _event("postback", _source(user_id, group_id), timestamp_ms=timestamp_ms,
                  redelivery=redelivery, replyToken=reply_token or new_reply_token(), postback=content)


def follow(user_id: str, *, unblocked=False, timestamp_ms=None, reply_token=None, redelivery=False) -> dict:
    """A follow event: the user added the bot as a friend (or unblocked it)."""
    return _event("follow", _source(user_id, None), timestamp_ms=timestamp_ms, redelivery=redelivery,
                  replyToken=reply_token or new_reply_token(), follow={"isUnblocked": unblocked})


def unfollow(user_id: str, *, timestamp_ms=None, redelivery=False) -> dict:
    """An unfollow event: the user blocked the bot (LINE gives no reply token)."""
    return _event("unfollow", _source(user_id, None), timestamp_ms=timestamp_ms, redelivery=redelivery)


def join(group_id: str, *, timestamp_ms=None, reply_token=None, redelivery=False) -> dict:
    """A join event: the bot was added to a group."""
    return _event("join", _source(None, group_id), timestamp_ms=timestamp_ms, redelivery=redelivery,
                  replyToken=reply_token or new_reply_token())


def leave(group_id: str, *, timestamp_ms=None, redelivery=False) -> dict:
    """A leave event: the bot was removed from a group (no reply token)."""
    return _event("leave", _source(None, group_id), timestamp_ms=timestamp_ms, redelivery=redelivery)


def member_joined(group_id: str, user_ids: list[str], *, timestamp_ms=None, reply_token=None,
                  redelivery=False) -> dict:
    """A memberJoined event: users joined a group the bot is in."""
    members = [{"type": "user", "userId": u} for u in user_ids]
    return _event("memberJoined", _source(None, group_id), timestamp_ms=timestamp_ms,
                  redelivery=redelivery, replyToken=reply_token or new_reply_token(),
                  joined={"members": members})


def body(events: list[dict], destination: str = DEFAULT_DESTINATION) -> bytes:
    """The webhook request body: compact UTF-8 JSON, as LINE sends it."""
    payload = {"destination": destination, "events": events}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
