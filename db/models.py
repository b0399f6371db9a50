"""The tables of Renkei."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.types import BigId, UTCDateTime


class Base(DeclarativeBase):
    pass


class OrgType(StrEnum):
    municipality = "municipality"
    company = "company"
    npo = "npo"
    university = "university"
    association = "association"
    other = "other"


class MemberRole(StrEnum):
    primary = "primary"
    deputy = "deputy"
    member = "member"  # neither contact: a former contact who stayed on after handing the role over


class MemberStatus(StrEnum):
    active = "active"
    inactive = "inactive"  # blocked or unfriended the bot; back as they were when they follow again
    left = "left"  # taken off the partnership by staff; history kept, back only with a new invite


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    org_type: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    members: Mapped[list["Member"]] = relationship(back_populates="organization")


class Invite(Base):
    """A code the secretariat hands to one organization's people."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    is_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    max_uses: Mapped[int] = mapped_column(Integer, default=1)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # staff withdrew it before it ran out
    # A handover invite: whoever registers with it takes over that handover's role.
    handover_id: Mapped[int | None] = mapped_column(ForeignKey("handovers.id", use_alter=True))

    organization: Mapped[Organization] = relationship()


class InviteAttempt(Base):
    """A wrong invite code typed by someone; counted to slow down guessing."""

    __tablename__ = "invite_attempts"
    __table_args__ = (Index("ix_invite_attempts_user_at", "line_user_id", "attempted_at"),
                      Index("ix_invite_attempts_at", "attempted_at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    line_user_id: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Member(Base):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_user_id: Mapped[str] = mapped_column(String(64), unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    invite_id: Mapped[int | None] = mapped_column(ForeignKey("invites.id"))
    name: Mapped[str] = mapped_column(String(100))
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    role: Mapped[str] = mapped_column(String(10), default=MemberRole.primary)
    is_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    # The area as typed before areas were a list (see Area): read only to map it onto the list.
    area: Mapped[str | None] = mapped_column(String(50))
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    needs_note: Mapped[str | None] = mapped_column(String(200))
    offers: Mapped[list[str]] = mapped_column(JSON, default=list)
    offers_note: Mapped[str | None] = mapped_column(String(200))
    intro_now: Mapped[str | None] = mapped_column(String(300))
    intro_worry: Mapped[str | None] = mapped_column(String(300))
    intro_offer: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(20))  # for staff to call in a contact check; shown to staff only
    status: Mapped[str] = mapped_column(String(10), default=MemberStatus.active, index=True)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    inactive_since: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organization: Mapped[Organization] = relationship(back_populates="members")


class Area(Base):
    """An area (地区) of the partnership, as the secretariat names it; members choose theirs from the list."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MemberArea(Base):
    """One of a member's areas (a member may work in several)."""

    __tablename__ = "member_areas"
    __table_args__ = (Index("ix_member_areas_area", "area_id"),)

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True)


class LineProfile(Base):
    """A user's LINE display name, as the profile API gave it (absent when not allowed)."""

    __tablename__ = "line_profiles"

    line_user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str | None] = mapped_column(String(100))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LineGroup(Base):
    """A LINE group or room the bot has been added to."""

    __tablename__ = "line_groups"

    group_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Conversation(Base):
    """Where one user stands in a multi-step dialog, with what they said so far."""

    __tablename__ = "conversations"

    actor_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(100))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class EventStatus(StrEnum):
    pending = "pending"
    done = "done"
    failed = "failed"


class InboundEvent(Base):
    """A webhook event, stored before the webhook is acknowledged."""

    __tablename__ = "inbound_events"
    __table_args__ = (
        Index("ix_inbound_events_actor_status", "actor_key", "status", "id"),
        # The few pending rows among the many handled ones, for the poll and the sweep.
        Index("ix_inbound_events_pending", "id", postgresql_where=text("status = 'pending'"),
              sqlite_where=text("status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    webhook_event_id: Mapped[str] = mapped_column(String(64), unique=True)
    actor_key: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(40))
    event_time_ms: Mapped[int] = mapped_column(BigId)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=EventStatus.pending)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str | None] = mapped_column(String(200))


class OutboxKind(StrEnum):
    reply = "reply"
    push = "push"
    multicast = "multicast"


class OutboxStatus(StrEnum):
    pending = "pending"
    sent = "sent"  # LINE took it (2xx, or 409 for a retry key it had already taken)
    failed = "failed"  # LINE refused it, or it could not be sent in time
    unknown = "unknown"  # a reply that may have reached LINE; not sent again, to not send it twice


class OutboxMessage(Base):
    """One request to LINE: queued in the transaction that decided it, sent after."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))
    recipients: Mapped[list[str]] = mapped_column(JSON)
    reply_token: Mapped[str | None] = mapped_column(String(100))
    reply_token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    messages: Mapped[list[dict]] = mapped_column(JSON)
    retry_key: Mapped[str] = mapped_column(String(36), unique=True)
    purpose: Mapped[str] = mapped_column(String(40))
    # The user whose event a reply answers: their next event waits until it has gone.
    actor_key: Mapped[str | None] = mapped_column(String(64), index=True)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.pending)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Attempts that certainly did not reach LINE (refused connection, an error status); the
    # others, timeouts and claims whose process died, may have.
    undelivered_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LineMonthlyLimit(Base):
    """A month in which LINE refused pushes for the channel's monthly message limit."""

    __tablename__ = "line_monthly_limits"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "2026-12", the partnership's time zone
    reached_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When LINE's quota allowed pushes again that month (raised by the channel's owner); None while held.
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LineMonthlyLimitNotice(Base):
    """A staff member told of a month's limit (once a month each)."""

    __tablename__ = "line_monthly_limit_notices"

    month: Mapped[str] = mapped_column(ForeignKey("line_monthly_limits.month"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    told_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Agreement(Base):
    """A partnership agreement (協定) between organizations, reviewed rather than silently renewed."""

    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    review_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    organizations: Mapped[list[Organization]] = relationship(secondary="agreement_organizations")


class AgreementOrganization(Base):
    __tablename__ = "agreement_organizations"

    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), primary_key=True)


class GroupMember(Base):
    """A user seen in a LINE group: how a group becomes a segment of members."""

    __tablename__ = "group_members"

    group_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    line_user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class NoticeStatus(StrEnum):
    scheduled = "scheduled"
    sent = "sent"
    cancelled = "cancelled"


class Notice(Base):
    """A notice from the secretariat to a segment, with a button to acknowledge it."""

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_due", "status", "send_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Optional (the LINE dialog asks only for the text); the card shows it above the text.
    title: Mapped[str | None] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    segment: Mapped[str] = mapped_column(String(200))
    author_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    status: Mapped[str] = mapped_column(String(10), default=NoticeStatus.scheduled)
    send_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    remind_after_minutes: Mapped[int] = mapped_column(Integer, default=24 * 60)
    over_quota_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class NoticeRecipient(Base):
    """One member a notice went to, and whether they acknowledged it."""

    __tablename__ = "notice_recipients"
    __table_args__ = (Index("ix_notice_recipients_member", "member_id"),)

    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    line_user_id: Mapped[str] = mapped_column(String(64))
    acked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ReminderStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    skipped = "skipped"


class Reminder(Base):
    """A message due at a set time to a segment, sent once."""

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    segment: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(40))
    # Set by features that must not create the same reminder twice (e.g. "agreement:3:review-90").
    dedupe_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default=ReminderStatus.pending)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recipients: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CheckStatus(StrEnum):
    open = "open"
    closed = "closed"


class ContactCheck(Base):
    """A disaster-time contact check (安否確認): one question to a segment, re-asked until answered."""

    __tablename__ = "contact_checks"
    __table_args__ = (
        # One running check per segment: a second start while it runs is the same check.
        Index("ux_contact_checks_open_segment", "segment", unique=True,
              postgresql_where=text("status = 'open'"), sqlite_where=text("status = 'open'")),
        Index("ix_contact_checks_reask", "status", "next_reask_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    segment: Mapped[str] = mapped_column(String(200))
    drill: Mapped[bool] = mapped_column(Boolean, default=False)
    message: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=CheckStatus.open)
    source: Mapped[str] = mapped_column(String(10))  # line, cli or api
    started_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reask_interval_minutes: Mapped[int] = mapped_column(Integer, default=30)
    max_reasks: Mapped[int] = mapped_column(Integer, default=3)
    reasks_done: Mapped[int] = mapped_column(Integer, default=0)
    next_reask_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_reason: Mapped[str | None] = mapped_column(String(20))


class ContactCheckTarget(Base):
    """One member a check covers: when they were asked, and their first and latest answer."""

    __tablename__ = "contact_check_targets"
    __table_args__ = (Index("ix_contact_check_targets_org", "check_id", "organization_id"),)

    # A check's, a member's and their organization's ids, without foreign keys: the rows are written
    # only by the check's start, from those rows, which are never deleted (see migration 0021).
    check_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_user_id: Mapped[str] = mapped_column(String(64))
    organization_id: Mapped[int] = mapped_column(Integer)
    # Deputies of an organization whose primary contact is covered wait until the primary stays silent.
    held: Mapped[bool] = mapped_column(Boolean, default=False)
    asked_count: Mapped[int] = mapped_column(Integer, default=0)
    last_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_status: Mapped[str | None] = mapped_column(String(10))
    first_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str | None] = mapped_column(String(10))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answers: Mapped[int] = mapped_column(Integer, default=0)
    by_proxy: Mapped[bool] = mapped_column(Boolean, default=False)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    provisions: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(String(1000))


class ContactCheckAnswer(Base):
    """Every answer as it arrived, once: keyed by the webhook event (or the staff entry) it came from."""

    __tablename__ = "contact_check_answers"
    __table_args__ = (Index("ix_contact_check_answers_check", "check_id", "member_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("contact_checks.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    status: Mapped[str] = mapped_column(String(10))
    source_key: Mapped[str] = mapped_column(String(80), unique=True)
    recorded_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ContactCheckVersion(Base):
    """A check's change counter, striped over a few rows: every change to what its board shows bumps one row,
    so that a board in any process sees a change by reading one small sum, and answers do not queue on one row."""

    __tablename__ = "contact_check_versions"

    check_id: Mapped[int] = mapped_column(ForeignKey("contact_checks.id"), primary_key=True)
    slot: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigId, default=0)


class MeetingStatus(StrEnum):
    open = "open"          # collecting answers until the deadline
    deciding = "deciding"  # the organizer confirms the best slot or picks another
    decided = "decided"
    cancelled = "cancelled"


class Meeting(Base):
    """A meeting being scheduled: a poll over candidate slots, then the decided slot."""

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_status_deadline", "status", "deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    organizer_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    segment: Mapped[str] = mapped_column(String(200))
    # The LINE group the poll was started in, if any: the decision is posted there too.
    group_id: Mapped[str | None] = mapped_column(String(64))
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10), default=MeetingStatus.open)
    decided_slot_id: Mapped[int | None] = mapped_column(Integer)
    decide_by: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the best slot stands after this
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # of the decided slot (moved if changed)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # non-responders, before the deadline
    day_before_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hour_before_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    calendar_token: Mapped[str] = mapped_column(String(32), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # bumped on every change, for calendars
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MeetingSlot(Base):
    __tablename__ = "meeting_slots"
    __table_args__ = (Index("ux_meeting_slots_position", "meeting_id", "position", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    position: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MeetingInvitee(Base):
    __tablename__ = "meeting_invitees"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    line_user_id: Mapped[str] = mapped_column(String(64))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MeetingAnswer(Base):
    """○ (yes), △ (maybe) or × (no) for one slot; the last answer counts."""

    __tablename__ = "meeting_answers"

    slot_id: Mapped[int] = mapped_column(ForeignKey("meeting_slots.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    choice: Mapped[str] = mapped_column(String(5))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class KpiTargetKind(StrEnum):
    total = "total"  # the target is reached by adding the periods' values up over the term (参加者 年間1,200人)
    level = "level"  # the target is a level each period's value should reach (満足度 4.5点)


class KpiCadence(StrEnum):
    monthly = "monthly"
    quarterly = "quarterly"
    dates = "dates"  # one-off dates, listed on the KPI


class KpiStatus(StrEnum):
    active = "active"
    archived = "archived"


class Kpi(Base):
    """A number an agreement tracks (参加者数, 満足度 ...), reported by one organization each period."""

    __tablename__ = "kpis"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    unit: Mapped[str] = mapped_column(String(10), default="")
    target_value: Mapped[float] = mapped_column(Float)
    target_date: Mapped[date] = mapped_column(Date)
    target_kind: Mapped[str] = mapped_column(String(10), default=KpiTargetKind.level, server_default="level")
    cadence: Mapped[str] = mapped_column(String(10))
    due_dates: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO dates, for the "dates" cadence
    status: Mapped[str] = mapped_column(String(10), default=KpiStatus.active)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class KpiReport(Base):
    """A value reported for one period; a correction adds a row and marks the one it replaces."""

    __tablename__ = "kpi_reports"
    __table_args__ = (
        # One current value per KPI and period; replaced rows stay as the history.
        Index("ux_kpi_reports_current", "kpi_id", "period", unique=True,
              postgresql_where=text("replaced_at IS NULL"), sqlite_where=text("replaced_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id"), index=True)
    period: Mapped[str] = mapped_column(String(10))  # 2026-10, 2026-Q3 or 2026-12-15
    value: Mapped[float | None] = mapped_column(Float)  # None: nothing to report this period
    comment: Mapped[str | None] = mapped_column(String(200))
    reported_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The webhook event (or command) the value came from: a redelivery cannot store it twice.
    source_key: Mapped[str] = mapped_column(String(80), unique=True)
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class KpiPromptStep(StrEnum):
    waiting = "waiting"      # the period has closed; the first prompt is due
    asked = "asked"          # the primary contacts were asked
    reminded = "reminded"    # ... and reminded once
    deputies = "deputies"    # the deputies were asked too
    escalated = "escalated"  # the secretariat was told
    answered = "answered"    # a value (or "nothing this period") was stored


class KpiPrompt(Base):
    """The request for one KPI's value for one period, and how far its escalation has gone."""

    __tablename__ = "kpi_prompts"
    __table_args__ = (
        Index("ux_kpi_prompts_period", "kpi_id", "period", unique=True),
        Index("ix_kpi_prompts_due", "step", "next_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    period: Mapped[str] = mapped_column(String(10))
    step: Mapped[str] = mapped_column(String(10), default=KpiPromptStep.waiting)
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # when the next step (or a snoozed ask) is due
    snoozed: Mapped[bool] = mapped_column(Boolean, default=False)  # "あとで": ask again at next_at, same step
    first_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IntroSchedule(Base):
    """When introduction rounds happen (one row): every N days on a weekday at a local time."""

    __tablename__ = "intro_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    every_days: Mapped[int] = mapped_column(Integer)
    weekday: Mapped[int] = mapped_column(Integer)  # 0 is Monday
    local_time: Mapped[str] = mapped_column(String(5))  # "12:00" in settings.tz
    followup_days: Mapped[int] = mapped_column(Integer, default=4)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The next round; moved on (by a conditional UPDATE) when that round is announced.
    next_round_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IntroRoundStatus(StrEnum):
    announced = "announced"  # members heard a day ahead and may skip
    paired = "paired"        # pairs made and introduced
    cancelled = "cancelled"  # the rounds were stopped or changed after the notice


class IntroRound(Base):
    """One round of introductions: announced a day ahead, then paired at its time."""

    __tablename__ = "intro_rounds"
    __table_args__ = (Index("ix_intro_rounds_status_at", "status", "scheduled_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime(), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=IntroRoundStatus.announced)
    followup_at: Mapped[datetime] = mapped_column(UTCDateTime())
    paired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    followup_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Left over with an odd count: paired first in the next round.
    waiting_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IntroSkip(Base):
    """A member who skipped one round with the button in its notice."""

    __tablename__ = "intro_skips"

    round_id: Mapped[int] = mapped_column(ForeignKey("intro_rounds.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    skipped_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IntroOptOut(Base):
    """A member who said 紹介を停止: left out of rounds and questions until 紹介を再開."""

    __tablename__ = "intro_opt_outs"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    since: Mapped[datetime] = mapped_column(UTCDateTime())


class IntroPair(Base):
    """Two members introduced in a round, what each did about it, and whether they talked."""

    __tablename__ = "intro_pairs"
    __table_args__ = (Index("ix_intro_pairs_a", "member_a_id"), Index("ix_intro_pairs_b", "member_b_id"),
                      Index("ux_intro_pairs_round_a", "round_id", "member_a_id", unique=True),
                      Index("ux_intro_pairs_round_b", "round_id", "member_b_id", unique=True))

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("intro_rounds.id"))  # None: made by a handover
    # The joint handover's introductions of the successor (a) to the partners' contacts (b).
    handover_id: Mapped[int | None] = mapped_column(ForeignKey("handovers.id"))
    member_a_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    member_b_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    score: Mapped[int] = mapped_column(Integer)  # the pairing preferences this pair met
    cross_field: Mapped[bool] = mapped_column(Boolean)
    icebreaker: Mapped[int] = mapped_column(Integer)  # index into the question bank
    a_hello_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    b_hello_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Given only to exchange: passed on once both have given theirs.
    a_line_id: Mapped[str | None] = mapped_column(String(40))
    b_line_id: Mapped[str | None] = mapped_column(String(40))
    ids_exchanged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    a_outcome: Mapped[str | None] = mapped_column(String(10))  # talked, not_yet, pass
    b_outcome: Mapped[str | None] = mapped_column(String(10))
    # Set when either says they talked: a tie in the network.
    tie_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WeeklyQuestion(Base):
    """The question of the week (ひとこと): one line from each who answers, then one digest to them."""

    __tablename__ = "weekly_questions"
    __table_args__ = (Index("ix_weekly_questions_digest", "digest_sent_at", "digest_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(200))
    asked_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    digest_at: Mapped[datetime] = mapped_column(UTCDateTime())
    digest_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WeeklyAnswer(Base):
    __tablename__ = "weekly_answers"

    question_id: Mapped[int] = mapped_column(ForeignKey("weekly_questions.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    text: Mapped[str] = mapped_column(String(200))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditEntry(Base):
    """One staff action, from any door: who, when, what, on what, from where. Rows are never changed
    (the migration adds triggers that refuse UPDATE and DELETE); members' message bodies are not copied in."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_at", "at"), Index("ix_audit_entries_actor", "actor_member_id", "at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    door: Mapped[str] = mapped_column(String(10))  # line, console, cli, api, system
    actor_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    # Who acted, as shown later even if the member's name changes; for the CLI, the server account.
    actor_label: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    target_kind: Mapped[str | None] = mapped_column(String(20))
    target_id: Mapped[int | None] = mapped_column(BigId)
    target_label: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    origin: Mapped[str | None] = mapped_column(String(100))  # an IP address, or the CLI's host


class ConsoleLink(Base):
    """A one-time sign-in link to the web console, sent to a staff member in LINE (or printed by the CLI).

    Only a hash of its token is kept, so that the table alone signs no one in."""

    __tablename__ = "console_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ConsoleSession(Base):
    """A signed-in browser: its cookie's hash, its CSRF token, and when it ends (idle or absolute)."""

    __tablename__ = "console_sessions"
    __table_args__ = (Index("ix_console_sessions_member", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the absolute end, however busy
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # signed out
    origin: Mapped[str | None] = mapped_column(String(100))


class HandoverStatus(StrEnum):
    waiting = "waiting"      # for the successor to register with the handover invite
    done = "done"
    undone = "undone"
    cancelled = "cancelled"  # its invite expired or was revoked before anyone registered


class Handover(Base):
    """A contact role (主担当/副担当) passed from one member to a successor, with what was waiting on them."""

    __tablename__ = "handovers"
    __table_args__ = (
        # One handover at a time per departing member.
        Index("ux_handovers_waiting", "from_member_id", unique=True,
              postgresql_where=text("status = 'waiting'"), sqlite_where=text("status = 'waiting'")),
        Index("ix_handovers_org", "organization_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    from_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    to_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))  # None until the invite is used
    role: Mapped[str] = mapped_column(String(10))  # the role handed over
    successor_role_before: Mapped[str | None] = mapped_column(String(10))  # restored by an undo
    started_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))  # None: the command line
    door: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default=HandoverStatus.waiting)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    partners_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    departing_choice: Mapped[str | None] = mapped_column(String(10))  # stay or leave


class HandoverMove(Base):
    """One thing that was waiting on the departing member and went to the successor, with what an undo puts back."""

    __tablename__ = "handover_moves"
    __table_args__ = (Index("ix_handover_moves_handover", "handover_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("handovers.id"))
    kind: Mapped[str] = mapped_column(String(20))  # kpi_prompt, meeting, intro_pair, check_target
    ref_id: Mapped[int] = mapped_column(BigId)
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    moved_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FragileNote(Base):
    """The weekly note to staff about organizations that depend on one person, claimed once per week."""

    __tablename__ = "fragile_notes"

    week: Mapped[str] = mapped_column(String(8), primary_key=True)  # ISO week in the partnership's zone, 2026-W49
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    organizations: Mapped[int] = mapped_column(Integer, default=0)


class RichMenu(Base):
    """One of Renkei's rich menus as created on LINE; `name` carries a hash of its layout, so a new
    layout is a new menu. A process claims the creation (`claimed_until`) so that two never both create."""

    __tablename__ = "rich_menus"

    key: Mapped[str] = mapped_column(String(30), primary_key=True)  # guest, member, staff, ...
    name: Mapped[str | None] = mapped_column(String(300))
    rich_menu_id: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RichMenuLink(Base):
    """The menu a LINE user should see (`wanted`, a RichMenu key, None: nothing to link, they left)
    and the one LINE was last told (`linked`); a sweep sends the difference, 500 users a call."""

    __tablename__ = "rich_menu_links"
    __table_args__ = (Index("ix_rich_menu_links_due", "next_attempt_at"),)

    line_user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    wanted: Mapped[str | None] = mapped_column(String(30))
    linked: Mapped[str | None] = mapped_column(String(30))
    # Set while `wanted` differs from `linked`; None when there is nothing to send.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
