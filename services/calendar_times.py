"""Times and lengths said for an event: 12-hour and bare-hour clocks written as HH:MM
("2pm to 4pm", "с 15 до 17"), a length ("90 минут", "на час", "1h30m") and a zone named
for the time ("в 10 по Екатеринбургу", "15:00 UTC")."""

from __future__ import annotations

import re
from datetime import timedelta

from services.errors import N_, DomainError
from services.parsing_durations import while_spans
from services.parsing_said import clock_ranges, spoken_hour
from services.users import parse_timezone

_DURATION = re.compile(
    # not "через 2 часа" / "in 2 hours": that says when, not how long
    r"(?<!через )(?<!in )(?:\b(?:на|for)\s+)?(?<![\d.,])\b(\d+(?:[.,]\d+)?)\s*"
    r"(h|hr|hrs|hours?|ч|час|часа|часов|m|min|mins|minutes?|м|мин|минут[уы]?)(?=\s|$|[,.;])",
    re.IGNORECASE,
)
# "1h30m", "1 hour 30 minutes", "1ч 30м", "2 часа 15 минут"
_COMPOUND = re.compile(
    r"(?:\b(?:на|for)\s+)?(?<![\d.,])\b(\d+)\s*(?:h|hr|hrs|hours?|ч|час|часа|часов)\s*"
    r"(?:and\s+|и\s+)?(\d+)\s*(?:m|min|mins|minutes?|м|мин|минут[уы]?)(?=\s|$|[,.;])",
    re.IGNORECASE,
)
# 12-hour clocks: "12pm-1pm", "3-4pm", "2pm to 4pm", "11:30 am"
_AMPM_RANGE = re.compile(
    r"(?<![\d:.])(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\s*(?:[-–—]|\bto\b|\btill\b|\buntil\b)\s*"
    r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b",
    re.IGNORECASE,
)
_AMPM = re.compile(r"(?<![\d:.])(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b", re.IGNORECASE)
# hours without minutes: "с 15 до 17", "from 3 to 5"
_BARE_RANGE = re.compile(
    r"\b(?:с|со|from)\s+(\d{1,2})(?::(\d{2}))?\s+(?:до|по|to|till|until)\s+"
    r"(\d{1,2})(?::(\d{2}))?\b(?![:.]\d)",
    re.IGNORECASE,
)
_HALF_HOUR = re.compile(r"\b(?:на\s+)?(?:полчаса|half an hour)\b", re.IGNORECASE)
_AN_HOUR = re.compile(r"\b(?:на\s+час|for an hour|for 1 hour)\b", re.IGNORECASE)
_CLOCK_WORD = re.compile(r"(?:\b(?:at|в)\s+)?\b(\d{1,2}:\d{2})\b", re.IGNORECASE)


# a zone named for the time: "в 10 по Екатеринбургу", "10:00 по мск", "в 15 по московскому
# времени", "at 10am Yekaterinburg time", "15:00 UTC"
_ZONE_SAID = re.compile(
    r"(?<=\w)\s+(?P<said>по\s+(?P<ru>[\w-]+)(?:\s+времени)?|(?P<en>[a-z]+(?:\s+[a-z]+)?)\s+time"
    r"|(?P<abbr>(?:utc|gmt)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?|msk|мск))(?!\w)",
    re.IGNORECASE,
)
# what the zone follows: a time ("10", "10:00", "10am", "в 9 утра", "в полдень")
_TIME_END = re.compile(
    r"(?:\d|am|pm|утра|дня|вечера|ночи|полдень|полночь|noon|midnight)\Z", re.IGNORECASE
)
_ZONE_ADJECTIVES = {"московскому": "Europe/Moscow", "moscow": "Europe/Moscow"}


def _named_zone(match: re.Match[str]) -> str | None:
    """The zone a "по Москве", "Yekaterinburg time", "UTC+5" names, or None (not a zone:
    "в 10 по плану"). A city said in the dative ("по Екатеринбургу", "по Уфе", "по Перми")
    is looked up as it is named ("Екатеринбург", "Уфа", "Пермь")."""
    word = (match["ru"] or match["en"] or match["abbr"]).casefold()
    if word in _ZONE_ADJECTIVES:
        return _ZONE_ADJECTIVES[word]
    names = [word]
    if match["ru"]:
        stem = word[:-1]
        names += {"у": [stem], "е": [stem + "а"], "и": [stem + "ь"]}.get(word[-1:], [])
    for name in names:
        try:
            return parse_timezone(name)
        except DomainError:
            continue
    return None


def split_zone(text: str) -> tuple[str | None, str]:
    """The zone named for a time in the text, and the text without those words."""
    for match in _ZONE_SAID.finditer(text):
        if _TIME_END.search(text[: match.start()]) is None:
            continue  # "Совещание по Москве завтра в 10": what it is about
        zone = _named_zone(match)
        if zone is not None:
            return zone, text[: match.start()] + text[match.end() :]
    return None, text


def _clock(text: str) -> tuple[int, int]:
    hours, minutes = re.split(r"[:.]", text)
    h, m = int(hours), int(minutes)
    if h > 23 or m > 59:
        raise DomainError(N_("Give a time like 22:00."))
    return h, m


def _duration(amount: str, unit: str) -> timedelta:
    value = float(amount.replace(",", "."))
    if unit.lower().startswith(("h", "ч")):
        return timedelta(minutes=round(value * 60))
    return timedelta(minutes=round(value))


_MINUS = re.compile(r"(?:^|\s)[-−]\s*$")


def said_length(text: str, match: re.Match[str]) -> timedelta:
    """The length a _DURATION or _COMPOUND match says; "-30m" and "0m" are refused, not
    read as a length of 30 minutes or of an hour."""
    if match.re is _COMPOUND:
        length = timedelta(hours=int(match.group(1)), minutes=int(match.group(2)))
    else:
        length = _duration(match.group(1), match.group(2))
    minus = _MINUS.search(text[: match.start(1)])
    if minus is not None or length <= timedelta(0):
        raise DomainError(
            N_("A length cannot be {text}: say how long it lasts, for example 30m or 1h."),
            text=("-" if minus else "") + text[match.start(1) : match.end()],
        )
    return length


def refuse_bad_lengths(text: str) -> None:
    """Every length said in the text is one ("-1h30m" is no 10:00-13:00 range once
    clocks_in_24_hours has read "-1h" as 13:00)."""
    taken = while_spans(text)
    for pattern in (_COMPOUND, _DURATION):
        for match in pattern.finditer(text):
            if not any(start <= match.start() < end for start, end in taken):
                said_length(text, match)


def length_in(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The first length `pattern` finds outside a while from now: "через 1ч30м" and
    "in 1h 30m" say when an event starts, not how long it lasts."""
    taken = while_spans(text)
    return next(
        (
            match
            for match in pattern.finditer(text)
            if not any(start <= match.start() < end for start, end in taken)
        ),
        None,
    )


def _twelve(hour: int, minute: str | None, suffix: str) -> tuple[int, int] | None:
    said = spoken_hour(hour, suffix) if 1 <= hour <= 12 else None
    return None if said is None or int(minute or 0) > 59 else (said, int(minute or 0))


def _range_clocks(match: re.Match[str]) -> str:
    h1, m1, suffix1, h2, m2, suffix2 = match.groups()
    end = _twelve(int(h2), m2, suffix2)
    if suffix1:
        start = _twelve(int(h1), m1, suffix1)
    else:  # "3-4pm" is 15:00-16:00; "11-1pm" is 11:00-13:00
        start = _twelve(int(h1), m1, suffix2)
        other = _twelve(int(h1), m1, "am" if suffix2.lower() == "pm" else "pm")
        if start is not None and end is not None and start > end and other is not None:
            start = other
    if start is None or end is None:
        return match.group(0)
    return f"{start[0]:02d}:{start[1]:02d}-{end[0]:02d}:{end[1]:02d}"


def _one_clock(match: re.Match[str]) -> str:
    clock = _twelve(int(match.group(1)), match.group(2), match.group(3))
    return match.group(0) if clock is None else f"{clock[0]:02d}:{clock[1]:02d}"


def _bare_range(match: re.Match[str]) -> str:
    """ "с 15 до 17" -> "15:00-17:00", "с 10 до 11:30" -> "10:00-11:30"; a bare hour
    is the working-day one ("from 3 to 5" is 15:00-17:00)."""
    h1, m1, h2, m2 = match.groups()
    start = int(h1) if m1 else spoken_hour(int(h1), "")
    end = int(h2) if m2 else spoken_hour(int(h2), "")
    if start is None or end is None or start > 23 or end > 23:
        return match.group(0)
    return f"{start:02d}:{m1 or '00'}-{end:02d}:{m2 or '00'}"


def clocks_in_24_hours(text: str) -> str:
    """12-hour and bare-hour clocks as HH:MM, so ranges and times read alike:
    "2pm to 4pm" -> "14:00-16:00", "3-4pm" -> "15:00-16:00", "с 15 до 17" -> "15:00-17:00",
    "10:00-11" -> "10:00-11:00", "завтра 10-11" -> "завтра 10:00-11:00"."""
    text = _AMPM_RANGE.sub(_range_clocks, text)
    text = _AMPM.sub(_one_clock, text)
    text = _BARE_RANGE.sub(_bare_range, text)
    for match, (h1, m1), (h2, m2) in reversed(clock_ranges(text)):
        whole = f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"
        text = text[: match.start()] + whole + text[match.end() :]
    return text


def _strip(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " + text[match.end() :]


def parse_duration(text: str) -> timedelta | None:
    """'60m', '1.5h', '90 минут' -> a length, or None."""
    return split_duration(text)[0]


def split_duration(text: str) -> tuple[timedelta | None, str]:
    """A length said in the text ('60m', '1.5h', '90 минут', 'на час', 'half an hour'),
    and the text without it."""
    for pattern, minutes in ((_HALF_HOUR, 30), (_AN_HOUR, 60)):
        match = pattern.search(text)
        if match is not None:
            return timedelta(minutes=minutes), " ".join(_strip(text, match).split())
    match = _DURATION.search(text)
    if match is None:
        return None, text
    return said_length(text, match), " ".join(_strip(text, match).split())
