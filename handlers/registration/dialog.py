"""Member registration: follow, invite code, the profile questions, confirmation; unfollow."""

import math
import re
import unicodedata
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.line import messages as m
from bot.texts import catalog as T
from bot.dialogs import Context, PostbackData, Router, StaleButton, State, StatesGroup, button_kind
from bot.dialogs.words import fold_all, folded
from db.access import PROFILE_KEYS, create_reminder, invite_problem, upsert, wrong_invite_codes
from db.access import register_member as register
from db.areas import list_areas, set_member_areas
from db.handovers import for_invite
from db.models import Invite, InviteAttempt, LineProfile, Member, MemberRole, MemberStatus, Organization
from db.contact_checks import ask_newcomer
from db.richmenus import relink
from db.rules.areas import match_area, split_areas
from db.segments import Segment
from handlers.contact_checks.messages import queue_questions
from handlers.handover.messages import complete_on_registration

# Anyone: the dialog is for those not yet registered, and for members editing their profile.
router = Router("registration.dialog")

MAX_NAME = 50
MAX_NOTE = 200
MAX_INTRO = 300
MAX_PHONE = 20
INVITE_WINDOW = timedelta(minutes=10)
INVITE_MAX_WRONG = 5
# Wrong codes within INVITE_WINDOW from all accounts together: past this, guessing with many
# accounts is under way, codes are not checked for anyone until it calms, and staff are told.
INVITE_BURST = 30
AREAS_PER_PAGE = 10  # with 完了 and 次の地区, within LINE's 13 quick replies

STEPS = ["name", "fields", "role", "area", "needs", "needs_note", "offers", "offers_note",
         "intro_now", "intro_worry", "intro_offer"]


class Registration(StatesGroup):
    invite_code = State()
    name = State()
    fields = State()
    role = State()
    area = State()
    needs = State()
    needs_note = State()
    offers = State()
    offers_note = State()
    intro_now = State()
    intro_worry = State()
    intro_offer = State()
    phone = State()
    confirm = State()


# Entering and leaving the bot

@router.follow()
async def greet_follower(ctx: Context) -> None:
    """A new friend gets the invite prompt; a returning member is reactivated as they were, unless staff
    took them off the partnership (then only a new invite brings them back)."""
    ctx.after_commit.append(lambda uid=ctx.user_id: refresh_display_name(ctx, uid))
    member = await ctx.member()
    if member is not None and member.status != MemberStatus.left:
        member.status, member.inactive_since, member.updated_at = MemberStatus.active, None, ctx.now()
        ctx.clear()
        ctx.reply(await ctx.help(T.WELCOME_BACK))
        await ask_running_checks(ctx, member)
        await relink(ctx.session, member, ctx.now(), force=True)  # LINE may have dropped it while they were away
        return
    ctx.begin(Registration.invite_code)
    ctx.reply(m.text(T.WELCOME))


@router.unfollow()
async def mark_inactive(ctx: Context) -> None:
    """Blocked or unfriended: keep the member and their history, stop counting them as active."""
    member = await ctx.member()
    if member is not None and member.status == MemberStatus.active:
        member.status, member.inactive_since, member.updated_at = MemberStatus.inactive, ctx.now(), ctx.now()
        await relink(ctx.session, member, ctx.now())  # nothing to link for someone who left
    ctx.clear()


async def refresh_display_name(ctx: Context, user_id: str) -> None:
    """Store the LINE display name, when the user's privacy settings let LINE give it."""
    name = await ctx.gateway.display_name(user_id)
    async with ctx.sessions() as session, session.begin():
        await upsert(session, LineProfile, {"line_user_id": user_id, "display_name": name, "fetched_at": ctx.now()},
                     keys=["line_user_id"])


async def prompt_invite(ctx: Context) -> None:
    """Someone not registered: the only thing they can do is register.

    Part-way through registration, what they have answered is kept and the question they
    are on is asked again.
    """
    step = (ctx.state or "").removeprefix("Registration:")
    if ctx.state and ctx.state.startswith("Registration:") and step != "invite_code":
        await (ask_confirm(ctx) if step == "confirm" else ASK[step](ctx))
        return
    ctx.begin(Registration.invite_code)
    ctx.reply(m.text(T.NOT_REGISTERED))


# Invite code

def normalize_code(raw: str) -> str:
    """Accept full-width, lower-case, spaced or hyphenated input of a code."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", raw).upper() if ch.isalnum())


def _minutes_until_below(ctx: Context, wrong: list[datetime], limit: int) -> int:
    """Minutes until fewer than `limit` of these wrong codes are within the window; 0 when they are."""
    if len(wrong) < limit:
        return 0
    return max(1, math.ceil((wrong[-limit] + INVITE_WINDOW - ctx.now()).total_seconds() / 60))


async def _my_wrong_codes(ctx: Context) -> list[datetime]:
    return await wrong_invite_codes(ctx.session, since=ctx.now() - INVITE_WINDOW, line_user_id=ctx.user_id)


async def _minutes_locked(ctx: Context) -> int:
    """Minutes until this account may try a code again."""
    return _minutes_until_below(ctx, await _my_wrong_codes(ctx), INVITE_MAX_WRONG)


async def _minutes_paused(ctx: Context) -> int:
    """Minutes until wrong codes from everyone fall below the burst again."""
    wrong = await wrong_invite_codes(ctx.session, since=ctx.now() - INVITE_WINDOW)
    return _minutes_until_below(ctx, wrong, INVITE_BURST)


@router.message(Registration.invite_code)
async def receive_invite_code(ctx: Context) -> None:
    """Check the code: it must exist, be unexpired and have uses left."""
    if await ctx.active_member():
        ctx.clear()
        ctx.reply(await ctx.help(T.ALREADY_REGISTERED))
        return
    if not ctx.text:
        ctx.reply(m.text(T.ASK_INVITE))
        return
    minutes = await _minutes_locked(ctx)
    if minutes:
        ctx.reply(m.text(T.INVITE_LOCKED.format(minutes=minutes)))
        return
    window = int(INVITE_WINDOW.total_seconds() // 60)
    paused = await _minutes_paused(ctx)
    if paused:
        ctx.reply(m.text(T.INVITE_PAUSED.format(minutes=paused)))
        return
    invite = await ctx.session.scalar(select(Invite).where(Invite.code == normalize_code(ctx.text)[:32]))
    if invite is None:
        ctx.session.add(InviteAttempt(line_user_id=ctx.user_id, attempted_at=ctx.now()))
        await ctx.session.flush()
        if await _minutes_paused(ctx):
            # One notice an hour however long it lasts; the scheduler sends it to staff.
            await create_reminder(ctx.session, due_at=ctx.now(), segment=Segment("staff"), purpose="invite-burst",
                                  text=T.INVITE_BURST_STAFF.format(minutes=window, count=INVITE_BURST),
                                  now=ctx.now(), dedupe_key=f"invite-burst:{ctx.now():%Y-%m-%dT%H}")
        mine = await _my_wrong_codes(ctx)
        minutes = _minutes_until_below(ctx, mine, INVITE_MAX_WRONG)
        if minutes:
            ctx.reply(m.text(T.INVITE_LOCKED.format(minutes=minutes)))
        else:
            ctx.reply(m.text(T.INVITE_NOT_FOUND.format(left=INVITE_MAX_WRONG - len(mine))))
        return
    problem = invite_problem(invite, ctx.now())
    if problem:
        ctx.reply(m.text(INVITE_PROBLEMS[problem]))
        return
    organization = await ctx.session.get(Organization, invite.organization_id)
    handover = await for_invite(ctx.session, invite.id)  # a handover invite: the role comes with it, not asked
    ctx.begin(Registration.invite_code, mode="register", invite_id=invite.id, org_id=organization.id,
              org=organization.name, is_staff=invite.is_staff, fields=[], needs=[], offers=[],
              queue=[step for step in STEPS if step != "role"] if handover else list(STEPS),
              **({"role": handover.role} if handover else {}))
    ctx.reply(m.text(T.INVITE_ACCEPTED.format(org=organization.name)))
    await advance(ctx)


INVITE_PROBLEMS = {"expired": T.INVITE_EXPIRED, "used-up": T.INVITE_USED_UP, "revoked": T.INVITE_REVOKED}


# Moving through the questions

async def advance(ctx: Context) -> None:
    """Ask the next question in the queue, or show the summary when none is left."""
    queue = ctx.data.get("queue") or []
    if not queue:
        await ask_confirm(ctx)
        return
    step = queue[0]
    ctx.update_data(queue=queue[1:])
    await ASK[step](ctx)


def _editing(ctx: Context) -> bool:
    return ctx.data.get("mode") == "edit"


def _current(ctx: Context, key: str) -> str:
    """The 「いまの内容」 line of a question asked while editing: what スキップ keeps."""
    return T.EDIT_CURRENT.format(value=ctx.data.get(key) or T.NOT_SET)


def _ask_keeping(ctx: Context, question: str, key: str) -> None:
    """An optional question (or its hint) while editing: the saved text shown; スキップ keeps it, 消す empties it."""
    if ctx.data.get(key):
        hint, quick = T.EDIT_KEEP_OR_CLEAR, [m.message_action(T.SKIP), m.message_action(T.CLEAR)]
    else:
        hint, quick = T.EDIT_KEEP_EMPTY, [m.message_action(T.SKIP)]
    ctx.reply(m.text(f"{question}\n{_current(ctx, key)}\n{hint}", quick=quick))


def _skip_or_clear(ctx: Context) -> str | None:
    """What a word typed at an optional question means: "keep", "clear" or None (an answer).

    Registering, there is nothing to keep: スキップ, なし and the like leave the answer empty.
    """
    word = folded(ctx.text)
    if word in fold_all(T.WORDS_CLEAR):
        return "clear"
    if word in fold_all((*T.WORDS_KEEP, *T.WORDS_SKIP)):
        return "keep" if _editing(ctx) else "clear"
    return None


async def ask_name(ctx: Context) -> None:
    ctx.set_state(Registration.name)
    if _editing(ctx) and ctx.data.get("name"):
        ctx.reply(m.text(f"{T.ASK_NAME_EDIT}\n{_current(ctx, 'name')}", quick=[m.message_action(ctx.data["name"])]))
        return
    profile = await ctx.session.get(LineProfile, ctx.user_id)
    if profile and profile.display_name and len(profile.display_name) <= MAX_NAME:
        ctx.reply(m.text(T.ASK_NAME_WITH_DISPLAY.format(display=profile.display_name),
                         quick=[m.message_action(profile.display_name)]))
    else:
        ctx.reply(m.text(T.ASK_NAME))


class ChoiceButtons:
    """The buttons of one multi-select question: `{prefix}:{index}` per option, and `{prefix}:done`."""

    def __init__(self, prefix: str) -> None:
        self.Option = button_kind("Option", prefix, index=int)
        self.Done = button_kind("Done", f"{prefix}:done")


def _choices(ctx: Context, key: str, options: list[str], buttons: ChoiceButtons) -> list[dict]:
    chosen = set(ctx.data.get(key) or [])
    actions = [m.postback_action(("✓" if option in chosen else "") + option, buttons.Option(index=i))
               for i, option in enumerate(options)]
    return actions + [m.postback_action(T.DONE, buttons.Done(), display_text=T.DONE)]


def _selected_line(ctx: Context, key: str) -> str:
    return T.FIELDS_SELECTED.format(selected="、".join(ctx.data.get(key) or []) or T.NONE_SELECTED)


def _ask_multi(key: str):
    """The asker of a multi-select question: the choices so far, and a button per option."""
    state, options, _, buttons, question = MULTI_SELECT[key]

    async def ask(ctx: Context) -> None:
        ctx.set_state(state)
        ctx.reply(m.text(f"{question}\n{_selected_line(ctx, key)}", quick=_choices(ctx, key, options, buttons)))
    return ask


async def ask_role(ctx: Context) -> None:
    ctx.set_state(Registration.role)
    question = T.ASK_ROLE
    if _editing(ctx) and ctx.data.get("role") in T.ROLE_LABELS:
        question += "\n" + T.EDIT_CURRENT.format(value=T.ROLE_LABELS[ctx.data["role"]])
    ctx.reply(m.text(question, quick=[m.message_action(T.ROLE_PRIMARY), m.message_action(T.ROLE_DEPUTY)]))


class AreaOption(PostbackData, prefix="reg:area"):
    area_id: int


class AreaDone(PostbackData, prefix="reg:area:done"):
    """完了: the areas chosen so far are the member's."""


class AreaMore(PostbackData, prefix="reg:area:more"):
    """次の地区: the next page of a long list."""
    page: int


async def ask_area(ctx: Context) -> None:
    """The areas the secretariat listed, as buttons (several may be chosen); skipped when none are listed."""
    areas = await list_areas(ctx.session)
    if not areas:  # nothing to choose from yet; the member's areas stay as they are
        if ctx.data.get("mode") == "edit":
            ctx.reply(m.text(T.AREA_NONE_LISTED))
        await advance(ctx)
        return
    ctx.set_state(Registration.area)
    chosen = set(ctx.data.get("areas") or [])
    pages = math.ceil(len(areas) / AREAS_PER_PAGE)
    page = min(int(ctx.data.get("area_page") or 0), pages - 1)
    shown = areas[page * AREAS_PER_PAGE:(page + 1) * AREAS_PER_PAGE]
    quick = [m.postback_action(("✓" if area.id in chosen else "") + area.name, AreaOption(area_id=area.id))
             for area in shown]
    quick.append(m.postback_action(T.DONE, AreaDone(), display_text=T.DONE))
    if pages > 1:
        quick.append(m.postback_action(T.AREA_MORE, AreaMore(page=(page + 1) % pages)))
    selected = T.FIELDS_SELECTED.format(selected="、".join(ctx.data.get("area_names") or []) or T.NONE_SELECTED)
    ctx.reply(m.text(f"{T.ASK_AREA}\n{selected}", quick=quick))


async def _toggle_area(ctx: Context, area_id: int, *, add_only: bool = False) -> None:
    areas = {area.id: area.name for area in await list_areas(ctx.session)}
    if area_id not in areas:
        raise StaleButton(str(area_id))
    chosen = [i for i in ctx.data.get("areas") or [] if i in areas]
    if area_id in chosen:
        chosen = chosen if add_only else [i for i in chosen if i != area_id]
    else:
        chosen.append(area_id)
    chosen = [i for i in areas if i in chosen]  # in the list's order
    ctx.update_data(areas=chosen, area_names=[areas[i] for i in chosen])


@router.postback(AreaOption, state=Registration.area)
async def tap_area(ctx: Context, button: AreaOption) -> None:
    """One tap on an area: chosen, or no longer."""
    await _toggle_area(ctx, button.area_id)
    await ask_area(ctx)


@router.postback(AreaMore, state=Registration.area)
async def more_areas(ctx: Context, button: AreaMore) -> None:
    ctx.update_data(area_page=button.page)
    await ask_area(ctx)


@router.typed(Registration.area, {T.WORDS_DONE: AreaDone()})
@router.postback(AreaDone, state=Registration.area)
async def areas_done(ctx: Context, _: AreaDone) -> None:
    """完了, tapped or typed (おわり, 以上…): the areas chosen so far are kept."""
    await advance(ctx)


@router.message(Registration.area)
async def type_area(ctx: Context) -> None:
    """Areas' names typed (「北地区」, 「北」 for it, 「北地区・中央地区」) are chosen like their buttons."""
    areas = await list_areas(ctx.session)
    names = [match_area(part, [area.name for area in areas]) for part in split_areas(ctx.text)]
    if not names or None in names:
        ctx.reply(m.text(T.AREA_UNKNOWN))
        await ask_area(ctx)
        return
    for name in names:
        await _toggle_area(ctx, next(area.id for area in areas if area.name == name), add_only=len(names) > 1)
    await ask_area(ctx)


def _asker_with_skip(state: State, key: str, question: str, question_editing: str):
    async def ask(ctx: Context) -> None:
        ctx.set_state(state)
        if _editing(ctx):
            _ask_keeping(ctx, question_editing, key)
        else:
            ctx.reply(m.text(question, quick=[m.message_action(T.SKIP)]))
    return ask


ask_phone = _asker_with_skip(Registration.phone, "phone", T.ASK_PHONE, T.ASK_PHONE_EDIT)


MULTI_SELECT = {  # key: state, options, at least one, buttons, question
    "fields": (Registration.fields, T.FIELDS, True, ChoiceButtons("reg:field"), T.ASK_FIELDS),
    "needs": (Registration.needs, T.RESOURCE_CATEGORIES, False, ChoiceButtons("reg:need"), T.ASK_NEEDS),
    "offers": (Registration.offers, T.RESOURCE_CATEGORIES, False, ChoiceButtons("reg:offer"), T.ASK_OFFERS),
}

ASK = {
    "name": ask_name,
    "fields": _ask_multi("fields"),
    "role": ask_role,
    "area": ask_area,
    "needs": _ask_multi("needs"),
    "needs_note": _asker_with_skip(Registration.needs_note, "needs_note", T.ASK_NEEDS_NOTE, T.ASK_NEEDS_NOTE_EDIT),
    "offers": _ask_multi("offers"),
    "offers_note": _asker_with_skip(Registration.offers_note, "offers_note", T.ASK_OFFERS_NOTE,
                                    T.ASK_OFFERS_NOTE_EDIT),
    "intro_now": _asker_with_skip(Registration.intro_now, "intro_now", T.ASK_INTRO_NOW, T.ASK_INTRO_NOW_EDIT),
    "intro_worry": _asker_with_skip(Registration.intro_worry, "intro_worry", T.ASK_INTRO_WORRY,
                                    T.ASK_INTRO_WORRY_EDIT),
    "intro_offer": _asker_with_skip(Registration.intro_offer, "intro_offer", T.ASK_INTRO_OFFER,
                                    T.ASK_INTRO_OFFER_EDIT),
    "phone": ask_phone,
}


# Answers

def _required_line(state: State, key: str, limit: int, invalid: str):
    @router.message(state)
    async def receive_required_line(ctx: Context) -> None:
        """One line of 1 to `limit` characters, spaces tidied (a name)."""
        value = " ".join((ctx.text or "").split())
        if not value or len(value) > limit:
            ctx.reply(m.text(invalid.format(max=limit)))
            return
        ctx.update_data(**{key: value})
        await advance(ctx)


_required_line(Registration.name, "name", MAX_NAME, T.NAME_INVALID)


async def _toggle(ctx: Context, key: str, options: list[str], choice: str) -> None:
    """Add or remove one choice of a multi-select question."""
    chosen = list(ctx.data.get(key) or [])
    chosen = [c for c in chosen if c != choice] if choice in chosen else chosen + [choice]
    ctx.update_data(**{key: [option for option in options if option in chosen]})
    await ASK[key](ctx)


async def _finish(ctx: Context, key: str, *, at_least_one: bool) -> None:
    """完了: move on, unless the question needs a choice and has none."""
    if at_least_one and not ctx.data.get(key):
        ctx.reply(m.text(T.FIELDS_EMPTY))
        await ASK[key](ctx)
        return
    await advance(ctx)


def _multi_select(key: str):
    state, options, at_least_one, buttons, _ = MULTI_SELECT[key]

    @router.postback(buttons.Option, state=state)
    async def tap_choice(ctx: Context, button: buttons.Option) -> None:
        """One tap on an option of a multi-select quick reply."""
        if button.index >= len(options):
            raise StaleButton(button)
        await _toggle(ctx, key, options, options[button.index])

    by_form = {folded(option): option for option in options}

    @router.typed(state, {T.WORDS_DONE: buttons.Done()})
    @router.postback(buttons.Done, state=state)
    async def tap_done(ctx: Context, _: buttons.Done) -> None:
        """The 完了 button of a multi-select quick reply, or 完了 typed."""
        await _finish(ctx, key, at_least_one=at_least_one)

    @router.message(state)
    async def type_choice(ctx: Context) -> None:
        """A typed choice ("防災", "ﾎﾞｳｻｲ") works like the button."""
        if folded(ctx.text) in by_form:
            await _toggle(ctx, key, options, by_form[folded(ctx.text)])
        else:
            ctx.reply(m.text(T.FIELD_UNKNOWN if key == "fields" else T.CATEGORY_UNKNOWN))
            await ASK[key](ctx)


for _key in MULTI_SELECT:
    _multi_select(_key)


router.step(Registration.role, ask=ask_role, hint=T.ROLE_INVALID)


@router.typed(Registration.role, {T.WORDS_PRIMARY: MemberRole.primary, T.WORDS_DEPUTY: MemberRole.deputy})
async def receive_role(ctx: Context, role: MemberRole) -> None:
    """主担当 or 副担当."""
    ctx.update_data(role=role.value)
    await advance(ctx)


def _free_line(state: State, key: str, limit: int):
    @router.message(state)
    async def receive_line(ctx: Context) -> None:
        """An optional line of text. Registering, スキップ (or a stray 完了 or なし) leaves it empty;
        editing, スキップ keeps what is saved and 消す (or なし) empties it."""
        if not ctx.text:
            ctx.reply(m.text(T.TEXT_ONLY))
            return
        word = _skip_or_clear(ctx)
        if word == "clear":
            ctx.update_data(**{key: None})
        elif word == "keep":
            pass
        elif len(ctx.text) > limit:
            ctx.reply(m.text(T.NOTE_TOO_LONG.format(max=limit)))
            return
        else:
            ctx.update_data(**{key: ctx.text})
        await advance(ctx)


_free_line(Registration.needs_note, "needs_note", MAX_NOTE)
_free_line(Registration.offers_note, "offers_note", MAX_NOTE)
_free_line(Registration.intro_now, "intro_now", MAX_INTRO)
_free_line(Registration.intro_worry, "intro_worry", MAX_INTRO)
_free_line(Registration.intro_offer, "intro_offer", MAX_INTRO)


PHONE = re.compile(r"\+?[0-9]{10,15}")


def read_phone(text: str | None) -> str | None:
    """A phone number as typed (full-width, hyphens, spaces, brackets), tidied; None if it does not read as one."""
    value = " ".join(unicodedata.normalize("NFKC", text or "").split()).replace("ー", "-").replace("−", "-")
    digits = re.sub(r"[\s()\-]", "", value)
    return value if PHONE.fullmatch(digits) and len(value) <= MAX_PHONE else None


@router.message(Registration.phone)
async def receive_phone(ctx: Context) -> None:
    """An optional phone number for staff to call in a disaster. Registering, スキップ or なし leaves
    it empty; editing, スキップ keeps the saved number and 消す (or なし) removes it."""
    word = _skip_or_clear(ctx)
    if word is not None:
        if word == "clear":
            ctx.update_data(phone=None)
        await advance(ctx)
        return
    phone = read_phone(ctx.text)
    if phone is None:
        if _editing(ctx):
            _ask_keeping(ctx, T.PHONE_INVALID_EDIT, "phone")
        else:
            ctx.reply(m.text(T.PHONE_INVALID, quick=[m.message_action(T.SKIP)]))
        return
    ctx.update_data(phone=phone)
    await advance(ctx)


# Summary and saving

def summary(data: dict) -> str:
    def listed(key: str) -> str:
        items = "、".join(data.get(key) or []) or T.NONE_SELECTED
        note = data.get(f"{key}_note")
        return f"{items}（{note}）" if note else items

    return T.SUMMARY.format(
        org=data.get("org") or T.NOT_SET, name=data.get("name") or T.NOT_SET,
        fields="、".join(data.get("fields") or []) or T.NOT_SET,
        role=T.ROLE_LABELS.get(data.get("role"), T.NOT_SET), area="、".join(data.get("area_names") or []) or T.NOT_SET,
        needs=listed("needs"), offers=listed("offers"),
        intro_now=data.get("intro_now") or T.NOT_SET, intro_worry=data.get("intro_worry") or T.NOT_SET,
        intro_offer=data.get("intro_offer") or T.NOT_SET, phone=data.get("phone") or T.NOT_SET)


async def ask_confirm(ctx: Context) -> None:
    ctx.set_state(Registration.confirm)
    editing = ctx.data.get("mode") == "edit"
    ok = T.CONFIRM_SAVE if editing else T.CONFIRM_REGISTER
    ctx.reply(m.text(summary(ctx.data)),
              m.text(T.ASK_CONFIRM_EDIT if editing else T.ASK_CONFIRM,
                     quick=[m.message_action(ok), m.message_action(T.REDO), m.message_action(T.CANCEL)]))


@router.typed(Registration.confirm, T.WORDS_REDO)
async def redo(ctx: Context) -> None:
    """やり直す: the questions again."""
    ctx.update_data(queue=list(ctx.data.get("edit_steps") or STEPS))
    await advance(ctx)


@router.typed(Registration.confirm, (T.CONFIRM_REGISTER, T.CONFIRM_SAVE, *T.WORDS_CONFIRM))
async def confirmed(ctx: Context) -> None:
    """登録する (or 保存する when editing): save."""
    await (save_profile(ctx) if ctx.data.get("mode") == "edit" else register_member(ctx))


@router.message(Registration.confirm)
async def receive_confirmation(ctx: Context) -> None:
    """Anything else under the summary: the summary again, with what works."""
    ok = T.CONFIRM_SAVE if ctx.data.get("mode") == "edit" else T.CONFIRM_REGISTER
    ctx.reply(m.text(T.CONFIRM_INVALID.format(ok=ok, redo=T.REDO)))
    await ask_confirm(ctx)


async def register_member(ctx: Context) -> None:
    """Create the member, using up one use of the invite, if the invite is still good."""
    member = await register(ctx.session, invite_id=ctx.data["invite_id"], line_user_id=ctx.user_id,
                            profile={key: ctx.data.get(key) for key in PROFILE_KEYS}, now=ctx.now())
    if isinstance(member, str):
        ctx.begin(Registration.invite_code)
        ctx.reply(m.text(INVITE_PROBLEMS[member]))
        return
    ctx.remember_member(member)
    await save_areas(ctx, member)
    ctx.clear()
    ctx.reply(await ctx.help(T.REGISTERED_STAFF if member.is_staff else T.REGISTERED))
    await ask_running_checks(ctx, member)
    ctx.queued += await complete_on_registration(ctx.session, member, ctx.settings, ctx.now())
    await relink(ctx.session, member, ctx.now())


async def ask_running_checks(ctx: Context, member: Member) -> None:
    """Someone who joins (or comes back) while a contact check runs for them is asked at once."""
    await ctx.session.flush()
    for check in await ask_newcomer(ctx.session, member, ctx.now()):
        ctx.queued += queue_questions(ctx.session, check, [member.line_user_id], ctx.now())


async def save_profile(ctx: Context) -> None:
    member = await ctx.active_member()
    if member is None:
        await prompt_invite(ctx)
        return
    for key in PROFILE_KEYS:
        setattr(member, key, ctx.data.get(key))
    member.updated_at = ctx.now()
    await save_areas(ctx, member)
    ctx.clear()
    ctx.reply(await ctx.help(T.PROFILE_SAVED))


async def save_areas(ctx: Context, member: Member) -> None:
    """The areas chosen become the member's; the text typed before areas were a list is done with."""
    if "areas" in ctx.data:
        await set_member_areas(ctx.session, member.id, list(ctx.data["areas"]))
        member.area = None
