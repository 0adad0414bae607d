"""Daily reports (drafted from the day's tasks and time) and absences."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import db
from models.base import utcnow
from models.teams import User
from models.timeman import Absence, DailyReport, WorkDay
from services import timeman, timeman_clock, timeman_corrections
from services.access import Actor, require_staff
from services.errors import N_, DomainError, forbidden, not_found
from services.pagination import Page, paginate, paginate_rows
from services.reminders import optional_rows as reminders_rows

TEXT_MAX = 3500


# -- what the day contained ------------------------------------------------------------


@dataclass(slots=True)
class TaskLine:
    task_id: int
    title: str
    seconds: int = 0
    completed: bool = False


@dataclass(slots=True)
class DayFacts:
    day: WorkDay
    worked: timedelta
    planned: timedelta
    tasks: list[TaskLine] = field(default_factory=list)

    @property
    def logged(self) -> int:
        return sum(line.seconds for line in self.tasks)


async def day_facts(session: AsyncSession, user: User, day: WorkDay, now: datetime) -> DayFacts:
    """Worked vs planned time and, when tasks exist, what was completed and logged (a
    timer still running counts up to now)."""
    schedule = await timeman.schedule_of(session, user)
    planned = timeman_clock.planned_on(schedule, day.day, user.timezone)
    facts = DayFacts(day=day, worked=timeman_clock.worked(day, now), planned=planned)
    # a night shift's tasks done after midnight are its own
    start, end = timeman_clock.day_span(schedule, day.day, user.timezone)
    try:
        from models.tasks import Task, TaskTimeEntry, TaskTimer
    except ImportError:  # the tasks area is optional
        return facts
    lines: dict[int, TaskLine] = {}
    logged = await reminders_rows(
        session,
        "task_time_entries",
        select(Task.id, Task.title, func.sum(TaskTimeEntry.seconds))
        .select_from(TaskTimeEntry)
        .join(Task, Task.id == TaskTimeEntry.task_id)
        .where(
            TaskTimeEntry.user_id == user.id,
            TaskTimeEntry.started_at >= start,
            TaskTimeEntry.started_at < end,
            Task.team_id == user.team_id,
        )
        .group_by(Task.id, Task.title),
    )
    for task_id, title, seconds in logged:
        lines[task_id] = TaskLine(task_id, title, int(seconds or 0))
    running = await reminders_rows(
        session,
        "task_timers",
        select(Task.id, Task.title, TaskTimer.started_at)
        .join(Task, Task.id == TaskTimer.task_id)
        .where(TaskTimer.user_id == user.id, Task.team_id == user.team_id),
    )
    for task_id, title, started_at in running:
        # the part of the day's date it ran, until now
        seconds = (min(now, end) - max(started_at, start)).total_seconds()
        if seconds > 0:
            lines.setdefault(task_id, TaskLine(task_id, title)).seconds += int(seconds)
    done = await reminders_rows(
        session,
        "tasks",
        select(Task.id, Task.title).where(
            Task.responsible_id == user.id,
            Task.team_id == user.team_id,
            Task.completed_at >= start,
            Task.completed_at < end,
        ),
    )
    for task_id, title in done:
        lines.setdefault(task_id, TaskLine(task_id, title)).completed = True
    facts.tasks = sorted(lines.values(), key=lambda line: (-line.seconds, line.task_id))
    return facts


# -- reports ------------------------------------------------------------------------------


async def report_for_day(
    session: AsyncSession, actor: Actor, day_id: int, draft: str
) -> DailyReport:
    """The report of the actor's own day, created with its draft on first use."""
    require_staff(actor)
    day = await session.get(WorkDay, day_id)
    if day is None or day.user_id != actor.user_id:
        raise not_found()
    row = await session.scalar(select(DailyReport).where(DailyReport.day_id == day.id))
    if row is None:
        row = DailyReport(
            team_id=day.team_id,
            user_id=day.user_id,
            day_id=day.id,
            draft=draft,
            text="",
            status="draft",
            comment="",
        )
        session.add(row)
        await session.flush()
    elif row.status == "draft":
        row.draft = draft
        await session.flush()
    return row


async def get_report(session: AsyncSession, actor: Actor, report_id: int) -> DailyReport:
    """The author, their supervisor (the addressee) and admins may read a report."""
    row = await session.get(DailyReport, report_id)
    if row is None or row.team_id != actor.team_id:
        raise not_found()
    if row.user_id == actor.user_id or actor.is_admin:
        return row
    author = await db.get(session, User, row.user_id)
    if author is not None and author.supervisor_id == actor.user_id:
        return row
    if row.supervisor_id == actor.user_id:
        return row
    raise not_found()


async def set_report_text(
    session: AsyncSession, actor: Actor, report_id: int, text: str
) -> DailyReport:
    row = await get_report(session, actor, report_id)
    if row.user_id != actor.user_id:
        raise forbidden()
    if row.status == "confirmed":
        raise DomainError(N_("This report is already confirmed."))
    text = text.strip()
    if not text:
        raise DomainError(N_("Please type a value, or press Cancel."))
    row.text = text[:TEXT_MAX]
    await session.flush()
    return row


async def send_report(
    session: AsyncSession, actor: Actor, report_id: int, now: datetime | None = None
) -> tuple[DailyReport, User]:
    row = await get_report(session, actor, report_id)
    if row.user_id != actor.user_id:
        raise forbidden()
    if row.status == "confirmed":
        raise DomainError(N_("This report is already confirmed."))
    boss = await timeman_corrections.supervisor_of(session, actor.user_id)
    if boss is None:
        raise DomainError(
            N_(
                "You have no supervisor to send the report to. A team admin sets one: "
                "/team supervisor @person @supervisor"
            )
        )
    row.status = "sent"
    row.supervisor_id = boss.id
    row.sent_at = now or utcnow()
    await session.flush()
    return row, boss


async def review_report(
    session: AsyncSession,
    actor: Actor,
    report_id: int,
    *,
    comment: str = "",
    confirm: bool = False,
    now: datetime | None = None,
) -> tuple[DailyReport, User]:
    row = await get_report(session, actor, report_id)
    if row.user_id == actor.user_id or not (row.supervisor_id == actor.user_id or actor.is_admin):
        raise forbidden()
    if row.status == "draft" and row.sent_at is None:
        raise not_found()
    if row.status == "draft":  # sent, then taken back: the day changed since
        raise DomainError(
            N_("This report was taken back: the day changed since. It will come to you again.")
        )
    if confirm:
        row.status = "confirmed"
    comment = comment.strip()
    if comment:
        row.comment = comment[:TEXT_MAX]
    elif not confirm:
        raise DomainError(N_("Please type a value, or press Cancel."))
    row.reviewed_at = now or utcnow()
    author = await db.get(session, User, row.user_id)
    assert author is not None
    await session.flush()
    return row, author


async def waiting_reports(
    session: AsyncSession, actor: Actor, page: int, per_page: int
) -> Page[tuple[DailyReport, str, date]]:
    """The reports sent to the actor and not confirmed yet, the oldest first: (report,
    its author's name, the day's date)."""
    require_staff(actor)
    query = (
        select(DailyReport, User.name, WorkDay.day)
        .join(User, User.id == DailyReport.user_id)
        .join(WorkDay, WorkDay.id == DailyReport.day_id)
        .where(
            DailyReport.team_id == actor.team_id,
            DailyReport.supervisor_id == actor.user_id,
            DailyReport.status == "sent",
        )
        .order_by(WorkDay.day, User.name, DailyReport.id)
    )
    return await paginate_rows(session, query, page, per_page)


async def latest_day(session: AsyncSession, actor: Actor) -> WorkDay | None:
    require_staff(actor)
    return await session.scalar(
        select(WorkDay)
        .where(WorkDay.user_id == actor.user_id)
        .order_by(WorkDay.day.desc())
        .limit(1)
    )


# -- absences ----------------------------------------------------------------------------


class AbsenceOverlap(DomainError):
    """An absence over days another one already covers; `existing` is that one."""

    def __init__(self, existing: Absence) -> None:
        super().__init__(
            N_(
                "You are already away {first} – {last}. To change it, cancel that absence in /away and add it again."
            )
        )
        self.existing = existing


async def add_absence(
    session: AsyncSession,
    actor: Actor,
    first_day: date,
    last_day: date,
    reason: str,
) -> Absence:
    require_staff(actor)
    if last_day < first_day:
        raise DomainError(N_("The absence must end on or after the day it starts."))
    if (last_day - first_day).days > 366:
        raise DomainError(N_("An absence may last a year at most."))
    overlap = await session.scalar(
        select(Absence)
        .where(
            Absence.user_id == actor.user_id,
            Absence.first_day <= last_day,
            Absence.last_day >= first_day,
        )
        .order_by(Absence.first_day)
        .limit(1)
    )
    if overlap is not None:  # two absences of the same days: which one is meant?
        raise AbsenceOverlap(overlap)
    row = Absence(
        team_id=actor.team_id,
        user_id=actor.user_id,
        first_day=first_day,
        last_day=last_day,
        reason=" ".join(reason.split())[:300],
    )
    session.add(row)
    await session.flush()
    return row


async def absences(
    session: AsyncSession, actor: Actor, page: int, per_page: int, today: date
) -> Page[Absence]:
    require_staff(actor)
    query = (
        select(Absence)
        .where(Absence.user_id == actor.user_id, Absence.last_day >= today)
        .order_by(Absence.first_day, Absence.id)
    )
    return await paginate(session, query, page, per_page)


async def cancel_absence(session: AsyncSession, actor: Actor, absence_id: int) -> Absence:
    row = await session.get(Absence, absence_id)
    if row is None or row.user_id != actor.user_id:
        raise not_found()
    await session.delete(row)
    await session.flush()
    return row


async def is_away(session: AsyncSession, user_id: int, day: date) -> bool:
    found = await session.scalar(
        select(Absence.id)
        .where(Absence.user_id == user_id, Absence.first_day <= day, Absence.last_day >= day)
        .limit(1)
    )
    return found is not None


async def away_on(session: AsyncSession, pairs: list[tuple[int, date]]) -> set[tuple[int, date]]:
    """Which of the (person, local date) pairs fall in an absence, in one query."""
    if not pairs:
        return set()
    rows = await session.execute(
        select(Absence.user_id, Absence.first_day, Absence.last_day).where(
            Absence.user_id.in_({uid for uid, _d in pairs}),
            Absence.last_day >= min(d for _u, d in pairs),
            Absence.first_day <= max(d for _u, d in pairs),
        )
    )
    spans: dict[int, list[tuple[date, date]]] = {}
    for uid, first, last in rows:
        spans.setdefault(uid, []).append((first, last))
    return {
        (uid, day)
        for uid, day in pairs
        if any(first <= day <= last for first, last in spans.get(uid, []))
    }
