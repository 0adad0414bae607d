"""iCalendar (.ics, RFC 5545) text of a person's or a group's calendar: its events and
series with their moved, cancelled and declined dates, and the time zones they use
(what goes in, and the private subscription tokens: services.calendar_feed)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from models.base import utcnow
from models.calendar import Event
from models.teams import User
from services.calendar_recur import key_to_time, occ_key, weekday_set

PRODID = "-//Planerka//Calendar//EN"
PARTSTAT = {"yes": "ACCEPTED", "no": "DECLINED", "maybe": "TENTATIVE", "pending": "NEEDS-ACTION"}
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True, slots=True)
class Entry:
    event: Event
    organizer: User | None
    attendees: list[tuple[User, str]]
    # occurrences (original starts, occ keys) the feed's reader declined one by one
    declined: frozenset[int] = frozenset()
    # a series the reader declined: the occurrences they accepted one by one, alone
    only: frozenset[int] = frozenset()


_LINK = re.compile(r"https?://[^\s\x00-\x1f\x7f\"<>\\]+")


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r", "")
        .replace("\n", "\\n")
    )


def _param(text: str) -> str:
    """A parameter value (a person's name): quoted, as RFC 5545 wants for one with ":",
    ";" or ","; a quote or a control character cannot appear in it, so they go."""
    return (
        '"'
        + "".join(" " if ord(c) < 32 or c == "\x7f" else c for c in text).replace('"', "'")
        + '"'
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not parts else 74
        if len((current + char).encode()) > limit:
            parts.append(current)
            current = char
        else:
            current += char
    parts.append(current)
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(moment: datetime, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%Y%m%dT%H%M%S")


def _uid(event_id: int, host: str) -> str:
    return f"event-{event_id}@{host}"


def _person(user: User, status: str | None = None) -> str:
    params = f";CN={_param(user.name)}"
    if status is not None:
        params += f";PARTSTAT={PARTSTAT.get(status, 'NEEDS-ACTION')}"
    return f"{params}:urn:planerka:user:{user.id}"


def event_count(entries: Iterable[Entry]) -> int:
    """How many events a file of `entries` holds: each event or series once (its moved
    or cancelled dates are part of it), not those cancelled (they are in the file only
    so that subscribed calendars drop them)."""
    return sum(1 for e in entries if e.event.parent_id is None and not e.event.cancelled)


def render(
    entries: Iterable[Entry], *, name: str, host: str = "planerka", now: datetime | None = None
) -> str:
    stamp = _utc(now or utcnow())
    items = list(entries)
    overrides: dict[int, list[Entry]] = {}
    for entry in items:
        if entry.event.parent_id is not None:
            overrides.setdefault(entry.event.parent_id, []).append(entry)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for entry in items:
        event = entry.event
        if event.parent_id is not None:
            continue
        lines.extend(_vevent(entry, stamp, host, overrides.get(event.id, [])))
        for override in overrides.get(event.id, []):
            moved_from = override.event.recurrence_id
            if override.event.cancelled or (
                moved_from is not None
                and (
                    occ_key(moved_from) in entry.declined
                    or (entry.only and occ_key(moved_from) not in entry.only)
                )
            ):
                continue
            lines.extend(_vevent(override, stamp, host, [], series=event))
    lines.append("END:VCALENDAR")
    lines[6:6] = _vtimezones(lines, (now or utcnow()).year)
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


_TZID = re.compile(r";TZID=([^:;]+):(\d{4})")
VTIMEZONE_AHEAD = 5  # years of a zone's offsets given after this one (feeds are re-read)


def _vtimezones(lines: list[str], this_year: int) -> list[str]:
    """A VTIMEZONE for every TZID the events use (RFC 5545 requires it; Outlook relies on
    it), from the earliest year a series of that zone starts in."""
    first: dict[str, int] = {}
    for line in lines:
        for tz, year in _TZID.findall(line):
            first[tz] = min(first.get(tz, 9999), int(year))
    out: list[str] = []
    for tz in sorted(first):
        out.extend(_vtimezone(tz, min(first[tz], this_year), this_year + VTIMEZONE_AHEAD))
    return out


def _offset(delta: timedelta | None) -> str:
    minutes = int((delta or timedelta(0)).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}{minutes:02d}"


def _vtimezone(tz: str, first_year: int, last_year: int) -> list[str]:
    """The zone's offsets as they were and will be from first_year to last_year: each
    change of offset (DST, or a change of the zone's law) as its own component."""
    zone = ZoneInfo(tz)
    moment = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    current = moment.astimezone(zone)
    kind = "DAYLIGHT" if current.dst() else "STANDARD"
    start = current.replace(tzinfo=None).strftime("%Y%m%dT%H%M%S")
    offset = _offset(current.utcoffset())
    out = ["BEGIN:VTIMEZONE", f"TZID:{tz}"]
    out += [f"BEGIN:{kind}", f"DTSTART:{start}", f"TZOFFSETFROM:{offset}"]
    out += [f"TZOFFSETTO:{offset}", f"TZNAME:{current.tzname()}", f"END:{kind}"]
    day, step = timedelta(days=1), timedelta(minutes=15)
    before = current.utcoffset()
    while moment < end:
        if (moment + day).astimezone(zone).utcoffset() == before:
            moment += day
            continue
        while (moment + step).astimezone(zone).utcoffset() == before:
            moment += step
        moment += step  # the first quarter hour of the new offset
        after = moment.astimezone(zone)
        kind = "DAYLIGHT" if after.dst() else "STANDARD"
        wall = (moment + (before or timedelta(0))).replace(tzinfo=None)  # in the old offset
        out += [f"BEGIN:{kind}", f"DTSTART:{wall:%Y%m%dT%H%M%S}"]
        out += [f"TZOFFSETFROM:{_offset(before)}", f"TZOFFSETTO:{_offset(after.utcoffset())}"]
        out += [f"TZNAME:{after.tzname()}", f"END:{kind}"]
        before = after.utcoffset()
    out.append("END:VTIMEZONE")
    return out


def _vevent(
    entry: Entry, stamp: str, host: str, overrides: list[Entry], series: Event | None = None
) -> list[str]:
    event = entry.event
    recurring = event.repeat != "none" or series is not None
    tz = (series or event).timezone
    out = [
        "BEGIN:VEVENT",
        f"UID:{_uid(series.id if series else event.id, host)}",
        f"DTSTAMP:{stamp}",
    ]
    whole = (series or event).all_day

    def at(name: str, moment: datetime) -> str:
        if whole:  # an all-day event: dates, the same days wherever it is read
            return f"{name};VALUE=DATE:{moment.astimezone(ZoneInfo(tz)):%Y%m%d}"
        return f"{name};TZID={tz}:{_local(moment, tz)}"

    if recurring or whole:
        # a series keeps its wall-clock time in its own zone (TZID), across DST changes
        first = event.starts_at
        if entry.only and series is None:  # the first of the occurrences kept
            first = key_to_time(min(entry.only))
        out.append(at("DTSTART", first))
        length = event.ends_at - event.starts_at
        if whole:  # whole days, whatever a clock change in them did to the hours
            length = timedelta(days=max(1, round(length / timedelta(days=1))))
            first = first.astimezone(ZoneInfo(tz))
        out.append(at("DTEND", first + length))
    else:
        out.append(f"DTSTART:{_utc(event.starts_at)}")
        out.append(f"DTEND:{_utc(event.ends_at)}")
    if whole:
        out.append("TRANSP:TRANSPARENT")  # as calendars keep all-day events: not busy
    if series is not None and event.recurrence_id is not None:
        out.append(at("RECURRENCE-ID", event.recurrence_id))
    out.append(f"SUMMARY:{_escape(event.title)}")
    if event.description:
        out.append(f"DESCRIPTION:{_escape(event.description)}")
    if event.place:
        out.append(f"LOCATION:{_escape(event.place)}")
        if _LINK.fullmatch(event.place):  # one link, nothing that could end the line
            out.append(f"URL:{event.place}")
    if event.repeat != "none" and series is None and entry.only:
        # a recurrence set of just these dates (RFC 5545 RDATE), no rule
        for key in sorted(entry.only)[1:]:
            out.append(at("RDATE", key_to_time(key)))
    elif event.repeat != "none" and series is None:
        rule = f"FREQ={event.repeat.upper()}"
        if event.repeat == "weekly":
            rule += ";BYDAY=" + ",".join(BYDAY[d] for d in sorted(weekday_set(event)))
        if event.repeat == "monthly":
            rule += f";BYMONTHDAY={event.starts_at.astimezone(ZoneInfo(tz)).day}"
        if event.repeat_until is not None:
            rule += f";UNTIL={_utc(event.repeat_until)}"
        out.append(f"RRULE:{rule}")
        skipped = {
            occ_key(o.event.recurrence_id)
            for o in overrides
            if o.event.cancelled and o.event.recurrence_id is not None
        }
        for key in sorted(skipped | entry.declined):
            out.append(at("EXDATE", key_to_time(key)))
    out.append("STATUS:CANCELLED" if event.cancelled else "STATUS:CONFIRMED")
    if entry.organizer is not None:
        out.append("ORGANIZER" + _person(entry.organizer))
    for user, status in entry.attendees:
        out.append("ATTENDEE;ROLE=REQ-PARTICIPANT" + _person(user, status))
    out.append("END:VEVENT")
    return out
