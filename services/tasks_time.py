"""Time logged on tasks (a person's, a group's) and tasks completed in a span: what
/tasks time, the timesheet and a group's report read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.groups import Group
from models.tasks import Task, TaskTimeEntry
from models.teams import User
from services.access import Actor, get_readable_group, get_team_user
from services.errors import forbidden
from services.groups import is_member
from services.tasks import COMPLETED


async def _may_read_person(session: AsyncSession, actor: Actor, user_id: int) -> None:
    """Oneself; a supervisor their reports; an admin anyone in the team."""
    if user_id == actor.user_id:
        return
    user = await get_team_user(session, actor, user_id)
    if actor.is_admin or user.supervisor_id == actor.user_id:
        return
    raise forbidden()


async def time_logged(
    session: AsyncSession, actor: Actor, user_id: int, start: datetime, end: datetime
) -> list[tuple[Task, int]]:
    """Seconds per task logged by `user_id` in [start, end)."""
    from sqlalchemy import func

    await _may_read_person(session, actor, user_id)
    rows = (
        await session.execute(
            select(Task, func.sum(TaskTimeEntry.seconds))
            .join(TaskTimeEntry, TaskTimeEntry.task_id == Task.id)
            .where(
                Task.team_id == actor.team_id,
                TaskTimeEntry.user_id == user_id,
                TaskTimeEntry.started_at >= start,
                TaskTimeEntry.started_at < end,
            )
            .group_by(Task.id)
            .order_by(Task.id)
        )
    ).all()
    return [(task, int(seconds or 0)) for task, seconds in rows]


async def group_to_report(session: AsyncSession, actor: Actor, group_id: int) -> Group:
    """A group whose work (time, report) the actor may read: its members' and the
    admins' (an archived group's too: reading)."""
    group = await get_readable_group(session, actor, group_id)
    if not actor.is_admin and not await is_member(session, group.id, actor.user_id):
        raise forbidden()
    return group


async def time_logged_in_group(
    session: AsyncSession, actor: Actor, group_id: int, start: datetime, end: datetime
) -> list[tuple[Task, str, int]]:
    """Seconds per task and person logged on a group's tasks in [start, end), for its
    members and admins (an archived group's too: reading)."""
    group = await group_to_report(session, actor, group_id)
    rows = await session.execute(
        select(Task, User.name, func.sum(TaskTimeEntry.seconds))
        .join(TaskTimeEntry, TaskTimeEntry.task_id == Task.id)
        .join(User, User.id == TaskTimeEntry.user_id)
        .where(
            Task.team_id == actor.team_id,
            Task.group_id == group.id,
            TaskTimeEntry.started_at >= start,
            TaskTimeEntry.started_at < end,
        )
        .group_by(Task.id, User.id, User.name)
        .order_by(Task.id, User.name)
    )
    return [(task, name, int(seconds or 0)) for task, name, seconds in rows.all()]


async def completed_between(
    session: AsyncSession, actor: Actor, user_id: int, start: datetime, end: datetime
) -> list[Task]:
    """Tasks `user_id` was responsible for and completed in [start, end)."""
    await _may_read_person(session, actor, user_id)
    rows = await session.execute(
        select(Task)
        .where(
            Task.team_id == actor.team_id,
            Task.responsible_id == user_id,
            Task.status == COMPLETED,
            Task.completed_at >= start,
            Task.completed_at < end,
        )
        .order_by(Task.completed_at)
    )
    return list(rows.scalars())
