"""dateparser's misreadings set right: a recent date's year, a weekday said that day, bad clocks."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from services.errors import N_, DomainError
from services.parsing_fast import RECENT_PAST

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
