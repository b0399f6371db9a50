"""The fake LINE platform itself, exercised over real HTTP."""

import asyncio
import json
import re
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from linebot.v3.webhook import SignatureValidator

from bot.clock import ManualClock
from bot.fakeline import events
from bot.fakeline.schema import MessagingSchema, WebhookSchema, find_spec_dir
from bot.fakeline.server import FakeLine

TOKEN = "fake-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
needs_spec = pytest.mark.skipif(
    find_spec_dir() is None,
    reason="LINE OpenAPI specs not found: set LINE_OPENAPI_DIR to the folder holding messaging-api.yml")


@pytest.fixture(scope="module")
def server():
    with FakeLine(access_token=TOKEN) as line:
        yield line


@pytest.fixture
def line(server):
    server.reset()
    yield server
    server.reset()


@pytest.fixture
def http(line):
    with httpx.Client(base_url=line.url, headers=AUTH, timeout=5) as client:
        yield client


def text(value="hello", **extra):
    return {"type": "text", "text": value, **extra}


def test_valid_push_is_accepted_and_recorded(line, http):
    user = events.new_user_id()
    response = http.post("/v2/bot/message/push", json={"to": user, "messages": [text("hi"), text("there")]})
    assert response.status_code == 200
    assert response.headers["x-line-request-id"]
    sent = response.json()["sentMessages"]
    assert len(sent) == 2 and all(m["id"] and m["quoteToken"] for m in sent)
    [record] = line.sent("/v2/bot/message/push")
    assert record.json["to"] == user and record.headers["authorization"] == f"Bearer {TOKEN}"
    assert line.messages_to(user) == [text("hi"), text("there")]
    assert line.texts() == [((user,), "hi"), ((user,), "there")]
    line.assert_no_schema_errors()


def test_multicast_answers_an_empty_object(line, http):
    users = [events.new_user_id() for _ in range(3)]
    response = http.post("/v2/bot/message/multicast", json={"to": users, "messages": [text()]})
    assert (response.status_code, response.json()) == (200, {})
    assert all(line.messages_to(u) == [text()] for u in users)


QUICK_REPLY = {"items": [{"type": "action", "action": {"type": "message", "label": "a", "text": "a"}}] * 14}


@needs_spec
@pytest.mark.parametrize("path, body, expected", [
    ("/v2/bot/message/push", {"messages": [{"type": "text"}]}, "messages[0].text: is required"),
    ("/v2/bot/message/push", {"messages": [text(quickReply=QUICK_REPLY)]},
     "messages[0].quickReply.items: must have at most 13 items (got 14)"),
    ("/v2/bot/message/push", {"messages": [text("x" * 5001)]},
     "messages[0].text: must be at most 5000 characters (got 5001)"),
    ("/v2/bot/message/push", {"messages": [text()] * 6}, "messages: must have at most 5 items (got 6)"),
    ("/v2/bot/message/push", {"messages": [{"type": "txet", "text": "x"}]}, "messages[0].type: unknown type"),
    ("/v2/bot/message/multicast", {"to": ["U" + "0" * 32] * 501, "messages": [text()]},
     "to: must have at most 500 items (got 501)"),
])
def test_invalid_requests_are_rejected_and_recorded(line, http, path, body, expected):
    body.setdefault("to", events.new_user_id())
    response = http.post(path, json=body)
    assert response.status_code == 400
    payload = response.json()
    assert re.fullmatch(r"The request body has \d+ error\(s\)", payload["message"])
    assert payload["details"]
    assert any(e.startswith(expected) for e in line.schema_errors()), line.schema_errors()
    assert line.sent() == []
    with pytest.raises(AssertionError, match="would reject"):
        line.assert_no_schema_errors()


@needs_spec
def test_retry_key_must_be_a_uuid(line, http):
    headers = {"X-Line-Retry-Key": "not-a-uuid"}
    response = http.post("/v2/bot/message/push", json={"to": events.new_user_id(), "messages": [text()]},
                         headers=headers)
    assert response.status_code == 400
    assert line.schema_errors() == ["X-Line-Retry-Key: does not match format 'uuid'"]


def test_ids_that_cannot_exist_are_rejected(line, http):
    response = http.post("/v2/bot/message/push", json={"to": "Ualice", "messages": [text()]})
    assert response.status_code == 400
    assert line.schema_errors() == ["to: is not a valid user, group or room id"]


@pytest.mark.parametrize("picker, error", [
    ({"initial": "2026-12-01T10:00", "min": "2026-12-02T00:00", "max": "2026-12-31T00:00"}, "must be between"),
    ({"min": "2026-12-02T00:00", "max": "2026-12-01T00:00"}, "max must be after min"),
    ({"initial": "2026/12/01 10:00"}, "is not a datetime value"),
    ({"initial": "2026-12-01T10:00", "min": "2026-12-01T10:00", "max": "2026-12-01T11:00"}, None),
])
def test_date_time_pickers_out_of_order_are_rejected(line, http, picker, error):
    action = {"type": "datetimepicker", "label": "日時", "data": "x", "mode": "datetime", **picker}
    message = text(quickReply={"items": [{"type": "action", "action": action}]})
    response = http.post("/v2/bot/message/push", json={"to": events.new_user_id(), "messages": [message]})
    if error is None:
        assert response.status_code == 200 and line.schema_errors() == []
    else:
        assert response.status_code == 400 and any(error in e for e in line.schema_errors())


def test_retry_key_replay_is_a_conflict(line, http):
    headers = {"X-Line-Retry-Key": str(uuid.uuid4())}
    body = {"to": events.new_user_id(), "messages": [text()]}
    first = http.post("/v2/bot/message/push", json=body, headers=headers)
    again = http.post("/v2/bot/message/push", json=body, headers=headers)
    assert first.status_code == 200 and again.status_code == 409
    assert again.json() == {"message": "The retry key is already accepted",
                            "sentMessages": first.json()["sentMessages"]}
    assert again.headers["x-line-accepted-request-id"] == first.headers["x-line-request-id"]
    assert len(line.sent()) == 1


def test_a_reply_token_works_once(line, http):
    event = events.text_message(events.new_user_id(), "hi")
    line.register_events([event])
    body = {"replyToken": event["replyToken"], "messages": [text("welcome")]}
    assert http.post("/v2/bot/message/reply", json=body).status_code == 200
    second = http.post("/v2/bot/message/reply", json=body)
    assert (second.status_code, second.json()) == (400, {"message": "Invalid reply token"})
    assert line.messages_to(event["source"]["userId"]) == [text("welcome")]
    assert len(line.replies()) == 1


def test_an_expired_reply_token_is_refused(line, http):
    line.expire_reply_token("a" * 32)
    response = http.post("/v2/bot/message/reply", json={"replyToken": "a" * 32, "messages": [text()]})
    assert response.status_code == 400


def test_fail_next_answers_instead_of_processing(line, http):
    line.fail_next("/v2/bot/message/push", 500, times=2)
    line.fail_next("/v2/bot/message/push", 429, headers={"Retry-After": "3"})
    headers = {"X-Line-Retry-Key": str(uuid.uuid4())}
    body = {"to": events.new_user_id(), "messages": [text()]}
    statuses = [http.post("/v2/bot/message/push", json=body, headers=headers) for _ in range(4)]
    assert [r.status_code for r in statuses] == [500, 500, 429, 200]
    assert statuses[2].headers["retry-after"] == "3"
    assert len(line.sent()) == 1 and len(line.requests) == 4


def test_fail_randomly_is_reproducible(line, http):
    def run():
        line.reset()
        line.fail_randomly(0.5, seed=7)
        return [http.get("/v2/bot/message/quota").status_code for _ in range(40)]

    first = run()
    assert first == run()
    assert set(first) == {200, 500, 429}


def test_wrong_or_missing_token_is_unauthorized(line, http):
    body = {"to": events.new_user_id(), "messages": [text()]}
    wrong = http.post("/v2/bot/message/push", json=body, headers={"Authorization": "Bearer nope"})
    with httpx.Client(base_url=line.url) as anonymous:
        missing = anonymous.post("/v2/bot/message/push", json=body)
    assert wrong.status_code == missing.status_code == 401
    assert missing.headers["x-line-request-id"]
    assert line.sent() == []


def test_profiles_and_group_summaries(line, http):
    user, group = events.new_user_id(), events.new_group_id()
    assert http.get(f"/v2/bot/profile/{user}").json() == {"message": "Not found"}
    line.set_profile(user, "Aiko", picture_url="https://example.com/a.png")
    line.set_group(group, "Shokudo volunteers")
    assert http.get(f"/v2/bot/profile/{user}").json() == {
        "userId": user, "displayName": "Aiko", "pictureUrl": "https://example.com/a.png"}
    assert http.get(f"/v2/bot/group/{group}/summary").json() == {"groupId": group, "groupName": "Shokudo volunteers"}
    assert http.get(f"/v2/bot/profile/{events.new_user_id()}").status_code == 404


def test_quota_consumption_counts_messages_times_recipients(line, http):
    users = [events.new_user_id() for _ in range(3)]
    http.post("/v2/bot/message/multicast", json={"to": users, "messages": [text(), text()]})
    http.post("/v2/bot/message/push", json={"to": users[0], "messages": [text()]})
    http.post("/v2/bot/message/reply", json={"replyToken": "b" * 32, "messages": [text()]})  # free
    assert http.get("/v2/bot/message/quota/consumption").json() == {"totalUsage": 7}
    assert http.get("/v2/bot/message/quota").json() == {"type": "none"}
    line.set_quota(8)
    assert http.get("/v2/bot/message/quota").json() == {"type": "limited", "value": 8}
    over = http.post("/v2/bot/message/push", json={"to": users[0], "messages": [text(), text()]})
    assert over.status_code == 429


async def test_latency_does_not_serialize_requests(line):
    line.latency = 0.3
    async with httpx.AsyncClient(base_url=line.url, headers=AUTH) as client:
        started = time.monotonic()
        responses = await asyncio.gather(*(client.get("/v2/bot/message/quota") for _ in range(20)))
    assert all(r.status_code == 200 for r in responses)
    assert 0.3 <= time.monotonic() - started < 3.0  # one after another would take 6 s


async def test_hang_next_times_out_the_client_and_then_processes(line):
    line.clock = clock = ManualClock(datetime(2026, 11, 24, 1, 0, tzinfo=UTC))
    line.hang_next("/v2/bot/message/push", 0.5)
    body = {"to": events.new_user_id(), "messages": [text()]}
    async with httpx.AsyncClient(base_url=line.url, headers=AUTH, timeout=0.1) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.post("/v2/bot/message/push", json=body)
    assert line.sent() == []  # held until the clock has moved half a second
    clock.advance(timedelta(seconds=0.5))
    await line.wait_for_async(lambda: line.sent(), timeout=3)


def test_without_the_spec_the_fake_still_serves():
    with FakeLine(access_token=TOKEN, check_schema=False) as line, \
            httpx.Client(base_url=line.url, headers=AUTH) as http:
        assert not line.schema_checked
        ok = http.post("/v2/bot/message/push", json={"to": events.new_user_id(), "messages": [text()]})
        bad = http.post("/v2/bot/message/push", json={"to": events.new_user_id()})
        assert (ok.status_code, bad.status_code) == (200, 400)


@needs_spec
def test_webhook_builders_are_valid_and_signed():
    user, group = events.new_user_id(), events.new_group_id()
    built = [
        events.text_message(user, "こんにちは"),
        events.text_message(user, "hi all", group_id=group, redelivery=True, timestamp_ms=1_700_000_000_000),
        events.postback(user, "action=rsvp&id=3", params={"datetime": "2026-11-24T10:00"}),
        events.follow(user, unblocked=True),
        events.unfollow(user),
        events.join(group),
        events.leave(group),
        events.member_joined(group, [user, events.new_user_id()]),
    ]
    body = events.body(built)
    assert "こんにちは".encode() in body and b", " not in body
    assert WebhookSchema().validate_body(json.loads(body)) == []
    assert SignatureValidator("secret").validate(body.decode(), events.sign(body, "secret"))
    assert not SignatureValidator("other").validate(body.decode(), events.sign(body, "secret"))
    ids = [e["webhookEventId"] for e in built]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{26}", i) for i in ids)
    assert re.fullmatch(r"U[0-9a-f]{32}", user) and re.fullmatch(r"C[0-9a-f]{32}", group)
    assert re.fullmatch(r"[0-9a-f]{32}", built[0]["replyToken"])
    assert "replyToken" not in built[4] and built[1]["deliveryContext"] == {"isRedelivery": True}


@needs_spec
def test_webhook_schema_checks_event_subtypes():
    event = events.text_message(events.new_user_id(), "hi")
    del event["message"]["text"]
    strange = {**events.unfollow(events.new_user_id()), "type": "teleport"}
    errors = WebhookSchema().validate_body(json.loads(events.body([event, strange])))
    assert "events[0].message.text: is required" in errors
    assert any(e.startswith("events[1].type: unknown type 'teleport'") for e in errors)


@needs_spec
def test_messaging_schema_checks_the_concrete_message_type():
    schema = MessagingSchema()
    ok = {"to": events.new_user_id(), "messages": [text(), {"type": "sticker", "packageId": "1", "stickerId": "2"}]}
    assert schema.validate_request("POST", "/v2/bot/message/push", AUTH, ok) == []
    bad = {"to": "x", "messages": [{"type": "sticker", "packageId": "1"}]}
    assert schema.validate_request("POST", "/v2/bot/message/push", {}, bad) == [
        "Authorization: must be 'Bearer <channel access token>'", "messages[0].stickerId: is required"]
    assert schema.validate_request("GET", "/v2/bot/profile/U1", AUTH, None) == []


def test_show_text_prints_cards_and_what_each_button_sends():
    from bot.fakeline.__main__ import texts
    from bot.fakeline.server import RecordedRequest

    card = {"type": "flex", "altText": "alt", "contents": {"type": "bubble", "body": {
        "type": "box", "layout": "vertical", "contents": [{"type": "text", "text": "【安否確認】"}]},
        "footer": {"type": "box", "layout": "vertical", "contents": [
            {"type": "button", "action": {"type": "postback", "label": "無事", "data": "chk:ans:1:safe"}}]}}}
    quick = text("いつ？", quickReply={"items": [
        {"type": "action", "action": {"type": "message", "label": "キャンセル", "text": "キャンセル"}},
        {"type": "action", "action": {"type": "datetimepicker", "label": "日時", "data": "mtgc:dl:pick",
                                      "mode": "datetime"}}]})
    record = RecordedRequest("POST", "/v2/bot/message/push", {}, b"", {"to": "U", "messages": [card, quick]},
                             200, [], 0.0, "id")
    assert texts(record).splitlines()[1:] == [
        "    「【安否確認】」",
        "      [無事 → postback:chk:ans:1:safe]",
        "    「いつ？」",
        "      [キャンセル → text:キャンセル] [日時 → picker:mtgc:dl:pick]",
    ]
