"""Running the service, the schema, and the directory: organizations, invites, members, agreements, notices."""

import asyncio
import json
import logging
import signal
from datetime import UTC, date, datetime, timedelta
from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.texts import catalog as T
from bot.pipeline.background import BackgroundProcess
from bot.clock import SystemClock
from bot.cli.support import cli_actor, fail, load_settings, run
from bot.settings import Settings
from db.areas import map_free_text
from db.access import REVIEW_REMINDER_TIME, create_agreement, list_members
from db.audit import record
from db.migrate import head_revision, is_current, upgrade
from db.members import deactivate, issue_invite, set_role, set_staff
from db.models import Agreement, MemberRole, Organization, OrgType, Reminder
from db.organizations import register_organization
from db.notices import MAX_NOTICE_TEXT, MAX_NOTICE_TITLE, read_status
from handlers.notices.issue import NoticeRefused, cancel_scheduled, issue_notice
from db.segments import SEGMENT_HELP, Segment, SegmentError
from handlers.segments import describe_segment

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
org_app = typer.Typer(help="Organizations in the partnership.", no_args_is_help=True)
invite_app = typer.Typer(help="Invite codes for registration.", no_args_is_help=True)
member_app = typer.Typer(help="Registered members.", no_args_is_help=True)
agreement_app = typer.Typer(help="Partnership agreements.", no_args_is_help=True)
notice_app = typer.Typer(help="Notices to members, and who acknowledged them.", no_args_is_help=True)
# Open event streams (the console's live pages) would hold a stopping server forever; after this they are cut.
GRACEFUL_SECONDS = 5



def serve(host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
          no_scheduler: Annotated[bool, typer.Option("--no-scheduler", help="Do not run the scheduler (run it "
                                                                              "elsewhere).")] = False) -> None:
    """Run the webhook service and, beside it, the background process that handles events."""
    import uvicorn

    from bot.web.app import create_app

    settings = service_settings(allow_local=True)
    if settings.local_mode:
        from bot.cli.local import serve_locally

        serve_locally(settings, host=host, port=port, run_scheduler=not no_scheduler)
        return
    if settings.database_url.startswith("sqlite"):
        # SQLite has one writer: handling shares this process's one connection with the webhook.
        uvicorn.run(create_app(settings, run_scheduler=not no_scheduler, service=True), host=host, port=port,
                    log_level="info", access_log=False, ws="none", timeout_graceful_shutdown=GRACEFUL_SECONDS)
        return
    # This process only verifies, stores and acknowledges; the background process, started
    # and stopped with the app, handles.
    count = settings.worker_processes
    background = tuple(BackgroundProcess(["--shard", f"{i}/{count}"] + (["--no-scheduler"] if no_scheduler or i else []))
                       for i in range(count))
    uvicorn.run(create_app(settings, handle_events=False, companions=background, service=True), host=host, port=port,
                log_level="info", access_log=False, ws="none", timeout_graceful_shutdown=GRACEFUL_SECONDS)


def service_settings(*, allow_local: bool = False) -> Settings:
    """Settings for a long-running process: LINE credentials present (or, with `allow_local`, local
    mode), schema current, logging on."""
    settings = load_settings()
    missing = settings.missing_line_credentials()
    if missing and not (allow_local and settings.local_mode):
        fail(f"{missing[0]} is not set (see README: connecting a LINE channel)")
    if settings.database_url.startswith("sqlite"):
        if not asyncio.run(is_current(settings.database_url)):  # alembic only when there is work for it
            upgrade(settings.database_url)
    elif not asyncio.run(is_current(settings.database_url)):
        fail("the database schema is not up to date; run `renkei db upgrade` first")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return settings


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the schema migrations to DATABASE_URL."""
    settings = load_settings()
    upgrade(settings.database_url)
    typer.echo(f"Database is at revision {head_revision()}.")

    async def open_areas(session):
        return await map_free_text(session, datetime.now(UTC), create=False, dry_run=True)

    left = run(open_areas).unmapped
    if left:
        typer.echo(f"{len(left)} member(s) have an area typed as text that names no listed area; "
                   "see: renkei area map --dry-run")


@org_app.command("add")
def org_add(name: str,
            org_type: Annotated[OrgType, typer.Option("--type", help="Kind of organization.")]) -> None:
    """Add an organization and print its id."""
    async def work(session):
        return await register_organization(session, name=name, org_type=org_type, actor=cli_actor(),
                                           now=SystemClock().now())

    org = run(work)
    typer.echo(f"Added organization {org.id}: {org.name} ({org.org_type})")
    typer.echo(org.id)


@org_app.command("list")
def org_list() -> None:
    """List organizations."""
    async def work(session):
        return list(await session.scalars(select(Organization).order_by(Organization.id)))

    for org in run(work):
        typer.echo(f"{org.id}\t{org.org_type}\t{org.name}")


@invite_app.command("create")
def invite_create(
    org: Annotated[int, typer.Option("--org", help="Organization id the invite binds members to.")],
    staff: Annotated[bool, typer.Option("--staff", help="Members who use it become secretariat staff.")] = False,
    uses: Annotated[int, typer.Option("--uses", min=1, max=1000, help="How many people may use it.")] = 1,
    expires: Annotated[int, typer.Option("--expires", min=1, max=365, help="Days until it expires.")] = 14,
) -> None:
    """Create an invite code; the code alone is printed on the last line."""
    async def work(session):
        invite = await issue_invite(session, organization_id=org, actor=cli_actor(), now=SystemClock().now(),
                                    is_staff=staff, max_uses=uses, valid_for=timedelta(days=expires))
        return (await session.get(Organization, org)).name, invite.code

    name, code = run(work)
    kind = "staff invite" if staff else "invite"
    typer.echo(f"Created {kind} for {name}: {uses} use(s), expires in {expires} day(s).")
    typer.echo(code)


@member_app.command("list")
def member_list(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List members with organization, fields, role and status."""
    members = run(list_members)
    if as_json:
        typer.echo(json.dumps(members, ensure_ascii=False, indent=2))
        return
    if not members:
        typer.echo("No members yet.")
        return
    for row in members:
        role = T.ROLE_LABELS.get(row["role"], row["role"]) + (T.STAFF_SUFFIX if row["staff"] else "")
        typer.echo("\t".join([str(row["id"]), row["name"], row["organization"], "、".join(row["fields"]), role,
                              row["status"]]))


MemberOption = Annotated[int, typer.Option("--member", help="The member's id (see `renkei member list`).")]


def _change_member(change, done: str) -> None:
    """Run one change of db/members.py as the operator, and say what it did."""
    async def work(session):
        member = await change(session, actor=cli_actor(), now=SystemClock().now())
        return member.name

    typer.echo(done.format(name=run(work)))  # a refusal (the last staff member) fails with its reason


@member_app.command("staff")
def member_staff(member: MemberOption,
                 on: Annotated[bool, typer.Option("--on/--off", help="Give (--on) or take (--off) the staff role.")]) -> None:
    """Give or take a member's secretariat role (事務局); the last active staff member keeps it."""
    _change_member(lambda session, **who: set_staff(session, member_id=member, staff=on, **who),
                   f"{{name}} is {'now' if on else 'no longer'} staff.")


@member_app.command("role")
def member_role(member: MemberOption,
                role: Annotated[MemberRole, typer.Argument(help="primary (主担当) or deputy (副担当).")]) -> None:
    """Make a member their organization's primary contact or deputy."""
    _change_member(lambda session, **who: set_role(session, member_id=member, role=role, **who),
                   f"{{name}} is now {role.value}.")


@member_app.command("deactivate")
def member_deactivate(member: MemberOption) -> None:
    """Take a member off the partnership (退会): history kept, nothing sent to them, back only with a new invite."""
    _change_member(lambda session, **who: deactivate(session, member_id=member, **who), "{name} has left the partnership.")


# The background process

def _background(*, handle_events: bool, run_scheduler: bool, shard: tuple[int, int] = (0, 1)) -> None:
    settings = service_settings()

    async def main() -> None:
        from bot.pipeline.background import run_background

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await run_background(settings, handle_events=handle_events, run_scheduler=run_scheduler, stop=stop,
                             shard=shard)

    # On the event loop the web server runs on (uvicorn's, uvloop): its socket calls and callbacks cost
    # less than asyncio's own, and a worker's time goes to the database's and LINE's sockets.
    import uvloop

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(main())


def run_worker(no_scheduler: Annotated[bool, typer.Option("--no-scheduler", help="Do not run the scheduler "
                                                                                  "here.")] = False,
               shard: Annotated[str, typer.Option("--shard", help="I/N: handle the I-th of N shares of the users "
                                                  "(counting from 0), beside N-1 other workers.")] = "0/1") -> None:
    """Handle stored events and send messages (what `renkei serve` starts beside the web server)."""
    index, _, count = shard.partition("/")
    if not (index.isdigit() and count.isdigit() and int(index) < int(count)):
        fail(f"--shard must look like 0/2 (index/count, index below count), not {shard!r}")
    _background(handle_events=True, run_scheduler=not no_scheduler, shard=(int(index), int(count)))


def run_scheduler() -> None:
    """Run the scheduler alone (beside `renkei serve --no-scheduler` processes)."""
    _background(handle_events=False, run_scheduler=True)


# Agreements

def parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} must be a date like 2026-04-01, not {value!r}")


@agreement_app.command("add")
def agreement_add(
    name: str,
    orgs: Annotated[list[int], typer.Option("--org", help="Id of a member organization; repeat for each.")],
    start: Annotated[str, typer.Option("--start", help="Start date, YYYY-MM-DD.")],
    end: Annotated[str | None, typer.Option("--end", help="End date, YYYY-MM-DD.")] = None,
    review: Annotated[str | None, typer.Option("--review", help="Review date, YYYY-MM-DD; staff are reminded "
                                                               "90 and 30 days before.")] = None,
) -> None:
    """Add a partnership agreement between organizations."""
    settings = load_settings()
    start_date, end_date, review_date = parse_date(start, "--start"), parse_date(end, "--end"), parse_date(review, "--review")

    async def work(session):
        agreement = await create_agreement(
            session, name=name, organization_ids=list(orgs), start_date=start_date, end_date=end_date,
            review_date=review_date, now=SystemClock().now(), reminder_time=REVIEW_REMINDER_TIME, tz=settings.tz,
            review_text=T.AGREEMENT_REVIEW_REMINDER)
        await record(session, actor=cli_actor(), action="agreement.create", now=agreement.created_at,
                     target_kind="agreement", target_id=agreement.id, target_label=agreement.name,
                     details={"organizations": len(orgs)})
        reminders = list(await session.scalars(
            select(Reminder.due_at).where(Reminder.dedupe_key.like(f"agreement:{agreement.id}:%"))))
        return agreement.id, reminders

    agreement_id, reminders = run(work)
    typer.echo(f"Added agreement {agreement_id}: {name.strip()} ({len(orgs)} organization(s)).")
    for due in sorted(reminders):
        typer.echo(f"Staff will be reminded of its review on {due.astimezone(settings.tz):%Y-%m-%d %H:%M}.")
    typer.echo(agreement_id)


@agreement_app.command("list")
def agreement_list() -> None:
    """List agreements with their organizations and dates."""
    async def work(session):
        agreements = await session.scalars(
            select(Agreement).options(selectinload(Agreement.organizations)).order_by(Agreement.id))
        return [(a.id, a.name, a.start_date, a.end_date, a.review_date, [o.name for o in a.organizations])
                for a in agreements]

    rows = run(work)
    if not rows:
        typer.echo("No agreements yet.")
    for agreement_id, name, start, end, review, orgs in rows:
        typer.echo(f"{agreement_id}\t{name}\t{start} – {end or '…'}\treview {review or '—'}\t{'、'.join(orgs)}")


# Notices

def parse_local_time(value: str, settings: Settings) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip().replace(" ", "T", 1))
    except ValueError:
        fail(f"--at must be a time like '2026-12-01 09:30' ({settings.renkei_timezone}), not {value!r}")
    return moment if moment.tzinfo else moment.replace(tzinfo=settings.tz)


CLI_REFUSALS = {"title": f"the title must be at most {MAX_NOTICE_TITLE} characters",
                "too_far": "--at is more than three years ahead"}


@notice_app.command("send")
def notice_send(
    to: Annotated[str, typer.Option("--to", help=f"Segment: {SEGMENT_HELP}.")],
    text: Annotated[str, typer.Option("--text", help="The notice; members get a 確認しました button with it.")],
    at: Annotated[str | None, typer.Option("--at", help="When to send, local time ('2026-12-01 09:30'); "
                                                        "default now.")] = None,
    over_quota: Annotated[bool, typer.Option("--over-quota", help="Send even if it exceeds this month's "
                                                                  "message quota.")] = False,
    title: Annotated[str | None, typer.Option("--title", help=f"A title shown above the text (up to "
                                                              f"{MAX_NOTICE_TITLE} characters).")] = None,
) -> None:
    """Send a notice to a segment now or at a set time (the running scheduler sends it)."""
    settings = load_settings()
    text = text.strip()
    if not text or len(text) > MAX_NOTICE_TEXT:
        fail(f"the text must be 1 to {MAX_NOTICE_TEXT} characters")
    try:
        segment = Segment.parse(to)
    except SegmentError as exc:
        fail(str(exc))
    now = SystemClock().now()
    send_at = parse_local_time(at, settings) if at else now
    if send_at < now - timedelta(minutes=1):
        fail("--at is in the past")

    quota = asyncio.run(read_quota(settings))

    async def work(session):
        await segment.check(session)
        count = len(await segment.members(session))
        if count == 0:
            fail(f"segment {segment.spec!r} covers no active member; nothing was sent")
        if quota is not None and quota.limit is not None and quota.left_after(count) < 0 and not over_quota:
            fail(f"sending to {count} members would exceed this month's quota ({quota.used} of {quota.limit} used); "
                 "add --over-quota to send anyway")
        try:
            notice = await issue_notice(session, actor=cli_actor(), text=text, segment=segment, send_at=send_at,
                                        now=now, quota=quota, over_quota_confirmed=over_quota, title=title)
        except NoticeRefused as refusal:
            fail(CLI_REFUSALS.get(refusal.reason, f"refused ({refusal.reason}); nothing was sent"))
        return notice.id, count

    notice_id, count = run(work)
    when = "now" if send_at <= now else f"at {send_at.astimezone(settings.tz):%Y-%m-%d %H:%M} ({settings.renkei_timezone})"
    typer.echo(f"Notice {notice_id} to {count} member(s) ({segment.spec}) will be sent {when} by the scheduler.")
    if quota is None:
        typer.echo("Quota: could not be read from LINE.")
    elif quota.limit is None:
        typer.echo(f"Quota: {quota.used} used this month, no limit.")
    else:
        typer.echo(f"Quota: {quota.used} of {quota.limit} used; {quota.left_after(count)} left after this send.")
    typer.echo(notice_id)


async def read_quota(settings: Settings):
    """LINE's quota, when a channel is configured."""
    from bot.line.gateway import LineGateway

    if settings.missing_line_credentials():
        return None
    gateway = LineGateway(settings=settings, sessions=None, clock=SystemClock(), request_timeout=5.0)
    await gateway.start(sweep=False)
    try:
        return await gateway.quota()
    finally:
        await gateway.close()


@notice_app.command("cancel")
def notice_cancel(notice_id: int) -> None:
    """Call off a scheduled notice that has not been sent yet."""
    async def work(session):
        try:
            return await cancel_scheduled(session, actor=cli_actor(), notice_id=notice_id, now=SystemClock().now())
        except NoticeRefused:
            return None

    if run(work) is None:
        fail(f"notice {notice_id} is not waiting to be sent (already sent, called off, or unknown)")
    typer.echo(f"Notice {notice_id} called off; nobody will receive it.")


@notice_app.command("status")
def notice_status(notice_id: int) -> None:
    """Who acknowledged a notice and who did not."""
    settings = load_settings()

    async def work(session):
        status = await read_status(session, notice_id)
        if status is None:
            fail(f"no notice with id {notice_id}")
        return status, await describe_segment(session, Segment.parse(status.notice.segment))

    status, segment = run(work)
    notice = status.notice
    sent = notice.sent_at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M") if notice.sent_at else None
    typer.echo(f"Notice {notice.id} to {segment}: {notice.status}"
               + (f" at {sent}" if sent else f", due {notice.send_at.astimezone(settings.tz):%Y-%m-%d %H:%M}"))
    typer.echo(f"Acknowledged: {len(status.acked)} of {status.total}")
    for name, org in status.acked:
        typer.echo(f"  ✓ {org}\t{name}")
    typer.echo(f"Not acknowledged: {len(status.pending)}")
    for name, org in status.pending:
        typer.echo(f"  - {org}\t{name}")

