"""Driving the real app the way LINE does: signed webhook bodies in, requests to the fake platform out."""

import json

import httpx
from sqlalchemy import select

from bot.web.app import create_app
from bot.clock import ManualClock
from bot.fakeline import events as ev
from bot.fakeline.schema import WebhookSchema, find_spec_dir
from bot.fakeline.server import FakeLine
from bot.settings import Settings

CHANNEL_SECRET = "test-channel-secret"
ACCESS_TOKEN = "test-access-token"
# Without ../shared/line-openapi the bodies are not checked (the fake says so: schema_checked).
WEBHOOK_SCHEMA = WebhookSchema() if find_spec_dir() else None


class BotHarness:
    def __init__(self, *, database_url: str, line: FakeLine, clock: ManualClock, handle_events: bool = True,
                 rich_menus: bool = False) -> None:
        # Rich menus are off unless a test is about them: their set-up would add requests to every test.
        self.settings = Settings(_env_file=None, line_channel_secret=CHANNEL_SECRET,
                                 line_channel_access_token=ACCESS_TOKEN, line_api_base_url=line.url,
                                 database_url=database_url, line_rich_menus=rich_menus)
        self.line = line
        self.clock = clock
        self.app = create_app(self.settings, clock=clock, handle_events=handle_events, sweep_seconds=0)
        self.reply_targets: dict[str, str] = {}

    async def __aenter__(self) -> "BotHarness":
        self._lifespan = self.app.router.lifespan_context(self.app)
        await self._lifespan.__aenter__()
        self.runtime = self.app.state.runtime
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://renkei.test")
        return self

    async def __aexit__(self, *exc) -> None:
        await self.client.aclose()
        await self._lifespan.__aexit__(*exc)

    # Sending webhooks

    def _remember(self, events: list[dict]) -> None:
        for event in events:
            token = event.get("replyToken")
            source = event.get("source") or {}
            if token:
                self.reply_targets[token] = source.get("groupId") or source.get("roomId") or source.get("userId")

    async def post(self, body: bytes, signature: str | None) -> httpx.Response:
        headers = {"content-type": "application/json"}
        if signature is not None:
            headers["x-line-signature"] = signature
        return await self.client.post("/callback", content=body, headers=headers)

    async def deliver(self, *events: dict, check_schema: bool = True) -> httpx.Response:
        """POST the events as one signed webhook request; return the response without waiting."""
        self._remember(list(events))
        body = ev.body(list(events))
        if check_schema and WEBHOOK_SCHEMA is not None:
            errors = WEBHOOK_SCHEMA.validate_body(json.loads(body))
            assert not errors, f"the test built a webhook body LINE would not send: {errors}"
        return await self.post(body, ev.sign(body, CHANNEL_SECRET))

    async def send_encoded(self, events: list[dict], body: bytes) -> httpx.Response:
        """POST `body`, the test's own encoding of `events`, signed; wait until they are handled."""
        self._remember(events)
        response = await self.post(body, ev.sign(body, CHANNEL_SECRET))
        await self.drain()
        return response

    async def send(self, *events: dict, check_schema: bool = True) -> httpx.Response:
        """POST the events and wait until they are handled and the replies sent."""
        response = await self.deliver(*events, check_schema=check_schema)
        assert response.status_code == 200, response.text
        await self.drain()
        return response

    async def say(self, user_id: str, text: str) -> httpx.Response:
        return await self.send(ev.text_message(user_id, text, timestamp_ms=self.now_ms()))

    async def tap(self, user_id: str, data: str) -> httpx.Response:
        return await self.send(ev.postback(user_id, data, timestamp_ms=self.now_ms()))

    async def follow(self, user_id: str, *, unblocked: bool = False) -> httpx.Response:
        return await self.send(ev.follow(user_id, unblocked=unblocked, timestamp_ms=self.now_ms()))

    def now_ms(self) -> int:
        return int(self.clock.now().timestamp() * 1000)

    async def drain(self) -> None:
        await self.runtime.drain()

    # What reached LINE

    def accepted(self) -> list:
        return [r for r in self.line.requests if r.method == "POST" and 200 <= r.status < 300]

    def messages_to(self, target: str) -> list[dict]:
        """Every message LINE accepted for this user or chat, in order."""
        out = []
        for request in self.accepted():
            body = request.json or {}
            if request.path.endswith("/reply"):
                recipients = [self.reply_targets.get(body.get("replyToken"))]
            elif request.path.endswith("/push"):
                recipients = [body.get("to")]
            elif request.path.endswith("/multicast"):
                recipients = body.get("to") or []
            else:
                continue
            if target in recipients:
                out.extend(body.get("messages") or [])
        return out

    def texts_to(self, target: str) -> list[str]:
        return [message["text"] for message in self.messages_to(target) if message.get("type") == "text"]

    def last_text(self, target: str) -> str:
        texts = self.texts_to(target)
        assert texts, f"nothing was sent to {target}"
        return texts[-1]

    def quick_labels(self, target: str) -> list[str]:
        """Labels of the quick-reply buttons on the last message to `target`."""
        last = self.messages_to(target)[-1]
        return [item["action"]["label"] for item in (last.get("quickReply") or {}).get("items", [])]

    def quick_action(self, target: str, label: str) -> dict:
        last = self.messages_to(target)[-1]
        for item in (last.get("quickReply") or {}).get("items", []):
            if item["action"]["label"] == label:
                return item["action"]
        raise AssertionError(f"no quick reply {label!r} in {self.quick_labels(target)}")

    async def press(self, user_id: str, label: str) -> httpx.Response:
        """Tap a quick-reply button of the last message, as the LINE app would."""
        action = self.quick_action(user_id, label)
        if action["type"] == "postback":
            return await self.tap(user_id, action["data"])
        return await self.say(user_id, action["text"])

    # The database

    async def scalars(self, statement) -> list:
        async with self.runtime.sessions() as session:
            return list(await session.scalars(statement))

    async def one(self, model, *where):
        rows = await self.scalars(select(model).where(*where))
        assert len(rows) == 1, f"expected one {model.__name__}, found {len(rows)}"
        return rows[0]
