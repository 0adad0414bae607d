"""Deadlines typed inside a task line: Russian case forms, default end-of-day time,
bare hours, durations and quick picks."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.tasks_input import normalize_dates, quick_deadline, with_default_time
from handlers.tasks_views import starts_with_verb
from services.parsing import find_when

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
