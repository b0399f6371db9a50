"""Which rich menu each LINE user should see, and the menus created on LINE.

A member's menu follows from the data: their status and staff role, and whether a real (not
drill) contact check runs. `settle_menus` writes what each should see (`RichMenuLink.wanted`)
in the transaction that changed it; the gateway sends the difference to LINE, 500 users a
call, and records what LINE took (`linked`), so a link is never lost while LINE is away and the
latest decision always wins.
"""

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
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


def menu_of(*, active: bool, staff: bool, in_real_check: bool, real_check_running: bool) -> str | None:
    """The menu for one person: None when they left (nothing to link)."""
    if not active:
        return None
    if staff:
        return BOARD if real_check_running else STAFF
    return ALERT if in_real_check else MEMBER


async def _real_check_targets(session: AsyncSession) -> tuple[bool, set[str]]:
    """Whether a real check runs, and the LINE users it covers."""
    open_real = select(ContactCheck.id).where(ContactCheck.status == CheckStatus.open, ContactCheck.drill.is_(False))
    ids = list(await session.scalars(open_real))
    if not ids:
        return False, set()
    users = await session.scalars(select(ContactCheckTarget.line_user_id).where(ContactCheckTarget.check_id.in_(ids)))
    return True, set(users)


async def settle_menus(session: AsyncSession, *, now: datetime, line_user_ids: list[str] | None = None,
                       wanted_in: tuple[str, ...] | None = None, force: bool = False) -> int:
    """Work out again the menu of these users (or of those now given one of `wanted_in`, or of every
    member) and mark the changed ones for sending; `force` sends even an unchanged one (a returning
    follower, whose link LINE may have dropped). Returns how many are to be sent."""
    await session.flush()
    running, in_check = await _real_check_targets(session)
    query = select(Member.line_user_id, Member.status, Member.is_staff)
    if line_user_ids is not None:
        query = query.where(Member.line_user_id.in_(line_user_ids))
    if wanted_in is not None:
        query = query.join(RichMenuLink, RichMenuLink.line_user_id == Member.line_user_id).where(
            RichMenuLink.wanted.in_(wanted_in))
    people = {user: menu_of(active=status == MemberStatus.active, staff=staff, in_real_check=user in in_check,
                            real_check_running=running)
              for user, status, staff in (await session.execute(query)).all()}
    if not people:
        return 0
    existing = {row.line_user_id: row for row in await session.scalars(
        select(RichMenuLink).where(RichMenuLink.line_user_id.in_(list(people))))}
    changed = 0
    for user, menu in people.items():
        row = existing.get(user)
        if row is None:
            if menu is None:
                continue
            row = RichMenuLink(line_user_id=user, linked=None, attempts=0, updated_at=now)
            session.add(row)
        if row.wanted == menu and row.linked == menu and not force:
            continue
        if force:
            row.linked = None
        row.wanted, row.updated_at, row.attempts, row.last_error = menu, now, 0, None
        row.next_attempt_at = now if row.wanted != row.linked and menu is not None else None
        if row.next_attempt_at is not None:
            changed += 1
            session.info.setdefault(LINKS_DUE, set()).add(user)
    await session.flush()
    return changed


async def relink(session: AsyncSession, member: Member, now: datetime, *, force: bool = False) -> None:
    """Give this member the menu for what they are now (call after a role or status change)."""
    await settle_menus(session, now=now, line_user_ids=[member.line_user_id], force=force)


async def link_everyone(session: AsyncSession, now: datetime) -> int:
    """Members who have no menu yet (registered before menus existed) get theirs."""
    missing = select(Member.line_user_id).where(
        Member.status == MemberStatus.active,
        ~select(RichMenuLink.line_user_id).where(RichMenuLink.line_user_id == Member.line_user_id).exists())
    users = list(await session.scalars(missing))
    return await settle_menus(session, now=now, line_user_ids=users) if users else 0


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
