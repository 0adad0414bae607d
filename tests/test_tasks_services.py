"""Task services on both engines: transitions, approval, deadlines and dependents,
recurrence, time, access (roles, groups, extranet, ids from buttons)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.db import create_engine, create_sessionmaker
from models.tasks import Task
from services import (
    groups,
    tasks,
    tasks_deadlines,
    tasks_flow,
    tasks_lists,
    tasks_people,
    tasks_plan,
    tasks_repeat,
    tasks_time,
    tasks_timer,
    tasks_work,
    teams,
    teams_invites,
    users,
)
from services.access import Actor
from services.errors import DomainError
from services.teams import Newcomer

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


@dataclass
class World:
    admin: Actor
    emp: Actor
    other: Actor
    guest: Actor
    outsider: Actor
    group_id: int  # "Partners": admin, guest
    closed_id: int  # closed, admin only


@pytest.fixture
async def maker(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(db_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


def who(name: str) -> Newcomer:
    return Newcomer(platform="console", external_id=name.casefold(), name=name)


@pytest.fixture
async def world(maker: async_sessionmaker[AsyncSession]) -> World:
    async with maker() as s, s.begin():
        admin = await teams.create_team(s, who("Admin"))
        partners = await groups.create_group(s, admin, "Partners")
        closed = await groups.create_group(s, admin, "Closed", is_open=False)
        code = (await teams_invites.create_invite(s, admin, role="employee")).code
        emp, _ = await teams_invites.join_with_invite(s, code, who("Emp"))
        other, _ = await teams_invites.join_with_invite(s, code, who("Other"))
        gcode = (
            await teams_invites.create_invite(s, admin, role="extranet", group_id=partners.id)
        ).code
        guest, _ = await teams_invites.join_with_invite(s, gcode, who("Guest"))
        outsider = await teams.create_team(s, who("Stranger"))
        return World(admin, emp, other, guest, outsider, partners.id, closed.id)


async def test_transitions_and_approval(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with maker() as s, s.begin():
        task = await tasks.create_task(
            s, world.admin, "Prepare the offer", responsible_id=world.emp.user_id, now=NOW
        )
        await tasks_flow.set_approval(s, world.admin, task.id, True)
        tid = task.id
    async with maker() as s, s.begin():
        # an observer-less colleague cannot touch it; the responsible can
        with pytest.raises(DomainError):
            await tasks_flow.change_status(s, world.other, tid, "start")
    async with maker() as s, s.begin():
        t, old = await tasks_flow.change_status(s, world.emp, tid, "start")
        assert (old, t.status) == ("pending", "in_progress")
        t, _ = await tasks_flow.change_status(s, world.emp, tid, "pause")
        assert t.status == "paused"
        t, _ = await tasks_flow.change_status(s, world.emp, tid, "complete", now=NOW)
        assert t.status == "awaiting_control" and t.is_open
    async with maker() as s, s.begin():
        with pytest.raises(DomainError):  # only the creator approves
            await tasks_flow.change_status(s, world.emp, tid, "approve")
    async with maker() as s, s.begin():
        t, _ = await tasks_flow.change_status(s, world.admin, tid, "return")
        assert t.status == "in_progress"
        await tasks_flow.change_status(s, world.emp, tid, "complete", now=NOW)
        t, _ = await tasks_flow.change_status(s, world.admin, tid, "approve", now=NOW)
        assert t.status == "completed" and not t.is_open and t.completed_at == NOW
    async with maker() as s, s.begin():
        with pytest.raises(DomainError, match="status has changed"):
            await tasks_flow.change_status(s, world.emp, tid, "pause")
        t, _ = await tasks_flow.change_status(s, world.emp, tid, "renew")
        assert t.status == "pending" and t.is_open and t.completed_at is None
        t, _ = await tasks_flow.change_status(s, world.emp, tid, "defer")
        assert t.status == "deferred"
    async with maker() as s, s.begin():
        done = await tasks_time.completed_between(
            s, world.emp, world.emp.user_id, NOW - timedelta(days=1), NOW + timedelta(days=1)
        )
        assert done == []  # renewed since


async def test_deadline_rights_and_delegation(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with maker() as s, s.begin():
        task = await tasks.create_task(
            s,
            world.admin,
            "Send the report",
            responsible_id=world.emp.user_id,
            deadline=NOW + timedelta(days=2),
            responsible_may_change_deadline=False,
        )
        tid = task.id
    async with maker() as s, s.begin():
        with pytest.raises(DomainError, match="Only the task's creator"):
            await tasks_deadlines.set_deadline(s, world.emp, tid, NOW + timedelta(days=5))
    async with maker() as s, s.begin():
        await tasks_flow.set_deadline_flag(s, world.admin, tid, True)
        t, _ = await tasks_deadlines.set_deadline(s, world.emp, tid, NOW + timedelta(days=5))
        assert t.deadline == NOW + timedelta(days=5)
        t = await tasks_flow.delegate(s, world.emp, tid, world.other.user_id)
        assert t.responsible_id == world.other.user_id
        roles = await tasks_people.roles_of(s, t)
        assert [u.id for u in roles.auditors] == [world.emp.user_id]  # keeps watching
    async with maker() as s:
        page = await tasks_lists.list_tasks(s, world.other, "do")
        assert [t.id for t in page.items] == [tid]
        page = await tasks_lists.list_tasks(s, world.emp, "observe")
        assert [t.id for t in page.items] == [tid]


async def test_dependents_shift_with_the_predecessor(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with maker() as s, s.begin():
        a = await tasks.create_task(
            s, world.admin, "Design", deadline=NOW + timedelta(days=2), now=NOW
        )
        b = await tasks.create_task(
            s, world.admin, "Build", deadline=NOW + timedelta(days=5), now=NOW
        )
        c = await tasks.create_task(
            s, world.admin, "Ship", deadline=NOW + timedelta(days=7), now=NOW
        )
        await tasks_deadlines.add_dependency(s, world.admin, a.id, b.id)
        await tasks_deadlines.add_dependency(s, world.admin, b.id, c.id)
        ids = (a.id, b.id, c.id)
    async with maker() as s, s.begin():
        b = await s.get(Task, ids[1])
        assert b is not None and b.start_at == NOW + timedelta(days=2)  # starts when A is due
        with pytest.raises(DomainError, match="circle"):
            await tasks_deadlines.add_dependency(s, world.admin, ids[2], ids[0])
    async with maker() as s, s.begin():
        _, shifted = await tasks_deadlines.set_deadline(
            s, world.admin, ids[0], NOW + timedelta(days=4)
        )
        assert sorted(t.id for t in shifted) == [ids[1], ids[2]]
    async with maker() as s:
        b, c = await s.get(Task, ids[1]), await s.get(Task, ids[2])
        assert b is not None and c is not None
        assert b.deadline == NOW + timedelta(days=7) and b.start_at == NOW + timedelta(days=4)
        assert c.deadline == NOW + timedelta(days=9)
        rows, deps, _total = await tasks_plan.gantt_data(s, world.admin)
        assert [t.id for t in rows] == list(ids) and sorted(deps) == sorted(
            [(ids[0], ids[1]), (ids[1], ids[2])]
        )


async def test_a_deadline_moved_by_a_dependency_skips_the_weekend(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with maker() as s, s.begin():
        design = await tasks.create_task(
            s,
            world.admin,
            "Design",
            deadline=NOW + timedelta(days=4),
            now=NOW,  # Friday
        )
        build = await tasks.create_task(
            s,
            world.admin,
            "Build",
            deadline=NOW + timedelta(days=1),
            now=NOW,  # one day long
        )
        _, build, clash = await tasks_deadlines.add_dependency(s, world.admin, design.id, build.id)
        # the deadline stays; the one offered is the working day after Friday's, Monday,
        # at the same time of day
        assert build.deadline == NOW + timedelta(days=1) and clash is not None
        assert clash.after == NOW + timedelta(days=4)
        assert clash.proposed == NOW + timedelta(days=7)
        await tasks_deadlines.set_deadline(s, world.admin, build.id, clash.proposed)
        _, shifted = await tasks_deadlines.set_deadline(
            s, world.admin, design.id, NOW + timedelta(days=3)
        )
        # a day earlier is a Sunday: back to Friday
        assert [t.id for t in shifted] == [build.id]
        assert build.deadline == NOW + timedelta(days=4)
        # a deadline set by hand on a Saturday stays there
        await tasks_deadlines.set_deadline(s, world.admin, build.id, NOW + timedelta(days=5))
        assert build.deadline == NOW + timedelta(days=5)


async def test_a_dependency_offers_a_deadline_in_the_working_day_and_moves_none(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with maker() as s, s.begin():
        before = await tasks.create_task(
            s,
            world.admin,
            "API",
            responsible_id=world.emp.user_id,
            deadline=NOW + timedelta(days=3, hours=9),  # Thursday 18:00
            now=NOW,
        )
        night = await tasks.create_task(
            s, world.admin, "Form", deadline=NOW + timedelta(days=1, hours=-5), now=NOW
        )  # Tuesday 04:00: not in the working day
        _, night, clash = await tasks_deadlines.add_dependency(s, world.admin, before.id, night.id)
        assert night.deadline == NOW + timedelta(days=1, hours=-5)  # not moved
        assert night.start_at == before.deadline
        # Friday at the end of the working day, 18:00, not at night
        assert clash is not None and clash.proposed == NOW + timedelta(days=4, hours=9)
        # the responsible who may not move it is told so, nothing is offered
        await tasks_flow.set_deadline_flag(s, world.admin, night.id, False)
        await tasks_flow.delegate(s, world.admin, night.id, world.emp.user_id)
        _, clash = await tasks_deadlines.deadline_clash(s, world.emp, before.id, night.id)
        assert clash is not None and clash.proposed is None
        # due after the predecessor: no clash
        await tasks_deadlines.set_deadline(s, world.admin, night.id, NOW + timedelta(days=4))
        _, clash = await tasks_deadlines.deadline_clash(s, world.admin, before.id, night.id)
        assert clash is None


async def test_access_by_role_group_and_extranet(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with maker() as s, s.begin():
        private = await tasks.create_task(s, world.emp, "Call the bank")
        in_group = await tasks.create_task(
            s,
            world.admin,
            "Sign the contract",
            group_id=world.group_id,
            responsible_id=world.guest.user_id,
        )
        in_closed = await tasks.create_task(s, world.admin, "Audit", group_id=world.closed_id)
        with pytest.raises(DomainError, match="extranet member"):
            await tasks.create_task(s, world.admin, "Nope", responsible_id=world.guest.user_id)
    async with maker() as s:
        for actor, visible in (
            (world.admin, {private.id, in_group.id, in_closed.id}),
            (world.emp, {private.id}),
            (world.other, set()),
            (world.guest, {in_group.id}),
            (world.outsider, set()),
        ):
            for task_id in (private.id, in_group.id, in_closed.id):
                if task_id in visible:
                    assert (await tasks.get_task(s, actor, task_id)).id == task_id
                else:
                    with pytest.raises(DomainError, match="Not found"):
                        await tasks.get_task(s, actor, task_id)
    async with maker() as s, s.begin():
        # ids from buttons: another's task is neither commented, timed nor moved
        with pytest.raises(DomainError):
            await tasks_work.add_comment(s, world.guest, private.id, "hi")
        with pytest.raises(DomainError):
            await tasks_timer.start_timer(s, world.other, private.id)
        col = (await tasks_plan.columns(s, world.other))[0]
        with pytest.raises(DomainError):
            await tasks_plan.move(s, world.other, private.id, col.id)
        own_col = (await tasks_plan.columns(s, world.emp))[1]
        with pytest.raises(DomainError):  # someone else's column
            await tasks_plan.move(s, world.other, private.id, own_col.id)
        with pytest.raises(DomainError, match="inside your group"):
            await tasks.create_task(s, world.guest, "Outside")
        t = await tasks.create_task(s, world.guest, "Inside", group_id=world.group_id)
        assert t.responsible_id == world.guest.user_id
    async with maker() as s, s.begin():
        with pytest.raises(DomainError):  # a colleague's time is private
            await tasks_time.time_logged(s, world.other, world.emp.user_id, NOW, NOW)
        await users.set_supervisor(s, world.admin, world.emp.user_id, world.other.user_id)
        assert await tasks_time.time_logged(s, world.other, world.emp.user_id, NOW, NOW) == []


async def test_time_timer_and_manual_entries(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    assert tasks_timer.parse_duration("2h 30m review") == (9000, "review")
    assert tasks_timer.parse_duration("2ч 30м созвон") == (9000, "созвон")
    assert tasks_timer.parse_duration("1,5 часа") == (5400, "")
    with pytest.raises(DomainError):
        tasks_timer.parse_duration("soon")
    async with maker() as s, s.begin():
        a = await tasks.create_task(s, world.emp, "Write the spec")
        b = await tasks.create_task(s, world.emp, "Review the spec")
        await tasks_timer.start_timer(s, world.emp, a.id, now=NOW)
        _, stopped = await tasks_timer.start_timer(
            s, world.emp, b.id, now=NOW + timedelta(minutes=40)
        )
        assert stopped is not None and stopped.entry is not None
        assert stopped.entry.seconds == 2400
        _, done = await tasks_timer.stop_timer(s, world.emp, now=NOW + timedelta(minutes=50))
        assert done.entry is not None and done.entry.seconds == 600
        # a timer left running for days logs nothing: the time is asked instead
        await tasks_timer.start_timer(s, world.emp, b.id, now=NOW)
        _, forgotten = await tasks_timer.stop_timer(s, world.emp, now=NOW + timedelta(days=3))
        assert forgotten.entry is None and forgotten.started_at == NOW
        await tasks_timer.add_time(s, world.emp, a.id, 9000, "review", now=NOW + timedelta(hours=5))
        ids = (a.id, b.id)
    async with maker() as s:
        logged = await tasks_time.time_logged(
            s, world.emp, world.emp.user_id, NOW, NOW + timedelta(days=1)
        )
        assert [(t.id, sec) for t, sec in logged] == [(ids[0], 11400), (ids[1], 600)]
        total, per = await tasks_timer.task_time(s, world.admin, ids[0])
        assert total == 11400 and per == [("Emp", 11400)]


async def test_comments_mentions_checklist_subtasks(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with maker() as s, s.begin():
        task = await tasks.create_task(
            s, world.admin, "Plan the launch", responsible_id=world.emp.user_id
        )
        _, comment, said = await tasks_work.add_comment(s, world.emp, task.id, "Ask @Other")
        assert [u.id for u in said.told] == [world.other.user_id]
        # the responsible's mention made Other an observer, so Other may see it now
        assert [u.id for u in (await tasks_people.roles_of(s, task)).auditors] == [
            world.other.user_id
        ]
        # an observer's mention of someone who cannot see the task reaches nobody; an
        # extranet member, outside any group of the task, nobody may ask to add either
        _, _, said = await tasks_work.add_comment(s, world.other, task.id, "cc @Guest")
        assert said.told == [] and said.unseen == []
        assert [u.id for u in said.barred] == [world.guest.user_id]
        with pytest.raises(DomainError):
            await tasks.get_task(s, world.guest, task.id)
        _, reply, _ = await tasks_work.add_comment(
            s, world.admin, task.id, "ok", reply_to_id=comment.id
        )
        assert reply.reply_to_id == comment.id
        items = await tasks_work.add_items(s, world.emp, task.id, ["Budget", " Venue ", ""])
        assert [i.text for i in items] == ["Budget", "Venue"]
        await tasks_work.toggle_item(s, world.emp, items[0].id)
        with pytest.raises(DomainError):
            await tasks_work.toggle_item(s, world.other, items[0].id)
        sub = await tasks.create_task(s, world.emp, "Book the venue", parent_id=task.id)
        assert [t.id for t in (await tasks.subtasks(s, world.admin, task.id)).items] == [sub.id]
        _, page = await tasks_work.comments(s, world.admin, task.id)
        assert [c.text for c, _ in page.items] == ["ok", "cc @Guest", "Ask @Other"]
        assert [i.done for i in await tasks_work.checklist(s, world.admin, task.id)] == [
            True,
            False,
        ]


async def test_recurrence_daily_weekly_monthly(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with maker() as s, s.begin():
        task = await tasks.create_task(
            s,
            world.admin,
            "Send the weekly report",
            responsible_id=world.emp.user_id,
            deadline=NOW + timedelta(hours=8),
            now=NOW,
        )
        await tasks_work.add_items(s, world.admin, task.id, ["Numbers", "Risks"])
        rule = await tasks_repeat.set_recurrence(
            s, world.admin, task.id, "weekly", weekdays=[0, 3], hour=10, now=NOW
        )
        # admin's zone is the team default; 10:00 there
        first = rule.next_at
        assert first > NOW
        with pytest.raises(DomainError):
            await tasks_repeat.set_recurrence(s, world.emp, task.id, "daily")
        tid = task.id
    async with maker() as s, s.begin():
        assert await tasks_repeat.spawn_due(s, now=first - timedelta(minutes=1)) == []
        made = await tasks_repeat.spawn_due(s, now=first)
        assert len(made) == 1 and made[0].title == "Send the weekly report"
        assert made[0].responsible_id == world.emp.user_id
        # the template is Monday's (due today 17:00): the first copy is Thursday's, not a
        # twin of it; due as the template was: the day it starts, at 17:00
        assert (NOW + timedelta(hours=8)).hour == 17 and first.date() == date(2026, 3, 5)
        assert made[0].deadline == datetime(2026, 3, 5, 17, 0, tzinfo=UTC)
        copy_id = made[0].id
        assert await tasks_repeat.spawn_due(s, now=first) == []  # once
    async with maker() as s:
        items = await tasks_work.checklist(s, world.admin, copy_id)
        assert [i.text for i in items] == ["Numbers", "Risks"]
        rows = (await s.execute(select(Task).where(Task.recurrence_id.is_not(None)))).scalars()
        assert {t.id for t in rows} == {tid, copy_id}
    rule_daily = tasks_repeat.TaskRecurrence(
        kind="daily", weekdays="", month_day=1, hour=9, minute=0, timezone="Europe/Moscow"
    )
    assert tasks_repeat.next_occurrence(rule_daily, NOW) == datetime(2026, 3, 3, 6, 0, tzinfo=UTC)
    rule_month = tasks_repeat.TaskRecurrence(
        kind="monthly", weekdays="", month_day=31, hour=9, minute=0, timezone="UTC"
    )
    assert tasks_repeat.next_occurrence(rule_month, NOW) == datetime(2026, 3, 31, 9, 0, tzinfo=UTC)
    after = datetime(2026, 4, 1, tzinfo=UTC)
    assert tasks_repeat.next_occurrence(rule_month, after) == datetime(2026, 4, 30, 9, tzinfo=UTC)
    rule_week = tasks_repeat.TaskRecurrence(
        kind="weekly", weekdays="4", month_day=1, hour=9, minute=0, timezone="UTC"
    )
    assert tasks_repeat.next_occurrence(rule_week, NOW) == datetime(2026, 3, 6, 9, tzinfo=UTC)


async def test_plan_columns_and_moves(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with maker() as s, s.begin():
        task = await tasks.create_task(
            s, world.admin, "Call Ivanov", responsible_id=world.emp.user_id
        )
        cols = await tasks_plan.columns(s, world.emp)
        assert [c.name for c in cols] == ["New", "Today", "This week", "Review", "Done"]
        board = await tasks_plan.board(s, world.emp)
        assert [n for _, n in board] == [1, 0, 0, 0, 0]
        await tasks_plan.move(s, world.emp, task.id, cols[3].id)
        with pytest.raises(DomainError, match="you do or help with"):  # the creator's plan
            await tasks_plan.move(
                s, world.admin, task.id, (await tasks_plan.columns(s, world.admin))[1].id
            )
        assert [n for _, n in await tasks_plan.board(s, world.emp)] == [0, 0, 0, 1, 0]
        new = await tasks_plan.add_column(s, world.emp, "Someday")
        await tasks_plan.shift_column(s, world.emp, new.id, -1)
        assert [c.name for c in await tasks_plan.columns(s, world.emp)] == [
            "New",
            "Today",
            "This week",
            "Review",
            "Someday",
            "Done",
        ]
        await tasks_plan.delete_column(s, world.emp, cols[3].id)
        assert [n for _, n in await tasks_plan.board(s, world.emp)] == [1, 0, 0, 0, 0]
        # the admin's plan holds only what the admin does; a task completed before the
        # plan was first opened is in its Done column
        own = await tasks.create_task(s, world.admin, "Pay the rent")
        await tasks_flow.change_status(s, world.admin, own.id, "complete")
        assert [n for _, n in await tasks_plan.board(s, world.admin)] == [0, 0, 0, 0, 1]
        done = (await tasks_plan.columns(s, world.admin))[-1]
        _, page = await tasks_plan.column_tasks(s, world.admin, done.id)
        assert [t.id for t in page.items] == [own.id]


async def test_overdue_and_almost_overdue(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with maker() as s, s.begin():
        late = await tasks.create_task(
            s, world.emp, "Pay the bill", deadline=NOW - timedelta(hours=1)
        )
        soon = await tasks.create_task(s, world.emp, "Call back", deadline=NOW + timedelta(hours=3))
        later = await tasks.create_task(s, world.emp, "Plan Q3", deadline=NOW + timedelta(days=3))
        assert tasks.is_overdue(late, NOW) and not tasks.is_overdue(soon, NOW)
        assert tasks.is_almost_overdue(soon, NOW) and not tasks.is_almost_overdue(later, NOW)
        page = await tasks_lists.list_tasks(s, world.emp, "overdue", now=NOW)
        assert [t.id for t in page.items] == [late.id]
        page = await tasks_lists.list_tasks(s, world.emp, "do")
        assert [t.id for t in page.items] == [late.id, soon.id, later.id]  # by deadline
        await tasks_flow.change_status(s, world.emp, late.id, "defer")
        assert not tasks.is_overdue(late, NOW)
        assert (await tasks_lists.list_tasks(s, world.emp, "overdue", now=NOW)).total == 0


async def test_recurring_tick_creates_and_notifies(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    from models.notifications import Notification
    from scheduler.tasks_recurring import spawn_recurring

    async with maker() as s, s.begin():
        task = await tasks.create_task(
            s, world.admin, "Water the plants", responsible_id=world.emp.user_id, now=NOW
        )
        rule = await tasks_repeat.set_recurrence(s, world.admin, task.id, "daily", hour=8, now=NOW)
        first = rule.next_at
    assert await spawn_recurring(maker, now=first - timedelta(seconds=1)) == 0
    assert await spawn_recurring(maker, now=first) == 1
    assert await spawn_recurring(maker, now=first) == 0
    async with maker() as s:
        notes = (
            (
                await s.execute(
                    select(Notification).where(
                        Notification.user_id == world.emp.user_id, Notification.kind == "assignment"
                    )
                )
            )
            .scalars()
            .all()
        )
        assert len(notes) == 1 and notes[0].ref is not None and notes[0].ref.startswith("task:")
        page = await tasks_lists.list_tasks(s, world.emp, "do")
        assert [t.title for t in page.items] == ["Water the plants", "Water the plants"]


async def test_delete_removes_everything_hanging_off_a_task(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    from models.tasks import ChecklistItem, PlanCard, TaskComment, TaskDependency, TaskMember

    async with maker() as s, s.begin():
        a = await tasks.create_task(s, world.admin, "Design", deadline=NOW + timedelta(days=1))
        b = await tasks.create_task(
            s,
            world.admin,
            "Build",
            responsible_id=world.emp.user_id,
            accomplices=[world.other.user_id],
        )
        sub = await tasks.create_task(s, world.admin, "Build part", parent_id=b.id)
        await tasks_deadlines.add_dependency(s, world.admin, a.id, b.id)
        await tasks_work.add_comment(s, world.emp, b.id, "started")
        await tasks_work.add_items(s, world.emp, b.id, ["one"])
        await tasks_plan.move(s, world.emp, b.id, (await tasks_plan.columns(s, world.emp))[1].id)
        ids = (a.id, b.id, sub.id)
    async with maker() as s, s.begin():
        with pytest.raises(DomainError):
            await tasks_flow.delete_task(s, world.emp, ids[1])
    async with maker() as s, s.begin():
        _, people = await tasks_flow.delete_task(s, world.admin, ids[1])
        assert people == {world.admin.user_id, world.emp.user_id, world.other.user_id}
    async with maker() as s:
        for model, column in (
            (TaskMember, TaskMember.task_id),
            (TaskComment, TaskComment.task_id),
            (ChecklistItem, ChecklistItem.task_id),
            (PlanCard, PlanCard.task_id),
            (TaskDependency, TaskDependency.successor_id),
        ):
            assert (await s.execute(select(model).where(column == ids[1]))).first() is None
        orphan = await s.get(Task, ids[2])
        assert orphan is not None and orphan.parent_id is None


async def test_a_repeating_copy_keeps_the_templates_time_and_the_latest_day(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    """Due "Friday 10:00" a week ahead, repeating Mon and Wed at 09:00: the task is its
    week's Wednesday's, so the copies begin the Monday after it; each copy is due at
    10:00, never after the next copy starts; after two silent days, the copy made is the
    latest due one."""
    friday = datetime(2026, 2, 27, 9, 45, tzinfo=UTC)
    async with maker() as s, s.begin():
        task = await tasks.create_task(
            s,
            world.admin,
            "Call the client",
            deadline=datetime(2026, 3, 6, 10, 0, tzinfo=UTC),
            now=friday,
        )
        rule = await tasks_repeat.set_recurrence(
            s, world.admin, task.id, "weekly", weekdays=[0, 2], hour=9, now=friday
        )
        assert rule.next_at == datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    async with maker() as s, s.begin():
        (monday,) = await tasks_repeat.spawn_due(s, now=datetime(2026, 3, 9, 9, 0, tzinfo=UTC))
        assert monday.start_at == datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
        # two days on, as the task's Wednesday was to its Friday, is after Wednesday's
        # copy starts: due when that one starts
        assert monday.deadline == datetime(2026, 3, 11, 9, 0, tzinfo=UTC)
    async with maker() as s, s.begin():  # nobody ran Wednesday and Monday: Wed 18th is due
        (late,) = await tasks_repeat.spawn_due(s, now=datetime(2026, 3, 18, 12, 0, tzinfo=UTC))
        assert late.start_at == datetime(2026, 3, 18, 9, 0, tzinfo=UTC)
        assert late.deadline is not None and late.deadline.minute == 0


async def test_a_weekly_copy_is_due_on_its_own_day_and_never_twins_the_task(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    """Made on a Friday, due Monday 10:00, repeating every Monday at 10:00: the task is
    this Monday's; the copies are the next Mondays', each due that Monday at 10:00 (not
    on the Thursday three days later), and made a day before it."""
    friday = datetime(2026, 11, 27, 13, 35, tzinfo=UTC)
    monday_ten = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # the admin's zone is UTC
    async with maker() as s, s.begin():
        task = await tasks.create_task(
            s, world.admin, "Call the client", deadline=monday_ten, now=friday
        )
        rule = await tasks_repeat.set_recurrence(
            s, world.admin, task.id, "weekly", weekdays=[0], hour=10, now=friday
        )
        assert rule.next_at == monday_ten + timedelta(days=6)
    async with maker() as s, s.begin():
        (copy,) = await tasks_repeat.spawn_due(s, now=monday_ten + timedelta(days=6))
        assert copy.deadline == monday_ten + timedelta(days=7)


async def test_every_other_week_skips_a_week(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with maker() as s, s.begin():
        task = await tasks.create_task(s, world.admin, "Sprint review", now=NOW)  # a Monday
        rule = await tasks_repeat.set_recurrence(
            s, world.admin, task.id, "weekly", weekdays=[4], hour=16, week_step=2, now=NOW
        )
        first = rule.next_at
        assert first == datetime(2026, 3, 6, 16, 0, tzinfo=UTC)  # this Friday
        assert tasks_repeat.next_occurrence(rule, first) == first + timedelta(days=14)
        with pytest.raises(DomainError):
            await tasks_repeat.set_recurrence(
                s, world.admin, task.id, "weekly", weekdays=[4], week_step=13, now=NOW
            )
    async with maker() as s, s.begin():
        (copy,) = await tasks_repeat.spawn_due(s, now=first)
        assert copy.start_at == first
        rule = await s.get(tasks_repeat.TaskRecurrence, rule.id)
        assert rule is not None and rule.next_at == first + timedelta(days=14)


async def test_every_other_week_without_a_day_starts_two_weeks_after_the_task(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with maker() as s, s.begin():
        task = await tasks.create_task(s, world.admin, "Reconcile", now=NOW)  # Monday 09:00
        rule = await tasks_repeat.set_recurrence(
            s, world.admin, task.id, "weekly", hour=10, week_step=2, now=NOW
        )
        # the task is this week's (Monday's): the first copy is two weeks on, not one
        assert rule.next_at == datetime(2026, 3, 16, 10, 0, tzinfo=UTC)


async def test_a_locked_deadline_is_not_moved_through_a_dependency(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with maker() as s, s.begin():
        locked = await tasks.create_task(
            s,
            world.admin,
            "Report",
            responsible_id=world.emp.user_id,
            deadline=NOW + timedelta(days=2),
            now=NOW,
        )
        await tasks_flow.set_deadline_flag(s, world.admin, locked.id, False)
        own = await tasks.create_task(
            s, world.emp, "Own errand", deadline=NOW + timedelta(days=1), now=NOW
        )
        await tasks_deadlines.add_dependency(s, world.emp, own.id, locked.id)
        _, shifted = await tasks_deadlines.set_deadline(
            s, world.emp, own.id, NOW + timedelta(days=9)
        )
        assert shifted == [] and locked.deadline == NOW + timedelta(days=2)
        # the creator moving the same chain moves it
        _, shifted = await tasks_deadlines.set_deadline(
            s, world.admin, own.id, NOW + timedelta(days=10)
        )
        assert [t.id for t in shifted] == [locked.id]


async def test_each_list_built_once_serves_every_person(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    """The list statements are built once per filter and role and take the person as a
    value: people of one role, listed one after another, each see their own."""
    async with maker() as s, s.begin():
        part = (await tasks.create_task(s, world.admin, "Part", group_id=world.group_id)).id
        shut = (await tasks.create_task(s, world.admin, "Shut", group_id=world.closed_id)).id
        own = (await tasks.create_task(s, world.emp, "Own")).id
        given = (
            await tasks.create_task(s, world.emp, "Given", responsible_id=world.other.user_id)
        ).id
        others = (
            await tasks.create_task(s, world.other, "Others", auditors=[world.emp.user_id])
        ).id
        guests = (await tasks.create_task(s, world.guest, "Guests", group_id=world.group_id)).id
        away = (await tasks.create_task(s, world.outsider, "Away")).id
    expected = {
        ("admin", "all"): {part, shut, own, given, others, guests},
        ("emp", "all"): {own, given, others},
        ("other", "all"): {given, others},
        ("guest", "all"): {part, guests},
        ("outsider", "all"): {away},
        ("emp", "do"): {own},
        ("other", "do"): {given, others},
        ("emp", "created"): {given},  # set for someone else: their own is "do"
        ("other", "created"): set(),
        ("emp", "observe"): {others},
        ("other", "observe"): set(),
        ("emp", "mine"): {own, given, others},
        ("other", "mine"): {given, others},
        ("guest", "do"): {guests},
        ("admin", "do"): {part, shut},
    }
    async with maker() as s:
        for (name, flt), ids in expected.items():
            page = await tasks_lists.list_tasks(s, getattr(world, name), flt, per_page=50)
            assert {line.id for line in page.items} == ids, (name, flt)
            assert page.total == len(ids), (name, flt)
        listed = await tasks_lists.list_tasks(
            s, world.guest, "group", group_id=world.group_id, per_page=1, page=2
        )
        assert (listed.total, listed.pages, [t.title for t in listed.items]) == (2, 2, ["Guests"])
        with pytest.raises(DomainError):  # a closed group the guest is not in
            await tasks_lists.list_tasks(s, world.guest, "group", group_id=world.closed_id)


async def test_a_task_refused_under_a_savepoint_leaves_nothing_behind(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    """create_task writes the task, then a co-executor is refused: the savepoint's
    rollback takes the task away, from the database and from the session, and the
    unit goes on to create another."""
    async with maker() as s, s.begin():
        with pytest.raises(DomainError) as refused:  # the traceback holds the task
            async with s.begin_nested():
                await tasks.create_task(
                    s,
                    world.emp,
                    "Ghost",
                    responsible_id=world.other.user_id,
                    accomplices=[world.other.user_id],
                )
        assert refused.value is not None
        assert not [t for t in s.identity_map.values() if isinstance(t, Task)]
        assert (await s.execute(select(Task.id).where(Task.title == "Ghost"))).first() is None
        second = await tasks.create_task(s, world.emp, "Second")
        assert (await s.get(Task, second.id)) is second and second.title == "Second"
