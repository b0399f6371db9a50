"""line-bot-sdk loaded by bot.line.sdk: only what is used is imported, and the SDK still works whole;
the webhook signature checked as the SDK checks it."""

import base64
import hashlib
import hmac
import json
import subprocess
import sys

from bot.line.signature import SignatureValidator


def run(code: str) -> dict:
    """`code` in a fresh interpreter (this one has imported the SDK already); it prints a JSON object."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_gateway_imports_neither_the_older_api_nor_the_webhook_models_nor_every_message_model():
    loaded = run("""
import json, sys
import bot.line.gateway
names = list(sys.modules)
print(json.dumps({"older": [n for n in names if n in ("linebot.api", "linebot.models", "requests")],
                  "webhooks": [n for n in names if n.startswith("linebot.v3.webhook")],
                  "blocking": [n for n in names if n == "linebot.v3.messaging.api.messaging_api"],
                  "models": len([n for n in names if n.startswith("linebot.v3.messaging.models.")])}))
""")
    assert loaded["older"] == [] and loaded["webhooks"] == [] and loaded["blocking"] == []
    assert loaded["models"] == 0  # until a rich menu asks for the SDK: messages do without it


def test_the_gateway_posts_where_the_sdk_would():
    from bot.line.gateway import LINE_API

    api = run("""
import asyncio, json
from bot.line.sdk import AsyncApiClient, AsyncMessagingApi, Configuration
async def main():
    client = AsyncApiClient(Configuration(access_token="t"))
    try:
        return AsyncMessagingApi(client).line_base_path
    finally:
        await client.close()
print(json.dumps({"base": asyncio.run(main())}))
""")
    assert api["base"] == LINE_API


def test_messages_are_built_from_models_looked_up_by_name_and_the_rest_of_the_sdk_still_imports():
    built = run("""
import json
from bot.line.sdk import ReplyMessageRequest
request = ReplyMessageRequest.from_dict({"replyToken": "r", "messages": [
    {"type": "text", "text": "こんにちは", "quickReply": {"items": [{"type": "action", "action": {
        "type": "postback", "label": "はい", "data": "ack:1", "displayText": "はい"}}]}},
    {"type": "flex", "altText": "お知らせ", "contents": {"type": "bubble", "body": {
        "type": "box", "layout": "vertical", "contents": [{"type": "text", "text": "本文"}]}}},
    {"type": "image", "originalContentUrl": "https://example.com/a.png", "previewImageUrl": "https://example.com/b.png"},
]})
kinds = [type(m).__name__ for m in request.messages]
flex = request.messages[1].contents.body.contents[0]
from linebot.v3.messaging import TextMessage, MessagingApi  # the package as a whole, on demand
from linebot.v3.webhook import WebhookParser
from linebot import LineBotApi
print(json.dumps({"kinds": kinds, "flex": type(flex).__name__, "dict": request.to_dict()["messages"][0]["text"],
                  "same": TextMessage is type(request.messages[0]), "others": [MessagingApi.__name__,
                  WebhookParser.__name__, LineBotApi.__name__]}))
""")
    assert built["kinds"] == ["TextMessage", "FlexMessage", "ImageMessage"]
    assert built["flex"] == "FlexText" and built["dict"] == "こんにちは" and built["same"]
    assert built["others"] == ["MessagingApi", "WebhookParser", "LineBotApi"]


def test_an_api_method_still_validates_its_arguments_on_its_first_call():
    refused = run("""
import asyncio, json
from bot.line.sdk import AsyncApiClient, AsyncMessagingApi, Configuration

async def main():
    client = AsyncApiClient(Configuration(access_token="t"))
    try:
        AsyncMessagingApi(client).reply_message_with_http_info(reply_message_request=12)
        return False
    except Exception as exc:
        return type(exc).__name__
    finally:
        await client.close()

print(json.dumps({"refused": asyncio.run(main())}))
""")
    assert refused["refused"] == "ValidationError"


def test_the_signature_is_the_bodys_hmac_as_the_sdk_checks_it():
    from linebot.v3.webhook import SignatureValidator as SdkValidator

    secret, body = "0123456789abcdef0123456789abcdef", '{"events":[{"type":"message","text":"避難所"}]}'
    signature = base64.b64encode(hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()).decode()
    ours, theirs = SignatureValidator(secret), SdkValidator(secret)
    for candidate in (signature, signature[:-2] + "AA", "", "not base64", signature.lower()):
        assert ours.validate(body, candidate) == theirs.validate(body, candidate)
    assert ours.validate(body, signature)
    assert not ours.validate(body + " ", signature)
    assert not SignatureValidator("another secret").validate(body, signature)
