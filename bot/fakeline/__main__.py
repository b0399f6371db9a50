"""Run the fake LINE platform in the foreground: python -m bot.fakeline --port 8081 --token TOKEN."""

import argparse
import time

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


def main() -> None:
    parser = argparse.ArgumentParser(description="A fake LINE Messaging API for local development.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="test-access-token", help="the channel access token to accept")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds to wait before each answer")
    args = parser.parse_args()
    line = FakeLine(args.token, host=args.host, port=args.port, on_record=lambda r: print(summary(r), flush=True))
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
