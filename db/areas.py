"""Areas (地区): the list the secretariat keeps, members' links to it, and mapping the free text of old."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Area, Member, MemberArea, MemberStatus
from db.rules.areas import MAX_AREA_NAME, MAX_TYPED_NAME, clean_name, key_of, match_area, split_areas


class AreaError(ValueError):
    """An area name that cannot be added or removed; the message says why."""


class AreaExists(AreaError):
    """The list has this area already (or one that differs only by 地区/地域/エリア)."""


async def list_areas(session: AsyncSession) -> list[Area]:
    return list(await session.scalars(select(Area).order_by(Area.id)))


async def area_counts(session: AsyncSession) -> list[tuple[Area, int]]:
    """Every area with the number of active members in it, in the order they were added."""
    count = func.count(Member.id)
    rows = await session.execute(
        select(Area, count).outerjoin(MemberArea, MemberArea.area_id == Area.id)
        .outerjoin(Member, (Member.id == MemberArea.member_id) & (Member.status == MemberStatus.active))
        .group_by(Area.id).order_by(Area.id))
    return [(area, n) for area, n in rows]


async def add_area(session: AsyncSession, name: str, now: datetime) -> Area:
    name = clean_name(name)
    if not 1 <= len(name) <= MAX_AREA_NAME:
        raise AreaError(f"an area's name is 1-{MAX_AREA_NAME} characters")
    for area in await list_areas(session):
        if area.name == name or key_of(area.name) == key_of(name):
            raise AreaExists(area.name)
    area = Area(name=name, created_at=now)
    session.add(area)
    await session.flush()
    return area


async def remove_area(session: AsyncSession, name: str) -> int:
    """Remove an area from the list and from every member's areas; returns how many members had it."""
    area = await session.scalar(select(Area).where(Area.name == clean_name(name)))
    if area is None:
        raise AreaError(f"no area named {name!r}")
    had = await session.scalar(select(func.count()).select_from(MemberArea).where(MemberArea.area_id == area.id))
    await session.execute(delete(MemberArea).where(MemberArea.area_id == area.id))
    await session.delete(area)
    await session.flush()
    return had or 0


async def member_area_ids(session: AsyncSession, member_id: int) -> list[int]:
    return list(await session.scalars(select(MemberArea.area_id).where(MemberArea.member_id == member_id)
                                      .order_by(MemberArea.area_id)))


async def area_names(session: AsyncSession, ids: list[int]) -> list[str]:
    if not ids:
        return []
    return list(await session.scalars(select(Area.name).where(Area.id.in_(ids)).order_by(Area.id)))


async def set_member_areas(session: AsyncSession, member_id: int, area_ids: list[int]) -> None:
    """The member's areas become these (those still on the list)."""
    existing = set(await session.scalars(select(Area.id).where(Area.id.in_(area_ids)))) if area_ids else set()
    await session.execute(delete(MemberArea).where(MemberArea.member_id == member_id))
    session.add_all(MemberArea(member_id=member_id, area_id=area_id) for area_id in sorted(existing))
    await session.flush()


async def names_by_member(session: AsyncSession) -> dict[int, list[str]]:
    """Every member's area names, for exports."""
    rows = await session.execute(select(MemberArea.member_id, Area.name).join(Area, Area.id == MemberArea.area_id)
                                 .order_by(MemberArea.member_id, Area.id))
    out: dict[int, list[str]] = {}
    for member_id, name in rows:
        out.setdefault(member_id, []).append(name)
    return out


# Mapping the free text typed before areas were a list

@dataclass
class Unmapped:
    member_id: int
    name: str
    typed: str
    parts: list[str]  # the parts no listed area matched


@dataclass
class MappingReport:
    linked: int = 0                                         # member-area links made
    members: int = 0                                        # members with a free-text area
    created: list[str] = field(default_factory=list)        # areas added to the list (with create)
    unmapped: list[Unmapped] = field(default_factory=list)


async def map_free_text(session: AsyncSession, now: datetime, *, create: bool, dry_run: bool = False) -> MappingReport:
    """Link every member whose area was typed as text to the listed areas its parts name.

    「北地区・中央地区」 links to both; a part no listed area matches is reported (or, with
    `create`, added to the list). A member whose every part matched has the text cleared, so a
    second run reports only what is still open. Nothing is written with `dry_run`.
    """
    names = [area.name for area in await list_areas(session)]
    ids = {area.name: area.id for area in await list_areas(session)}
    report = MappingReport()
    members = await session.scalars(select(Member).where(Member.area.is_not(None), Member.area != "")
                                    .order_by(Member.id))
    for member in members:
        report.members += 1
        linked, missing = set(await member_area_ids(session, member.id)), []
        parts = split_areas(member.area)
        for part in parts:
            found = match_area(part, names)
            if found is None and create and len(clean_name(part)) <= MAX_TYPED_NAME:
                found = clean_name(part)
                names.append(found)
                report.created.append(found)
                if not dry_run:
                    ids[found] = (await add_area(session, found, now)).id
            if found is None:
                missing.append(part)
                continue
            area_id = ids.get(found)
            if area_id is not None and area_id in linked:
                continue
            report.linked += 1
            if not dry_run:
                session.add(MemberArea(member_id=member.id, area_id=area_id))
                linked.add(area_id)
        if missing or not parts:
            report.unmapped.append(Unmapped(member.id, member.name, member.area, missing))
        elif not dry_run:
            member.area = None
    if not dry_run:
        await session.flush()
    return report
