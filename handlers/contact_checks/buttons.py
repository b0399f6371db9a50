"""The list of what an organization can provide, tapped by members and by staff answering for them."""

from collections.abc import Callable

from bot.dialogs import Context, PostbackData, StaleButton
from bot.line import messages as m
from bot.texts import catalog as T
from db.contact_checks import NO_PROVISION, PROVISIONS, CheckError, toggle_provision

DONE = "done"


class Provide(PostbackData, prefix="chk:prv"):
    check_id: int
    code: str


class ProxyProvide(PostbackData, prefix="chks:pprv"):
    check_id: int
    member_id: int
    code: str


def provision_words() -> dict[str, tuple[str, ...]]:
    """The words typed for each button of the list (its label and the usual ways of saying it)."""
    words = {code: (T.CHECK_PROVISION_LABELS[code], *T.CHECK_PROVISION_WORDS.get(code, ()))
             for code in (*PROVISIONS, NO_PROVISION)}
    words[DONE] = T.WORDS_DONE
    return words


def provisions_question(chosen: list[str], data_for: Callable[[str], PostbackData]) -> dict:
    """What the organization can provide, one toggle per tap; `data_for(code)` is the data of its button."""
    labels = T.CHECK_PROVISION_LABELS
    selected = "、".join(labels[c] for c in chosen) or T.NONE_SELECTED
    buttons = [m.postback_action(("✓" if code in chosen else "") + labels[code], data_for(code))
               for code in (*PROVISIONS, NO_PROVISION)]
    buttons.append(m.postback_action(T.DONE, data_for(DONE), display_text=T.DONE))
    return m.text(T.ASK_CHECK_PROVISIONS.format(selected=selected), quick=buttons)


async def provision_tap(ctx: Context, *, check_id: int, member_id: int, code: str,
                        data_for: Callable[[str], PostbackData]) -> bool:
    """One tap on the list: the list again, or True once finished (完了, or なし); StaleButton if it no longer applies."""
    if code == DONE:
        return True
    try:
        chosen = await toggle_provision(ctx.session, check_id=check_id, member_id=member_id, code=code)
    except CheckError:
        chosen = None
    if chosen is None:
        raise StaleButton(code)
    if code == NO_PROVISION:
        return True
    ctx.reply(provisions_question(chosen, data_for))
    return False
