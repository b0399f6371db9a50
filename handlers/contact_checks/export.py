"""A contact check as a table for spreadsheets: one row per member, headers and values in Japanese.

The command line (`renkei check export`) and the console's download write the same table.
"""

import csv
import io
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.texts import catalog as T
from db.contact_checks import NO_PROVISION, PROVISIONS, export_rows

COLUMNS = ("organization", "member_id", "member", "role", "asked", "first_status", "first_answered_at", "status",
           "answered_at", "answers", "by_proxy", "late", "provisions", "note")


def _moment(moment: datetime | None, tz) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else ""


def _row(row: dict, tz) -> dict:
    answer, provided = T.CHECK_ANSWER_LABELS, T.CHECK_PROVISION_LABELS
    values = {
        **row,
        "role": T.ROLE_LABELS.get(row["role"], row["role"]),
        "first_status": answer.get(row["first_status"], T.CHECK_NO_ANSWER if row["first_status"] is None else ""),
        "status": answer.get(row["status"], T.CHECK_NO_ANSWER if row["status"] is None else ""),
        "first_answered_at": _moment(row["first_answered_at"], tz),
        "answered_at": _moment(row["answered_at"], tz),
        "by_proxy": T.CSV_YES if row["by_proxy"] else T.CSV_NO,
        "late": T.CSV_YES if row["late"] else T.CSV_NO,
        "provisions": "、".join(provided[c] for c in (*PROVISIONS, NO_PROVISION) if c in row["provisions"].split()),
    }
    return {T.CHECK_EXPORT_HEADERS[key]: values[key] for key in COLUMNS}


async def export_table(session: AsyncSession, check_id: int, tz) -> tuple[list[str], list[dict]]:
    """The headers, and one row per member of the check keyed by them."""
    return [T.CHECK_EXPORT_HEADERS[key] for key in COLUMNS], [_row(r, tz) for r in await export_rows(session, check_id)]


def csv_bytes(columns: list[str], rows: list[dict]) -> bytes:
    """CSV in UTF-8 with a byte-order mark, so that spreadsheet programs read the Japanese right."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")
