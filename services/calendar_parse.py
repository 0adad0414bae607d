"""/event free text: title, start, end or duration, repetition, place, description,
and the @people / #group tokens (resolved by the caller)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.errors import N_, DomainError
from services.parsing import DATE_EXAMPLES, find_when, has_time, parse_when
from services.parsing_days import find_day_range, find_last_day, midnight
from services.parsing_said import clock_ranges, normalize_dates, spoken_hour
from services.users import parse_timezone

DEFAULT_LENGTH = timedelta(hours=1)
TITLE_MAX = 200


@dataclass
class EventDraft:
    title: str
    starts_at: datetime
    ends_at: datetime
    people: list[str] = field(default_factory=list)  # "@anna" tokens
    groups: list[str] = field(default_factory=list)  # "#sales" tokens
    place: str = ""
    description: str = ""
    repeat: str = "none"
    weekdays: list[int] = field(default_factory=list)
    all_day: bool = False
    repeat_until: datetime | None = None  # a series' end: the last moment of its last day
    zone: str = ""  # the zone named for the time ("в 10 по Екатеринбургу"), not the person's
    # the title opens with "Daily", "Еженедельная"...: the word stays in the title, names
    # a repeat (daily, weekly, monthly), and is the event's only when the time said is
    # that series' slot (title_repeats)
    title_word: str = ""
    title_repeat: str = ""
    title_repeats: bool = False


_URL = re.compile(r"https?://\S+")
_PEOPLE = re.compile(r"(?<!\S)@([\w.\-]+)")
_GROUPS = re.compile(r"(?<!\S)#([\w.\-]+)")
_RANGE = re.compile(r"\b(\d{1,2}[:.]\d{2})\s*[-–—]\s*(\d{1,2}[:.]\d{2})\b")
_UNTIL = re.compile(r"\b(?:до|until|till|to)\s+(\d{1,2}[:.]\d{2})\b", re.IGNORECASE)
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
# "from" before a range's start: the range says it ("from 13:00-16:00")
_FROM = re.compile(r"(?:\b(?:from|с|со)\s+)$", re.IGNORECASE)
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
_ALL_DAY = re.compile(
    r"(?:\b(?:на|for|the)\s+)?\b(?:all[\s-]day|whole\s+day|full\s+day|весь\s+день|целый\s+день)\b",
    re.IGNORECASE,
)
# "1 числа", "каждое 5 число", "15-го числа": a day of the month (monthly with "каждое")
_NTH_DAY = re.compile(
    r"(?:(?P<every>каждое|каждого)\s+)?\b(?P<d>\d{1,2})(?:-?(?:го|е|ое))?\s+(?P<word>числа|число)\b",
    re.IGNORECASE,
)
# "on the 10th at 15:00", "15:00 on the 1st", "10-го в 15:00": a day of the month with a
# time of day, said as a date is; the same slot as "10 числа в 15:00"
_ORDINAL = r"(?:on\s+)?(?:the\s+)?(?P<{name}>\d{{1,2}})(?:st|nd|rd|th|-?го)"
_ORDINAL_SLOT = re.compile(
    rf"(?:{_ORDINAL.format(name='d')}\s+)?(?P<clock>(?:at\s+|в\s+|во\s+)?\d{{1,2}}:\d{{2}})"
    rf"(?:\s+{_ORDINAL.format(name='after')})?",
    re.IGNORECASE,
)
_HALF_HOUR = re.compile(r"\b(?:на\s+)?(?:полчаса|half an hour)\b", re.IGNORECASE)
_AN_HOUR = re.compile(r"\b(?:на\s+час|for an hour|for 1 hour)\b", re.IGNORECASE)
_PLACE = re.compile(r"\b(?:place|where|место|где)\s*:\s*([^|]+)", re.IGNORECASE)
_DMY = re.compile(
    r"\b(\d{1,2})\.(\d{1,2})(?:\.(\d{2,4}))?(?:\s+(?:в\s+|at\s+)?(\d{1,2})[:.](\d{2}))?\b"
)

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
# a day named in words: a dotted number after it is a time ("завтра 10.05" is 10:05)
_NAMED_DAY = re.compile(
    rf"\b(?:today|tomorrow|day after tomorrow|сегодня|завтра|послезавтра|{_DAY_ALT})\b",
    re.IGNORECASE,
)
_COLON_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
_CLOCK_WORD = re.compile(r"(?:\b(?:at|в)\s+)?\b(\d{1,2}:\d{2})\b", re.IGNORECASE)
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
    return _duration(match.group(1), match.group(2)), " ".join(_strip(text, match).split())


OVERNIGHT_MAX = timedelta(hours=12)
AFTERNOON_MAX = timedelta(hours=4)  # "12:30-1:30" ends at 13:30; "10:00-09:00" is a slip
_AT_WHAT_TIME = {True: "/event Созвон завтра 15:00", False: "/event Sync tomorrow 15:00"}


def parse_event(text: str, locale: str, tz: str, now: datetime | None = None) -> EventDraft:
    person_tz = tz
    raw = normalize_dates(" ".join(text.split()), locale)
    description = ""
    if "|" in raw:
        raw, _, description = raw.partition("|")
        description = description.strip()
    place = ""
    match = _PLACE.search(raw)
    if match:
        place = match.group(1).strip()
        raw = raw[: match.start()]
    urls = _URL.findall(raw)
    if urls and not place:
        place = urls[0]
    raw = _URL.sub(" ", raw)
    people = ["@" + p for p in _PEOPLE.findall(raw)]
    groups = ["#" + g for g in _GROUPS.findall(raw)]
    raw = _GROUPS.sub(" ", _PEOPLE.sub(" ", raw))
    said_zone, raw = split_zone(raw)
    if said_zone is not None:  # the time is that zone's; the event is still the person's
        tz = said_zone

    raw = raw.strip()
    leading = _TITLE_WORD.match(raw)  # the title's own word, not a repeat to take out
    opening = raw[: leading.end()] if leading else ""
    raw = raw[len(opening) :]
    repeat, weekdays = "none", []
    if _EVERY_OTHER.search(raw):
        raise DomainError(
            N_(
                "Events cannot repeat every other week yet. Make it weekly and cancel the "
                "weeks you skip, or create each date."
            )
        )
    match = _WORKDAYS.search(raw)
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
    raw = opening + raw
    until: date | None = None
    if repeat != "none" or leading is not None:
        ending = find_last_day(raw, tz, now)
        if ending is not None:  # "каждую среду в 15 до 31 декабря": the series' last day
            until = ending.last
            raw = ending.without(raw)

    all_day = False
    match = _ALL_DAY.search(raw)
    if match and not has_time(clocks_in_24_hours(_strip(raw, match))):
        # with a time said too ("Full day workshop tomorrow 9:00-18:00") the words are
        # the title's and the time is the event's
        all_day = True
        raw = _strip(raw, match)
    days = find_day_range(raw, tz, now)
    if days is not None:  # "1-5 декабря", "Dec 3-4": whole days unless clocks are said
        raw = days.without(raw)

    nth: int | None = None
    match = _NTH_DAY.search(raw)
    if match and 1 <= int(match["d"]) <= 31:
        nth = int(match["d"])
        raw = _strip(raw, match)
        if match["every"] or match["word"].lower() == "число":
            repeat = "monthly" if repeat == "none" else repeat

    length: timedelta | None = None
    end_clock: tuple[int, int] | None = None
    raw = clocks_in_24_hours(raw)
    match = _RANGE.search(raw)
    if match:
        end_clock = _clock(match.group(2))
        head = _FROM.sub("", raw[: match.start()])
        raw = head + match.group(1) + raw[match.end() :]
    match = _UNTIL.search(raw)
    if match and end_clock is None:
        end_clock = _clock(match.group(1))
        raw = _strip(raw, match)
    match = _COMPOUND.search(raw)
    if match and length is None:
        length = timedelta(hours=int(match.group(1)), minutes=int(match.group(2)))
        raw = _strip(raw, match)
    for pattern, minutes in ((_HALF_HOUR, 30), (_AN_HOUR, 60)):
        match = pattern.search(raw)
        if match and length is None:
            length = timedelta(minutes=minutes)
            raw = _strip(raw, match)
    match = _DURATION.search(raw)
    if match and length is None:
        length = _duration(match.group(1), match.group(2))
        raw = _strip(raw, match)

    zone = ZoneInfo(tz)
    start: datetime | None = None
    slot = ""  # the words that said the day and time, when a time of day is among them
    if days is not None:
        said_clock = _CLOCK_WORD.search(raw)
        if said_clock is None or all_day:
            return _whole_days(
                raw,
                days.first,
                days.last,
                tz,
                people,
                groups,
                place,
                description,
                repeat,
                weekdays,
                until,
            )
        # "3-4 декабря 10:00-18:00": from the first day's start to the last day's end
        hour, minute = _clock(said_clock.group(1))
        raw = _strip(raw, said_clock)
        first = datetime.combine(days.first, datetime.min.time(), zone)
        start = first.replace(hour=hour, minute=minute).astimezone(UTC)
        last = datetime.combine(days.last, datetime.min.time(), zone)
        if end_clock is not None:
            end = last.replace(hour=end_clock[0], minute=end_clock[1]).astimezone(UTC)
        else:
            end = last.replace(hour=hour, minute=minute).astimezone(UTC) + (
                length or DEFAULT_LENGTH
            )
        draft = EventDraft(_clean_title(raw), start, end, people, groups, place[:300], description)
        check_times(draft.starts_at, draft.ends_at)
        return draft
    match = _DMY.search(raw)
    if match and match.group(3) is None and match.group(4) is None and _NAMED_DAY.search(raw):
        # a day named in words says when; the dotted number is its time ("завтра 10.05"),
        # or, with a time written out too, part of the title ("Отчёт за 10.05 завтра в 12:00")
        if _COLON_TIME.search(raw) or len(match.group(2)) == 1:  # "1.5 млн": the title's
            match = None
        elif int(match.group(1)) <= 23 and int(match.group(2)) <= 59:
            raw = raw[: match.start()] + f"{match.group(1)}:{match.group(2)}" + raw[match.end() :]
            match = None
    if match:
        raw = _strip(raw, match)
        if match.group(4) is None:  # "31.12": at what time? "31.12 в 18", "15.06 вечером"
            said = find_when(raw, locale, tz, now)
            if all_day or said is None or not has_time(said.fragment):
                if all_day:
                    day = _dmy(match, zone, now).astimezone(zone).date()
                    return _whole_days(
                        raw,
                        day,
                        day,
                        tz,
                        people,
                        groups,
                        place,
                        description,
                        repeat,
                        weekdays,
                        until,
                    )
                raise DomainError(
                    N_('At what time? For example: {example}. A whole day: add "all day".'),
                    example=_AT_WHAT_TIME[locale == "ru"],
                )
            clock = said.when.astimezone(zone)
            day = _dmy(match, zone, now).astimezone(zone)
            start = day.replace(hour=clock.hour, minute=clock.minute).astimezone(UTC)
            raw = raw.replace(said.fragment, " ", 1)
        else:
            start = _dmy(match, zone, now)
    else:
        found = find_when(raw, locale, tz, now)
        if found is not None:
            start = found.when
            slot = found.fragment
            raw = raw.replace(found.fragment, " ", 1)
            if all_day:  # "tomorrow all day"
                day = start.astimezone(zone).date()
                return _whole_days(
                    raw, day, day, tz, people, groups, place, description, repeat, weekdays, until
                )
            if not has_time(found.fragment):  # "завтра": a time of day, not this minute
                before = _CLOCK_WORD.search(raw)  # said before the day ("10:00 tomorrow")?
                if before is None:
                    raise DomainError(
                        N_('At what time? For example: {example}. A whole day: add "all day".'),
                        example=_AT_WHAT_TIME[locale == "ru"],
                    )
                hour, minute = _clock(before.group(1))
                day = start.astimezone(zone)
                start = day.replace(hour=hour, minute=minute, second=0, microsecond=0)
                start = start.astimezone(UTC)
                raw = _strip(raw, before)
                slot = f"{before.group(0)} {slot}"  # "15:00 on the 1st"
    if start is None and all_day:  # "Day off all day": today
        day = (now or datetime.now(UTC)).astimezone(zone).date()
        return _whole_days(
            raw, day, day, tz, people, groups, place, description, repeat, weekdays, until
        )
    if start is None:
        raise DomainError(
            N_("When is it? Add a date and time, for example: {examples}"),
            examples=DATE_EXAMPLES[locale if locale in DATE_EXAMPLES else "en"],
        )
    ordinal = _ORDINAL_SLOT.fullmatch(slot.strip()) if nth is None else None
    day_said = int(ordinal["d"] or ordinal["after"] or 0) if ordinal is not None else 0
    if ordinal is not None and 1 <= day_said <= 31:
        nth, slot = day_said, ordinal["clock"]  # "on the 10th at 15:00" as "10 числа в 15:00"
    if nth is not None:  # "1 числа в 12": the coming 1st at 12:00
        start = _on_day_of_month(nth, start.astimezone(zone).time(), zone, now)
    title_repeats = repeat == "none" and leading is not None and _title_slot(leading, slot, nth)
    named = (
        next((kind for kind, word in leading.groupdict().items() if word), "") if leading else ""
    )
    if title_repeats:
        repeat = named
    if repeat == "weekly" and weekdays:
        local = start.astimezone(zone)
        while local.weekday() not in weekdays:
            local = (local.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=zone)
        start = local.astimezone(UTC)
    title = _clean_title(raw)
    if end_clock is not None:
        local = start.astimezone(zone)
        end = local.replace(hour=end_clock[0], minute=end_clock[1]).astimezone(UTC)
        if end <= start and end_clock[0] < 12:  # "12:30-1:30", "11-1": the afternoon's
            afternoon = local.replace(hour=end_clock[0] + 12, minute=end_clock[1]).astimezone(UTC)
            if start < afternoon <= start + AFTERNOON_MAX:  # not 10:00-09:00 as 11 hours
                end = afternoon
        if end <= start:  # 22:00-02:00: through the night, into the next day
            following = (local.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=zone)
            overnight = following.replace(hour=end_clock[0], minute=end_clock[1]).astimezone(UTC)
            if overnight - start <= OVERNIGHT_MAX:  # 10:00-09:00 is a slip, not 23 hours
                end = overnight
    else:
        end = start + (length or DEFAULT_LENGTH)
    draft = EventDraft(
        title=title,
        starts_at=start,
        ends_at=end,
        people=people,
        groups=groups,
        place=place[:300],
        description=description,
        repeat=repeat,
        weekdays=weekdays,
        repeat_until=_series_end(until, repeat, tz),
        zone=said_zone if said_zone is not None and said_zone != person_tz else "",
        title_word=opening,
        title_repeat=named,
        title_repeats=title_repeats,
    )
    check_times(draft.starts_at, draft.ends_at)
    return draft


def _title_slot(leading: re.Match[str], slot: str, nth: int | None) -> bool:
    """Whether the time said is the slot of the series the title's word names: a weekday
    for "Weekly sync mon 10:00", a bare time of day for "Daily standup 9:30", a day of the
    month for "Ежемесячный отчёт 10 числа в 15:00". With a date ("Weekly sync tomorrow
    10:00", "Monthly review Dec 10 15:00") it is one meeting of that name."""
    if leading["weekly"]:
        return any(word in _WORD_DAY for word in re.findall(r"\w+", slot.lower()))
    bare = _BARE_CLOCK.fullmatch(slot.strip()) is not None
    return bare and (nth is None if leading["daily"] else nth is not None)


def _on_day_of_month(nth: int, clock: time, zone: ZoneInfo, now: datetime | None) -> datetime:
    current = (now or datetime.now(UTC)).astimezone(zone)
    year, month = current.year, current.month
    for _ in range(14):  # the next month that has that day, still ahead
        try:
            local = datetime.combine(date(year, month, nth), clock, zone)
        except ValueError:
            local = None
        if local is not None and local > current:
            return local.astimezone(UTC)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise DomainError(N_("There is no such date: {text}."), text=str(nth))


def _whole_days(
    raw: str,
    first: date,
    last: date,
    tz: str,
    people: list[str],
    groups: list[str],
    place: str,
    description: str,
    repeat: str,
    weekdays: list[int],
    until: date | None,
) -> EventDraft:
    """An all-day event over the days, midnight to midnight in the zone."""
    if _CLOCK_WORD.search(raw):
        raise DomainError(
            N_('An all-day event has no time of day. Leave out either the time or "all day".')
        )
    draft = EventDraft(
        title=_clean_title(raw),
        starts_at=midnight(first, tz),
        ends_at=midnight(last + timedelta(days=1), tz),
        people=people,
        groups=groups,
        place=place[:300],
        description=description,
        repeat=repeat,
        weekdays=weekdays,
        repeat_until=_series_end(until, repeat, tz),
        all_day=True,
    )
    check_times(draft.starts_at, draft.ends_at, all_day=True)
    return draft


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


def _dmy(match: re.Match[str], zone: ZoneInfo, now: datetime | None) -> datetime:
    day, month, year, hour, minute = match.groups()
    today = (now or datetime.now(UTC)).astimezone(zone)
    y = int(year) if year else today.year
    if y < 100:
        y += 2000
    try:
        local = datetime(y, int(month), int(day), int(hour or 9), int(minute or 0), tzinfo=zone)
    except ValueError:
        raise DomainError(N_("There is no such date: {text}."), text=match.group(0)) from None
    if not year and local < today - timedelta(days=1):
        local = local.replace(year=y + 1)
    return local.astimezone(UTC)


_FILLERS = {"в", "at", "on", "на", "с", "from", "for", "and", "и", ",", "-", "—"}


def _clean_title(raw: str) -> str:
    words = raw.split()
    while words and words[-1].lower() in _FILLERS:
        words.pop()
    while words and words[0].lower() in _FILLERS:
        words.pop(0)
    title = " ".join(words).strip(" ,;-—")
    if not title:
        raise DomainError(N_("What is the event called? Put its title first."))
    return title[:TITLE_MAX]


ALL_DAY_MAX = timedelta(days=62)  # a vacation, a conference season: whole days


def check_times(start: datetime, end: datetime, *, all_day: bool = False) -> None:
    if end <= start:
        raise DomainError(
            N_(
                "The event would end before it starts. Send it again with the end after the start, for example 10:00-11:00, or with a length such as 30m."
            )
        )
    if all_day and end - start > ALL_DAY_MAX:
        raise DomainError(N_("An all-day event may last at most 62 days."))
    if not all_day and end - start > timedelta(days=14):
        raise DomainError(N_("An event may last at most 14 days."))


def parse_start(text: str, locale: str, tz: str, now: datetime | None = None) -> datetime:
    match = _DMY.search(text)
    if match:
        return _dmy(match, ZoneInfo(tz), now)
    return parse_when(text, locale, tz, now)
