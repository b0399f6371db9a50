"""The simulator's people and chats: what each of them has seen, and the webhook events their taps make.

The fake LINE platform records every request the bot makes (on its own thread); the simulator
turns the accepted message requests into chat entries and tells every open page at once.
What people send goes to the app's /callback as LINE sends it: signed with the channel secret,
with a reply token registered on the fake, a webhookEventId and a redelivery flag.
"""

import asyncio
import itertools
import json
import logging
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from bot.demo.personas import PERSONAS
from bot.fakeline import events as ev
from bot.fakeline.richmenus import is_content_path
from bot.fakeline.server import MESSAGE_PATHS, REPLY, FakeLine, RecordedRequest
from bot.texts import catalog as T

log = logging.getLogger(__name__)

MAX_REQUESTS_SHOWN = 200
MAX_ENTRIES = 300  # per chat; the page is for trying things, not an archive
PICKED = {"datetime": "datetime", "date": "date", "time": "time"}


@dataclass
class Person:
    key: str
    user_id: str
    display_name: str
    label: str
    following: bool = False
    blocked: bool = False  # unfollowed once: following again is an unblock, as LINE reports it
    menu_id: str | None = None  # the rich menu last drawn under their chat


@dataclass
class Entry:
    id: int
    sender: str  # "bot", or the user id of the person who sent it
    message: dict
    at: datetime
    html: str = ""  # drawn once, so its buttons keep their keys
    action_keys: list[str] = field(default_factory=list)


@dataclass
class Chat:
    id: str  # the user id of a one-to-one chat, or a group id
    title: str
    members: list[str] = field(default_factory=list)  # user ids; a one-to-one chat has its person
    entries: deque = field(default_factory=lambda: deque(maxlen=MAX_ENTRIES))
    quick: str | None = None  # the quick-reply buttons (drawn) while the last message offers them

    @property
    def is_group(self) -> bool:
        return self.id.startswith("C")


class Simulator:
    """Plays the LINE app for several people against one running Renkei."""

    def __init__(self, line: FakeLine, *, channel_secret: str, base_url: str) -> None:
        """`base_url`: where the app itself listens; events go to its /callback."""
        self.line = line
        self.channel_secret = channel_secret
        self.callback_url = f"{base_url.rstrip('/')}/callback"
        self.page_url = f"{base_url.rstrip('/')}/simulator"
        self.people: dict[str, Person] = {}
        self.chats: dict[str, Chat] = {}
        self.requests: deque[RecordedRequest] = deque(maxlen=MAX_REQUESTS_SHOWN)
        self.actions: dict[str, tuple[str, dict]] = {}  # key -> (chat id, action)
        self._ids = itertools.count(1)
        self.version = 0  # what has been published so far, so a page can tell whether it missed something
        self._subscribers: set[asyncio.Queue] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: httpx.AsyncClient | None = None
        self.render_entry = self.render_quick = self.render_request = self.render_menu = None  # set by the routes
        for persona in PERSONAS:
            self.add_person(persona.key, persona.user_id, persona.display_name, persona.label)
        line.on_record = self._recorded

    # Lifecycle (with the app)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._client = httpx.AsyncClient(timeout=10)

    async def close(self) -> None:
        self._end_streams()
        if self._client is not None:
            await self._client.aclose()

    def end_streams(self) -> None:
        """Tell every open page's stream to end (from any thread: a signal handler, say)."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._end_streams)

    def _end_streams(self) -> None:
        for queue in list(self._subscribers):
            queue.put_nowait(None)
        self._subscribers.clear()

    # People and groups

    def add_person(self, key: str | None = None, user_id: str | None = None, display_name: str | None = None,
                   label: str | None = None) -> Person:
        number = len(self.people) + 1
        person = Person(key or f"guest{number}", user_id or ev.new_user_id(),
                        display_name or T.SIM_GUEST_NAME.format(n=number), label or T.SIM_GUEST_NAME.format(n=number))
        self.people[person.key] = person
        self.chats[person.user_id] = Chat(person.user_id, person.label, [person.user_id])
        self.line.set_profile(person.user_id, person.display_name)
        return person

    def person(self, key: str) -> Person:
        return self.people[key]

    def by_user(self, user_id: str) -> Person | None:
        return next((p for p in self.people.values() if p.user_id == user_id), None)

    async def create_group(self, name: str, keys: list[str]) -> Chat:
        """The bot is added to a new group, then the chosen people join it."""
        group = Chat(ev.new_group_id(), name, [self.person(k).user_id for k in keys])
        self.chats[group.id] = group
        self.line.set_group(group.id, name)
        await self.post(ev.join(group.id))
        if group.members:
            await self.post(ev.member_joined(group.id, list(group.members)))
        return group

    # What people do

    async def follow(self, key: str) -> None:
        person = self.person(key)
        unblocked, person.following = person.blocked, True
        await self.post(ev.follow(person.user_id, unblocked=unblocked))

    async def unfollow(self, key: str) -> None:
        person = self.person(key)
        person.following, person.blocked = False, True
        await self.post(ev.unfollow(person.user_id))

    async def say(self, key: str, chat_id: str, text: str) -> None:
        person = self.person(key)
        chat = self.chats[chat_id]
        self._add_entry(chat, person.user_id, {"type": "text", "text": text})
        await self.post(ev.text_message(person.user_id, text, group_id=chat.id if chat.is_group else None))

    async def act(self, key: str, action_key: str, picked: str | None = None) -> bool:
        """Tap a button or quick reply; False when the page named no action the bot sent."""
        found = self.actions.get(action_key)
        if found is None:
            return False
        chat_id, action = found
        chat, person = self.chats[chat_id], self.person(key)
        group = chat.id if chat.is_group else None
        kind = action.get("type")
        if kind == "message":
            await self.say(key, chat_id, action.get("text", ""))
            return True
        if kind == "postback":
            if action.get("displayText"):
                self._add_entry(chat, person.user_id, {"type": "text", "text": action["displayText"]})
            else:
                self._clear_quick(chat)
            await self.post(ev.postback(person.user_id, action.get("data", ""), group_id=group))
            return True
        if kind == "datetimepicker" and picked:
            self._clear_quick(chat)
            params = {PICKED.get(action.get("mode"), "datetime"): picked}
            await self.post(ev.postback(person.user_id, action.get("data", ""), params=params, group_id=group))
            return True
        return False

    def menu(self, key: str) -> dict | None:
        """The rich menu LINE shows this person now (their own, else the default), with its id."""
        with self.line.lock:
            menu_id = self.line.rich_menus.menu_of(self.person(key).user_id)
            return self.line.rich_menus.menus.get(menu_id) if menu_id in self.line.rich_menus.images else None

    def menu_image(self, key: str) -> bytes | None:
        menu = self.menu(key)
        with self.line.lock:
            return self.line.rich_menus.images[menu["richMenuId"]][0] if menu else None

    async def tap_menu(self, key: str, menu_id: str, index: int) -> bool:
        """Tap an area of the person's rich menu, as the LINE app does; False for a menu no longer shown."""
        menu, person = self.menu(key), self.person(key)
        if menu is None or menu["richMenuId"] != menu_id or not 0 <= index < len(menu["areas"]):
            return False
        action = menu["areas"][index]["action"]
        kind = action.get("type")
        if kind == "message":
            await self.say(key, person.user_id, action.get("text", ""))
        elif kind == "postback":
            if action.get("displayText"):
                self._add_entry(self.chats[person.user_id], person.user_id,
                                {"type": "text", "text": action["displayText"]})
            await self.post(ev.postback(person.user_id, action.get("data", "")))
        elif kind == "richmenuswitch":
            # LINE switches the menu on the phone, then tells the bot with a postback.
            alias = action.get("richMenuAliasId", "")
            with self.line.lock:
                switched = self.line.rich_menus.switch(person.user_id, alias)
            self._redraw_menus()
            await self.post(ev.postback(person.user_id, action.get("data", ""), params={
                "newRichMenuAliasId": alias, "status": "SUCCESS" if switched else "RICHMENU_ALIAS_ID_NOTFOUND"}))
        else:
            return False
        return True

    def _redraw_menus(self) -> None:
        """Tell the pages about each person whose menu changed."""
        if self.render_menu is None:
            return
        for person in self.people.values():
            menu = self.menu(person.key)
            menu_id = menu["richMenuId"] if menu else None
            if menu_id != person.menu_id:
                person.menu_id = menu_id
                self._publish({"kind": "menu", "person": person.key, "html": self.render_menu(person)})

    async def post(self, event: dict) -> int:
        """Send one event to /callback as LINE does; returns the status Renkei answered with."""
        self.line.register_events([event])
        body = ev.body([event])
        response = await self._client.post(self.callback_url, content=body, headers={
            "Content-Type": "application/json", "X-Line-Signature": ev.sign(body, self.channel_secret),
            "User-Agent": "LineBotWebhook/2.0"})
        if response.status_code != 200:
            log.warning("the webhook answered %s: %s", response.status_code, response.text[:200])
        return response.status_code

    # What the bot sent

    def _recorded(self, record: RecordedRequest) -> None:
        """Called on the fake's thread: hand the request to the app's loop."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._show, record)

    def _show(self, record: RecordedRequest) -> None:
        self.requests.appendleft(record)
        self._publish({"kind": "request", "html": self.render_request(record)})
        if record.accepted and (record.path.startswith("/v2/bot/richmenu") or "/richmenu" in record.path):
            self._redraw_menus()
        if not record.accepted or record.path not in MESSAGE_PATHS or not isinstance(record.json, dict):
            return
        messages = [m for m in record.json.get("messages", []) if isinstance(m, dict)]
        for chat_id in record.recipients:
            chat = self.chats.get(chat_id)
            if chat is None:
                continue  # someone the simulator does not play (a member from the demo data, say)
            for message in messages:
                self._add_entry(chat, "bot", message, notify=record.path != REPLY)

    def _add_entry(self, chat: Chat, sender: str, message: dict, *, notify: bool = False) -> None:
        entry = Entry(next(self._ids), sender, message, datetime.now(UTC))
        entry.html = self.render_entry(chat, entry)
        if len(chat.entries) == chat.entries.maxlen:
            for key in chat.entries[0].action_keys:  # an entry scrolled out of the chat takes its buttons along
                self.actions.pop(key, None)
        chat.entries.append(entry)
        payload = {"kind": "entry", "chat": chat.id, "html": entry.html, "bot": sender == "bot"}
        if notify:
            payload["notify"] = {"title": chat.title, "text": notice_text(message)}
        self._publish(payload)
        items = (message.get("quickReply") or {}).get("items") if sender == "bot" else None
        if items:
            chat.quick = self.render_quick(chat, entry, items)
            self._publish({"kind": "quick", "chat": chat.id, "html": chat.quick})
        else:
            self._clear_quick(chat)

    def _clear_quick(self, chat: Chat) -> None:
        if chat.quick is not None:
            chat.quick = None
            self._publish({"kind": "quick", "chat": chat.id, "html": ""})

    def action_keys(self, chat: Chat, entry: Entry, prefix: str = "") -> "ActionKeys":
        return ActionKeys(self, chat.id, entry, prefix)

    # Telling the pages

    def subscribe(self) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(maxsize=1000)
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue) -> None:
        self._subscribers.discard(queue)

    def _publish(self, payload: dict) -> None:
        self.version += 1
        data = json.dumps(payload, ensure_ascii=False)
        for queue in list(self._subscribers):
            try:
                queue.put_nowait(data)
            except asyncio.QueueFull:  # a page that stopped reading: it reloads when it reconnects
                self._subscribers.discard(queue)


class ActionKeys:
    """Names the actions of one entry in the order they are drawn, and remembers them."""

    def __init__(self, simulator: Simulator, chat_id: str, entry: Entry, prefix: str) -> None:
        self.simulator, self.chat_id, self.entry, self.prefix = simulator, chat_id, entry, prefix
        self._count = itertools.count()

    def __call__(self, action: dict) -> str:
        key = f"{self.prefix}{self.entry.id}.{next(self._count)}"
        self.simulator.actions[key] = (self.chat_id, action)
        self.entry.action_keys.append(key)
        return key


def notice_text(message: dict) -> str:
    """What a phone's notification shows for a message: its text, or its alternative text."""
    if message.get("type") in ("text", "textV2"):
        return message.get("text", "")
    return message.get("altText") or T.SIM_NOTIFY_IMAGE


def pretty(record: RecordedRequest) -> str:
    if is_content_path(record.path):  # an image: its size, not its bytes
        return T.SIM_IMAGE_BYTES.format(size=len(record.body)) if record.body else ""
    body = record.json if record.json is not None else record.body.decode("utf-8", "replace")
    return json.dumps(body, ensure_ascii=False, indent=2) if not isinstance(body, str) else body

