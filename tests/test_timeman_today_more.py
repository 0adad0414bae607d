"""My day lists repeating meetings and CRM activities too."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.app import App
from handlers.i18n import translator
from handlers.markup import to_plain
from handlers.timeman_today import my_day_view
from models.teams import User
from tests.console_driver import ConsoleDriver


async def test_my_day_has_series_and_crm_activities(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", timezone="Europe/Moscow")
    await boss.say("/start")
    out = await boss.say("/event Standup tomorrow 10:00 15m daily")
    assert "Event created" in out
    await boss.say("/deal Big order 1000 RUB")
    await boss.press("Activity")
    await boss.press("call")
    await boss.say("Discuss the price")
    assert "Planned" in await boss.say("tomorrow 15:00")

    zone = ZoneInfo("Europe/Moscow")
    tomorrow_morning = (datetime.now(zone) + timedelta(days=1)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    day_after = tomorrow_morning + timedelta(days=1)
    async with sqlite_app.workspace.sessionmaker() as s:
        user = await s.get(User, 1)
        assert user is not None
        text = to_plain(
            (await my_day_view(s, user, translator("en", "Europe/Moscow"), tomorrow_morning)).body
        )
        later = to_plain(
            (await my_day_view(s, user, translator("ru", "Europe/Moscow"), day_after)).body
        )
        noon = to_plain(
            (
                await my_day_view(
                    s,
                    user,
                    translator("en", "Europe/Moscow"),
                    tomorrow_morning + timedelta(hours=3),
                )
            ).body
        )
    assert "Meetings (1)" in text and "Standup" in text
    # at noon the 10:00 standup is over: only what is still ahead is listed
    assert "Standup" not in noon and "Meetings" not in noon and "Discuss the price" in noon
    assert "CRM activities (1)" in text and "Discuss the price" in text
    # the series repeats; the call not made the day before is still there, overdue
    assert "Standup" in later and "Дела CRM (1)" in later and "🔥" in later
    assert "CRM activities" in text and "🔥" not in text


async def test_my_day_counts_a_task_due_earlier_today_as_overdue(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", timezone="Europe/Moscow")
    await boss.say("/start")
    await boss.say("/task Later today 23:59")
    zone = ZoneInfo("Europe/Moscow")
    noon = datetime.now(zone).replace(hour=12, minute=0, second=0, microsecond=0)
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        from sqlalchemy import update

        from models.tasks import Task

        past = noon - timedelta(hours=3)  # today 09:00, before "now" below
        await s.execute(update(Task).values(deadline=past, due_sort=past))
    async with sqlite_app.workspace.sessionmaker() as s:
        user = await s.get(User, 1)
        assert user is not None
        text = to_plain((await my_day_view(s, user, translator("en", "Europe/Moscow"), noon)).body)
    assert "Overdue (1)" in text and "Due today" not in text, text


async def test_my_day_counts_all_overdue_tasks_and_points_to_the_rest(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", timezone="Europe/Moscow")
    await boss.say("/start")
    for n in range(13):
        await boss.say(f"/task Old thing {n} 01.01.2020 10:00")
    out = await boss.say("/today")
    assert "Overdue (13)" in out and "…and 3 more: /tasks overdue" in out, out


async def test_my_day_shows_todays_crm_activities_before_old_undone_ones(sqlite_app: App) -> None:
    from sqlalchemy import select

    from models.crm import CrmActivity

    boss = ConsoleDriver(sqlite_app, user="Boss", timezone="Europe/Moscow")
    await boss.say("/start")
    await boss.say("/lead Client")
    for n in range(12):
        await boss.press("Activity")
        await boss.press("call")
        await boss.say(f"stale call {n}")
        await boss.say("12.11.2026 10:00" if n < 11 else "13.11.2026 10:00")
        await boss.say("/lead 1")
    zone = ZoneInfo("Europe/Moscow")
    noon = datetime(2026, 11, 27, 12, 0, tzinfo=zone)
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        acts = list((await s.execute(select(CrmActivity))).scalars())
        for act in acts:  # placed relative to "noon": two weeks overdue
            act.due_at = noon - timedelta(days=14)
        acts[0].subject, acts[0].due_at = "Meeting today", noon + timedelta(hours=3)
    async with sqlite_app.workspace.sessionmaker() as s:
        user = await s.get(User, 1)
        assert user is not None
        text = to_plain((await my_day_view(s, user, translator("en", "Europe/Moscow"), noon)).body)
    assert "CRM activities (12)" in text and "Meeting today" in text, text
    assert text.index("Meeting today") < text.index("stale call"), text


async def test_my_day_tasks_open_from_it_and_overdue_ones_are_marked(sqlite_app: App) -> None:
    """Each task of /today carries its number and an Open button; an overdue one 🔥."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/task Yesterday thing yesterday 18:00")
    out = await boss.say("/today")
    assert "• #1 Yesterday thing — 🔥 yesterday 18:00" in out, out
    out = await boss.press("#1 Yesterday thing")
    assert "#1 Yesterday thing" in out and "Status:" in out, out


async def test_a_contractors_day_shows_their_groups_work_and_reminders(sqlite_app: App) -> None:
    from tests.console_driver import invite_code
    from tests.test_timeman_console import midday_zone, morning_reminder_now

    tz = midday_zone()  # about noon: "today 21:00" is later today
    boss = ConsoleDriver(sqlite_app, user="Boss", timezone=tz)
    await boss.say("/start")
    await boss.say("/day schedule team mon-sun 00:00-23:59 lunch 0")  # a morning every day
    await boss.say("/groups new Site")
    await boss.say("/groups new SecretMerger closed")
    carl = ConsoleDriver(sqlite_app, user="Carl", timezone=tz)
    await carl.say(f"/start {invite_code(await boss.say('/invite extranet Site'))}")
    await carl.say(f"/start {invite_code(await boss.say('/invite extranet SecretMerger'))}")
    await boss.say("/task Build landing page #Site @Carl 01.01.2020 10:00")
    await boss.say("/task Merger due diligence #SecretMerger @Carl 01.01.2020 10:00")
    assert "Event created" in await boss.say("/event Site review today 21:00 @Carl #Site")
    # one he organises stays his when he leaves the group, yet he no longer sees it
    assert "Event created" in await carl.say("/event Merger sync today 22:00 #SecretMerger")
    out = await carl.say("/today")
    assert "Build landing page" in out and "Merger due diligence" in out, out
    assert "Merger sync" in out, out
    await boss.say("/groups remove SecretMerger @Carl")  # SecretMerger is closed to him now
    out = await carl.say("/today")
    assert "My day, Carl" in out and "not available" not in out, out
    assert "Overdue (1)" in out and "Build landing page" in out, out
    assert "Meetings (1)" in out and "Site review" in out, out
    assert "Merger due diligence" not in out and "Merger sync" not in out, out
    assert "Start the day" not in out and "Working day" not in out, out  # no working day
    await boss.say("/crm grant @Carl")  # his CRM calls are in his day while he has the CRM
    await carl.say("/deal Big order 1000 RUB")
    await carl.press("Activity")
    await carl.press("call")
    await carl.say("Call the client")
    assert "Planned" in await carl.say("today 20:00")
    assert "Call the client" in await carl.say("/today")
    await boss.say("/crm revoke @Carl")
    out = await carl.say("/today")
    assert "Call the client" not in out and "My activities" not in out, out
    out = await carl.say("/reminders")
    assert "Before deadlines" in out and "Morning “my day”: 00:00, on" in out, out
    assert "report" not in out, out  # no working day to report on
    # the morning message is his day as /today shows it: his groups' work only
    await morning_reminder_now(sqlite_app, "Carl")
    out = await carl.say("/reminders")
    morning = out.split("🔔 ", 1)[1]
    assert morning.startswith("My day, Carl") and "Build landing page" in morning, out
    assert "Site review" in morning and "Merger" not in morning, out
    assert "Start the day" not in morning and "Working day" not in morning, out
    assert "day off" not in morning, out
    out = await carl.say("/reminders deadline 2h")
    assert "Before deadlines: 2 h" in out, out
    out = await carl.say("/reminders off")
    assert "Before deadlines: off" in out, out
    out = await carl.say("/help")
    assert "/today" in out and "today's meetings" in out and "/reminders" in out, out
