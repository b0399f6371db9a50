"""The `renkei` command: run the service and do the secretariat's operator tasks.

Every sub-command is registered here, at the top, so that `python -m bot.cli` and the
installed `renkei` see the same commands.
"""

import typer

from bot.cli import areas, checks, commands, console, demo, intros, kpis, meetings

app = typer.Typer(help="Renkei: a LINE bot for regional partnerships.", no_args_is_help=True, add_completion=False)
app.command("serve")(commands.serve)
app.command("worker")(commands.run_worker)
app.command("scheduler")(commands.run_scheduler)
app.command("demo")(demo.demo)
app.add_typer(commands.db_app, name="db")
app.add_typer(commands.org_app, name="org")
app.add_typer(commands.invite_app, name="invite")
app.add_typer(commands.member_app, name="member")
app.add_typer(areas.area_app, name="area")
app.add_typer(commands.agreement_app, name="agreement")
app.add_typer(commands.notice_app, name="notice")
app.add_typer(checks.check_app, name="check")
app.add_typer(meetings.meeting_app, name="meeting")
app.add_typer(kpis.kpi_app, name="kpi")
app.add_typer(intros.intro_app, name="intro")
app.add_typer(console.console_app, name="console")
