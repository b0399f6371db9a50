"""The audit log and staff's changes to members: entries are added with each change, and the
database refuses to change or delete them."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from bot.texts import catalog as T
from db import audit
from db.access import DataError, create_invite, create_organization, register_member
from db.engine import create_engine, session_factory
from db.members import LastStaff, deactivate, revoke_invite, set_role, set_staff
from db.models import AuditEntry, Member, MemberRole, OrgType

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
PROFILE = {"name": "市役所 職員", "fields": ["防災"], "role": "primary"}


@pytest.fixture
async def sessions(database_url):
    engine = create_engine(database_url)
    yield session_factory(engine)
    await engine.dispose()


async def members(session, count: int, *, staff: bool) -> list[Member]:
    org = await create_organization(session, name="北市役所", org_type=OrgType.municipality, now=NOW)
    invite = await create_invite(session, organization_id=org.id, now=NOW, is_staff=staff, max_uses=count)
    return [await register_member(session, invite_id=invite.id, line_user_id=f"U{i:032d}",
                                  profile=PROFILE | {"name": f"職員{i}"}, now=NOW) for i in range(count)]


async def test_each_change_is_recorded_once_with_who_and_where(sessions):
    async with sessions() as session, session.begin():
        first, second = await members(session, 2, staff=True)
        actor = audit.Actor.of(first, audit.Door.console, origin="192.0.2.7")
        await set_staff(session, member_id=second.id, staff=False, actor=actor, now=NOW)
        await set_staff(session, member_id=second.id, staff=False, actor=actor, now=NOW)  # no change, no entry
        await set_role(session, member_id=second.id, role=MemberRole.deputy, actor=actor, now=NOW)
        await deactivate(session, member_id=second.id, actor=actor, now=NOW + timedelta(minutes=1))
    async with sessions() as session:
        rows = await audit.entries(session)
        assert [(e.action, e.actor_label, e.door, e.origin, e.target_label) for e in rows] == [
            ("member.deactivate", "職員0", "console", "192.0.2.7", "職員1"),
            ("member.role", "職員0", "console", "192.0.2.7", "職員1"),
            ("member.staff_off", "職員0", "console", "192.0.2.7", "職員1"),
        ]
        assert rows[1].details == {"role": "deputy"}
        assert await audit.count(session, where=audit.AuditFilter(action="member.")) == 3
        assert await audit.count(session, where=audit.AuditFilter(action="member.role")) == 1
        assert await audit.count(session, where=audit.AuditFilter(since=NOW + timedelta(seconds=30))) == 1
        left = await session.get(Member, second.id)
        assert (left.status, left.is_staff) == ("left", False)


async def test_the_last_staff_member_keeps_the_role(sessions):
    async with sessions() as session, session.begin():
        (only,) = await members(session, 1, staff=True)
        actor = audit.Actor(door=audit.Door.cli, label="root@server")
        with pytest.raises(LastStaff):
            await set_staff(session, member_id=only.id, staff=False, actor=actor, now=NOW)
        with pytest.raises(LastStaff):
            await deactivate(session, member_id=only.id, actor=actor, now=NOW)
        with pytest.raises(DataError):
            await set_staff(session, member_id=999, staff=True, actor=actor, now=NOW)
    async with sessions() as session:
        assert await audit.count(session) == 0
        assert (await session.get(Member, only.id)).is_staff


async def test_a_revoked_invite_cannot_be_used(sessions):
    async with sessions() as session, session.begin():
        org = await create_organization(session, name="NPO法人 みどりの会", org_type=OrgType.npo, now=NOW)
        invite = await create_invite(session, organization_id=org.id, now=NOW, max_uses=5)
        await revoke_invite(session, invite_id=invite.id, actor=audit.Actor(door=audit.Door.api, label="API"), now=NOW)
        assert await register_member(session, invite_id=invite.id, line_user_id="U" + "1" * 32, profile=PROFILE,
                                     now=NOW) == "revoked"
        (entry,) = await audit.entries(session)
        assert (entry.action, entry.target_label) == ("invite.revoke", f"NPO法人 みどりの会 {invite.code}")


async def test_the_database_refuses_to_change_or_delete_an_entry(sessions):
    async with sessions() as session, session.begin():
        await audit.record(session, actor=audit.Actor(door=audit.Door.cli, label="root@server"),
                           action="organization.create", now=NOW, target_kind="organization", target_id=1)
    for statement in (update(AuditEntry).values(actor_label="someone else"), delete(AuditEntry)):
        with pytest.raises(DBAPIError, match="the audit log cannot be changed"):
            async with sessions() as session, session.begin():
                await session.execute(statement)
    async with sessions() as session:
        assert [e.actor_label for e in await session.scalars(select(AuditEntry))] == ["root@server"]


def test_every_action_has_japanese_words():
    assert set(T.AUDIT_ACTIONS) == set(audit.ACTIONS)
    assert set(T.AUDIT_DOORS) == set(audit.Door)
