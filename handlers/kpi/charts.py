"""KPI charts (target line and actual values over time) as PNG images, and the signed URLs LINE fetches them by.

The URL carries an HMAC of the KPI and its latest report, so that only someone the bot sent
it to can fetch the chart, and a new report gives a new URL (LINE caches images by URL).
"""

import hashlib
import hmac
import io

from bot.settings import Settings
from bot.texts import catalog as T

# (width, height) in pixels: LINE shows the preview in the chat and opens the original.
SIZES = {"l": (1200, 800), "s": (480, 320)}


def chart_signature(secret: str, kpi_id: int, version: int, size: str) -> str:
    key = hmac.new(secret.encode(), b"renkei kpi charts", hashlib.sha256).digest()
    return hmac.new(key, f"{kpi_id}:{version}:{size}".encode(), hashlib.sha256).hexdigest()[:32]


def valid_signature(secret: str | None, kpi_id: int, version: int, size: str, signature: str) -> bool:
    """The URL's signature is the bot's, for this KPI, version and size."""
    return size in SIZES and bool(secret) and hmac.compare_digest(
        signature, chart_signature(secret, kpi_id, version, size))


def chart_urls(settings: Settings, kpi_id: int, version: int) -> tuple[str, str] | None:
    """The original and preview URLs of a KPI's chart, or None without an HTTPS PUBLIC_BASE_URL (in local
    mode the simulator's page fetches them from this process, over plain HTTP)."""
    base = settings.public_base_url or ""
    if not (base.startswith("https://") or (settings.local_mode and base)) or not settings.line_channel_secret:
        return None  # LINE fetches images over HTTPS only, and refuses the whole reply otherwise
    return tuple(f"{settings.public_base_url}/kpi/{kpi_id}/chart.png?v={version}&s={size}"
                 f"&sig={chart_signature(settings.line_channel_secret, kpi_id, version, size)}" for size in ("l", "s"))


def render_chart(*, title: str, unit: str, labels: list[str], values: list[float | None], target: float,
                 target_label: str, size: str = "l", actual_label: str = T.KPI_CHART_ACTUAL) -> bytes:
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
                  label=actual_label)
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
