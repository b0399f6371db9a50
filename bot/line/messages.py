"""Builders for LINE message objects, as plain dicts in the Messaging API's JSON shape.

Handlers build messages with these and stage them on their context; only the gateway
turns them into SDK requests.
"""

from datetime import datetime

MAX_TEXT = 5000
MAX_QUICK_REPLY = 13
MAX_LABEL = 20
MAX_POSTBACK_DATA = 300


def utf16_len(text: str) -> int:
    """Length as LINE counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def truncate_utf16(text: str, limit: int) -> str:
    if utf16_len(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        size = 2 if ord(ch) > 0xFFFF else 1
        if used + size > limit - 1:
            break
        out.append(ch)
        used += size
    return "".join(out) + "…"


def label(text: str) -> str:
    """A quick-reply or button label, cut to LINE's 20 characters."""
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def message_action(text: str, label_text: str | None = None) -> dict:
    return {"type": "message", "label": label(label_text or text), "text": text}


def postback_action(label_text: str, data, display_text: str | None = None) -> dict:
    """A button that sends `data`: a string, or typed postback data (which packs itself)."""
    data = str(data)
    if len(data) > MAX_POSTBACK_DATA:
        raise ValueError(f"postback data is {len(data)} characters; LINE allows {MAX_POSTBACK_DATA}")
    action = {"type": "postback", "label": label(label_text), "data": data}
    if display_text:
        action["displayText"] = display_text
    return action


# How a date-time picker writes its moments, both ways: its bounds, and what it sends back.
PICKER_FORMAT = "%Y-%m-%dT%H:%M"


def datetime_picker(label_text: str, data, *, initial: datetime, earliest: datetime, latest: datetime) -> dict:
    """A date-time picker action; the moments are local times (LINE shows and sends them as given)."""
    return {"type": "datetimepicker", "label": label(label_text), "data": str(data), "mode": "datetime",
            "initial": initial.strftime(PICKER_FORMAT), "min": earliest.strftime(PICKER_FORMAT),
            "max": latest.strftime(PICKER_FORMAT)}


def quick_reply(actions: list[dict]) -> dict:
    if len(actions) > MAX_QUICK_REPLY:
        raise ValueError(f"{len(actions)} quick-reply items; LINE allows {MAX_QUICK_REPLY}")
    return {"items": [{"type": "action", "action": action} for action in actions]}


def text(body: str, *, quick: list[dict] | None = None) -> dict:
    """A text message, cut to LINE's limit, with optional quick-reply actions."""
    message = {"type": "text", "text": truncate_utf16(body, MAX_TEXT)}
    if quick:
        message["quickReply"] = quick_reply(quick)
    return message


def uri_action(label_text: str, uri: str) -> dict:
    """A button that opens `uri` in the LINE app's browser."""
    return {"type": "uri", "label": label(label_text), "uri": uri}


MAX_BUTTONS_TEXT = 160  # a buttons template without a title or an image


def buttons(body: str, actions: list[dict], *, alt_text: str) -> dict:
    """A buttons template: `body` (LINE's 160 characters) above up to four buttons."""
    if not 1 <= len(actions) <= 4:
        raise ValueError(f"{len(actions)} buttons; a buttons template takes 1 to 4")
    return {"type": "template", "altText": truncate_utf16(alt_text, 400),
            "template": {"type": "buttons", "text": truncate_utf16(body, MAX_BUTTONS_TEXT), "actions": actions}}
