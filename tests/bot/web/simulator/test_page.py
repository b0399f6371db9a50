"""The simulator's server side: absent outside local mode, and its drawing of Flex messages."""

from datetime import UTC, datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from bot.fakeline import FakeLine, RecordedRequest
from bot.settings import Settings
from bot.web.simulator import routes
from bot.web.simulator.flex import FlexRenderer
from bot.web.simulator.state import Entry, Simulator

SIMULATOR_PATHS = ["/simulator", "/simulator/stream", "/simulator/invites", "/simulator/static/simulator.js",
                   "/simulator/static/htmx-2.0.4.min.js"]


async def test_the_simulator_does_not_exist_outside_local_mode(bot):
    assert not bot.settings.local_mode
    for path in SIMULATOR_PATHS:
        assert (await bot.client.get(path)).status_code == 404, path
    for path in ["/simulator/say", "/simulator/act", "/simulator/people", "/simulator/demo"]:
        assert (await bot.client.post(path)).status_code in (404, 405), path
    assert (await bot.client.get("/")).status_code == 404


class Tags(HTMLParser):
    """The elements of a fragment, as (tag, attributes), and whether every one was closed."""

    VOID = {"img", "input", "br"}

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found, self.open = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open.pop() == tag

    def with_class(self, name: str) -> list[dict]:
        return [a for _, a in self.found if name in (a.get("class") or "").split()]


def draw(message: dict) -> tuple[str, list[dict]]:
    actions = []

    def key(action: dict) -> str:
        actions.append(action)
        return f"k{len(actions)}"

    return FlexRenderer(key).message(message), actions


CAROUSEL = {"type": "flex", "altText": "alt", "contents": {"type": "carousel", "contents": [
    {"type": "bubble", "size": "kilo", "styles": {"footer": {"separator": True}},
     "header": {"type": "box", "layout": "vertical", "contents": [{"type": "text", "text": "見出し", "weight": "bold"}]},
     "hero": {"type": "image", "url": "https://example.org/a.png", "size": "full", "aspectRatio": "20:13",
              "aspectMode": "cover"},
     "body": {"type": "box", "layout": "vertical", "spacing": "md", "paddingAll": "lg", "contents": [
         {"type": "box", "layout": "baseline", "spacing": "sm", "contents": [
             {"type": "text", "text": "日時", "flex": 1, "size": "sm", "color": "#aaaaaa"},
             {"type": "text", "text": "12/3 14:00\n会議室", "flex": 4, "wrap": True, "size": "sm"}]},
         {"type": "separator", "margin": "lg"},
         {"type": "box", "layout": "horizontal", "contents": [
             {"type": "text", "text": "<script>", "align": "end"}, {"type": "filler"},
             {"type": "separator", "color": "#ff0000"}]}]},
     "footer": {"type": "box", "layout": "vertical", "contents": [
         {"type": "button", "style": "primary", "color": "#1F6F43", "height": "sm",
          "action": {"type": "postback", "label": "参加", "data": "x", "displayText": "参加します"}},
         {"type": "button", "style": "secondary", "action": {"type": "message", "label": "不参加", "text": "不参加"}},
         {"type": "button", "action": {"type": "uri", "label": "地図", "uri": "https://example.org/map"}},
         {"type": "button", "action": {"type": "datetimepicker", "label": "日時", "data": "d", "mode": "datetime",
                                        "initial": "2026-12-01T10:00", "min": "2026-12-01T00:00",
                                        "max": "2027-01-01T00:00"}}]}},
    {"type": "bubble", "body": {"type": "box", "layout": "vertical", "contents": [{"type": "text", "text": "2枚目"}]}},
]}}


def test_a_carousel_draws_every_block_box_and_component():
    html, actions = draw(CAROUSEL)
    tags = Tags(html)
    assert tags.open == []  # well formed
    assert len(tags.with_class("carousel")) == 1 and len(tags.with_class("flex-bubble")) == 2
    bubble = tags.with_class("flex-bubble")[0]
    assert "width:260px" in bubble["style"]  # kilo
    blocks = [a["data-block"] for _, a in tags.found if "data-block" in a]
    assert blocks == ["header", "hero", "body", "footer", "body"]
    assert [a["class"] for a in tags.with_class("box")][:4] == ["box vertical", "box vertical", "box baseline",
                                                               "box horizontal"]
    body = tags.with_class("box")[1]
    assert "padding-top:12px" in body["style"]  # paddingAll lg
    label, value = tags.with_class("text")[1:3]
    assert "flex:1 0 0" in label["style"] and "color:#aaaaaa" in label["style"] and "nowrap" in label["class"]
    assert "flex:4 0 0" in value["style"] and "wrap" in value["class"].split()
    assert "margin-left:4px" in value["style"]  # the baseline box's spacing sm, before its second child
    assert "12/3 14:00\n会議室" in html and "&lt;script&gt;" in html and "<script>" not in html
    separators = tags.with_class("separator")
    assert separators[0]["class"] == "separator horizontal" and "margin-top:12px" in separators[0]["style"]
    assert separators[1]["class"] == "separator vertical" and "#ff0000" in separators[1]["style"]
    primary, secondary, link, picker = tags.with_class("flex-button")
    assert "background-color:#1F6F43" in primary["style"] and "height:40px" in primary["style"]
    assert "background-color:#DCDFE5" in secondary["style"] and "height:52px" in secondary["style"]
    assert link["data-uri"] == "https://example.org/map" and "data-action" not in link
    assert picker["data-kind"] == "datetimepicker" and picker["data-min"] == "2026-12-01T00:00"
    assert [a["type"] for a in actions] == ["postback", "message", "datetimepicker"]
    hero = [a for t, a in tags.found if t == "img"][0]
    assert "aspect-ratio:20/13" in hero["style"] and "object-fit:cover" in hero["style"]


def test_text_images_and_quick_replies():
    html, _ = draw({"type": "text", "text": "一行目\n二行目 🎉 <b>"})
    assert html == '<div class="bubble text">一行目\n二行目 🎉 &lt;b&gt;</div>'
    html, _ = draw({"type": "image", "originalContentUrl": "http://127.0.0.1/l.png", "previewImageUrl": "http://127.0.0.1/s.png"})
    assert 'href="http://127.0.0.1/l.png"' in html and 'src="http://127.0.0.1/s.png"' in html
    items = [{"type": "action", "action": {"type": "message", "label": f"{i}", "text": f"{i}"}} for i in range(15)]
    items.append({"type": "action", "action": {"type": "camera", "label": "カメラ"}})
    drawn = Tags(FlexRenderer(lambda a: "k").quick_reply(items))
    assert len(drawn.with_class("chip")) == 13  # LINE shows at most 13


def test_template_messages_draw_their_text_and_buttons():
    html, actions = draw({"type": "template", "altText": "a", "template": {
        "type": "confirm", "text": "よろしいですか？", "actions": [
            {"type": "message", "label": "はい", "text": "はい"}, {"type": "message", "label": "いいえ", "text": "いいえ"}]}})
    assert "よろしいですか？" in html and [a["label"] for a in actions] == ["はい", "いいえ"]


def test_times_on_the_page_are_in_the_products_time_zone():
    """The bubbles' and the requests' times read as the bot's texts do (Asia/Tokyo unless set), not in UTC
    nor in the zone of the machine the simulator runs on."""
    moment = datetime(2026, 12, 1, 5, 7, 9, tzinfo=UTC)
    record = RecordedRequest(method="POST", path="/v2/bot/message/push", headers={}, body=b"{}", json={},
                             status=200, schema_errors=[], at=moment.timestamp(), request_id="r1")
    for tz, entry_time, request_time in [(Settings(_env_file=None).tz, "14:07", "14:07:09"),
                                         (ZoneInfo("America/Sao_Paulo"), "02:07", "02:07:09")]:
        simulator = Simulator(FakeLine(check_schema=False), channel_secret="secret", base_url="http://127.0.0.1:1")
        routes.install(simulator, tz)
        chat = next(iter(simulator.chats.values()))
        html = simulator.render_entry(chat, Entry(1, "bot", {"type": "text", "text": "こんにちは"}, moment))
        assert [a for t, a in Tags(html).found if t == "time"] and f"<time>{entry_time}</time>" in html
        assert f"<time>{request_time}</time>" in simulator.render_request(record)
