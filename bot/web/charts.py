"""The route LINE fetches KPI chart images from (drawn and signed by handlers.kpi.charts)."""

from collections import OrderedDict
from itertools import accumulate

from fastapi import APIRouter, HTTPException, Response
from starlette.concurrency import run_in_threadpool

from bot.texts import catalog as T
from bot.texts.formats import period_label
from bot.web.deps import RuntimeDep, SessionDep
from db.kpis import series
from db.models import Kpi, KpiTargetKind
from db.rules.kpi_numbers import format_value
from handlers.kpi.charts import render_chart, valid_signature

router = APIRouter()

_CACHE: OrderedDict[tuple, bytes] = OrderedDict()
_CACHE_SIZE = 64


@router.get("/kpi/{kpi_id}/chart.png")
async def kpi_chart(kpi_id: int, runtime: RuntimeDep, session: SessionDep, v: int = 0, s: str = "",
                    sig: str = "") -> Response:
    """The chart LINE fetches for an image message; 404 unless the signature matches."""
    if not valid_signature(runtime.settings.line_channel_secret, kpi_id, v, s, sig):
        raise HTTPException(404, "no such chart")
    key = (kpi_id, v, s)
    if key not in _CACHE:
        kpi = await session.get(Kpi, kpi_id)
        reports = await series(session, kpi_id) if kpi else []
        if kpi is None:
            raise HTTPException(404, "no such chart")
        values, actual = [r.value for r in reports], T.KPI_CHART_ACTUAL
        if kpi.target_kind == KpiTargetKind.total:  # the running total climbs towards the target
            values, actual = list(accumulate(v or 0 for v in values)), T.KPI_CHART_TOTAL
        body = await run_in_threadpool(
            render_chart, title=kpi.name, unit=kpi.unit, labels=[period_label(r.period) for r in reports],
            values=values, target=kpi.target_value, actual_label=actual,
            target_label=T.KPI_CHART_TARGET.format(target=format_value(kpi.target_value, kpi.unit)), size=s)
        _CACHE[key] = body
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return Response(_CACHE[key], media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})
