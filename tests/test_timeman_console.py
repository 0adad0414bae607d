"""The working day end to end in the console: the cycle, a correction approved by the
supervisor, the daily report reaching the supervisor and coming back confirmed, a
reminder arriving as a 🔔 line — in English and in Russian."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import update

from bot.app import App
from models.base import utcnow
from models.reminders import ReminderRule
from scheduler import planner
from tests.console_driver import ConsoleDriver, invite_code


def midday_zone() -> str:
    """A fixed-offset zone where it is about noon now, so the test never crosses midnight."""
    offset = 12 - datetime.now(UTC).hour
    offset = max(-12, min(14, offset))
    if offset == 0:
        return "UTC"
    # POSIX: Etc/GMT-3 is UTC+3
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def local_clock(tz: str, delta: timedelta) -> str:
    from zoneinfo import ZoneInfo

    return (datetime.now(UTC) + delta).astimezone(ZoneInfo(tz)).strftime("%H:%M")


async def morning_reminder_now(app: App, user_name: str) -> None:
    """Make the person's morning rule due and run a planner tick."""
    from sqlalchemy import select

    from models.teams import User

    maker = app.workspace.sessionmaker
    await planner.tick(maker)  # creates the rules
    async with maker() as s, s.begin():
        user_id = await s.scalar(select(User.id).where(User.name == user_name))
        await s.execute(
            update(ReminderRule)
            .where(ReminderRule.user_id == user_id, ReminderRule.kind == "morning")
            .values(next_fire_at=utcnow() - timedelta(minutes=1))
        )
    stats = await planner.tick(maker)
    assert stats.fired == 1


async def test_day_cycle_and_report_in_english(app: App) -> None:
    tz = midday_zone()
    boss = ConsoleDriver(app, user="Boss", lang="en", timezone=tz)
    await boss.say("/start")
    await boss.say("/day schedule team mon-sun 00:00-23:59 lunch 0")
    code = invite_code(await boss.say("/invite"))
    anna = ConsoleDriver(app, user="Anna", lang="en", timezone=tz)
    await anna.say(f"/start {code}")
    await boss.say("/team supervisor @Anna @Boss")

    out = await anna.say("/day")
    assert "Not started yet" in out
    out = await anna.press("Start the day")
    assert "Working since" in out
    out = await anna.say("/day start")
    assert "You have already started today." in out
    await anna.say("/day")
    out = await anna.press("Break")
    assert "On a break since" in out
    out = await anna.press("Resume")
    assert "Working since" in out

    # a correction of the start goes to the supervisor, who approves it
    early = local_clock(tz, -timedelta(hours=2))
    out = await anna.say(f"/day fix start {early} came in early")
    assert "Correction saved and sent to your supervisor for approval." in out
    out = await boss.say("/day")
    assert "🔔" in out and "Anna corrected the start of their day" in out
    assert "Reason: came in early" in out
    out = await boss.press("Approve")
    assert "Correction of Anna approved." in out
    out = await anna.say("/day history")
    assert "Boss approved your correction." in out
    assert "approved. came in early" in out

    # finish: the report draft, text added, sent to the supervisor
    await anna.say("/day")
    out = await anna.press("Finish")
    assert "Day finished" in out and "Daily report" in out
    assert "Worked 2 h" in out and "No activity recorded on tasks." in out
    assert out.split("Daily report")[1].count("2 h") == 1, out  # the worked time once
    out = await anna.press("Add text")
    assert "What would you add to the report?" in out
    out = await anna.say("Finished the data import")
    assert "Notes: Finished the data import" in out
    out = await anna.press("Send to supervisor")
    assert "The report was sent to Boss." in out
    assert "Send again" in out and "Send to supervisor" not in out  # it says it was sent

    out = await boss.say("/day")
    assert "Anna sent the daily report:" in out and "Notes: Finished the data import" in out
    out = await boss.press("Comment")
    assert "Your comment on the report?" in out
    out = await boss.say("Good job, thanks")
    assert "Your comment was sent to Anna." in out
    out = await boss.press("Confirm")
    assert "Report of Anna confirmed." in out

    out = await anna.say("/day report")
    assert "Boss commented on your report" in out and "Good job, thanks" in out
    assert "Boss confirmed your report" in out
    assert "Status: confirmed" in out

    # a reminder arrives as a 🔔 line
    await morning_reminder_now(app, "Anna")
    out = await anna.say("/away")
    assert "🔔 My day, Anna" in out

    # timesheet as text, CSV and chart; the supervisor sees Anna's
    out = await anna.say("/timesheet")
    assert "Anna — 2.0 h in 1 day" in out
    out = await anna.press("CSV")
    assert "(file: timesheet-" in out
    await anna.say("/timesheet month")
    out = await anna.press("Chart")
    assert "(image: timesheet-" in out
    out = await boss.say("/timesheet @Anna")
    assert "Anna — 2.0 h" in out
    out = await anna.say("/timesheet @Boss")
    assert "You have no right to do that." in out

    # an absence silences reminders
    out = await anna.say("/away until 31.12 vacation")
    assert "You are away until" in out


async def test_previous_day_left_open_is_offered_for_closing(sqlite_app: App) -> None:
    tz = midday_zone()
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone=tz)
    await boss.say("/start")
    await boss.say("/day start")
    # move the day to yesterday, as if it had been left open
    from models.timeman import WorkDay

    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        from sqlalchemy import select

        row = (await s.execute(select(WorkDay))).scalar_one()
        row.day = row.day - timedelta(days=1)
        row.started_at = row.started_at - timedelta(days=1)
    out = await boss.say("/day start")
    assert "is still open" in out and "Close at 18:00" in out
    out = await boss.press("Close at 18:00")
    assert "Why was the day left open?" in out
    out = await boss.say("forgot to clock out")
    assert "Day finished" in out and "Not started yet" in out
    out = await boss.press("Start the day")
    assert "Working since" in out
    # in Russian: the day *of* a date, «за пн»
    ivan = ConsoleDriver(sqlite_app, user="Иван", lang="ru", timezone=tz)
    await ivan.say(f"/start {invite_code(await boss.say('/invite'))}")
    await ivan.say("/day start")
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        await s.execute(
            update(WorkDay)
            .where(WorkDay.status == "open", WorkDay.user_id != row.user_id)
            .values(day=row.day, started_at=row.started_at)
        )
    out = await ivan.say("/day")
    assert "Ваш рабочий день за " in out and "всё ещё открыт" in out, out


async def test_day_cycle_and_report_in_russian(sqlite_app: App) -> None:
    tz = midday_zone()
    boss = ConsoleDriver(sqlite_app, user="Босс", lang="ru", timezone=tz)
    await boss.say("/start")
    await boss.say("/day график команда пн-вс 00:00-23:59 обед 0")
    code = invite_code(await boss.say("/invite"))
    anna = ConsoleDriver(sqlite_app, user="Анна", lang="ru", timezone=tz)
    await anna.say(f"/start {code}")
    await boss.say("/team руководитель @Анна @Босс")

    out = await anna.say("/day начать")
    assert "Работаете с" in out
    out = await anna.say("/day перерыв")
    assert "На перерыве с" in out
    out = await anna.say("/day продолжить")
    assert "Работаете с" in out
    out = await anna.say("/day закончить")
    assert "День завершён" in out and "Ежедневный отчёт" in out
    assert "Активность по задачам не зафиксирована." in out
    out = await anna.press("Отправить руководителю")
    assert "Отчёт отправлен: Босс." in out

    out = await boss.say("/day")
    assert "🔔 Ежедневный отчёт — Анна:" in out
    out = await boss.press("Подтвердить")
    assert "Отчёт сотрудника Анна подтверждён." in out
    out = await anna.say("/timesheet")
    assert "Босс: ваш отчёт за" in out
    assert "Табель" in out and "за 1 день" in out
    out = await anna.say("/away до 31.12 отпуск")
    assert "Вы отсутствуете до" in out
    out = await anna.say("/day начать")  # the day is finished: it goes on by /day resume
    assert "Рабочий день уже завершён (в " in out and "отправьте /day resume" in out, out


async def test_a_schedule_that_ends_at_midnight_is_saved(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    out = await boss.say("/day schedule mon-sun 12:00-00:00 lunch 0")
    assert "Work schedule of Boss saved" in out and "12:00–24:00" in out
    assert "planned 12 h a day" in out


async def test_a_bad_lunch_is_blamed_not_the_days(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="ru")
    await boss.say("/start")
    out = await boss.say("/day schedule пн-пт 09:00-18:00 обед -60")
    assert "Укажите обед в минутах, например: обед 60" in out, out
    assert "рабочие дни" not in out, out
    out = await boss.say("/day schedule пн-пт 09:00-18:00 обед 45")
    assert "обед 45 мин" in out, out


async def test_a_night_shift_is_saved_and_bare_days_end_the_next_morning(
    sqlite_app: App,
) -> None:
    """22:00-06:00 is saved as typed, in English and in Russian; "tomorrow" without a
    time is the end of tomorrow's shift: 06:00 the morning after."""
    from zoneinfo import ZoneInfo

    from sqlalchemy import select

    from models.tasks import Task

    tz = midday_zone()
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone=tz)
    await boss.say("/start")
    out = await boss.say("/day schedule mon-sun 22:00-06:00")
    assert "Work schedule of Boss saved" in out, out
    assert "22:00–06:00, lunch 60 min, planned 7 h a day" in out, out
    code = invite_code(await boss.say("/invite"))
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone=tz)
    await olga.say(f"/start {code}")
    out = await olga.say("/day график пн-пт 22:00-6:00 обед 30")
    assert "22:00–06:00, обед 30 мин, по плану 7 ч 30 мин в день" in out, out

    out = await boss.say("/task Check the pumps tomorrow")
    assert "06:00" in out, out
    async with sqlite_app.workspace.sessionmaker() as s:
        deadline = await s.scalar(select(Task.deadline).where(Task.title == "Check the pumps"))
    assert deadline is not None
    local = deadline.astimezone(ZoneInfo(tz))
    today = datetime.now(ZoneInfo(tz)).date()
    assert (local.date(), local.strftime("%H:%M")) == (today + timedelta(days=2), "06:00")


async def test_a_changed_schedule_is_told_to_the_supervisor_or_the_person(
    sqlite_app: App,
) -> None:
    """Anna changes her own schedule: her supervisor gets one notice with the old and the
    new schedule and a button to see it; Petr, with no supervisor, tells the admins (in
    Russian here); a schedule the admin sets for Anna is told to Anna, not the admin."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    code = invite_code(await boss.say("/invite"))
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say(f"/start {code}")
    petr = ConsoleDriver(sqlite_app, user="Petr", lang="ru")
    await petr.say(f"/start {code}")
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru")
    await olga.say(f"/start {code}")
    await boss.say("/team supervisor @Anna @Olga")
    await boss.say("/day")

    out = await anna.say("/day schedule mon-fri 10:00-19:00")
    assert "Work schedule of Anna saved" in out and "changed" not in out, out
    out = await olga.say("/day")
    assert out.count("Anna: личный график работы изменён.") == 1, out
    assert "Теперь: пн, вт, ср, чт, пт, 10:00–19:00" in out, out
    assert "Было: пн, вт, ср, чт, пт, 09:00–18:00" in out, out
    out = await olga.press("График работы")
    assert "Anna" in out and "10:00–19:00" in out, out
    out = await boss.say("/day")
    assert "changed" not in out, out  # Anna has a supervisor: the admin is not told

    await petr.say("/day schedule пн-пт 08:00-17:00")
    out = await boss.say("/day")
    assert "Petr changed their work schedule." in out, out
    assert "Now: Mon, Tue, Wed, Thu, Fri, 08:00–17:00" in out, out
    out = await anna.say("/day schedule mon-fri 10:00-19:00")  # the same again: no news
    assert "changed" not in await olga.say("/day")

    await boss.say("/day schedule @Anna mon-thu 09:00-18:00")
    out = await anna.say("/day")
    assert "Boss changed your work schedule." in out, out
    assert "Was: Mon, Tue, Wed, Thu, Fri, 10:00–19:00" in out, out
    out = await anna.press("Work schedule")
    assert "Mon, Tue, Wed, Thu, 09:00–18:00" in out, out
    assert "график работы изменён" not in await olga.say("/day")  # the admin's change: Anna is told


def zone_at(hour: int) -> str:
    """A fixed-offset zone where the clock now shows about `hour` o'clock."""
    offset = hour - datetime.now(UTC).hour
    offset = offset + 24 if offset < -12 else offset - 24 if offset > 14 else offset
    return "UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


async def test_a_night_shift_finished_in_the_morning_continues(sqlite_app: App) -> None:
    """22:00-06:00, the shift started last night and finished at 07:xx this morning: the
    card still shows that day, finished, with Continue the day, which goes on with it
    (not a search under today's date, which has no day)."""
    from zoneinfo import ZoneInfo

    from sqlalchemy import select

    from models.teams import User
    from models.timeman import WorkDay

    tz = zone_at(7)
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone=tz)
    await boss.say("/start")
    await boss.say("/day schedule mon-sun 22:00-06:00 lunch 0")
    today = datetime.now(ZoneInfo(tz)).date()
    started = datetime.combine(today - timedelta(days=1), datetime.min.time()).replace(
        hour=22, tzinfo=ZoneInfo(tz)
    )
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        user = (await s.execute(select(User).where(User.name == "Boss"))).scalar_one()
        s.add(
            WorkDay(
                team_id=user.team_id,
                user_id=user.id,
                day=started.date(),
                status="open",
                started_at=started,
                break_seconds=0,
                note="",
            )
        )
    out = await boss.say("/day finish")
    assert "Day finished: 22:00–" in out, out
    out = await boss.say("/day")
    assert "Finished: 22:00–" in out and "Continue the day" in out, out
    assert "Not started yet" not in out, out
    out = await boss.press("Continue the day")
    assert "Working since 22:00" in out, out
    await boss.say("/day finish")
    out = await boss.say("/day resume")
    assert "Working since 22:00" in out, out
    async with sqlite_app.workspace.sessionmaker() as s:
        days = (await s.execute(select(WorkDay))).scalars().all()
    assert [(d.day, d.status) for d in days] == [(started.date(), "open")]


async def test_a_team_schedule_change_is_told_to_those_it_changes(sqlite_app: App) -> None:
    """/day schedule team by an admin: each person who follows the team's schedule gets
    one notice with the old and the new one; someone with their own schedule, the admin
    who made it, and everyone when nothing changed, get none."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    code = invite_code(await boss.say("/invite"))
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say(f"/start {code}")
    petr = ConsoleDriver(sqlite_app, user="Petr", lang="ru")
    await petr.say(f"/start {code}")
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="en")
    await olga.say(f"/start {code}")
    await olga.say("/day schedule mon-fri 10:00-19:00")
    await boss.say("/day")
    await anna.say("/day")

    out = await boss.say("/day schedule team mon-fri 22:00-06:00")
    assert "Work schedule of the team saved" in out and "changed" not in out, out
    out = await anna.say("/day")
    assert out.count("Boss changed the team's work schedule, which is yours.") == 1, out
    assert "Now: Mon, Tue, Wed, Thu, Fri, 22:00–06:00" in out, out
    assert "Was: Mon, Tue, Wed, Thu, Fri, 09:00–18:00" in out, out
    out = await anna.press("Work schedule")
    assert "22:00–06:00" in out, out
    out = await petr.say("/day")
    assert out.count("Boss: изменён график работы команды, по которому работаете вы.") == 1
    assert "Теперь: пн, вт, ср, чт, пт, 22:00–06:00" in out, out
    assert "changed" not in await olga.say("/day")  # her own schedule stays
    assert "changed" not in await boss.say("/day")

    await boss.say("/day schedule team mon-fri 22:00-06:00")  # the same again: no news
    assert "changed" not in await anna.say("/day")


async def test_a_corrected_start_measures_the_day_again(sqlite_app: App) -> None:
    """Started at noon (late), corrected to 09:00: no late start is left; a second
    correction to 11:00 is late again, and once rejected the day is back at 09:00."""
    tz = midday_zone()
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en", timezone=tz)
    await anna.say("/start")
    code = invite_code(await anna.say("/invite"))
    petr = ConsoleDriver(sqlite_app, user="Petr", lang="en", timezone=tz)
    await petr.say(f"/start {code}")
    await anna.say("/day schedule @Petr mon-sun 09:00-18:00")
    await anna.say("/team supervisor @Petr @Anna")
    await petr.say("/day start")
    out = await anna.say("/timesheet @Petr")
    assert "late starts: 1" in out
    out = await petr.say("/day fix start 09:00 forgot to clock in")
    assert "sent to your supervisor for approval" in out
    out = await anna.say("/timesheet @Petr")
    assert "late starts" not in out
    await anna.say("/inbox")
    await anna.press("Open 1")
    out = await anna.press("Approve")
    assert "late starts" not in await anna.say("/timesheet @Petr")
    # reject a second correction: the old start and its lateness come back
    await petr.say("/day fix start 11:00 came at eleven")
    out = await anna.say("/timesheet @Petr")
    assert "late starts: 1" in out
    await anna.say("/inbox")
    await anna.press("Open 1")
    out = await anna.press("Reject")
    out = await anna.say("/timesheet @Petr")
    assert "late starts" not in out  # back to 09:00, the approved start


async def test_an_admin_without_a_supervisor_corrects_their_own_day(sqlite_app: App) -> None:
    tz = midday_zone()
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en", timezone=tz)
    await anna.say("/start")
    await anna.say("/day start")
    out = await anna.say("/day fix start 09:00 forgot to clock in")
    assert "Correction saved. Nobody reviews your time, so it stands." in out
    out = await anna.say("/day history")
    assert "pending" not in out.lower()


async def test_timesheet_days_in_russian_hours(sqlite_app: App) -> None:
    tz = midday_zone()
    boss = ConsoleDriver(sqlite_app, user="Босс", lang="ru", timezone=tz)
    await boss.say("/start")
    await boss.say("/day start 09:00 забыл отметиться")
    out = await boss.say("/timesheet месяц")
    day_lines = [line for line in out.splitlines() if line.startswith("  ")]
    assert day_lines and all(line.endswith(" ч") for line in day_lines), out


async def test_away_until_reads_the_dates_people_write(sqlite_app: App) -> None:
    from datetime import UTC, datetime, timedelta

    today = datetime.now(UTC).date()
    soon = today + timedelta(days=12)
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en", timezone="UTC")
    await anna.say("/start")
    shown = f"{soon.day} {soon:%b} {soon.year}"  # as the reader writes a day
    out = await anna.say(f"/away until {soon:%d.%m} trip")
    assert f"You are away until {shown} inclusive" in out, out
    month = soon.strftime("%B")  # English month name
    out = await anna.say(f"/away until {soon.day} {month} vacation")
    assert f"You are already away {today.day} {today:%b} {today.year} – {shown}." in out, out
    await anna.press("Cancel")
    out = await anna.say(f"/away until {soon.day} {month} vacation")
    assert f"You are away until {shown} inclusive" in out, out
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="UTC")
    await olga.say("/start")
    months = [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ]
    out = await olga.say(f"/away до {soon.day} {months[soon.month - 1]} отпуск")
    assert f"Вы отсутствуете до {soon.day} " in out and soon.isoformat() not in out, out


async def test_away_on_a_day_no_month_has_says_so(sqlite_app: App) -> None:
    """ "/away 31.02" is told there is no such date, as /event is, not shown an example."""
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en", timezone="UTC")
    await anna.say("/start")
    for said, day in (
        ("/away 31.02", "31.02"),
        ("/away 31.02 vacation", "31.02"),
        ("/away until 31.02", "31.02"),
        ("/away 30.02.2027 trip", "30.02.2027"),
        ("/away until Feb 30 vacation", "Feb 30"),
    ):
        out = await anna.say(said)
        assert out.strip() == f"There is no such date: {day}.", (said, out)
    out = await anna.say("/away soon")
    assert out.strip() == "For example: /away until 31.12 vacation, or /away 28.12-8.01", out
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="UTC")
    await olga.say("/start")
    for said, day in (
        ("/away 31.02", "31.02"),
        ("/away 31.02 отпуск", "31.02"),
        ("/away до 31.02", "31.02"),
        ("/away 31 февраля отпуск", "31 февраля"),
    ):
        out = await olga.say(said)
        assert out.strip() == f"Такой даты нет: {day}.", (said, out)
    out = await olga.say("/away скоро")
    assert out.strip() == "Например: /away до 31.12 отпуск или /away 28.12-8.01", out


async def test_away_until_a_weekday_in_russian(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="UTC")
    await olga.say("/start")
    from datetime import UTC, datetime, timedelta

    out = await olga.say("/away до понедельника отпуск")
    today = datetime.now(UTC).date()
    monday = today + timedelta(days=(0 - today.weekday()) % 7 or 7)
    # the coming Monday (on a Monday, today or next week's: either is a Monday)
    assert any(
        f"Вы отсутствуете до {day.day} " in out and f"{day.year} включительно." in out
        for day in (monday, monday - timedelta(days=7))
    ), out


async def test_reminders_off_as_the_usage_reads(sqlite_app: App) -> None:
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    out = await anna.say("/reminders off")
    assert "Before deadlines: off" in out and "Unknown action" not in out


async def test_day_report_for_someone_else_points_to_the_timesheet(sqlite_app: App) -> None:
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    out = await anna.say("/day report @Petr")
    assert "/day report is your own report" in out and "/timesheet @person" in out, out


async def test_a_correction_said_as_9_in_the_morning(sqlite_app: App) -> None:
    tz = midday_zone()
    olga = ConsoleDriver(sqlite_app, user="Ольга", lang="ru", timezone=tz)
    await olga.say("/start")
    await olga.say("/day start")
    out = await olga.say("/day fix start 9 утра пробки")
    assert "Исправление сохранено" in out, out
    out = await olga.say("/day")
    assert "09:00" in out


async def test_a_day_left_open_counts_to_its_planned_end(sqlite_app: App) -> None:
    from zoneinfo import ZoneInfo

    from models.timeman import WorkDay

    zone = midday_zone()
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone=zone)
    await olga.say("/start")
    out = await olga.say("/day начать")
    assert "Работаете с" in out, out
    # the day was started yesterday at 09:40 and nobody finished it
    yesterday = datetime.now(UTC).astimezone(ZoneInfo(zone)).date() - timedelta(days=1)
    started = datetime.combine(yesterday, datetime.min.time().replace(hour=9, minute=40))
    async with sqlite_app.workspace.sessionmaker() as session, session.begin():
        await session.execute(
            update(WorkDay).values(
                day=yesterday, started_at=started.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
            )
        )
    # yesterday is in this week, or (on a Monday) in the last one
    monday = datetime.now(UTC).astimezone(ZoneInfo(zone)).weekday() == 0
    out = await olga.say("/timesheet прошлая неделя" if monday else "/timesheet")
    # 09:40 to the schedule's 18:00 is 8 h 20 min: 8,3 hours, not 27
    assert "8,3 ч, день не закрыт (учтено до конца графика)" in out, out
    assert "Табель" in out and "8,3 ч за 1 день" in out, out


async def test_the_timesheet_of_last_week_and_last_month(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone="UTC")
    await boss.say("/start")
    today = datetime.now(UTC).date()
    monday = today - timedelta(days=today.weekday())
    out = await boss.say("/timesheet last week")
    last = monday - timedelta(days=7)
    assert f"Timesheet, {last.day} {last.strftime('%b')}" in out, out
    out = await boss.say("/timesheet last month")
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    assert f"Timesheet, {first.day} {first.strftime('%b')}" in out, out
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="UTC")
    await olga.say("/start")
    out = await olga.say("/timesheet прошлую неделю")
    assert "Табель" in out and "нет никого" not in out.lower(), out


async def test_twelve_hour_clocks_for_the_day_and_quiet_hours(sqlite_app: App) -> None:
    zone = midday_zone()
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone=zone)
    await boss.say("/start")
    await boss.say("/day start")
    out = await boss.say("/day fix start 6:30am overslept")
    assert "Correction saved." in out, out
    out = await boss.say("/day")
    assert "Working since 06:30" in out, out
    out = await boss.say("/inbox quiet 10pm-7am")
    assert "22:00" in out and "07:00" in out, out
    out = await boss.say("/day schedule 9am-6pm")
    assert "09:00" in out and "18:00" in out, out


async def test_a_report_reaches_the_supervisor_in_the_supervisor_language(app: App) -> None:
    tz = midday_zone()
    boss = ConsoleDriver(app, user="Boss", lang="en", timezone=tz)
    await boss.say("/start")
    await boss.say("/day schedule team mon-sun 00:00-23:59 lunch 0")
    code = invite_code(await boss.say("/invite"))
    anna = ConsoleDriver(app, user="Anna", lang="ru", timezone=tz)
    await anna.say(f"/start {code}")
    await boss.say("/team supervisor @Anna @Boss")
    await anna.say("/day start")
    out = await anna.say("/day finish")
    assert "Отработано" in out, out
    await anna.press("Добавить текст")
    await anna.say("Закончила импорт")
    out = await anna.press("Отправить руководителю")
    assert "Отчёт отправлен" in out, out
    out = await boss.say("/day")
    assert "Anna sent the daily report:" in out and "Worked " in out, out
    assert "Отработано" not in out and "Notes: Закончила импорт" in out, out


async def test_a_russian_timesheet_csv_opens_in_columns(sqlite_app: App, tmp_path: Path) -> None:
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone=midday_zone())
    olga.console.files_dir = tmp_path
    await olga.say("/start")
    await olga.say("/day start")
    await olga.say("/timesheet")
    out = await olga.press("CSV")
    assert "(file: timesheet-" in out, out
    name = re.search(r"\(file: (timesheet-[\d-]+\.csv)", out)
    assert name, out
    lines = (tmp_path / name.group(1)).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == (
        "Сотрудник;Дата;Начало;Конец;Часовой пояс;Перерывы, ч;Отработано часов;Нарушения"
    ), lines
    # a line a day with its times in her clock and that clock's zone, the total apart
    assert re.fullmatch(r"Olga;\d{4}-\d\d-\d\d;\d\d:\d\d;;UTC([+-]\d+)?;0,0;0,0;", lines[1]), lines
    assert lines[-1].startswith("Итого: Olga;;;;;;0,0"), lines  # Russian decimals, ";"


async def test_a_timesheet_csv_names_each_person_s_zone(sqlite_app: App, tmp_path: Path) -> None:
    """A supervisor in Moscow reads the CSV of someone in New York: the times are hers,
    and the line says so, with that day's offset."""
    from zoneinfo import ZoneInfo

    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone="Europe/Moscow")
    boss.console.files_dir = tmp_path
    await boss.say("/start")
    code = invite_code(await boss.say("/invite"))
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en", timezone="America/New_York")
    await anna.say(f"/start {code}")
    await boss.say("/team supervisor @Anna @Boss")
    await anna.say("/day start")
    # her day is on her own date: in Moscow's previous week when Moscow's Monday has
    # begun and New York's Sunday has not ended
    anna_week = datetime.now(ZoneInfo("America/New_York")).isocalendar()[:2]
    boss_week = datetime.now(ZoneInfo("Europe/Moscow")).isocalendar()[:2]
    await boss.say("/timesheet team" + ("" if anna_week == boss_week else " last week"))
    out = await boss.press("CSV")
    name = re.search(r"\(file: (timesheet-[\d-]+\.csv)", out)
    assert name, out
    lines = (tmp_path / name.group(1)).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].split(",")[4] == "Time zone", lines
    hours = int(
        (datetime.now(ZoneInfo("America/New_York")).utcoffset() or timedelta()).total_seconds()
        // 3600
    )
    started = local_clock("America/New_York", timedelta(0))
    row = lines[1].split(",")
    assert row[0] == "Anna" and row[2][-5:] in (
        started,
        local_clock("America/New_York", -timedelta(minutes=1)),
    ), lines
    assert row[4] == f"UTC{hours} (America/New_York)", lines


def past_midnight_zone() -> str:
    """A fixed-offset zone where it is between 01:00 and 02:00 now."""
    hour = datetime.now(UTC).hour
    offset = 1 - hour if 1 - hour >= -12 else 25 - hour
    if offset == 0:
        return "UTC"
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


async def test_a_day_that_runs_past_midnight_is_finished_in_time(sqlite_app: App) -> None:
    """Started yesterday morning and finished after midnight with the clock typed: the
    finish is tonight's, and the day is not one left open."""
    from sqlalchemy import select

    from models.timeman import Violation, WorkDay

    tz = past_midnight_zone()
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone=tz)
    await boss.say("/start")
    await boss.say("/day start")
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        row = (await s.execute(select(WorkDay))).scalar_one()
        row.day = row.day - timedelta(days=1)
        row.started_at = row.started_at - timedelta(hours=15)  # yesterday, about 10:00
    finish = local_clock(tz, -timedelta(minutes=10))  # after midnight
    out = await boss.say(f"/day finish {finish} release went long")
    assert "must be after the start" not in out and "left open" not in out, out
    async with sqlite_app.workspace.sessionmaker() as s:
        row = (await s.execute(select(WorkDay))).scalar_one()
        assert row.status == "closed"
        assert row.finished_at is not None
        worked = row.finished_at - row.started_at
        assert timedelta(hours=14) < worked < timedelta(hours=15), worked
        kinds = (await s.execute(select(Violation.kind))).scalars().all()
        assert "left_open" not in kinds, kinds


async def test_a_new_zone_moves_the_morning_message_at_once(sqlite_app: App) -> None:
    from zoneinfo import ZoneInfo

    from sqlalchemy import select

    ivan = ConsoleDriver(sqlite_app, user="Ivan", lang="en", timezone="Asia/Vladivostok")
    await ivan.say("/start")
    await ivan.say("/reminders")  # the rules exist: morning 09:00, report 18:00
    await ivan.say("/me tz America/Los_Angeles")
    async with sqlite_app.workspace.sessionmaker() as s:
        rule = (
            await s.execute(select(ReminderRule).where(ReminderRule.kind == "morning"))
        ).scalar_one()
    assert rule.timezone == "America/Los_Angeles"
    local = rule.next_fire_at.astimezone(ZoneInfo("America/Los_Angeles"))
    assert (local.hour, local.minute) == (9, 0), local


async def test_an_old_finish_button_never_closes_todays_day(sqlite_app: App) -> None:
    """Yesterday's card (or report prompt) still has its Finish button: pressed today, it
    says it is out of date and today's day keeps running, with no violation."""
    from sqlalchemy import select

    from models.timeman import Violation, WorkDay

    tz = midday_zone()
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en", timezone=tz)
    await anna.say("/start")
    await anna.say("/day start")
    old_actions = list(anna.console.actions)
    assert any(action.startswith("day:f:") for action in old_actions), old_actions
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        row = (await s.execute(select(WorkDay))).scalar_one()
        row.day = row.day - timedelta(days=1)
        row.started_at = row.started_at - timedelta(days=1)
        row.finished_at = row.started_at + timedelta(hours=9)
        row.status = "closed"
    await anna.say("/day start")
    anna.console.actions = old_actions  # the old message's buttons
    out = await anna.press("Finish")
    assert "This button is out of date" in out, out
    assert "Day finished" not in out, out
    async with sqlite_app.workspace.sessionmaker() as s:
        days = (await s.execute(select(WorkDay).order_by(WorkDay.day))).scalars().all()
        assert [d.status for d in days] == ["closed", "open"]
        kinds = (await s.execute(select(Violation.kind))).scalars().all()
        assert "early_finish" not in kinds and "short_day" not in kinds, kinds


async def test_old_break_and_continue_buttons_never_touch_todays_day(sqlite_app: App) -> None:
    """Yesterday's card had Break (while it ran) and Continue the day (once finished):
    pressed today, each says it is out of date and today's day keeps running."""
    from sqlalchemy import select

    from models.timeman import WorkDay

    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en", timezone=midday_zone())
    await anna.say("/start")
    running = (await anna.say("/day start"), list(anna.console.actions))  # Break, Finish
    await anna.say("/day finish")
    finished = (await anna.say("/day"), list(anna.console.actions))  # Continue the day
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        row = (await s.execute(select(WorkDay))).scalar_one()
        row.day = row.day - timedelta(days=1)
        row.started_at = row.started_at - timedelta(days=1)
        assert row.finished_at is not None
        row.finished_at = row.finished_at - timedelta(days=1)
    await anna.say("/day start")
    anna.last, anna.console.actions = running  # the old messages' buttons
    out = await anna.press("Break")
    assert "This button is out of date" in out and "On a break" not in out, out
    anna.last, anna.console.actions = finished
    out = await anna.press("Continue the day")
    assert "This button is out of date" in out, out
    async with sqlite_app.workspace.sessionmaker() as s:
        days = (await s.execute(select(WorkDay).order_by(WorkDay.day))).scalars().all()
    assert [(d.status, d.break_seconds) for d in days] == [("closed", 0), ("open", 0)]


async def _timer_started_ago(app: App, minutes: int) -> None:
    """The day and the task timer began `minutes` ago (same local date: midday zone)."""
    from models.tasks import TaskTimer
    from models.timeman import WorkDay

    started = utcnow() - timedelta(minutes=minutes)
    async with app.workspace.sessionmaker() as s, s.begin():
        await s.execute(update(WorkDay).values(started_at=started))
        await s.execute(update(TaskTimer).values(started_at=started))


async def test_finishing_the_day_stops_the_task_timer_with_its_time(sqlite_app: App) -> None:
    """The timer does not run on overnight: finishing the day logs its time, the reply
    says so, and the day's report lists it."""
    from sqlalchemy import select

    from models.tasks import TaskTimeEntry, TaskTimer

    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en", timezone=midday_zone())
    await anna.say("/start")
    await anna.say("/day start")
    await anna.say("/task Prepare quarterly report")
    await anna.say("/task 1")
    out = await anna.press("Start timer")
    assert "Timer started." in out, out
    await _timer_started_ago(sqlite_app, 180)
    # before the finish, the report counts the running timer
    out = await anna.say("/day report")
    assert "Prepare quarterly report — 3 h" in out, out
    assert "No activity recorded" not in out, out
    out = await anna.say("/day finish")
    assert "Day finished" in out, out
    assert "Your timer on this task stopped: 3 h logged." in out, out
    assert "Prepare quarterly report — 3 h" in out, out  # the report, once
    async with sqlite_app.workspace.sessionmaker() as s:
        entries = (await s.execute(select(TaskTimeEntry))).scalars().all()
        timers = (await s.execute(select(TaskTimer))).scalars().all()
    assert [e.seconds // 60 for e in entries] == [180] and timers == []


async def test_a_break_stops_the_task_timer_with_its_time(sqlite_app: App) -> None:
    from sqlalchemy import select

    from models.tasks import TaskTimeEntry, TaskTimer

    anna = ConsoleDriver(sqlite_app, user="Анна", lang="ru", timezone=midday_zone())
    await anna.say("/start")
    await anna.say("/day start")
    await anna.say("/task Подготовить отчёт")
    await anna.say("/task 1")
    await anna.press("Запустить таймер")
    await _timer_started_ago(sqlite_app, 50)
    out = await anna.say("/day break")
    assert "На перерыве с" in out, out
    assert "Ваш таймер по этой задаче остановлен: учтено 50 мин." in out, out
    assert "Подготовить отчёт" in out, out
    async with sqlite_app.workspace.sessionmaker() as s:
        entries = (await s.execute(select(TaskTimeEntry))).scalars().all()
        timers = (await s.execute(select(TaskTimer))).scalars().all()
    assert [e.seconds // 60 for e in entries] == [50] and timers == []


async def test_a_day_worked_past_midnight_is_shown_running_not_left_open(
    sqlite_app: App,
) -> None:
    """Started yesterday at about 10:00, it is past midnight now (15 h): the card shows
    the running day with its Finish button, and finishing it needs no reason."""
    from sqlalchemy import select

    from models.timeman import Violation, WorkDay

    tz = past_midnight_zone()
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en", timezone=tz)
    await anna.say("/start")
    await anna.say("/day start")
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        row = (await s.execute(select(WorkDay))).scalar_one()
        row.day = row.day - timedelta(days=1)
        row.started_at = row.started_at - timedelta(hours=15)
    for line in ("/day", "/day start"):
        out = await anna.say(line)
        assert "still open" not in out and "Close at" not in out, out
        assert "Working since" in out and "Worked: 15 h" in out and "Finish" in out, out
    out = await anna.press("Finish")
    assert "Day finished" in out and "worked 15 h" in out, out
    assert "Say why" not in out, out
    async with sqlite_app.workspace.sessionmaker() as s:
        row = (await s.execute(select(WorkDay))).scalar_one()
        assert row.status == "closed"
        kinds = (await s.execute(select(Violation.kind))).scalars().all()
    assert "left_open" not in kinds, kinds


async def test_a_finish_after_midnight_is_corrected_to_that_night(sqlite_app: App) -> None:
    """`/day fix finish 00:50` after a day worked past midnight is that night's 00:50,
    the same rule as `/day finish 00:50`."""
    from zoneinfo import ZoneInfo

    from sqlalchemy import select

    from models.timeman import WorkDay

    tz = past_midnight_zone()
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en", timezone=tz)
    await anna.say("/start")
    await anna.say("/day start")
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        row = (await s.execute(select(WorkDay))).scalar_one()
        row.day = row.day - timedelta(days=1)
        row.started_at = row.started_at - timedelta(hours=10)  # yesterday, about 15:00
    out = await anna.say("/day finish")
    assert "Day finished" in out, out
    earlier = local_clock(tz, -timedelta(minutes=30))  # after midnight still
    out = await anna.say(f"/day fix finish {earlier} was done by then really")
    assert "Correction saved" in out, out
    async with sqlite_app.workspace.sessionmaker() as s:
        row = (await s.execute(select(WorkDay))).scalar_one()
    assert row.finished_at is not None
    assert row.finished_at.astimezone(ZoneInfo(tz)).strftime("%H:%M") == earlier
    assert row.finished_at.astimezone(ZoneInfo(tz)).date() == row.day + timedelta(days=1)


async def _yesterday_closed_and_today_started(app: App, person: ConsoleDriver) -> str:
    """Yesterday's day worked and closed, today's started: yesterday as "DD.MM"."""
    from sqlalchemy import select

    from models.timeman import WorkDay

    await person.say("/day start")
    async with app.workspace.sessionmaker() as s, s.begin():
        row = (await s.execute(select(WorkDay))).scalar_one()
        row.day = row.day - timedelta(days=1)
        row.started_at = row.started_at - timedelta(days=1, hours=3)
        row.finished_at = row.started_at + timedelta(hours=9)
        row.status = "closed"
        said = row.day.strftime("%d.%m")
    out = await person.say("/day start")
    assert "Working since" in out or "Работаете с" in out, out
    return said


async def test_an_earlier_day_is_corrected_by_its_date(sqlite_app: App) -> None:
    from zoneinfo import ZoneInfo

    from sqlalchemy import select

    from models.timeman import DayCorrection, WorkDay

    tz = midday_zone()
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone=tz)
    await boss.say("/start")
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en", timezone=tz)
    await anna.say(f"/start {invite_code(await boss.say('/invite'))}")
    await boss.say("/team supervisor @Anna @Boss")
    yesterday = await _yesterday_closed_and_today_started(sqlite_app, anna)
    # without a date the latest day is meant: today's, still open
    out = await anna.say("/day fix finish 11:30 left early for the doctor")
    assert "name its date: /day fix 03.03 finish 17:30" in out, out
    out = await anna.say(f"/day fix {yesterday} finish 20:30 left early for the doctor")
    assert "Correction saved and sent to your supervisor for approval." in out, out
    async with sqlite_app.workspace.sessionmaker() as s:
        days = (await s.execute(select(WorkDay).order_by(WorkDay.day))).scalars().all()
        fixes = (await s.execute(select(DayCorrection))).scalars().all()
    assert days[0].finished_at is not None
    assert days[0].finished_at.astimezone(ZoneInfo(tz)).strftime("%H:%M") == "20:30"
    assert days[1].status == "open" and days[1].finished_at is None
    assert [(f.day_id, f.field) for f in fixes] == [(days[0].id, "finish")]
    out = await anna.say("/day fix 01.01.2001 finish 17:30 why not")
    assert "You have no working day on 01.01.2001." in out, out


async def test_an_earlier_day_report_is_opened_by_its_date(sqlite_app: App) -> None:
    from zoneinfo import ZoneInfo

    from babel.dates import format_date

    tz = midday_zone()
    ivan = ConsoleDriver(sqlite_app, user="Иван", lang="ru", timezone=tz)
    await ivan.say("/start")
    said = await _yesterday_closed_and_today_started(sqlite_app, ivan)
    today = datetime.now(UTC).astimezone(ZoneInfo(tz)).date()
    heading = (
        f"Ежедневный отчёт, {format_date(today - timedelta(days=1), 'd MMM yyyy', locale='ru')}"
    )
    for words in (said, "вчера", "yesterday"):
        out = await ivan.say(f"/day report {words}")
        assert heading in out and "Отработано 9 ч" in out, out
    out = await ivan.say("/day report")
    assert format_date(today, "d MMM yyyy", locale="ru") in out, out


async def test_a_continued_day_is_measured_again_at_its_finish(sqlite_app: App) -> None:
    """Finished early at 10:00, continued, finished after the planned end (it is 12:xx):
    the early finish is gone from the day and from the timesheet."""
    from sqlalchemy import select

    from models.timeman import Violation

    tz = midday_zone()
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en", timezone=tz)
    await anna.say("/start")
    await anna.say("/day schedule mon-sun 08:00-12:00 lunch 0")
    await anna.say("/day start 08:00 came in early")
    out = await anna.say("/day finish 10:00 had to leave")
    assert "Day finished" in out, out
    async with sqlite_app.workspace.sessionmaker() as s:
        kinds = (await s.execute(select(Violation.kind))).scalars().all()
    assert "early_finish" in kinds, kinds
    out = await anna.say("/day resume")
    assert "Working since" in out, out
    out = await anna.say("/day finish")
    assert "Day finished" in out, out
    async with sqlite_app.workspace.sessionmaker() as s:
        kinds = (await s.execute(select(Violation.kind))).scalars().all()
    assert "early_finish" not in kinds, kinds
    out = await anna.say("/timesheet")
    assert "early finish" not in out, out


async def test_a_late_entry_reaches_a_supervisor_in_another_zone_in_the_person_time(
    sqlite_app: App,
) -> None:
    """Ivan enters his start late; Boris lives 14 hours away: he reads Ivan's clock with
    Ivan's zone named, and the entry is said as one, not as a start moved from "now"."""
    ivan_zone = midday_zone()
    boss_zone = "Etc/GMT-14" if ivan_zone != "Etc/GMT-14" else "Etc/GMT+10"
    boris = ConsoleDriver(sqlite_app, user="Boris", lang="en", timezone=boss_zone)
    await boris.say("/start")
    ivan = ConsoleDriver(sqlite_app, user="Ivan", lang="ru", timezone=ivan_zone)
    await ivan.say(f"/start {invite_code(await boris.say('/invite'))}")
    await boris.say("/team supervisor @Ivan @Boris")
    earlier = local_clock(ivan_zone, -timedelta(hours=1))
    out = await ivan.say(f"/day start {earlier} пробки")
    assert f"Работаете с {earlier}" in out, out
    out = await boris.say("/day")
    assert "Ivan entered the start of their day late:" in out, out
    zone = "UTC" if ivan_zone == "UTC" else "UTC+" if ivan_zone.startswith("Etc/GMT-") else "UTC−"
    assert f"today {earlier} ({zone}" in out and "(entered at today " in out, out
    assert "Reason: пробки" in out, out


async def test_a_report_of_a_day_off_says_so(sqlite_app: App) -> None:
    from zoneinfo import ZoneInfo

    tz = midday_zone()
    tomorrow = datetime.now(UTC).astimezone(ZoneInfo(tz)) + timedelta(days=1)
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en", timezone=tz)
    await anna.say("/start")
    out = await anna.say(f"/day schedule {tomorrow.strftime('%a').lower()} 09:00-18:00")
    await anna.say("/day start")
    out = await anna.say("/day finish")
    assert "Worked 0 min on a day off." in out and "planned" not in out, out


async def test_a_day_changed_after_its_report_was_confirmed_sends_it_again(
    sqlite_app: App,
) -> None:
    """Report sent and confirmed, then the day continues (or is corrected): the report is
    a draft again with the new time, the supervisor is told it will come again, and his
    old Confirm button says it was taken back."""
    from sqlalchemy import select

    from models.timeman import DailyReport, WorkDay

    tz = midday_zone()
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone=tz)
    await boss.say("/start")
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en", timezone=tz)
    await anna.say(f"/start {invite_code(await boss.say('/invite'))}")
    await boss.say("/team supervisor @Anna @Boss")
    await anna.say("/day start")
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        await s.execute(update(WorkDay).values(started_at=utcnow() - timedelta(hours=3)))
    await anna.say("/day finish")
    out = await anna.press("Send to supervisor")
    assert "The report was sent to Boss." in out, out
    await boss.say("/day")
    sent = (boss.last, list(boss.console.actions))  # the report, with Confirm
    out = await boss.press("Confirm")
    assert "Report of Anna confirmed." in out, out

    out = await anna.say("/day resume")
    assert "Working since" in out, out
    assert "had been sent: it is a draft again" in out and "/day report " in out, out
    out = await boss.say("/day")
    assert "Anna changed their day of" in out and "will come to you again" in out, out
    boss.last, boss.console.actions = sent
    out = await boss.press("Confirm")
    assert "This report was taken back" in out and "confirmed" not in out, out
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        await s.execute(
            update(WorkDay).values(break_seconds=0, started_at=utcnow() - timedelta(hours=5))
        )
    out = await anna.say("/day finish")
    assert "Status: draft" in out and "Worked 5 h" in out, out
    out = await anna.press("Send again")
    assert "The report was sent to Boss." in out, out
    out = await boss.say("/day")
    assert "Anna sent the daily report:" in out and "Worked 5 h" in out, out
    await boss.press("Confirm")

    # a correction of the day changes it too
    earlier = local_clock(tz, -timedelta(hours=6))
    out = await anna.say(f"/day fix start {earlier} came in earlier really")
    assert "Correction saved and sent" in out and "it is a draft again" in out, out
    async with sqlite_app.workspace.sessionmaker() as s:
        report = (await s.execute(select(DailyReport))).scalar_one()
    assert report.status == "draft"


async def test_a_report_sent_before_the_day_is_finished_is_sent_again_with_its_figures(
    sqlite_app: App,
) -> None:
    """Anna sends her report at midday, works on and finishes the day: the report is a
    draft again with the day's final time, she is told to send it again, and Boss that
    it will come again."""
    from models.timeman import WorkDay

    tz = midday_zone()
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone=tz)
    await boss.say("/start")
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en", timezone=tz)
    await anna.say(f"/start {invite_code(await boss.say('/invite'))}")
    await boss.say("/team supervisor @Anna @Boss")
    await anna.say("/day start")
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        await s.execute(update(WorkDay).values(started_at=utcnow() - timedelta(hours=3)))
    out = await anna.say("/day report")
    assert "Worked 3 h" in out, out
    out = await anna.press("Send to supervisor")
    assert "The report was sent to Boss." in out, out
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        await s.execute(update(WorkDay).values(started_at=utcnow() - timedelta(hours=5)))
    out = await anna.say("/day finish")
    assert "Day finished" in out and "was sent before the day was finished" in out, out
    assert "Status: draft" in out and "Worked 5 h" in out and "Send again" in out, out
    out = await boss.say("/day")
    assert "Anna changed their day of" in out and "will come to you again" in out, out
    out = await anna.press("Send again")
    assert "The report was sent to Boss." in out, out
    out = await boss.say("/day")
    assert "Anna sent the daily report:" in out and "Worked 5 h" in out, out


async def _boss_with_people(app: App, tz: str) -> tuple[ConsoleDriver, ...]:
    """Boss (admin) supervises Anna and Ivan; Petr is a colleague without reports."""
    boss = ConsoleDriver(app, user="Boss", lang="en", timezone=tz)
    await boss.say("/start")
    people = [boss]
    for name in ("Anna", "Ivan", "Petr"):
        person = ConsoleDriver(app, user=name, lang="en", timezone=tz)
        await person.say(f"/start {invite_code(await boss.say('/invite'))}")
        people.append(person)
    await boss.say("/team supervisor @Anna @Boss")
    await boss.say("/team supervisor @Ivan @Boss")
    return tuple(people)


async def test_a_supervisor_reads_the_corrections_of_their_people(sqlite_app: App) -> None:
    tz = midday_zone()
    boss, anna, _ivan, petr = await _boss_with_people(sqlite_app, tz)
    await anna.say("/day start")
    earlier = local_clock(tz, -timedelta(hours=1))
    await anna.say(f"/day fix start {earlier} stuck in traffic")
    out = await boss.say("/day history @Anna")
    assert "Corrections of Anna (1)" in out and "stuck in traffic" in out, out
    assert "waiting for approval" in out, out
    out = await boss.say("/day history")
    assert "Corrections (0)" in out, out  # his own
    for who, whose in ((petr, "Anna"), (anna, "Petr")):
        out = await who.say(f"/day history @{whose}")
        assert f"{whose}'s corrections are seen by their supervisor and by admins only." in out
        assert "stuck in traffic" not in out, out


async def test_a_supervisor_lists_the_reports_waiting_for_him(sqlite_app: App) -> None:
    """/day reports: the reports sent to me and not confirmed, each opened by its button
    with Confirm; the /day card counts them; a long list has pages."""
    from sqlalchemy import select

    from models.teams import User
    from models.timeman import DailyReport, WorkDay

    tz = midday_zone()
    boss, anna, ivan, petr = await _boss_with_people(sqlite_app, tz)
    for person in (anna, ivan):
        await person.say("/day start")
        await person.say("/day finish")
        out = await person.press("Send to supervisor")
        assert "The report was sent to Boss." in out, out
    out = await petr.say("/day reports")
    assert "No reports are waiting for you." in out, out
    out = await boss.say("/day")
    assert "Reports to confirm: 2" in out, out
    out = await boss.press("Reports to confirm")
    assert "Reports waiting for your confirmation (2)" in out, out
    assert "• Anna, " in out and "• Ivan, " in out, out
    out = await boss.press("Anna, ")
    assert "Anna sent the daily report:" in out and "Status: sent" in out, out
    out = await boss.press("Confirm")
    assert "Report of Anna confirmed." in out, out
    out = await boss.press("Reports waiting")
    assert "Reports waiting for your confirmation (1)" in out and "Anna" not in out, out

    # a dozen earlier days of Ivan's sent and waiting: two pages
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        ivan_row = (await s.execute(select(User).where(User.name == "Ivan"))).scalar_one()
        today = (
            await s.execute(select(WorkDay).where(WorkDay.user_id == ivan_row.id))
        ).scalar_one()
        for back in range(1, 13):
            day = WorkDay(
                team_id=today.team_id,
                user_id=ivan_row.id,
                day=today.day - timedelta(days=back),
                status="closed",
                started_at=today.started_at - timedelta(days=back),
                finished_at=today.started_at - timedelta(days=back, hours=-8),
                break_seconds=0,
                note="",
            )
            s.add(day)
            await s.flush()
            s.add(
                DailyReport(
                    team_id=day.team_id,
                    user_id=ivan_row.id,
                    day_id=day.id,
                    draft="",
                    text="",
                    status="sent",
                    supervisor_id=ivan_row.supervisor_id,
                    comment="",
                    sent_at=utcnow(),
                )
            )
    out = await boss.say("/day reports")
    assert "Reports waiting for your confirmation (13)" in out and "1/2" in out, out
    assert out.count("• Ivan, ") == 10, out
    out = await boss.press("Next")
    assert out.count("• Ivan, ") == 3 and "2/2" in out, out


async def test_a_day_left_open_is_finished_through_the_close_form(sqlite_app: App) -> None:
    """Yesterday's day nobody finished: its Finish button (the report prompt's) and a
    bare /day finish ask why in the close form; a time without a reason shows how."""
    from sqlalchemy import select

    from models.timeman import WorkDay

    tz = midday_zone()
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en", timezone=tz)
    await anna.say("/start")
    await anna.say("/day schedule mon-sun 09:00-18:00")
    finish = (await anna.say("/day start"), list(anna.console.actions))
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        row = (await s.execute(select(WorkDay))).scalar_one()
        row.day = row.day - timedelta(days=1)
        row.started_at = row.started_at - timedelta(days=1)
    out = await anna.say("/day finish 18:00")
    assert "Say why the day was left open: /day finish 18:00 REASON" in out, out
    out = await anna.say("/day finish")
    assert "Why was the day left open?" in out, out
    await anna.say("/cancel")
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        still = (await s.execute(select(WorkDay))).scalar_one()
        assert still.status == "open", still.status
    anna.last, anna.console.actions = finish  # the old message's Finish
    out = await anna.press("Finish")
    assert "Why was the day left open?" in out, out
    out = await anna.say("forgot to clock out")
    assert "Day finished" in out and "–18:00" in out and "Not started yet" in out, out


async def test_a_day_left_open_finished_with_a_reason_ends_at_its_planned_end(
    sqlite_app: App,
) -> None:
    from sqlalchemy import select

    from models.timeman import WorkDay

    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en", timezone=midday_zone())
    await anna.say("/start")
    await anna.say("/day schedule mon-sun 09:00-18:00")
    await anna.say("/day start")
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        row = (await s.execute(select(WorkDay))).scalar_one()
        row.day = row.day - timedelta(days=1)
        row.started_at = row.started_at - timedelta(days=1)
    out = await anna.say("/day finish forgot to clock out")
    assert "Day finished" in out and "–18:00" in out, out  # not now, a day later


async def test_a_start_typed_in_the_small_hours_of_a_night_shift_is_last_nights(
    sqlite_app: App,
) -> None:
    """22:00-06:00, not started; at 01:xx "/day start 23:50" starts last night's shift at
    23:50 (the date timeman.starting_date gives), noted as 110 minutes late."""
    from zoneinfo import ZoneInfo

    from sqlalchemy import select

    from models.timeman import Violation, WorkDay

    tz = past_midnight_zone()
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone=tz)
    await boss.say("/start")
    await boss.say("/day schedule mon-sun 22:00-06:00")
    out = await boss.say("/day start 23:50 missed the bus")
    assert "future" not in out and "must be" not in out, out
    yesterday = datetime.now(ZoneInfo(tz)).date() - timedelta(days=1)
    async with sqlite_app.workspace.sessionmaker() as s:
        row = (await s.execute(select(WorkDay))).scalar_one()
        late = (await s.execute(select(Violation.kind, Violation.minutes))).all()
    assert row.day == yesterday, row.day
    started = row.started_at.astimezone(ZoneInfo(tz))
    assert (started.date(), started.hour, started.minute) == (yesterday, 23, 50), started
    assert late == [("late_start", 110)], late


# -- the team's days off ------------------------------------------------------------------


async def test_an_admin_keeps_the_team_days_off_in_english_and_russian(sqlite_app: App) -> None:
    year = datetime.now(UTC).year + 1  # every date upcoming, whenever it runs
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    out = await boss.say("/team holidays")
    assert "Team days off (0)" in out and "No team days off yet." in out, out
    out = await boss.say(f"/team holidays add {year}-01-01..{year}-01-08 New Year holidays")
    assert f"1 Jan {year} – 8 Jan {year} are days off for the whole team now" in out, out
    out = await boss.say(f"/team holidays add {year}-01-07 Christmas")
    assert f"These days overlap 1 Jan {year} – 8 Jan {year} New Year holidays." in out, out
    out = await boss.say(f"/team holidays workday {year}-01-16 moved from 8 Jan")
    assert f"16 Jan {year} is a working day for the whole team now" in out, out
    await boss.say("/team holidays add 2020-05-01 Labour Day")  # over long ago
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="ru")
    await anna.say(f"/start {invite_code(await boss.say('/invite'))}")
    out = await anna.say("/team праздники добавить 8 марта")
    assert "Недостаточно прав" in out or "нет прав" in out, out
    out = await anna.say("/team праздники")  # upcoming first, the nearest first
    assert "Выходные дни команды (3)" in out, out
    assert out.index(f"1 янв. {year}") < out.index(f"16 янв. {year}") < out.index("2020"), out
    assert "рабочий день moved from 8 Jan" in out and "Убрать" not in out, out
    await boss.say("/team role @Anna admin")
    out = await anna.say(f"/team праздники добавить 8 марта {year} Международный женский день")
    assert f"8 мар. {year} — теперь выходной для всей команды" in out, out
    out = await anna.say(f"/team праздники убрать {year}-01-03")
    assert f"Убрано из календаря команды: 1 янв. {year} – 8 янв. {year} New Year holidays" in out, (
        out
    )
    out = await boss.say(f"/team holidays remove {year}-01-03")
    assert "No day off or working day is set on that date." in out, out
    out = await boss.say("/team holidays")
    assert "Team days off (3)" in out and "New Year" not in out, out
    out = await boss.press("Remove 1 May 2020")
    assert "Team days off (2)" in out and "Labour Day" not in out, out


async def test_my_day_and_the_report_prompt_skip_the_team_days_off(sqlite_app: App) -> None:
    """No "My day" on 1 and 4 January when the team rests 1-8 January (the reviewer's
    New Year), one on the working Saturday after, and none on 8 March."""
    from zoneinfo import ZoneInfo

    from sqlalchemy import select

    from models.outbox import OutboxMessage
    from models.teams import User

    def at(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
        return datetime(y, m, d, hh, mm, tzinfo=ZoneInfo("Europe/Moscow")).astimezone(UTC)

    # a year laid out as 2027 (1 January a Friday, 16 January a Saturday, 8 March a
    # Monday), after this one: the planner makes no "My day" from before people joined
    year = next(
        y
        for y in range(datetime.now(UTC).year + 1, 2200)
        if date(y, 1, 1).weekday() == 4 and not calendar.isleap(y)
    )
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="ru", timezone="Europe/Moscow")
    await boss.say("/start")
    await boss.say(f"/team праздники добавить {year}-01-01..{year}-01-08 Новогодние каникулы")
    await boss.say(f"/team праздники добавить 8 марта {year} Международный женский день")
    await boss.say(f"/team праздники рабочий {year}-01-16")
    maker = sqlite_app.workspace.sessionmaker
    await planner.tick(maker, now=at(year - 1, 12, 31, 20))  # the rules, for 09:00
    fired = {}
    for day in ((year, 1, 1), (year, 1, 4), (year, 1, 11), (year, 1, 16), (year, 3, 8)):
        fired[day] = (await planner.tick(maker, now=at(*day, 9, 1))).fired
        await planner.tick(maker, now=at(*day, 20))
    assert fired == {
        (year, 1, 1): 0,
        (year, 1, 4): 0,
        (year, 1, 11): 1,
        (year, 1, 16): 1,  # a Saturday worked instead
        (year, 3, 8): 0,
    }, fired
    async with maker() as s:
        boss_id = await s.scalar(select(User.id).where(User.name == "Boss"))
        rows = list(await s.scalars(select(OutboxMessage).where(OutboxMessage.user_id == boss_id)))
    assert len([r for r in rows if r.kind == "reminder"]) == 2


async def test_the_day_card_on_a_team_holiday_says_so_and_plans_nothing(sqlite_app: App) -> None:
    """Today is the team's holiday: /day says so instead of "Planned: 8 h", and a day
    started anyway plans nothing (no "of 0 min"), is not late, and says it is the
    holiday."""
    from zoneinfo import ZoneInfo

    tz = midday_zone()
    today = datetime.now(UTC).astimezone(ZoneInfo(tz)).date()
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="ru", timezone=tz)
    await boss.say("/start")
    await boss.say("/day schedule team mon-sun 08:00-09:00 lunch 0")
    await boss.say(f"/team праздники добавить {today.isoformat()} День компании")
    out = await boss.say("/day")
    assert "День ещё не начат." in out and "Сегодня у команды выходной: День компании." in out
    assert "По плану" not in out, out
    out = await boss.say("/day start")
    assert "опозд" not in out.lower(), out
    out = await boss.say("/day")  # what was worked, not "of 0 min": the holiday said
    assert re.search(r"Отработано: \d+ мин\n", out) and " из " not in out, out
    assert "Сегодня у команды выходной: День компании." in out, out


async def test_a_day_before_reminder_lands_on_the_working_day_before_the_holidays(
    sqlite_app: App,
) -> None:
    """A task due Monday 11 January 10:00 after the break of 1-8 January (a weekend
    after it): its "a day before" reminder comes on Thursday 31 December, not on 10
    January."""
    from zoneinfo import ZoneInfo

    def at(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
        return datetime(y, m, d, hh, mm, tzinfo=ZoneInfo("Europe/Moscow")).astimezone(UTC)

    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone="Europe/Moscow")
    await boss.say("/start")
    await boss.say("/team holidays add 2027-01-01..2027-01-08 New Year holidays")
    out = await boss.say("/task Send the reports 11.01.2027 10:00")
    assert "Task #1 created." in out, out
    maker = sqlite_app.workspace.sessionmaker
    ticks = {
        (12, 31): (await planner.tick(maker, now=at(2026, 12, 31, 10, 1))).deadlines,
        (1, 10): (await planner.tick(maker, now=at(2027, 1, 10, 10, 1))).deadlines,
    }
    assert ticks == {(12, 31): 1, (1, 10): 0}, ticks
