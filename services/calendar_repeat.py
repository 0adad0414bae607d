"""How an event repeats, as said in /event's text: every day, week or month, on
weekdays ("по будням", "every mon and wed"), a title opening with a repeat word
("Weekly sync", "Ежедневный стендап"), and a series' last day."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from services.calendar_times import _strip
from services.errors import N_, DomainError
from services.parsing_days import midnight

# Monday to Friday: "every weekday", "по будням", "каждый будний день"
_WORKDAYS = re.compile(
    r"\b(?:every\s+weekday|weekdays|on\s+weekdays|по\s+будням|каждый\s+будний\s+день|"
    r"в\s+будни|по\s+рабочим\s+дням|каждый\s+рабочий\s+день)\b",
    re.IGNORECASE,
)
_EVERY_OTHER = re.compile(
    r"\b(?:every\s+other|every\s+second|every\s+2nd|раз\s+в\s+две\s+недели|"
    r"каждую\s+вторую|каждый\s+второй|каждые\s+две)\b",
    re.IGNORECASE,
)

# "every 0 days", "every 3 weeks", "каждые 2 месяца": a count of days, weeks or months
_EVERY_COUNT = re.compile(
    r"\b(?:every|каждые|каждый|каждую|каждое)\s+(?P<n>[-−]?\d+)\s*"
    r"(?P<unit>days?|weeks?|months?|день|дн(?:я|ей)|недел[юиь]|месяц(?:а|ев)?)(?!\w)",
    re.IGNORECASE,
)
_COUNT_UNIT = {
    "d": "daily",
    "д": "daily",
    "w": "weekly",
    "н": "weekly",
    "m": "monthly",
    "м": "monthly",
}


_DAY_WORDS = {
    0: ("mon", "monday", "mondays", "пн", "понедельник", "понедельникам"),
    1: ("tue", "tuesday", "tuesdays", "вт", "вторник", "вторникам"),
    2: ("wed", "wednesday", "wednesdays", "ср", "среда", "среду", "средам"),
    3: ("thu", "thursday", "thursdays", "чт", "четверг", "четвергам"),
    4: ("fri", "friday", "fridays", "пт", "пятница", "пятницу", "пятницам"),
    5: ("sat", "saturday", "saturdays", "сб", "суббота", "субботу", "субботам"),
    6: ("sun", "sunday", "sundays", "вс", "воскресенье", "воскресеньям"),
}
_WORD_DAY = {word: day for day, words in _DAY_WORDS.items() for word in words}
_DAY_ALT = "|".join(sorted(_WORD_DAY, key=len, reverse=True))
_DAILY = re.compile(r"\b(?:every ?day|daily|каждый день|ежедневно)\b", re.IGNORECASE)
_MONTHLY = re.compile(r"\b(?:every month|monthly|каждый месяц|ежемесячно)\b", re.IGNORECASE)
_WEEKLY = re.compile(r"\b(?:every week|weekly|каждую неделю|еженедельно)\b", re.IGNORECASE)
# a title opening with a repeat word: "Weekly sync", "Ежедневный стендап"
_TITLE_WORD = re.compile(
    r"(?:(?P<daily>daily|ежедневн\w*)|(?P<weekly>weekly|еженедельн\w*)"
    r"|(?P<monthly>monthly|ежемесячн\w*))(?!\S)",
    re.IGNORECASE,
)
_BARE_CLOCK = re.compile(r"(?:(?:at|в|во)\s+)?\d{1,2}:\d{2}", re.IGNORECASE)
_WEEKDAYS = re.compile(
    rf"\b(?:every|по|каждый|каждую|каждое)\s+((?:{_DAY_ALT})(?:\s*(?:,|and|и)\s*(?:{_DAY_ALT}))*)\b",
    re.IGNORECASE,
)


def repeats(text: str) -> bool:
    """Whether the text says how an event repeats ("каждый день", "every Monday")."""
    patterns = (_WORKDAYS, _WEEKDAYS, _DAILY, _MONTHLY, _WEEKLY)
    return any(pattern.search(text) for pattern in patterns)


def split_repeat(raw: str) -> tuple[str, list[int], str]:
    """How an event repeats, as said ("every weekday", "по средам и пятницам",
    "ежедневно"): none, daily, weekly or monthly, the weekdays, and the text without
    those words. Every other week is refused, not read as every week."""
    repeat, weekdays = "none", []
    if _EVERY_OTHER.search(raw):
        raise DomainError(
            N_(
                "Events cannot repeat every other week yet. Make it weekly and cancel the "
                "weeks you skip, or create each date."
            )
        )
    match = _EVERY_COUNT.search(raw)
    if match and match["n"] != "1":  # not read as a date ("0 days": now) or left in the title
        raise DomainError(
            N_("An event cannot repeat {text}: it repeats every day, every week or every month."),
            text=match.group(0),
        )
    if match:  # "every 1 week": weekly
        repeat = _COUNT_UNIT[match["unit"][0].casefold()]
        raw = _strip(raw, match)
    match = _WORKDAYS.search(raw) if repeat == "none" else None
    if match:
        repeat, weekdays = "weekly", [0, 1, 2, 3, 4]
        raw = _strip(raw, match)
    match = _WEEKDAYS.search(raw) if repeat == "none" else None
    if match:
        repeat = "weekly"
        words = re.split(r"\s*(?:,|\band\b|\bи\b)\s*", match.group(1).lower())
        weekdays = sorted({_WORD_DAY[w] for w in words if w in _WORD_DAY})
        raw = _strip(raw, match)
    for pattern, kind in ((_DAILY, "daily"), (_MONTHLY, "monthly"), (_WEEKLY, "weekly")):
        match = pattern.search(raw)
        if match:
            repeat = kind if repeat == "none" else repeat
            raw = _strip(raw, match)
    return repeat, weekdays, raw


def _title_slot(leading: re.Match[str], slot: str, nth: int | None) -> bool:
    """Whether the time said is the slot of the series the title's word names: a weekday
    for "Weekly sync mon 10:00", a bare time of day for "Daily standup 9:30", a day of the
    month for "Ежемесячный отчёт 10 числа в 15:00". With a date ("Weekly sync tomorrow
    10:00", "Monthly review Dec 10 15:00") it is one meeting of that name."""
    if leading["weekly"]:
        return any(word in _WORD_DAY for word in re.findall(r"\w+", slot.lower()))
    bare = _BARE_CLOCK.fullmatch(slot.strip()) is not None
    return bare and (nth is None if leading["daily"] else nth is not None)


def _series_end(until: date | None, repeat: str, tz: str) -> datetime | None:
    """The last moment of a series' last day in the zone (None: it goes on)."""
    if until is None:
        return None
    if repeat == "none":  # "Еженедельная планёрка завтра в 10 до 31 декабря": one meeting
        raise DomainError(
            N_(
                'Only a repeating event has an end date. Add how it repeats, for example "every week".'
            )
        )
    return midnight(until + timedelta(days=1), tz) - timedelta(seconds=1)
