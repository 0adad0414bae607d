"""Drive: files people sent, kept as platform references (and a local copy for
the console), with owner, group and the item they are attached to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class DriveFile(Base):
    __tablename__ = "drive_files"
    __table_args__ = (Index("ix_drive_files_team_created", "team_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # None: the owner's own files; else the group's files (its members see them)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), index=True
    )
    platform: Mapped[str] = mapped_column(String(16))
    file_id: Mapped[str] = mapped_column(String(512))  # the platform's file id
    name: Mapped[str] = mapped_column(String(255))
    name_key: Mapped[str] = mapped_column(String(255))  # casefolded, for search
    size: Mapped[int] = mapped_column(Integer, default=0)
    mime: Mapped[str] = mapped_column(String(128), default="application/octet-stream")
    # a copy under the files directory (console files, exports), relative to it
    local_path: Mapped[str | None] = mapped_column(String(512))
    # the item it is attached to ("event:12", "task:3"), if any
    attached_to: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
