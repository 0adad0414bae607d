"""Changing events: move an event or one occurrence of a series (an override row, as
iCalendar's RECURRENCE-ID), cancel it, that occurrence or the whole series, and edit its
texts. Every date of a series moved, or one date and every later one moved, cancelled or
edited (the series split in two, or cut short): services.calendar_series."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.calendar import Event
from services.access import Actor
from services.calendar import get_editable, get_occurrence, overrides_of
from services.calendar_draft import check_times, event_title
from services.calendar_recur import Occurrence, key_to_time
from services.parsing_days import midnight


async def move(
    session: AsyncSession, actor: Actor, event_id: int, key: int | None, new_start: datetime
) -> tuple[Event, Occurrence]:
    """Move an event, or one occurrence of a series (an override row), keeping its length."""
    event = await get_editable(session, actor, event_id)
    occ = await get_occurrence(session, actor, event.id, key)
    new_end = new_start + (occ.ends_at - occ.starts_at)
    if event.all_day:  # the same number of whole days, from the day named
        days = max(1, round((occ.ends_at - occ.starts_at) / timedelta(days=1)))
        first = new_start.astimezone(ZoneInfo(event.timezone)).date()
        new_start = midnight(first, event.timezone)
        new_end = midnight(first + timedelta(days=days), event.timezone)
    check_times(new_start, new_end, all_day=event.all_day)
    target = await _override_for(session, occ)
    target.starts_at, target.ends_at = new_start, new_end
    target.updated_at = utcnow()
    await session.flush()
    return target, occ


def like(series: Event, **values: Any) -> Event:
    """A new event with the texts, group, organiser, zone and all-day kind of `series`,
    and `values` (its times, its rule or its place in the series)."""
    return Event(
        team_id=series.team_id,
        group_id=series.group_id,
        organizer_id=series.organizer_id,
        title=series.title,
        description=series.description,
        place=series.place,
        all_day=series.all_day,
        timezone=series.timezone,
        **values,
    )


async def _override_for(session: AsyncSession, occ: Occurrence) -> Event:
    """The row to change for this occurrence: the event itself, or a (new) override."""
    if not occ.recurring:
        return occ.event
    if occ.event.parent_id is not None:
        return occ.event
    series = occ.event
    row = like(
        series,
        starts_at=occ.starts_at,
        ends_at=occ.ends_at,
        repeat="none",
        parent_id=series.id,
        recurrence_id=key_to_time(occ.key),
    )
    session.add(row)
    await session.flush()
    return row


async def cancel(
    session: AsyncSession, actor: Actor, event_id: int, key: int | None, whole: bool
) -> Event:
    """Cancel an event, a whole series, or one occurrence of it."""
    event = await get_editable(session, actor, event_id)
    if whole or (event.repeat == "none" and event.parent_id is None):
        target = event
        if event.parent_id is not None:
            parent = await session.get(Event, event.parent_id)
            target = parent or event
        target.cancelled = True
    else:
        occ = await get_occurrence(session, actor, event.id, key)
        target = await _override_for(session, occ)
        target.cancelled = True
    target.updated_at = utcnow()
    await session.flush()
    return target


async def edit(
    session: AsyncSession,
    actor: Actor,
    event_id: int,
    *,
    title: str | None = None,
    place: str | None = None,
    description: str | None = None,
) -> tuple[Event, list[str]]:
    """Change an event's (or a whole series') title, place or description.

    Returns the event and the names of the fields that changed."""
    event = await get_editable(session, actor, event_id)
    if event.parent_id is not None:
        event = await session.get(Event, event.parent_id) or event
    texts = new_texts(event, title, place, description)
    if texts:
        await set_texts(session, event, texts)
    return event, list(texts)


def new_texts(
    event: Event, title: str | None, place: str | None, description: str | None
) -> dict[str, str]:
    """The texts given (None: kept) that differ from the event's, as they are kept."""
    texts: dict[str, str] = {}
    if title is not None:
        title = event_title(title)
    if title is not None and title != event.title:
        texts["title"] = title
    if place is not None:
        place = " ".join(place.split())[:300]  # one line, as the one-line /event keeps it
    if place is not None and place != event.place:
        texts["place"] = place
    if description is not None and description.strip()[:4000] != event.description:
        texts["description"] = description.strip()[:4000]
    return texts


async def set_texts(session: AsyncSession, series: Event, texts: dict[str, str]) -> None:
    """A series takes new texts, and so do its dates changed on their own."""
    for name, value in texts.items():
        setattr(series, name, value)
    series.updated_at = utcnow()
    for row in await overrides_of(session, [series.id]):
        row.title, row.place, row.description = series.title, series.place, series.description
    await session.flush()
