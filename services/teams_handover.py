"""Someone leaving the team: what they still hold, and the colleague who takes it.

/team remove lists it and hands it all to one person (the removing admin unless they
pick another). Tasks, deals and leads change hands through their own services (the
handler tells the people, as any hand-over does); events, supervisor links, the
repeating tasks they do, the approvals they owe and their files here, as part of the
removal; the work they were doing stops (stop_work)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.calendar import Event, EventAttendee, EventOccurrenceAnswer
from models.crm import CrmDeal, CrmLead, CrmStage
from models.drive import DriveFile
from models.groups import Group, GroupMember
from models.tasks import Task, TaskMember, TaskRecurrence, TaskTimer
from models.teams import Role, User
from models.timeman import WorkDay
from services.access import Actor, get_team_user, require_admin
from services.errors import N_, DomainError, not_found
from services.pagination import Page, paginate
from services.tasks import ACCOMPLICE, AWAITING
from services.timeman import finish_for_leaver

if TYPE_CHECKING:
    from services.tasks_timer import StoppedTimer


@dataclass(slots=True)
class Holdings:
    """What is still open with a person: tasks they are responsible for, open deals and
    leads, coming events they organise, the people they supervise; the repeating tasks
    whose copies would still be theirs (the template done, so not among `tasks`), and
    the open tasks they created that wait, or will wait, for their approval; the files
    in their drive."""

    tasks: list[int] = field(default_factory=list)
    deals: list[int] = field(default_factory=list)
    leads: list[int] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    reports: list[User] = field(default_factory=list)
    repeats: list[int] = field(default_factory=list)
    approvals: list[int] = field(default_factory=list)
    files: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(
            self.tasks
            or self.deals
            or self.leads
            or self.events
            or self.reports
            or self.repeats
            or self.approvals
            or self.files
        )


def _coming_series(user_id: int, column: Any) -> list[ColumnElement[bool]]:
    """Conditions for the events (series or single, not overrides) not over yet whose
    `column` is the person."""
    now = utcnow()
    return [
        column == user_id,
        Event.parent_id.is_(None),
        Event.cancelled.is_(False),
        or_(
            and_(Event.repeat == "none", Event.ends_at > now),
            and_(
                Event.repeat != "none", or_(Event.repeat_until.is_(None), Event.repeat_until > now)
            ),
        ),
    ]


async def holdings(
    session: AsyncSession, actor: Actor, user_id: int, successor_id: int
) -> Holdings:
    """What goes from the person to `successor_id` (their files: those the successor
    may see once theirs, see hand_over_files)."""
    require_admin(actor)
    user = await get_team_user(session, actor, user_id)
    team = actor.team_id
    tasks = await session.scalars(
        select(Task.id)
        .where(Task.team_id == team, Task.responsible_id == user.id, Task.is_open.is_(True))
        .order_by(Task.id)
    )
    deals = await session.scalars(
        select(CrmDeal.id)
        .join(CrmStage, CrmStage.id == CrmDeal.stage_id)
        .where(CrmDeal.team_id == team, CrmDeal.owner_id == user.id, CrmStage.kind == "open")
        .order_by(CrmDeal.id)
    )
    leads = await session.scalars(
        select(CrmLead.id)
        .join(CrmStage, CrmStage.id == CrmLead.status_id)
        .where(CrmLead.team_id == team, CrmLead.owner_id == user.id, CrmStage.kind == "open")
        .order_by(CrmLead.id)
    )
    events = await session.scalars(
        select(Event)
        .where(Event.team_id == team, *_coming_series(user.id, Event.organizer_id))
        .order_by(Event.starts_at, Event.id)
    )
    reports = await session.scalars(
        select(User)
        .where(User.team_id == team, User.supervisor_id == user.id, User.active.is_(True))
        .order_by(User.name)
    )
    return Holdings(
        list(tasks.all()),
        list(deals.all()),
        list(leads.all()),
        list(events.all()),
        list(reports.all()),
        list((await session.scalars(_repeats(team, user.id))).all()),
        list((await session.scalars(_approvals(team, user.id))).all()),
        list((await session.scalars(_files(team, user.id, successor_id))).all()),
    )


def _repeats(team_id: int, user_id: int) -> Select[Any]:
    """The repeating tasks whose copies would be the person's: active rules on a template
    they are responsible for, done (an open one is among the tasks handed over)."""
    return (
        select(Task.id)
        .join(TaskRecurrence, TaskRecurrence.template_task_id == Task.id)
        .where(
            TaskRecurrence.team_id == team_id,
            TaskRecurrence.active.is_(True),
            Task.responsible_id == user_id,
            Task.is_open.is_(False),
        )
        .order_by(Task.id)
    )


def _approvals(team_id: int, user_id: int) -> Select[Any]:
    """The open tasks the person created whose completion they approve: waiting for it
    now (awaiting control) or once done (needs approval)."""
    return (
        select(Task.id)
        .where(
            Task.team_id == team_id,
            Task.creator_id == user_id,
            Task.is_open.is_(True),
            or_(Task.status == AWAITING, Task.needs_approval.is_(True)),
        )
        .order_by(Task.id)
    )


def _files(team_id: int, user_id: int, successor_id: int) -> Select[Any]:
    """The person's files that go to the successor: their own ones, and those of the
    groups the successor is in."""
    successors_groups = select(GroupMember.group_id).where(GroupMember.user_id == successor_id)
    return (
        select(DriveFile.id)
        .where(
            DriveFile.team_id == team_id,
            DriveFile.owner_id == user_id,
            or_(DriveFile.group_id.is_(None), DriveFile.group_id.in_(successors_groups)),
        )
        .order_by(DriveFile.id)
    )


async def hand_over_files(session: AsyncSession, leaving: User, successor_id: int) -> None:
    """The successor owns the leaving person's own files (seen by nobody else otherwise)
    and those of the groups they are in; a file of a group they are not in stays in it
    (its members see it, the successor still does not) and goes to the group's owner."""
    await session.execute(
        update(DriveFile)
        .where(DriveFile.id.in_(_files(leaving.team_id, leaving.id, successor_id)))
        .values(owner_id=successor_id)
    )
    groups_owner = select(Group.owner_id).where(Group.id == DriveFile.group_id)
    await session.execute(
        update(DriveFile)
        .where(DriveFile.team_id == leaving.team_id, DriveFile.owner_id == leaving.id)
        .values(owner_id=func.coalesce(groups_owner.scalar_subquery(), successor_id))
    )


async def hand_over_repeats(session: AsyncSession, leaving: User, successor_id: int) -> None:
    """The successor is responsible for the leaving person's repeating tasks' templates,
    so for every copy to come (a co-executor's part there is theirs no longer)."""
    ids = list((await session.scalars(_repeats(leaving.team_id, leaving.id))).all())
    if not ids:
        return
    await session.execute(update(Task).where(Task.id.in_(ids)).values(responsible_id=successor_id))
    await session.execute(
        delete(TaskMember).where(
            TaskMember.task_id.in_(ids),
            TaskMember.user_id == successor_id,
            TaskMember.role == ACCOMPLICE,
        )
    )


async def hand_over_approvals(session: AsyncSession, leaving: User, successor_id: int) -> None:
    """The successor approves the tasks the leaving person created and was to approve:
    they become their creator (the creator approves, as in Bitrix24)."""
    ids = list((await session.scalars(_approvals(leaving.team_id, leaving.id))).all())
    if ids:
        await session.execute(update(Task).where(Task.id.in_(ids)).values(creator_id=successor_id))


def _successors_query(actor: Actor, leaving_id: int) -> Select[Any]:
    return select(User).where(
        User.team_id == actor.team_id,
        User.active.is_(True),
        User.role != Role.EXTRANET.value,
        User.id != leaving_id,
    )


async def successors(
    session: AsyncSession, actor: Actor, leaving_id: int, page: int, per_page: int
) -> Page[User]:
    """The colleagues who may take over a leaving person's work: the team's active
    admins and employees."""
    require_admin(actor)
    return await paginate(
        session, _successors_query(actor, leaving_id).order_by(User.name), page, per_page
    )


async def successor(session: AsyncSession, actor: Actor, user_id: int, leaving_id: int) -> User:
    """One of `successors` (the id comes from a button)."""
    require_admin(actor)
    user = await session.scalar(_successors_query(actor, leaving_id).where(User.id == user_id))
    if user is None:
        if user_id == leaving_id:
            raise DomainError(N_("Pick someone who stays in the team."))
        raise not_found()
    return user


async def leave_events(session: AsyncSession, user_id: int, successor_id: int) -> list[Event]:
    """The leaving person is out of the coming events' attendee lists, and those they
    organise get the successor as organiser (and attendee). Returns those events."""
    theirs = list(
        (
            await session.scalars(select(Event).where(*_coming_series(user_id, Event.organizer_id)))
        ).all()
    )
    series_ids = [e.id for e in theirs]
    await session.execute(
        update(Event)
        .where(
            Event.organizer_id == user_id,
            or_(Event.id.in_(series_ids), Event.parent_id.in_(series_ids)),
        )
        .values(organizer_id=successor_id)
    )
    attending = select(Event.id).where(*_coming_series(user_id, EventAttendee.user_id))
    attending = attending.join(EventAttendee, EventAttendee.event_id == Event.id)
    coming_ids = [*series_ids, *(await session.scalars(attending)).all()]
    await session.execute(
        delete(EventAttendee).where(
            EventAttendee.user_id == user_id, EventAttendee.event_id.in_(coming_ids)
        )
    )
    await session.execute(
        delete(EventOccurrenceAnswer).where(
            EventOccurrenceAnswer.user_id == user_id,
            EventOccurrenceAnswer.series_id.in_(coming_ids),
        )
    )
    for event in theirs:  # the new organiser is in, as an organiser is
        row = await session.get(EventAttendee, (event.id, successor_id))
        if row is None:
            session.add(EventAttendee(event_id=event.id, user_id=successor_id, status="yes"))
        else:
            row.status = "yes"
    await session.flush()
    return theirs


async def clear_supervisor(session: AsyncSession, user_id: int) -> None:
    """Nobody reports to someone who left: their approvals go to the admins."""
    await session.execute(
        update(User).where(User.supervisor_id == user_id).values(supervisor_id=None)
    )


@dataclass(slots=True)
class StoppedWork:
    """What stopped with someone removed from the team: the timer they ran (its task
    and what was logged), the working day they had open, the open tasks they were a
    co-executor or an observer of."""

    timer: tuple[Task, StoppedTimer] | None = None
    day: WorkDay | None = None
    helping: int = 0


async def stop_work(
    session: AsyncSession, actor: Actor, user_id: int, now: datetime | None = None
) -> StoppedWork:
    """Someone removed from the team stops working at `now`: their running timer
    stops with its time logged, their open working day is finished (no violations:
    they left), and they are off the open tasks they helped with or watched. Nobody
    takes their place there: each task's responsible person still leads it and may add
    someone; the tasks they were responsible for are handed over (holdings)."""
    from services import tasks_timer  # it builds on the teams services (through users)

    require_admin(actor)
    user = await get_team_user(session, actor, user_id)
    now = now or utcnow()
    stopped = StoppedWork()
    timer = await session.get(TaskTimer, user.id)
    task = await session.get(Task, timer.task_id) if timer is not None else None
    if task is not None:
        ended = await tasks_timer.stop_timers_on(session, task, [user.id], now)
        if user.id in ended:
            stopped.timer = (task, ended[user.id])
    stopped.day = await finish_for_leaver(session, user, now)
    open_tasks = select(Task.id).where(Task.team_id == actor.team_id, Task.is_open.is_(True))
    helping = TaskMember.user_id == user.id, TaskMember.task_id.in_(open_tasks)
    stopped.helping = len(
        set((await session.scalars(select(TaskMember.task_id).where(*helping))).all())
    )
    await session.execute(delete(TaskMember).where(*helping))
    await session.flush()
    return stopped
