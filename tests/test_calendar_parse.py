"""/event free text: the times and lengths people write, in English and in Russian."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.calendar_parse import parse_event
from services.calendar_times import clocks_in_24_hours
from services.errors import DomainError

# Friday 27 November 2026, 12:00 in Moscow
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
ZONE = "Europe/Moscow"


@pytest.mark.parametrize(
    ("text", "lang", "title", "start", "end"),
    [
        ("Lunch tomorrow 12pm-1pm", "en", "Lunch", (28, 12, 0), (28, 13, 0)),
        ("Review tomorrow 2pm to 4pm", "en", "Review", (28, 14, 0), (28, 16, 0)),
        ("Demo tomorrow 3-4pm", "en", "Demo", (28, 15, 0), (28, 16, 0)),
        ("Brunch sunday 11-1pm", "en", "Brunch", (29, 11, 0), (29, 13, 0)),
        ("Late show tomorrow 11pm-1am", "en", "Late show", (28, 23, 0), (29, 1, 0)),
        ("Talk tomorrow from 3 to 5", "en", "Talk", (28, 15, 0), (28, 17, 0)),
        ("Workshop tomorrow 10:00 for 1h30m", "en", "Workshop", (28, 10, 0), (28, 11, 30)),
        ("Meet tomorrow 9:30am for 1 hour 15 minutes", "en", "Meet", (28, 9, 30), (28, 10, 45)),
        ("Call friday 17:00", "en", "Call", (27, 17, 0), (27, 18, 0)),
        ("Планёрка завтра с 15 до 17", "ru", "Планёрка", (28, 15, 0), (28, 17, 0)),
        ("Обед завтра в 13 на 1ч 30м", "ru", "Обед", (28, 13, 0), (28, 14, 30)),
        ("Встреча завтра в 10 на 2 часа 15 минут", "ru", "Встреча", (28, 10, 0), (28, 12, 15)),
        ("Sync tomorrow 15:00-16:00", "en", "Sync", (28, 15, 0), (28, 16, 0)),
        ("Workshop Dec 4 from 1pm to 4pm", "en", "Workshop", (34, 13, 0), (34, 16, 0)),
        ("Workshop tomorrow from 1pm to 4pm", "en", "Workshop", (28, 13, 0), (28, 16, 0)),
        ("Sync from 10:00 to 11:00 tomorrow", "en", "Sync", (28, 10, 0), (28, 11, 0)),
        ("Встреча в понедельник с 10:00 до 11:30", "ru", "Встреча", (30, 10, 0), (30, 11, 30)),
        ("Встреча завтра с 10 до 11:30", "ru", "Встреча", (28, 10, 0), (28, 11, 30)),
        ("Созвон в 10:00 завтра", "ru", "Созвон", (28, 10, 0), (28, 11, 0)),
    ],
)
def test_event_times(
    text: str, lang: str, title: str, start: tuple[int, ...], end: tuple[int, ...]
) -> None:
    draft = parse_event(text, lang, ZONE, now=NOW)
    zone = ZoneInfo(ZONE)
    assert draft.title == title
    assert draft.starts_at.astimezone(zone).replace(tzinfo=None) == _day(*start)
    assert draft.ends_at.astimezone(zone).replace(tzinfo=None) == _day(*end)


def _day(day: int, hour: int, minute: int) -> datetime:
    """Days from 27 November 2026 on, counted past the month's end (34 is 4 December)."""
    return datetime(2026, 11, 1, hour, minute) + timedelta(days=day - 1)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Standup every weekday 9:30am 15m", "en"),
        ("Планёрка по будням в 9:30 15м", "ru"),
        ("Планёрка каждый будний день в 9:30", "ru"),
    ],
)
def test_workdays_repeat_monday_to_friday(text: str, lang: str) -> None:
    draft = parse_event(text, lang, ZONE, now=NOW)
    assert draft.repeat == "weekly" and draft.weekdays == [0, 1, 2, 3, 4]
    assert draft.title in ("Standup", "Планёрка")
    assert draft.starts_at.astimezone(ZoneInfo(ZONE)).weekday() == 0  # Monday 30 November


def test_every_other_week_is_refused_not_swallowed() -> None:
    with pytest.raises(DomainError, match="every other week"):
        parse_event("Retro every other friday 4pm", "en", ZONE, now=NOW)


def test_clocks_that_cannot_be_stay_as_written() -> None:
    assert clocks_in_24_hours("13pm-14pm") == "13pm-14pm"
    assert clocks_in_24_hours("Office 365 at 12am") == "Office 365 at 00:00"
    assert clocks_in_24_hours("PM sync 3pm") == "PM sync 15:00"


@pytest.mark.parametrize(
    ("text", "lang", "title", "start"),
    [
        # a bare hour, then where: the hour is the time, not the 10th of the month
        ("Встреча в среду в 10 в переговорной", "ru", "Встреча в переговорной", (32, 10, 0)),
        ("Встреча в среду в 10 в офисе", "ru", "Встреча в офисе", (32, 10, 0)),
        ("Совещание в четверг в 11 в кабинете 5", "ru", "Совещание в кабинете 5", (33, 11, 0)),
        ("Встреча в среду в 10:00 в переговорной", "ru", "Встреча в переговорной", (32, 10, 0)),
        ("Встреча завтра в 10 в зуме", "ru", "Встреча в зуме", (28, 10, 0)),
        ("Meeting tomorrow at 10 in room 5", "en", "Meeting in room 5", (28, 10, 0)),
        # or the day after it
        ("Созвон в 10 в понедельник", "ru", "Созвон", (30, 10, 0)),
        ("Call at 10 on monday", "en", "Call", (30, 10, 0)),
        # "в эту пятницу": the coming one (today's, with 16:00 still ahead)
        ("Ретро в эту пятницу в 16", "ru", "Ретро", (27, 16, 0)),
        ("Созвон в эту среду в 12", "ru", "Созвон", (32, 12, 0)),
        # noon and midnight (the midnight a day begins with, as "в 12 ночи")
        ("Встреча послезавтра в полдень", "ru", "Встреча", (29, 12, 0)),
        ("Обед в полдень", "ru", "Обед", (27, 12, 0)),  # now: the time alone is today's
        ("Lunch tomorrow at noon", "en", "Lunch", (28, 12, 0)),
        ("Выкатка в полночь", "ru", "Выкатка", (28, 0, 0)),
        ("Release at midnight", "en", "Release", (28, 0, 0)),
    ],
)
def test_spoken_times_before_a_place_and_named_hours(
    text: str, lang: str, title: str, start: tuple[int, ...]
) -> None:
    draft = parse_event(text, lang, ZONE, now=NOW)
    assert draft.title == title
    assert draft.starts_at.astimezone(ZoneInfo(ZONE)).replace(tzinfo=None) == _day(*start)


@pytest.mark.parametrize(
    ("text", "lang", "title", "start", "last_day"),
    [
        ("Созвон каждую среду в 15 до 31 декабря", "ru", "Созвон", (32, 15, 0), "2026-12-31"),
        (
            "Планёрка каждый понедельник в 9:30 до 28 декабря",
            "ru",
            "Планёрка",
            (30, 9, 30),
            "2026-12-28",
        ),
        ("Standup every monday at 9:30 until Dec 28", "en", "Standup", (30, 9, 30), "2026-12-28"),
        (
            "Созвон по вторникам и четвергам в 11 по 15.01",
            "ru",
            "Созвон",
            (31, 11, 0),
            "2027-01-15",
        ),
        (
            "Daily standup 9:30 until January 15, 2027",
            "en",
            "Daily standup",
            (28, 9, 30),
            "2027-01-15",
        ),
        # a weekday or an ISO date after the repeat ends the series, it does not start it
        ("Планёрка каждый день в 9 до пятницы", "ru", "Планёрка", (28, 9, 0), "2026-12-04"),
        ("Созвон каждый день в 10 по среду", "ru", "Созвон", (28, 10, 0), "2026-12-02"),
        ("Sync every day at 9 until Friday", "en", "Sync", (28, 9, 0), "2026-12-04"),
        ("Retro every friday at 16 until 2026-12-25", "en", "Retro", (27, 16, 0), "2026-12-25"),
        # a month without a day: "до февраля" ends before it, "по январь", "through" and
        # "until the end of" with it
        ("Планёрка каждую среду в 10 до февраля", "ru", "Планёрка", (32, 10, 0), "2027-01-31"),
        ("Созвон каждый понедельник в 11 по январь", "ru", "Созвон", (30, 11, 0), "2027-01-31"),
        (
            "Standup every day at 10 until the end of December",
            "en",
            "Standup",
            (28, 10, 0),
            "2026-12-31",
        ),
        ("Sync every monday at 11 until January", "en", "Sync", (30, 11, 0), "2026-12-31"),
    ],
)
def test_a_series_with_an_end_date(
    text: str, lang: str, title: str, start: tuple[int, ...], last_day: str
) -> None:
    """ "до 31 декабря" after a repeat is the series' last day, not a span of whole days."""
    draft = parse_event(text, lang, ZONE, now=NOW)
    zone = ZoneInfo(ZONE)
    assert draft.title == title and draft.repeat in ("weekly", "daily") and not draft.all_day
    assert draft.starts_at.astimezone(zone).replace(tzinfo=None) == _day(*start)
    assert draft.ends_at - draft.starts_at == timedelta(hours=1)
    assert draft.repeat_until is not None
    assert draft.repeat_until.astimezone(zone).date().isoformat() == last_day
    assert draft.repeat_until > _day(*start).replace(tzinfo=zone)


def test_an_end_date_of_one_meeting_is_refused() -> None:
    with pytest.raises(DomainError, match="Only a repeating event has an end date"):
        parse_event("Еженедельная планёрка завтра 10:00 до 28.12", "ru", ZONE, now=NOW)
    # without a repeat, "до" keeps its old meanings: a span of days, an end time
    draft = parse_event("Отпуск с 28 декабря по 8 января", "ru", ZONE, now=NOW)
    assert draft.all_day and draft.repeat_until is None
    draft = parse_event("Встреча до пятницы в 10", "ru", ZONE, now=NOW)  # by Friday
    local = draft.starts_at.astimezone(ZoneInfo(ZONE))
    assert (local.weekday(), local.hour) == (4, 10) and draft.repeat_until is None


@pytest.mark.parametrize(
    ("text", "lang", "title", "start", "zone"),
    [
        # a zone named for the time: read there, kept out of the title (12:00 in Moscow
        # is 10:00 in Yekaterinburg, 09:00 UTC)
        (
            "Встреча завтра в 12 по Екатеринбургу",
            "ru",
            "Встреча",
            (28, 10, 0),
            "Asia/Yekaterinburg",
        ),
        ("Встреча завтра в 12 по Уфе", "ru", "Встреча", (28, 10, 0), "Asia/Yekaterinburg"),
        ("Созвон завтра в 15 по московскому времени", "ru", "Созвон", (28, 15, 0), ""),
        (
            "Call tomorrow at 12pm Yekaterinburg time",
            "en",
            "Call",
            (28, 10, 0),
            "Asia/Yekaterinburg",
        ),
        ("Call tomorrow 9:00 UTC", "en", "Call", (28, 12, 0), "UTC"),
        # not after a time: what the meeting is about
        ("Совещание по Москве завтра в 10", "ru", "Совещание по Москве", (28, 10, 0), ""),
        ("Созвон завтра в 10 по плану", "ru", "Созвон по плану", (28, 10, 0), ""),
    ],
)
def test_a_zone_named_for_the_time(
    text: str, lang: str, title: str, start: tuple[int, ...], zone: str
) -> None:
    draft = parse_event(text, lang, ZONE, now=NOW)
    assert draft.title == title and draft.zone == zone
    assert draft.starts_at.astimezone(ZoneInfo(ZONE)).replace(tzinfo=None) == _day(*start)
