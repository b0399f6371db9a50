"""A drill's answer-rate curve: the share of organizations (and of people) answered over time, as a PNG,
with the moments 25/50/75 % of the organizations had answered marked and written."""

import io
from datetime import datetime, timedelta

from bot.texts import catalog as T
from db.contact_checks import CheckSummary

SIZE = (1000, 560)
DPI = 100


def _minutes(moment: datetime, start: datetime) -> float:
    return max(0.0, (moment - start).total_seconds() / 60)


def _steps(times: list[datetime], total: int, start: datetime, end: datetime) -> tuple[list[float], list[float]]:
    """The curve as steps: 0 % at the start, one step up per answer, flat until `end`."""
    xs, ys = [0.0], [0.0]
    for i, moment in enumerate(times, 1):
        xs.append(_minutes(moment, start))
        ys.append(100 * i / total if total else 0)
    xs.append(max(_minutes(end, start), xs[-1]))
    ys.append(ys[-1])
    return xs, ys


def milestone_label(took: timedelta | None) -> str:
    """How long a milestone took, as the board and the chart write it (1.5分, or 未到達)."""
    if took is None:
        return T.CHECK_MILESTONE_NONE
    return T.CHECK_MINUTES.format(minutes=round(took.total_seconds() / 60, 1))


def render_answer_curve(summary: CheckSummary, now: datetime) -> bytes:
    """The curve up to the close (or now), labelled in Japanese; matplotlib is loaded only here."""
    import matplotlib_fontja  # noqa: F401  (registers a font that has Japanese glyphs)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    check = summary.check
    start, end = check.started_at, check.closed_at or now
    figure = Figure(figsize=(SIZE[0] / DPI, SIZE[1] / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    xs, ys = _steps(summary.org_first_answers(), len(summary.orgs), start, end)
    axes.step(xs, ys, where="post", color="#1F6F43", linewidth=2.2, label=T.CHECK_CHART_ORGS)
    mx, my = _steps(summary.member_first_answers, summary.members_asked or summary.members, start, end)
    axes.step(mx, my, where="post", color="#2B6CB0", linewidth=1.2, linestyle=":", label=T.CHECK_CHART_PEOPLE)
    for share, took in summary.milestones().items():
        axes.axhline(share, color="#A0AEC0", linewidth=0.8, linestyle="--")
        if took is None:
            continue
        minute = took.total_seconds() / 60
        axes.plot([minute], [share], marker="o", color="#C53030")
        axes.annotate(T.CHECK_CHART_MILESTONE.format(share=share, took=milestone_label(took)), (minute, share),
                      textcoords="offset points", xytext=(8, -14), fontsize=10, color="#C53030")
    axes.set_xlim(0, max(xs[-1], 1))
    axes.set_ylim(0, 105)
    axes.set_xlabel(T.CHECK_CHART_X)
    axes.set_ylabel(T.CHECK_CHART_Y)
    axes.set_title(T.CHECK_CHART_TITLE.format(id=check.id), fontsize=14)
    axes.grid(alpha=0.3)
    axes.legend(loc="lower right", fontsize=9)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()

