"""LINE's monthly message limit as the service has met it: the months it held, the staff told."""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.access import upsert
from db.models import LineMonthlyLimit, LineMonthlyLimitNotice


async def limit_holds(session: AsyncSession, *, month: str) -> bool:
    """Whether LINE refused pushes for the monthly limit this month and has not allowed them since."""
    return await session.scalar(select(LineMonthlyLimit.month).where(
        LineMonthlyLimit.month == month, LineMonthlyLimit.lifted_at.is_(None))) is not None


async def record_limit_reached(session: AsyncSession, *, month: str, now: datetime) -> None:
    """The limit holds from now (again, if it had been lifted this month); staff already told stay told."""
    await upsert(session, LineMonthlyLimit, {"month": month, "reached_at": now, "lifted_at": None}, keys=["month"])


async def record_limit_lifted(session: AsyncSession, *, month: str, now: datetime) -> bool:
    """LINE allows pushes again this month; True if the limit was holding until now."""
    result = await session.execute(update(LineMonthlyLimit).where(
        LineMonthlyLimit.month == month, LineMonthlyLimit.lifted_at.is_(None)).values(lifted_at=now))
    return result.rowcount > 0


async def first_notice(session: AsyncSession, *, month: str, member_id: int, now: datetime) -> bool:
    """Record that this staff member is being told of the month's limit; False if they already were."""
    told = await session.scalar(select(LineMonthlyLimitNotice.member_id).where(
        LineMonthlyLimitNotice.month == month, LineMonthlyLimitNotice.member_id == member_id))
    if told is not None:
        return False
    await upsert(session, LineMonthlyLimitNotice, {"month": month, "member_id": member_id, "told_at": now},
                 keys=["month", "member_id"])
    return True
