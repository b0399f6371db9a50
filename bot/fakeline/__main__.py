"""Run the fake LINE platform in the foreground: python -m bot.fakeline --port 8081 --token TOKEN.

`python -m bot.fakeline send ...` plays the LINE app instead: it posts one signed webhook
event (follow, text or postback) from a user to a running Renkei.
"""

import argparse
import sys
import time
import urllib.error
import urllib.request

from bot.fakeline import events

from bot.fakeline.server import MESSAGE_PATHS, FakeLine, RecordedRequest


def summary(r: RecordedRequest) -> str:
    """One line per request; message bodies may be personal data, so only types and lengths."""
    line = f"{time.strftime('%H:%M:%S')} {r.method} {r.path} -> {r.status}"
    if r.path in MESSAGE_PATHS and isinstance(r.json, dict):
        kinds = [f"{m.get('type')}({len(m.get('text', ''))})" if "text" in m else str(m.get("type"))
                 for m in r.json.get("messages", []) if isinstance(m, dict)]
        line += f" recipients={len(r.recipients)} messages=[{', '.join(kinds)}]"
    if r.schema_errors:
        line += f" errors={len(r.schema_errors)}: " + "; ".join(e[:120] for e in r.schema_errors[:3])
    return line


def texts(r: RecordedRequest) -> str:
    """What a user would see: each message's text (a card's texts too), then its buttons.

    A button shows its label and what tapping it sends: `text:` to send with --text, or
    `postback:` data to send with --postback (`picker:` data takes --datetime, or --date for a date picker, as well).
    """
    messages = r.json.get("messages", []) if r.path in MESSAGE_PATHS and isinstance(r.json, dict) else []
    out = []
    for message in messages:
        if not isinstance(message, dict):
            continue
        shown = [message["text"]] if "text" in message else [t["text"] for t in _walk(message) if t.get("type") == "text"]
        out += [f"\n    「{text}」" for text in shown]
        buttons = [_button(a) for a in _walk(message) if isinstance(a.get("label"), str) and "type" in a
                   and a.get("type") in ("postback", "message", "datetimepicker", "uri")]
        if buttons:
            out.append("\n      [" + "] [".join(buttons) + "]")
    return "".join(out)


def _walk(node):
    """Every dict inside a message (flex contents, quick-reply items, actions)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _button(action: dict) -> str:
    kind = action.get("type")
    what = {"postback": f"postback:{action.get('data')}", "message": f"text:{action.get('text')}",
            "datetimepicker": f"picker:{action.get('data')}", "uri": f"uri:{action.get('uri')}"}[kind]
    return f"{action['label']} → {what}"


def send(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.fakeline send",
                                     description="Post one signed webhook event to a running Renkei.")
    parser.add_argument("--url", default="http://127.0.0.1:8000/callback", help="Renkei's webhook URL")
    parser.add_argument("--secret", required=True, help="the LINE_CHANNEL_SECRET Renkei runs with")
    parser.add_argument("--user", default="U" + "0" * 31 + "1", help="the sending user's id (U + 32 hex)")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--follow", action="store_true", help="the user adds the bot as a friend")
    what.add_argument("--text", help="the user sends this text")
    what.add_argument("--postback", help="the user taps a button with this postback data")
    parser.add_argument("--datetime", help="with --postback: what the user picked in a date-time picker, "
                                           "e.g. 2026-12-01T18:00")
    parser.add_argument("--date", help="with --postback: what the user picked in a date picker, e.g. 2027-03-31")
    args = parser.parse_args(argv)
    if args.follow:
        event = events.follow(args.user)
    elif args.text is not None:
        event = events.text_message(args.user, args.text)
    else:
        params = {"datetime": args.datetime} if args.datetime else {"date": args.date} if args.date else None
        event = events.postback(args.user, args.postback, params=params)
    body = events.body([event])
    request = urllib.request.Request(args.url, data=body, method="POST", headers={
        "Content-Type": "application/json", "X-Line-Signature": events.sign(body, args.secret)})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            print(f"{response.status} {response.read().decode()}")
    except urllib.error.HTTPError as exc:
        print(f"{exc.code} {exc.read().decode()}")
        raise SystemExit(1) from None


def main() -> None:
    if sys.argv[1:2] == ["send"]:
        send(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description="A fake LINE Messaging API for local development.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="test-access-token", help="the channel access token to accept")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds to wait before each answer")
    parser.add_argument("--show-text", action="store_true",
                        help="also print the texts the bot sends (for trials with made-up users only)")
    args = parser.parse_args()
    line = FakeLine(args.token, host=args.host, port=args.port,
                    on_record=lambda r: print(summary(r) + (texts(r) if args.show_text else ""), flush=True))
    line.latency = args.latency
    with line:
        checked = "on" if line.schema_checked else "off (spec folder not found; set LINE_OPENAPI_DIR)"
        print(f"fake LINE API at {line.url} (schema checks {checked}); Ctrl+C to stop", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
