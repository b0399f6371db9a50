"""`renkei demo`: fill an empty database with the demo partnership, to try Renkei without real members."""

import typer

from bot.clock import SystemClock
from bot.cli.support import fail, load_settings, run


def demo() -> None:
    """Load the demo partnership of みなと市 into an empty database (nothing is sent to LINE)."""
    from bot.demo.data import NotEmpty, load_demo  # the demo's people and texts: not for every command

    settings = load_settings()
    if not settings.missing_line_credentials() and not settings.line_api_base_url:
        # Its people are not users of a real channel: the scheduler would push to ids LINE does not know.
        fail("a LINE channel is configured; the demo is for trying Renkei without one (unset LINE_CHANNEL_SECRET "
             "and LINE_CHANNEL_ACCESS_TOKEN)")

    async def work(session):
        try:
            return await load_demo(session, now=SystemClock().now(), tz=settings.tz)
        except NotEmpty as exc:
            fail(str(exc))

    summary = run(work)
    typer.echo(f"Loaded the demo partnership: {summary.organizations} organizations, {summary.members} members, "
               f"{summary.agreements} agreements.")
    typer.echo(f"KPIs: {summary.kpis} with {summary.kpi_reports} reports; meeting polls open: {summary.open_polls} "
               f"({summary.poll_votes} members answered); notices: {summary.notices}.")
    typer.echo(f"Introductions: {summary.intro_rounds} rounds, {summary.intro_pairs} pairs, {summary.ties} ties; "
               f"contact checks: {summary.contact_checks} (a closed drill).")
