"""Repeating tasks due at the rule's moment ("the weekly report, Mondays at 10"): each
copy is made ahead of its deadline, so it is not born overdue and is reminded before."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import App
from models.outbox import OutboxMessage
from models.tasks import Task
from scheduler import periodic, planner
from services import tasks, tasks_repeat
from tests.console_driver import ConsoleDriver
from tests.test_scheduler_planner import text
from tests.test_tasks_console import actor_of, team
from tests.test_tasks_services import World, maker, world  # noqa: F401


async def _copies(app: App, template_id: int) -> list[Task]:
    async with app.workspace.sessionmaker() as s:
        template = await s.get(Task, template_id)
        assert template is not None and template.recurrence_id is not None
        rows = await s.execute(
            select(Task)
            .where(Task.recurrence_id == template.recurrence_id, Task.id != template_id)
            .order_by(Task.id)
        )
        return list(rows.scalars())


async def _deadline(app: App, task_id: int) -> datetime:
    async with app.workspace.sessionmaker() as s:
        task = await s.get(Task, task_id)
        assert task is not None and task.deadline is not None
        return task.deadline


async def _reminders(app: App, user_id: int, task_id: int) -> list[str]:
    """What the planner sent the person about one task, in order."""
    async with app.workspace.sessionmaker() as s:
        rows = await s.execute(
            select(OutboxMessage)
            .where(OutboxMessage.user_id == user_id, OutboxMessage.kind == "reminder")
            .order_by(OutboxMessage.id)
        )
        return [text(r) for r in rows.scalars() if r.payload.get("ref") == f"task:{task_id}"]


async def test_a_weekly_copy_comes_a_day_before_its_deadline(sqlite_app: App) -> None:
    """`/task Weekly report monday 10:00 @Anna`, `/task 1 repeat weekly mon at 10:00`: the
    next Monday's copy comes on Sunday at 10:00, due Monday at 10:00; Anna hears it is
    due with the copy, sees it in Monday's "My day" (09:00, so no "due in an hour" in
    the same minute; "a day before" would have been her Friday), and only then that it
    is overdue."""
    boss, anna = await team(sqlite_app, "en", "Boss", "Anna")
    out = await boss.say("/task Weekly report monday 10:00 @Anna")
    assert "Task #1 created." in out, out
    out = await boss.say("/task 1 repeat weekly mon at 10:00")
    assert "#1 repeats every week on Mon;" in out, out
    due = await _deadline(sqlite_app, 1) + timedelta(days=7)  # the next Monday's copy
    made = due - timedelta(days=1)
    sessions = sqlite_app.workspace.sessionmaker
    assert await periodic.recurring_tasks(sessions, now=made - timedelta(minutes=1)) == 0
    await planner.tick(sessions, now=made - timedelta(minutes=1))
    assert await periodic.recurring_tasks(sessions, now=made) == 1
    (copy,) = await _copies(sqlite_app, 1)
    assert copy.deadline == due and copy.start_at == made
    assert not tasks.is_overdue(copy, made)
    out = await anna.say("/tasks")
    assert "A recurring task is due again tomorrow 10:00." in out, out
    assert "Weekly report" in out, out
    for moment in (made, due - timedelta(hours=1), due + timedelta(minutes=5)):
        await planner.tick(sessions, now=moment)
    anna_id = (await actor_of(sqlite_app, "Anna")).user_id
    said = await _reminders(sqlite_app, anna_id, copy.id)
    assert len(said) == 1 and "overdue" in said[0], said
    # the next copy comes the Sunday after, not with this one
    assert await periodic.recurring_tasks(sessions, now=due + timedelta(minutes=5)) == 0


async def test_a_daily_copy_due_at_nine_comes_the_evening_before(sqlite_app: App) -> None:
    """`repeat daily at 9:00` on a task due at 9:00, for someone whose day starts at
    9:00: each copy comes when their working day before ends (18:00), not at 9:00 with
    its overdue notice; "due in an hour" is sent at 8:00."""
    boss, _anna = await team(sqlite_app, "en", "Boss", "Anna")
    # a Tuesday to Thursday, so the working day before the first copy's is its eve
    # whatever day the suite runs on
    day = datetime.now(ZoneInfo("Europe/Moscow")).date() + timedelta(days=2)
    while day.weekday() not in (1, 2, 3):
        day += timedelta(days=1)
    out = await boss.say(f"/task Standup {day:%d.%m.%Y} 9:00 @Anna")
    assert "Task #1 created." in out, out
    out = await boss.say("/task 1 repeat daily at 9:00")
    assert "#1 repeats daily" in out, out
    first = await _deadline(sqlite_app, 1)
    sessions = sqlite_app.workspace.sessionmaker
    # at the task's own 9:00 no copy comes: the next one is made that evening
    assert await periodic.recurring_tasks(sessions, now=first + timedelta(minutes=5)) == 0
    evening = first + timedelta(hours=9)
    assert await periodic.recurring_tasks(sessions, now=evening) == 1
    (copy,) = await _copies(sqlite_app, 1)
    assert copy.deadline == first + timedelta(days=1) and copy.start_at == evening
    await planner.tick(sessions, now=evening)
    for moment in (copy.deadline - timedelta(hours=1), copy.deadline + timedelta(minutes=5)):
        await planner.tick(sessions, now=moment)
    anna_id = (await actor_of(sqlite_app, "Anna")).user_id
    said = await _reminders(sqlite_app, anna_id, copy.id)
    assert len(said) == 2 and "is due" in said[0] and "overdue" in said[1], said
    # and the day after's the evening after
    assert await periodic.recurring_tasks(sessions, now=evening + timedelta(days=1)) == 1


async def test_a_daily_copy_on_a_night_shift_comes_when_the_shift_starts(
    sqlite_app: App,
) -> None:
    """Anna works 22:00-06:00 every night; `repeat daily at 5:00` on a task due at 5:00:
    each copy comes at 22:00 the evening before, when the shift it is due in starts, not
    at 4:00 in the middle of it."""
    boss, anna = await team(sqlite_app, "en", "Boss", "Anna")
    out = await anna.say("/day schedule mon-sun 22:00-06:00")
    assert "22:00" in out and "06:00" in out, out
    day = datetime.now(ZoneInfo("Europe/Moscow")).date() + timedelta(days=2)
    out = await boss.say(f"/task Check the pump {day:%d.%m.%Y} 5:00 @Anna")
    assert "Task #1 created." in out, out
    out = await boss.say("/task 1 repeat daily at 5:00")
    assert "#1 repeats daily" in out, out
    first = await _deadline(sqlite_app, 1)
    made = first + timedelta(hours=17)  # 22:00 the evening before the next 5:00
    sessions = sqlite_app.workspace.sessionmaker
    assert await periodic.recurring_tasks(sessions, now=made - timedelta(minutes=1)) == 0
    assert await periodic.recurring_tasks(sessions, now=made) == 1
    (copy,) = await _copies(sqlite_app, 1)
    assert copy.deadline == first + timedelta(days=1) and copy.start_at == made


async def test_a_daily_copy_due_later_comes_when_the_working_day_starts(
    maker: async_sessionmaker[AsyncSession],  # noqa: F811
    world: World,  # noqa: F811
) -> None:
    """Due at 11:00, repeating daily at 11:00: made at 9:00, the start of the
    responsible's working day; a copy missed while nothing ran is made late, the latest
    one only."""
    monday = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # the zone is UTC
    eleven = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
    async with maker() as s, s.begin():
        task = await tasks.create_task(
            s, world.admin, "Check the mail", responsible_id=world.emp.user_id, deadline=eleven
        )
        rule = await tasks_repeat.set_recurrence(
            s, world.admin, task.id, "daily", hour=11, now=monday
        )
        assert rule.next_at == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    async with maker() as s, s.begin():
        (copy,) = await tasks_repeat.spawn_due(s, now=datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
        assert copy.deadline == datetime(2026, 3, 3, 11, 0, tzinfo=UTC)
    async with maker() as s, s.begin():  # nothing ran on Wednesday and Thursday
        (late,) = await tasks_repeat.spawn_due(s, now=datetime(2026, 3, 5, 10, 0, tzinfo=UTC))
        assert late.deadline == datetime(2026, 3, 5, 11, 0, tzinfo=UTC)
        assert late.start_at == datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
        rule = await s.get(tasks_repeat.TaskRecurrence, rule.id)
        assert rule is not None and rule.next_at == datetime(2026, 3, 6, 9, 0, tzinfo=UTC)


async def test_a_copy_made_at_the_time_it_would_be_due_is_due_the_day_after(
    maker: async_sessionmaker[AsyncSession],  # noqa: F811
    world: World,  # noqa: F811
) -> None:
    """Due Tuesday 10:00, repeating Mondays at 10:00: each copy is made on Monday at
    10:00 and due on Tuesday at 10:00, as the task was, not at the moment it is made."""
    tuesday = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    async with maker() as s, s.begin():
        task = await tasks.create_task(
            s,
            world.admin,
            "Send the minutes",
            deadline=datetime(2026, 3, 3, 10, 0, tzinfo=UTC),
            now=tuesday,
        )
        rule = await tasks_repeat.set_recurrence(
            s, world.admin, task.id, "weekly", weekdays=[0], hour=10, now=tuesday
        )
        monday = rule.next_at
        assert monday == datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
    async with maker() as s, s.begin():
        (copy,) = await tasks_repeat.spawn_due(s, now=monday)
        assert copy.start_at == monday
        assert copy.deadline == datetime(2026, 3, 10, 10, 0, tzinfo=UTC)


async def test_a_rule_from_before_copies_were_made_ahead_keeps_its_deadlines(
    maker: async_sessionmaker[AsyncSession],  # noqa: F811
    world: World,  # noqa: F811
) -> None:
    """A rule set before migration 0012 (no lead time): a template due at the rule's
    moment has its copies due at theirs, not a day late."""
    friday = datetime(2026, 3, 6, 8, 0, tzinfo=UTC)
    monday = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
    async with maker() as s, s.begin():
        task = await tasks.create_task(s, world.admin, "Weekly report", deadline=monday, now=friday)
        rule = await tasks_repeat.set_recurrence(
            s, world.admin, task.id, "weekly", weekdays=[0], hour=10, now=friday
        )
        rule.lead_minutes = 0  # as the migration left the rules already there
        rule.next_at = monday + timedelta(days=7)
    async with maker() as s, s.begin():
        (copy,) = await tasks_repeat.spawn_due(s, now=monday + timedelta(days=7))
        assert copy.deadline == monday + timedelta(days=7)


async def test_repeat_words_not_understood_are_asked_back_and_the_day_is_named(
    sqlite_app: App,
) -> None:
    """ "except friday" is refused, not read as "on Friday"; "except weekends" is the
    workdays; "the last day of the month" is that day (31 Dec), not the 1st; a word the
    rule cannot hold is named back; the reply says which day of the month it is."""
    boss, _ = await team(sqlite_app, "en", "Boss", "Anna")
    await boss.say("/task Pay the hosting 30.11.2030 18:00")
    out = await boss.say("/task 1 repeat weekly except friday")
    assert "A repeat cannot skip single days." in out, out
    out = await boss.say("/task 1 repeat monthly on the 1st of each quarter")
    assert 'I did not understand "1st quarter" in the repeat.' in out, out
    async with sqlite_app.workspace.sessionmaker() as s:
        task = await s.get(Task, 1)
        assert task is not None and task.recurrence_id is None  # nothing was guessed
    out = await boss.say("/task 1 repeat every day except weekends at 10:00")
    assert "#1 repeats on workdays;" in out, out
    out = await boss.say("/task 1 repeat monthly 15")
    assert "#1 repeats monthly on day 15;" in out, out
    out = await boss.say("/task 1 repeat monthly on the last day")
    assert "#1 repeats monthly on the last day of the month;" in out, out
    sessions = sqlite_app.workspace.sessionmaker
    assert await periodic.recurring_tasks(sessions, now=datetime(2030, 12, 31, 12, tzinfo=UTC))
    (copy,) = await _copies(sqlite_app, 1)
    assert copy.deadline is not None and copy.deadline.date() == datetime(2030, 12, 31).date()
    olga, _ = await team(sqlite_app, "ru", "Olga", "Petr")
    out = await olga.say("/task Сдать отчёт 30.11.2030 18:00")
    number = re.search(r"#(\d+)", out)
    assert number, out
    out = await olga.say(f"/task {number[1]} repeat каждый день кроме выходных")
    assert f"#{number[1]} повторяется по будням;" in out, out
    out = await olga.say(f"/task {number[1]} repeat ежемесячно в последний день месяца")
    assert f"#{number[1]} повторяется ежемесячно, в последний день месяца;" in out, out


async def test_a_repeat_keeps_the_responsibles_working_day_in_their_zone(
    sqlite_app: App,
) -> None:
    """Anna in Moscow sets "every weekday at 10:00" on Nyc's task: Nyc's 10:00 on Nyc's
    weekdays (not 02:00 New York time), and the reply says whose 10:00 it is."""
    from tests.console_driver import ConsoleDriver
    from tests.test_tasks_console import team_member

    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en", timezone="Europe/Moscow")
    await anna.say("/start")
    nyc = await team_member(sqlite_app, anna, "Nyc")
    await nyc.say("/me tz America/New_York")
    out = await anna.say("/task Check the server @Nyc")
    assert "Task #1 created." in out, out
    out = await anna.say("/task 1 repeat every weekday at 10:00")
    assert "#1 repeats on workdays at 10:00 in the responsible's zone (America/New_York);" in out, (
        out
    )
    async with sqlite_app.workspace.sessionmaker() as s:
        template = await s.get(Task, 1)
        assert template is not None and template.recurrence_id is not None
        rule = await s.get(tasks_repeat.TaskRecurrence, template.recurrence_id)
        assert rule is not None
    there = rule.next_at.astimezone(ZoneInfo("America/New_York"))
    assert (there.hour, there.minute) == (10, 0) and there.weekday() < 5, there
    assert await periodic.recurring_tasks(sqlite_app.workspace.sessionmaker, now=rule.next_at)
    (copy,) = await _copies(sqlite_app, 1)
    assert copy.start_at is not None
    assert copy.start_at.astimezone(ZoneInfo("America/New_York")).hour == 10


async def test_a_daily_task_passes_by_the_teams_days_off(sqlite_app: App) -> None:
    """'/task 1 repeat daily at 10:00': on a team day off (/team holidays) no copy is
    made; the day after, the copy comes as usual."""
    boss, anna = await team(sqlite_app, "en", "Boss", "Anna")
    await boss.say("/task Check the mailbox tomorrow 10:00 @Anna")
    out = await boss.say("/task 1 repeat daily at 10:00")
    assert "#1 repeats daily" in out, out
    first = await _deadline(sqlite_app, 1)
    holiday = first + timedelta(days=1)
    zone = ZoneInfo("Europe/Moscow")
    out = await boss.say(f"/team holidays add {holiday.astimezone(zone):%Y-%m-%d} Day off")
    assert "is a day off for the whole team now" in out, out
    sessions = sqlite_app.workspace.sessionmaker
    made = await periodic.recurring_tasks(sessions, now=holiday - timedelta(minutes=59))
    assert made == 0 and await _copies(sqlite_app, 1) == []
    made = await periodic.recurring_tasks(sessions, now=holiday + timedelta(days=1))
    (copy,) = await _copies(sqlite_app, 1)
    assert copy.deadline == holiday + timedelta(days=1), (copy.deadline, holiday)


async def test_a_card_says_the_task_repeats_and_a_copy_says_whose_it_is(sqlite_app: App) -> None:
    """The template's card names its rule and hour (in the responsible's zone when the
    reader's differs) until the repeat is off; a copy's card names its template."""
    boss, anna = await team(sqlite_app, "en", "Boss", "Anna")
    await boss.say("/task Weekly report monday 10:00 @Anna")
    await boss.say("/task 1 repeat weekly mon at 10:00")
    out = await boss.say("/task 1")
    assert "🔁 Repeats every week on Mon at 10:00; the next copy is created " in out, out
    due = await _deadline(sqlite_app, 1) + timedelta(days=7)
    sessions = sqlite_app.workspace.sessionmaker
    assert await periodic.recurring_tasks(sessions, now=due - timedelta(days=1)) == 1
    (copy,) = await _copies(sqlite_app, 1)
    out = await anna.say(f"/task {copy.id}")
    assert f"#{copy.id} Weekly report\n" in out and "🔁 A copy of the repeating task #1" in out
    assert "Repeats" not in out, out
    out = await boss.say("/task 1 repeat off")
    assert "#1 no longer repeats." in out, out
    out = await boss.say("/task 1")
    assert "#1 Weekly report\n" in out and "🔁" not in out, out
    out = await boss.say("/task Plain task tomorrow")
    assert "#3 Plain task" in out and "🔁" not in await boss.say("/task 3"), out
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    out = await olga.say("/task Стендап по будням в 10")
    task_id = re.search(r"#(\d+) Стендап", out)
    assert task_id, out
    out = await olga.say(f"/task {task_id.group(1)}")
    assert "🔁 Повторяется по будням в 10:00; следующая копия будет создана " in out, out
    await olga.say("/me tz Asia/Tokyo")
    out = await olga.say(f"/task {task_id.group(1)}")
    assert (
        "🔁 Повторяется по будням в 10:00 по поясу исполнителя (Europe/Moscow); следующая "
        "копия будет создана " in out
    ), out
