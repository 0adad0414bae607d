"""The periods the CRM counts in: months as keys ("2026-11"), their bounds in a
zone, a month said in words ("в декабре", "Dec 2026", "last month"), and the start of
today, this week, month or year."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from services.errors import N_, DomainError


def month_key(moment: date | datetime, tz: str | None = None) -> str:
    """'2026-11' for a date, or for a moment as the clock in zone `tz` shows it."""
    if isinstance(moment, datetime) and tz is not None:
        moment = moment.astimezone(ZoneInfo(tz))
    return f"{moment.year:04d}-{moment.month:02d}"


def period_start(kind: str, tz: str, now: datetime | None = None) -> datetime:
    """The start of today (t), this week (w, from Monday), month (m) or year (y) in a
    zone, in UTC: the calendar periods reports and lists count."""
    day = (now or datetime.now(UTC)).astimezone(ZoneInfo(tz)).date()
    if kind == "w":
        day -= timedelta(days=day.weekday())
    elif kind == "m":
        day = day.replace(day=1)
    elif kind == "y":
        day = day.replace(month=1, day=1)
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def month_bounds(key: str, tz: str = "UTC") -> tuple[datetime, datetime]:
    """The month's first and next month's first midnight in zone `tz`, as UTC moments:
    a deal won at 00:30 on 1 December in Moscow counts for December there."""
    year, month = int(key[:4]), int(key[5:7])
    zone = ZoneInfo(tz)
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def shift_month(key: str, months: int) -> str:
    year, month = int(key[:4]), int(key[5:7])
    index = year * 12 + month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


_MONTH_STEMS = (
    ("январ", "jan"),
    ("феврал", "feb"),
    ("март", "mar"),
    ("апрел", "apr"),
    ("ма", "may"),
    ("июн", "jun"),
    ("июл", "jul"),
    ("август", "aug"),
    ("сентябр", "sep"),
    ("октябр", "oct"),
    ("ноябр", "nov"),
    ("декабр", "dec"),
)
_SAID_MONTH = re.compile(
    r"(?:(?:в|на|за|in|for)\s+)?(?P<name>[a-zа-яё]+)\.?(?:\s+(?P<year>\d{4}))?", re.IGNORECASE
)
_SHIFTS = {
    "this month": 0,
    "этот месяц": 0,
    "этом месяце": 0,
    "last month": -1,
    "прошлый месяц": -1,
    "прошлом месяце": -1,
    "next month": 1,
    "следующий месяц": 1,
    "следующем месяце": 1,
}


def month_number(word: str) -> int | None:
    """1-12 for a month's name in Russian (any case) or English (full or short)."""
    word = word.casefold().replace("ё", "е")
    for number, (ru, en) in enumerate(_MONTH_STEMS, start=1):
        if ru == "ма":  # май, мая, мае: not "март"
            if word in ("май", "мая", "мае"):
                return number
        elif word.startswith(ru) and len(word) <= len(ru) + 2:
            return number
        if en == "may" and word == "may":
            return number
        if en != "may" and word.startswith(en) and len(word) >= 3:
            full = date(2000, number, 1).strftime("%B").casefold()
            if full.startswith(word) or word in (en, en + "t"):  # "sept"
                return number
    return None


def _said_month(raw: str, today: date) -> str | None:
    """ "декабрь", "в декабре", "Dec 2026", "last month": that month, the one nearest
    today when no year is said."""
    shift = _SHIFTS.get(" ".join(raw.casefold().split()))
    if shift is not None:
        index = today.year * 12 + today.month - 1 + shift
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    said = _SAID_MONTH.fullmatch(raw.strip())
    number = month_number(said["name"]) if said else None
    if said is None or number is None:
        return None
    if said["year"]:
        return f"{int(said['year']):04d}-{number:02d}"
    years = (today.year - 1, today.year, today.year + 1)
    year = min(years, key=lambda y: abs((y * 12 + number) - (today.year * 12 + today.month)))
    return f"{year:04d}-{number:02d}"


def parse_month(text: str, today: date) -> str:
    raw = text.strip()
    if not raw:
        return month_key(today)
    said = _said_month(raw, today)
    if said is not None:
        return said
    for sep in ("-", ".", "/"):
        if sep in raw:
            a, _, b = raw.partition(sep)
            if a.isdigit() and b.isdigit():
                year, month = (int(a), int(b)) if len(a) == 4 else (int(b), int(a))
                if 1 <= month <= 12 and 2000 <= year <= 2100:
                    return f"{year:04d}-{month:02d}"
    raise DomainError(N_("Give a month like 2026-11 or December."))
