"""Reminder rules with next-fire times, and each person's reminder settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class ReminderRule(Base):
    """A recurring reminder at a local time of day, fired by the planner."""

    __tablename__ = "reminder_rules"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", name="uq_reminder_rules_user_kind"),
        Index("ix_reminder_rules_due", "active", "next_fire_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # morning | report
    minute: Mapped[int] = mapped_column(Integer)  # minutes after local midnight
    # the zone next_fire_at was computed in (a changed zone is noticed and recomputed)
    timezone: Mapped[str] = mapped_column(String(64))
    next_fire_at: Mapped[datetime] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ReminderSettings(Base):
    """Per-person reminder preferences: deadline offsets in minutes."""

    __tablename__ = "reminder_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    deadline_offsets: Mapped[list[int]] = mapped_column(JSON, default=lambda: [1440, 60])
    overdue: Mapped[bool] = mapped_column(Boolean, default=True)


class ReminderFired(Base):
    """One key per reminder occurrence already fired: the planner's dedup."""

    __tablename__ = "reminders_fired"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    fired_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
