"""Natural-language input: dates and times people type, in their language and zone."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import dateparser
from dateparser.search import search_dates

from services.errors import N_, DomainError
from services.parsing_corrections import (
    _mask_bad_clocks,
    _recent_past_stays,
    _refuse_bad_clock,
    _today_if_named,
)
from services.parsing_durations import in_a_while, says_a_while
from services.parsing_fast import (
    _DATE_ONLY,
    _DATE_TAIL,
    _DATE_WORD,
    _DAY_OF_MONTH_TAIL,
    _END_OF,
    _END_OF_TAIL,
    _FAST_WHOLE,
    _MONTH_WORD,
    _MONTHS,
    _RELATIVE_DAYS,
    Found,
    _day_of_month,
    _day_only,
    _end_of,
    _end_what,
    _fast,
    _fast_tail,
    _next_day_of_month,
    refuse_impossible_day,
    sensible_year,
)
from services.parsing_said import _BARE_GENITIVE, _spoken_tail, normalize_dates

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


def parse_when(text: str, locale: str, tz: str, now: datetime | None = None) -> datetime:
    """A moment from free text, as an aware UTC datetime; DomainError with examples if not."""
    raw = normalize_dates(" ".join(text.split()), locale)
    refuse_impossible_day(raw)  # "32 января" is no year 2032
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
    short = in_a_while(raw, now)
    if short is not None and short.fragment == raw.rstrip(" .!"):
        return short.when  # "через 45м", "in 1h30m"
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
    sensible_year(result.year, raw, now)
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


HAS_TIME = re.compile(
    r"\d{1,2}[:.]\d{2}|\d\s*(?:am|pm)\b|\b(?:at|в)\s+\d{1,2}\b|"
    r"hour|minute|\bhrs?\b|\bmins?\b|час|минут|\bмин\b|\bч\b|noon|midnight|полдень|полночь|"
    r"утр|вечер|ноч|дн[её]м|обед|lunch|morning|afternoon|evening|tonight|\bnow\b|сейчас|"
    r"\bend\s+of\b|конц[ау]\s|\b(?:eod|cob|eow|eom)\b|close\s+of\s+business",
    re.IGNORECASE,
)


# a day.month that looks like a date: "30.02", "31.11.2026"
_DOTTED_DAY = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})(?:\.(\d{4}|\d{2}))?(?![\d.]*\d)")


def _impossible_dotted(text: str) -> str | None:
    """The first day.month in the text of a month that has no such day (30.02, 31.11)."""
    for day, month, year in _DOTTED_DAY.findall(text):
        if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
            continue  # not a date at all ("version 1.15")
        said = int(year) + (2000 if len(year) == 2 else 0) if year else 2000  # a leap year
        if int(day) > calendar.monthrange(said, int(month))[1]:
            return ".".join(p for p in (day, month, year) if p)
    return None


def refuse_no_such_date(text: str) -> None:
    """ "There is no such date: 31.02." for a day its month does not have, written with
    dots or with the month in words, wherever the text says it (a task's line, /away,
    /event): said, not left in a title in silence."""
    refuse_impossible_day(text)
    said = _impossible_dotted(text)
    if said is not None:
        raise DomainError(N_("There is no such date: {text}."), text=said)


# a mark right after a date phrase cut out of a line, with more said after it
_MARK_AFTER = re.compile(r"\s*[,.;:!?)]+\s*\S")


def cut_out(text: str, fragment: str) -> str:
    """The text without the first `fragment` (a date phrase said in it): "Отчёт завтра в
    15:00, срочно" leaves "Отчёт, срочно", not "Отчёт , срочно"; a mark that ends the
    line stays apart ("Call Bob 15.12." leaves "Call Bob .", for the caller to drop),
    and other spaces are left as they are."""
    at = text.find(fragment)
    if at < 0:
        return text
    before, after = text[:at], text[at + len(fragment) :]
    if before.strip() and _MARK_AFTER.match(after):
        return before.rstrip() + after.lstrip()
    return before + " " + after


def has_time(fragment: str) -> bool:
    """Whether a date phrase says the time of day too ("завтра в 15", "in 2 hours");
    a date alone ("30.12", "by 31.12.2026") does not, as parse_when reads it."""
    alone = _DATE_TAIL.fullmatch(fragment.strip())
    if alone is not None and 1 <= int(alone["mo"]) <= 12 and 1 <= int(alone["d"]) <= 31:
        return False
    return bool(HAS_TIME.search(fragment)) or says_a_while(fragment)


def is_date_word(word: str) -> bool:
    """Whether a word may belong to a date phrase (a month, a weekday, "tomorrow")."""
    return bool(_DATE_WORD.fullmatch(word.strip(".,;:!?()[]«»\"'")))


_NOISE = re.compile(r"^(?:\d{1,2}|[a-zа-яё]{1,2})$", re.IGNORECASE)


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
        in_a_while(text, now)  # "через 3ч", "in 45m" at the end
        or _fast_tail(text, tz, now)
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
    tail = _dated_tail(text, locale, tz, now) or in_a_while(text, now, inside=True)
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
    sensible_year(when.year, fragment, now)  # "5 мая 2150"
    when = _today_if_named(
        _recent_past_stays(when.astimezone(UTC), fragment, now), fragment, tz, now
    )
    return Found(when=when, fragment=fragment)
