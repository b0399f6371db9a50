"""The exports as staff open them in a spreadsheet: Japanese headings and Japanese values (無事, はい, 主担当),
never the codes the database stores (safe, True, primary); times in the product's zone."""

from datetime import datetime, tzinfo

from bot.texts import catalog as T
from bot.texts.formats import period_label


def _yes_no(value) -> str:
    return T.EXPORT_YES if value else T.EXPORT_NO


def _moment(value: datetime | None, tz: tzinfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""


def _words(codes: str, labels: dict) -> str:
    """Codes stored space-separated (「shelter people」, 「防災 福祉」) as the words staff read (避難場所・人員)."""
    return T.EXPORT_LIST_SEP.join(labels.get(code, code) for code in (codes or "").split())


def inert(value):
    """Text a spreadsheet would run as a formula (=, +, -, @) is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _headed(row: dict, headings: dict) -> dict:
    """The row under its Japanese headings; what people typed (names, notes, comments) kept as text."""
    return {headings[key]: inert(row[key]) for key in headings}


def check_rows(rows: list[dict], tz: tzinfo) -> tuple[list[dict], list[str]]:
    """A contact check's export: each member with their first and latest answer."""
    answer = lambda code: T.CHECK_ANSWER_LABELS.get(code, code) if code else T.CHECK_NO_ANSWER  # noqa: E731
    out = [_headed({**row, "role": T.ROLE_LABELS.get(row["role"], row["role"]),
                    "first_status": answer(row["first_status"]), "status": answer(row["status"]),
                    "first_answered_at": _moment(row["first_answered_at"], tz),
                    "answered_at": _moment(row["answered_at"], tz), "by_proxy": _yes_no(row["by_proxy"]),
                    "late": _yes_no(row["late"]), "provisions": _words(row["provisions"], T.CHECK_PROVISION_LABELS)},
                   T.CHECK_EXPORT_COLUMNS) for row in rows]
    return out, list(T.CHECK_EXPORT_COLUMNS.values())


def kpi_rows(rows: list[dict], tz: tzinfo) -> tuple[list[dict], list[str]]:
    """Every KPI report, corrections included (the value replaced has its 訂正された日時)."""
    out = [_headed({**row, "period": period_label(row["period"]), "reported_at": _moment(row["reported_at"], tz),
                    "replaced_at": _moment(row["replaced_at"], tz)}, T.KPI_EXPORT_COLUMNS) for row in rows]
    return out, list(T.KPI_EXPORT_COLUMNS.values())


def intro_rows(rows: list[dict], tz: tzinfo) -> tuple[list[dict], list[str]]:
    """Every introduction as an edge of the network."""
    outcome = lambda code: T.INTRO_OUTCOME_LABELS.get(code, code)  # noqa: E731
    out = [_headed({**row, "introduced_at": _moment(row["introduced_at"], tz), "tie_at": _moment(row["tie_at"], tz),
                    "fields_a": _words(row["fields_a"], {}), "fields_b": _words(row["fields_b"], {}),
                    "cross_field": _yes_no(row["cross_field"]), "tie": _yes_no(row["tie"]),
                    "line_ids_exchanged": _yes_no(row["line_ids_exchanged"]),
                    "outcome_a": outcome(row["outcome_a"]), "outcome_b": outcome(row["outcome_b"])},
                   T.INTRO_EXPORT_COLUMNS) for row in rows]
    return out, list(T.INTRO_EXPORT_COLUMNS.values())
