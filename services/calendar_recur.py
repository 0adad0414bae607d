"""Occurrences of events and series in a time range (pure functions, no database)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from models.calendar import Event

REPEATS = ("none", "daily", "weekly", "monthly")
MAX_STEPS = 5000  # a guard against runaway series


@dataclass(frozen=True, slots=True)
class Occurrence:
    event: Event  # the series, a single event, or the override row
    series_id: int  # the id people act on (the series for its occurrences)
    key: int  # the original start, in minutes since the epoch (button data, dedup keys)
    starts_at: datetime
    ends_at: datetime

    @property
    def recurring(self) -> bool:
        return self.event.repeat != "none" or self.event.parent_id is not None


def occ_key(moment: datetime) -> int:
    return int(moment.astimezone(UTC).timestamp() // 60)


def key_to_time(key: int) -> datetime:
    return datetime.fromtimestamp(key * 60, UTC)


def weekday_set(event: Event) -> set[int]:
    days = {int(d) for d in event.weekdays.split(",") if d.strip().isdigit()}
    return days or {event.starts_at.astimezone(ZoneInfo(event.timezone)).weekday()}


def _add_month(local: datetime, months: int) -> datetime | None:
    month0 = local.month - 1 + months
    year, month = local.year + month0 // 12, month0 % 12 + 1
    try:
        return local.replace(year=year, month=month)
    except ValueError:
        return None  # no such day in that month (the 31st): skipped, as calendars do


def series_starts(event: Event, until: datetime) -> Iterator[datetime]:
    """Original starts of a series (UTC), from its first one up to `until`."""
    zone = ZoneInfo(event.timezone)
    first = event.starts_at.astimezone(zone)
    limit = min(until, event.repeat_until) if event.repeat_until else until
    if event.repeat == "none":
        if event.starts_at <= limit:
            yield event.starts_at
        return
    days = weekday_set(event) if event.repeat == "weekly" else set()
    for step in range(MAX_STEPS):
        if event.repeat == "monthly":
            candidate = _add_month(first, step)
            if candidate is None:
                continue
            local = candidate
        else:
            local = first + timedelta(days=step)
            if event.repeat == "weekly" and local.weekday() not in days:
                continue
        # aware arithmetic in the series' zone keeps the wall-clock time across DST
        moment = local.astimezone(UTC)
        if moment > limit:
            return
        yield moment


def expand(
    events: Iterable[Event], overrides: Iterable[Event], start: datetime, end: datetime
) -> list[Occurrence]:
    """Every occurrence overlapping [start, end), overrides applied, cancelled ones left out."""
    by_parent: dict[tuple[int, int], Event] = {}
    for row in overrides:
        if row.parent_id is not None and row.recurrence_id is not None:
            by_parent[(row.parent_id, occ_key(row.recurrence_id))] = row
    out: list[Occurrence] = []
    used: set[tuple[int, int]] = set()
    for event in events:
        if event.parent_id is not None:
            continue
        length = event.ends_at - event.starts_at
        for moment in series_starts(event, end):
            key = occ_key(moment)
            override = by_parent.get((event.id, key))
            if override is not None:
                used.add((event.id, key))
                if override.cancelled or event.cancelled:
                    continue
                if override.ends_at > start and override.starts_at < end:
                    out.append(
                        Occurrence(override, event.id, key, override.starts_at, override.ends_at)
                    )
                continue
            if event.cancelled:
                continue
            if moment + length > start and moment < end:
                out.append(Occurrence(event, event.id, key, moment, moment + length))
    # overrides moved into the range from an original start outside it
    for (parent_id, key), row in by_parent.items():
        if (parent_id, key) in used or row.cancelled:
            continue
        if row.ends_at > start and row.starts_at < end:
            out.append(Occurrence(row, parent_id, key, row.starts_at, row.ends_at))
    out.sort(key=lambda o: (o.starts_at, o.series_id))
    return out
