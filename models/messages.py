"""Which workspace item a sent chat message shows, so a reply to it finds the item."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class MessageRef(Base):
    __tablename__ = "message_refs"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    ref: Mapped[str] = mapped_column(String(64))  # e.g. "task:12"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
