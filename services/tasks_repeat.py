"""Recurring tasks (daily, weekly on chosen days, monthly on a day) and templates."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import db
from models.base import utcnow
from models.tasks import ChecklistItem, Task, TaskMember, TaskRecurrence
from models.teams import User
from services.access import Actor, archived_group
from services.errors import N_, DomainError, forbidden
from services.tasks import can_manage, due_sort, get_task_to_change

# templates live in services.tasks_templates; these names stay reachable here
from services.tasks_templates import (  # noqa: F401
    find_template,
    list_templates,
    save_template,
    template_key,
)
from services.timeman_days_off import is_team_day_off
from services.timeman_schedules import Schedule, schedule_of

KINDS = ("daily", "weekly", "monthly")
# a copy due at the rule's moment comes at least this long before it: "due in an hour"
# can still be said, and it is never born overdue
MIN_LEAD = 60
DAY = 24 * 60


def _on_day(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone).astimezone(UTC)


def _week_index(day: date, anchor: date) -> int:
    """Whole weeks from the anchor's week to the day's (Mondays apart)."""
    monday = day - timedelta(days=day.weekday())
    return (monday - (anchor - timedelta(days=anchor.weekday()))).days // 7


def next_occurrence(rule: TaskRecurrence, after: datetime) -> datetime:
    """The first moment of the rule strictly after `after`, in the rule's zone."""
    zone = ZoneInfo(rule.timezone)
    day = after.astimezone(zone).date()
    weekdays = {int(d) for d in rule.weekdays.split(",") if d.strip().isdigit()}
    step = rule.week_step or 1
    anchor = rule.anchor_day
    for _ in range(400):
        fits = (
            rule.kind == "daily"
            or (
                rule.kind == "weekly"
                and day.weekday() in weekdays
                and (step == 1 or anchor is None or _week_index(day, anchor) % step == 0)
            )
            or (
                rule.kind == "monthly"
                and day.day == min(rule.month_day, calendar.monthrange(day.year, day.month)[1])
            )
        )
        if fits:
            moment = _on_day(day, rule.hour, rule.minute, zone)
            if moment > after:
                return moment
        day += timedelta(days=1)
    raise DomainError(N_("This repeat rule never fires."))


def previous_occurrence(rule: TaskRecurrence, until: datetime) -> datetime | None:
    """The rule's last moment at or before `until` (within about a month), if any."""
    found = None
    moment = next_occurrence(rule, until - timedelta(days=32))
    for _ in range(40):
        if moment > until:
            break
        found = moment
        moment = next_occurrence(rule, moment)
    return found


def _on_consecutive_days(rule: TaskRecurrence) -> bool:
    """Whether the rule fires two days running (daily, "по будням", "mon,tue")."""
    if rule.kind == "daily":
        return True
    if rule.kind != "weekly" or (rule.week_step or 1) > 1:
        return False
    days = {int(d) for d in rule.weekdays.split(",") if d.strip().isdigit()}
    return any((day + 1) % 7 in days for day in days)


def lead_minutes(rule: TaskRecurrence, occurs: datetime, schedule: Schedule, zone: str) -> int:
    """How long before its deadline a copy due at the rule's moment is created: for a
    rule that fires day after day, at the start of the responsible's working day (their
    schedule, in their zone) when that is an hour or more before, else at the end of
    the working day before; for any other rule, a day before. A copy due in the small
    hours of a night shift (05:00 of 22:00-06:00, its end at minute 1800) belongs to the
    shift that started the evening before, and is made at that start."""
    if not _on_consecutive_days(rule):
        return DAY
    local = occurs.astimezone(ZoneInfo(zone))
    at = local.hour * 60 + local.minute
    start, end = schedule.start_minute, schedule.end_minute
    if at <= end - DAY:  # the night shift began the evening before
        start, end = start - DAY, end - DAY
    if at - start >= MIN_LEAD:
        return at - start
    return min(DAY, max(MIN_LEAD, at + DAY - end))


def made_at(rule: TaskRecurrence, occurs: datetime) -> datetime:
    """When the copy of the occurrence `occurs` is created: at it, or (copies due at
    the rule's moments) its lead ahead, never before the occurrence before it."""
    if not rule.lead_minutes:
        return occurs
    ahead = occurs - timedelta(minutes=rule.lead_minutes)
    before = previous_occurrence(rule, occurs - timedelta(microseconds=1))
    return max(ahead, before) if before is not None else ahead


def occurrence_made_at(rule: TaskRecurrence, moment: datetime) -> datetime:
    """The occurrence whose copy is created at `moment` (the rule's `next_at`)."""
    return next_occurrence(rule, moment) if rule.lead_minutes else moment


def own_month_day(task: Task, zone: str, now: datetime | None = None) -> int:
    """The day of the month the task is due on (or today's), in `zone` (its repeat's)."""
    moment = task.deadline or now or utcnow()
    return moment.astimezone(ZoneInfo(zone)).day


async def zone_of(session: AsyncSession, actor: Actor, task: Task) -> str:
    """The zone a task's repeat keeps its days and time of day in: its responsible's
    (their working day: "every weekday at 10:00" is their 10:00 on their weekdays,
    whoever set it), the actor's when it has none."""
    responsible = await db.get(session, User, task.responsible_id) if task.responsible_id else None
    return responsible.timezone if responsible is not None else actor.timezone


async def set_recurrence(
    session: AsyncSession,
    actor: Actor,
    task_id: int,
    kind: str,
    *,
    weekdays: list[int] | None = None,
    month_day: int | None = None,
    hour: int = 9,
    minute: int = 0,
    week_step: int = 1,
    now: datetime | None = None,
) -> TaskRecurrence:
    task = await get_task_to_change(session, actor, task_id)
    if not can_manage(actor, task):
        raise forbidden()
    if kind not in KINDS:
        raise DomainError(N_("Repeat daily, weekly on days, or monthly on a day."))
    if not 1 <= week_step <= 12:
        raise DomainError(N_("Repeat every week, or every 2 to 12 weeks."))
    own_day = None
    zone = await zone_of(session, actor, task)
    if kind == "weekly" and not weekdays:
        # "every other week": on the day the task is due (or today), the task being
        # that week's: the first copy comes the step's weeks after it
        moment = task.deadline or now or utcnow()
        own_day = moment.astimezone(ZoneInfo(zone)).date()
        weekdays = [own_day.weekday()]
    if month_day is None:  # "monthly": on the day the task is due (or today)
        month_day = own_month_day(task, zone, now)
    if not 1 <= month_day <= 31 or not 0 <= hour <= 23 or not 0 <= minute <= 59:
        raise DomainError(N_("Repeat daily, weekly on days, or monthly on a day."))
    rule = await session.scalar(
        select(TaskRecurrence).where(TaskRecurrence.template_task_id == task.id)
    )
    if rule is None:
        rule = TaskRecurrence(team_id=task.team_id, template_task_id=task.id)
        session.add(rule)
    rule.created_by = actor.user_id
    rule.kind = kind
    rule.weekdays = ",".join(str(d) for d in sorted(set(weekdays or [])))
    rule.month_day = month_day
    rule.hour = hour
    rule.minute = minute
    rule.timezone = zone
    rule.active = True
    rule.week_step = week_step if kind == "weekly" else 1
    rule.anchor_day = own_day
    after = now or utcnow()
    if own_day is not None:  # the task is its day's: copies come on later ones
        after = max(after, _on_day(own_day + timedelta(days=1), 0, 0, ZoneInfo(zone)))
    if task.is_open and task.deadline is not None:
        # the task itself is the occurrence its deadline falls in ("every Monday at 10"
        # set on a task due Monday 10:00; "daily" on one due next Tuesday): the copies
        # are the ones after it, never a twin of it or days before it
        own = previous_occurrence(rule, task.deadline)
        if own is not None:
            after = max(after, own)
    rule.next_at = next_occurrence(rule, after)
    if own_day is None:
        rule.anchor_day = rule.next_at.astimezone(ZoneInfo(rule.timezone)).date()
    rule.lead_minutes = 0
    if task.deadline is not None and previous_occurrence(rule, task.deadline) == task.deadline:
        # due at the rule's moment ("the weekly report, Mondays at 10"): so is each copy,
        # made ahead of it, not at it (born overdue, with no reminder before it)
        responsible = await db.get(session, User, task.responsible_id)
        schedule = await schedule_of(session, responsible) if responsible else Schedule()
        rule.lead_minutes = lead_minutes(rule, rule.next_at, schedule, rule.timezone)
        rule.next_at = max(made_at(rule, rule.next_at), now or utcnow())
    task.recurrence_id = None
    await session.flush()
    task.recurrence_id = rule.id
    await session.flush()
    return rule


async def stop_recurrence(session: AsyncSession, actor: Actor, task_id: int) -> Task:
    task = await get_task_to_change(session, actor, task_id)
    if not can_manage(actor, task):
        raise forbidden()
    rule = await session.scalar(
        select(TaskRecurrence).where(TaskRecurrence.template_task_id == task.id)
    )
    if rule is None or not rule.active:
        raise DomainError(N_("This task does not repeat."))
    rule.active = False
    await session.flush()
    return task


def copy_deadline(rule: TaskRecurrence, template: Task, occurs: datetime) -> datetime | None:
    """A copy is due as the template was: the same number of days after it starts, at
    the same time of day in the rule's zone; later than it starts (never born overdue),
    never after the next copy starts. A template due at the rule's moment: the copy is
    due at its own (and made ahead of it, see `made_at`)."""
    if template.deadline is None:
        return None
    if rule.lead_minutes:  # the template is due at the rule's moment: so is the copy
        return occurs
    zone = ZoneInfo(rule.timezone)
    # the template's own occurrence: the rule's last moment up to its deadline, when
    # that is after it was made ("every Monday", made on a Friday, due Monday: its
    # copies are due on their Mondays, not three days after)
    anchor = max(
        template.start_at or template.created_at,
        previous_occurrence(rule, template.deadline) or template.created_at,
    ).astimezone(zone)
    due = template.deadline.astimezone(zone)
    days = max(0, (due.date() - anchor.date()).days)
    start = occurs.astimezone(zone)
    deadline = _on_day(start.date() + timedelta(days=days), due.hour, due.minute, zone)
    # due at 08:00 (or 09:00), made at 09:00: the next day's; but a template due at one of
    # the rule's own moments (a rule set before copies were made ahead, migration 0012)
    # has its copies due at theirs, as they always were
    at_a_moment = previous_occurrence(rule, template.deadline) == template.deadline
    if deadline < occurs or (deadline == occurs and not at_a_moment):
        deadline = _on_day(start.date() + timedelta(days=days + 1), due.hour, due.minute, zone)
    return min(deadline, next_occurrence(rule, occurs))


async def spawn_due(session: AsyncSession, now: datetime | None = None) -> list[Task]:
    """Create this occurrence of every due rule (one copy, however long the downtime)."""
    now = now or utcnow()
    rules = (
        (
            await session.execute(
                select(TaskRecurrence)
                .where(TaskRecurrence.active.is_(True), TaskRecurrence.next_at <= now)
                .order_by(TaskRecurrence.next_at)
                .limit(500)
                .with_for_update(skip_locked=True)
            )
        )
        .scalars()
        .all()
    )
    created: list[Task] = []
    for rule in rules:
        template = await session.get(Task, rule.template_task_id)
        if template is None:
            rule.active = False
            continue
        # after a downtime, the latest occurrence whose copy is due, not the oldest missed
        occurs = occurrence_made_at(rule, rule.next_at)
        for _ in range(400):
            following = next_occurrence(rule, occurs)
            if made_at(rule, following) > now:
                break
            occurs = following
        day = occurs.astimezone(ZoneInfo(rule.timezone)).date()
        if rule.kind != "monthly" and await is_team_day_off(session, template.team_id, day):
            pass  # a daily or weekly task is not due on the team's day off: it passes by
        elif await archived_group(session, template.group_id) is None:
            # an archived group gets nothing new: its occurrences pass by
            created.append(await _copy(session, rule, template, occurs, now))
        rule.next_at = made_at(rule, next_occurrence(rule, max(now, occurs)))
    await session.flush()
    return created


async def _copy(
    session: AsyncSession, rule: TaskRecurrence, template: Task, occurs: datetime, now: datetime
) -> Task:
    """The template's copy for this occurrence, with its people and checklist."""
    deadline = copy_deadline(rule, template, occurs)
    copy = Task(
        team_id=template.team_id,
        group_id=template.group_id,
        title=template.title,
        description=template.description,
        creator_id=template.creator_id,
        responsible_id=template.responsible_id,
        status="pending",
        is_open=True,
        deadline=deadline,
        due_sort=due_sort(deadline),
        start_at=made_at(rule, occurs),
        needs_approval=template.needs_approval,
        responsible_may_change_deadline=template.responsible_may_change_deadline,
        recurrence_id=rule.id,
        created_at=now,
    )
    session.add(copy)
    await session.flush()
    members = await session.execute(select(TaskMember).where(TaskMember.task_id == template.id))
    for member in members.scalars():
        session.add(TaskMember(task_id=copy.id, user_id=member.user_id, role=member.role))
    items = await session.execute(select(ChecklistItem).where(ChecklistItem.task_id == template.id))
    for item in items.scalars():
        session.add(
            ChecklistItem(task_id=copy.id, text=item.text, done=False, position=item.position)
        )
    return copy
