"""Natural-language input: dates and times people type, in their language and zone."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import dateparser
from dateparser.search import search_dates

from services.errors import N_, DomainError

DATE_EXAMPLES = {
    "ru": "завтра в 15:00, в пятницу, через 2 часа, 31.12 18:00",
    "en": "tomorrow 3pm, next fri 10am, in 2 hours, Dec 31 18:00",
}


def _settings(tz: str, now: datetime | None) -> dict[str, Any]:
    zone = ZoneInfo(tz)
    base = (now or datetime.now(UTC)).astimezone(zone).replace(tzinfo=None)
    return {
        "TIMEZONE": tz,
        "TO_TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": base,
        "DATE_ORDER": "DMY",
    }


def _languages(locale: str) -> list[str]:
    # people mix languages; their own goes first
    return ["ru", "en"] if locale == "ru" else ["en", "ru"]


# dateparser knows "в пятницу" but not "к пятнице" / "до пятницы"
_RU_DAYS = {
    "понедельник": ("понедельнику", "понедельника"),
    "вторник": ("вторнику", "вторника"),
    "среду": ("среде", "среды"),
    "четверг": ("четвергу", "четверга"),
    "пятницу": ("пятнице", "пятницы"),
    "субботу": ("субботе", "субботы"),
    "воскресенье": ("воскресенью", "воскресенья"),
}
_RU_DAY_FORMS = [
    (re.compile(rf"\b(?:к|ко)\s+{dat}\b|\bдо\s+{gen}\b", re.IGNORECASE), acc)
    for acc, (dat, gen) in _RU_DAYS.items()
]
_BARE_GENITIVE = {gen: acc for acc, (_dat, gen) in _RU_DAYS.items()}


_US_DATE = re.compile(r"(?<![\d./])(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?(?![\d/])")


_MONTHS = (
    r"января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря|"
    r"янв|фев|мар|апр|июн|июл|авг|сен|сент|окт|ноя|дек|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
# an hour said, not written: "в 3 часа дня", "в 15 часов", "к 10 вечера", "at 9 am"
_SAID_CLOCK = re.compile(
    r"(?<!\S)(?P<prep>в|во|к|до|at|by|until|till)\s+(?P<h>\d{1,2})"
    r"(?:\s*(?P<hours>(?:часа|часов|час|ч|o'clock)\b\.?))?(?:\s*(?P<part>утра|дня|вечера|ночи|am|pm))?"
    r"(?![\d:.]|\s*(?:минут|мин|min|hours?|часа|часов))",
    re.IGNORECASE,
)
# a date just before it: then a bare hour is that day's time ("15 декабря в 10")
_DATE_BEFORE = re.compile(
    rf"(?:\b\d{{1,2}}\s+(?:{_MONTHS})\.?|\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?"
    r"|\b\d{1,2}[./]\d{1,2}(?:[./]\d{2,4})?)[,\s]*\Z",
    re.IGNORECASE,
)
# a day named in words just before it ("завтра до 12")
_NAMED_BEFORE = re.compile(
    r"\b(?:today|tomorrow|сегодня|завтра|послезавтра|понедельник|вторник|среду|четверг|"
    r"пятницу|субботу|воскресенье|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"[,\s]*\Z",
    re.IGNORECASE,
)


# a day named in words just after it ("в 10 в пятницу", "at 10 on friday"): then the
# hour is that day's time, not the 10th of the month
_NAMED_AFTER = re.compile(
    r"[,\s]+(?:(?:в|во|on)\s+)?(?:today|tomorrow|сегодня|завтра|послезавтра|понедельник|"
    r"вторник|среду|четверг|пятницу|субботу|воскресенье|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday)\b",
    re.IGNORECASE,
)


_DOTTED_MERIDIEM = re.compile(r"(?<=\d)\s*([ap])\.m\.?(?!\w)", re.IGNORECASE)
_ABBREVIATION_DOT = re.compile(
    r"\b(jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|mon|tue|tues|wed|thu|thur|thurs|"
    r"fri|sat|sun)\.(?=\s|$)",
    re.IGNORECASE,
)


_NAMED_DAY_DOTTED = re.compile(
    r"\b(?P<day>today|tomorrow|сегодня|завтра|послезавтра)\s+(?P<at>(?:в|at)\s+)?"
    r"(?P<h>\d{1,2})\.(?P<m>\d{2})(?![\d.])",
    re.IGNORECASE,
)


def _dotted_clock(match: re.Match[str]) -> str:
    if int(match["h"]) > 23 or int(match["m"]) > 59:
        return match.group(0)
    return f"{match['day']} {match['at'] or ''}{match['h']}:{match['m']}"


_SAID_LAST = re.compile(r"\s*(?:[,.;!?)]|$)")


def _said_clock(match: re.Match[str]) -> str:
    """Only what the other readers miss: an hour with "часа"/"o'clock", a bare hour
    after a date ("15 декабря в 10", "30.11 в 11") or before a day ("в 10 в пятницу"),
    and "к 10 вечера"/"завтра до 12"
    ("в 9 утра", "at 3pm", "в пятницу в 15" are read whole elsewhere, as written)."""
    before = match.string[: match.start()]
    dated = _DATE_BEFORE.search(before) is not None
    if match["hours"]:
        wanted = True
    elif match["prep"].lower() in ("в", "во", "at"):
        # "Dec 5 at 3pm" is dateparser's, as written
        named = _NAMED_AFTER.match(match.string, match.end()) is not None
        wanted = (dated or named) and (match["part"] or "").lower() not in ("am", "pm")
    else:  # к, до, by, until, till
        wanted = bool(match["part"]) or dated or _NAMED_BEFORE.search(before) is not None
        # "отчёт до 15", "к 17": at the end of what is said, an hour (a day of the month
        # is said "до 15 числа", "до 15-го", "до 15 декабря")
        ending = _SAID_LAST.match(match.string, match.end()) is not None
        wanted = wanted or (match["prep"].lower() in ("к", "до") and ending)
    if not wanted:
        return match.group(0)  # "до 5 человек", "в 10 классе": no time of day
    hour = spoken_hour(int(match["h"]), match["part"] or "")
    if hour is None:
        return match.group(0)
    return f"{match['prep']} {hour}:00"


# a range of clocks one side of which has its minutes: "10:00-11", "9-10:30"
_HALF_WRITTEN_RANGE = re.compile(
    r"(?<![\d:./])(?P<h1>\d{1,2})(?::(?P<m1>\d{2}))?\s*[-–—]\s*"
    r"(?P<h2>\d{1,2})(?::(?P<m2>\d{2}))?(?![\d:./])"
)
# or neither, right after a day said in words: "завтра 10-11", "в пятницу 15-16"
_DAY_BEFORE_RANGE = re.compile(
    r"(?<!\w)(?:today|tomorrow|сегодня|завтра|послезавтра|понедельник|вторник|среду|четверг|"
    r"пятницу|субботу|воскресенье|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"пн|вт|ср|чт|пт|сб|вс|mon|tue|wed|thu|fri|sat|sun|\d{1,2}\.\d{1,2}(?:\.\d{2,4})?)"
    r"\.?,?\s+(?:(?:в|с|со|at|from)\s+)?\Z",
    re.IGNORECASE,
)


# "с 10 до 12", "from 9 to 11:30"
_SAID_RANGE = re.compile(
    r"(?<!\S)(?:с|со|from)\s+(?P<h1>\d{1,2})(?:[:.](?P<m1>\d{2}))?\s+(?:до|to|till|until)\s+"
    r"(?P<h2>\d{1,2})(?:[:.](?P<m2>\d{2}))?(?![\d:./])"
    # hours end what is said, or a day follows: "с 1 до 3 пунктов" counts something else
    r"(?=\s*(?:$|[,.;!?)]|(?:today|tomorrow|сегодня|завтра|послезавтра|on|в|во)\b))",
    re.IGNORECASE,
)


def clock_ranges(text: str) -> list[tuple[re.Match[str], tuple[int, int], tuple[int, int]]]:
    """Ranges of clocks in the text ("10:00-11", "9-10:30", "завтра 10-11", "с 10 до 12")
    as (match, start, end); an end before a morning start is the afternoon's ("11:30-1")."""
    out: list[tuple[re.Match[str], tuple[int, int], tuple[int, int]]] = []
    said = list(_SAID_RANGE.finditer(text))
    for match in sorted([*_HALF_WRITTEN_RANGE.finditer(text), *said], key=lambda m: m.start()):
        if out and match.start() < out[-1][0].end():
            continue  # inside a range already read
        written = match["m1"] is not None or match["m2"] is not None
        if match in said and not written and match.group(0)[:1].lower() == "f":
            continue  # "chapters from 1 to 3": numbers; hours are "from 1pm to 3pm"
        if (
            not written
            and match not in said
            and _DAY_BEFORE_RANGE.search(text[: match.start()]) is None
        ):
            continue
        h1, h2 = int(match["h1"]), int(match["h2"])
        m1, m2 = int(match["m1"] or 0), int(match["m2"] or 0)
        if not written:  # bare hours: those of a working day ("с 3 до 5" is 15:00-17:00)
            said1, said2 = spoken_hour(h1, ""), spoken_hour(h2, "")
            if said1 is None or said2 is None:
                continue
            h1, h2 = said1, said2
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            continue
        afternoon = (h2 + 12) * 60 + m2 - (h1 * 60 + m1)
        if (h2, m2) <= (h1, m1) and h2 < 12 and 0 < afternoon <= 4 * 60:
            h2 += 12  # "11:30-1" ends at 13:00; "10:00-09:00" is a slip, left to refuse
        out.append((match, (h1, m1), (h2, m2)))
    return out


def ranges_to_ends(text: str) -> str:
    """A task due in a range of clocks ("завтра 10:00-11") is due at its end."""
    for match, _start, (hour, minute) in reversed(clock_ranges(text)):
        text = text[: match.start()] + f"{hour:02d}:{minute:02d}" + text[match.end() :]
    return text


# "1.12 в 9.30": after a date, a dotted time
_DATE_DOTTED_CLOCK = re.compile(
    r"(?P<date>(?<![\d.])\d{1,2}\.\d{1,2}(?:\.\d{2,4})?)\s+(?P<at>(?:в|во|at)\s+)"
    r"(?P<h>\d{1,2})\.(?P<m>\d{2})(?![\d.])",
    re.IGNORECASE,
)


def _date_dotted_clock(match: re.Match[str]) -> str:
    if int(match["h"]) > 23 or int(match["m"]) > 59:
        return match.group(0)
    return f"{match['date']} {match['at']}{match['h']}:{match['m']}"


def normalize_dates(text: str, locale: str = "") -> str:
    """ "до пятницы", "к пятнице" -> "в пятницу" (what dateparser reads); in English a
    date with slashes is month/day ("12/15" -> "15.12"), dots stay day.month; an hour
    said ("в 3 часа дня", "15 декабря в 10") is written as a clock ("в 15:00")."""
    for pattern, accusative in _RU_DAY_FORMS:
        text = pattern.sub("в " + accusative, text)
    text = _DOTTED_MERIDIEM.sub(lambda m: m.group(1).lower() + "m", text)  # "10 a.m."
    text = _ABBREVIATION_DOT.sub(lambda m: m.group(1), text)  # "Dec. 4", "Fri."
    text = _SAID_CLOCK.sub(_said_clock, text)
    text = _NAMED_DAY_DOTTED.sub(_dotted_clock, text)  # "завтра 15.00" is 15:00
    text = _DATE_DOTTED_CLOCK.sub(_date_dotted_clock, text)  # "1.12 в 9.30" too
    if locale == "en":  # "31/12" is no month/day: it stays day/month
        text = _US_DATE.sub(
            lambda m: (
                f"{m.group(2)}.{m.group(1)}" + (f".{m.group(3)}" if m.group(3) else "")
                if int(m.group(1)) <= 12
                else m.group(0)
            ),
            text,
        )
    return text


def parse_when(text: str, locale: str, tz: str, now: datetime | None = None) -> datetime:
    """A moment from free text, as an aware UTC datetime; DomainError with examples if not."""
    raw = normalize_dates(" ".join(text.split()), locale)
    if raw.casefold() in _BARE_GENITIVE:  # "/away до понедельника": the "до" was the verb's
        raw = "в " + _BARE_GENITIVE[raw.casefold()]
    end = _END_OF.fullmatch(raw)
    if end is not None:
        return _end_of(_end_what(end), tz, now)
    if not raw:
        raise DomainError(
            N_("Give a date and time, for example: {examples}"),
            examples=DATE_EXAMPLES[locale if locale in DATE_EXAMPLES else "en"],
        )
    match = _FAST_WHOLE.fullmatch(raw)
    fast = _fast(match, tz, now) if match else None
    if fast is not None:
        return fast
    alone = _DAY_ALONE.fullmatch(raw)
    if alone is not None:  # dateparser reads "day after tomorrow" as tomorrow
        word = " ".join(alone["rel"].lower().split()).removeprefix("the ")
        # days of the calendar there, not 24 hours: a night the clocks change is shorter
        current = (now or datetime.now(UTC)).astimezone(ZoneInfo(tz))
        day = current.date() + timedelta(days=_RELATIVE_DAYS.get(word, 2))
        return datetime.combine(day, current.time(), ZoneInfo(tz)).astimezone(UTC)
    ordinal = _ORDINAL_ALONE.fullmatch(raw)
    if ordinal is not None:
        return _next_day_of_month(int(ordinal["d"]), tz, now)
    day_of_month = _DAY_OF_MONTH_TAIL.fullmatch(raw)
    if day_of_month is not None and (said := _day_of_month(day_of_month, tz, now)):
        return said
    spoken = _spoken_tail(raw, tz, now)
    if spoken is not None and spoken.fragment == raw.strip():
        return spoken.when  # "в пятницу в 15", "в понедельник в 10 утра", "вечером"...
    dated = _DATE_ONLY.fullmatch(raw)
    day_only = _day_only(dated, tz, now) if dated else None
    if day_only is not None:
        return day_only
    _refuse_bad_clock(raw)
    result = dateparser.parse(raw, languages=_languages(locale), settings=_settings(tz, now))
    lead = _LEADING_BY.match(raw)
    if result is None and lead is not None:  # "до 10 декабря 12:00", "by Dec 5 3pm"
        rest = raw[lead.end() :]
        result = dateparser.parse(rest, languages=_languages(locale), settings=_settings(tz, now))
    if result is None:
        raise DomainError(
            N_("I could not read {text} as a date. Try, for example: {examples}"),
            text=raw,
            examples=DATE_EXAMPLES[locale if locale in DATE_EXAMPLES else "en"],
        )
    return _today_if_named(_recent_past_stays(result.astimezone(UTC), raw, now), raw, tz, now)


_LEADING_BY = re.compile(r"(?:by|until|till|before|due|до|к|не\s+позднее)\s+", re.IGNORECASE)
_DAY_ALONE = re.compile(
    r"(?:(?:by|until|till|on|до|к)\s+)?(?P<rel>today|tomorrow|(?:the\s+)?day\s+after\s+tomorrow|"
    r"сегодня|завтра|послезавтра)",
    re.IGNORECASE,
)
# "by the 15th": the coming 15th (this month's, or next month's once it has passed)
_ORDINAL_ALONE = re.compile(
    r"(?:(?:by|until|till|on|before)\s+)?(?:the\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)", re.IGNORECASE
)


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


_YEAR = re.compile(r"\b(?:19|20)\d{2}\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2}\b")


def _recent_past_stays(when: datetime, fragment: str, now: datetime | None) -> datetime:
    """dateparser moves a date without a year that has passed to next year; one of the
    last weeks ("26 Nov" on 27 Nov) stays in this year and shows as overdue, as the
    fast path does (a year ahead is never what the person meant)."""
    if _YEAR.search(fragment) or _RELATIVE.search(fragment):
        return when  # a year given, or counted ("in a year", "через год")
    current = now or datetime.now(UTC)
    try:
        earlier = when.replace(year=when.year - 1)
    except ValueError:  # 29 February
        return when
    # only a date of this year moved to the next by dateparser, as the fast path reads
    # it: on 5 January, "28 December" is the coming one
    if current - RECENT_PAST < earlier <= current and earlier.year == current.year:
        return earlier
    return when


_WEEKDAY_NAMES = (
    r"mon(?:day)?|понедельник",
    r"tue(?:s|sday)?|вторник",
    r"wed(?:nesday)?|сред[ауы]",
    r"thu(?:rs?|rsday)?|четверг",
    r"fri(?:day)?|пятниц[аыу]",
    r"sat(?:urday)?|суббот[аыу]",
    r"sun(?:day)?|воскресень[ея]",
)
_NEXT = re.compile(r"\bnext\b|следующ|через|\bin\s+\d", re.IGNORECASE)


def _today_if_named(when: datetime, fragment: str, tz: str, now: datetime | None) -> datetime:
    """dateparser reads "friday 17:00" said on a Friday as next week's; while 17:00 is
    still ahead it is today's, as "friday at 5pm" and "в пятницу в 17" are read."""
    zone = ZoneInfo(tz)
    current = (now or datetime.now(UTC)).astimezone(zone)
    local = when.astimezone(zone)
    if local.date() != current.date() + timedelta(days=7) or _NEXT.search(fragment):
        return when
    if not re.search(rf"\b(?:{_WEEKDAY_NAMES[current.weekday()]})\b", fragment, re.IGNORECASE):
        return when
    earlier = (local.replace(tzinfo=None) - timedelta(days=7)).replace(tzinfo=zone)
    return earlier.astimezone(UTC) if earlier > current else when


_RELATIVE = re.compile(
    r"через|спустя|следующ|год|\bin\s+\d|\bin\s+(?:a|one)\b|next|year|ago|назад",
    re.IGNORECASE,
)


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
    r"(?:(?P<rel>today|tomorrow|(?:the\s+)?day\s+after\s+tomorrow|сегодня|завтра|послезавтра)"
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
            year = int(match["y"]) + (2000 if len(match["y"]) == 2 else 0)
            return datetime(year, month, day_, tzinfo=zone).astimezone(UTC)
        local = datetime(current.year, month, day_, tzinfo=zone)
    except ValueError:
        return None
    if local.date() < (current - RECENT_PAST).date():
        local = local.replace(year=current.year + 1)
    return local.astimezone(UTC)


HAS_TIME = re.compile(
    r"\d{1,2}[:.]\d{2}|\d\s*(?:am|pm)\b|\b(?:at|в)\s+\d{1,2}\b|"
    r"hour|minute|\bhrs?\b|\bmins?\b|час|минут|\bмин\b|\bч\b|noon|midnight|полдень|полночь|"
    r"утр|вечер|ноч|дн[её]м|обед|lunch|morning|afternoon|evening|tonight|\bnow\b|сейчас|"
    r"\bend\s+of\b|конц[ау]\s|\b(?:eod|cob|eow|eom)\b|close\s+of\s+business",
    re.IGNORECASE,
)


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


_CLOCK = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])")


_AT_CLOCK = re.compile(
    r"(?:\b(?:в|во|at|до|by|until|till|к|today|tomorrow|сегодня|завтра|послезавтра)\s+)$",
    re.IGNORECASE,
)


def _mask_bad_clocks(text: str) -> str:
    """A time that cannot be is refused where it is said as a time ("в 25:00"); other
    such numbers ("ролик 45:30", a score) are hidden from dateparser, which would drop
    them and answer with this very minute."""
    out = text
    for match in _CLOCK.finditer(text):
        hours, minutes = match.groups()
        if (int(hours) > 23 or int(minutes) > 59) and (hours, minutes) != ("24", "00"):
            if _AT_CLOCK.search(text[: match.start()]):
                raise DomainError(N_("There is no such time: {text}."), text=match.group())
            out = out[: match.start()] + " " * len(match.group()) + out[match.end() :]
    return out


def _refuse_bad_clock(text: str) -> None:
    """dateparser drops a time that cannot be (25:00, 12:60) and answers with the
    current one: say so instead."""
    for hours, minutes in _CLOCK.findall(text):
        if (int(hours) > 23 or int(minutes) > 59) and (hours, minutes) != ("24", "00"):
            raise DomainError(N_("There is no such time: {text}."), text=f"{hours}:{minutes}")


# a day.month that looks like a date: "30.02", "31.11.2026"
_DOTTED_DAY = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})(?:\.(\d{4}|\d{2}))?(?![\d.]*\d)")


def refuse_impossible_date(text: str, locale: str) -> None:
    """A day.month of a month that has no such day (30.02, 31.11) is no date, and is
    said to be so, not left in a task's title in silence."""
    for day, month, year in _DOTTED_DAY.findall(text):
        if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
            continue  # not a date at all ("version 1.15")
        said = int(year) + (2000 if len(year) == 2 else 0) if year else 2000  # a leap year
        if int(day) > calendar.monthrange(said, int(month))[1]:
            raise DomainError(
                N_("I could not read {text} as a date. Try, for example: {examples}"),
                text=".".join(p for p in (day, month, year) if p),
                examples=DATE_EXAMPLES[locale if locale in DATE_EXAMPLES else "en"],
            )


def has_time(fragment: str) -> bool:
    """Whether a date phrase says the time of day too ("завтра в 15", "in 2 hours");
    a date alone ("30.12", "by 31.12.2026") does not, as parse_when reads it."""
    alone = _DATE_TAIL.fullmatch(fragment.strip())
    if alone is not None and 1 <= int(alone["mo"]) <= 12 and 1 <= int(alone["d"]) <= 31:
        return False
    return bool(HAS_TIME.search(fragment))


def is_date_word(word: str) -> bool:
    """Whether a word may belong to a date phrase (a month, a weekday, "tomorrow")."""
    return bool(_DATE_WORD.fullmatch(word.strip(".,;:!?()[]«»\"'")))


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
                year = int(match["y"]) + (2000 if len(match["y"]) == 2 else 0)
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


_NOISE = re.compile(r"^(?:\d{1,2}|[a-zа-яё]{1,2})$", re.IGNORECASE)

# what people say rather than write, at the end of a sentence: "в 15", "at 9",
# "завтра в 9 утра", "в 7 вечера", "сегодня вечером", "tomorrow morning"
_SPOKEN_TAIL = re.compile(
    r"(?<!\S)(?P<fragment>"
    r"(?:(?:(?P<rel>today|tomorrow|(?:the\s+)?day\s+after\s+tomorrow|сегодня|завтра|послезавтра"
    r"|yesterday|вчера|позавчера)"  # a call noted after the fact: "вчера в 15"
    r"|(?:(?:в|во|on)\s+)?(?P<wd>понедельник|вторник|среду|четверг|пятницу|субботу|"
    r"воскресенье|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"mon|tue|wed|thu|fri|sat|sun|пн|вт|ср|чт|пт|сб|вс)\.?)"
    r",?\s+)?"
    r"(?:(?:в|at)\s+(?P<h>\d{1,2})(?:\s*(?P<part>утра|дня|вечера|ночи|am|pm))?"
    r"|(?P<pod>утром|дн[её]м|вечером|ночью|morning|afternoon|evening|tonight"
    r"|к\s+обеду|в\s+обед|к\s+вечеру|by\s+lunch(?:time)?|at\s+lunch(?:time)?"
    r"|(?:в\s+)?(?:полдень|полночь)|(?:at\s+)?(?:noon|midnight))))"
    r"[\s.!]*\Z",
    re.IGNORECASE,
)
_WEEKDAYS = {
    name: day
    for day, names in enumerate(
        (
            ("понедельник", "monday", "mon", "пн"),
            ("вторник", "tuesday", "tue", "вт"),
            ("среду", "wednesday", "wed", "ср"),
            ("четверг", "thursday", "thu", "чт"),
            ("пятницу", "friday", "fri", "пт"),
            ("субботу", "saturday", "sat", "сб"),
            ("воскресенье", "sunday", "sun", "вс"),
        )
    )
    for name in names
}
_PART_OF_DAY = {
    "утром": 9,
    "morning": 9,
    "днём": 14,
    "днем": 14,
    "afternoon": 14,
    "вечером": 19,
    "evening": 19,
    "tonight": 21,
    "ночью": 23,
    # said alone too: no word of a title
    "к обеду": 13,
    "в обед": 13,
    "by lunch": 13,
    "by lunchtime": 13,
    "at lunch": 13,
    "at lunchtime": 13,
    "к вечеру": 18,
    # "завтра в полночь" is the midnight that day begins with, as "завтра в 12 ночи"
    "в полдень": 12,
    "полдень": 12,
    "at noon": 12,
    "noon": 12,
    "в полночь": 0,
    "полночь": 0,
    "at midnight": 0,
    "midnight": 0,
}
_SAID_ALONE = {
    "в полдень",
    "в полночь",
    "at noon",
    "at midnight",
    "tonight",
    "к обеду",
    "в обед",
    "к вечеру",
    "by lunch",
    "by lunchtime",
    "at lunch",
    "at lunchtime",
}


def spoken_hour(hour: int, part: str) -> int | None:
    """The hour of the day a spoken hour names: \"в 3\" 15:00, \"в 9 утра\" 09:00."""
    part = part.lower()
    if part in ("утра", "am"):
        return None if hour > 12 else hour % 12
    if part in ("дня", "вечера", "pm"):
        return None if hour > 12 else hour % 12 + 12
    if part == "ночи":  # "в 11 ночи" is 23:00, "в 12 ночи" 00:00, "в 2 ночи" 02:00
        if hour > 12:
            return None
        return 0 if hour == 12 else hour + 12 if hour >= 6 else hour
    if 1 <= hour <= 7:  # "at 5", "в 2": working hours, the afternoon
        return hour + 12
    return hour if 8 <= hour <= 23 else None


def _spoken_tail(text: str, tz: str, now: datetime | None) -> Found | None:
    match = _SPOKEN_TAIL.search(text)
    if match is None:
        return None
    if match["rel"] is None:
        before = text[: match.start()].split()
        if before and _DATE_WORD.fullmatch(before[-1].strip(".,;:!?()[]«»\"'")):
            return None  # "next Friday at 3pm": a longer phrase, dateparser's
    if match["pod"] is not None:
        named = match["rel"] is not None or match["wd"] is not None
        pod = " ".join(match["pod"].lower().split())
        if not named and pod not in _SAID_ALONE:
            return None  # "evening" alone is a word of the title, not a deadline
        hour: int | None = _PART_OF_DAY[pod]
    else:
        hour = spoken_hour(int(match["h"]), match["part"] or "")
    if hour is None:
        return None
    zone = ZoneInfo(tz)
    current = (now or datetime.now(UTC)).astimezone(zone)
    if match["rel"] is not None:
        word = " ".join(match["rel"].lower().split())
        day = current.date() + timedelta(days=_RELATIVE_DAYS.get(word, 2))
        local = datetime.combine(day, time(hour, 0), zone)
    elif match["wd"] is not None:  # the coming one: today's, if the hour is still ahead
        ahead = (_WEEKDAYS[match["wd"].lower().rstrip(".")] - current.weekday()) % 7
        local = datetime.combine(current.date() + timedelta(days=ahead), time(hour, 0), zone)
        if local <= current:
            local = datetime.combine(
                current.date() + timedelta(days=ahead + 7), time(hour, 0), zone
            )
    else:
        local = datetime.combine(current.date(), time(hour, 0), zone)
        if local < current:  # "в 15" after three: tomorrow's
            local = datetime.combine(current.date() + timedelta(days=1), time(hour, 0), zone)
    return Found(when=local.astimezone(UTC), fragment=match["fragment"].strip())


_YEAR_ALONE = re.compile(r"(?:(?:the|in|в)\s+)?\d{3,4}", re.IGNORECASE)
_WEEKDAY_OR_MONTH = (
    rf"(?:{_MONTHS})|(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|понедельник|вторник|среду|четверг|пятницу|"
    r"субботу|воскресенье"
)
# a word a date phrase may start with ("by monday", "friday 5pm", "Dec 3 2:30pm", "15th")
_TAIL_START = re.compile(
    rf"(?:by|until|till|before|due|on|at|in|next|this|coming|the|day|до|к|в|во|на|через|"
    rf"today|tomorrow|tonight|сегодня|завтра|послезавтра|{_WEEKDAY_OR_MONTH}"
    r"|\d{1,2}(?:st|nd|rd|th)|\d{1,2}(?::\d{2})?(?:am|pm))",
    re.IGNORECASE,
)
_TAIL_WORDS = 6
_MONTH_WORD = re.compile(_MONTHS, re.IGNORECASE)


def _dated_tail(text: str, locale: str, tz: str, now: datetime | None) -> Found | None:
    """The longest run of the last words that is a date phrase whole, starting with a
    word a date can start with: "Review PR 42 friday 5pm" is due Friday 17:00 (not in
    2042), "Upgrade to v2 friday 5pm" too. A number of the title before it stays there."""
    words = text.split()
    for count in range(min(_TAIL_WORDS, len(words)), 0, -1):
        first = words[-count].strip(",;")
        follows = words[-count + 1] if count > 1 else ""
        before = words[-count - 1] if count < len(words) else ""
        if first.isdigit() and _MONTH_WORD.fullmatch(follows.strip(".,")):
            pass  # "26 ноября 15:00"
        elif not _TAIL_START.fullmatch(first):
            continue
        elif _MONTH_WORD.fullmatch(first.strip(".,")) and before.isdigit():
            continue  # "ноября 15:00" is part of "26 ноября 15:00"
        tail = " ".join(words[-count:])
        try:
            when = parse_when(tail, locale, tz, now)
        except DomainError:
            continue
        return Found(when=when, fragment=tail)
    return None


# "в следующий понедельник", "в след. пятницу", "в ближайшую среду", "в эту пятницу":
# words of the date
_NEXT_BEFORE = re.compile(
    r"(?:(?<=\s)|^)(?:(?:в|во|на)\s+)?(?P<next>следующ\w*|след\.?|ближайш\w*|эт(?:от|у|о))\s+\Z",
    re.IGNORECASE,
)
_WEEKDAY_START = re.compile(
    r"(?:(?:в|во)\s+)?(?:понедельник|вторник|сред[уа]|четверг|пятниц[уа]|суббот[уа]|"
    r"воскресенье|пн|вт|ср|чт|пт|сб|вс)\b",
    re.IGNORECASE,
)


def find_when(text: str, locale: str, tz: str, now: datetime | None = None) -> Found | None:
    """The last date phrase inside a sentence ('Call Ivan tomorrow at 3pm'), if any.
    The fragment is of the text as normalize_dates gives it (callers pass it so)."""
    text = normalize_dates(text, locale)
    found = _find_when(text, locale, tz, now)
    if found is None or not _WEEKDAY_START.match(found.fragment):
        return found
    at = text.rfind(found.fragment)
    said = _NEXT_BEFORE.search(text[:at]) if at >= 0 else None
    if said is None:
        return found
    when = found.when
    current = (now or datetime.now(UTC)).astimezone(ZoneInfo(tz))
    if (
        said["next"].lower().startswith("след")
        and when.astimezone(ZoneInfo(tz)).date() == current.date()
    ):
        when += timedelta(days=7)  # "в следующий понедельник" said on a Monday: a week on
    return Found(when=when, fragment=text[said.start() : at + len(found.fragment)].strip())


# after the time, where or what: "в среду в 10 в переговорной", "завтра в 15 на складе",
# "в 10 по проекту Альфа", "at noon in room 5" (a word of a date there, "в 10 в пятницу",
# is no place)
_PLACE_AFTER = re.compile(
    r"(?<!\S)(?:в|во|на|по|с|со|у|для|at|in|with|about)\s+(?=[^\W\d_])", re.IGNORECASE
)
_PLACE_WORDS = 5


def _time_before_place(text: str, locale: str, tz: str, now: datetime | None) -> Found | None:
    """A time said before a place ("Встреча в среду в 10 в переговорной"): read as if
    the place were not there; the place stays in the text (the title's)."""
    for match in reversed(list(_PLACE_AFTER.finditer(text))):
        words = text[match.end() :].split()
        if len(words) > _PLACE_WORDS or any(
            _DATE_WORD.fullmatch(word.strip(".,;:!?()[]«»\"'")) and not word.isdigit()
            for word in words
        ):
            return None  # a date is said after it, or it is too long for a place
        head = text[: match.start()]
        found = (
            _fast_tail(head, tz, now)
            or _spoken_tail(head, tz, now)
            or _dated_tail(head, locale, tz, now)
        )
        if found is not None:
            return found
    return None


def _find_when(text: str, locale: str, tz: str, now: datetime | None) -> Found | None:
    found = (
        _fast_tail(text, tz, now)
        or _spoken_tail(text, tz, now)
        or _time_before_place(text, locale, tz, now)
    )
    if found is not None:
        return found
    end = _END_OF_TAIL.search(text)
    if end is not None:
        return Found(when=_end_of(_end_what(end), tz, now), fragment=end["fragment"].strip())
    dated = _DATE_TAIL.search(text)
    day_only = _day_only(dated, tz, now) if dated else None
    if dated is not None and day_only is not None:  # "Call Bob 15.12": that day
        return Found(when=day_only, fragment=dated["fragment"].strip())
    day_of_month = _DAY_OF_MONTH_TAIL.search(text)
    if day_of_month is not None and (said := _day_of_month(day_of_month, tz, now)):
        return Found(when=said, fragment=day_of_month["fragment"].strip())
    tail = _dated_tail(text, locale, tz, now)
    if tail is not None:
        return tail
    hits = search_dates(
        _mask_bad_clocks(text), languages=_languages(locale), settings=_settings(tz, now)
    )
    if not hits:
        return None
    # ignore lone numbers, years and short words dateparser likes to read as dates, and
    # "24/7" in English (slashes there are month/day)
    useful = [
        (frag, when)
        for frag, when in hits
        if not _NOISE.match(frag.strip())
        and not _YEAR_ALONE.fullmatch(frag.strip())
        and not (locale == "en" and "/" in frag)
    ]
    if not useful:
        return None
    fragment, when = useful[-1]
    when = _today_if_named(
        _recent_past_stays(when.astimezone(UTC), fragment, now), fragment, tz, now
    )
    return Found(when=when, fragment=fragment)
