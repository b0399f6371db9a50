"""Segments: who a notice or reminder is for, written as a short spec ("type:npo", "field:防災")."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.vocabulary import FIELDS
from db.models import (
    Agreement,
    Area,
    AgreementOrganization,
    GroupMember,
    LineGroup,
    Member,
    MemberArea,
    MemberRole,
    MemberStatus,
    Organization,
    OrgType,
)

KINDS = ("all", "staff", "type", "field", "area", "role", "agreement", "group", "orgs", "members")
SEGMENT_HELP = "all | staff | type:npo | field:防災 | area:北地区 | role:primary|deputy | agreement:ID | group:GROUP_ID | orgs:ID,ID | members:ID,ID"


class SegmentError(ValueError):
    """A segment spec that names nothing valid; the message says why."""


@dataclass(frozen=True)
class Recipient:
    member_id: int
    line_user_id: str
    organization_id: int = 0
    role: str = ""


@dataclass(frozen=True)
class Segment:
    kind: str
    value: str = ""

    @classmethod
    def parse(cls, spec: str) -> "Segment":
        kind, _, value = spec.strip().partition(":")
        kind, value = kind.strip(), value.strip()
        if kind not in KINDS:
            raise SegmentError(f"unknown segment {spec!r}; use one of: {SEGMENT_HELP}")
        if kind in ("all", "staff"):
            if value:
                raise SegmentError(f"segment {kind!r} takes no value")
            return cls(kind)
        if not value:
            raise SegmentError(f"segment {kind!r} needs a value, e.g. {SEGMENT_HELP}")
        if kind == "type" and value not in {t.value for t in OrgType}:
            raise SegmentError(f"unknown organization type {value!r}")
        if kind == "field" and value not in FIELDS:
            raise SegmentError(f"unknown field {value!r}; fields: {', '.join(FIELDS)}")
        if kind == "role" and value not in {r.value for r in MemberRole}:
            raise SegmentError(f"unknown role {value!r}; roles: primary, deputy")
        if kind == "agreement" and not value.isdigit():
            raise SegmentError("agreement: needs the agreement's id")
        if kind in ("orgs", "members"):
            ids = [part.strip() for part in value.split(",") if part.strip()]
            if not ids or not all(part.isdigit() for part in ids):
                raise SegmentError(f"{kind}: needs ids separated by commas")
            value = ",".join(str(i) for i in sorted({int(part) for part in ids}))
        return cls(kind, value)

    @property
    def spec(self) -> str:
        return f"{self.kind}:{self.value}" if self.value else self.kind

    async def check(self, session: AsyncSession) -> None:
        """Raise SegmentError when what the segment names does not exist."""
        if self.kind == "agreement" and await session.get(Agreement, int(self.value)) is None:
            raise SegmentError(f"no agreement with id {self.value}")
        if self.kind == "area" and await session.scalar(select(Area.id).where(Area.name == self.value)) is None:
            raise SegmentError(f"no area named {self.value!r} (see: renkei area list)")
        if self.kind == "group" and await session.get(LineGroup, self.value) is None:
            raise SegmentError(f"the bot is not in a group with id {self.value}")
        if self.kind == "orgs":
            ids = [int(part) for part in self.value.split(",")]
            found = set(await session.scalars(select(Organization.id).where(Organization.id.in_(ids))))
            if missing := sorted(set(ids) - found):
                raise SegmentError(f"no organization with id {', '.join(map(str, missing))}")

    def query(self):
        """The active members the segment covers (id, line_user_id, organization_id, role, fields), as
        one SELECT; for a field segment a superset, narrowed by `members` (fields are a JSON list)."""
        query = select(Member.id, Member.line_user_id, Member.organization_id, Member.role, Member.fields).where(
            Member.status == MemberStatus.active)
        if self.kind == "staff":
            query = query.where(Member.is_staff.is_(True))
        elif self.kind == "type":
            query = query.join(Organization, Organization.id == Member.organization_id).where(
                Organization.org_type == self.value)
        elif self.kind == "area":
            query = query.join(MemberArea, MemberArea.member_id == Member.id).join(
                Area, Area.id == MemberArea.area_id).where(Area.name == self.value)
        elif self.kind == "role":
            query = query.where(Member.role == self.value)
        elif self.kind == "agreement":
            query = query.join(AgreementOrganization, AgreementOrganization.organization_id == Member.organization_id
                               ).where(AgreementOrganization.agreement_id == int(self.value))
        elif self.kind == "group":
            query = query.join(GroupMember, GroupMember.line_user_id == Member.line_user_id).where(
                GroupMember.group_id == self.value)
        elif self.kind == "orgs":
            query = query.where(Member.organization_id.in_([int(part) for part in self.value.split(",")]))
        elif self.kind == "members":
            query = query.where(Member.id.in_([int(part) for part in self.value.split(",")]))
        return query

    async def members(self, session: AsyncSession) -> list[Recipient]:
        """The active members the segment covers, in a stable order."""
        query = self.query()
        rows = await session.execute(query.order_by(Member.id))
        return [Recipient(member_id, user_id, org_id, role) for member_id, user_id, org_id, role, fields in rows
                if self.kind != "field" or self.value in (fields or [])]
