"""Report periods said in words: "November 2025", "Dec 2024", "this month", "last
week", "Q3", "this quarter", "2026", "yesterday", «в прошлом месяце», «за прошлую
неделю», «3 квартал», «за 2025 год». A period is whole days of the team's calendar."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from services.crm_periods import parse_month
from services.errors import N_, DomainError
from services.parsing_days import midnight, past_day

KINDS = ("all", "d", "w", "m", "q", "y")


@dataclass(frozen=True, slots=True)
class Period:
    kind: str  # all, d (a day), w (a week from Monday), m, q (a quarter), y
    first: date | None = None  # its first day; None for all time

    @property
    def last(self) -> date:
        """The period's last day (inclusive)."""
        first = self.first
        if first is None:
            return date.max
        if self.kind == "d":
            return first
        if self.kind == "w":
            return first + timedelta(days=6)
        months = {"m": 1, "q": 3, "y": 12}[self.kind]
        index = first.year * 12 + first.month - 1 + months
        return date(index // 12, index % 12 + 1, 1) - timedelta(days=1)

    @property
    def key(self) -> str:
        """For button data: "all", "d2026-11-26", "w2026-11-23", "m2026-11", "q2026-7", "y2026"."""
        if self.first is None:
            return "all"
        if self.kind in ("d", "w"):
            return f"{self.kind}{self.first.isoformat()}"
        if self.kind in ("m", "q"):
            return f"{self.kind}{self.first.year:04d}-{self.first.month:02d}"
        return f"y{self.first.year:04d}"

    def bounds(self, tz: str) -> tuple[datetime | None, datetime | None]:
        """The first day's and the day after the last one's midnights in zone `tz`, UTC."""
        if self.first is None:
            return None, None
        return midnight(self.first, tz), midnight(self.last + timedelta(days=1), tz)


ALL_TIME = Period("all")


def from_key(key: str) -> Period:
    """A period back from its key (button data); all time for anything else."""
    kind, rest = key[:1], key[1:]
    try:
        if kind in ("d", "w"):
            return Period(kind, date.fromisoformat(rest))
        if kind in ("m", "q"):
            year, month = (int(part) for part in rest.split("-"))
            return Period(kind, date(year, month, 1))
        if kind == "y":
            return Period("y", date(int(rest), 1, 1))
    except ValueError:
        pass
    return ALL_TIME


_LEADING = re.compile(r"^(?:за|в|во|на|с|for|in|during|over|of|the)\s+")
_THIS = r"(?:this|current|этот|этом|эту|этой|эта|текущий|текущем|текущую|текущей|текущая)"
_LAST = (
    r"(?:last|previous|прошлый|прошлом|прошлую|прошлой|прошлая|предыдущий|предыдущем|"
    r"предыдущую|предыдущей|предыдущая)"
)
_WEEK = r"(?:week|неделя|неделю|неделе)"
_QUARTER = r"(?:quarter|квартал|квартале)"
_YEAR_WORD = r"(?:year|год|году)"
_SHIFTED = re.compile(
    rf"(?:(?P<this>{_THIS})|(?P<last>{_LAST}))?\s*(?P<unit>{_WEEK}|{_QUARTER}|{_YEAR_WORD})"
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_NUMBERED_QUARTER = re.compile(
    r"(?:q(?P<q1>[1-4])|(?P<q2>[1-4]|i{1,3}|iv)(?:-?(?:й|st|nd|rd|th))?\s+" + _QUARTER + r")"
    r"(?:\s+(?P<year>\d{4})(?:\s*(?:г\.?|года?|году))?)?"
)
_YEAR = re.compile(r"(?P<year>\d{4})(?:\s*(?:г\.?|год|года|году|year))?")
_ALL = {"", "all", "all time", "ever", "все", "все время", "всегда"}  # "ё" read as "е"


def _quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _month(raw: str, today: date) -> Period | None:
    try:
        key = parse_month(raw, today)
    except DomainError:
        return None
    return Period("m", date(int(key[:4]), int(key[5:7]), 1))


def parse_period(text: str, today: date) -> Period:
    """The period the words name, counted from `today` (the team's calendar day). A
    month without a year is the one nearest today; a quarter without one, the latest
    begun. Refused with a hint when the words name no period."""
    raw = " ".join(text.casefold().replace("ё", "е").split())
    said = raw
    while (stripped := _LEADING.sub("", said)) != said:
        said = stripped
    if said in _ALL:
        return ALL_TIME
    if said in ("this-month", "этот-месяц"):  # the one-word spelling the reports took
        said = "this month"
    if said in ("this-week",):
        said = "this week"
    day = past_day(said, today) if " " not in said else None
    if day is not None:
        return Period("d", day)
    shifted = _SHIFTED.fullmatch(said)
    if shifted is not None:
        back = 1 if shifted["last"] else 0
        unit = shifted["unit"]
        if re.fullmatch(_WEEK, unit):
            return Period("w", today - timedelta(days=today.weekday() + 7 * back))
        if re.fullmatch(_QUARTER, unit):
            start = _quarter_start(today)
            for _ in range(back):
                start = _quarter_start(start - timedelta(days=1))
            return Period("q", start)
        return Period("y", date(today.year - back, 1, 1))
    quarter = _NUMBERED_QUARTER.fullmatch(said)
    if quarter is not None:
        number_word = quarter["q1"] or quarter["q2"]
        number = int(number_word) if number_word.isdigit() else _ROMAN[number_word]
        start = date(int(quarter["year"] or today.year), 3 * number - 2, 1)
        if quarter["year"] is None and start > today:
            start = start.replace(year=start.year - 1)  # "Q4" in February: last year's
        return Period("q", start)
    year = _YEAR.fullmatch(said)
    if year is not None and 2000 <= int(year["year"]) <= 2100:
        return Period("y", date(int(year["year"]), 1, 1))
    if said in ("month", "месяц"):
        return Period("m", today.replace(day=1))
    month = _month(said, today)
    if month is not None:
        return month
    raise DomainError(
        N_(
            "Give a period: a month (November 2025, 2025-11), a quarter (Q3), a year "
            "(2026), this or last week or month, today or yesterday."
        )
    )
