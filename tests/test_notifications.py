"""Notification delivery rules: mute, quiet hours (in the person's zone), digest."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.digest import queue_digests
from handlers.markup import to_plain
from handlers.views import View
from models.db import create_engine, create_sessionmaker
from models.notifications import Notification
from models.outbox import OutboxMessage
from models.teams import User
from services import notifications, notifications_quiet, notifications_settings, teams
from services.access import Actor
from services.errors import DomainError
from services.teams import Newcomer


@pytest.fixture
async def maker(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(db_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def _person(
    maker: async_sessionmaker[AsyncSession], tz: str = "Europe/Moscow", lang: str = "en"
) -> Actor:
    async with maker() as s, s.begin():
        return await teams.create_team(
            s, Newcomer(platform="console", external_id="p", name="P", locale=lang, timezone=tz)
        )


def _payload(text: str) -> dict[str, object]:
    return View.text(text).to_dict()


async def _notify(
    maker: async_sessionmaker[AsyncSession],
    actor: Actor,
    text: str,
    *,
    kind: str = "comment",
    ref: str | None = None,
    at: datetime | None = None,
) -> None:
    async with maker() as s, s.begin():
        user = await s.get(User, actor.user_id)
        assert user is not None
        await notifications.notify(s, user, kind=kind, payload=_payload(text), ref=ref, due_at=at)


async def _outbox(maker: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with maker() as s:
        return list((await s.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


async def test_quiet_hours_wrap_midnight_in_person_zone(
    maker: async_sessionmaker[AsyncSession],
) -> None:
    actor = await _person(maker, tz="Europe/Moscow")
    async with maker() as s, s.begin():
        await notifications_settings.set_quiet_hours(
            s,
            actor,
            notifications_settings.parse_clock("22:00"),
            notifications_settings.parse_clock("7:30"),
        )
    # 23:10 in Moscow (20:10 UTC): held until 07:30 Moscow = 04:30 UTC next day
    await _notify(maker, actor, "late", at=datetime(2026, 11, 27, 20, 10, tzinfo=UTC))
    # 12:00 in Moscow: goes at once
    noon = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    await _notify(maker, actor, "noon", at=noon)
    rows = await _outbox(maker)
    assert rows[0].due_at == datetime(2026, 11, 28, 4, 30, tzinfo=UTC)
    assert rows[1].due_at == noon


def test_quiet_until_same_day_window_and_dst() -> None:
    prefs = notifications_quiet.QuietHours(quiet_start=13 * 60, quiet_end=14 * 60)
    inside = datetime(2026, 7, 1, 11, 30, tzinfo=UTC)  # 13:30 in Berlin (summer, UTC+2)
    assert notifications_quiet.quiet_until(prefs, "Europe/Berlin", inside) == datetime(
        2026, 7, 1, 12, 0, tzinfo=UTC
    )
    assert (
        notifications_quiet.quiet_until(
            prefs, "Europe/Berlin", datetime(2026, 7, 1, 13, 0, tzinfo=UTC)
        )
        is None
    )
    night = notifications_quiet.QuietHours(quiet_start=23 * 60, quiet_end=3 * 60)
    # the night the clocks go back in Berlin (25 Oct 2026): 23:30 local -> 03:00 local, CET
    held = notifications_quiet.quiet_until(
        night, "Europe/Berlin", datetime(2026, 10, 24, 21, 30, tzinfo=UTC)
    )
    assert held == datetime(2026, 10, 25, 2, 0, tzinfo=UTC)


async def test_muted_kind_and_item_are_recorded_not_sent(
    maker: async_sessionmaker[AsyncSession],
) -> None:
    actor = await _person(maker)
    await _notify(maker, actor, "first", ref="task:1")
    async with maker() as s, s.begin():
        assert await notifications_settings.toggle_kind(s, actor, "status") is True
        await notifications_settings.mute_item(s, actor, "task:1")
        with pytest.raises(DomainError):
            await notifications_settings.mute_item(s, actor, "task:999")  # never notified about it
    await _notify(maker, actor, "status change", kind="status", ref="task:2")
    await _notify(maker, actor, "comment on muted", kind="comment", ref="task:1")
    await _notify(maker, actor, "comment elsewhere", kind="comment", ref="task:3")
    sent = [to_plain(View.from_dict(r.payload).body) for r in await _outbox(maker)]
    assert sent == ["first", "comment elsewhere"]
    async with maker() as s:
        assert len((await s.execute(select(Notification))).scalars().all()) == 4


async def test_daily_digest_in_reader_language(maker: async_sessionmaker[AsyncSession]) -> None:
    actor = await _person(maker, lang="ru")
    start = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    async with maker() as s, s.begin():
        prefs = await notifications_settings.set_digest(s, actor, "daily")
        prefs.last_digest_at = start
    for text in ("one", "two", "three\n\n#3 Call Ivanov\nDeadline: tomorrow"):
        await _notify(maker, actor, text)
    await _notify(maker, actor, "remind me", kind="reminder")  # reminders are never held
    assert [to_plain(View.from_dict(r.payload).body) for r in await _outbox(maker)] == ["remind me"]
    async with maker() as s, s.begin():
        assert await queue_digests(s, start + timedelta(hours=5)) == 0  # period not over
    async with maker() as s, s.begin():
        assert await queue_digests(s, start + timedelta(days=1, minutes=1)) == 1
    async with maker() as s, s.begin():
        assert await queue_digests(s, start + timedelta(days=2, minutes=2)) == 0  # nothing new
    digest = (await _outbox(maker))[-1]
    text = to_plain(View.from_dict(digest.payload).body)
    assert text.startswith("Сводка: 3 уведомления")
    assert "• one" in text and text.endswith("• three — #3 Call Ivanov"), text  # what it is about
    assert View.from_dict(digest.payload).buttons[-1][0].action == "nb:l:1"  # to the inbox


async def test_a_digest_waits_for_the_morning_and_for_quiet_hours_to_end(
    maker: async_sessionmaker[AsyncSession],
) -> None:
    """Daily: at 09:00 in the reader's zone, not 24 h after it was switched on; never
    inside their quiet hours."""
    actor = await _person(maker)  # Moscow, UTC+3
    switched_on = datetime(2026, 11, 27, 18, 30, tzinfo=UTC)  # 21:30 in Moscow
    async with maker() as s, s.begin():
        prefs = await notifications_settings.set_digest(s, actor, "daily")
        prefs.last_digest_at = switched_on
        prefs.quiet_start, prefs.quiet_end = 9 * 60, 10 * 60  # 09:00-10:00
    await _notify(maker, actor, "one")
    async with maker() as s, s.begin():  # 05:00 in Moscow: before the morning
        assert await queue_digests(s, datetime(2026, 11, 28, 2, 0, tzinfo=UTC)) == 0
    async with maker() as s, s.begin():  # 09:30 in Moscow: the morning, but quiet
        assert await queue_digests(s, datetime(2026, 11, 28, 6, 30, tzinfo=UTC)) == 0
    async with maker() as s, s.begin():  # 10:01: quiet hours over, well before 21:30
        assert await queue_digests(s, datetime(2026, 11, 28, 7, 1, tzinfo=UTC)) == 1
    await _notify(maker, actor, "two")
    async with maker() as s, s.begin():  # the same day's evening: tomorrow's digest
        assert await queue_digests(s, datetime(2026, 11, 28, 17, 0, tzinfo=UTC)) == 0


# -- the team's default quiet hours --------------------------------------------------------


async def _colleague(
    maker: async_sessionmaker[AsyncSession], admin: Actor, name: str, tz: str
) -> Actor:
    from services import teams_invites

    async with maker() as s, s.begin():
        code = (await teams_invites.create_invite(s, admin, role="employee")).code
        actor, _ = await teams_invites.join_with_invite(
            s, code, Newcomer(platform="console", external_id=name, name=name, timezone=tz)
        )
        return actor


async def _reminded(
    maker: async_sessionmaker[AsyncSession], actor: Actor, at: datetime
) -> OutboxMessage:
    await _notify(maker, actor, f"remind {actor.name}", kind="reminder", at=at)
    async with maker() as s:
        row = await s.scalar(
            select(OutboxMessage)
            .where(OutboxMessage.user_id == actor.user_id)
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        )
        assert row is not None
        return row


async def test_the_team_default_quiet_hours_hold_who_chose_none_in_their_own_zone(
    maker: async_sessionmaker[AsyncSession],
) -> None:
    """An admin sets the team's quiet hours: they hold the reminders of everyone who has
    none of their own until they end in each person's zone; own hours and an own "off"
    are kept; only admins change them."""
    boss = await _person(maker, tz="Europe/Moscow")
    anna = await _colleague(maker, boss, "Anna", "Europe/Moscow")
    kenji = await _colleague(maker, boss, "Kenji", "Asia/Tokyo")
    olga = await _colleague(maker, boss, "Olga", "Europe/Moscow")
    petr = await _colleague(maker, boss, "Petr", "Europe/Moscow")
    async with maker() as s, s.begin():
        with pytest.raises(DomainError, match="no right"):
            await notifications_quiet.set_team_quiet_hours(s, anna, 22 * 60, 8 * 60)
    async with maker() as s, s.begin():
        await notifications_quiet.set_team_quiet_hours(s, boss, 22 * 60, 8 * 60)
        # Olga's own hours are 01:00-06:00; Petr turned quiet hours off for himself
        await notifications_settings.set_quiet_hours(s, olga, 60, 6 * 60)
        await notifications_settings.set_quiet_hours(s, petr, None, None)
        # Anna muted a kind: she has settings, yet chose no quiet hours of her own
        await notifications_settings.toggle_kind(s, anna, "like")

    night = datetime(2031, 3, 3, 20, 10, tzinfo=UTC)  # 23:10 in Moscow, 05:10 in Tokyo
    assert (await _reminded(maker, anna, night)).due_at == datetime(2031, 3, 4, 5, tzinfo=UTC)
    assert (await _reminded(maker, kenji, night)).due_at == datetime(2031, 3, 3, 23, tzinfo=UTC)
    assert (await _reminded(maker, olga, night)).due_at == night  # 23:10: not in her hours
    assert (await _reminded(maker, petr, night)).due_at == night
    deep = datetime(2031, 3, 3, 23, 0, tzinfo=UTC)  # 02:00 in Moscow: Olga's own hours
    assert (await _reminded(maker, olga, deep)).due_at == datetime(2031, 3, 4, 3, tzinfo=UTC)
    async with maker() as s:
        user = await s.get(User, anna.user_id)
        assert user is not None  # a message queued ahead is worded for when it arrives
        assert await notifications_quiet.arrives_at(s, user.id, user.timezone, night) == (
            datetime(2031, 3, 4, 5, tzinfo=UTC)
        )


async def test_held_messages_follow_a_change_of_the_team_default(
    maker: async_sessionmaker[AsyncSession],
) -> None:
    boss = await _person(maker, tz="Europe/Moscow")
    anna = await _colleague(maker, boss, "Anna", "Europe/Moscow")
    olga = await _colleague(maker, boss, "Olga", "Europe/Moscow")
    async with maker() as s, s.begin():
        await notifications_quiet.set_team_quiet_hours(s, boss, 22 * 60, 8 * 60)
        await notifications_settings.set_quiet_hours(s, olga, 23 * 60, 7 * 60)
    night = datetime(2031, 3, 3, 20, 10, tzinfo=UTC)  # 23:10 in Moscow
    held = await _reminded(maker, anna, night)
    own = await _reminded(maker, olga, night)
    assert (held.due_at, own.due_at) == (
        datetime(2031, 3, 4, 5, tzinfo=UTC),  # 08:00 in Moscow
        datetime(2031, 3, 4, 4, tzinfo=UTC),  # 07:00, Olga's own
    )

    async def due(row: OutboxMessage) -> datetime:
        async with maker() as s:
            found = await s.get(OutboxMessage, row.id)
            assert found is not None
            return found.due_at

    async with maker() as s, s.begin():
        assert await notifications_quiet.set_team_quiet_hours(s, boss, 21 * 60, 9 * 60) == 1
    assert await due(held) == datetime(2031, 3, 4, 6, tzinfo=UTC)  # 09:00 in Moscow
    assert await due(own) == datetime(2031, 3, 4, 4, tzinfo=UTC)  # hers: unmoved
    async with maker() as s, s.begin():  # none for the team: it goes when it was due
        await notifications_quiet.set_team_quiet_hours(s, boss, None, None)
    assert await due(held) == night and await due(own) == datetime(2031, 3, 4, 4, tzinfo=UTC)
