"""The dialog framework's own rules: typed button data, and one handler per command, state and button."""

import pytest

from bot.dialogs import (UNHANDLED, Access, Context, Dispatcher, PostbackData, Router, StaleButton, State, StatesGroup,
                         button_kind)
from bot.line.events import Event
from bot.texts import catalog as T
from bot.dialogs.states import state_names
from bot.dialogs.words import folded


class Vote(PostbackData, prefix="mtg:v"):
    meeting_id: int
    answer: str


class Pick(PostbackData, prefix="ntc:seg"):
    spec: str


class Now(PostbackData, prefix="ntc:when:now"):
    pass


class Form(StatesGroup):
    name = State()
    area = State()


def test_data_packs_to_the_wire_format_and_back():
    assert Vote(meeting_id=12, answer="yes").pack() == "mtg:v:12:yes"
    assert Vote.unpack("mtg:v:12:yes") == Vote(meeting_id=12, answer="yes")
    assert Pick.unpack("ntc:seg:type:npo").spec == "type:npo"  # the last text field keeps its colons
    assert Now.unpack("ntc:when:now") == Now()
    assert str(Pick(spec="all")) == "ntc:seg:all"


@pytest.mark.parametrize("forged", ["mtg:v:12", "mtg:v:x:yes", "mtg:v:１２:yes", "mtg:v:1234567890:yes",
                                    "mtg:v:-1:yes", "mtg:vote:1:yes", "ntc:when:now:1"])
def test_data_that_does_not_read_is_stale(forged):
    kind = Now if forged.startswith("ntc") else Vote
    with pytest.raises(StaleButton):
        kind.unpack(forged)


def test_data_over_lines_limit_is_refused_when_packed():
    assert len(Pick(spec="x" * (300 - len("ntc:seg:"))).pack()) == 300
    with pytest.raises(ValueError, match="300"):
        Pick(spec="x" * 300).pack()


def test_a_data_field_is_an_id_or_text():
    with pytest.raises(TypeError):
        class Bad(PostbackData, prefix="bad"):
            when: float


def test_state_filters_take_a_state_a_group_or_several():
    assert state_names(Form.name) == {"Form:name"}
    assert state_names(Form) == {"Form:name", "Form:area"}
    assert state_names((Form.name, Form.area)) == {"Form:name", "Form:area"}


def two_routers_with(register) -> Router:
    first, second = Router("first"), Router("second")
    for router in (first, second):
        register(router)(lambda ctx, *args: None)
    return Router("root").include(first, second)


@pytest.mark.parametrize("register", [lambda r: r.command("お知らせ"), lambda r: r.message(Form.name),
                                      lambda r: r.postback(Vote), lambda r: r.follow()],
                         ids=["command", "state", "button", "event"])
def test_two_handlers_for_one_thing_are_refused(register):
    with pytest.raises(ValueError, match="two handlers"):
        Dispatcher(two_routers_with(register))


def test_handlers_for_different_things_are_fine_and_nested_routers_are_walked():
    inner = Router("inner")
    inner.postback(Pick)(lambda ctx, pick: None)
    outer = Router("outer").include(inner)
    outer.postback(Vote)(lambda ctx, vote: None)
    outer.command("KPI")(lambda ctx: None)
    dispatcher = Dispatcher(Router("root").include(outer))
    assert {route.prefix for route in dispatcher.routes if route.kind == "postback"} == {"mtg:v", "ntc:seg"}


def test_a_staff_router_says_what_others_are_told():
    with pytest.raises(ValueError, match="staff"):
        Router("compose", access=Access.staff)


def one_to_one(**event) -> Context:
    raw = {"source": {"type": "user", "userId": "U" + "0" * 31 + "1"}, "replyToken": "r", **event}
    return Context(session=None, event=Event(raw), settings=None, clock=None, received_at=None)


async def test_a_button_from_another_dialog_is_stale_before_anyone_asks_who_tapped_it():
    staff_only = Router("compose", access=Access.staff, refusal="staff only")
    taps = []
    staff_only.postback(Vote, state=Form.area)(lambda ctx, vote: taps.append(vote))
    ctx = one_to_one(type="postback", postback={"data": "mtg:v:1:yes"})
    ctx.state = Form.name.name
    await Dispatcher(Router("root").include(staff_only)).dispatch(ctx)  # no session: the sender is never looked up
    assert taps == [] and [r["text"] for r in ctx.replies] == [T.STALE_BUTTON]


async def test_unhandled_text_goes_on_to_the_next_fallback():
    seen = []

    def fallback(name, result):
        async def handler(ctx):
            seen.append(name)
            return result
        return handler

    first, second, third = Router("kpi"), Router("common"), Router("never")
    first.fallback()(fallback("kpi", UNHANDLED))
    second.fallback()(fallback("common", None))
    third.fallback()(fallback("never", None))
    dispatcher = Dispatcher(Router("root").include(first, second, third))
    await dispatcher.dispatch(one_to_one(type="message", message={"type": "text", "id": "1", "text": "12月の会議は？"}))
    assert seen == ["kpi", "common"]


async def test_a_dialog_step_can_pass_text_on_to_the_fallbacks():
    seen = []
    router = Router("kpi")

    @router.message(Form.name)
    async def step(ctx):
        seen.append("step")
        return UNHANDLED

    @router.fallback()
    async def fallback(ctx):
        seen.append("fallback")

    ctx = one_to_one(type="message", message={"type": "text", "id": "1", "text": "？"})
    ctx.state = Form.name.name
    await Dispatcher(Router("root").include(router)).dispatch(ctx)
    assert seen == ["step", "fallback"]


async def test_a_button_tapped_by_someone_not_registered_is_stale():
    class NoMembers:
        async def scalar(self, query):
            return None

    members_only = Router("kpi", access=Access.member)
    taps = []
    members_only.postback(Vote)(lambda ctx, vote: taps.append(vote))
    prompted = []

    async def invite(ctx):
        prompted.append(ctx)

    ctx = one_to_one(type="postback", postback={"data": "mtg:v:1:yes"})
    ctx.session = NoMembers()
    await Dispatcher(Router("root").include(members_only), unregistered=invite).dispatch(ctx)
    assert taps == [] and prompted == [] and [r["text"] for r in ctx.replies] == [T.STALE_BUTTON]


def test_a_kind_of_button_made_at_run_time_reads_like_a_declared_one():
    option = button_kind("Option", "reg:field", index=int)
    assert option(index=3).pack() == "reg:field:3" and option.unpack("reg:field:3").index == 3
    with pytest.raises(StaleButton):
        option.unpack("reg:field:done")


@pytest.mark.parametrize("typed, form", [
    ("ＯＫ", "ok"), ("無事です。", "無事です"), ("ブジ", "ぶじ"), ("ﾌﾞｼﾞ", "ぶじ"), ("無事です🙏", "無事です"),
    ("○", "○"), ("1○ 2×", "1○2×"), (" 全 員 ", "全員"), ("？", ""), ("", ""), (None, ""),
])
def test_typed_words_are_folded_the_way_people_mean_them(typed, form):
    assert folded(typed) == form


def text_in(state, text: str) -> Context:
    ctx = one_to_one(type="message", message={"type": "text", "id": "1", "text": text})
    ctx.state = state.name
    return ctx


def kind_router(seen: list) -> Router:
    router = Router("checks")

    @router.typed(Form.area, {("本番", "ほんばん"): Vote(meeting_id=1, answer="real"),
                              ("訓練",): lambda ctx: Vote(meeting_id=2, answer="drill")})
    @router.postback(Vote, state=Form.area)
    async def pick(ctx, vote):
        seen.append(vote)

    router.step(Form.area, ask=lambda ctx: ctx.reply({"type": "text", "text": "本番ですか、訓練ですか？"}),
                hint="「本番」か「訓練」を送ってください。")

    @router.command("ホンバン", "ヘルプ")
    async def command(ctx):
        seen.append("command")
        return UNHANDLED
    return router


@pytest.mark.parametrize("typed, expected", [
    ("ホンバン", Vote(meeting_id=1, answer="real")),  # the step's own words come before a command
    ("訓練。", Vote(meeting_id=2, answer="drill")),
])
async def test_typed_words_reach_the_buttons_handler_with_its_data(typed, expected):
    seen = []
    await Dispatcher(Router("root").include(kind_router(seen))).dispatch(text_in(Form.area, typed))
    assert seen == [expected]


async def test_other_text_at_a_step_gets_one_line_and_the_question_again():
    seen = []
    ctx = text_in(Form.area, "どっちだろう")
    await Dispatcher(Router("root").include(kind_router(seen))).dispatch(ctx)
    assert seen == [] and [r["text"] for r in ctx.replies] == ["「本番」か「訓練」を送ってください。",
                                                              "本番ですか、訓練ですか？"]


async def test_a_command_that_passes_leaves_the_message_to_the_step():
    seen = []
    ctx = text_in(Form.area, "ヘルプ")
    await Dispatcher(Router("root").include(kind_router(seen))).dispatch(ctx)
    assert seen == ["command"] and ctx.replies[0]["text"] == "「本番」か「訓練」を送ってください。"


def test_one_word_for_two_choices_of_a_step_is_refused():
    router = Router("twice")
    router.typed(Form.area, {("はい",): Now(), ("ＯＫ", "はい"): Now()})(lambda ctx, now: None)
    with pytest.raises(ValueError, match="two handlers"):
        Dispatcher(Router("root").include(router))
