"""/event free text: title, start, end or duration, repetition, place, description,
and the @people / #group tokens (resolved by the caller)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.calendar_draft import EventDraft, _clean_title, _whole_days, check_times, no_time
from services.calendar_repeat import (
    _DAY_ALT,
    _TITLE_WORD,
    _WORD_DAY,
    _series_end,
    _title_slot,
    repeats,
    split_repeat,
)
from services.calendar_times import (
    _AN_HOUR,
    _CLOCK_WORD,
    _COMPOUND,
    _DURATION,
    _HALF_HOUR,
    _clock,
    _strip,
    clocks_in_24_hours,
    length_in,
    refuse_bad_lengths,
    said_length,
    split_zone,
)
from services.errors import N_, DomainError
from services.parsing import cut_out, find_when, has_time, parse_when
from services.parsing_days import (
    find_day_range,
    find_last_day,
    find_last_month,
    find_last_weekday,
    hide_bare_months,
    midnight,
)
from services.parsing_fast import refuse_impossible_day, said_year
from services.parsing_said import normalize_dates

DEFAULT_LENGTH = timedelta(hours=1)


_URL = re.compile(r"https?://\S+")
_PEOPLE = re.compile(r"(?<!\S)@([\w.\-]+)")
_GROUPS = re.compile(r"(?<!\S)#([\w.\-]+)")
_RANGE = re.compile(r"\b(\d{1,2}[:.]\d{2})\s*[-–—]\s*(\d{1,2}[:.]\d{2})\b")
_UNTIL = re.compile(r"\b(?:до|until|till|to)\s+(\d{1,2}[:.]\d{2})\b", re.IGNORECASE)
# "from" before a range's start: the range says it ("from 13:00-16:00")
_FROM = re.compile(r"(?:\b(?:from|с|со)\s+)$", re.IGNORECASE)
_ALL_DAY = re.compile(
    r"(?:\b(?:на|for|the)\s+)?\b(?:all[\s-]day|whole\s+day|full\s+day|весь\s+день|целый\s+день)\b",
    re.IGNORECASE,
)
# a meal in a title ("Lunch", "Обед") says no time of the day beside "all day"
_MEALS = re.compile(r"\b(?:lunch\w*|обед\w*)\b", re.IGNORECASE)
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
_PLACE = re.compile(r"\b(?:place|where|место|где)\s*:\s*([^|]+)", re.IGNORECASE)
_DMY = re.compile(
    r"\b(\d{1,2})\.(\d{1,2})(?:\.(\d{2,4}))?(?:\s+(?:в\s+|at\s+)?(\d{1,2})[:.](\d{2}))?\b"
)

# a day named in words: a dotted number after it is a time ("завтра 10.05" is 10:05)
_NAMED_DAY = re.compile(
    rf"\b(?:today|tomorrow|day after tomorrow|сегодня|завтра|послезавтра|{_DAY_ALT})\b",
    re.IGNORECASE,
)
_COLON_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")


OVERNIGHT_MAX = timedelta(hours=12)
AFTERNOON_MAX = timedelta(hours=4)  # "12:30-1:30" ends at 13:30; "10:00-09:00" is a slip


def parse_event(text: str, locale: str, tz: str, now: datetime | None = None) -> EventDraft:
    person_tz = tz
    raw = " ".join(text.split())
    # "каждый день в 9 до пятницы", "… до декабря": the weekday or month the series ends
    # with, read before "до пятницы" becomes its start ("в пятницу") and "по пятницу" a
    # weekly Friday
    last_weekday = find_last_weekday(raw, tz, now) or find_last_month(raw, tz, now)
    if last_weekday is not None and repeats(last_weekday.without(raw)):
        raw = last_weekday.without(raw)
    else:
        last_weekday = None
    raw = normalize_dates(raw, locale)
    description = ""
    if "|" in raw:
        raw, _, description = raw.partition("|")
        description = description.strip()
    place = ""
    match = _PLACE.search(raw)
    if match:
        place = match.group(1).strip()
        raw = raw[: match.start()]
    refuse_impossible_day(raw)  # "31 апреля", "Feb 30": no other day in their place
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
    repeat, weekdays, raw = split_repeat(raw)
    raw = opening + raw
    until = last_weekday.last if last_weekday is not None else None
    if repeat != "none" or leading is not None:
        ending = find_last_day(raw, tz, now)
        if ending is not None:  # "каждую среду в 15 до 31 декабря": the series' last day
            until = ending.last
            raw = ending.without(raw)

    all_day = False
    match = _ALL_DAY.search(raw)
    if match and not has_time(_MEALS.sub(" ", clocks_in_24_hours(_strip(raw, match)))):
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
    refuse_bad_lengths(raw)
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
    match = length_in(_COMPOUND, raw)
    if match and length is None:
        length = said_length(raw, match)
        raw = _strip(raw, match)
    for pattern, minutes in ((_HALF_HOUR, 30), (_AN_HOUR, 60)):
        match = pattern.search(raw)
        if match and length is None:
            length = timedelta(minutes=minutes)
            raw = _strip(raw, match)
    match = length_in(_DURATION, raw)
    if match and length is None:
        length = said_length(raw, match)
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
            said = find_when(hide_bare_months(raw), locale, tz, now)
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
                _dmy(match, zone, now)  # "31.02" is refused before its time is asked
                raise no_time(raw, day=match.group(0))
            clock = said.when.astimezone(zone)
            day = _dmy(match, zone, now).astimezone(zone)
            start = day.replace(hour=clock.hour, minute=clock.minute).astimezone(UTC)
            raw = cut_out(raw, said.fragment)
        else:
            start = _dmy(match, zone, now)
    else:
        # "Планёрка по бюджету на декабрь в 10": the month is the title's, not the day
        found = find_when(hide_bare_months(raw), locale, tz, now)
        if found is not None:
            start = found.when
            slot = found.fragment
            raw = cut_out(raw, found.fragment)
            if all_day:  # "tomorrow all day"
                day = start.astimezone(zone).date()
                return _whole_days(
                    raw, day, day, tz, people, groups, place, description, repeat, weekdays, until
                )
            if not has_time(found.fragment):  # "завтра": a time of day, not this minute
                before = _CLOCK_WORD.search(raw)  # said before the day ("10:00 tomorrow")?
                if before is None:
                    raise no_time(raw, day=found.fragment)
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
        raise no_time(raw)
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


def _dmy(match: re.Match[str], zone: ZoneInfo, now: datetime | None) -> datetime:
    day, month, year, hour, minute = match.groups()
    today = (now or datetime.now(UTC)).astimezone(zone)
    y = said_year(year, match.group(0), now) if year else today.year
    try:
        local = datetime(y, int(month), int(day), int(hour or 9), int(minute or 0), tzinfo=zone)
    except ValueError:
        raise DomainError(N_("There is no such date: {text}."), text=match.group(0)) from None
    if not year and local < today - timedelta(days=1):
        local = local.replace(year=y + 1)
    return local.astimezone(UTC)


def parse_start(text: str, locale: str, tz: str, now: datetime | None = None) -> datetime:
    match = _DMY.search(text)
    if match:
        return _dmy(match, ZoneInfo(tz), now)
    return parse_when(text, locale, tz, now)


_ONWARD = re.compile(r"\b(?:next|следующ\w*)\b", re.IGNORECASE)


def parse_start_near(text: str, locale: str, tz: str, around: datetime) -> datetime:
    """A new start said of a date starting `around`: "10:00" is that day's; a weekday
    ("Wednesday 10:00") the nearest such day, before or after it (one as far before as
    after is asked about); a date (03.12 10:00) or "next Wednesday" as said."""
    zone = ZoneInfo(tz)
    local = around.astimezone(zone)
    start = parse_start(text, locale, tz, now=midnight(local.date(), tz))
    words = {w for w in re.findall(r"\w+", text.lower()) if w in _WORD_DAY}
    if not words or _DMY.search(text) or _ONWARD.search(text):
        return start
    later = start.astimezone(zone)
    earlier = (later.replace(tzinfo=None) - timedelta(days=7)).replace(tzinfo=zone)
    if abs(earlier - local) == abs(later - local):
        raise DomainError(
            N_("Is it {earlier} or {later}? Both are as far from this date. Say the date."),
            earlier=f"{earlier:%d.%m.%Y %H:%M}",
            later=f"{later:%d.%m.%Y %H:%M}",
        )
    return (earlier if abs(earlier - local) < abs(later - local) else later).astimezone(UTC)
