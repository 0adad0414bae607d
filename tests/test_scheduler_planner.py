"""The planner with a frozen clock: every reminder kind across zones, DST, quiet hours,
absences, days off and the catch-up window, on both engines."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import App
from handlers.markup import to_plain
from handlers.views import View
from models.notifications import NotificationSettings
from models.outbox import OutboxMessage
from models.teams import User
from scheduler import planner
from services import reminders, teams_invites, timeman, timeman_clock, timeman_reports
from tests.test_timeman_services import Team, at, make_team, maker, who  # noqa: F401

BERLIN = ZoneInfo("Europe/Berlin")
FRI = datetime(2026, 11, 27, tzinfo=UTC)


def local(y: int, m: int, d: int, hh: int, mm: int = 0, tz: ZoneInfo = BERLIN) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=tz).astimezone(UTC)


async def sent_to(s: AsyncSession, user_id: int) -> list[OutboxMessage]:
    rows = await s.execute(
        select(OutboxMessage)
        .where(OutboxMessage.user_id == user_id, OutboxMessage.kind == "reminder")
        .order_by(OutboxMessage.id)
    )
    return list(rows.scalars())


def text(row: OutboxMessage) -> str:
    return to_plain(View.from_dict(row.payload).body)


# -- next fire times ----------------------------------------------------------------------


def test_daily_rule_fires_once_a_day_across_spring_forward() -> None:
    moment = local(2026, 3, 26, 10)
    seen = []
    for _ in range(6):
        moment = reminders.next_fire(9 * 60, "Europe/Berlin", moment)
        seen.append(moment.astimezone(BERLIN))
    assert [m.date() for m in seen] == [date(2026, 3, 27) + timedelta(days=i) for i in range(6)]
    assert {(m.hour, m.minute) for m in seen} == {(9, 0)}
    # 29 March: 08:00 UTC before the change, 07:00 UTC after it
    assert seen[1].astimezone(UTC).hour == 8 and seen[2].astimezone(UTC).hour == 7


def test_a_time_in_the_gap_fires_once_shifted_and_a_folded_time_once() -> None:
    after = local(2026, 3, 28, 12)
    gap = reminders.next_fire(2 * 60 + 30, "Europe/Berlin", after)
    assert gap == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST, once
    following = reminders.next_fire(2 * 60 + 30, "Europe/Berlin", gap)
    assert following.astimezone(BERLIN).date() == date(2026, 3, 30)
    fold = reminders.next_fire(2 * 60 + 30, "Europe/Berlin", local(2026, 10, 24, 12))
    assert fold == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # the first 02:30
    again = reminders.next_fire(2 * 60 + 30, "Europe/Berlin", fold)
    assert again.astimezone(BERLIN).date() == date(2026, 10, 26)  # not the second 02:30


# -- morning message and report prompt -----------------------------------------------------


@pytest.fixture
async def team(maker: async_sessionmaker[AsyncSession]) -> Team:  # noqa: F811
    async with maker() as s, s.begin():
        return await make_team(s)


async def test_morning_in_each_zone_once_with_catch_up(
    maker: async_sessionmaker[AsyncSession],  # noqa: F811
    team: Team,
) -> None:
    async with maker() as s, s.begin():
        code = (await teams_invites.create_invite(s, team.boss, role="employee")).code
        kenji, _ = await teams_invites.join_with_invite(s, code, who("Kenji", "Asia/Tokyo"))
    # rules are made on the first tick, for the next 09:00 of each person
    stats = await planner.tick(maker, now=local(2026, 11, 26, 20))
    assert stats.fired == 0
    async with maker() as s:
        rules = list((await s.execute(select(reminders.ReminderRule))).scalars())
        assert len(rules) == 7  # Boss, Anna, Kenji: morning and report; the guest: morning
    # 09:00 in Tokyo is 00:00 UTC
    stats = await planner.tick(maker, now=datetime(2026, 11, 27, 0, 0, 20, tzinfo=UTC))
    assert stats.fired == 1
    async with maker() as s:
        assert len(await sent_to(s, kenji.user_id)) == 1
        assert await sent_to(s, team.anna.user_id) == []
    # Berlin's 09:00 was missed; ten minutes late it still goes out, once
    stats = await planner.tick(maker, now=local(2026, 11, 27, 9, 10))
    assert stats.fired == 3 and stats.dropped == 0  # Boss, Anna and the guest
    stats = await planner.tick(maker, now=local(2026, 11, 27, 9, 11))
    assert stats.fired == 0
    async with maker() as s:
        rows = await sent_to(s, team.anna.user_id)
        assert len(rows) == 1 and "My day, Anna" in text(rows[0])
        assert View.from_dict(rows[0].payload).buttons[0][0].action == "day:s"


async def test_daily_messages_missed_while_down_go_out_while_worth_it(
    maker: async_sessionmaker[AsyncSession],  # noqa: F811
    team: Team,
) -> None:
    await planner.tick(maker, now=local(2026, 11, 26, 20))
    # down from 08:50 to 09:55: "My day" still comes that morning, once
    stats = await planner.tick(maker, now=local(2026, 11, 27, 9, 55))
    assert stats.fired == 3 and stats.dropped == 0  # Boss, Anna and the guest
    async with maker() as s, s.begin():
        await timeman.start_day(s, team.anna, now=local(2026, 11, 27, 10))
    assert (await planner.tick(maker, now=local(2026, 11, 27, 10))).fired == 0
    # down from 17:50 to 19:30: the report prompt still comes that evening
    stats = await planner.tick(maker, now=local(2026, 11, 27, 19, 30))
    assert stats.fired == 1 and stats.dropped == 0
    # down over the weekend until Monday 11:00: Monday's "My day" comes, not Saturday's
    stats = await planner.tick(maker, now=local(2026, 11, 30, 11))
    assert stats.fired == 3 and stats.dropped == 5  # Saturday's, and Friday's reports
    async with maker() as s:
        rows = await sent_to(s, team.anna.user_id)
    assert [r.due_at.astimezone(BERLIN).strftime("%a %H:%M") for r in rows] == [
        "Fri 09:55",
        "Fri 19:30",
        "Mon 11:00",
    ]
    assert "Your workday is ending" in text(rows[1]) and "My day, Anna" in text(rows[2])
    # one passed its noon is dropped; the next comes at its own time
    stats = await planner.tick(maker, now=local(2026, 12, 1, 12, 30))
    assert stats.fired == 0 and stats.dropped == 5  # Tuesday's mornings, Monday's reports
    async with maker() as s:
        assert len(await sent_to(s, team.anna.user_id)) == 3
        rule = await s.scalar(
            select(reminders.ReminderRule).where(
                reminders.ReminderRule.user_id == team.anna.user_id,
                reminders.ReminderRule.kind == "morning",
            )
        )
        assert rule is not None and rule.next_fire_at == local(2026, 12, 2, 9)


async def test_days_off_absences_and_quiet_hours(
    maker: async_sessionmaker[AsyncSession],  # noqa: F811
    team: Team,
) -> None:
    async with maker() as s, s.begin():
        await timeman_reports.add_absence(s, team.boss, date(2026, 11, 27), date(2026, 11, 27), "")
        settings = NotificationSettings(
            user_id=team.anna.user_id,
            quiet_start=8 * 60,
            quiet_end=10 * 60,
            digest="off",
            muted_kinds=[],
        )
        s.add(settings)
    await planner.tick(maker, now=local(2026, 11, 26, 20))
    stats = await planner.tick(maker, now=local(2026, 11, 27, 9))
    assert stats.fired == 2 and stats.skipped == 1  # Anna and the guest; the boss is away
    async with maker() as s:
        assert await sent_to(s, team.boss.user_id) == []
        rows = await sent_to(s, team.anna.user_id)
        assert len(rows) == 1 and rows[0].due_at == local(2026, 11, 27, 10)  # after quiet hours
    # Saturday is a day off by the default schedule
    stats = await planner.tick(maker, now=local(2026, 11, 28, 9))
    assert stats.fired == 0 and stats.skipped == 3


async def test_report_prompt_only_for_who_worked(
    maker: async_sessionmaker[AsyncSession],  # noqa: F811
    team: Team,
) -> None:
    await planner.tick(maker, now=local(2026, 11, 27, 8))
    async with maker() as s, s.begin():
        day, _c, _v = await timeman.start_day(s, team.anna, now=local(2026, 11, 27, 9))
    stats = await planner.tick(maker, now=local(2026, 11, 27, 9, 1))  # mornings
    assert stats.fired == 3  # Boss, Anna and the guest
    stats = await planner.tick(maker, now=local(2026, 11, 27, 18))
    assert stats.fired == 1
    async with maker() as s:
        rows = await sent_to(s, team.anna.user_id)
        assert "Your workday is ending" in text(rows[-1])
        assert [b.action for row in View.from_dict(rows[-1].payload).buttons for b in row][
            0
        ] == f"day:f:{day.id}"
        assert len(await sent_to(s, team.boss.user_id)) == 1  # the morning only


async def test_a_workday_ending_at_midnight_is_prompted_at_midnight_for_that_day(
    maker: async_sessionmaker[AsyncSession],  # noqa: F811
    team: Team,
) -> None:
    """Schedule 12:00-00:00: the report prompt comes at 00:00 and is about the day that
    ends then (it used to fail to save: there is no 24:00 on a clock)."""
    async with maker() as s, s.begin():
        await timeman.set_schedule(
            s, team.anna, team.anna.user_id, timeman.Schedule("1234567", 12 * 60, 24 * 60, 0)
        )
        user = await s.get(User, team.anna.user_id)
        assert user is not None
        await reminders.sync_rules(s, user, local(2026, 11, 27, 8))
        assert timeman_clock.at_local(date(2026, 11, 27), 24 * 60, "Europe/Berlin") == local(
            2026, 11, 28, 0
        )
    assert reminders.next_fire(24 * 60, "Europe/Berlin", local(2026, 11, 27, 8)) == local(
        2026, 11, 28, 0
    )
    async with maker() as s, s.begin():
        await timeman.start_day(s, team.anna, now=local(2026, 11, 27, 12))
    stats = await planner.tick(maker, now=local(2026, 11, 28, 0, 1))
    async with maker() as s:
        rows = await sent_to(s, team.anna.user_id)
    prompts = [r for r in rows if "Your workday is ending" in text(r)]
    assert len(prompts) == 1, [text(r) for r in rows]
    assert stats.fired >= 1


async def test_a_night_shift_is_greeted_at_its_start_and_prompted_the_next_morning(
    maker: async_sessionmaker[AsyncSession],  # noqa: F811
    team: Team,
) -> None:
    """22:00-06:00 on weekdays: "my day" comes on Friday at 22:00, the report prompt on
    Saturday at 06:00 about Friday's day (not skipped as Saturday's day off)."""
    async with maker() as s, s.begin():
        await timeman.set_schedule(
            s, team.anna, team.anna.user_id, timeman.Schedule("12345", 22 * 60, 6 * 60, 0)
        )
        user = await s.get(User, team.anna.user_id)
        assert user is not None
        await reminders.sync_rules(s, user, local(2026, 11, 27, 5))
    # at 05:00 on Friday, Thursday's shift is still to end at 06:00
    assert reminders.next_fire(30 * 60, "Europe/Berlin", local(2026, 11, 27, 5)) == local(
        2026, 11, 27, 6
    )
    async with maker() as s, s.begin():
        day, _c, _v = await timeman.start_day(s, team.anna, now=local(2026, 11, 27, 21, 55))
    await planner.tick(maker, now=local(2026, 11, 27, 22, 1))
    async with maker() as s:
        rows = await sent_to(s, team.anna.user_id)
    assert [r.due_at.astimezone(BERLIN).hour for r in rows if "My day" in text(r)] == [22]
    await planner.tick(maker, now=local(2026, 11, 28, 6, 1))
    async with maker() as s:
        rows = await sent_to(s, team.anna.user_id)
    prompts = [r for r in rows if "Your workday is ending" in text(r)]
    assert len(prompts) == 1, [text(r) for r in rows]
    assert prompts[0].due_at.astimezone(BERLIN) == local(2026, 11, 28, 6, 1)
    actions = [b.action for row in View.from_dict(prompts[0].payload).buttons for b in row]
    assert f"day:f:{day.id}" in actions


async def test_a_night_shifts_my_day_lists_what_is_due_before_its_morning_end(
    maker: async_sessionmaker[AsyncSession],  # noqa: F811
    team: Team,
) -> None:
    """22:00-06:00: "my day" at 22:00 on Friday lists a task due at 03:00 on Saturday
    (within the shift), not one due at 10:00; /today at 02:00 still shows the shift's
    day: that task due, the day started (no Start button), Saturday's off day not said."""
    from handlers.i18n import translator
    from handlers.timeman_today import my_day_view
    from services import tasks

    async with maker() as s, s.begin():
        await timeman.set_schedule(
            s, team.anna, team.anna.user_id, timeman.Schedule("12345", 22 * 60, 6 * 60, 0)
        )
        user = await s.get(User, team.anna.user_id)
        assert user is not None
        await reminders.sync_rules(s, user, local(2026, 11, 27, 12))
        for title, due in (("Check the pumps", 3), ("Order the valves", 10)):
            await tasks.create_task(
                s, team.anna, title, deadline=local(2026, 11, 28, due), now=local(2026, 11, 27, 12)
            )
        await timeman.start_day(s, team.anna, now=local(2026, 11, 27, 21, 55))
    await planner.tick(maker, now=local(2026, 11, 27, 22, 1))
    async with maker() as s:
        (greeting,) = [text(r) for r in await sent_to(s, team.anna.user_id) if "My day" in text(r)]
    assert "Check the pumps" in greeting and "Order the valves" not in greeting, greeting
    async with maker() as s:
        user = await s.get(User, team.anna.user_id)
        assert user is not None
        view = await my_day_view(s, user, translator("en", "Europe/Berlin"), local(2026, 11, 28, 2))
    said = to_plain(view.body)
    assert "Due today (1)" in said and "Check the pumps" in said, said
    assert "day off" not in said, said
    actions = [b.action for row in view.buttons for b in row]
    assert "day:s" not in actions and "day:v" in actions, actions


async def test_daily_rule_through_dst_fires_every_day_once(
    maker: async_sessionmaker[AsyncSession],  # noqa: F811
    team: Team,
) -> None:
    async with maker() as s, s.begin():
        await timeman.set_schedule(s, team.anna, team.anna.user_id, timeman.Schedule("1234567"))
        user = await s.get(User, team.anna.user_id)
        assert user is not None
        await reminders.sync_rules(s, user, local(2026, 3, 26, 20))
    # tick every 30 minutes of UTC from 26 to 31 March
    moment = local(2026, 3, 26, 20)
    while moment < local(2026, 3, 31, 12):
        await planner.tick(maker, now=moment)
        moment += timedelta(minutes=30)
    async with maker() as s:
        rows = await sent_to(s, team.anna.user_id)
    mornings = [r for r in rows if "My day" in text(r)]
    days = [r.due_at.astimezone(BERLIN) for r in mornings]
    assert [d.date() for d in days] == [date(2026, 3, 27) + timedelta(days=i) for i in range(5)]
    assert {(d.hour, d.minute) for d in days} == {(9, 0)}


# -- deadlines -------------------------------------------------------------------------------


async def _has_tasks(s: AsyncSession) -> bool:
    conn = await s.connection()
    return await conn.run_sync(lambda c: inspect(c).has_table("tasks"))


async def _anna_task(
    s: AsyncSession, team: Team, title: str, deadline: datetime, *, is_open: bool = True
) -> None:
    """A task the boss gave Anna a week before its deadline (before the moments the
    test ticks at, whatever today is); skips the test when the tasks area is absent."""
    if not await _has_tasks(s):
        pytest.skip("the tasks area (migration 0002) is not installed")
    from models.tasks import Task

    s.add(
        Task(
            team_id=team.boss.team_id,
            title=title,
            creator_id=team.boss.user_id,
            responsible_id=team.anna.user_id,
            deadline=deadline,
            due_sort=deadline,
            is_open=is_open,
            created_at=deadline - timedelta(days=7),
        )
    )


async def test_deadline_reminders_and_overdue(
    maker: async_sessionmaker[AsyncSession],  # noqa: F811
    team: Team,
) -> None:
    async with maker() as s, s.begin():
        await _anna_task(s, team, "Quarterly report", local(2026, 11, 27, 15))
        await reminders.set_offsets(s, team.boss, [30])
    for hour, minute in ((14, 50), (15, 0), (15, 5), (15, 6)):
        await planner.tick(maker, now=local(2026, 11, 26, hour, minute))
    await planner.tick(maker, now=local(2026, 11, 27, 14, 0))
    await planner.tick(maker, now=local(2026, 11, 27, 14, 1))
    await planner.tick(maker, now=local(2026, 11, 27, 15, 2))
    await planner.tick(maker, now=local(2026, 11, 27, 15, 3))
    async with maker() as s:
        rows = [r for r in await sent_to(s, team.anna.user_id) if r.payload.get("ref")]
    texts = [text(r) for r in rows]
    assert len(texts) == 3, texts  # a day before, an hour before, overdue: once each
    assert "is due" in texts[0] and "is due" in texts[1] and "overdue" in texts[2]


async def test_a_day_before_is_the_working_day_before_and_my_day_is_not_said_twice(
    maker: async_sessionmaker[AsyncSession],  # noqa: F811
    team: Team,
) -> None:
    """A Monday 10:00 deadline: "a day before" comes on Friday at 10:00 (Anna's working
    day before), not on her Sunday; on Monday at 09:00 her "My day" lists it with its
    time, and the hour-before reminder of the same minute is not sent as well."""
    async with maker() as s, s.begin():
        await _anna_task(s, team, "Board pack", local(2026, 11, 30, 10))
    await planner.tick(maker, now=local(2026, 11, 26, 20))
    for moment in (
        local(2026, 11, 27, 10),
        local(2026, 11, 29, 10),
        local(2026, 11, 30, 9),
        local(2026, 11, 30, 10, 5),
    ):
        await planner.tick(maker, now=moment)
    async with maker() as s:
        rows = await sent_to(s, team.anna.user_id)
    told = [(r.due_at.astimezone(BERLIN).strftime("%a %H:%M"), text(r)) for r in rows]
    about = [(when, said) for when, said in told if "Board pack" in said]
    assert [when for when, _said in about] == ["Fri 10:00", "Mon 09:00", "Mon 10:05"], told
    assert "is due Mon 30 Nov 10:00" in about[0][1], about
    assert "My day, Anna" in about[1][1] and "Board pack — " in about[1][1], about
    assert "overdue" in about[2][1], about


async def test_an_overdue_notice_missed_while_no_planner_ran_is_sent_after(
    maker: async_sessionmaker[AsyncSession],  # noqa: F811
    team: Team,
) -> None:
    """The planner was down from 14:00 to 20:00 across a 15:00 deadline: the overdue
    notice comes at 20:00 (still true, the task is open), the missed "due in 30
    minutes" does not (stale), and a task closed meanwhile gets nothing."""
    async with maker() as s, s.begin():
        deadline = local(2026, 11, 27, 15)
        await _anna_task(s, team, "Open report", deadline)
        await _anna_task(s, team, "Closed report", deadline, is_open=False)
        await reminders.set_offsets(s, team.anna, [30])
    await planner.tick(maker, now=local(2026, 11, 27, 14, 0))
    await planner.tick(maker, now=local(2026, 11, 27, 20, 0))
    await planner.tick(maker, now=local(2026, 11, 27, 20, 1))
    async with maker() as s:
        texts = [text(r) for r in await sent_to(s, team.anna.user_id) if r.payload.get("ref")]
    assert len(texts) == 1, texts
    assert "Open report" in texts[0] and "overdue" in texts[0]


async def test_a_first_planner_pass_sends_no_old_overdue_notices(
    maker: async_sessionmaker[AsyncSession],  # noqa: F811
    team: Team,
) -> None:
    """With no pass on record (a new install), deadlines long past stay quiet."""
    async with maker() as s, s.begin():
        await _anna_task(s, team, "Old report", local(2026, 11, 27, 15))
    await planner.tick(maker, now=local(2026, 11, 27, 20, 0))
    async with maker() as s:
        assert [r for r in await sent_to(s, team.anna.user_id) if r.payload.get("ref")] == []


async def test_missed_overdue_notices_beyond_one_page_all_come_once(
    maker: async_sessionmaker[AsyncSession],  # noqa: F811
    team: Team,
) -> None:
    """More missed deadlines than a page holds (here pages of 2): the pass reads on,
    page after page, and records itself only after the last."""
    async with maker() as s, s.begin():
        for k in range(5):
            deadline = local(2026, 11, 27, 15, 0) + timedelta(minutes=k // 2)  # ties too
            await _anna_task(s, team, f"Report {k}", deadline)
        await reminders.set_offsets(s, team.anna, [30])
    await planner.tick(maker, now=local(2026, 11, 27, 14, 0), batch=2)
    await planner.tick(maker, now=local(2026, 11, 28, 9, 0), batch=2)
    await planner.tick(maker, now=local(2026, 11, 28, 9, 1), batch=2)
    async with maker() as s:
        texts = [text(r) for r in await sent_to(s, team.anna.user_id) if r.payload.get("ref")]
    assert sorted(t.split("The task #", 1)[1].split(" ", 1)[1][:8] for t in texts) == [
        f"Report {k}" for k in range(5)
    ], texts
    assert all("overdue" in t for t in texts)


async def test_a_groups_chat_hears_of_its_overdue_tasks_whoever_is_responsible(
    sqlite_app: App,
) -> None:
    """The chats bound to a group hear of its tasks newly overdue even when the one
    responsible is switched off (and gets no reminder of it), and a pass takes as many
    statements for 8 such tasks as for 2."""
    from sqlalchemy import event as sa_event

    from models.groups import Group
    from models.tasks import Task
    from services import chats
    from tests.test_tasks_console import actor_of, team

    boss, _anna = await team(sqlite_app, "en", "Boss", "Anna")
    for name, count, hour in (("Design", 2, 11), ("Build", 8, 14)):
        await boss.say(f"/groups new {name}")
        await boss.say(f"/groups add {name} @Anna")
        for i in range(count):
            out = await boss.say(f"/task {name} fix {i} #{name} @Anna tomorrow {hour}:00")
            assert "created" in out, out
    sessions = sqlite_app.workspace.sessionmaker
    admin = await actor_of(sqlite_app, "Boss")
    async with sessions() as s, s.begin():
        for i, group in enumerate((await s.scalars(select(Group).order_by(Group.id))).all()):
            await chats.bind(s, admin, "telegram", f"-100{i}", group.id)
        deadlines = sorted({t.deadline for t in await s.scalars(select(Task)) if t.deadline})
    anna_id = (await actor_of(sqlite_app, "Anna")).user_id
    async with sessions() as s, s.begin():  # she is away for good (switched off)
        anna_row = await s.get(User, anna_id)
        assert anna_row is not None
        anna_row.active = False
    engine = sessions.kw["bind"]
    said: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        said.append(statement)

    await planner.tick(sessions, now=deadlines[0] - timedelta(hours=1))
    statements = []
    sa_event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        for deadline in deadlines:
            said.clear()
            await planner.tick(sessions, now=deadline + timedelta(minutes=5))
            statements.append(len(said))
    finally:
        sa_event.remove(engine.sync_engine, "before_cursor_execute", count)
    async with sessions() as s:
        rows = (
            await s.scalars(select(OutboxMessage).where(OutboxMessage.group_id.is_not(None)))
        ).all()
        overdue = [text(r) for r in rows if "A task of the group is overdue" in text(r)]
        mine = [text(r) for r in await sent_to(s, anna_id)]
        assert mine == [], mine  # she is no longer reminded of them
    assert len(overdue) == 10, overdue
    assert sum("Build fix" in t for t in overdue) == 8, overdue
    assert statements[0] == statements[1], statements


async def test_a_task_my_day_left_out_is_still_reminded_of(
    maker: async_sessionmaker[AsyncSession],  # noqa: F811
    team: Team,
) -> None:
    """My day lists ten tasks due today; the eleventh, due 10:10, was not among them, so
    its reminder an hour before still comes (it is dropped only for a task My day named)."""
    async with maker() as s, s.begin():
        for i in range(10):
            await _anna_task(s, team, f"Small thing {i}", local(2026, 11, 27, 9, 30 + i))
        await _anna_task(s, team, "Client call prep", local(2026, 11, 27, 10, 10))
    await planner.tick(maker, now=local(2026, 11, 26, 20))
    await planner.tick(maker, now=local(2026, 11, 27, 9, 0))
    await planner.tick(maker, now=local(2026, 11, 27, 9, 10))
    async with maker() as s:
        texts = [text(r) for r in await sent_to(s, team.anna.user_id)]
    assert any(t.startswith("My day") and "Small thing 0" in t for t in texts), texts
    assert not any(t.startswith("My day") and "Client call prep" in t for t in texts)
    assert "⏰ The task #11 Client call prep is due today 10:10." in texts, texts
    assert not any("⏰" in t and "Small thing" in t for t in texts), texts


async def test_a_report_prompt_caught_up_into_quiet_hours_is_not_sent_next_morning(
    maker: async_sessionmaker[AsyncSession],  # noqa: F811
    team: Team,
) -> None:
    """Down from 17:50 to 23:30, the planner catches the 18:00 report prompt up, but
    Anna's quiet hours (22:00-08:00) hold it: by 08:00 it is worth nothing, and it is
    dropped then, not sent as 'your workday is ending' in the morning."""
    from services import reminders_stale

    async with maker() as s, s.begin():
        s.add(
            NotificationSettings(
                user_id=team.anna.user_id,
                quiet_start=22 * 60,
                quiet_end=8 * 60,
                digest="off",
                muted_kinds=[],
            )
        )
    await planner.tick(maker, now=local(2026, 11, 27, 8))
    async with maker() as s, s.begin():
        await timeman.start_day(s, team.anna, now=local(2026, 11, 27, 9))
    await planner.tick(maker, now=local(2026, 11, 27, 9, 1))
    await planner.tick(maker, now=local(2026, 11, 27, 23, 30))
    async with maker() as s, s.begin():
        rows = [r for r in await sent_to(s, team.anna.user_id) if "workday" in text(r)]
        assert len(rows) == 1 and rows[0].due_at > local(2026, 11, 27, 23, 30), rows
        kept = await reminders_stale.sift(s, rows, local(2026, 11, 28, 8, 0))
    assert kept == []


async def test_homes_are_queued_only_where_a_platform_shows_them(
    maker: async_sessionmaker[AsyncSession],  # noqa: F811
    team: Team,
) -> None:
    """A task overdue by time alone shows its person's home again (Slack's App Home);
    with no platform that has one running, the planner queues nothing for it."""
    from models.outbox import HOME

    async with maker() as s, s.begin():
        await _anna_task(s, team, "Quarterly report", local(2026, 11, 27, 15))
        await _anna_task(s, team, "Annual report", local(2026, 11, 27, 17))

    async def homes() -> int:
        async with maker() as s:
            rows = await s.execute(select(OutboxMessage.id).where(OutboxMessage.kind == HOME))
            return len(rows.all())

    await planner.tick(maker, now=local(2026, 11, 27, 14, 0), homes=False)
    await planner.tick(maker, now=local(2026, 11, 27, 15, 1), homes=False)  # overdue
    assert await homes() == 0
    await planner.tick(maker, now=local(2026, 11, 27, 17, 1))  # the other, with homes shown
    assert await homes() == 1
