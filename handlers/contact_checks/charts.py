"""A drill's answer-rate curve: the share of organizations answered over time, as a PNG, with the
moments 25/50/75 % of the organizations had answered marked and written. Under two minutes the time
axis counts seconds, above it whole minutes."""

import io
from datetime import datetime, timedelta

from bot.texts import catalog as T
from db.contact_checks import CheckSummary

SIZE = (1000, 560)
DPI = 100
SECONDS_UNDER = 120  # a span (or a time) shorter than this is counted in seconds


def _units(moment: datetime, start: datetime, unit: float) -> float:
    return max(0.0, (moment - start).total_seconds() / unit)


def _steps(times: list[datetime], total: int, start: datetime, end: datetime,
           unit: float = 60) -> tuple[list[float], list[float]]:
    """The curve as steps: 0 % at the start, one step up per answer, flat until `end` (x in `unit` seconds)."""
    xs, ys = [0.0], [0.0]
    for i, moment in enumerate(times, 1):
        xs.append(_units(moment, start, unit))
        ys.append(100 * i / total if total else 0)
    xs.append(max(_units(end, start, unit), xs[-1]))
    ys.append(ys[-1])
    return xs, ys


def milestone_label(took: timedelta | None) -> str:
    """How long a milestone took, as the board, the chat and the chart write it (45秒, 12分, or 未到達)."""
    if took is None:
        return T.CHECK_MILESTONE_NONE
    seconds = took.total_seconds()
    if seconds < SECONDS_UNDER:
        return T.CHECK_SECONDS.format(seconds=round(seconds))
    return T.CHECK_MINUTES.format(minutes=round(seconds / 60))


def render_answer_curve(summary: CheckSummary, now: datetime) -> bytes:
    """The curve up to the close (or now), labelled in Japanese; matplotlib is loaded only here."""
    import matplotlib_fontja  # noqa: F401  (registers a font that has Japanese glyphs)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    check = summary.check
    start, end = check.started_at, check.closed_at or now
    figure = Figure(figsize=(SIZE[0] / DPI, SIZE[1] / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    unit = 1 if (end - start).total_seconds() < SECONDS_UNDER else 60
    xs, ys = _steps(summary.org_first_answers(), len(summary.orgs), start, end, unit)
    axes.step(xs, ys, where="post", color="#1F6F43", linewidth=2.2, label=T.CHECK_CHART_ORGS)
    for share, took in summary.milestones().items():
        axes.axhline(share, color="#A0AEC0", linewidth=0.8, linestyle="--")
        if took is None:
            continue
        at = took.total_seconds() / unit
        axes.plot([at], [share], marker="o", color="#C53030")
        axes.annotate(T.CHECK_CHART_MILESTONE.format(share=share, took=milestone_label(took)), (at, share),
                      textcoords="offset points", xytext=(8, -14), fontsize=10, color="#C53030")
    axes.set_xlim(0, max(xs[-1], 1))
    axes.xaxis.set_major_locator(MaxNLocator(nbins=10, integer=True, steps=[1, 2, 5, 10]))
    axes.set_ylim(0, 105)
    axes.set_xlabel(T.CHECK_CHART_X_SECONDS if unit == 1 else T.CHECK_CHART_X)
    axes.set_ylabel(T.CHECK_CHART_Y)
    axes.set_title(T.CHECK_CHART_TITLE.format(id=check.id), fontsize=14)
    axes.grid(alpha=0.3)
    axes.legend(loc="lower right", fontsize=9)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()

