"""The tables of Renkei."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
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


class MemberStatus(StrEnum):
    active = "active"
    inactive = "inactive"


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

    organization: Mapped[Organization] = relationship()


class InviteAttempt(Base):
    """A wrong invite code typed by someone; counted to slow down guessing."""

    __tablename__ = "invite_attempts"
    __table_args__ = (Index("ix_invite_attempts_user_at", "line_user_id", "attempted_at"),)

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
    area: Mapped[str | None] = mapped_column(String(50))
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    needs_note: Mapped[str | None] = mapped_column(String(200))
    offers: Mapped[list[str]] = mapped_column(JSON, default=list)
    offers_note: Mapped[str | None] = mapped_column(String(200))
    intro_now: Mapped[str | None] = mapped_column(String(300))
    intro_worry: Mapped[str | None] = mapped_column(String(300))
    intro_offer: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(10), default=MemberStatus.active, index=True)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    inactive_since: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organization: Mapped[Organization] = relationship(back_populates="members")


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
    __table_args__ = (Index("ix_inbound_events_actor_status", "actor_key", "status", "id"),)

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
    sent = "sent"
    failed = "failed"


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
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.pending)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
