"""The outbox (messages to send, written with the change that causes them) and the
inbox (incoming update keys, so every side effect happens once)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow

SKIP_CHATS = "skip_chats"  # in a group message's payload: [[platform, chat id]] it leaves out
# in a reminder's payload: when it is no longer worth sending (services.reminders_stale)
STALE = "stale"
# a kind: the person's home (Slack's App Home tab) to be shown again; no message, and a
# platform without such a home drops it
HOME = "home"
# a kind: a person to be taken out of a group's bound chats (payload: KICK_PEOPLE, their
# id on each platform, and KICK_REFUSED, what to tell the remover where the bot may not)
KICK = "kick"
KICK_PEOPLE = "people"
KICK_REFUSED = "refused"


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    # a serialized neutral view (see handlers.views.View.to_dict)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    dedup_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # a person's message their quiet hours hold: when it was due before they held it (it
    # follows them when they change their quiet hours or zone); None: never held
    held_from: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(
        String(16), default="pending"
    )  # pending|sent|failed|dropped
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class InboxKey(Base):
    __tablename__ = "inbox"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DispatcherBeat(Base):
    """A running outbox dispatcher (any process) sending to a platform: the platform's
    send rate is shared among those seen lately, so several schedulers stay under the
    limit together."""

    __tablename__ = "dispatcher_beats"

    process_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
