"""Registering a member through the data-access function the dialog and the demo share."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from db.access import DataError, create_invite, create_organization, register_member
from db.engine import create_engine, session_factory
from db.models import Invite, Member, OrgType

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
USER, OTHER = "U" + "1" * 32, "U" + "2" * 32
PROFILE = {"name": "NPO 代表", "fields": ["福祉"], "role": "primary", "area": "北地区", "needs": ["人手"],
           "offers": [], "intro_now": "子ども食堂を運営しています。"}


@pytest.fixture
async def session(database_url):
    engine = create_engine(database_url)
    async with session_factory(engine)() as session, session.begin():
        yield session
    await engine.dispose()


async def invite(session, **options) -> Invite:
    org = await create_organization(session, name="NPO法人 みどりの会", org_type=OrgType.npo, now=NOW)
    return await create_invite(session, organization_id=org.id, now=NOW, **options)


async def test_an_invite_makes_a_member_once_per_use(session):
    code = await invite(session)
    member = await register_member(session, invite_id=code.id, line_user_id=USER, profile=PROFILE, now=NOW)
    assert (member.organization_id, member.name, member.fields, member.status) == (code.organization_id, "NPO 代表",
                                                                                   ["福祉"], "active")
    assert await register_member(session, invite_id=code.id, line_user_id=OTHER, profile=PROFILE, now=NOW) == "used-up"
    assert [m.line_user_id for m in await session.scalars(select(Member))] == [USER]


async def test_an_expired_invite_or_an_impossible_profile_changes_nothing(session):
    code = await invite(session, valid_for=timedelta(days=1))
    later = NOW + timedelta(days=2)
    assert await register_member(session, invite_id=code.id, line_user_id=USER, profile=PROFILE, now=later) == "expired"
    for wrong in ({"fields": ["宇宙開発"]}, {"fields": []}, {"role": "boss"}, {"name": " "}, {"offers": ["お金"]},
                  {"intro_now": "あ" * 301}):
        with pytest.raises(DataError):
            await register_member(session, invite_id=code.id, line_user_id=USER, profile=PROFILE | wrong, now=NOW)
    await session.refresh(code)
    assert code.uses == 0 and list(await session.scalars(select(Member))) == []
