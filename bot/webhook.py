"""The webhook endpoint: verify, store, acknowledge. Handling happens after the 200."""

import json
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

log = logging.getLogger(__name__)

router = APIRouter()

_OK = Response(content=b"{}", media_type="application/json")


def _bad(reason: str) -> JSONResponse:
    return JSONResponse({"detail": reason}, status_code=400)


@router.post("/callback")
async def callback(request: Request) -> Response:
    """Receive LINE webhook events; 200 only once they are stored."""
    runtime = request.app.state.runtime
    signature = request.headers.get("x-line-signature")
    body = await request.body()
    if not signature:
        return _bad("missing X-Line-Signature")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return _bad("body is not UTF-8")
    if not runtime.signature.validate(text, signature):
        return _bad("invalid signature")
    try:
        payload = json.loads(text)
        events = payload["events"]
        if not isinstance(events, list):
            raise TypeError
        await runtime.ingest.store(events)
    except (ValueError, KeyError, TypeError):
        log.warning("signed webhook body could not be read; nothing stored")
        return _bad("malformed body")
    return _OK


@router.get("/healthz")
async def healthz(request: Request) -> dict:
    """Liveness, and whether the database answers."""
    await request.app.state.runtime.ping_database()
    return {"status": "ok"}
