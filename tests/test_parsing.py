"""Dates people type, read in their language and zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.errors import DomainError
from services.parsing import find_when, parse_when
from services.users import parse_timezone

# Friday 27 November 2026, 12:00 in Moscow
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "lang", "expected_local"),
    [
        ("завтра в 15:00", "ru", datetime(2026, 11, 28, 15, 0)),
        ("через 2 часа", "ru", datetime(2026, 11, 27, 14, 0)),
        ("в пятницу в 10:00", "ru", datetime(2026, 12, 4, 10, 0)),
        # said on that Friday, with the hour still ahead: today, however it is written
        ("в пятницу в 17:00", "ru", datetime(2026, 11, 27, 17, 0)),
        ("friday 17:00", "en", datetime(2026, 11, 27, 17, 0)),
        ("friday at 5pm", "en", datetime(2026, 11, 27, 17, 0)),
        ("next friday 17:00", "en", datetime(2026, 12, 4, 17, 0)),
        ("31.12 18:00", "ru", datetime(2026, 12, 31, 18, 0)),
        ("tomorrow 3pm", "en", datetime(2026, 11, 28, 15, 0)),
        ("next fri 10am", "en", datetime(2026, 12, 4, 10, 0)),
        ("in 2 hours", "en", datetime(2026, 11, 27, 14, 0)),
    ],
)
def test_parse_when_in_zone(text: str, lang: str, expected_local: datetime) -> None:
    from zoneinfo import ZoneInfo

    result = parse_when(text, lang, "Europe/Moscow", now=NOW)
    assert result.tzinfo is not None
    assert result.astimezone(ZoneInfo("Europe/Moscow")).replace(tzinfo=None) == expected_local


def test_same_words_other_zone() -> None:
    moscow = parse_when("tomorrow 3pm", "en", "Europe/Moscow", now=NOW)
    berlin = parse_when("tomorrow 3pm", "en", "Europe/Berlin", now=NOW)
    assert (berlin - moscow).total_seconds() == 2 * 3600


def test_unparseable_date_is_a_question() -> None:
    with pytest.raises(DomainError) as err:
        parse_when("когда-нибудь потом", "ru", "Europe/Moscow", now=NOW)
    assert "examples" in err.value.params


def test_find_when_in_sentence() -> None:
    found = find_when("Позвонить Иванову завтра в 15:00", "ru", "Europe/Moscow", now=NOW)
    assert found is not None and found.fragment.strip() == "завтра в 15:00"
    assert find_when("Buy milk", "en", "UTC", now=NOW) is None


@pytest.mark.parametrize(
    ("text", "fragment", "expected_local"),
    [
        # a task said with a place after its hour: the hour is the time, the place the title's
        ("Позвонить в среду в 10 в офисе", "в среду в 10", datetime(2026, 12, 2, 10, 0)),
        ("Забрать пропуск завтра в 15 на проходной", "завтра в 15", datetime(2026, 11, 28, 15, 0)),
        ("Созвон в 10 в понедельник", "в 10:00 в понедельник", datetime(2026, 11, 30, 10, 0)),
        ("Обед в полдень в столовой", "в полдень", datetime(2026, 11, 27, 12, 0)),
    ],
)
def test_find_when_before_a_place(text: str, fragment: str, expected_local: datetime) -> None:
    from zoneinfo import ZoneInfo

    found = find_when(text, "ru", "Europe/Moscow", now=NOW)
    assert found is not None and found.fragment == fragment
    assert found.when.astimezone(ZoneInfo("Europe/Moscow")).replace(tzinfo=None) == expected_local


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("+3", "Etc/GMT-3"),
        ("UTC-5", "Etc/GMT+5"),
        ("msk", "Europe/Moscow"),
        ("Europe/Berlin", "Europe/Berlin"),
        ("almaty", "Asia/Almaty"),
    ],
)
def test_parse_timezone(text: str, zone: str) -> None:
    assert parse_timezone(text) == zone


@pytest.mark.parametrize(
    ("text", "lang", "expected_local"),
    [
        ("26.11 15:00", "ru", datetime(2026, 11, 26, 15, 0)),  # yesterday: overdue, not 2027
        ("26 ноября 15:00", "ru", datetime(2026, 11, 26, 15, 0)),
        ("26 nov 15:00", "en", datetime(2026, 11, 26, 15, 0)),
        ("27.11 08:00", "ru", datetime(2026, 11, 27, 8, 0)),  # this morning
        ("05.01 10:00", "ru", datetime(2027, 1, 5, 10, 0)),  # long past this year: next year's
        ("01.06 10:00", "ru", datetime(2027, 6, 1, 10, 0)),
        ("26.11.2027 15:00", "ru", datetime(2027, 11, 26, 15, 0)),  # a year typed is kept
        ("26 ноября 2027", "ru", datetime(2027, 11, 26, 0, 0)),
    ],
)
def test_a_date_of_the_last_weeks_stays_in_this_year(
    text: str, lang: str, expected_local: datetime
) -> None:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Moscow")
    result = parse_when(text, lang, "Europe/Moscow", now=NOW)
    assert result.astimezone(zone).replace(tzinfo=None) == expected_local
    sentence = ("Позвонить Сидорову " if lang == "ru" else "Call Sidorov ") + text
    found = find_when(sentence, lang, "Europe/Moscow", now=NOW)
    assert found is not None
    assert found.when.astimezone(zone).replace(tzinfo=None) == expected_local


JANUARY = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected_local"),
    [
        ("28 декабря", datetime(2026, 12, 28, 0, 0)),  # the coming one, not last week's
        ("28.12", datetime(2026, 12, 28, 0, 0)),
        ("December 28", datetime(2026, 12, 28, 0, 0)),
        ("через год", datetime(2027, 1, 5, 12, 0)),  # counted a year on: not today
        ("in 1 year", datetime(2027, 1, 5, 12, 0)),
        ("next year", datetime(2027, 1, 5, 12, 0)),
    ],
)
def test_early_in_a_year_december_and_a_year_ahead_stay_ahead(
    text: str, expected_local: datetime
) -> None:
    from zoneinfo import ZoneInfo

    result = parse_when(text, "ru", "Europe/Moscow", now=JANUARY)
    assert result.astimezone(ZoneInfo("Europe/Moscow")).replace(tzinfo=None) == expected_local


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("europe/berlin", "Europe/Berlin"),
        ("UTC+5:30", "Asia/Kolkata"),
        ("+5:45", "Asia/Kathmandu"),
        ("-3:30", "America/St_Johns"),
        ("berlin", "Europe/Berlin"),
    ],
)
def test_time_zones_as_people_type_them(text: str, zone: str) -> None:
    assert parse_timezone(text) == zone


@pytest.mark.parametrize(
    ("text", "expected_local"),
    [
        ("10.12", datetime(2026, 12, 10, 0, 0)),  # a date, not 10:12
        ("31.12", datetime(2026, 12, 31, 0, 0)),
        ("25.11", datetime(2026, 11, 25, 0, 0)),  # two days ago: stays, overdue
        ("01.06", datetime(2027, 6, 1, 0, 0)),  # long past: next year's
        ("10.12.2027", datetime(2027, 12, 10, 0, 0)),
        ("10.30", datetime(2026, 11, 28, 10, 30)),  # no 30th month: a time
    ],
)
def test_a_bare_day_and_month_is_a_date(text: str, expected_local: datetime) -> None:
    from zoneinfo import ZoneInfo

    result = parse_when(text, "ru", "Europe/Moscow", now=NOW)
    assert result.astimezone(ZoneInfo("Europe/Moscow")).replace(tzinfo=None) == expected_local


@pytest.mark.parametrize(
    ("text", "expected_local", "fragment"),
    [
        ("Отчёт до конца недели", datetime(2026, 11, 27, 18, 0), "до конца недели"),
        ("Сделать до конца дня", datetime(2026, 11, 27, 18, 0), "до конца дня"),
        ("Закрыть к концу месяца", datetime(2026, 11, 30, 18, 0), "к концу месяца"),
        ("Report by the end of the week", datetime(2026, 11, 27, 18, 0), "by the end of the week"),
        ("Send the report by EOD", datetime(2026, 11, 27, 18, 0), "by EOD"),
        ("Close the books EOM", datetime(2026, 11, 30, 18, 0), "EOM"),
        ("Ship it by close of business", datetime(2026, 11, 27, 18, 0), "by close of business"),
        ("Clean the garage this weekend", datetime(2026, 11, 29, 18, 0), "this weekend"),
        ("Fix it by the weekend", datetime(2026, 11, 27, 18, 0), "by the weekend"),
        ("Убрать гараж на выходных", datetime(2026, 11, 29, 18, 0), "на выходных"),
        ("Сдать к выходным", datetime(2026, 11, 27, 18, 0), "к выходным"),
    ],
)
def test_the_end_of_a_day_week_or_month(text: str, expected_local: datetime, fragment: str) -> None:
    from zoneinfo import ZoneInfo

    found = find_when(text, "ru", "Europe/Moscow", now=NOW)  # Friday 12:00 in Moscow
    assert found is not None and found.fragment == fragment
    assert found.when.astimezone(ZoneInfo("Europe/Moscow")).replace(tzinfo=None) == expected_local


def test_a_weekend_or_an_end_word_inside_a_title_is_no_deadline() -> None:
    assert find_when("Plan the weekend", "en", "Europe/Moscow", now=NOW) is None
    assert find_when("Планы на выходные", "ru", "Europe/Moscow", now=NOW) is None
    sunday_night = datetime(2026, 11, 29, 17, 0, tzinfo=UTC)  # 20:00 in Moscow
    late = parse_when("this weekend", "en", "Europe/Moscow", now=sunday_night)
    assert late > sunday_night and late.date().isoformat() == "2026-11-29"


def test_a_day_in_the_genitive_alone_is_read() -> None:
    from zoneinfo import ZoneInfo

    monday = parse_when("понедельника", "ru", "Europe/Moscow", now=NOW)
    assert monday.astimezone(ZoneInfo("Europe/Moscow")).date().isoformat() == "2026-11-30"
    late_friday = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)  # 19:00 in Moscow
    week = parse_when("конца недели", "ru", "Europe/Moscow", now=late_friday)
    assert week.astimezone(ZoneInfo("Europe/Moscow")).date().isoformat() == "2026-12-04"


def test_yesterday_with_an_hour_said() -> None:
    from zoneinfo import ZoneInfo

    msk = ZoneInfo("Europe/Moscow")
    said = {
        "вчера в 15": datetime(2026, 11, 26, 15, 0),
        "вчера в 9 утра": datetime(2026, 11, 26, 9, 0),
        "позавчера в 10": datetime(2026, 11, 25, 10, 0),
        "yesterday at 3": datetime(2026, 11, 26, 15, 0),
    }
    for text, expected in said.items():
        lang = "en" if text.startswith("y") else "ru"
        moment = parse_when(text, lang, "Europe/Moscow", now=NOW)
        assert moment.astimezone(msk).replace(tzinfo=None) == expected, text
