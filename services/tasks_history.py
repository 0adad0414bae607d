"""A task's history (who ticked, unticked or deleted a checklist item, who changed or
deleted a time entry) and its time entries, each one seen and corrected."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.tasks import TaskHistory, TaskTimeEntry
from models.teams import User
from services.access import Actor
from services.errors import N_, DomainError, forbidden, not_found
from services.pagination import Page, paginate_rows
from services.tasks import can_manage, get_task, get_task_to_change

ITEM_DONE = "item_done"
ITEM_UNDONE = "item_undone"
ITEM_DELETED = "item_deleted"
TIME_CHANGED = "time_changed"
TIME_DELETED = "time_deleted"
ENTRY_MAX = 24 * 3600


async def record(
    session: AsyncSession, actor: Actor, task_id: int, kind: str, detail: str = ""
) -> None:
    """One line of the task's history; the caller has checked the actor's right."""
    session.add(
        TaskHistory(
            task_id=task_id,
            user_id=actor.user_id,
            kind=kind,
            detail=detail[:1000],
            created_at=utcnow(),
        )
    )
    await session.flush()


async def history(
    session: AsyncSession, actor: Actor, task_id: int, *, page: int = 1, per_page: int = 10
) -> Page[tuple[TaskHistory, str]]:
    """Newest first, with the name of who did it (empty: removed from the team)."""
    task = await get_task(session, actor, task_id)
    query = (
        select(TaskHistory, User.name)
        .outerjoin(User, User.id == TaskHistory.user_id)
        .where(TaskHistory.task_id == task.id)
        .order_by(TaskHistory.id.desc())
    )
    return await paginate_rows(session, query, page, per_page)


# -- time entries -----------------------------------------------------------------


async def time_entries(
    session: AsyncSession, actor: Actor, task_id: int, *, page: int = 1, per_page: int = 5
) -> Page[tuple[TaskTimeEntry, str]]:
    """The entries of a task anyone who sees it may read, newest first."""
    task = await get_task(session, actor, task_id)
    query = (
        select(TaskTimeEntry, User.name)
        .join(User, User.id == TaskTimeEntry.user_id)
        .where(TaskTimeEntry.task_id == task.id)
        .order_by(TaskTimeEntry.started_at.desc(), TaskTimeEntry.id.desc())
    )
    return await paginate_rows(session, query, page, per_page)


async def may_correct(session: AsyncSession, actor: Actor, entry: TaskTimeEntry) -> bool:
    """Who logged the time corrects it, and the task's creator or an admin."""
    if entry.user_id == actor.user_id:
        return True
    task = await get_task(session, actor, entry.task_id)
    return can_manage(actor, task)


async def _entry(session: AsyncSession, actor: Actor, entry_id: int) -> TaskTimeEntry:
    entry = await session.get(TaskTimeEntry, entry_id)
    if entry is None:
        raise not_found()
    await get_task_to_change(session, actor, entry.task_id)  # seen, and not archived
    if not await may_correct(session, actor, entry):
        raise forbidden()
    return entry


async def get_entry(session: AsyncSession, actor: Actor, entry_id: int) -> TaskTimeEntry:
    """An entry the actor may correct."""
    return await _entry(session, actor, entry_id)


async def change_entry(
    session: AsyncSession, actor: Actor, entry_id: int, seconds: int
) -> TaskTimeEntry:
    entry = await _entry(session, actor, entry_id)
    if seconds <= 0 or seconds > ENTRY_MAX:
        raise DomainError(N_("One entry may be at most 24 hours."))
    await record(session, actor, entry.task_id, TIME_CHANGED, f"{entry.seconds}:{seconds}")
    entry.seconds = seconds
    await session.flush()
    return entry


async def delete_entry(session: AsyncSession, actor: Actor, entry_id: int) -> int:
    """Delete the entry; the task's id."""
    entry = await _entry(session, actor, entry_id)
    task_id = entry.task_id
    await record(session, actor, task_id, TIME_DELETED, str(entry.seconds))
    await session.execute(delete(TaskTimeEntry).where(TaskTimeEntry.id == entry.id))
    await session.flush()
    return task_id
