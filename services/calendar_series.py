"""A repeating series changed as a whole or from one of its dates on: every date moved
(move_series), or a date and every later one ("this and following") moved, cancelled or
given new texts, the series split in two or cut short there. The dates changed on their
own (override rows) and the answers for single dates follow their dates. One event or
one date of a series alone is changed in services.calendar_changes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.calendar import Event, EventAttendee, EventOccurrenceAnswer
from services.access import Actor
from services.calendar import get_editable, get_occurrence, overrides_of
from services.calendar_changes import like, new_texts, set_texts
from services.calendar_draft import check_times
from services.calendar_recur import Occurrence, key_to_time, occ_key, series_starts
from services.errors import N_, DomainError
from services.parsing_days import midnight


@dataclass(frozen=True, slots=True)
class SeriesMove:
    series: Event
    before: Event  # the series as it was (a copy kept out of the session), to name it
    old_key: int  # the pressed date's original start, before
    key: int  # and now (its new key)
    dropped: int  # dates changed on their own that no longer fall on the series


async def move_series(
    session: AsyncSession, actor: Actor, event_id: int, key: int | None, new_start: datetime
) -> SeriesMove:
    """Move every date of a series by as much as its date `key` moves to `new_start`,
    on the clock of the series' zone (each date keeps its time across DST); a weekly
    series' days shift along (Mon, Wed moved a day later: Tue, Thu), as does its last
    day. The shift is measured from the date's start as its card shows it. Its dates changed on their own (moved or cancelled: override rows) and the
    answers for single dates are keyed by the date's original start, so they follow
    their dates; a moved one keeps the time it was moved to, an unmoved one moves with
    the series (as does the pressed one, to `new_start`). Those no longer falling on a date of it (a monthly series moved off the
    31st) are dropped and counted."""
    series, occ = await _series_and_date(session, actor, event_id, key)
    return await _shift_series(session, series, occ, new_start, _copy(series))


async def move_following(
    session: AsyncSession, actor: Actor, event_id: int, key: int | None, new_start: datetime
) -> SeriesMove:
    """Move the date `key` of a series and every later one ("this and following"), the
    earlier ones staying where they were: the series is split at that date. It ends
    with the day of its last date before it; a new series, with the same rule, texts,
    group, organiser, attendees and their answers and the same last day, holds that
    date and the later ones, and is moved as move_series moves a series. Neither part
    has a count of its own (a series ends on a day), so the dates in all stay as many.

    The dates changed on their own (override rows: moved or cancelled) and the answers
    for single dates go with the part their original date falls in, whatever their
    time now: from the split on they move to the new series and then follow the move
    as in move_series (a moved one keeps its time, a cancelled one stays cancelled, an
    answer stays with its date); only those no longer falling on a date of the new
    series are dropped and counted. Comments and files on the series stay with its
    earlier part. On the series' first date nothing is left before it: the whole
    series moves (as move_series)."""
    series, occ = await _series_and_date(session, actor, event_id, key)
    _shift_of(series, occ, new_start)  # refused before anything is split
    before = _copy(series)
    tail = await _split(session, series, occ.key) or series
    if tail is not series:
        row = occ.event if occ.event.parent_id is not None else tail
        occ = Occurrence(row, tail.id, occ.key, occ.starts_at, occ.ends_at)
    return await _shift_series(session, tail, occ, new_start, before)


async def cancel_following(
    session: AsyncSession, actor: Actor, event_id: int, key: int | None
) -> Event:
    """Cancel the date `key` of a series and every later one ("this and following"), the
    earlier ones staying: the series ends with the day of its last date before it, as
    move_following splits it, and nothing follows. The later dates' own changes
    (override rows) and the answers for them go. On the series' first date nothing is
    left before it: the whole series is cancelled (as cancel). Returns the series."""
    series, occ = await _series_and_date(session, actor, event_id, key)
    if await _split(session, series, occ.key, keep=False) is None:
        series.cancelled = True
        series.updated_at = utcnow()
        await session.flush()
    return series


@dataclass(frozen=True, slots=True)
class SeriesEdit:
    series: Event  # the series holding the pressed date and the later ones, edited
    before: Event  # the series as it was (a copy kept out of the session)
    changed: list[str]  # the names of the fields that changed; none: nothing was split


async def edit_following(
    session: AsyncSession,
    actor: Actor,
    event_id: int,
    key: int | None,
    *,
    title: str | None = None,
    place: str | None = None,
    description: str | None = None,
) -> SeriesEdit:
    """Change the title, place or description of the date `key` of a series and of every
    later one ("this and following"): the series is split there as move_following
    splits it (the dates changed on their own and the answers for single dates go with
    their part) and the new series, with its dates changed on their own, takes the new
    texts. On the series' first date the whole series is edited (as edit); when nothing
    changes, nothing is split."""
    series, occ = await _series_and_date(session, actor, event_id, key)
    before = _copy(series)
    texts = new_texts(series, title, place, description)
    if not texts:
        return SeriesEdit(series, before, [])
    tail = await _split(session, series, occ.key) or series
    await set_texts(session, tail, texts)
    return SeriesEdit(tail, before, list(texts))


async def _series_and_date(
    session: AsyncSession, actor: Actor, event_id: int, key: int | None
) -> tuple[Event, Occurrence]:
    """A repeating series the actor may change, and its date `key` (the next one when
    none is given)."""
    event = await get_editable(session, actor, event_id)
    series = event if event.parent_id is None else await session.get(Event, event.parent_id)
    if series is None or series.repeat == "none":
        raise DomainError(N_("Only a repeating event has dates that follow one another."))
    return series, await get_occurrence(session, actor, series.id, key)


def _copy(series: Event) -> Event:
    """The series as it is now, kept out of the session, to name it once changed."""
    return Event(
        id=series.id,
        title=series.title,
        starts_at=series.starts_at,
        ends_at=series.ends_at,
        all_day=series.all_day,
        repeat=series.repeat,
        weekdays=series.weekdays,
        repeat_until=series.repeat_until,
        timezone=series.timezone,
    )


def _shift_of(series: Event, occ: Occurrence, new_start: datetime) -> tuple[timedelta, int]:
    """How far (on the series' clock) and by how many days its date `occ` moves to
    `new_start`, measured from that date's start as its card shows it."""
    zone = ZoneInfo(series.timezone)
    was = occ.starts_at.astimezone(zone)  # as its card shows it, moved on its own or not
    new_local = new_start.astimezone(zone)
    if series.all_day:  # whole days: the day named
        new_local = midnight(new_local.date(), series.timezone).astimezone(zone)
    shift = new_local.replace(tzinfo=None) - was.replace(tzinfo=None)
    if not shift:
        raise DomainError(N_("Its dates already start then."))
    return shift, (new_local.date() - was.date()).days


async def _split(
    session: AsyncSession, series: Event, key: int, *, keep: bool = True
) -> Event | None:
    """Cut a series before its date `key`: it ends with the day of its last date before
    that one. That date and the later ones, with their own changes (override rows) and
    answers, become a new series, returned (see move_following); or (not `keep`) they
    go, their changes and answers with them (see cancel_following), and the series is
    returned. None, and nothing changed, when the series has no date before that one."""
    split_at = key_to_time(key)
    earlier = list(series_starts(series, split_at - timedelta(minutes=1)))
    if not earlier:
        return None
    # the earlier part ends with the last moment of its last date's day, as an end said
    last_day = earlier[-1].astimezone(ZoneInfo(series.timezone)).date()
    end = midnight(last_day + timedelta(days=1), series.timezone) - timedelta(seconds=1)
    series.updated_at = utcnow()
    tail = await _tail(session, series, split_at) if keep else None  # to the series' end
    series.repeat_until = end
    for row in await overrides_of(session, [series.id]):
        if row.recurrence_id is not None and row.recurrence_id >= split_at:
            if tail is None:
                await session.delete(row)
            else:
                row.parent_id = tail.id
    # rekeyed by delete and insert (series_id is part of the key)
    answers = list(
        await session.scalars(
            select(EventOccurrenceAnswer).where(
                EventOccurrenceAnswer.series_id == series.id, EventOccurrenceAnswer.occ_key >= key
            )
        )
    )
    kept = (
        []
        if tail is None
        else [(tail.id, a.occ_key, a.user_id, a.status, a.answered_at) for a in answers]
    )
    await _answers_anew(session, answers, kept)
    return tail or series


async def _tail(session: AsyncSession, series: Event, split_at: datetime) -> Event:
    """A new series like `series` (its rule, texts, group, organiser, attendees and their
    answers, its last day) starting at `split_at`."""
    tail = like(
        series,
        starts_at=split_at,
        ends_at=split_at + (series.ends_at - series.starts_at),
        repeat=series.repeat,
        weekdays=series.weekdays,
        repeat_until=series.repeat_until,
    )
    session.add(tail)
    await session.flush()
    tail.updated_at = series.updated_at
    people = await session.scalars(select(EventAttendee).where(EventAttendee.event_id == series.id))
    session.add_all(
        EventAttendee(
            event_id=tail.id, user_id=row.user_id, status=row.status, answered_at=row.answered_at
        )
        for row in people
    )
    return tail


async def _shift_series(
    session: AsyncSession, series: Event, occ: Occurrence, new_start: datetime, before: Event
) -> SeriesMove:
    """move_series on a series already checked, its date `occ` moving to `new_start`."""
    shift, days = _shift_of(series, occ, new_start)
    zone = ZoneInfo(series.timezone)

    def moved(moment: datetime, by: timedelta = shift) -> datetime:
        local = moment.astimezone(zone).replace(tzinfo=None) + by
        return local.replace(tzinfo=zone).astimezone(UTC)

    length = series.ends_at - series.starts_at
    series.starts_at, series.ends_at = moved(series.starts_at), moved(series.ends_at)
    check_times(series.starts_at, series.ends_at, all_day=series.all_day)
    if series.weekdays:
        series.weekdays = ",".join(
            str(d) for d in sorted({(int(d) + days) % 7 for d in series.weekdays.split(",")})
        )
    if series.repeat_until is not None:  # the last moment of its last day, that day moved
        series.repeat_until = moved(series.repeat_until, timedelta(days=days))
    series.updated_at = utcnow()

    overrides = await overrides_of(session, [series.id])
    answers = list(
        await session.scalars(
            select(EventOccurrenceAnswer).where(EventOccurrenceAnswer.series_id == series.id)
        )
    )
    old_keys = {occ_key(r.recurrence_id) for r in overrides if r.recurrence_id is not None}
    old_keys |= {a.occ_key for a in answers}
    new_of = {k: occ_key(moved(key_to_time(k))) for k in old_keys}
    fits: set[int] = set()
    if new_of:
        last = key_to_time(max(new_of.values()))
        fits = {occ_key(m) for m in series_starts(series, last)}
    for row in overrides:
        if row.recurrence_id is None:
            continue
        origin = row.recurrence_id
        new_key = new_of[occ_key(origin)]
        if new_key not in fits:
            await session.delete(row)
            continue
        unmoved = row.starts_at == origin and row.ends_at == origin + length
        if unmoved or origin == key_to_time(occ.key):  # the pressed one goes where said
            row.starts_at, row.ends_at = moved(row.starts_at), moved(row.ends_at)
        row.recurrence_id = key_to_time(new_key)
        row.updated_at = series.updated_at
    # rekeyed by delete and insert: a new key may be another date's old one
    kept = [
        (series.id, new_of[a.occ_key], a.user_id, a.status, a.answered_at)
        for a in answers
        if new_of[a.occ_key] in fits
    ]
    await _answers_anew(session, answers, kept)
    dropped = {k for k, new_key in new_of.items() if new_key not in fits}
    new_key = occ_key(moved(key_to_time(occ.key)))
    return SeriesMove(series, before, occ.key, new_key, len(dropped))


Answer = tuple[int, int, int, str, datetime]  # series, date key, person, status, when


async def _answers_anew(
    session: AsyncSession, old: Sequence[EventOccurrenceAnswer], new: Iterable[Answer]
) -> None:
    """Per-date answers rekeyed by delete and insert: a new key may be another date's old
    one, and the unique key would refuse an update in place."""
    for answer in old:
        await session.delete(answer)
    await session.flush()
    session.add_all(
        EventOccurrenceAnswer(
            series_id=series_id, occ_key=key, user_id=user_id, status=status, answered_at=at
        )
        for series_id, key, user_id, status, at in new
    )
    await session.flush()
