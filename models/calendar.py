"""Calendar: events (personal or group), attendees, comments, reminder settings,
and the secret tokens of .ics subscriptions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class Event(Base):
    """One event or a recurring series.

    A changed or cancelled single occurrence of a series is its own row with
    `parent_id` set and `recurrence_id` the occurrence's original start (as in iCalendar).
    """

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_team_start", "team_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    # None: a personal event (organiser and attendees); else the group's calendar
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), index=True
    )
    organizer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(300), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # whole days: starts_at and ends_at are midnights in `timezone` (ends_at the day after)
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    # none | daily | weekly | monthly; weekdays "0,2,4" (Monday is 0) for weekly
    repeat: Mapped[str] = mapped_column(String(8), default="none")
    weekdays: Mapped[str] = mapped_column(String(16), default="")
    repeat_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the time zone the series repeats in (its wall-clock time stays the same)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    recurrence_id: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EventAttendee(Base):
    __tablename__ = "event_attendees"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # pending | yes | no | maybe
    status: Mapped[str] = mapped_column(String(8), default="pending")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class EventOccurrenceAnswer(Base):
    """A person's answer for one occurrence of a series ("not this Tuesday"); it
    outranks their answer for the series (EventAttendee) on that occurrence."""

    __tablename__ = "event_occurrence_answers"

    series_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    occ_key: Mapped[int] = mapped_column(Integer, primary_key=True)  # its original start
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    status: Mapped[str] = mapped_column(String(8))  # yes | no | maybe
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EventComment(Base):
    __tablename__ = "event_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CalendarSettings(Base):
    """A person's calendar preferences."""

    __tablename__ = "calendar_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # minutes before an event; 0: no reminders
    remind_minutes: Mapped[int] = mapped_column(Integer, default=15)


class CalendarFeedToken(Base):
    """A private .ics subscription: only the SHA-256 of the secret is stored."""

    __tablename__ = "calendar_feed_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # None: the person's own calendar; else a group's calendar as the person sees it
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
