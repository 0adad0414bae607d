"""Who comes to an event: its attendees and their answers, for the series or one
occurrence of it (one or many series at once), the occurrences a person has not
declined, and who is told of a change (extranet members outside the group are not).

Reads only: answering is services.calendar.answer, which checks access first.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.calendar import Event, EventAttendee, EventOccurrenceAnswer
from models.groups import GroupMember
from models.teams import User
from services.access import Actor
from services.calendar_recur import Occurrence, occ_key


async def attendees(
    session: AsyncSession, event: Event, key: int | None = None
) -> list[tuple[User, str]]:
    """The series' attendees with their answers; for one occurrence (`key`), each
    person's answer for it where they gave one."""
    series_id = event.parent_id or event.id
    rows = await session.execute(
        select(User, EventAttendee.status)
        .join(EventAttendee, EventAttendee.user_id == User.id)
        .where(EventAttendee.event_id == series_id)
        .order_by(User.name)
    )
    people = [(u, s) for u, s in rows.all()]
    if key is None:
        return people
    own = await session.execute(
        select(EventOccurrenceAnswer.user_id, EventOccurrenceAnswer.status).where(
            EventOccurrenceAnswer.series_id == series_id, EventOccurrenceAnswer.occ_key == key
        )
    )
    answered = dict(own.all())
    return [(u, answered.get(u.id, s)) for u, s in people]


async def my_answer(
    session: AsyncSession, actor: Actor, event: Event, key: int | None = None
) -> str | None:
    """The actor's answer for the series, or for one occurrence (`key`) when they gave
    one for it."""
    series_id = event.parent_id or event.id
    if key is not None:
        one = await session.get(EventOccurrenceAnswer, (series_id, key, actor.user_id))
        if one is not None:
            return one.status
    row = await session.get(EventAttendee, (series_id, actor.user_id))
    return row.status if row else None


async def my_answers(
    session: AsyncSession, actor: Actor, occs: Sequence[Occurrence]
) -> dict[tuple[int, int], str]:
    """The actor's answer per occurrence (series id, key), for marking agenda lines:
    an answer for the occurrence itself, else the one for its series."""
    series_ids = {o.series_id for o in occs}
    if not series_ids:
        return {}
    rows = await session.execute(
        select(EventAttendee.event_id, EventAttendee.status).where(
            EventAttendee.user_id == actor.user_id, EventAttendee.event_id.in_(series_ids)
        )
    )
    by_series = {event_id: status for event_id, status in rows.all()}
    own = await occurrence_answers(session, actor.user_id, series_ids)
    out: dict[tuple[int, int], str] = {}
    for occ in occs:
        answer = own.get((occ.series_id, occ.key), by_series.get(occ.series_id))
        if answer is not None:
            out[(occ.series_id, occ.key)] = answer
    return out


async def occurrence_answers(
    session: AsyncSession, user_id: int, series_ids: set[int], status: str | None = None
) -> dict[tuple[int, int], str]:
    """A person's answers for single occurrences of these series: (series, key) -> status."""
    if not series_ids:
        return {}
    query = select(
        EventOccurrenceAnswer.series_id, EventOccurrenceAnswer.occ_key, EventOccurrenceAnswer.status
    ).where(
        EventOccurrenceAnswer.user_id == user_id,
        EventOccurrenceAnswer.series_id.in_(series_ids),
    )
    if status is not None:
        query = query.where(EventOccurrenceAnswer.status == status)
    return {(sid, key): st for sid, key, st in (await session.execute(query)).all()}


async def without_declined(
    session: AsyncSession, user_id: int, occs: list[Occurrence]
) -> list[Occurrence]:
    """The occurrences a person has not declined: by an answer for the occurrence
    itself, or else by their answer for its series."""
    series_ids = {o.series_id for o in occs}
    if not series_ids:
        return occs
    declined_series = set(
        (
            await session.execute(
                select(EventAttendee.event_id).where(
                    EventAttendee.user_id == user_id,
                    EventAttendee.event_id.in_(series_ids),
                    EventAttendee.status == "no",
                )
            )
        ).scalars()
    )
    own = await occurrence_answers(session, user_id, series_ids)
    return [
        o
        for o in occs
        if own.get((o.series_id, o.key), "no" if o.series_id in declined_series else "") != "no"
    ]


async def series_answers(
    session: AsyncSession, series_id: int
) -> tuple[set[int], dict[tuple[int, int], str]]:
    """Who declined the whole series, and everyone's answers for single occurrences
    of it ((user, key) -> status): two queries for all attendees at once."""
    return (await answers_of(session, [series_id]))[series_id]


async def answers_of(
    session: AsyncSession, series_ids: Sequence[int]
) -> dict[int, tuple[set[int], dict[tuple[int, int], str]]]:
    """series_answers of many series: two queries for all of them."""
    out: dict[int, tuple[set[int], dict[tuple[int, int], str]]] = {
        series_id: (set(), {}) for series_id in series_ids
    }
    if not series_ids:
        return out
    declined = await session.execute(
        select(EventAttendee.event_id, EventAttendee.user_id).where(
            EventAttendee.event_id.in_(series_ids), EventAttendee.status == "no"
        )
    )
    for series_id, user_id in declined.all():
        out[series_id][0].add(user_id)
    rows = await session.execute(
        select(
            EventOccurrenceAnswer.series_id,
            EventOccurrenceAnswer.user_id,
            EventOccurrenceAnswer.occ_key,
            EventOccurrenceAnswer.status,
        ).where(EventOccurrenceAnswer.series_id.in_(series_ids))
    )
    for series_id, user_id, key, status in rows.all():
        out[series_id][1][(user_id, key)] = status
    return out


async def people_to_tell(
    session: AsyncSession, event: Event, since: int | None = None
) -> list[int]:
    """Attendees (and the organiser) of an event's series; for one occurrence (an
    override row) their answers for that occurrence count over the series'; for a
    series' date `since` (a key) and the later ones, the answers for earlier dates do
    not count."""
    series_id = event.parent_id or event.id
    query = select(EventAttendee.user_id).where(
        EventAttendee.event_id == series_id, EventAttendee.status != "no"
    )
    ids = set((await session.execute(query)).scalars())
    if event.parent_id is None and event.repeat != "none":
        # a change to the whole series reaches those who come to some of it
        some = select(EventOccurrenceAnswer.user_id).where(
            EventOccurrenceAnswer.series_id == series_id, EventOccurrenceAnswer.status != "no"
        )
        if since is not None:
            some = some.where(EventOccurrenceAnswer.occ_key >= since)
        ids |= set((await session.execute(some)).scalars())
    if event.parent_id is not None and event.recurrence_id is not None:
        key = occ_key(event.recurrence_id)
        rows = await session.execute(
            select(EventOccurrenceAnswer.user_id, EventOccurrenceAnswer.status).where(
                EventOccurrenceAnswer.series_id == series_id,
                EventOccurrenceAnswer.occ_key == key,
            )
        )
        for user_id, status in rows.all():
            if status == "no":
                ids.discard(user_id)
            else:
                ids.add(user_id)
    if event.organizer_id:
        ids.add(event.organizer_id)
    (told,) = await without_outsiders(session, [(event.group_id, ids)])
    return sorted(told)


async def without_outsiders(
    session: AsyncSession, people: Sequence[tuple[int | None, set[int]]]
) -> list[set[int]]:
    """Each (group, people) of events without the extranet members outside the event's
    group (they are not told of it): at most two queries for all of them."""
    grouped = {user_id for group_id, ids in people if group_id is not None for user_id in ids}
    if not grouped:
        return [set(ids) for _group_id, ids in people]
    extranet = set(
        await session.scalars(select(User.id).where(User.id.in_(grouped), User.role == "extranet"))
    )
    members: set[tuple[int, int]] = set()
    if extranet:
        rows = await session.execute(
            select(GroupMember.user_id, GroupMember.group_id).where(
                GroupMember.user_id.in_(extranet)
            )
        )
        members = {(user_id, group_id) for user_id, group_id in rows.all()}
    return [
        {u for u in ids if group_id is None or u not in extranet or (u, group_id) in members}
        for group_id, ids in people
    ]
