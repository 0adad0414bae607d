"""The overdue tasks of groups, for the chats bound to them: a page per planner pass,
found by the deadline alone (whoever is responsible, whatever their reminders say)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.chats import ChatBinding
from models.groups import Group
from models.tasks import Task
from services.tasks import deadline_counts_sql


@dataclass(slots=True)
class OverduePage:
    tasks: list[tuple[Task, Group]]
    after: tuple[datetime, int] | None  # where the next page starts; None: the last


async def group_overdue(
    session: AsyncSession,
    since: datetime,
    now: datetime,
    limit: int = 100,
    *,
    after: tuple[datetime, int] | None = None,
) -> OverduePage:
    """Open tasks of groups not archived, with a chat bound, whose deadline passed in
    (since, now]: a page (by deadline, then id, from `after`), in one query."""
    query = (
        select(Task, Group)
        .join(Group, Group.id == Task.group_id)
        .where(
            deadline_counts_sql(),
            Group.archived.is_(False),
            Group.id.in_(select(ChatBinding.group_id)),
            Task.deadline > since,
            Task.deadline <= now,
        )
    )
    if after is not None:
        query = query.where(
            or_(Task.deadline > after[0], and_(Task.deadline == after[0], Task.id > after[1]))
        )
    rows = (await session.execute(query.order_by(Task.deadline, Task.id).limit(limit))).all()
    tasks = [(task, group) for task, group in rows]
    last = tasks[-1][0] if len(tasks) == limit else None
    return OverduePage(tasks, (last.deadline, last.id) if last and last.deadline else None)
