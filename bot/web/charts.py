"""KPI charts (target line and actual values over time) as PNG images LINE fetches from Renkei.

The URL carries an HMAC of the KPI and its latest report, so that only someone the bot sent
it to can fetch the chart, and a new report gives a new URL (LINE caches images by URL).
"""

import hashlib
import hmac
import io
from collections import OrderedDict

from fastapi import APIRouter, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from bot.texts import catalog as T
from bot.settings import Settings
from db.rules.kpi_numbers import format_value
from db.kpis import series
from db.models import Kpi

router = APIRouter()

# (width, height) in pixels: LINE shows the preview in the chat and opens the original.
SIZES = {"l": (1200, 800), "s": (480, 320)}
_CACHE: OrderedDict[tuple, bytes] = OrderedDict()
_CACHE_SIZE = 64


def _signature(secret: str, kpi_id: int, version: int, size: str) -> str:
    key = hmac.new(secret.encode(), b"renkei kpi charts", hashlib.sha256).digest()
    return hmac.new(key, f"{kpi_id}:{version}:{size}".encode(), hashlib.sha256).hexdigest()[:32]


def chart_urls(settings: Settings, kpi_id: int, version: int) -> tuple[str, str] | None:
    """The original and preview URLs of a KPI's chart, or None without an HTTPS PUBLIC_BASE_URL."""
    if not (settings.public_base_url or "").startswith("https://") or not settings.line_channel_secret:
        return None  # LINE fetches images over HTTPS only, and refuses the whole reply otherwise
    return tuple(f"{settings.public_base_url}/kpi/{kpi_id}/chart.png?v={version}&s={size}"
                 f"&sig={_signature(settings.line_channel_secret, kpi_id, version, size)}" for size in ("l", "s"))


def render_chart(*, title: str, unit: str, labels: list[str], values: list[float | None], target: float,
                 target_label: str, size: str = "l") -> bytes:
    """A line chart of the actual values with the target as a dashed line, labelled in Japanese."""
    import matplotlib_fontja  # noqa: F401  (registers a font that has Japanese glyphs)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    width, height = SIZES[size]
    dpi = 100 if size == "l" else 80
    figure = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    xs = list(range(len(labels)))
    points = [(x, v) for x, v in zip(xs, values) if v is not None]
    if points:
        axes.plot([x for x, _ in points], [v for _, v in points], marker="o", color="#1F6F43", linewidth=2,
                  label=T.KPI_CHART_ACTUAL)
        for x, v in points:
            axes.annotate(f"{v:,.10g}", (x, v), textcoords="offset points", xytext=(0, 8), ha="center", fontsize=9)
    axes.axhline(target, color="#C0392B", linestyle="--", linewidth=1.5, label=target_label)
    axes.set_xticks(xs, labels, rotation=30 if len(labels) > 6 else 0, ha="right" if len(labels) > 6 else "center")
    axes.set_xlim(-0.5, max(len(labels) - 0.5, 0.5))
    axes.set_ylim(bottom=min(0, *(v for _, v in points)) if points else 0, top=max(target, *(v for _, v in points)) * 1.15
                  if points else target * 1.15)
    axes.set_title(T.KPI_CHART_TITLE.format(name=title, unit=unit) if unit else title, fontsize=14 if size == "l" else 11)
    axes.grid(axis="y", alpha=0.3)
    axes.legend(loc="upper left", fontsize=9)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


@router.get("/kpi/{kpi_id}/chart.png")
async def kpi_chart(kpi_id: int, request: Request, v: int = 0, s: str = "", sig: str = "") -> Response:
    """The chart LINE fetches for an image message; 404 unless the signature matches."""
    from handlers.kpi.messages import period_label  # here: kpi_views builds chart URLs with this module

    runtime = request.app.state.runtime
    secret = runtime.settings.line_channel_secret
    if s not in SIZES or not secret or not hmac.compare_digest(sig, _signature(secret, kpi_id, v, s)):
        raise HTTPException(404, "no such chart")
    key = (kpi_id, v, s)
    if key not in _CACHE:
        async with runtime.sessions() as session:
            kpi = await session.get(Kpi, kpi_id)
            reports = await series(session, kpi_id) if kpi else []
        if kpi is None:
            raise HTTPException(404, "no such chart")
        body = await run_in_threadpool(
            render_chart, title=kpi.name, unit=kpi.unit, labels=[period_label(r.period) for r in reports],
            values=[r.value for r in reports], target=kpi.target_value,
            target_label=T.KPI_CHART_TARGET.format(target=format_value(kpi.target_value, kpi.unit)), size=s)
        _CACHE[key] = body
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return Response(_CACHE[key], media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})
