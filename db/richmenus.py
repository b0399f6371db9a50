"""Which rich menu each LINE user should see, and the menus created on LINE.

A member's menu follows from the data: their status and staff role, and whether a real (not
drill) contact check runs. `settle_menus` writes what each should see (`RichMenuLink.wanted`)
in the transaction that changed it; the gateway sends the difference to LINE, 500 users a
call, and records what LINE took (`linked`), so a link is never lost while LINE is away and the
latest decision always wins.
"""

from datetime import datetime, timedelta

from sqlalchemy import Select, and_, case, literal, null, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    CheckStatus,
    ContactCheck,
    ContactCheckTarget,
    Member,
    MemberStatus,
    RichMenu,
    RichMenuLink,
)

# The menus a user can be given. Guests (not registered) see the channel's default menu, so
# giving one `guest` means unlinking their own menu.
GUEST, MEMBER, STAFF, ALERT, BOARD = "guest", "member", "staff", "alert", "board"
LINKED_MENUS = (MEMBER, STAFF, ALERT, BOARD)
CLAIM = timedelta(minutes=2)
# In `session.info`: the LINE users whose menu this transaction changed, for whoever commits it to
# send right after (the event worker does); the gateway's sweep sends them anyway.
LINKS_DUE = "rich_menu_links_due"


def _in_real_check():
    """Whether an open real (not drill) check covers the member, as a condition on Member (a look-up
    by the targets' key per open check)."""
    return select(ContactCheckTarget.member_id).join(ContactCheck, ContactCheck.id == ContactCheckTarget.check_id).where(
        ContactCheck.status == CheckStatus.open, ContactCheck.drill.is_(False),
        ContactCheckTarget.member_id == Member.id).exists()


async def _real_check_running(session: AsyncSession) -> bool:
    return bool(await session.scalar(select(select(ContactCheck.id).where(
        ContactCheck.status == CheckStatus.open, ContactCheck.drill.is_(False)).exists())))


def _menu_column(running: bool):
    """The menu for each member, as SQL: NULL when they left (nothing to link); staff see the board
    while a real check runs, members it covers the disaster menu."""
    return case((Member.status != MemberStatus.active, null()),
                (Member.is_staff.is_(True), literal(BOARD if running else STAFF)),
                (_in_real_check(), literal(ALERT)), else_=literal(MEMBER))


async def settle_menus(session: AsyncSession, *, now: datetime, line_user_ids: list[str] | Select | None = None,
                       wanted_in: tuple[str, ...] | None = None, force: bool = False) -> int:
    """Work out again the menu of these users (a list, or a SELECT of LINE user ids; or those now
    given one of `wanted_in`, or every member) and mark the changed ones for sending; `force` sends
    even an unchanged one (a returning follower, whose link LINE may have dropped). Returns how
    many are to be sent.

    One statement whatever the number of users (a check's 10,000 members switch to the disaster
    menu in the transaction that starts it): each member's menu is computed in the database and
    upserted where it differs from what the row holds.
    """
    await session.flush()
    link = RichMenuLink.__table__
    has_row = select(link.c.line_user_id).where(link.c.line_user_id == Member.line_user_id).exists()
    # Someone to link (an active member: the menu is NULL only for those who left), or a row to
    # change (nobody gets a row to say there is nothing to link); in key order, so that two
    # transactions settling the same users lock their rows alike.
    menu = _menu_column(await _real_check_running(session))
    people = select(Member.line_user_id, menu, null(),
                    literal(now, link.c.updated_at.type), literal(0), literal(now, link.c.next_attempt_at.type)
                    ).where((Member.status == MemberStatus.active) | has_row).order_by(Member.line_user_id)
    if not force:
        # Rows that already say it are left out before the upsert, which would lock them all
        # (10,000 at a start-up) even where it changes nothing.
        people = people.where(~select(link.c.line_user_id).where(
            link.c.line_user_id == Member.line_user_id, link.c.wanted.is_not_distinct_from(menu),
            link.c.linked.is_not_distinct_from(menu)).exists())
    if line_user_ids is not None:
        people = people.where(Member.line_user_id.in_(line_user_ids))
    if wanted_in is not None:
        people = people.where(select(link.c.line_user_id).where(
            link.c.line_user_id == Member.line_user_id, link.c.wanted.in_(wanted_in)).exists())
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    insert = dialect.insert(link).from_select(
        ["line_user_id", "wanted", "linked", "updated_at", "attempts", "next_attempt_at"], people)
    wanted, linked = insert.excluded.wanted, null() if force else link.c.linked
    unchanged = and_(link.c.wanted.is_not_distinct_from(wanted), link.c.linked.is_not_distinct_from(wanted))
    upsert = insert.on_conflict_do_update(
        index_elements=[link.c.line_user_id],
        set_={"wanted": wanted, "updated_at": insert.excluded.updated_at, "attempts": 0, "last_error": null(),
              "linked": linked,
              "next_attempt_at": case((and_(wanted.is_not(None), linked.is_distinct_from(wanted)),
                                       insert.excluded.updated_at), else_=null())},
        where=None if force else ~unchanged,
    ).returning(link.c.line_user_id, link.c.next_attempt_at.is_not(None))
    due = [user for user, to_send in await session.execute(upsert) if to_send]
    if due:
        session.info.setdefault(LINKS_DUE, set()).update(due)
    return len(due)


async def relink(session: AsyncSession, member: Member, now: datetime, *, force: bool = False) -> None:
    """Give this member the menu for what they are now (call after a role or status change)."""
    await settle_menus(session, now=now, line_user_ids=[member.line_user_id], force=force)


async def link_everyone(session: AsyncSession, now: datetime) -> int:
    """Every member's menu worked out again (at start-up): those who have none yet (registered
    before menus existed) get theirs, and a menu that no longer fits is changed (a check's,
    when the process that started it stopped before settling them)."""
    return await settle_menus(session, now=now)


async def resend_menu(session: AsyncSession, key: str, now: datetime) -> None:
    """A menu was made anew (a new layout): everyone given it is linked again."""
    await session.execute(update(RichMenuLink).where(RichMenuLink.wanted == key).values(
        linked=None, next_attempt_at=now, attempts=0))


# The sending side (the gateway)

def _due(now: datetime):
    return and_(RichMenuLink.next_attempt_at.is_not(None), RichMenuLink.next_attempt_at <= now,
                or_(RichMenuLink.lease_until.is_(None), RichMenuLink.lease_until <= now))


async def claim_links(session: AsyncSession, now: datetime, *, lease: timedelta, limit: int = 5000,
                      line_user_ids: list[str] | None = None) -> dict[str, list[str]]:
    """Lease the due links (so no other process sends them meanwhile): menu key -> LINE users."""
    query = select(RichMenuLink.line_user_id).where(_due(now))
    if line_user_ids is not None:
        query = query.where(RichMenuLink.line_user_id.in_(line_user_ids))
    # By menu, so that a menu's users fill whole requests of 500 across batches.
    users = list(await session.scalars(query.order_by(RichMenuLink.wanted, RichMenuLink.line_user_id).limit(limit)))
    if not users:
        return {}
    claimed = await session.execute(update(RichMenuLink).where(RichMenuLink.line_user_id.in_(users), _due(now))
                                    .values(lease_until=now + lease).returning(RichMenuLink.line_user_id,
                                                                               RichMenuLink.wanted))
    out: dict[str, list[str]] = {}
    for user, wanted in claimed.all():
        out.setdefault(wanted, []).append(user)
    return out


async def record_linked(session: AsyncSession, users: list[str], menu: str) -> None:
    """LINE took these users' link to `menu`; those given another menu meanwhile stay due."""
    await session.execute(update(RichMenuLink).where(RichMenuLink.line_user_id.in_(users)).values(
        linked=menu, lease_until=None))
    same = RichMenuLink.wanted.is_(None) if menu is None else RichMenuLink.wanted == menu
    await session.execute(update(RichMenuLink).where(RichMenuLink.line_user_id.in_(users), same).values(
        next_attempt_at=None, attempts=0, last_error=None))


async def record_link_failed(session: AsyncSession, users: list[str], *, retry_at: datetime | None,
                             error: str | None) -> None:
    """Not taken: tried again at `retry_at` (None: given up, until the next change)."""
    await session.execute(update(RichMenuLink).where(RichMenuLink.line_user_id.in_(users)).values(
        lease_until=None, next_attempt_at=retry_at, attempts=RichMenuLink.attempts + 1, last_error=error))


async def release_links(session: AsyncSession, users: list[str]) -> None:
    """Hand back links that were not tried (their menu does not exist on LINE yet)."""
    await session.execute(update(RichMenuLink).where(RichMenuLink.line_user_id.in_(users)).values(lease_until=None))


# The menus on LINE

async def menu_ids(session: AsyncSession) -> dict[str, str]:
    """Menu key -> LINE's rich menu id, for the menus that exist."""
    rows = await session.execute(select(RichMenu.key, RichMenu.rich_menu_id).where(RichMenu.rich_menu_id.is_not(None)))
    return dict(rows.all())


async def claim_menus(session: AsyncSession, names: dict[str, str], now: datetime) -> list[str]:
    """Claim the creation of the menus (key -> name) that LINE does not have under this name yet;
    returns the keys this process is to create (another process holds the rest, or they exist)."""
    dialect = session.bind.dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(RichMenu)
    for key in names:  # two processes starting at once both insert: the second's is a no-op
        await session.execute(insert.values(key=key, updated_at=now).on_conflict_do_nothing(index_elements=["key"]))
    have = {row.key: row for row in await session.scalars(select(RichMenu).execution_options(populate_existing=True))}
    stale = [key for key, name in names.items()
             if have.get(key) is None or have[key].name != name or have[key].rich_menu_id is None]
    if not stale:
        return []
    claimed = await session.execute(update(RichMenu).where(
        RichMenu.key.in_(stale), or_(RichMenu.claimed_until.is_(None), RichMenu.claimed_until <= now))
        .values(claimed_until=now + CLAIM).returning(RichMenu.key))
    return sorted(claimed.scalars())


async def release_menus(session: AsyncSession, keys: list[str]) -> None:
    """Hand back the claim on menus this process could not create (LINE did not answer)."""
    await session.execute(update(RichMenu).where(RichMenu.key.in_(keys)).values(claimed_until=None))


async def record_menu(session: AsyncSession, key: str, *, name: str, rich_menu_id: str, now: datetime) -> None:
    row = await session.get(RichMenu, key)
    renewed = row.rich_menu_id is not None and row.rich_menu_id != rich_menu_id
    row.name, row.rich_menu_id, row.claimed_until, row.updated_at = name, rich_menu_id, None, now
    if renewed:
        await resend_menu(session, key, now)


async def link_attempts(session: AsyncSession, users: list[str]) -> int:
    """The attempts made so far for these users' links, counting this one."""
    return 1 + max(await session.scalars(select(RichMenuLink.attempts).where(RichMenuLink.line_user_id.in_(users))),
                   default=0)
