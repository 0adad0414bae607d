"""/event free text: the times and lengths people write, in English and in Russian."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.calendar_parse import clocks_in_24_hours, parse_event
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
