"""An hour said with a part of the day ("сегодня вечером в 8", "tomorrow morning at 8",
"днём в 2", "ночью в 2"): that hour of that part of the day, and the title keeps none
of it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.app import App
from handlers.tasks_input import with_default_time
from services.parsing import find_when, parse_when
from services.parsing_said import normalize_dates
from tests.console_driver import ConsoleDriver

# Friday 27 November 2026, 12:00 in Moscow
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
MSK = ZoneInfo("Europe/Moscow")


@pytest.mark.parametrize(
    ("text", "lang", "when", "title"),
    [
        ("Call this evening at 8", "en", "Fri 27.11 20:00", "Call"),
        ("Call tomorrow evening at 8", "en", "Sat 28.11 20:00", "Call"),
        ("Call tomorrow evening at 8:30", "en", "Sat 28.11 20:30", "Call"),
        ("Call tomorrow morning at 8", "en", "Sat 28.11 08:00", "Call"),
        ("Call tomorrow afternoon at 2", "en", "Sat 28.11 14:00", "Call"),
        ("Call tomorrow night at 11", "en", "Sat 28.11 23:00", "Call"),
        ("Call Bob tonight at 8", "en", "Fri 27.11 20:00", "Call Bob"),
        ("Call Bob at 8 tonight", "en", "Fri 27.11 20:00", "Call Bob"),
        ("Call Bob monday evening at 7", "en", "Mon 30.11 19:00", "Call Bob"),
        ("Call Bob tomorrow at 8 in the evening", "en", "Sat 28.11 20:00", "Call Bob"),
        ("Call Bob in the evening at 8", "en", "Fri 27.11 20:00", "Call Bob"),
        ("Movie night friday night at 8", "en", "Fri 27.11 20:00", "Movie night"),
        ("Позвонить сегодня вечером в 8", "ru", "Fri 27.11 20:00", "Позвонить"),
        ("Позвонить завтра вечером в 8", "ru", "Sat 28.11 20:00", "Позвонить"),
        ("Позвонить завтра утром в 8", "ru", "Sat 28.11 08:00", "Позвонить"),
        ("Позвонить завтра днём в 2", "ru", "Sat 28.11 14:00", "Позвонить"),
        ("Позвонить завтра днем в 2", "ru", "Sat 28.11 14:00", "Позвонить"),
        ("Позвонить завтра вечером в 20:30", "ru", "Sat 28.11 20:30", "Позвонить"),
        ("Позвонить вечером в 20:30", "ru", "Fri 27.11 20:30", "Позвонить"),
        ("Позвонить вечером в 8", "ru", "Fri 27.11 20:00", "Позвонить"),
        ("Позвонить завтра вечером в 8 часов", "ru", "Sat 28.11 20:00", "Позвонить"),
        ("Позвонить завтра в 8 вечером", "ru", "Sat 28.11 20:00", "Позвонить"),
        ("Позвонить в пятницу вечером в 7", "ru", "Fri 27.11 19:00", "Позвонить"),
        ("Позвонить в понедельник утром в 9", "ru", "Mon 30.11 09:00", "Позвонить"),
        # the small hours of the coming night, not the night just gone
        ("Позвонить ночью в 2", "ru", "Sat 28.11 02:00", "Позвонить"),
        ("Позвонить сегодня ночью в 2", "ru", "Sat 28.11 02:00", "Позвонить"),
        (
            "Встреча завтра вечером в 7 в переговорной",
            "ru",
            "Sat 28.11 19:00",
            "Встреча в переговорной",
        ),
        # a word after the hour is the title's when a day is named or the line starts so
        ("Позвонить завтра утром в 9 клиенту", "ru", "Sat 28.11 09:00", "Позвонить клиенту"),
        ("Завтра утром в 9 позвонить Ивану", "ru", "Sat 28.11 09:00", "позвонить Ивану"),
        ("Call Bob tomorrow morning at 9 Ivan", "en", "Sat 28.11 09:00", "Call Bob Ivan"),
        # the hour says its part itself
        ("Ужин завтра вечером в 8 вечера", "ru", "Sat 28.11 20:00", "Ужин"),
        ("Dinner tomorrow evening at 8pm", "en", "Sat 28.11 20:00", "Dinner"),
        ("Dinner this evening at 7:30pm", "en", "Fri 27.11 19:30", "Dinner"),
        # as before
        ("Позвонить в 8 вечера", "ru", "Fri 27.11 20:00", "Позвонить"),
        ("Call at 8 pm", "en", "Fri 27.11 20:00", "Call"),
        ("Позвонить завтра вечером", "ru", "Sat 28.11 19:00", "Позвонить"),
        ("Позвонить завтра в 8", "ru", "Sat 28.11 08:00", "Позвонить"),
    ],
)
def test_an_hour_after_a_part_of_the_day(text: str, lang: str, when: str, title: str) -> None:
    rest = normalize_dates(text, lang)  # as a task line is read
    found = find_when(rest, lang, "Europe/Moscow", now=NOW)
    assert found is not None, text
    moment = with_default_time(found.when, found.fragment, "Europe/Moscow", NOW)
    assert moment.astimezone(MSK).strftime("%a %d.%m %H:%M") == when
    assert " ".join(rest.replace(found.fragment, " ", 1).split()) == title


@pytest.mark.parametrize(
    ("text", "lang", "when"),
    [
        ("завтра вечером в 8", "ru", "Sat 28.11 20:00"),
        ("сегодня ночью в 2", "ru", "Sat 28.11 02:00"),
        ("вечером в 20:30", "ru", "Fri 27.11 20:30"),
        ("tomorrow evening at 8", "en", "Sat 28.11 20:00"),
        ("this evening at 8", "en", "Fri 27.11 20:00"),
    ],
)
def test_an_hour_after_a_part_of_the_day_as_the_whole_answer(
    text: str, lang: str, when: str
) -> None:
    moment = parse_when(text, lang, "Europe/Moscow", now=NOW)
    assert moment.astimezone(MSK).strftime("%a %d.%m %H:%M") == when


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Прочитать 8 глав вечером", "ru"),
        ("Evening at the museum", "en"),
        ("Собрание вечером в 5 классе", "ru"),  # a number of the title, not an hour
        ("Ужин вечером 8 человек", "ru"),
        ("Пробежка утром 5 км", "ru"),
        ("Разминка утром в 10 минут", "ru"),
        ("Movie night at 8", "en"),  # English says a part of the day with a noun
        ("Team evening at 7", "en"),
    ],
)
def test_a_part_of_the_day_without_an_hour_is_left_alone(text: str, lang: str) -> None:
    assert normalize_dates(text, lang) == text


async def test_a_task_due_tomorrow_evening_at_eight(sqlite_app: App) -> None:
    kim = ConsoleDriver(sqlite_app, user="Kim", lang="en")
    await kim.say("/start")
    out = await kim.say("/task Call Lee tomorrow evening at 8")
    assert "#1 Call Lee\n" in out and "Deadline: tomorrow 20:00" in out, out
    out = await kim.say("/task Call Ann tomorrow morning at 8")
    assert "#2 Call Ann\n" in out and "Deadline: tomorrow 08:00" in out, out
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru")
    await olga.say("/start")
    out = await olga.say("/task Позвонить завтра вечером в 8")
    assert "#3 Позвонить\n" in out and "Крайний срок: завтра 20:00" in out, out
    out = await olga.say("/task Позвонить Ли завтра днём в 2")
    assert "#4 Позвонить Ли\n" in out and "Крайний срок: завтра 14:00" in out, out
    out = await olga.say("/event Ужин завтра вечером в 8")
    assert "📅 Ужин\n" in out and "Когда: завтра 20:00–21:00" in out, out
    out = await kim.say("/event Dinner tomorrow evening at 7")
    assert "📅 Dinner\n" in out and "When: tomorrow 19:00–20:00" in out, out


async def test_a_repeat_said_with_a_part_of_the_day(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru")
    await olga.say("/start")
    out = await olga.say("/task Созвон каждый день вечером в 8")
    assert "#1 Созвон\n" in out and "#1 повторяется ежедневно;" in out, out
    assert "20:00" in out, out
    kim = ConsoleDriver(sqlite_app, user="Kim", lang="en")
    await kim.say("/start")
    out = await kim.say("/task Standup every monday morning at 9")
    assert "#2 Standup\n" in out and "#2 repeats every week on Mon;" in out, out
    assert "09:00" in out, out
