"""The forms people type most, read without dateparser: a day word or dd.mm with a
time, or a time alone, at the end of a sentence or as the whole answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import dateparser
import pytest
from dateparser.search import search_dates

from services.errors import DomainError
from services.parsing import _NOISE, _languages, _settings, find_when, parse_when
from services.parsing_fast import Found

# Friday 27 November 2026, 12:00 in Moscow
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
MSK = ZoneInfo("Europe/Moscow")
NY = ZoneInfo("America/New_York")


def local(moment: datetime, zone: ZoneInfo = MSK) -> datetime:
    assert moment.tzinfo is not None and moment.utcoffset() == timedelta(0)
    return moment.astimezone(zone).replace(tzinfo=None)


def dateparser_find(text: str, locale: str, tz: str, now: datetime) -> Found | None:
    """What find_when answered before the fast path: the last dateparser hit."""
    hits = search_dates(text, languages=_languages(locale), settings=_settings(tz, now))
    useful = [(frag, when) for frag, when in hits or [] if not _NOISE.match(frag.strip())]
    if not useful:
        return None
    fragment, when = useful[-1]
    return Found(when=when.astimezone(UTC), fragment=fragment)


def dateparser_parse(text: str, locale: str, tz: str, now: datetime) -> datetime | None:
    result = dateparser.parse(text, languages=_languages(locale), settings=_settings(tz, now))
    return None if result is None else result.astimezone(UTC)


@pytest.mark.parametrize(
    ("text", "lang", "fragment", "expected"),
    [
        ("Позвонить Ивану завтра в 15:00", "ru", "завтра в 15:00", datetime(2026, 11, 28, 15)),
        ("Позвонить сегодня 18:30", "ru", "сегодня 18:30", datetime(2026, 11, 27, 18, 30)),
        ("Сдать отчёт послезавтра 9:30", "ru", "послезавтра 9:30", datetime(2026, 11, 29, 9, 30)),
        ("Сдать отчёт до завтра 10:00", "ru", "до завтра 10:00", datetime(2026, 11, 28, 10)),
        ("Сдать отчёт к завтра, 10:00", "ru", "к завтра, 10:00", datetime(2026, 11, 28, 10)),
        ("Отчёт 31.12 18:00", "ru", "31.12 18:00", datetime(2026, 12, 31, 18)),
        ("Отчёт на 31.12 в 18:00", "ru", "на 31.12 в 18:00", datetime(2026, 12, 31, 18)),
        ("Отчёт 01.02.2027 9:00", "ru", "01.02.2027 9:00", datetime(2027, 2, 1, 9)),
        ("Отчёт 1/2/27 9:00", "ru", "1/2/27 9:00", datetime(2027, 2, 1, 9)),
        ("Позвонить Ивану в 15:00", "ru", "в 15:00", datetime(2026, 11, 27, 15)),
        ("Call Ivan tomorrow at 3pm", "en", "tomorrow at 3pm", datetime(2026, 11, 28, 15)),
        ("Call Ivan tomorrow 3 pm", "en", "tomorrow 3 pm", datetime(2026, 11, 28, 15)),
        ("Call Ivan TODAY at 12:30PM", "en", "TODAY at 12:30PM", datetime(2026, 11, 27, 12, 30)),
        ("Call Ivan today 10am", "en", "today 10am", datetime(2026, 11, 27, 10)),
        ("Call Ivan tomorrow 12am", "en", "tomorrow 12am", datetime(2026, 11, 28, 0)),
        (
            "Call Ivan the day after tomorrow 10:00",
            "en",
            "the day after tomorrow 10:00",
            datetime(2026, 11, 29, 10),
        ),
        ("Send it by tomorrow 9:15am", "en", "by tomorrow 9:15am", datetime(2026, 11, 28, 9, 15)),
        ("Report until 31/12 6pm", "en", "until 31/12 6pm", datetime(2026, 12, 31, 18)),
        ("Call Ivan at 3pm", "en", "at 3pm", datetime(2026, 11, 27, 15)),
        # the language of the words need not be the person's own
        ("Call Ivan завтра в 15:00", "en", "завтра в 15:00", datetime(2026, 11, 28, 15)),
    ],
)
def test_forms_at_the_end(text: str, lang: str, fragment: str, expected: datetime) -> None:
    found = find_when(text, lang, "Europe/Moscow", now=NOW)
    assert found is not None
    assert found.fragment == fragment
    assert local(found.when) == expected


def test_number_before_the_day_word_is_not_the_day() -> None:
    # dateparser read '5 tomorrow 15:00' as tomorrow at the current time (12:00)
    found = find_when("Bench task 5 tomorrow 15:00", "en", "Europe/Moscow", now=NOW)
    assert found is not None
    assert found.fragment == "tomorrow 15:00"
    assert local(found.when) == datetime(2026, 11, 28, 15, 0)


def test_fragment_is_the_phrase_as_written() -> None:
    text = "Call  Ivan  tomorrow   at 3pm."
    found = find_when(text, "en", "Europe/Moscow", now=NOW)
    assert found is not None
    assert found.fragment == "tomorrow   at 3pm"
    assert found.fragment in text
    assert local(found.when) == datetime(2026, 11, 28, 15, 0)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("завтра в 15:00", "ru", datetime(2026, 11, 28, 15)),
        ("Послезавтра 9:30", "ru", datetime(2026, 11, 29, 9, 30)),
        ("до завтра 15:00", "ru", datetime(2026, 11, 28, 15)),
        ("31.12 18:00", "ru", datetime(2026, 12, 31, 18)),
        ("01.02 18:00", "ru", datetime(2027, 2, 1, 18)),  # dateparser could not read this one
        ("31.12.26 18:00", "ru", datetime(2026, 12, 31, 18)),
        ("в 15:00", "ru", datetime(2026, 11, 27, 15)),
        ("tomorrow 3pm", "en", datetime(2026, 11, 28, 15)),
        ("day after tomorrow 10:00", "en", datetime(2026, 11, 29, 10)),
        ("at 12:30pm", "en", datetime(2026, 11, 27, 12, 30)),
        ("15:00", "en", datetime(2026, 11, 27, 15)),
    ],
)
def test_whole_answer(text: str, lang: str, expected: datetime) -> None:
    assert local(parse_when(text, lang, "Europe/Moscow", now=NOW)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Позвонить в 15:00", datetime(2026, 11, 27, 15)),
        ("Позвонить в 11:00", datetime(2026, 11, 28, 11)),  # 11:00 has passed today
        ("Call Ivan at 11:59am", datetime(2026, 11, 28, 11, 59)),
        ("Call Ivan at 12:00", datetime(2026, 11, 27, 12)),  # this very minute is not past
        ("Call Ivan at 12:01", datetime(2026, 11, 27, 12, 1)),
        ("Call Ivan 11:00", datetime(2026, 11, 28, 11)),  # a bare time at the end counts too
        ("Call Ivan 3pm", datetime(2026, 11, 27, 15)),
    ],
)
def test_time_alone_is_the_next_such_moment(text: str, expected: datetime) -> None:
    # dateparser compared the time with "now" shifted by the zone's offset (+3 h here)
    # and gave tomorrow for 12:00-14:59 today
    found = find_when(text, "ru", "Europe/Moscow", now=NOW)
    assert found is not None
    assert local(found.when) == expected
    assert local(parse_when(found.fragment, "ru", "Europe/Moscow", now=NOW)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Отчёт 27.11 12:01", datetime(2026, 11, 27, 12, 1)),
        ("Отчёт 27.11 12:00", datetime(2026, 11, 27, 12, 0)),  # now: due now, not next year
        ("Отчёт 26.11 18:00", datetime(2026, 11, 26, 18, 0)),  # yesterday: overdue
        ("Отчёт 27.10 18:00", datetime(2027, 10, 27, 18, 0)),  # a month ago: next year's
        ("Отчёт 01.02.2020 18:00", datetime(2020, 2, 1, 18, 0)),  # a year given is kept
    ],
)
def test_date_without_a_year_is_the_next_one_unless_just_past(
    text: str, expected: datetime
) -> None:
    found = find_when(text, "ru", "Europe/Moscow", now=NOW)
    assert found is not None
    assert local(found.when) == expected


def test_wall_clock_across_dst() -> None:
    # Saturday 7 March 2026, 12:00 in New York (EST, -5); clocks go forward on Sunday
    spring = datetime(2026, 3, 7, 17, 0, tzinfo=UTC)
    found = find_when("Call Ivan tomorrow at 3pm", "en", "America/New_York", now=spring)
    assert found is not None
    assert found.when == datetime(2026, 3, 8, 19, 0, tzinfo=UTC)  # 15:00 EDT, -4
    assert local(found.when, NY) == datetime(2026, 3, 8, 15, 0)
    # dateparser kept Saturday's offset and answered 16:00 EDT
    assert dateparser_find("Call Ivan tomorrow at 3pm", "en", "America/New_York", spring) != found
    found = find_when("Call Ivan at 9:00", "en", "America/New_York", now=spring)
    assert found is not None and found.when == datetime(2026, 3, 8, 13, 0, tzinfo=UTC)
    when = parse_when("08.03 9:00", "en", "America/New_York", now=spring)
    assert when == datetime(2026, 3, 8, 13, 0, tzinfo=UTC)

    # Saturday 31 October 2026, 12:00 (EDT, -4); clocks go back on Sunday
    autumn = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
    when = parse_when("завтра в 15:00", "ru", "America/New_York", now=autumn)
    assert when == datetime(2026, 11, 1, 20, 0, tzinfo=UTC)  # 15:00 EST, -5
    assert local(when, NY) == datetime(2026, 11, 1, 15, 0)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Call tomorrow 13pm", "en"),
        ("Call tomorrow 0am", "en"),
        ("Отчёт 31.02 18:00", "ru"),
        ("Отчёт 29.02.2027 18:00", "ru"),
        ("Сдать отчёт завтра", "ru"),  # a day without a time
        ("Call Ivan tomorrow 3pm and Anna", "en"),  # not at the end
        ("Standup 10:00-11:00", "en"),  # not a word of its own
        ("Version 1.2.3 15:00", "en"),
        # a time alone after a word of a longer date phrase
        ("Позвонить в пятницу в 10:00", "ru"),
        ("Позвонить 5 декабря в 15:00", "ru"),
        ("Call Ivan next Friday at 3pm", "en"),
        ("Call Ivan Dec 5 at 3pm", "en"),
        ("Call Ivan in 2 days at 3pm", "en"),
        ("Купить 5 тетрадей в 10 классе", "ru"),  # no time of day: nothing changed
        ("Опрос до 5 человек", "ru"),
    ],
)
def test_everything_else_is_dateparsers(text: str, lang: str) -> None:
    assert find_when(text, lang, "Europe/Moscow", now=NOW) == dateparser_find(
        text, lang, "Europe/Moscow", NOW
    )


def test_longer_phrases_still_read_whole() -> None:
    found = find_when("Позвонить в пятницу в 10:00", "ru", "Europe/Moscow", now=NOW)
    assert found is not None and local(found.when) == datetime(2026, 12, 4, 10, 0)
    found = find_when("Call Ivan Dec 5 at 3pm", "en", "Europe/Moscow", now=NOW)
    assert found is not None and local(found.when) == datetime(2026, 12, 5, 15, 0)


@pytest.mark.parametrize("text", ["завтра 13pm", "31.02 10:00", "29.02 10:00"])
def test_impossible_values_are_left_to_dateparser(text: str) -> None:
    expected = dateparser_parse(text, "ru", "Europe/Moscow", NOW)
    if expected is None:
        with pytest.raises(DomainError):
            parse_when(text, "ru", "Europe/Moscow", now=NOW)
    else:
        assert parse_when(text, "ru", "Europe/Moscow", now=NOW) == expected


@pytest.mark.parametrize(
    ("text", "lang", "tz"),
    [
        ("Позвонить Ивану завтра в 15:00", "ru", "Europe/Moscow"),
        ("Позвонить сегодня в 18:00", "ru", "Europe/Moscow"),
        ("Call Ivan tomorrow at 3pm", "en", "Europe/Moscow"),
        ("Call Ivan tomorrow at 12:30pm", "en", "Europe/Berlin"),
        ("Report 01.02.2027 18:00", "en", "Asia/Almaty"),
        ("Call Ivan at 11:00", "en", "UTC"),
        ("Call Ivan 3pm", "en", "UTC"),
    ],
)
def test_same_answer_as_dateparser_where_it_is_right(text: str, lang: str, tz: str) -> None:
    assert find_when(text, lang, tz, now=NOW) == dateparser_find(text, lang, tz, NOW)
    fragment = dateparser_find(text, lang, tz, NOW)
    assert fragment is not None
    assert parse_when(fragment.fragment, lang, tz, now=NOW) == dateparser_parse(
        fragment.fragment, lang, tz, NOW
    )


@pytest.mark.parametrize(
    ("text", "lang"),
    [("31.12 18:00", "ru"), ("27.11 10:00", "ru"), ("tomorrow 3pm", "en"), ("12am", "en")],
)
def test_whole_answer_same_as_dateparser(text: str, lang: str) -> None:
    assert parse_when(text, lang, "UTC", now=NOW) == dateparser_parse(text, lang, "UTC", NOW)


@pytest.mark.parametrize(
    ("text", "lang", "expected", "fragment"),
    [
        ("Сдать отчёт послезавтра в 10", "ru", datetime(2026, 11, 29, 10, 0), "послезавтра в 10"),
        ("Позвонить Иванову в 15", "ru", datetime(2026, 11, 27, 15, 0), "в 15"),
        (
            "Позвонить Петрову завтра в 9 утра",
            "ru",
            datetime(2026, 11, 28, 9, 0),
            "завтра в 9 утра",
        ),
        ("Отчёт в 7 вечера", "ru", datetime(2026, 11, 27, 19, 0), "в 7 вечера"),
        ("Дежурство завтра в 11 ночи", "ru", datetime(2026, 11, 28, 23, 0), "завтра в 11 ночи"),
        ("Позвонить Ли сегодня вечером", "ru", datetime(2026, 11, 27, 19, 0), "сегодня вечером"),
        # "this evening" is "сегодня вечером", "this afternoon" "сегодня днём"
        ("Call Lee this evening", "en", datetime(2026, 11, 27, 19, 0), "this evening"),
        ("Call Lee this afternoon", "en", datetime(2026, 11, 27, 14, 0), "this afternoon"),
        ("Ship at 9", "en", datetime(2026, 11, 28, 9, 0), "at 9"),  # 09:00 has passed today
        ("Call John at 5", "en", datetime(2026, 11, 27, 17, 0), "at 5"),  # working hours
        ("Сдать 5 задач в 2", "ru", datetime(2026, 11, 27, 14, 0), "в 2"),
        ("Выкатить завтра в 12 ночи", "ru", datetime(2026, 11, 28, 0, 0), "завтра в 12 ночи"),
        ("Созвон завтра в 2 ночи", "ru", datetime(2026, 11, 28, 2, 0), "завтра в 2 ночи"),
        ("Call Kim tomorrow morning", "en", datetime(2026, 11, 28, 9, 0), "tomorrow morning"),
        # a weekday and an hour: the coming one (today's while the hour is ahead)
        ("Позвонить в пятницу в 15", "ru", datetime(2026, 11, 27, 15, 0), "в пятницу в 15"),
        (
            "Созвон в понедельник в 10 утра",
            "ru",
            datetime(2026, 11, 30, 10, 0),
            "в понедельник в 10 утра",
        ),
        ("Обед в пятницу в 11", "ru", datetime(2026, 12, 4, 11, 0), "в пятницу в 11"),
        ("Call on monday at 9", "en", datetime(2026, 11, 30, 9, 0), "on monday at 9"),
        # an hour after a date is that day's time, not a year ("15 декабря в 10")
        ("Позвонить 15 декабря в 10", "ru", datetime(2026, 12, 15, 10, 0), "15 декабря в 10:00"),
        (
            "Договор до 10 декабря в 12",
            "ru",
            datetime(2026, 12, 10, 12, 0),
            "до 10 декабря в 12:00",
        ),
        ("Позвонить 30.11 в 11", "ru", datetime(2026, 11, 30, 11, 0), "30.11 в 11:00"),
        ("Call Dec 3 at 2", "en", datetime(2026, 12, 3, 14, 0), "Dec 3 at 14:00"),
        # an hour with "часа"/"часов" is a time of day, not "in N hours"
        ("Позвонить в 3 часа дня", "ru", datetime(2026, 11, 27, 15, 0), "в 15:00"),
        ("Позвонить в 15 часов", "ru", datetime(2026, 11, 27, 15, 0), "в 15:00"),
        ("Позвонить завтра в 3 часа дня", "ru", datetime(2026, 11, 28, 15, 0), "завтра в 15:00"),
        # "к 10 вечера", "завтра до 12": by then
        ("Отчёт к 10 вечера", "ru", datetime(2026, 11, 27, 22, 0), "к 22:00"),
        ("Отчёт завтра до 12", "ru", datetime(2026, 11, 28, 12, 0), "завтра до 12:00"),
        # a dotted time after a named day, as /event reads it
        ("Сдать завтра 15.00", "ru", datetime(2026, 11, 28, 15, 0), "завтра 15:00"),
    ],
)
def test_spoken_times_are_read_whole(
    text: str, lang: str, expected: datetime, fragment: str
) -> None:
    found = find_when(text, lang, "Europe/Moscow", now=NOW)
    assert found is not None and local(found.when) == expected
    assert found.fragment == fragment


def test_hour_zero_alone_is_no_time() -> None:
    assert find_when("Встреча в 0", "ru", "Europe/Moscow", now=NOW) is None


@pytest.mark.parametrize("text", ["Отчёт завтра в 25:00", "Отчёт завтра в 12:60", "today 25:00"])
def test_a_time_that_cannot_be_is_said_not_replaced_by_now(text: str) -> None:
    """dateparser drops 25:00 and answers with this very minute; the person is told."""
    with pytest.raises(DomainError, match="There is no such time"):
        find_when(text, "ru", "Europe/Moscow", now=NOW)
    with pytest.raises(DomainError, match="There is no such time"):
        parse_when(
            text.split(" ", 1)[1] if text.startswith("Отчёт") else text,
            "ru",
            "Europe/Moscow",
            now=NOW,
        )


BERLIN_FRIDAY_EVENING = datetime(2025, 6, 6, 17, 0, tzinfo=UTC)  # Fri 19:00 in Berlin


def test_second_read_cases_of_spoken_and_odd_times() -> None:
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")

    def when(text: str, lang: str = "ru") -> datetime | None:
        found = find_when(text, lang, "Europe/Berlin", now=BERLIN_FRIDAY_EVENING)
        return None if found is None else found.when.astimezone(berlin).replace(tzinfo=None)

    # a number that is no time of day does not stop the line, nor become "now"
    assert when("Смонтировать ролик 45:30 завтра") == datetime(2025, 6, 7, 19, 0)
    with pytest.raises(DomainError):
        when("Созвон завтра в 25:00")
    # the end of a day that has passed is late tonight, not 18:00 behind us
    assert when("Report by end of day", "en") == datetime(2025, 6, 6, 23, 59)
    # parse_when reads what find_when reads
    assert parse_when(
        "в пятницу в 15", "ru", "Europe/Berlin", now=BERLIN_FRIDAY_EVENING
    ).astimezone(berlin).replace(tzinfo=None) == datetime(2025, 6, 13, 15, 0)
    assert parse_when(
        "в понедельник в 10 утра", "ru", "Europe/Berlin", now=BERLIN_FRIDAY_EVENING
    ).astimezone(berlin).replace(tzinfo=None) == datetime(2025, 6, 9, 10, 0)


def test_english_slashes_are_month_day_and_a_bare_date_at_the_end_is_read() -> None:
    found = find_when("Report 01/02/27 18:00", "en", "Europe/Moscow", now=NOW)
    assert found is not None and local(found.when) == datetime(2027, 1, 2, 18, 0)
    found = find_when("Отчёт 31.12", "ru", "Europe/Moscow", now=NOW)
    assert found is not None and local(found.when) == datetime(2026, 12, 31, 0, 0)
    assert find_when("Version 1.2.3", "en", "Europe/Moscow", now=NOW) is None
    found = find_when("Report 12/31 18:00", "en", "Europe/Moscow", now=NOW)
    assert found is not None and local(found.when) == datetime(2026, 12, 31, 18, 0)


@pytest.mark.parametrize(
    ("text", "lang", "expected", "fragment"),
    [
        # a number of the title before the date stays in the title
        ("Review PR 42 friday 5pm", "en", datetime(2026, 11, 27, 17, 0), "friday 5pm"),
        ("Book table for 4 friday 7pm", "en", datetime(2026, 11, 27, 19, 0), "friday 7pm"),
        ("Migrate to Python 3 by monday", "en", datetime(2026, 11, 30, 0, 0), "by monday"),
        ("Call Bob re invoice 4521 by Dec 5", "en", datetime(2026, 12, 5, 0, 0), "by Dec 5"),
        ("Upgrade to v2 friday 5pm", "en", datetime(2026, 11, 27, 17, 0), "friday 5pm"),
        ("Client demo2 Dec 3 2:30pm", "en", datetime(2026, 12, 3, 14, 30), "Dec 3 2:30pm"),
        ("Отчёт 26 ноября 15:00", "ru", datetime(2026, 11, 26, 15, 0), "26 ноября 15:00"),
        # written the way people write
        ("Email Sara tomorrow 10 a.m.", "en", datetime(2026, 11, 28, 10, 0), "tomorrow 10am"),
        ("Send report Dec. 4 5pm", "en", datetime(2026, 12, 4, 17, 0), "Dec 4 5pm"),
        ("Send report on Fri. at 5 pm", "en", datetime(2026, 11, 27, 17, 0), "on Fri at 5 pm"),
        ("Send report day after tomorrow", "en", None, "day after tomorrow"),
        ("Plan offsite by the 15th", "en", datetime(2026, 12, 15, 0, 0), "by the 15th"),
    ],
)
def test_the_date_phrase_at_the_end_is_read_whole(
    text: str, lang: str, expected: datetime | None, fragment: str
) -> None:
    found = find_when(text, lang, "Europe/Moscow", now=NOW)
    assert found is not None and found.fragment == fragment
    if expected is None:  # a day without a time: the day is what counts
        assert local(found.when).date() == datetime(2026, 11, 29).date()
    else:
        assert local(found.when) == expected


@pytest.mark.parametrize("text", ["Order 24/7 support plan", "Review the 2027 budget"])
def test_no_date_in_an_idiom_or_a_year(text: str) -> None:
    assert find_when(text, "en", "Europe/Moscow", now=NOW) is None
