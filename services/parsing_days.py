"""Spans of whole days in free text: "1-5 декабря", "с 28.12 по 8.01", "Dec 3-4",
"from 3 to 5 December", "28 декабря - 8 января", "2027-01-01..2027-01-08" (for all-day events and absences)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.errors import N_, DomainError

_MONTH_WORDS = (
    r"январ[ья]|феврал[ья]|марта?|апрел[ья]|ма[йя]|июн[ья]|июл[ья]|августа?|"
    r"сентябр[ья]|октябр[ья]|ноябр[ья]|декабр[ья]|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"янв|фев|мар|апр|июн|июл|авг|сент?|окт|нояб?|дек|"
    r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec"
)
_STEMS = {
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "ма": 5, "июн": 6, "июл": 7, "авг": 8, "сен": 9,
    "окт": 10, "ноя": 11, "дек": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5,
    "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = rf"(?:{_MONTH_WORDS})\.?"
_TO = r"\s*(?:-|–|—|\bпо\b|\bдо\b|\bto\b|\btill\b|\buntil\b|\bthrough\b|\bthru\b)\s*"
_FROM = r"(?:(?:\bс|\bсо|\bfrom)\s+)?"
_YEAR = r"(?:\s+(?P<{}>\d{{4}})(?:\s*г\.?)?)?"
# "1-5 декабря", "с 1 по 5 декабря", "28 декабря - 8 января", "from 3 to 5 December"
_DAY_FIRST = re.compile(
    rf"{_FROM}\b(?P<d1>\d{{1,2}})(?:\s+(?P<m1>{_MONTH}){_YEAR.format('y1')})?{_TO}"
    rf"(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTH}){_YEAR.format('y2')}(?!\w)",
    re.IGNORECASE,
)
# "Dec 3-4", "from Dec 3 to Dec 5", "December 28 - January 3"
_MONTH_FIRST = re.compile(
    rf"{_FROM}\b(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?{_TO}"
    rf"(?:(?P<m2>{_MONTH})\s+)?(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y2>\d{{4}}))?(?![\w:.])",
    re.IGNORECASE,
)
# "3.12-5.12", "с 28.12 по 8.01.2027"
_DOTTED = re.compile(
    rf"{_FROM}(?<![\d.])(?P<d1>\d{{1,2}})\.(?P<m1>\d{{1,2}})(?:\.(?P<y1>\d{{4}}|\d{{2}}))?{_TO}"
    r"(?P<d2>\d{1,2})\.(?P<m2>\d{1,2})(?:\.(?P<y2>\d{4}|\d{2}))?(?![\d.:])",
    re.IGNORECASE,
)

# "2027-01-01..2027-01-08", "2027-01-01 - 2027-01-08"
_ISO = re.compile(
    rf"{_FROM}(?<![\d-])(?P<y1>\d{{4}})-(?P<m1>\d{{1,2}})-(?P<d1>\d{{1,2}})(?:\s*\.\.\s*|{_TO})"
    r"(?P<y2>\d{4})-(?P<m2>\d{1,2})-(?P<d2>\d{1,2})(?![\d:])",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DayRange:
    first: date
    last: date  # inclusive
    start: int  # where the words are in the text
    end: int

    def without(self, text: str) -> str:
        """The text with the days taken out."""
        return (text[: self.start] + " " + text[self.end :]).strip()


def _month(word: str | None) -> int | None:
    if word is None:
        return None
    if word.isdigit():
        return int(word)
    word = word.lower().rstrip(".")
    return _STEMS.get(word[:3]) or _STEMS.get(word[:2])


def _year(text: str | None) -> int | None:
    if not text:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def find_day_range(text: str, tz: str, now: datetime | None = None) -> DayRange | None:
    """The first span of days the text names; a year left out is the next such days
    (not yet over), and "28.12 - 8.01" runs into the new year. Clocks such as
    "10.00-11.30" are no days and are left alone."""
    found = [
        match
        for pattern in (_DAY_FIRST, _MONTH_FIRST, _DOTTED, _ISO)
        for match in pattern.finditer(text)
        if _plausible(match) and (pattern is not _DOTTED or _dotted_days(text, match))
    ]
    if not found:
        return None
    match = min(found, key=lambda m: m.start())
    groups = match.groupdict()
    m2 = _month(groups.get("m2"))
    m1 = _month(groups.get("m1")) or m2
    m2 = m2 or m1
    assert m1 is not None and m2 is not None
    y1, y2 = _year(groups.get("y1")), _year(groups.get("y2"))
    today = (now or datetime.now(UTC)).astimezone(ZoneInfo(tz)).date()
    try:
        first = date(y1 or (y2 if y2 and m1 <= m2 else today.year), m1, int(groups["d1"]))
        last = date(y2 or first.year, m2, int(groups["d2"]))
        if last < first and not y2:  # "28.12 - 8.01": into the next year
            last = last.replace(year=last.year + 1)
        if not (y1 or y2) and last < today:  # said without a year and over: next year's
            first, last = first.replace(year=first.year + 1), last.replace(year=last.year + 1)
    except ValueError:
        raise DomainError(
            N_("There is no such date: {text}."), text=match.group(0).strip()
        ) from None
    if last < first:
        raise DomainError(
            N_("The days run backwards: {text}. Put the first day first."),
            text=match.group(0).strip(),
        )
    return DayRange(first, last, match.start(), match.end())


# words that say when outside a dotted span: then "11.10-12.10" are clocks
_OTHER_WHEN = re.compile(
    r"(?<!\w)(?:today|tomorrow|сегодня|завтра|послезавтра|понедельник\w*|вторник\w*|"
    r"сред[аыу]|четверг\w*|пятниц\w*|суббот\w*|воскресень\w*|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|пн|вт|ср|чт|пт|сб|вс)(?!\w)|(?<![\d.])\d{1,2}\.\d{1,2}(?![\d])",
    re.IGNORECASE,
)
_UNIT_AFTER = re.compile(r"\s*(?:%|млн|тыс|млрд|k\b|m\b|руб|р\b|usd|eur|\$|€)", re.IGNORECASE)


def _dotted_days(text: str, match: re.Match[str]) -> bool:
    """ "3.12-5.12", "с 28.12 по 8.01" are days; "1.5-2.5 млн", "v3.1-3.2" are not, nor
    "завтра с 11.10 до 12.10" or "3.12 10.10-11.10" (clocks of a day said apart)."""
    if len(match["m1"]) != 2 or len(match["m2"]) != 2:  # a month is written with two digits
        return False
    if _UNIT_AFTER.match(text, match.end()):
        return False
    rest = text[: match.start()] + " " + text[match.end() :]
    return _OTHER_WHEN.search(rest) is None


def _plausible(match: re.Match[str]) -> bool:
    groups = match.groupdict()
    months = [_month(groups.get(key)) for key in ("m1", "m2") if groups.get(key)]
    days = [int(groups[key]) for key in ("d1", "d2") if groups.get(key)]
    return all(m is not None and 1 <= m <= 12 for m in months) and all(1 <= d <= 31 for d in days)


# the last day of a series: "до 31 декабря", "по 28.12", "until Dec 28", "through 28 December"
_UNTIL = r"(?<!\S)(?:до|по|until|till|through|thru)\s+"
_LAST_DAY = (
    re.compile(
        rf"{_UNTIL}(?P<d2>\d{{1,2}})(?:-?(?:го|е))?\s+(?P<m2>{_MONTH}){_YEAR.format('y2')}(?!\w)",
        re.IGNORECASE,
    ),
    re.compile(
        rf"{_UNTIL}(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y2>\d{{4}}))?"
        r"(?![\w:.])",
        re.IGNORECASE,
    ),
    re.compile(
        rf"{_UNTIL}(?P<d2>\d{{1,2}})\.(?P<m2>\d{{1,2}})(?:\.(?P<y2>\d{{4}}|\d{{2}}))?(?![\d.:])",
        re.IGNORECASE,
    ),
    re.compile(rf"{_UNTIL}(?P<y2>\d{{4}})-(?P<m2>\d{{1,2}})-(?P<d2>\d{{1,2}})(?![\d:])"),  # ISO
)
# a series' last day said as a weekday: "до пятницы", "по пятницу", "until Friday"
_LAST_WEEKDAY = re.compile(
    r"(?<!\S)(?:до\s+(?P<gen>понедельника|вторника|среды|четверга|пятницы|субботы|воскресенья)"
    r"|по\s+(?P<acc>понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье)"
    r"|(?:until|till|through|thru)\s+(?P<en>(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)"
    r"(?:day)?))(?!\w)",
    re.IGNORECASE,
)
_WEEKDAY_STEMS = ("пон", "вто", "сре", "чет", "пят", "суб", "вос")
_WEEKDAY_STEMS_EN = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def find_last_day(text: str, tz: str, now: datetime | None = None) -> DayRange | None:
    """The day a series ends on, said with "до", "по", "until" ("каждую среду в 15 до
    31 декабря", "until 2026-12-25"): that day (inclusive); a year left out is the
    coming such day. A weekday is find_last_weekday's."""
    found = [m for pattern in _LAST_DAY for m in pattern.finditer(text) if _plausible(m)]
    if not found:
        return None
    match = min(found, key=lambda m: m.start())
    month = _month(match["m2"])
    assert month is not None
    year = _year(match["y2"])
    today = (now or datetime.now(UTC)).astimezone(ZoneInfo(tz)).date()
    try:
        last = date(year or today.year, month, int(match["d2"]))
        if year is None and last < today:
            last = date(today.year + 1, month, int(match["d2"]))
    except ValueError:
        raise DomainError(
            N_("There is no such date: {text}."), text=match.group(0).strip()
        ) from None
    return DayRange(last, last, match.start(), match.end())


def find_last_weekday(text: str, tz: str, now: datetime | None = None) -> DayRange | None:
    """The weekday a series ends on ("каждый день в 9 до пятницы", "every day until
    Friday"): the coming such day, a week ahead when it is today. Read from the words as
    typed, before normalize_dates makes "до пятницы" a start ("в пятницу")."""
    match = _LAST_WEEKDAY.search(text)
    if match is None:
        return None
    stem = (match["gen"] or match["acc"] or match["en"]).lower()[:3]
    weekday = (_WEEKDAY_STEMS if stem in _WEEKDAY_STEMS else _WEEKDAY_STEMS_EN).index(stem)
    today = (now or datetime.now(UTC)).astimezone(ZoneInfo(tz)).date()
    last = today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    return DayRange(last, last, match.start(), match.end())


_MONTH_NAME = (
    r"(?:(?:январ|феврал|март|апрел|июн|июл|август|сентябр|октябр|ноябр|декабр)\w*|ма[йя]"
    r"|january|february|march|april|may|june|july|august|september|october|november|december)"
)
_LAST_MONTH = re.compile(
    r"(?<!\S)(?:(?P<incl>по|до\s+конца|through|thru|(?:until|till)\s+the\s+end\s+of)"
    rf"|(?P<excl>до|until|till))\s+(?P<m>{_MONTH_NAME})(?:\s+(?P<y>\d{{4}}))?(?!\w)(?!\s*\d)",
    re.IGNORECASE,
)


def find_last_month(text: str, tz: str, now: datetime | None = None) -> DayRange | None:
    """The month a series ends with, said without a day: "до декабря" and "until
    December" end before it (the last day of the month before), "по декабрь", "до конца
    декабря" and "through December" with it (its last day); a year left out is the
    coming such month."""
    match = _LAST_MONTH.search(text)
    if match is None:
        return None
    month = _month(match["m"])
    if month is None:
        return None
    today = (now or datetime.now(UTC)).astimezone(ZoneInfo(tz)).date()
    year = _year(match["y"]) or today.year
    if match["y"] is None and (month < today.month or (month == today.month and match["excl"])):
        year += 1
    after = date(year + month // 12, month % 12 + 1, 1)  # the month after it
    last = after - timedelta(days=1) if match["incl"] else date(year, month, 1) - timedelta(days=1)
    return DayRange(last, last, match.start(), match.end())


def midnight(day: date, tz: str) -> datetime:
    """The start of a day in a zone, in UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def whole_days(start: datetime, end: datetime, tz: str) -> tuple[datetime, datetime]:
    """The midnights around the days from `start` up to `end` (exclusive) in a zone:
    at least one day, and an end falling on a midnight stays there."""
    zone = ZoneInfo(tz)
    first = start.astimezone(zone).date()
    local_end = end.astimezone(zone)
    last = local_end.date()
    if local_end.time() == time(0) and last > first:
        last -= timedelta(days=1)
    return midnight(first, tz), midnight(max(first, last) + timedelta(days=1), tz)


_PAST_DAY = re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})(?:\.(?P<y>\d{4}|\d{2}))?")
_PAST_WORDS = {"today": 0, "сегодня": 0, "yesterday": 1, "вчера": 1, "позавчера": 2}


def past_day(word: str, today: date) -> date | None:
    """A day already begun, said in one word: "04.03", "4.03.2025", "yesterday",
    "вчера"; a date without a year that is still ahead is last year's. None: no day."""
    word = word.strip().lower()
    if word in _PAST_WORDS:
        return today - timedelta(days=_PAST_WORDS[word])
    match = _PAST_DAY.fullmatch(word)
    if match is None:
        return None
    year = _year(match.group("y")) or today.year
    try:
        day = date(year, int(match.group("m")), int(match.group("d")))
        if match.group("y") is None and day > today:
            day = day.replace(year=year - 1)
    except ValueError:
        raise DomainError(N_("There is no such date: {text}."), text=word) from None
    return day


# a month said without a day: "медиаплан на декабрь", "отчёт за март 2026", "Budget for
# December" name what the work is about, not when it is due
_MONTH_ANY_FORM = re.compile(
    r"(?<!\w)(?:(?:январ|феврал|март|апрел|июн|июл|август|сентябр|октябр|ноябр|декабр)\w*|"
    r"ма[йяюе]м?|january|february|march|april|may|june|july|august|september|october|"
    r"november|december|(?:янв|фев|мар|апр|авг|сент?|окт|нояб?|дек|jan|feb|mar|apr|jun|jul|"
    r"aug|sept?|oct|nov|dec)\.?)(?!\w)(?:\s+\d{4}(?:\s*г\.?)?(?![\w:.]))?",
    re.IGNORECASE,
)
_DAY_BEFORE = re.compile(r"\d{1,2}(?:-?(?:го|е|ое|st|nd|rd|th))?\.?,?\s*\Z", re.IGNORECASE)
_DAY_AFTER = re.compile(r"(?:\s+on)?(?:\s+the)?\s*\d{1,2}(?:st|nd|rd|th)?(?![\d:.])", re.IGNORECASE)


def hide_bare_months(text: str) -> str:
    """The text with each month named without a day (and its year) blanked out, at the
    same length: a date finder reads no deadline into "на декабрь" and the places of
    what it finds are those of the text."""
    return _MONTH_ANY_FORM.sub(
        lambda m: (
            m.group(0)
            if _DAY_BEFORE.search(text, 0, m.start()) or _DAY_AFTER.match(text, m.end())
            else "_" * len(m.group(0))
        ),
        text,
    )
