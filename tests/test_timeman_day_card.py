"""The working-day card and its moves once the day is over, or on a day off: what a
person is told, in English and in Russian."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.app import App
from tests.console_driver import ConsoleDriver
from tests.test_timeman_console import midday_zone


def _finished_at(out: str, said: str) -> str:
    """The finish time a "Day finished: 09:00–18:00" line gives."""
    match = re.search(said + r" \d\d:\d\d–(\d\d:\d\d)", out)
    assert match, out
    return match.group(1)


async def test_a_finished_day_says_so_and_how_to_go_on_in_english(sqlite_app: App) -> None:
    """Finish, start or a break once the day is finished: not "has not started" and
    "already started" in turn, but that it is finished, and how to go on."""
    tz = midday_zone()
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en", timezone=tz)
    await anna.say("/start")
    await anna.say("/day schedule mon-sun 00:00-23:59 lunch 0")
    await anna.say("/day start")
    end = _finished_at(await anna.say("/day finish"), "Day finished:")
    said = (
        f"Your day is already finished (at {end}). To go on working, send /day resume; "
        "to change the finish time, /day fix finish TIME REASON"
    )
    for again in ("/day finish", "/day end", "/day start", "/day break"):
        out = await anna.say(again)
        assert said in out, (again, out)
    out = await anna.say("/day resume")
    assert "Working since" in out, out


async def test_a_finished_day_says_so_and_how_to_go_on_in_russian(sqlite_app: App) -> None:
    tz = midday_zone()
    olga = ConsoleDriver(sqlite_app, user="Ольга", lang="ru", timezone=tz)
    await olga.say("/start")
    await olga.say("/day schedule пн-вс 00:00-23:59 обед 0")
    await olga.say("/day start")
    end = _finished_at(await olga.say("/day закончить"), "День завершён:")
    said = (
        f"Рабочий день уже завершён (в {end}). Чтобы продолжить работу, отправьте "
        "/day resume; чтобы изменить время окончания — /day fix finish ВРЕМЯ ПРИЧИНА"
    )
    for again in ("/day закончить", "/day end", "/day start", "/day перерыв"):
        out = await olga.say(again)
        assert said in out, (again, out)
    out = await olga.say("/day продолжить")
    assert "Работаете с" in out, out


def _all_days_but_today(tz: str) -> str:
    today = datetime.now(UTC).astimezone(ZoneInfo(tz)).isoweekday()
    return ",".join(str(d) for d in range(1, 8) if d != today)


async def test_a_day_worked_on_a_day_off_plans_nothing_in_english(sqlite_app: App) -> None:
    """Started on a day off by the schedule: the card says what was worked and that it
    is a day off, not "Worked: 0 min of 0 min"."""
    tz = midday_zone()
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en", timezone=tz)
    await anna.say("/start")
    await anna.say(f"/day schedule {_all_days_but_today(tz)} 00:00-23:59 lunch 0")
    out = await anna.say("/day start")
    assert "Worked: 0 min\n" in out + "\n", out
    assert "Today is a day off by your schedule." in out, out
    assert " of " not in out, out


async def test_a_day_worked_on_a_day_off_plans_nothing_in_russian(sqlite_app: App) -> None:
    tz = midday_zone()
    olga = ConsoleDriver(sqlite_app, user="Ольга", lang="ru", timezone=tz)
    await olga.say("/start")
    await olga.say(f"/day schedule {_all_days_but_today(tz)} 00:00-23:59 обед 0")
    out = await olga.say("/day start 00:10 пробки")
    assert re.search(r"Отработано: \d+ ч( \d+ мин)?\n", out), out
    assert "По вашему графику сегодня выходной." in out, out
    assert " из " not in out, out
