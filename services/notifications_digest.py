"""Digests: the notifications a person who takes a digest has waiting, taken when
their period has passed (hourly, or daily in their morning) and outside their quiet
hours; handlers.digest words and queues the message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import db
from models.base import utcnow
from models.notifications import Notification, NotificationSettings
from models.teams import User
from services import reminders_stale
from services.access import Actor
from services.notifications_quiet import quiet_hours_of, quiet_until

DIGEST_PERIOD = {"hourly": timedelta(hours=1), "daily": timedelta(days=1)}


@dataclass(frozen=True, slots=True)
class Digest:
    user: User
    items: list[Notification]


DAILY_DIGEST_HOUR = 9  # the daily digest comes in the morning of the reader's zone


def _digest_due(prefs: NotificationSettings, period: timedelta, tz: str, now: datetime) -> bool:
    if prefs.digest == "daily":
        zone = ZoneInfo(tz)
        local = now.astimezone(zone)
        if local.hour < DAILY_DIGEST_HOUR:
            return False
        last = prefs.last_digest_at
        return (
            last is None
            or last.astimezone(zone).date() < local.date()
            or (last.astimezone(zone).hour < DAILY_DIGEST_HOUR)
        )
    return prefs.last_digest_at is None or prefs.last_digest_at + period <= now


async def take_due_digests(session: AsyncSession, now: datetime | None = None) -> list[Digest]:
    """People whose digest period has passed and who have waiting notifications.

    The notifications are marked pushed and the period restarts; the caller builds
    one message per person (in their language) and queues it in the same transaction.
    """
    now = now or utcnow()
    out: list[Digest] = []
    rows = (
        (
            await session.execute(
                select(NotificationSettings).where(NotificationSettings.digest != "off")
            )
        )
        .scalars()
        .all()
    )
    for prefs in rows:
        period = DIGEST_PERIOD.get(prefs.digest)
        if period is None:
            continue
        user = await db.get(session, User, prefs.user_id)
        if user is None or not user.active:
            continue
        if not _digest_due(prefs, period, user.timezone, now):
            continue
        quiet = (await quiet_hours_of(session, [user], {user.id: prefs}))[user.id]
        if quiet_until(quiet, user.timezone, now) is not None:
            continue  # it goes out on the first tick after the quiet hours
        items = (
            (
                await session.execute(
                    select(Notification)
                    .where(Notification.user_id == prefs.user_id, Notification.pushed.is_(False))
                    .order_by(Notification.created_at, Notification.id)
                    .with_for_update(skip_locked=True)
                )
            )
            .scalars()
            .all()
        )
        prefs.last_digest_at = now
        if not items:
            continue
        await session.execute(
            update(Notification)
            .where(Notification.id.in_([n.id for n in items]))
            .values(pushed=True)
        )
        # what they may no longer open is left out (and read): its text stays unsaid
        closed = await reminders_stale.closed_refs(
            session, Actor.of(user), [n.ref for n in items if n.ref]
        )
        for item in items:
            if item.ref in closed:
                item.read = True
        # what the person already read in /inbox is not told again
        kept = [n for n in items if n.ref not in closed and not n.read]
        if kept:
            out.append(Digest(user=user, items=kept))
    await session.flush()
    return out
