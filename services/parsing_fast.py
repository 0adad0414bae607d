"""Dates and times read without dateparser, which costs 0.5-0.8 ms a call and misreads
some of them: the written forms people type most ("завтра 15:00", "31.12 18:00", "3pm"),
a day of the month ("до 15 числа", "by the 15th"), the end of a day, week or month
("EOD", "до конца недели"); and the words a date phrase is made of."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.errors import N_, DomainError

_MONTHS = (
    r"января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря|"
    r"янв|фев|мар|апр|июн|июл|авг|сен|сент|окт|ноя|дек|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_MONTH_WORD = re.compile(_MONTHS, re.IGNORECASE)


_MONTH_NUMBERS = {
    **dict.fromkeys(("янв", "jan"), 1),
    **dict.fromkeys(("фев", "feb"), 2),
    **dict.fromkeys(("мар", "mar"), 3),
    **dict.fromkeys(("апр", "apr"), 4),
    **dict.fromkeys(("мая", "may"), 5),
    **dict.fromkeys(("июн", "jun"), 6),
    **dict.fromkeys(("июл", "jul"), 7),
    **dict.fromkeys(("авг", "aug"), 8),
    **dict.fromkeys(("сен", "sep"), 9),
    **dict.fromkeys(("окт", "oct"), 10),
    **dict.fromkeys(("ноя", "nov"), 11),
    **dict.fromkeys(("дек", "dec"), 12),
}
_NTH = r"(?:st|nd|rd|th|-?го|-?е)?"
_SAID_YEAR = r"(?:,?\s+(?P<{name}>\d{{4}})(?![\w.:]))?"
# a day written with its month in words, in either order: "31 апреля", "April 31st",
# "the 30th of Feb 2027"
_DAY_IN_WORDS = re.compile(
    rf"(?<![\w.,:])(?P<d>\d{{1,2}}){_NTH}\s+(?:of\s+)?(?P<mo>{_MONTHS})\.?(?!\w)"
    + _SAID_YEAR.format(name="y")
    + rf"|(?<!\w)(?P<mo2>{_MONTHS})\.?\s+(?P<d2>\d{{1,2}}){_NTH}(?![\w:]|[.,]\d)"
    + _SAID_YEAR.format(name="y2"),
    re.IGNORECASE,
)


def refuse_impossible_day(text: str) -> None:
    """A day its month does not have, written with the month in words ("31 апреля",
    "Feb 30", "32 января"), is refused by name: dateparser would keep the month alone
    (today's day of it) or read the number as a year."""
    for match in _DAY_IN_WORDS.finditer(text):
        word = (match["mo"] or match["mo2"]).casefold()
        if word == "may":  # English "may" is a verb as often: "5 may be late"
            continue
        month = _MONTH_NUMBERS[word[:3]]
        year = match["y"] or match["y2"]
        days = calendar.monthrange(2000, month)[1]  # a leap year: 29 February may be
        if month == 2 and year is not None and not calendar.isleap(int(year)):
            days = 28
        if not 1 <= int(match["d"] or match["d2"]) <= days:
            raise DomainError(N_("There is no such date: {text}."), text=match.group(0))


YEARS_AROUND = 100  # a date further from today is a slip: "01.01.0001", "31.12.9999"


def sensible_year(year: int, text: str, now: datetime | None) -> int:
    """The year of a date said, refused when it is more than a hundred years from
    today's (a deadline or a meeting then is a slip of the finger, and Python's dates
    end in 9999)."""
    if abs(year - (now or datetime.now(UTC)).year) > YEARS_AROUND:
        raise DomainError(
            N_("The date {text} is too far off: give one within 100 years of today."),
            text=text.strip(),
        )
    return year


def said_year(year: str, text: str, now: datetime | None) -> int:
    """A year as typed ("27" is 2027, "0001" is the year 1), checked by sensible_year."""
    return sensible_year(int(year) + (2000 if len(year) == 2 else 0), text, now)


@dataclass(frozen=True, slots=True)
class Found:
    when: datetime
    fragment: str


# -- fast path ------------------------------------------------------------------
# The forms people type most, read without dateparser: it costs 0.5-0.8 ms a call
# and misreads some of them ("task 5 tomorrow 15:00" becomes tomorrow at the current
# time; a time alone is compared with "now" shifted by the zone's UTC offset; a
# wall-clock time across a DST change keeps today's offset). Anything else, and any
# impossible value (25:00, 31.02, 13pm), goes to dateparser unchanged.

_PREFIX = r"(?:(?P<prefix>by|until|till|at|до|к|в|на)\s+)?"
_DAY = (
    r"(?:(?P<rel>today|tomorrow|(?:the\s+)?day\s+after\s+tomorrow|сегодня|завтра|послезавтра"
    r"|yesterday|вчера|позавчера)"
    r"|(?P<d>\d{1,2})(?P<sep>[./])(?P<mo>\d{1,2})(?:(?P=sep)(?P<y>\d{4}|\d{2}))?"
    # a day of the month without its month: "on the 10th", "10-го", "10 числа"
    r"|(?:on\s+)?(?:the\s+)?(?P<dom>\d{1,2})(?:st|nd|rd|th|-?(?:го|е|ое)(?:\s+числа)?|\s+числ[ау]))"
    r",?\s+(?:(?:at|в|by|until|till|до|к)\s+)?"
)
# 15:00, 9:30, 12:30pm, 3pm, 3 pm, 10am; 15.00 is not a time here (it reads as a date)
_TIME = r"(?:(?P<h>\d{1,2}):(?P<m>\d{2})(?:\s?(?P<ap>[ap]m))?|(?P<h12>\d{1,2})\s?(?P<ap12>[ap]m))"
_FAST = rf"{_PREFIX}(?:{_DAY})?{_TIME}"
_FAST_WHOLE = re.compile(_FAST, re.IGNORECASE)
_FAST_TAIL = re.compile(rf"(?<!\S)(?P<fragment>{_FAST})[\s.!]*\Z", re.IGNORECASE)
_RELATIVE_DAYS = {
    "today": 0,
    "сегодня": 0,
    "this": 0,  # "this evening"
    "tomorrow": 1,
    "завтра": 1,
    "послезавтра": 2,
    "yesterday": -1,
    "вчера": -1,
    "позавчера": -2,
}

# a word that may belong to a longer date phrase ending with a time alone
# ("next Friday at 3pm", "5 декабря в 15:00", "завтра вечером в 19:00"): then the
# time alone is not the whole phrase, and dateparser reads the sentence
_DATE_WORD = re.compile(
    r"(?:.*\d|\d{1,2}(?:st|nd|rd|th)"
    r"|(?:mon|tues?|wednes|thurs?|fri|satur|sun)day\w*|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun"
    r"|january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec"
    r"|today|tonight|tomorrow|yesterday|now|noon|midnight|morning|afternoon|evening|night"
    r"|days?|weeks?|weekend|weekday|fortnight|months?|years?|hours?|hrs?|minutes?|mins?"
    r"|next|this|last|coming|ago|after"
    r"|понедельн\w*|вторник\w*|сред[аыуе]|четверг\w*|пятниц\w*|суббот\w*|воскресень\w*"
    r"|пн|вт|ср|чт|пт|сб|вс"
    r"|январ\w*|феврал\w*|март\w*|апрел\w*|ма[йяе]|июн\w*|июл\w*|август\w*|сентябр\w*"
    r"|октябр\w*|ноябр\w*|декабр\w*|янв|фев|мар|апр|авг|сент?|окт|нояб?|дек"
    r"|сегодня|завтра|послезавтра|вчера|позавчера|сейчас|утр\w*|днём|днем|вечер\w*|ноч\w*"
    r"|полд\w*|полноч\w*|день|дня|дней|недел\w*|месяц\w*|год\w*|лет|час\w*|минут\w*|мин"
    r"|через|после|следующ\w*|эт(?:от|у|а|ой|ом)|прошл\w*|ближайш\w*|выходн\w*|будн\w*)",
    re.IGNORECASE,
)


def _clock(match: re.Match[str]) -> tuple[int, int] | None:
    """Hour and minute, or None for an impossible time (25:00, 13pm, 0am)."""
    if match["h12"] is not None:
        hour, minute, meridiem = int(match["h12"]), 0, match["ap12"]
    else:
        hour, minute, meridiem = int(match["h"]), int(match["m"]), match["ap"]
    if minute > 59:
        return None
    if meridiem is None:
        return (hour, minute) if hour <= 23 else None
    if not 1 <= hour <= 12:
        return None
    return (hour % 12 + (12 if meridiem.lower() == "pm" else 0), minute)


RECENT_PAST = timedelta(days=30)
# "10.12" alone is the 10th of December (dateparser reads a time, 10:12, into it)
_DATE_ONLY = re.compile(
    r"(?P<d>\d{1,2})(?P<sep>[./])(?P<mo>\d{1,2})(?:(?P=sep)(?P<y>\d{4}|\d{2}))?"
)


_DATE_TAIL = re.compile(
    r"(?<!\S)(?P<fragment>(?:(?:by|until|till|on|до|к)\s+)?"
    r"(?P<d>\d{1,2})(?P<sep>[./])(?P<mo>\d{1,2})(?:(?P=sep)(?P<y>\d{4}|\d{2}))?)[\s.!]*\Z",
    re.IGNORECASE,
)


def _day_only(match: re.Match[str], tz: str, now: datetime | None) -> datetime | None:
    """The start of the day a bare "dd.mm" names, this year's or, long past, next
    year's (as the fast path reads dates); None for no such date (then a time?)."""
    zone = ZoneInfo(tz)
    current = (now or datetime.now(UTC)).astimezone(zone)
    day_, month = int(match["d"]), int(match["mo"])
    try:
        if match["y"] is not None:
            year = said_year(match["y"], match.group(0), now)
            return datetime(year, month, day_, tzinfo=zone).astimezone(UTC)
        local = datetime(current.year, month, day_, tzinfo=zone)
    except ValueError:
        return None
    if local.date() < (current - RECENT_PAST).date():
        local = local.replace(year=current.year + 1)
    return local.astimezone(UTC)


def _fast(match: re.Match[str], tz: str, now: datetime | None) -> datetime | None:
    """The UTC moment the matched phrase names in zone tz, or None to ask dateparser."""
    clock = _clock(match)
    if clock is None:
        return None
    zone = ZoneInfo(tz)
    current = (now or datetime.now(UTC)).astimezone(zone)
    today = current.date()
    try:
        if match["rel"] is not None:
            word = " ".join(match["rel"].lower().split())
            day = today + timedelta(days=_RELATIVE_DAYS.get(word, 2))  # (the) day after tomorrow
            local = datetime.combine(day, time(*clock), zone)
        elif match["d"] is not None:
            day_, month = int(match["d"]), int(match["mo"])
            if match["y"] is not None:
                year = said_year(match["y"], match.group(0), now)
                local = datetime(year, month, day_, *clock, tzinfo=zone)
            else:
                local = datetime(today.year, month, day_, *clock, tzinfo=zone)
                if local <= current - RECENT_PAST:
                    # long past this year: next year's. A date of the last weeks stays
                    # (and shows as overdue): a slip of the finger, not a year ahead
                    local = local.replace(year=today.year + 1)
        elif match["dom"] is not None:  # the coming one: next month's once it has passed
            if not 1 <= int(match["dom"]) <= 31:
                return None
            day = _next_day_of_month(int(match["dom"]), tz, now).astimezone(zone).date()
            local = datetime.combine(day, time(*clock), zone)
        else:
            local = datetime.combine(today, time(*clock), zone)
            if local < current:
                local = datetime.combine(today + timedelta(days=1), time(*clock), zone)
    except ValueError:  # 31.02, 29.02 outside a leap year
        return None
    return local.astimezone(UTC)


def _fast_tail(text: str, tz: str, now: datetime | None) -> Found | None:
    match = _FAST_TAIL.search(text)
    if match is None:
        return None
    before = text[: match.start()].split()
    last = before[-1].strip(".,;:!?()[]«»\"'") if before else ""
    if match["rel"] is None and match["d"] is None and match["dom"] is None:
        if last and _DATE_WORD.fullmatch(last):
            return None
    if match["dom"] is not None and _MONTH_WORD.fullmatch(last):
        return None  # "December 15th at 2:30pm": the month is said, dateparser reads it
    when = _fast(match, tz, now)
    return None if when is None else Found(when=when, fragment=match["fragment"])


# "до 15 числа", "к 5 числу", "к 5-му", "до 20-го": the coming day of the month
_DAY_OF_MONTH = (
    r"(?:(?:до|к|на|by)\s+)?(?P<dm>\d{1,2})(?:-?(?:го|е|му|ое))?\s+числ[ау]"
    r"|(?:до|к|на)\s+(?P<dm2>\d{1,2})-?(?:го|му|е)"
)
_DAY_OF_MONTH_TAIL = re.compile(rf"(?<!\S)(?P<fragment>{_DAY_OF_MONTH})[\s.!]*\Z", re.IGNORECASE)


def _day_of_month(match: re.Match[str], tz: str, now: datetime | None) -> datetime | None:
    number = int(match["dm"] or match["dm2"])
    return _next_day_of_month(number, tz, now) if 1 <= number <= 31 else None


def _next_day_of_month(day_: int, tz: str, now: datetime | None) -> datetime:
    zone = ZoneInfo(tz)
    current = (now or datetime.now(UTC)).astimezone(zone)
    year, month = current.year, current.month
    for _ in range(13):  # the next month that has that day (the 31st skips short ones)
        try:
            local = datetime(year, month, day_, tzinfo=zone)
        except ValueError:
            local = None
        if local is not None and local.date() >= current.date():
            return local.astimezone(UTC)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise DomainError(N_("There is no such date: {text}."), text=f"{day_}")


_END = (
    r"(?:(?:до|к|by|until|till|before)\s+)?(?:the\s+)?(?:конц[ау]|end\s+of(?:\s+the)?)\s+"
    r"(?P<what>дня|недели|месяца|day|week|month|business)"
    r"|(?:(?:by|until|till|before)\s+)?(?P<abbr>eod|cob|eow|eom|close\s+of\s+business)"
    r"|(?:до|к|by|until|till|before)\s+(?:the\s+)?(?P<before>выходн(?:ых|ым)|weekend)"
    r"|(?P<weekend>(?:this|on\s+the|over\s+the|during\s+the)\s+weekend"
    r"|на\s+(?:(?:этих|ближайших)\s+)?выходных)"
)
_END_OF = re.compile(_END, re.IGNORECASE)
_END_OF_TAIL = re.compile(rf"(?<!\S)(?P<fragment>{_END})[\s.!]*\Z", re.IGNORECASE)
WORKDAY_END = 18  # "by the end of the day": the working day's


_END_WORDS = {
    "eod": "day",
    "cob": "day",
    "close of business": "day",
    "business": "day",
    "eow": "week",
    "eom": "month",
}


def _end_what(match: re.Match[str]) -> str:
    """What an end-of phrase ends: "by EOD" the day, "до выходных" the week (its
    Friday), "на выходных" the weekend (its Sunday); "конца месяца" the month."""
    if match["weekend"]:
        return "weekend"
    if match["before"]:
        return "week"
    word = " ".join((match["what"] or match["abbr"]).casefold().split())
    return _END_WORDS.get(word, word)


def _end_of(what: str, tz: str, now: datetime | None) -> datetime:
    """The end of this working day, week (Friday), weekend (Sunday) or month, 18:00 in
    zone tz; one that has passed moves on (the next Friday; tonight, late)."""
    zone = ZoneInfo(tz)
    current = (now or datetime.now(UTC)).astimezone(zone)
    what = what.casefold()
    if what == "weekend":
        day = current.date() + timedelta(days=(6 - current.weekday()) % 7)
        local = datetime.combine(day, time(WORKDAY_END), zone)
        if local <= current:
            local = current.replace(hour=23, minute=59, second=0, microsecond=0)
    elif what in ("недели", "week"):
        day = current.date() + timedelta(days=(4 - current.weekday()) % 7)
        local = datetime.combine(day, time(WORKDAY_END), zone)
        if local <= current:
            local = datetime.combine(day + timedelta(days=7), time(WORKDAY_END), zone)
    elif what in ("месяца", "month"):
        last = calendar.monthrange(current.year, current.month)[1]
        local = datetime.combine(current.date().replace(day=last), time(WORKDAY_END), zone)
        if local <= current:
            local = current.replace(hour=23, minute=59, second=0, microsecond=0)
    else:
        local = datetime.combine(current.date(), time(WORKDAY_END), zone)
        if local <= current:
            local = current.replace(hour=23, minute=59, second=0, microsecond=0)
    return local.astimezone(UTC)
