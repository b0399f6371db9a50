"""Setting the scene for feature tests: organizations and members as registration leaves them."""

from sqlalchemy import select

from bot.fakeline import events as ev
from db.access import create_organization
from db.areas import add_area
from db.models import Area, Member, MemberArea, MemberStatus, Organization, OrgType


async def listed_areas(bot, *names: str) -> dict[str, int]:
    """Areas on the secretariat's list (added if missing), by name."""
    async with bot.runtime.sessions() as session, session.begin():
        out = {}
        for name in names:
            area = await session.scalar(select(Area).where(Area.name == name)) or await add_area(
                session, name, bot.clock.now())
            out[name] = area.id
    return out


class Seed:
    def __init__(self, bot) -> None:
        self.bot = bot
        self._orgs: dict[str, int] = {}

    async def org(self, name: str, org_type: OrgType = OrgType.npo) -> int:
        if name not in self._orgs:
            async with self.bot.runtime.sessions() as session, session.begin():
                org = await session.scalar(select(Organization).where(Organization.name == name)) or \
                    await create_organization(session, name=name, org_type=org_type, now=self.bot.clock.now())
                self._orgs[name] = org.id
        return self._orgs[name]

    async def member(self, name: str, *, org: str, org_type: OrgType = OrgType.npo, fields=("福祉",),
                     staff: bool = False, role: str = "primary", areas=("北地区",)) -> str:
        """A registered, active member in these areas; returns their LINE user id."""
        org_id = await self.org(org, org_type)
        area_ids = await listed_areas(self.bot, *areas)
        user = ev.new_user_id()
        now = self.bot.clock.now()
        async with self.bot.runtime.sessions() as session, session.begin():
            member = Member(line_user_id=user, organization_id=org_id, name=name, fields=list(fields), role=role,
                            is_staff=staff, needs=[], offers=[], status=MemberStatus.active, registered_at=now,
                            updated_at=now)
            session.add(member)
            await session.flush()
            session.add_all(MemberArea(member_id=member.id, area_id=area_ids[area]) for area in areas)
        return user


async def partnership(bot) -> dict[str, str]:
    """A small partnership: one staff member at the city, and members of three organizations."""
    seed = Seed(bot)
    return {
        "staff": await seed.member("市 職員", org="市役所 企画課", org_type=OrgType.municipality, staff=True,
                                   fields=("まちづくり",)),
        "npo": await seed.member("NPO 代表", org="NPO法人 みどりの会", fields=("防災", "福祉")),
        "npo_deputy": await seed.member("NPO 副担当", org="NPO法人 みどりの会", fields=("防災",), role="deputy"),
        "company": await seed.member("企業 担当", org="株式会社 山田建設", org_type=OrgType.company, fields=("防災",)),
        "school": await seed.member("大学 教員", org="市立大学", org_type=OrgType.university, fields=("教育",)),
    }
