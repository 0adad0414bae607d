"""Time tracking: work days, corrections, daily reports, schedules, violations, absences,
the team's days off."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class WorkDay(Base):
    """One person's working day: opened at start, closed at finish."""

    __tablename__ = "work_days"
    __table_args__ = (UniqueConstraint("user_id", "day", name="uq_work_days_user_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # the local date in the person's zone when the day started
    day: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8), default="open")  # open | paused | closed
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    break_seconds: Mapped[int] = mapped_column(Integer, default=0)
    # why the start was entered late, or why an open day was closed afterwards
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DayCorrection(Base):
    """A change of a day's start or finish with its reason, awaiting the supervisor."""

    __tablename__ = "day_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("work_days.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(8))  # start | finish
    old_value: Mapped[datetime | None] = mapped_column(UTCDateTime())
    new_value: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending|approved|rejected
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DailyReport(Base):
    """The report of one day: drafted at finish, sent to the supervisor, confirmed."""

    __tablename__ = "daily_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day_id: Mapped[int] = mapped_column(ForeignKey("work_days.id", ondelete="CASCADE"), unique=True)
    draft: Mapped[str] = mapped_column(Text, default="")  # generated from tasks and time
    text: Mapped[str] = mapped_column(Text, default="")  # what the person wrote
    status: Mapped[str] = mapped_column(String(10), default="draft")  # draft|sent|confirmed
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    comment: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WorkSchedule(Base):
    """Work days and hours of one person, or the team's default (user_id NULL)."""

    __tablename__ = "work_schedules"
    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_work_schedules_team_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    weekdays: Mapped[str] = mapped_column(String(7), default="12345")  # ISO weekdays
    start_minute: Mapped[int] = mapped_column(Integer, default=9 * 60)
    end_minute: Mapped[int] = mapped_column(Integer, default=18 * 60)
    lunch_minutes: Mapped[int] = mapped_column(Integer, default=60)
    # minutes of grace before a late start or an early finish counts
    grace_minutes: Mapped[int] = mapped_column(Integer, default=10)


class Violation(Base):
    """A late start, an early finish, a short day or a day left open."""

    __tablename__ = "work_violations"
    __table_args__ = (UniqueConstraint("day_id", "kind", name="uq_work_violations_day_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day_id: Mapped[int] = mapped_column(ForeignKey("work_days.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # late_start|early_finish|short_day|left_open
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Absence(Base):
    """Away from first_day to last_day inclusive (local dates): reminders stay silent."""

    __tablename__ = "absences"
    __table_args__ = (Index("ix_absences_user_days", "user_id", "first_day", "last_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TeamDayOff(Base):
    """A team's days off, first_day to last_day inclusive (a public holiday, the New
    Year break), or with `working` a day everyone works though their schedule rests
    (a Saturday a holiday was moved to)."""

    __tablename__ = "team_days_off"
    __table_args__ = (Index("ix_team_days_off_team_days", "team_id", "first_day", "last_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(Text, default="")
    working: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
