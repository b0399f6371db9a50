"""Organizations and members: search and filter, a member's profile, the staff role and taking a member
off, each through db/members.py (the same rules and audit entries as LINE and the command line)."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.texts import catalog as T
from bot.web.console.auth import CsrfDep, StaffDep, render
from bot.web.deps import RuntimeDep, SessionDep
from db.access import DataError, list_members
from db.areas import list_areas, names_by_member
from db.members import LastStaff, deactivate, set_staff
from db.models import Member, MemberRole, MemberStatus, Organization
from db.vocabulary import FIELDS

router = APIRouter()
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
    primaries: int
    deputies: int

    @property
    def flags(self) -> list[str]:
        if not self.members:
            return [T.CONSOLE_ORG_NO_MEMBERS]
        return ([T.CONSOLE_ORG_NO_PRIMARY] if not self.primaries else []) + (
            [T.CONSOLE_ORG_NO_DEPUTY] if not self.deputies else [])


async def organization_rows(session) -> list[OrgRow]:
    """Every organization with its active members counted by role; those depending on one person are flagged."""
    orgs = list(await session.scalars(select(Organization).options(selectinload(Organization.members))
                                      .order_by(Organization.name)))
    rows = []
    for org in orgs:
        active = [m for m in org.members if m.status == MemberStatus.active]
        rows.append(OrgRow(org, len(active), sum(m.role == MemberRole.primary for m in active),
                           sum(m.role == MemberRole.deputy for m in active)))
    return sorted(rows, key=lambda r: (not r.flags, r.organization.name))


@router.get("/members", response_class=HTMLResponse)
async def members_page(request: Request, staff: StaffDep, session: SessionDep, q: str = "", type: str = "",
                       field: str = "", area: str = "", role: str = "", status: str = "active") -> HTMLResponse:
    """The organizations (flagged where one person carries them) and the members, filtered."""
    wanted = MemberFilter(q=q[:100], type=type, field=field, area=area, role=role, status=status)
    orgs = await organization_rows(session)
    org_types = {row.organization.id: row.organization.org_type for row in orgs}
    members = [m for m in await list_members(session) if wanted.keeps(m, org_types.get(m["organization_id"], ""))]
    areas = [a.name for a in await list_areas(session)]
    await session.commit()
    context = dict(members=members, wanted=wanted, orgs=orgs, areas=areas, fields=FIELDS, org_types=org_types,
                   flagged=sum(1 for row in orgs if row.flags))
    if request.headers.get("HX-Target") == "member-list":
        return render(request, "console/members_list.html", staff, **context)
    return render(request, "console/members.html", staff, **context)


async def _member(session, member_id: int) -> Member:
    member = await session.scalar(select(Member).options(selectinload(Member.organization))
                                  .where(Member.id == member_id))
    if member is None:
        raise HTTPException(404)
    return member


@router.get("/members/{member_id}", response_class=HTMLResponse)
async def member_page(request: Request, member_id: int, staff: StaffDep, session: SessionDep, confirm: str = "",
                      done: str = "", refused: str = "") -> HTMLResponse:
    """A member's profile, phone included (staff only see this page), with the staff role and 退会."""
    member = await _member(session, member_id)
    areas = (await names_by_member(session)).get(member.id, [])
    await session.commit()
    return render(request, "console/member.html", staff, member=member, areas=areas,
                  confirm=confirm if confirm in CONFIRMABLE else "", done=T.CONSOLE_MEMBER_DONE.get(done),
                  refused=T.CONSOLE_MEMBER_REFUSED.get(refused))


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
