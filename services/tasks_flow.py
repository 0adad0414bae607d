"""Task workflow: statuses (with approval), approval and deadline flags, delegation,
deletion (deadlines and dependencies: services.tasks_deadlines)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from models import db
from models.base import utcnow
from models.groups import Group
from models.tasks import Task, TaskMember
from models.teams import User
from services.access import Actor
from services.errors import N_, DomainError, forbidden
from services.tasks import (
    ACCOMPLICE,
    AUDITOR,
    AWAITING,
    COMPLETED,
    DEFERRED,
    IN_PROGRESS,
    PAUSED,
    PENDING,
    STARTABLE,
    _check_assignee,
    _role,
    can_manage,
    get_task_to_change,
    is_doer,
)

# -- statuses -----------------------------------------------------------------

VERBS = ("start", "pause", "complete", "approve", "return", "defer", "renew")


async def change_status(
    session: AsyncSession, actor: Actor, task_id: int, verb: str, now: datetime | None = None
) -> tuple[Task, str]:
    """Apply a status verb; returns the task and its previous status."""
    task = await get_task_to_change(session, actor, task_id)
    now = now or utcnow()
    old = task.status
    doer = await is_doer(session, actor, task)
    manager = can_manage(actor, task)
    if verb == "start":
        _need(doer, old in STARTABLE)
        task.status = IN_PROGRESS
    elif verb == "pause":
        _need(doer, old == IN_PROGRESS)
        task.status = PAUSED
    elif verb == "complete":
        # the responsible completes (co-executors help, as in Bitrix24), or the creator
        _need(task.responsible_id == actor.user_id or manager, True)
        if old == AWAITING:  # already done, waiting: say so, not "the status changed"
            if manager:
                raise DomainError(
                    N_("The task waits for your approval: approve it or return it for rework.")
                )
            raise DomainError(N_("The task is already waiting for the creator's approval."))
        _need(True, old in (PENDING, IN_PROGRESS, PAUSED))
        if task.needs_approval and task.creator_id != actor.user_id:
            task.status = AWAITING
        else:
            _close(task, now)
    elif verb == "approve":
        _need(manager, old == AWAITING)
        _close(task, now)
    elif verb == "return":
        _need(manager, old == AWAITING)
        task.status = IN_PROGRESS
    elif verb == "defer":
        _need(
            task.responsible_id == actor.user_id or manager, old in (PENDING, IN_PROGRESS, PAUSED)
        )
        task.status = DEFERRED
    elif verb == "renew":
        _need(doer or manager, old in (COMPLETED, DEFERRED, AWAITING))
        task.status = PENDING
        task.is_open = True
        task.completed_at = None
    else:
        raise DomainError(N_("This button is out of date. Open the list again."))
    await session.flush()
    return task, old


def _need(allowed: bool, state_ok: bool) -> None:
    if not allowed:
        raise forbidden()
    if not state_ok:
        raise DomainError(N_("The task's status has changed. Open the task again."))


def _close(task: Task, now: datetime) -> None:
    task.status = COMPLETED
    task.is_open = False
    task.completed_at = now


async def set_approval(session: AsyncSession, actor: Actor, task_id: int, on: bool) -> Task:
    task = await get_task_to_change(session, actor, task_id)
    if not can_manage(actor, task):
        raise forbidden()
    task.needs_approval = on
    await session.flush()
    return task


async def set_deadline_flag(session: AsyncSession, actor: Actor, task_id: int, on: bool) -> Task:
    task = await get_task_to_change(session, actor, task_id)
    if not can_manage(actor, task):
        raise forbidden()
    task.responsible_may_change_deadline = on
    await session.flush()
    return task


async def delegate(session: AsyncSession, actor: Actor, task_id: int, user_id: int) -> Task:
    """Hand the task to someone else: its creator, an admin, or its responsible may."""
    task = await get_task_to_change(session, actor, task_id)
    if not (can_manage(actor, task) or task.responsible_id == actor.user_id):
        raise forbidden()
    if not task.is_open:
        raise DomainError(N_("The task is completed: renew it first."))
    group = await session.get(Group, task.group_id) if task.group_id else None
    user = await _check_assignee(session, actor, user_id, group)
    if user.id == task.responsible_id:
        raise DomainError(N_("{person} is already responsible for this task."), person=user.name)
    previous = task.responsible_id
    task.responsible_id = user.id
    await session.execute(
        delete(TaskMember).where(
            TaskMember.task_id == task.id,
            TaskMember.user_id == user.id,
            TaskMember.role == ACCOMPLICE,
        )
    )
    # the one who handed it over keeps an eye on it, unless they left the team
    handed = await db.get(session, User, previous)
    if (
        handed is not None
        and handed.active
        and previous != task.creator_id
        and await _role(session, task, previous) is None
    ):
        session.add(TaskMember(task_id=task.id, user_id=previous, role=AUDITOR))
    await session.flush()
    return task


async def delete_task(session: AsyncSession, actor: Actor, task_id: int) -> tuple[Task, set[int]]:
    """The creator or an admin deletes a task; returns it and who had a role in it."""
    from services.tasks_people import participants

    task = await get_task_to_change(session, actor, task_id)
    if not can_manage(actor, task):
        raise forbidden()
    people = await participants(session, task)
    await session.delete(task)
    await session.flush()
    return task, people
