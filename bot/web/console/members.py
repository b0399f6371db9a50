"""Organizations and members: search and filter (organizations flagged where they depend on one person), a
member's profile, the staff role and taking a member off, each through db/members.py (the same rules and audit
entries as LINE and the command line); a contact's handover is in handovers.py."""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bot.texts import catalog as T
from bot.web.console import handovers as member_handovers
from bot.web.console.auth import CsrfDep, StaffDep, render
from bot.web.deps import RuntimeDep, SessionDep
from db.access import DataError, list_members
from db.areas import list_areas, names_by_member
from db.handovers import INACTIVE_LONG, fragile_organizations
from db.members import LastStaff, deactivate, set_staff
from db.models import Member, MemberStatus, Organization
from db.vocabulary import FIELDS

router = APIRouter()
router.include_router(member_handovers.router)  # 引継ぎ, on the member's page
CONFIRMABLE = ("staff_on", "staff_off", "deactivate")


@dataclass(frozen=True)
class MemberFilter:
    q: str = ""
    type: str = ""
    field: str = ""
    area: str = ""
    role: str = ""  # primary, deputy or staff
    status: str = "active"  # active, left, or "" for everyone

    def keeps(self, member: dict, org_type: str) -> bool:
        text = self.q.strip().casefold()
        return ((not text or text in member["name"].casefold() or text in member["organization"].casefold()
                 or text in (member["display_name"] or "").casefold())
                and (not self.type or org_type == self.type)
                and (not self.field or self.field in member["fields"])
                and (not self.area or self.area in member["areas"])
                and (not self.role or (member["staff"] if self.role == "staff" else member["role"] == self.role))
                and (not self.status or member["status"] == self.status))


@dataclass(frozen=True)
class OrgRow:
    organization: Organization
    members: int
    reasons: tuple[str, ...] = ()  # db/handovers.fragile_organizations' reasons

    @property
    def flags(self) -> list[str]:
        labels = [T.CONSOLE_ORG_FLAGS[r].format(days=INACTIVE_LONG.days) for r in self.reasons]
        return labels or ([] if self.members else [T.CONSOLE_ORG_NO_MEMBERS])


async def organization_rows(session, now: datetime) -> list[OrgRow]:
    """Every organization with its active members counted, flagged where it depends on one person by the same
    rules as the weekly note to staff (db/handovers.fragile_organizations)."""
    fragile = {f.organization_id: f.reasons for f in await fragile_organizations(session, now)}
    counts = dict((await session.execute(select(Member.organization_id, func.count(Member.id)).where(
        Member.status == MemberStatus.active).group_by(Member.organization_id))).all())
    rows = [OrgRow(org, counts.get(org.id, 0), fragile.get(org.id, ()))
            for org in await session.scalars(select(Organization).order_by(Organization.name))]
    return sorted(rows, key=lambda r: (not r.flags, r.organization.name))


@router.get("/members", response_class=HTMLResponse)
async def members_page(request: Request, staff: StaffDep, session: SessionDep, runtime: RuntimeDep, q: str = "",
                       type: str = "", field: str = "", area: str = "", role: str = "",
                       status: str = "active") -> HTMLResponse:
    """The organizations (flagged where one person carries them) and the members, filtered."""
    wanted = MemberFilter(q=q[:100], type=type, field=field, area=area, role=role, status=status)
    org_types = dict((await session.execute(select(Organization.id, Organization.org_type))).all())
    members = [m for m in await list_members(session) if wanted.keeps(m, org_types.get(m["organization_id"], ""))]
    if request.headers.get("HX-Target") == "member-list":  # the list alone, as the filters change
        await session.commit()
        return render(request, "console/members_list.html", staff, members=members)
    orgs = await organization_rows(session, runtime.clock.now())
    areas = [a.name for a in await list_areas(session)]
    await session.commit()
    return render(request, "console/members.html", staff, members=members, wanted=wanted, orgs=orgs, areas=areas,
                  fields=FIELDS, flagged=sum(1 for row in orgs if row.flags))


async def _member(session, member_id: int) -> Member:
    member = await session.scalar(select(Member).options(selectinload(Member.organization))
                                  .where(Member.id == member_id))
    if member is None:
        raise HTTPException(404)
    return member


@router.get("/members/{member_id}", response_class=HTMLResponse)
async def member_page(request: Request, member_id: int, staff: StaffDep, session: SessionDep, runtime: RuntimeDep,
                      confirm: str = "", done: str = "", refused: str = "", successor: int | None = None,
                      handover: int | None = None, handover_refused: str = "", undo_refused: str = "") -> HTMLResponse:
    """A member's profile, phone included (staff only see this page), with the staff role, 退会 and 引継ぎ."""
    member = await _member(session, member_id)
    areas = (await names_by_member(session)).get(member.id, [])
    handovers = await member_handovers.page_context(session, member, staff, runtime, confirm=confirm,
                                                    successor=successor, handover_id=handover)
    await session.commit()
    refusal = (T.CONSOLE_MEMBER_REFUSED.get(refused) or T.CONSOLE_HANDOVER_REFUSED.get(handover_refused)
               or T.CONSOLE_HANDOVER_UNDO_REFUSED.get(undo_refused) or handovers.refused)
    return render(request, "console/member.html", staff, member=member, areas=areas, handovers=handovers,
                  confirm=confirm if confirm in CONFIRMABLE else "",
                  done=T.CONSOLE_MEMBER_DONE.get(done) or T.CONSOLE_HANDOVER_DONE.get(done), refused=refusal)


def _back(member_id: int, **query: str) -> Response:
    return RedirectResponse(f"/console/members/{member_id}?" + "&".join(f"{k}={v}" for k, v in query.items()),
                            status_code=303)


@router.post("/members/{member_id}/staff")
async def change_staff(member_id: int, staff: CsrfDep, runtime: RuntimeDep,
                       make: Annotated[int, Form()]) -> Response:
    """Give (make=1) or take (make=0) the staff role; the last active staff member keeps it."""
    try:
        async with runtime.sessions() as session, session.begin():
            await set_staff(session, member_id=member_id, staff=bool(make), actor=staff.actor,
                            now=runtime.clock.now())
    except LastStaff:
        return _back(member_id, refused="last_staff")
    except DataError:
        return _back(member_id, refused="not_active")
    return _back(member_id, done="staff_on" if make else "staff_off")


@router.post("/members/{member_id}/deactivate")
async def take_off(member_id: int, staff: CsrfDep, runtime: RuntimeDep) -> Response:
    """退会: nothing is sent to the member any more; their history stays."""
    try:
        async with runtime.sessions() as session, session.begin():
            await deactivate(session, member_id=member_id, actor=staff.actor, now=runtime.clock.now())
    except LastStaff:
        return _back(member_id, refused="last_staff")
    except DataError:
        raise HTTPException(404)
    return _back(member_id, done="deactivate")
