"""Tasks and everything hanging off them: roles, comments, checklists, time,
dependencies, My Plan columns, recurrence rules and templates."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        # the list views: by role, open first, by deadline (far future when none)
        Index("ix_tasks_responsible_due", "responsible_id", "is_open", "due_sort", "id"),
        Index("ix_tasks_creator_due", "creator_id", "is_open", "due_sort", "id"),
        Index("ix_tasks_group_due", "group_id", "is_open", "due_sort", "id"),
        Index("ix_tasks_team_due", "team_id", "is_open", "due_sort", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("tasks.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    creator_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    responsible_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # pending | in_progress | awaiting_control | completed | deferred | paused
    status: Mapped[str] = mapped_column(String(20), default="pending")
    # false once completed: keeps the open lists index-driven
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the deadline, or a far-future moment when there is none (sort key)
    due_sort: Mapped[datetime] = mapped_column(UTCDateTime())
    start_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    needs_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    responsible_may_change_deadline: Mapped[bool] = mapped_column(Boolean, default=True)
    # the recurrence rule that created it (no FK: the rule points back at a task)
    recurrence_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TaskMember(Base):
    """Co-executors ("accomplice") and observers ("auditor")."""

    __tablename__ = "task_members"

    task_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16), primary_key=True)


class TaskComment(Base):
    __tablename__ = "task_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reply_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("task_comments.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(Text)
    # a file sent as an attachment: "platform:file_id:name"
    attachment: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChecklistItem(Base):
    __tablename__ = "task_checklist"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(500))
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)


class TaskTimeEntry(Base):
    __tablename__ = "task_time_entries"
    __table_args__ = (Index("ix_task_time_user_started", "user_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seconds: Mapped[int] = mapped_column(Integer, default=0)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TaskTimer(Base):
    """A running timer: one per person."""

    __tablename__ = "task_timers"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TaskDependency(Base):
    """Finish-to-start: the successor starts when the predecessor is due."""

    __tablename__ = "task_dependencies"

    predecessor_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    successor_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class PlanColumn(Base):
    __tablename__ = "plan_columns"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # "new": takes the tasks not yet planned; "done": the completed ones; "": neither
    role: Mapped[str] = mapped_column(String(8), default="", server_default="")


class PlanCard(Base):
    """A task's column in one person's plan."""

    __tablename__ = "plan_cards"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    task_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    column_id: Mapped[int] = mapped_column(
        ForeignKey("plan_columns.id", ondelete="CASCADE"), index=True
    )


class TaskRecurrence(Base):
    """Repeat a template task: daily, weekly on chosen days, or monthly on a day."""

    __tablename__ = "task_recurrences"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    template_task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # daily | weekly | monthly
    weekdays: Mapped[str] = mapped_column(String(20), default="")  # "0,2,4" (Mon=0)
    month_day: Mapped[int] = mapped_column(Integer, default=1)
    hour: Mapped[int] = mapped_column(Integer, default=9)
    minute: Mapped[int] = mapped_column(Integer, default=0)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    next_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # weekly: every week_step-th week counted from the week of anchor_day (its Monday)
    week_step: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    anchor_day: Mapped[date | None] = mapped_column(Date)
    # 0: a copy is created at the rule's moment and due as the template was; more: the
    # copies are due at the rule's moments, each created this many minutes ahead
    lead_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class TaskTemplate(Base):
    __tablename__ = "task_templates"
    __table_args__ = (UniqueConstraint("team_id", "name_key", name="uq_task_templates_team_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    checklist: Mapped[str] = mapped_column(Text, default="")  # one item a line
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # the people and settings of the task it was saved from (no FKs: a group or person
    # gone since is left out when a task is made of it); people as "3,7" (user ids)
    group_id: Mapped[int | None] = mapped_column(Integer)
    responsible_id: Mapped[int | None] = mapped_column(Integer)
    accomplices: Mapped[str | None] = mapped_column(String(500))
    auditors: Mapped[str | None] = mapped_column(String(500))
    needs_approval: Mapped[bool | None] = mapped_column(Boolean)
    responsible_may_change_deadline: Mapped[bool | None] = mapped_column(Boolean)


class TaskHistory(Base):
    """What happened to a task's checklist and time: who did what, when. `kind` names
    the change (item_done, item_undone, item_deleted, time_changed, time_deleted);
    `detail` is what it was about (the item's text, the durations)."""

    __tablename__ = "task_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
