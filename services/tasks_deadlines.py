"""Task deadlines: who may set one, a deadline past its parent's or its project's, and
finish-to-start dependencies whose successors move with their predecessor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import db
from models.groups import Group
from models.tasks import Task, TaskDependency
from models.teams import User
from services.access import Actor, archived_group
from services.errors import N_, DomainError, forbidden
from services.tasks import can_manage, due_sort, get_task, get_task_to_change
from services.timeman_clock import at_local, local_date
from services.timeman_schedules import Schedule, schedule_of


def _may_set_deadline(actor: Actor, task: Task) -> bool:
    """The creator (or an admin), or the responsible when the creator lets them."""
    return can_manage(actor, task) or (
        task.responsible_id == actor.user_id and task.responsible_may_change_deadline
    )


async def set_deadline(
    session: AsyncSession, actor: Actor, task_id: int, deadline: datetime | None
) -> tuple[Task, list[Task]]:
    """Change the deadline; returns the task and the dependents it shifted."""
    task = await get_task_to_change(session, actor, task_id)
    if not _may_set_deadline(actor, task):
        raise DomainError(N_("Only the task's creator may change its deadline."))
    old = task.deadline
    task.deadline = deadline
    task.due_sort = due_sort(deadline)
    shifted: list[Task] = []
    if old is not None and deadline is not None and deadline != old:
        shifted = await _shift_dependents(session, actor, task, deadline - old)
    await session.flush()
    return task, shifted


@dataclass(frozen=True)
class Overrun:
    """A task due after what it belongs to: its parent task ("parent", `label` its id)
    or its project ("project", `label` its name), whose deadline is `deadline`."""

    kind: str
    label: str
    deadline: datetime


async def deadline_overrun(session: AsyncSession, task: Task) -> Overrun | None:
    """Whether the task is due after its parent task's or its project's deadline (the
    parent first: it is the nearer limit). Bitrix24 refuses such a deadline; here it is
    kept, and the reply says so (what was typed in a chat is not thrown away)."""
    if task.deadline is None:
        return None
    if task.parent_id is not None:
        parent = await session.get(Task, task.parent_id)
        if parent is not None and parent.deadline is not None and task.deadline > parent.deadline:
            return Overrun("parent", str(parent.id), parent.deadline)
    if task.group_id is not None:
        group = await session.get(Group, task.group_id)
        if (
            group is not None
            and group.is_project
            and group.deadline is not None
            and task.deadline > group.deadline
        ):
            return Overrun("project", group.name, group.deadline)
    return None


async def _on_a_workday(
    session: AsyncSession, task: Task, moment: datetime, later: bool
) -> datetime:
    """A deadline moved by a dependency does not land on a Saturday or Sunday: it goes on
    to Monday (or back to Friday when moved earlier), at the same time of day. The week
    is the task's creator's: the deadline was set in their zone ("3.12" is 18:00 there),
    so its weekday is the one they meant; in a zone hours away (the responsible's) a
    Friday evening is already Saturday, and a one-day move would become three.
    A deadline someone set by hand stays."""
    person = await db.get(session, User, task.creator_id)
    zone = ZoneInfo(person.timezone if person is not None else "UTC")
    local = moment.astimezone(zone)
    weekday = local.weekday()
    if weekday < 5:
        return moment
    days = (7 - weekday) if later else -(weekday - 4)
    moved = (local.replace(tzinfo=None) + timedelta(days=days)).replace(tzinfo=zone)
    return moved.astimezone(moment.tzinfo)


async def _shift_dependents(
    session: AsyncSession, actor: Actor, root: Task, delta: timedelta
) -> list[Task]:
    """Move every open successor (transitively) by its own predecessor's real shift
    (a weekend push of a task in the middle of a chain carries on to the tasks after
    it), keeping its duration and never starting before an open predecessor is due.
    A deadline its creator locked against the actor stays (its start still moves).
    Returns those whose deadline moved."""
    # the successors reached from the root, and the links among them
    preds: dict[int, list[int]] = {}
    tasks: dict[int, Task] = {root.id: root}
    frontier = [root.id]
    while frontier:
        current = frontier.pop()
        for succ in (
            await session.execute(
                select(Task)
                .join(TaskDependency, TaskDependency.successor_id == Task.id)
                .where(TaskDependency.predecessor_id == current)
            )
        ).scalars():
            preds.setdefault(succ.id, []).append(current)
            if succ.id not in tasks:
                tasks[succ.id] = succ
                frontier.append(succ.id)
    # each one after all its moved predecessors (there are no circles)
    moves: dict[int, timedelta] = {root.id: delta}
    shifted: list[Task] = []
    pending = [tid for tid in tasks if tid != root.id]
    while pending:
        ready = [tid for tid in pending if all(p in moves for p in preds[tid])]
        if not ready:  # a circle left by older data: stop rather than loop
            break
        for tid in ready:
            pending.remove(tid)
            moves[tid] = await _shift_one(session, actor, tasks[tid], preds[tid], moves, shifted)
    return shifted


async def _shift_one(
    session: AsyncSession,
    actor: Actor,
    succ: Task,
    moved_by: list[int],
    moves: dict[int, timedelta],
    shifted: list[Task],
) -> timedelta:
    """Move one successor after its predecessors moved; returns its own real shift."""
    shift = max(moves[p] for p in moved_by)
    if not succ.is_open or not shift:  # a finished task passes the move on as it came
        return shift
    if await archived_group(session, succ.group_id) is not None:
        return shift  # so does one of an archived group: it is read-only
    old_start = succ.start_at or succ.created_at
    start = old_start + shift
    due = (
        await session.execute(
            select(Task.deadline)
            .join(TaskDependency, TaskDependency.predecessor_id == Task.id)
            .where(
                TaskDependency.successor_id == succ.id,
                Task.is_open.is_(True),
                Task.deadline.is_not(None),
            )
        )
    ).scalars()
    start = max([start, *(d for d in due if d is not None)])
    succ.start_at = start
    shift = start - old_start
    if succ.deadline is None:
        return shift
    if not shift or not _may_set_deadline(actor, succ):
        return timedelta(0)
    old = succ.deadline
    succ.deadline = await _on_a_workday(session, succ, old + shift, shift > timedelta(0))
    succ.due_sort = succ.deadline
    shifted.append(succ)  # those whose deadline moved: their people hear it
    return succ.deadline - old


@dataclass(frozen=True)
class Clash:
    """A task due before a task it starts after is due (`after`): where its deadline
    could go instead (`proposed`), or None when the actor may not move it."""

    deadline: datetime
    after: datetime
    proposed: datetime | None


async def _proposed_deadline(session: AsyncSession, succ: Task, after: datetime) -> datetime:
    """A deadline for a task that starts when another is due (`after`): the responsible's
    next working day after that one, at the deadline's own time of day when it falls in
    their working hours, else at the end of their working day (never in the night)."""
    person = await db.get(session, User, succ.responsible_id)
    schedule = await schedule_of(session, person) if person is not None else Schedule()
    zone = person.timezone if person is not None else "UTC"
    deadline = succ.deadline or after
    local = deadline.astimezone(ZoneInfo(zone))
    minute = local.hour * 60 + local.minute
    if minute < schedule.start_minute and minute + 24 * 60 <= schedule.end_minute:
        minute += 24 * 60  # the small hours of a night shift
    if not schedule.start_minute <= minute <= schedule.end_minute:
        minute = schedule.end_minute if schedule.end_minute != 24 * 60 else 24 * 60 - 1
    day = schedule.working_day_from(local_date(after, zone) + timedelta(days=1))
    return at_local(day, minute, zone)


async def _clash(session: AsyncSession, actor: Actor, pred: Task, succ: Task) -> Clash | None:
    if pred.deadline is None or succ.deadline is None or not pred.is_open:
        return None
    if succ.deadline > pred.deadline:
        return None
    proposed = (
        await _proposed_deadline(session, succ, pred.deadline)
        if _may_set_deadline(actor, succ)
        else None
    )
    return Clash(succ.deadline, pred.deadline, proposed)


async def deadline_clash(
    session: AsyncSession, actor: Actor, predecessor_id: int, successor_id: int
) -> tuple[Task, Clash | None]:
    """Whether a task is still due before a task it starts after is, as the "Move the
    deadline" button asks again when pressed (the ids are untrusted)."""
    pred = await get_task(session, actor, predecessor_id)
    succ = await get_task_to_change(session, actor, successor_id)
    return succ, await _clash(session, actor, pred, succ)


async def add_dependency(
    session: AsyncSession, actor: Actor, predecessor_id: int, successor_id: int
) -> tuple[Task, Task, Clash | None]:
    """Finish-to-start: the successor starts when the predecessor is due. Its deadline
    stays as it is, as in Bitrix24's Gantt: when it comes before that start, the clash
    is returned (with where the deadline could go), for the person to decide."""
    pred = await get_task_to_change(session, actor, predecessor_id)
    succ = await get_task_to_change(session, actor, successor_id)
    if not (can_manage(actor, succ) or succ.responsible_id == actor.user_id):
        raise forbidden()
    if pred.id == succ.id:
        raise DomainError(N_("A task cannot depend on itself."))
    # no cycles: walk the predecessor's own predecessors
    frontier, seen = [pred.id], {pred.id}
    while frontier:
        current = frontier.pop()
        if current == succ.id:
            raise DomainError(N_("That would make a circle of dependencies."))
        ups = (
            await session.execute(
                select(TaskDependency.predecessor_id).where(TaskDependency.successor_id == current)
            )
        ).scalars()
        for up in ups:
            if up not in seen:
                seen.add(up)
                frontier.append(up)
    if await session.get(TaskDependency, (pred.id, succ.id)) is None:
        session.add(TaskDependency(predecessor_id=pred.id, successor_id=succ.id))
    if pred.deadline is not None and (succ.start_at or succ.created_at) < pred.deadline:
        succ.start_at = pred.deadline  # it starts when the predecessor is due
    await session.flush()
    return pred, succ, await _clash(session, actor, pred, succ)


async def predecessors(session: AsyncSession, actor: Actor, task: Task) -> list[Task]:
    """The tasks this one starts after, those the actor sees."""
    from services.tasks import visible_tasks

    query = (
        visible_tasks(actor)
        .join(TaskDependency, TaskDependency.predecessor_id == Task.id)
        .where(TaskDependency.successor_id == task.id)
        .order_by(Task.id)
    )
    return list((await session.execute(query)).scalars())


async def remove_dependency(
    session: AsyncSession, actor: Actor, predecessor_id: int, successor_id: int
) -> Task:
    """The successor no longer waits for the predecessor (its dates stay as they are)."""
    succ = await get_task_to_change(session, actor, successor_id)
    if not (can_manage(actor, succ) or succ.responsible_id == actor.user_id):
        raise forbidden()
    link = await session.get(TaskDependency, (predecessor_id, succ.id))
    if link is None:
        raise DomainError(
            N_("#{succ} does not start after #{pred}."), succ=succ.id, pred=predecessor_id
        )
    await session.delete(link)
    await session.flush()
    return succ
