"""Deadlines typed inside a task line: Russian case forms, default end-of-day time,
bare hours, durations and quick picks."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.tasks_input import (
    clock,
    normalize_dates,
    quick_deadline,
    today_still_open,
    with_default_time,
)
from handlers.tasks_views import starts_with_verb
from services.parsing import find_when
from services.timeman_schedules import Schedule

NOW = datetime(2026, 3, 4, 7, 0, tzinfo=UTC)  # Wednesday, 10:00 in Moscow
MSK = ZoneInfo("Europe/Moscow")


def local_deadline(text: str, lang: str = "ru") -> tuple[str, datetime]:
    text = normalize_dates(text)
    found = find_when(text, lang, "Europe/Moscow", now=NOW)
    assert found is not None, text
    moment = with_default_time(found.when, found.fragment, "Europe/Moscow")
    return found.fragment, moment.astimezone(MSK)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Подготовить отчёт к пятнице 12:00", "ru", datetime(2026, 3, 6, 12, 0)),
        ("Подготовить отчёт до пятницы", "ru", datetime(2026, 3, 6, 18, 0)),
        ("Сдать отчёт завтра", "ru", datetime(2026, 3, 5, 18, 0)),
        ("Сдать отчёт послезавтра в 10", "ru", datetime(2026, 3, 6, 10, 0)),
        ("Позвонить Иванову завтра в 15:00", "ru", datetime(2026, 3, 5, 15, 0)),
        ("Send the offer by Friday", "en", datetime(2026, 3, 6, 18, 0)),
        ("Call Ivan tomorrow at 9", "en", datetime(2026, 3, 5, 9, 0)),
        ("Fix the bug in 2 hours", "en", datetime(2026, 3, 4, 12, 0)),
    ],
)
def test_deadlines_in_a_line(text: str, lang: str, expected: datetime) -> None:
    _fragment, moment = local_deadline(text, lang)
    assert moment.replace(tzinfo=None, second=0, microsecond=0) == expected


def test_quick_picks() -> None:
    assert quick_deadline("td", "Europe/Moscow", NOW) == datetime(2026, 3, 4, 15, tzinfo=UTC)
    assert quick_deadline("tm", "Europe/Moscow", NOW) == datetime(2026, 3, 5, 15, tzinfo=UTC)
    assert quick_deadline("wk", "Europe/Moscow", NOW) == datetime(2026, 3, 6, 15, tzinfo=UTC)
    saturday = datetime(2026, 3, 7, 12, tzinfo=UTC)
    assert quick_deadline("wk", "Europe/Moscow", saturday) == datetime(2026, 3, 13, 15, tzinfo=UTC)
    assert quick_deadline("no", "Europe/Moscow", NOW) is None
    # a night shift, 22:00-06:00 (its end is minute 1800): a day's shift ends the next
    # morning, and today's is still on late in the evening
    night = Schedule("1234567", 22 * 60, 30 * 60)
    assert quick_deadline("tm", "Europe/Moscow", NOW, schedule=night) == datetime(
        2026, 3, 6, 3, tzinfo=UTC
    )
    late = datetime(2026, 3, 4, 20, 30, tzinfo=UTC)  # 23:30 in Moscow
    assert quick_deadline("td", "Europe/Moscow", late, schedule=night) == datetime(
        2026, 3, 5, 3, tzinfo=UTC
    )
    # in the small hours (03:00) the shift that began last evening is today's: it ends
    # this morning, and tomorrow's the morning after
    small = datetime(2026, 3, 10, 0, 0, tzinfo=UTC)
    assert today_still_open("Europe/Moscow", small, schedule=night)
    assert quick_deadline("td", "Europe/Moscow", small, schedule=night) == datetime(
        2026, 3, 10, 3, tzinfo=UTC
    )
    assert quick_deadline("tm", "Europe/Moscow", small, schedule=night) == datetime(
        2026, 3, 11, 3, tzinfo=UTC
    )
    assert clock(night.end_minute) == "06:00" and clock(24 * 60) == "23:59"


@pytest.mark.parametrize(
    ("title", "verb"),
    [
        ("Позвонить Иванову", True),
        ("Подготовь отчёт", True),
        ("Сделайте макет", True),
        ("Отчёт за март", False),
        ("Иванов", False),
        ("Send the offer", True),
        ("Prep slides for the board", True),
        ("Reconcile the Q4 invoices", True),
        ("Offer for Romashka", False),
        ("Q4 forecast", False),
    ],
)
def test_verb_hint(title: str, verb: bool) -> None:
    assert starts_with_verb(title) is verb


EVENING = datetime(2026, 11, 27, 15, 20, tzinfo=UTC)  # Friday, 18:20 in Moscow


@pytest.mark.parametrize(
    ("text", "when", "title"),
    [
        ("позвонить клиенту в пн в 11", "Mon 30.11 11:00", "позвонить клиенту"),
        ("отчет в чт в 12", "Thu 03.12 12:00", "отчет"),
        ("отчет пт в 16", "Fri 04.12 16:00", "отчет"),
        ("отчет до 15", "Sat 28.11 15:00", "отчет"),
        ("отчет к 17", "Sat 28.11 17:00", "отчет"),
        ("отчет до 15 числа", "Tue 15.12 18:00", "отчет"),
        ("оплатить до 20-го", "Sun 20.12 18:00", "оплатить"),
        ("собрать до 5 человек", None, "собрать до 5 человек"),
        ("отчет 1.12 в 9.30", "Tue 01.12 09:30", "отчет"),
        ("отчет 1.12 с 10 до 12", "Tue 01.12 12:00", "отчет"),
        ("встреча завтра 10:00-11", "Sat 28.11 11:00", "встреча"),
        ("встреча завтра 10-11", "Sat 28.11 11:00", "встреча"),
        ("Sprint 10-11 planning tomorrow 15:00", "Sat 28.11 15:00", "Sprint 10-11 planning"),
        ("позвонить поставщику сегодня", "Fri 27.11 23:59", "позвонить поставщику"),
        ("позвонить клиенту в следующий понедельник", "Mon 30.11 18:00", "позвонить клиенту"),
        ("позвонить клиенту в след понедельник", "Mon 30.11 18:00", "позвонить клиенту"),
        ("позвонить клиенту завтра к обеду", "Sat 28.11 13:00", "позвонить клиенту"),
        ("call Bob tomorrow by lunch", "Sat 28.11 13:00", "call Bob"),
    ],
)
def test_what_people_type_in_russian_chats(text: str, when: str | None, title: str) -> None:
    from services.parsing_said import ranges_to_ends

    rest = ranges_to_ends(normalize_dates(text, "ru"))
    found = find_when(rest, "ru", "Europe/Moscow", now=EVENING)
    if when is None:
        assert found is None
        return
    assert found is not None
    moment = with_default_time(found.when, found.fragment, "Europe/Moscow", EVENING)
    assert moment.astimezone(ZoneInfo("Europe/Moscow")).strftime("%a %d.%m %H:%M") == when
    assert " ".join(rest.replace(found.fragment, " ", 1).split()) == title


def test_next_weekday_said_on_that_day_is_a_week_on() -> None:
    monday = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # 10:00 in Moscow
    found = find_when("созвон в следующий понедельник в 15", "ru", "Europe/Moscow", now=monday)
    assert found is not None
    assert found.when.astimezone(ZoneInfo("Europe/Moscow")).strftime("%d.%m %H:%M") == "07.12 15:00"


def test_tomorrow_on_a_night_the_clocks_change() -> None:
    from services.parsing import parse_when

    # Saturday 23:30 in Los Angeles; Sunday is 23 hours long there
    late = datetime(2027, 3, 14, 7, 30, tzinfo=UTC)
    moment = parse_when("tomorrow", "en", "America/Los_Angeles", late)
    assert moment.astimezone(ZoneInfo("America/Los_Angeles")).day == 14


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # numbers of a title are no clocks
        ("Сделать с 1 по 3 пункт завтра", "Сделать с 1 по 3 пункт"),
        ("Read chapters from 1 to 3 tomorrow", "Read chapters from 1 to 3"),
        ("Reviewed 3-4 PRs tomorrow", "Reviewed 3-4 PRs"),
        ("Send to Simon 2-3 slides tomorrow", "Send to Simon 2-3 slides"),
        ("Обновить скрипт 1-2 завтра", "Обновить скрипт 1-2"),
        ("Отпуск с 1 по 15 декабря оформить до пятницы", "Отпуск с 1 по 15 декабря оформить"),
    ],
)
def test_numbers_of_a_title_stay_in_it(text: str, title: str) -> None:
    from services.parsing_said import ranges_to_ends

    rest = ranges_to_ends(normalize_dates(text, "ru"))
    found = find_when(rest, "ru", "Europe/Moscow", now=EVENING)
    assert found is not None
    assert " ".join(rest.replace(found.fragment, " ", 1).split()) == title
