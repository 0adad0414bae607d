"""The notification centre: every notification a person got, read or not."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # assignment, mention, comment, status, stage, invitation, approval, reminder, ...
    kind: Mapped[str] = mapped_column(String(32))
    # the item it is about ("task:12", "deal:3"): opening it, muting it
    ref: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    read: Mapped[bool] = mapped_column(Boolean, default=False)
    # False while it waits for the person's digest; True once pushed or digested
    pushed: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NotificationSettings(Base):
    """How a person wants to be notified: quiet hours, digest, muted kinds."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # the person's own quiet hours, minutes after local midnight (may wrap midnight);
    # both None: the team's default quiet hours (models.teams.Team) hold their messages,
    # unless quiet_off: they turned quiet hours off for themselves
    quiet_start: Mapped[int | None] = mapped_column(Integer)
    quiet_end: Mapped[int | None] = mapped_column(Integer)
    quiet_off: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    digest: Mapped[str] = mapped_column(String(8), default="off")  # off | hourly | daily
    muted_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class NotificationMute(Base):
    """One item (a task, a deal, an event) a person does not want to hear about."""

    __tablename__ = "notification_mutes"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    ref: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
