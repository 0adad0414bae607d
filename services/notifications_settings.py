"""A person's own notification settings: quiet hours, digest mode, kinds and items
muted (services.notifications applies them when notifying; services.notifications_quiet
the quiet hours, and the team's default ones), and the clock times they are said in."""

from __future__ import annotations

import re

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.notifications import Notification, NotificationMute, NotificationSettings
from services.access import Actor
from services.errors import N_, DomainError
from services.notifications import item_ref

DIGEST_MODES = ("off", "hourly", "daily")
# kinds a person may silence as a whole
KINDS = (
    "assignment",
    "mention",
    "comment",
    "status",
    "stage",
    "invitation",
    "event",
    "approval",
    "post",
    "like",
    "reminder",
)


async def settings_of(session: AsyncSession, user_id: int) -> NotificationSettings:
    row = await session.get(NotificationSettings, user_id)
    if row is None:
        row = NotificationSettings(user_id=user_id, digest="off", muted_kinds=[], quiet_off=False)
        session.add(row)
        await session.flush()
    return row


_MERIDIEM = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?m\.?$", re.IGNORECASE)


def parse_clock(text: str) -> int:
    """'22:00', '7', '10pm', '6:30 am' -> minutes after midnight."""
    said = _MERIDIEM.match(text.strip())
    if said is not None:  # 12am is midnight, 12pm noon
        hour, minute = int(said.group(1)), int(said.group(2) or 0)
        if not 1 <= hour <= 12 or minute > 59:
            raise DomainError(N_("Give a time like 22:00."))
        return (hour % 12 + (12 if said.group(3).lower() == "p" else 0)) * 60 + minute
    raw = text.strip().replace(".", ":")
    hours, _, minutes = raw.partition(":")
    if not hours.isdigit() or (minutes and not minutes.isdigit()):
        raise DomainError(N_("Give a time like 22:00."))
    value = int(hours) * 60 + (int(minutes) if minutes else 0)
    if int(hours) > 23 or (minutes and int(minutes) > 59):
        raise DomainError(N_("Give a time like 22:00."))
    return value


def parse_hours(text: str) -> tuple[int, int]:
    """'22:00-08:00', '10pm–6am' -> the minutes after midnight of their start and end."""
    start, sep, end = text.strip().replace("–", "-").partition("-")
    if not sep:
        raise DomainError(N_("Give quiet hours like 22:00-08:00, or off."))
    return parse_clock(start), parse_clock(end)


async def set_quiet_hours(
    session: AsyncSession, actor: Actor, start: int | None, end: int | None
) -> NotificationSettings:
    """The person's own quiet hours; both None: none at all, whatever the team's default
    (services.notifications_quiet)."""
    row = await settings_of(session, actor.user_id)
    if (start is None) != (end is None):
        raise DomainError(N_("Quiet hours need both a start and an end."))
    if start is not None and start == end:
        raise DomainError(N_("Quiet hours start and end at different times, e.g. 22:00-08:00."))
    row.quiet_start, row.quiet_end = start, end
    row.quiet_off = start is None
    await session.flush()
    return row


async def use_team_quiet_hours(session: AsyncSession, actor: Actor) -> NotificationSettings:
    """The person gives up their own quiet hours (or their none): the team's default
    ones are theirs again."""
    row = await settings_of(session, actor.user_id)
    row.quiet_start = row.quiet_end = None
    row.quiet_off = False
    await session.flush()
    return row


async def set_digest(session: AsyncSession, actor: Actor, mode: str) -> NotificationSettings:
    if mode not in DIGEST_MODES:
        raise DomainError(N_("Digest mode is off, hourly or daily."))
    row = await settings_of(session, actor.user_id)
    row.digest = mode
    if mode != "off" and row.last_digest_at is None:
        row.last_digest_at = utcnow()
    await session.flush()
    return row


async def toggle_kind(
    session: AsyncSession, actor: Actor, kind: str, muted: bool | None = None
) -> bool:
    """Mute or unmute a kind (`muted`: the state wanted; None flips it); returns True
    when it is muted afterwards."""
    if kind not in KINDS:
        raise DomainError(N_("There is no such kind of notification."))
    row = await settings_of(session, actor.user_id)
    kinds = list(row.muted_kinds or [])
    if muted is None:
        muted = kind not in kinds
    if kind in kinds and not muted:
        kinds.remove(kind)
    elif kind not in kinds and muted:
        kinds.append(kind)
    row.muted_kinds = kinds
    await session.flush()
    return kind in kinds


async def mute_item(session: AsyncSession, actor: Actor, ref: str, muted: bool = True) -> None:
    """Mute one item the actor has been notified about (their own centre is the proof);
    a comment's notice mutes the item it is on."""
    known = await session.scalar(
        select(Notification.id)
        .where(Notification.user_id == actor.user_id, Notification.ref == ref)
        .limit(1)
    )
    if known is None and muted:
        raise DomainError(N_("Not found, or you have no access to it."))
    ref = item_ref(ref)
    existing = await session.get(NotificationMute, (actor.user_id, ref))
    if muted and existing is None:
        session.add(NotificationMute(user_id=actor.user_id, ref=ref))
    elif not muted and existing is not None:
        await session.execute(
            delete(NotificationMute).where(
                NotificationMute.user_id == actor.user_id, NotificationMute.ref == ref
            )
        )
    await session.flush()
