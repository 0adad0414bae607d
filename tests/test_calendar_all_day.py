"""All-day and multi-day events, and absences planned ahead, through the console."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import select

from bot.app import App
from models.outbox import OutboxMessage
from services import calendar_feed, calendar_ics
from services.calendar_parse import parse_event
from services.errors import DomainError
from services.parsing_days import find_day_range
from tests.console_driver import ConsoleDriver
from tests.fakes.telegram_api import FakeTelegram, Person
from tests.telegram_harness import Chat, running
from tests.test_calendar_e2e import team

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # a Friday


@pytest.mark.parametrize(
    ("text", "first", "last", "rest"),
    [
        ("Отпуск 1-5 декабря", date(2026, 12, 1), date(2026, 12, 5), "Отпуск"),
        ("Отпуск с 1 по 5 декабря", date(2026, 12, 1), date(2026, 12, 5), "Отпуск"),
        ("Trip Dec 3-4", date(2026, 12, 3), date(2026, 12, 4), "Trip"),
        ("from Dec 30 to Jan 2 trip", date(2026, 12, 30), date(2027, 1, 2), "trip"),
        ("Offsite 3–4 Dec", date(2026, 12, 3), date(2026, 12, 4), "Offsite"),
        ("28 декабря - 8 января", date(2026, 12, 28), date(2027, 1, 8), ""),
        ("с 28.12 по 8.01 отпуск", date(2026, 12, 28), date(2027, 1, 8), "отпуск"),
        ("Trip 3–5 December 2030", date(2030, 12, 3), date(2030, 12, 5), "Trip"),
        ("1-3 ноября", date(2027, 11, 1), date(2027, 11, 3), ""),  # this year's are over
        ("26-28 ноября", date(2026, 11, 26), date(2026, 11, 28), ""),  # under way: this year
    ],
)
def test_spans_of_days_are_read(text: str, first: date, last: date, rest: str) -> None:
    found = find_day_range(text, "Europe/Moscow", NOW)
    assert found is not None
    assert (found.first, found.last, found.without(text)) == (first, last, rest)


@pytest.mark.parametrize(
    "text", ["Созвон 3 декабря с 10 до 11", "с 10.00 до 11.30", "Sync Dec 3 3-4pm", "Call 10-11"]
)
def test_clocks_are_no_days(text: str) -> None:
    assert find_day_range(text, "Europe/Moscow", NOW) is None


def test_impossible_days_are_refused() -> None:
    with pytest.raises(DomainError):
        find_day_range("31.11-2.12", "Europe/Moscow", NOW)


def test_all_day_drafts_run_midnight_to_midnight_in_the_zone() -> None:
    moscow = ZoneInfo("Europe/Moscow")
    draft = parse_event("Конференция 3 декабря весь день", "ru", "Europe/Moscow", NOW)
    assert draft.all_day and draft.title == "Конференция"
    assert draft.starts_at == datetime(2026, 12, 3, tzinfo=moscow)
    assert draft.ends_at == datetime(2026, 12, 4, tzinfo=moscow)
    draft = parse_event("Home office every monday all day", "en", "Europe/Moscow", NOW)
    assert draft.all_day and draft.repeat == "weekly" and draft.weekdays == [0]
    # days with clocks: one span from the first day's start to the last day's end
    draft = parse_event("Конференция 3-4 декабря с 10 до 18", "ru", "Europe/Moscow", NOW)
    assert not draft.all_day
    assert draft.starts_at == datetime(2026, 12, 3, 10, tzinfo=moscow)
    assert draft.ends_at == datetime(2026, 12, 4, 18, tzinfo=moscow)
    # a time said with "all day" is the event's time: the words stay in the title
    draft = parse_event("Trip 3-5 Dec 10:00 all day", "en", "Europe/Moscow", NOW)
    assert not draft.all_day and draft.title == "Trip all day"
    assert draft.starts_at == datetime(2026, 12, 3, 10, tzinfo=moscow)


async def test_all_day_and_multi_day_events_through_the_console(sqlite_app: App) -> None:
    boss, anna, _petr = await team(sqlite_app)
    out = await boss.say("/event Offsite 3-4 Dec 2030 @Anna")
    assert "When: 3 Dec 2030 – 4 Dec 2030, all day" in out
    out = await anna.say("/inbox")
    assert "Offsite" in out
    out = await boss.say("/event Day off tomorrow all day")
    assert "When: tomorrow, all day" in out
    out = await boss.say("/events week")
    assert "tomorrow, all day  Day off" in out
    out = await boss.say("/events picture")  # all-day bars above the hours
    assert "(image: week.png" in out
    out = await boss.say("/event Sync 3 Dec 2030")
    assert 'At what time? For example: 15:00, 10am, 15:00-16:30, or "all day".' in out
    await boss.say("/cancel")

    # moved, it keeps its five whole days
    ru = ConsoleDriver(sqlite_app, user="Boss", lang="ru")
    await ru.say("/me lang ru")
    out = await ru.say("/event Отпуск 1-5 декабря 2030")
    assert "Когда: 1 дек. 2030 – 5 дек. 2030, весь день" in out
    out = await ru.press("Перенести")
    out = await ru.say("8.12.2030")
    assert "8 дек. 2030 – 12 дек. 2030, весь день" in out

    # the calendar file gives dates, and the days do not count as busy
    ws = sqlite_app.workspace
    async with ws.sessionmaker() as session:
        from services import teams_identity

        found_actor = await teams_identity.resolve_identity(session, "console", "boss")
        assert found_actor is not None
        text = calendar_ics.render(await calendar_feed.entries(session, found_actor[0]), name="B")
    events = {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical(text).walk("VEVENT")}
    offsite = events["Offsite"]
    assert offsite.decoded("DTSTART") == date(2030, 12, 3)
    assert offsite.decoded("DTEND") == date(2030, 12, 5)  # the day after, as iCalendar has it
    assert str(offsite["TRANSP"]) == "TRANSPARENT"
    assert events["Отпуск"].decoded("DTSTART") == date(2030, 12, 8)


async def test_an_all_day_event_leaves_people_free_and_reminds_in_the_morning(
    sqlite_app: App,
) -> None:
    boss, anna, _petr = await team(sqlite_app)
    await anna.say("/me tz Asia/Vladivostok")
    today = datetime.now(ZoneInfo("Europe/Moscow")).date()
    monday = today + timedelta(days=7 - today.weekday())
    friday = monday + timedelta(days=4)
    out = await boss.say(f"/event Conference {monday:%d.%m.%Y}-{friday:%d.%m.%Y} @Anna")
    assert "all day" in out
    out = await boss.say("/slots @Anna next week 30m")
    assert "🟢" in out  # an all-day event is no meeting: the week stays open
    async with sqlite_app.workspace.sessionmaker() as session:
        rows = (
            await session.execute(
                select(OutboxMessage.user_id, OutboxMessage.due_at).where(
                    OutboxMessage.kind == "reminder"
                )
            )
        ).all()
    due = {user_id: when for user_id, when in rows}
    assert len(due) == 2  # the organiser and Anna, each on the first morning in their zone
    mornings = sorted(
        (when.astimezone(ZoneInfo(zone)).date(), when.astimezone(ZoneInfo(zone)).hour)
        for when, zone in zip(
            sorted(due.values()), ("Asia/Vladivostok", "Europe/Moscow"), strict=True
        )
    )
    assert mornings == [(monday, 9), (monday, 9)]


async def test_absences_planned_ahead(sqlite_app: App) -> None:
    boss, _anna, _petr = await team(sqlite_app)
    out = await boss.say("/away 28.12.2030-8.01.2031 vacation")
    assert "You are away from 28 Dec 2030 to 8 Jan 2031 inclusive." in out
    out = await boss.say("/away")
    assert "28 Dec 2030 – 8 Jan 2031 vacation" in out
    out = await boss.say("/away 1-3 Jan 2031")
    assert "overlap" in out.lower() or "already" in out.lower()
    ru = ConsoleDriver(sqlite_app, user="Boss", lang="ru")
    await ru.say("/me lang ru")
    out = await ru.say("/away с 3 по 5 декабря 2030 командировка")
    assert "Вы отсутствуете с 3 дек. 2030 по 5 дек. 2030 включительно." in out
    out = await ru.say("/away отпуск")
    assert "/away 28.12-8.01" in out


async def test_all_day_events_and_absences_in_telegram(sqlite_url: str, fake: FakeTelegram) -> None:
    async with running(sqlite_url, fake):
        olga = Chat(fake, Person(303, "Ольга", "ru", username="olga"))
        await olga.say("/start", expect=2)
        out = await olga.say("/event Отпуск <семьёй> 1-5 декабря 2030")
        assert "Когда: 1 дек. 2030 – 5 дек. 2030, весь день" in out[0].text
        assert "Отпуск &lt;семьёй&gt;" in out[0].text
        out = await olga.say("/away 28.12.2030-8.01.2031 отпуск")
        assert "Вы отсутствуете с 28 дек. 2030 по 8 янв. 2031 включительно." in out[0].text


@pytest.mark.parametrize(
    ("text", "start", "end", "title", "repeat"),
    [
        ("встреча завтра 10:00-11", "28.11 10:00", "28.11 11:00", "встреча", "none"),
        ("встреча завтра 9-10:30", "28.11 09:00", "28.11 10:30", "встреча", "none"),
        ("встреча завтра 10-11", "28.11 10:00", "28.11 11:00", "встреча", "none"),
        ("встреча завтра 11:30-1", "28.11 11:30", "28.11 13:00", "встреча", "none"),
        ("отчет ежемесячно 1 числа в 12", "01.12 12:00", "01.12 13:00", "отчет", "monthly"),
        (
            "оплата аренды каждое 5 число в 12",
            "05.12 12:00",
            "05.12 13:00",
            "оплата аренды",
            "monthly",
        ),
        ("встреча в пн в 11", "30.11 11:00", "30.11 12:00", "встреча", "none"),
    ],
)
def test_times_as_people_write_them(
    text: str, start: str, end: str, title: str, repeat: str
) -> None:
    moscow = ZoneInfo("Europe/Moscow")
    draft = parse_event(text, "ru", "Europe/Moscow", NOW)
    assert draft.starts_at.astimezone(moscow).strftime("%d.%m %H:%M") == start
    assert draft.ends_at.astimezone(moscow).strftime("%d.%m %H:%M") == end
    assert (draft.title, draft.repeat) == (title, repeat)


@pytest.mark.parametrize(
    ("text", "start", "end", "all_day"),
    [
        ("Встреча завтра с 11.10 до 12.10", "28.11 11:10", "28.11 12:10", False),
        ("Встреча 3.12 с 9.30 до 11", "03.12 09:30", "03.12 11:00", False),
        ("Бюджет 1.5-2.5 млн обсудить завтра в 10", "28.11 10:00", "28.11 11:00", False),
        ("Созвон 3.12 10.10-11.10", "03.12 10:10", "03.12 11:10", False),
        ("Sprint 3.1-3.2 planning Monday 10:00", "30.11 10:00", "30.11 11:00", False),
        ("Full day workshop tomorrow 9:00-18:00", "28.11 09:00", "28.11 18:00", False),
        ("Тренинг на весь день завтра в 10", "28.11 10:00", "28.11 11:00", False),
        ("Концепт 10-11 завтра в 15", "28.11 15:00", "28.11 16:00", False),
        ("Командировка 3.12-5.12", "03.12 00:00", "06.12 00:00", True),
        ("Отпуск с 1 по 15 декабря", "01.12 00:00", "16.12 00:00", True),
    ],
)
def test_dotted_numbers_and_all_day_words_do_not_take_over(
    text: str, start: str, end: str, all_day: bool
) -> None:
    moscow = ZoneInfo("Europe/Moscow")
    draft = parse_event(text, "ru", "Europe/Moscow", NOW)
    assert draft.starts_at.astimezone(moscow).strftime("%d.%m %H:%M") == start
    assert draft.ends_at.astimezone(moscow).strftime("%d.%m %H:%M") == end
    assert draft.all_day is all_day
    assert "завтра" not in draft.title and ":" not in draft.title, draft.title


async def test_slots_lengths_in_words_and_away_until_with_days_in_the_reason(
    sqlite_app: App,
) -> None:
    boss, _anna, _petr = await team(sqlite_app)
    for said in ("на час", "for an hour", "half an hour"):
        out = await boss.say(f"/slots @Anna {said}")
        assert "Free " in out and "Which days?" not in out, (said, out)
    out = await boss.say("/slots @Anna half an hour")
    assert "Free 30 min" in out, out
    ru = ConsoleDriver(sqlite_app, user="Boss", lang="ru")
    await ru.say("/me lang ru")
    out = await ru.say("/away по 5.12 отгул за 1-2 декабря")
    assert "Вы отсутствуете до 5 дек." in out, out  # the date said, not the reason's


async def test_a_meal_in_the_title_of_a_whole_day_event_is_no_time(sqlite_app: App) -> None:
    """ "Lunch tomorrow all day", «Обед завтра весь день»: "lunch" names the event, not
    its hour, so the day is whole, not asked a time; a lunch at 13:00 is still one."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    out = await boss.say("/event Lunch tomorrow all day")
    assert "📅 Lunch\nWhen: tomorrow, all day" in out, out
    out = await boss.say("/event Team lunch tomorrow 13:00")
    assert "📅 Team lunch\nWhen: tomorrow 13:00–14:00" in out, out
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru")
    await olga.say("/start")
    out = await olga.say("/event Обед с командой завтра весь день")
    assert "📅 Обед с командой\nКогда: завтра, весь день" in out, out
