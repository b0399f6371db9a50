"""Baselines for bench/webhook.py, served by uvicorn exactly as `renkei serve` serves Renkei.

`fastapi`: the shape of line-bot-sdk v3's FastAPI example: verify the signature and parse
the events with `WebhookParser`, 400 on a bad signature, return "OK" (nothing stored, no reply).
`bare`: a raw ASGI app that reads the body and answers 200, as a ceiling for uvicorn itself.

    LINE_CHANNEL_SECRET=... python bench/baseline_app.py --app fastapi --port 8001
"""

import argparse
import os

import uvicorn
from fastapi import FastAPI, HTTPException, Request
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.webhook import WebhookParser

app = FastAPI()
parser = WebhookParser(os.environ.get("LINE_CHANNEL_SECRET", "unset"))


@app.post("/callback")
async def handle_callback(request: Request):
    signature = request.headers["X-Line-Signature"]
    body = (await request.body()).decode()
    try:
        parser.parse(body, signature)
    except InvalidSignatureError:
        raise HTTPException(status_code=400, detail="Invalid signature. Please check your channel access token/channel secret.")
    return "OK"


async def bare(scope, receive, send):
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    more = True
    while more:
        more = (await receive()).get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"OK"})


if __name__ == "__main__":
    args = argparse.ArgumentParser()
    args.add_argument("--app", choices=["fastapi", "bare"], default="fastapi")
    args.add_argument("--host", default="127.0.0.1")
    args.add_argument("--port", type=int, default=8001)
    opts = args.parse_args()
    # The same call as bot/cli.py's `serve`: one process, uvicorn's default (auto) loop and http.
    uvicorn.run(app if opts.app == "fastapi" else bare, host=opts.host, port=opts.port, log_level="info",
                access_log=False)
