"""A contact check as a table for spreadsheets: one row per member, headers and values in Japanese.

The command line (`renkei check export`) and the console's download write the same table.
"""

import csv
import io

from sqlalchemy.ext.asyncio import AsyncSession

from db.contact_checks import export_rows
from handlers.exports import check_rows


async def export_table(session: AsyncSession, check_id: int, tz) -> tuple[list[str], list[dict]]:
    """The headers, and one row per member of the check keyed by them."""
    rows, columns = check_rows(await export_rows(session, check_id), tz)
    return columns, rows


def csv_bytes(columns: list[str], rows: list[dict]) -> bytes:
    """CSV in UTF-8 with a byte-order mark, so that spreadsheet programs read the Japanese right."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")
