"""A group's report for a period (the end of a sprint, a project's review): its tasks
due then against those done, what is still open and overdue, and per person the tasks
done, open and overdue and the time logged on the group's tasks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.groups import Group, GroupMember
from models.tasks import Task, TaskTimeEntry
from models.teams import User
from services.access import Actor
from services.tasks import COMPLETED, is_overdue
from services.tasks_time import group_to_report


@dataclass(slots=True)
class PersonLine:
    name: str
    done: int = 0  # completed in the period, as the responsible
    open: int = 0  # open now
    overdue: int = 0  # open now past the deadline
    seconds: int = 0  # logged on the group's tasks in the period


@dataclass(slots=True)
class GroupReport:
    group: Group
    due: int = 0  # tasks due in the period
    due_done: int = 0  # of them, completed
    on_time: int = 0  # of them, completed by the deadline
    done: int = 0  # tasks completed in the period, whenever due
    open: int = 0  # open now
    overdue: int = 0  # open now past the deadline
    seconds: int = 0  # logged on its tasks in the period
    people: list[PersonLine] = field(default_factory=list)


def _within(moment: datetime | None, start: datetime | None, end: datetime | None) -> bool:
    return (
        moment is not None and (start is None or moment >= start) and (end is None or moment < end)
    )


async def group_time(
    session: AsyncSession, actor: Actor, group_id: int, start: datetime, end: datetime
) -> dict[int, int]:
    """Seconds per person logged on a group's tasks in [start, end), for its members and
    the admins (a group's timesheet shows them beside its members' working time)."""
    group = await group_to_report(session, actor, group_id)
    return await _logged(session, group.id, start, end)


async def _logged(
    session: AsyncSession, group_id: int, start: datetime | None, end: datetime | None
) -> dict[int, int]:
    """Seconds per person logged on a group's tasks in [start, end) (None: unbounded)."""
    query = (
        select(TaskTimeEntry.user_id, func.sum(TaskTimeEntry.seconds))
        .join(Task, Task.id == TaskTimeEntry.task_id)
        .where(Task.group_id == group_id)
        .group_by(TaskTimeEntry.user_id)
    )
    if start is not None:
        query = query.where(TaskTimeEntry.started_at >= start)
    if end is not None:
        query = query.where(TaskTimeEntry.started_at < end)
    return {user_id: int(seconds or 0) for user_id, seconds in (await session.execute(query))}


async def group_report(
    session: AsyncSession,
    actor: Actor,
    group_id: int,
    start: datetime | None,
    end: datetime | None,
    now: datetime | None = None,
) -> GroupReport:
    """The report of a group for [start, end) (None: unbounded), for its members and
    the admins; people by name: its members and whoever has its tasks or logged time."""
    group = await group_to_report(session, actor, group_id)
    now = now or utcnow()
    report = GroupReport(group)
    seconds = await _logged(session, group.id, start, end)
    report.seconds = sum(seconds.values())
    member_ids = set(
        await session.scalars(select(GroupMember.user_id).where(GroupMember.group_id == group.id))
    )
    people: dict[int, PersonLine] = {}
    tasks = list(await session.scalars(select(Task).where(Task.group_id == group.id)))
    wanted = member_ids | set(seconds) | {task.responsible_id for task in tasks}
    names = await session.execute(
        select(User.id, User.name).where(User.id.in_(wanted), User.team_id == actor.team_id)
    )
    for user_id, name in names:
        people[user_id] = PersonLine(name, seconds=seconds.get(user_id, 0))
    for task in tasks:
        person = people.get(task.responsible_id)
        completed = task.status == COMPLETED
        if _within(task.deadline, start, end):
            report.due += 1
            if completed:
                report.due_done += 1
                deadline, finished = task.deadline, task.completed_at
                if deadline is not None and finished is not None and finished <= deadline:
                    report.on_time += 1
        if completed and _within(task.completed_at, start, end):
            report.done += 1
            if person is not None:
                person.done += 1
        if task.is_open:
            late = int(is_overdue(task, now))
            report.open += 1
            report.overdue += late
            if person is not None:
                person.open += 1
                person.overdue += late
    report.people = sorted(people.values(), key=lambda p: (p.name.casefold(), p.name))
    return report
