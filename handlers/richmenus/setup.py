"""Making Renkei's rich menus exist on LINE: at start-up, once, whichever process gets there first.

A process claims the menus that are missing (or whose layout changed) in the database, so two
starting at once do not both create them; the one that claimed them first looks on LINE for a
menu of that name (a process that died after creating one), creates what is not there, uploads
its image, and records its id. Then the tabs' aliases and the default menu (for those not yet
registered) are pointed at the current menus, and members who have no menu yet get theirs.
"""

import asyncio
import logging

from db.richmenus import claim_menus, link_everyone, menu_ids, record_menu, release_menus
from handlers.richmenus.images import menu_image
from handlers.richmenus.layouts import DEFAULT, MENUS, TABBED

log = logging.getLogger(__name__)
RETRY_SECONDS = (1, 2, 5, 15, 60, 300)


async def _create(gateway, key: str, on_line: dict[str, str]) -> str | None:
    """The LINE id of the menu `key` with its image, made now unless LINE has it under its name."""
    menu = MENUS[key]
    rich_menu_id = on_line.get(menu.name)
    if rich_menu_id is not None and await gateway.rich_menu_has_image(rich_menu_id):
        return rich_menu_id
    if rich_menu_id is None:
        rich_menu_id = await gateway.create_rich_menu({**menu.request(), "name": menu.name})
        if rich_menu_id is None:
            return None
    image, content_type = menu_image(menu)
    return rich_menu_id if await gateway.upload_rich_menu_image(rich_menu_id, image, content_type) else None


async def ensure_rich_menus(*, gateway, sessions, clock) -> bool:
    """One pass; False when LINE did not answer and it should be tried again."""
    names = {key: menu.name for key, menu in MENUS.items()}
    async with sessions() as session, session.begin():
        mine = await claim_menus(session, names, clock.now())
    if mine and not await _create_claimed(gateway, sessions, clock, mine, names):
        return False
    async with sessions() as session:
        ids = await menu_ids(session)
    if any(key not in ids for key in MENUS):
        return False  # another process is creating the rest: look again soon
    if not await _point_aliases(gateway, ids) or not await _set_default(gateway, ids[DEFAULT]):
        return False
    async with sessions() as session, session.begin():
        await link_everyone(session, clock.now())
    await gateway.sync_menu_links()
    return True


async def _create_claimed(gateway, sessions, clock, mine: list[str], names: dict[str, str]) -> bool:
    """Create the menus this process claimed; what it could not is handed back for the next try."""
    left = list(mine)
    try:
        on_line = await gateway.rich_menus()
        if on_line is None:
            return False
        while left:
            rich_menu_id = await _create(gateway, left[0], on_line)
            if rich_menu_id is None:
                return False
            async with sessions() as session, session.begin():
                await record_menu(session, left[0], name=names[left[0]], rich_menu_id=rich_menu_id, now=clock.now())
            log.info("rich menu %s is %s", left[0], rich_menu_id)
            left.pop(0)
        return True
    finally:
        if left:
            async with sessions() as session, session.begin():
                await release_menus(session, left)


async def _point_aliases(gateway, ids: dict[str, str]) -> bool:
    aliases = await gateway.rich_menu_aliases()
    if aliases is None:
        return False
    for key in TABBED:
        alias = MENUS[key].alias
        if aliases.get(alias) != ids[key] and not await gateway.point_rich_menu_alias(
                alias, ids[key], exists=alias in aliases):
            return False
    return True


async def _set_default(gateway, rich_menu_id: str) -> bool:
    return await gateway.default_rich_menu() == rich_menu_id or await gateway.set_default_rich_menu(rich_menu_id)


async def keep_rich_menus(*, gateway, sessions, clock, stop: asyncio.Event | None = None) -> None:
    """Run `ensure_rich_menus` until it succeeds, waiting longer after each failure (LINE may be away),
    or until `stop` is set (the process is stopping: a round under way is let finish, not cut off
    inside a database transaction)."""
    stop = stop or asyncio.Event()
    for attempt in range(10_000):
        try:
            if await ensure_rich_menus(gateway=gateway, sessions=sessions, clock=clock):
                return
        except Exception:
            log.exception("setting up the rich menus failed")
        try:
            await asyncio.wait_for(stop.wait(), RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)])
            return
        except TimeoutError:
            pass
