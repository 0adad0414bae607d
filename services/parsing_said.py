"""What people say rather than write, made readable: an hour said ("в 3 часа дня",
"к 10 вечера", "в 3" is 15:00), "до пятницы" for "в пятницу", a US month/day, ranges of
clocks ("10:00-11", "с 10 до 12") and a time said at the end of a sentence ("завтра в
9 утра", "вечером", "в полдень")."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.parsing_durations import months_in_full
from services.parsing_fast import _DATE_WORD, _MONTHS, _RELATIVE_DAYS, Found
from services.parsing_parts import parts_of_day_as_clocks

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
    said ("в 3 часа дня", "15 декабря в 10") is written as a clock ("в 15:00"); months
    said short ("через 2мес", "in 2mo") are written in full, and an hour said with a
    part of the day as its clock ("завтра вечером в 8" -> "завтра в 20:00")."""
    text = parts_of_day_as_clocks(months_in_full(text))
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


# what people say rather than write, at the end of a sentence: "в 15", "at 9",
# "завтра в 9 утра", "в 7 вечера", "сегодня вечером", "tomorrow morning"
_SPOKEN_TAIL = re.compile(
    r"(?<!\S)(?P<fragment>"
    r"(?:(?:(?P<rel>today|tomorrow|(?:the\s+)?day\s+after\s+tomorrow|сегодня|завтра|послезавтра"
    r"|yesterday|вчера|позавчера"  # a call noted after the fact: "вчера в 15"
    r"|this(?=\s+(?:morning|afternoon|evening)\b))"  # "this evening": "сегодня вечером"
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
