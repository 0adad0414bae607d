"""A while from now said short ("через 3ч", "in 45m", "через 1ч30м"): a deadline or an
event that many hours and minutes on, not at the end of the working day; numbers with
a letter in a title ("2м", "4K") stay the title's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from bot.app import App
from handlers.tasks_input import with_default_time
from models.tasks import Task
from services.parsing import find_when, has_time, parse_when
from services.parsing_said import normalize_dates
from tests.console_driver import ConsoleDriver

# Friday 27 November 2026, 12:00 in Moscow
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
MSK = ZoneInfo("Europe/Moscow")
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("text", "lang", "clock", "title"),
    [
        ("Позвонить через 3ч", "ru", "15:00", "Позвонить"),
        ("Позвонить через 3 ч", "ru", "15:00", "Позвонить"),
        ("Позвонить через 45м", "ru", "12:45", "Позвонить"),
        ("Позвонить через 45 мин", "ru", "12:45", "Позвонить"),
        ("Позвонить через 1ч30м", "ru", "13:30", "Позвонить"),
        ("Позвонить через 1ч 30м", "ru", "13:30", "Позвонить"),
        ("Позвонить через 1,5 часа", "ru", "13:30", "Позвонить"),
        ("Позвонить через 2ч клиенту", "ru", "14:00", "Позвонить клиенту"),
        ("Купить кабель 2м через 3ч", "ru", "15:00", "Купить кабель 2м"),
        ("Отчёт через 45м, срочно", "ru", "12:45", "Отчёт , срочно"),
        ("Call in 3h", "en", "15:00", "Call"),
        ("Call in 3 h", "en", "15:00", "Call"),
        ("Call in 3hrs", "en", "15:00", "Call"),
        ("Call in 45m", "en", "12:45", "Call"),
        ("Call in 1h30m", "en", "13:30", "Call"),
        ("Call in 1.5h", "en", "13:30", "Call"),
        ("Call in 90 min", "en", "13:30", "Call"),
        ("Call in 3h the client", "en", "15:00", "Call the client"),
    ],
)
def test_a_while_said_short_is_that_while_from_now(
    text: str, lang: str, clock: str, title: str
) -> None:
    found = find_when(text, lang, "Europe/Moscow", now=NOW)
    assert found is not None, text
    assert has_time(found.fragment), found.fragment
    deadline = with_default_time(found.when, found.fragment, "Europe/Moscow", NOW)
    assert deadline.astimezone(MSK).strftime("%d.%m %H:%M") == f"27.11 {clock}"
    assert " ".join(text.replace(found.fragment, " ", 1).split()) == title


@pytest.mark.parametrize(
    ("text", "lang", "clock"),
    [
        ("через 45м", "ru", "12:45"),
        ("через 3ч", "ru", "15:00"),
        ("через 1ч30м", "ru", "13:30"),
        ("in 3h", "en", "15:00"),
        ("in 1h 30m", "en", "13:30"),
    ],
)
def test_a_while_typed_as_the_whole_answer(text: str, lang: str, clock: str) -> None:
    moment = parse_when(text, lang, "Europe/Moscow", now=NOW)
    assert moment.astimezone(MSK).strftime("%d.%m %H:%M") == f"27.11 {clock}"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Купить шкаф 2м", "ru"),
        ("ТЗ на 2м шкаф", "ru"),
        ("Полка через 2м от стены", "ru"),  # metres, said inside the sentence
        ("Print 4K posters", "en"),
        ("H2 plan", "en"),
        ("Store in 3m boxes", "en"),
    ],
)
def test_numbers_with_a_letter_in_a_title_are_no_while(text: str, lang: str) -> None:
    assert find_when(text, lang, "Europe/Moscow", now=NOW) is None


def test_a_title_with_metres_keeps_them_and_its_day() -> None:
    found = find_when("Купить шкаф 2м завтра", "ru", "Europe/Moscow", now=NOW)
    assert found is not None and found.fragment == "завтра"
    deadline = with_default_time(found.when, found.fragment, "Europe/Moscow", NOW)
    assert deadline.astimezone(MSK).strftime("%d.%m %H:%M") == "28.11 18:00"


def _labels(
    before: datetime, after: datetime, ahead: timedelta, lang: str, lasts: timedelta | None
) -> set[str]:
    """How the moment `ahead` of the wall clock is shown, for the minute the bot read
    it (between `before` and `after`): "today 19:33" (or tomorrow's, near midnight),
    with the end of an event lasting `lasts` the same day: "today 19:33–21:33"."""
    words = {"en": ("today", "tomorrow"), "ru": ("сегодня", "завтра")}[lang]
    shown = set()
    for moment in (before + ahead, after + ahead):
        local = moment.astimezone(MSK)
        day = (local.date() - before.astimezone(MSK).date()).days
        label = f"{words[day]} {local:%H:%M}"
        if lasts is not None:
            end = local + lasts
            label += f"–{end:%H:%M}" if end.date() == local.date() else "–"
        shown.add(label)
    return shown


async def _said(
    who: ConsoleDriver, lang: str, text: str, ahead: timedelta, lasts: timedelta | None = None
) -> tuple[str, set[str]]:
    before = datetime.now(UTC)
    out = await who.say(text)
    return out, _labels(before, datetime.now(UTC), ahead, lang, lasts)


async def test_tasks_due_in_a_while_said_short(sqlite_app: App) -> None:
    ivan = ConsoleDriver(sqlite_app, user="Ivan", lang="ru")
    await ivan.say("/start")
    out, shown = await _said(ivan, "ru", "/task Позвонить через 3ч", timedelta(hours=3))
    assert "#1 Позвонить\n" in out, out
    assert any(f"Крайний срок: {label} —" in out for label in shown), (shown, out)
    out, shown = await _said(ivan, "ru", "/task Позвонить через 45м", timedelta(minutes=45))
    assert "#2 Позвонить\n" in out, out
    assert any(f"Крайний срок: {label} —" in out for label in shown), (shown, out)
    out = await ivan.say("/task Купить шкаф 2м")
    assert "#3 Купить шкаф 2м\n" in out and "Крайний срок: без срока" in out, out

    ann = ConsoleDriver(sqlite_app, user="Ann", lang="en")
    await ann.say("/start")
    out, shown = await _said(ann, "en", "/task Call in 45m", timedelta(minutes=45))
    assert "#4 Call\n" in out, out
    assert any(f"Deadline: {label} —" in out for label in shown), (shown, out)
    out, shown = await _said(ann, "en", "/task Call the supplier in 1h30m", timedelta(minutes=90))
    assert "#5 Call the supplier\n" in out, out
    assert any(f"Deadline: {label} —" in out for label in shown), (shown, out)
    out = await ann.say("/task Print 4K posters")
    assert "#6 Print 4K posters\n" in out and "Deadline: no deadline" in out, out


async def test_events_in_a_while_said_short(sqlite_app: App) -> None:
    ann = ConsoleDriver(sqlite_app, user="Ann", lang="en")
    await ann.say("/start")
    out, shown = await _said(ann, "en", "/event Sync in 3h", timedelta(hours=3), HOUR)
    assert "Event created." in out and "📅 Sync\n" in out, out
    assert any(f"When: {label}" in out for label in shown), (shown, out)
    # a length after it is how long it lasts; the while itself is not
    said = "/event Review in 1h30m for 2h"
    out, shown = await _said(ann, "en", said, timedelta(minutes=90), 2 * HOUR)
    assert "📅 Review\n" in out, out
    assert any(f"When: {label}" in out for label in shown), (shown, out)

    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru")
    await olga.say("/start")
    out, shown = await _said(olga, "ru", "/event Созвон через 1ч 30м", timedelta(minutes=90), HOUR)
    assert "Событие создано." in out and "📅 Созвон\n" in out, out
    assert any(f"Когда: {label}" in out for label in shown), (shown, out)


@pytest.mark.parametrize(
    ("text", "lang", "when", "title"),
    [
        # months said short are months, as said in full, wherever in the line
        ("Отчёт через 2мес", "ru", "27.01.2027 18:00", "Отчёт"),
        ("Отчёт через 2 мес.", "ru", "27.01.2027 18:00", "Отчёт"),
        ("Отчёт через 2 месяца", "ru", "27.01.2027 18:00", "Отчёт"),
        ("Отчёт через 2мес, срочно", "ru", "27.01.2027 18:00", "Отчёт , срочно"),
        ("Отчёт через 5мес клиенту", "ru", "27.04.2027 18:00", "Отчёт клиенту"),
        ("Отчёт через 1мес клиенту", "ru", "27.12.2026 18:00", "Отчёт клиенту"),
        ("Отчёт через 2мес в 15:00", "ru", "27.01.2027 15:00", "Отчёт"),
        ("Report in 2mo", "en", "27.01.2027 18:00", "Report"),
        ("Report in 2 months", "en", "27.01.2027 18:00", "Report"),
        ("Report in 2mo, urgent", "en", "27.01.2027 18:00", "Report , urgent"),
        ("Report in 2mos to the client", "en", "27.01.2027 18:00", "Report to the client"),
        ("Report in 1mo at 3pm", "en", "27.12.2026 15:00", "Report"),
    ],
)
def test_months_said_short_are_months_from_now(text: str, lang: str, when: str, title: str) -> None:
    rest = normalize_dates(text, lang)  # as a task line is read
    found = find_when(rest, lang, "Europe/Moscow", now=NOW)
    assert found is not None, text
    moment = with_default_time(found.when, found.fragment, "Europe/Moscow", NOW)
    assert moment.astimezone(MSK).strftime("%d.%m.%Y %H:%M") == when
    assert " ".join(rest.replace(found.fragment, " ", 1).split()) == title


@pytest.mark.parametrize(
    ("text", "lang"),
    [("через 2мес", "ru"), ("через 2 мес", "ru"), ("in 2mo", "en"), ("in 2 mos", "en")],
)
def test_months_said_short_as_the_whole_answer(text: str, lang: str) -> None:
    moment = parse_when(text, lang, "Europe/Moscow", now=NOW).astimezone(MSK)
    assert moment.date() == datetime(2027, 1, 27).date() and not has_time(text)


async def test_a_task_due_in_months_said_short(sqlite_app: App) -> None:
    ivan = ConsoleDriver(sqlite_app, user="Ivan", lang="ru")
    await ivan.say("/start")
    out = await ivan.say("/task Отчёт через 2мес, срочно")
    assert "#1 Отчёт, срочно\n" in out, out
    ann = ConsoleDriver(sqlite_app, user="Ann", lang="en")
    await ann.say("/start")
    out = await ann.say("/task Report in 2mos to the client")
    assert "#2 Report to the client\n" in out, out
    today = datetime.now(MSK).date()
    due = datetime.combine(today + relativedelta(months=2), datetime.min.time(), MSK)
    async with sqlite_app.workspace.sessionmaker() as s:
        deadlines = (await s.scalars(select(Task.deadline).order_by(Task.id))).all()
    # two months on, at the end of the working day (a day said without a time)
    assert [d.astimezone(MSK) for d in deadlines if d] == [due.replace(hour=18)] * 2
