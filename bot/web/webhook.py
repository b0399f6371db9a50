"""The webhook endpoint: verify, store, acknowledge. Handling happens after the 200, elsewhere.

POST /callback is served by a bare ASGI layer in front of the framework: it is the one path
whose throughput matters, and it needs nothing from FastAPI but to be reached first.
"""

import asyncio
import json
import logging

from fastapi import APIRouter

from bot.web.deps import RuntimeDep

log = logging.getLogger(__name__)

router = APIRouter()

CALLBACK_PATH = "/callback"
# LINE's webhook bodies are a few kilobytes; anything far larger is not from LINE.
MAX_BODY = 1024 * 1024
_JSON = [(b"content-type", b"application/json")]
# Longer than this to store a request's events means the database is away or overloaded: LINE is
# answered 503 at once (and redelivers) rather than kept waiting on an open connection.
STORE_TIMEOUT_SECONDS = 5.0


async def receive_events(runtime, body: bytes, signature: str | None) -> tuple[int, bytes]:
    """Verify and store one webhook request; returns the status and body to answer with."""
    if not signature:
        return 400, b'{"detail":"missing X-Line-Signature"}'
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return 400, b'{"detail":"body is not UTF-8"}'
    if not runtime.signature.validate(text, signature):
        return 400, b'{"detail":"invalid signature"}'
    try:
        events = json.loads(text)["events"]
        if not isinstance(events, list):
            raise TypeError
        rows = runtime.ingest.rows(events)
    except (ValueError, KeyError, TypeError, RecursionError):
        log.warning("signed webhook body could not be read; nothing stored")
        return 400, b'{"detail":"malformed body"}'
    try:
        async with asyncio.timeout(STORE_TIMEOUT_SECONDS):  # (no task of its own per request, as wait_for makes)
            await runtime.ingest.store(rows)
    except TimeoutError:
        log.warning("storing webhook events took over %.0fs; answered 503, LINE will redeliver", STORE_TIMEOUT_SECONDS)
        return 503, b'{"detail":"not stored, try again"}'
    except Exception:
        log.warning("webhook events could not be stored; answered 503, LINE will redeliver", exc_info=True)
        return 503, b'{"detail":"not stored, try again"}'
    return 200, b"{}"


class WebhookEndpoint:
    """ASGI middleware answering POST /callback itself and passing everything else on."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["path"] != CALLBACK_PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        signature = None
        for name, value in scope["headers"]:
            if name == b"x-line-signature":
                signature = value.decode("latin-1")
                break
        if not signature:  # refused before the body is read
            await _answer(send, 400, b'{"detail":"missing X-Line-Signature"}')
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > MAX_BODY:
                await _answer(send, 413, b'{"detail":"body too large"}')
                return
            more = message.get("more_body", False)
        status, answer = await receive_events(scope["app"].state.runtime, b"".join(chunks), signature)
        await _answer(send, status, answer)


async def _answer(send, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": _JSON})
    await send({"type": "http.response.body", "body": body})


@router.get("/healthz")
async def healthz(runtime: RuntimeDep) -> dict:
    """Liveness, and whether the database answers."""
    await runtime.ping_database()
    return {"status": "ok"}
