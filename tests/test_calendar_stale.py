"""Old buttons of a cancelled event, and queued reminders worded for when they arrive."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.app import App
from handlers.markup import to_plain
from handlers.views import View
from models.outbox import OutboxMessage
from models.teams import User
from tests.console_driver import ConsoleDriver
from tests.test_calendar_e2e import team


async def test_a_cancelled_event_refuses_its_old_buttons(sqlite_app: App) -> None:
    boss, _anna, petr = await team(sqlite_app)
    out = await boss.say("/event Standup tomorrow 10:00 30m @Petr")
    assert "Event created; 1 person invited." in out
    # the organiser's card opened in two other messages, before the cancel
    earlier, again = (ConsoleDriver(sqlite_app, user="Boss", lang="en") for _ in range(2))
    for card in (earlier, again):
        await card.say("/events week")
        out = await card.press("📅 Standup")
        assert "Move" in out and "Cancel event" in out
    out = await petr.say("/events")
    assert "Boss invites you to Standup" in out and "Accept" in out

    await boss.press("Cancel event")
    out = await boss.press("Yes, cancel it")
    assert "You cancelled Standup." in out

    told = out = await petr.press("Accept")  # the invitation's button, from before the cancel
    assert "This event was cancelled." in out
    assert "You accepted." not in out
    out = await earlier.press("Move")
    assert "This event was cancelled." in out
    out = await again.press("Cancel event")
    assert "This event was cancelled." in out
    told += await petr.say("/events")
    assert told.count("Boss cancelled Standup.") == 1  # told once, not per press
    assert "accepted" not in await boss.say("/events")


async def test_a_cancelled_event_refuses_its_old_buttons_in_russian(sqlite_app: App) -> None:
    boss, _anna, petr = await team(sqlite_app, lang="ru")
    await boss.say("/event Планёрка завтра 10:00 30m @Petr")
    out = await petr.say("/events")
    assert "Принять" in out
    await boss.say("/events week")
    await boss.press("📅 Планёрка")
    out = await boss.press("Отменить событие")
    assert "Отменить событие «Планёрка» для всех?" in out, out
    await boss.press("Да, отменить")
    out = await petr.press("Принять")
    assert "Это событие отменено." in out
    assert "🔔 Boss: событие «Планёрка» отменено." in out  # the notice of the cancel came along


async def test_a_queued_reminder_is_worded_for_the_day_it_arrives(sqlite_app: App) -> None:
    """Queued a day ahead, the reminder of tomorrow's event reads "today" when it comes."""
    boss, _anna, _petr = await team(sqlite_app)
    await boss.say("/event Standup tomorrow 10:00 30m")
    ru = ConsoleDriver(sqlite_app, user="Olga", lang="ru")
    await ru.say("/start")  # a team of her own, in Russian
    await ru.say("/event Планёрка завтра 10:00 30m")
    async with sqlite_app.workspace.sessionmaker() as session:
        rows = (
            await session.execute(
                select(OutboxMessage.payload, OutboxMessage.due_at).where(
                    OutboxMessage.kind == "reminder"
                )
            )
        ).all()
    texts = sorted(to_plain(View.from_dict(payload).body) for payload, _due in rows)
    assert texts == [
        "⏰ Standup starts today 10:00–10:30.",
        "⏰ Планёрка начинается сегодня 10:00–10:30.",
    ], texts


async def test_open_buttons_read_as_a_verb_in_russian(sqlite_app: App) -> None:
    """ "Open" on a button is "Открыть"; a group open to the team is "Открытая"."""
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru")
    await olga.say("/start")
    await olga.say("/task Позвонить завтра 15:00")
    out = await olga.say("/task 1 время 1ч")
    assert "[1] Открыть" in out and "Открытая" not in out
    out = await olga.say("/groups new")
    out = await olga.say("Продажи")
    assert "Открыта для всей команды или закрытая?" in out
    assert "Открытая" in out and "Закрытая" in out
    out = await olga.press("Открытая")
    assert "Продажи" in out


async def test_a_new_lead_time_moves_the_reminders_already_queued(sqlite_app: App) -> None:
    boss, _anna, petr = await team(sqlite_app)
    await boss.say("/event Standup tomorrow 10:00 30m @Petr")
    await boss.say("/event Review tomorrow 15:00 1h")

    async def boss_reminders() -> list[tuple[str, object]]:
        async with sqlite_app.workspace.sessionmaker() as session:
            rows = await session.execute(
                select(OutboxMessage.payload, OutboxMessage.due_at)
                .join(User, User.id == OutboxMessage.user_id)
                .where(OutboxMessage.kind == "reminder", User.name == "Boss")
                .order_by(OutboxMessage.due_at)
            )
            return [(to_plain(View.from_dict(p).body), due) for p, due in rows.all()]

    first = await boss_reminders()
    assert len(first) == 2
    out = await boss.say("/events remind 30")
    assert "Reminders will come 30 min before events." in out
    moved = await boss_reminders()
    assert len(moved) == 2
    assert [(b - a).total_seconds() for (_t, a), (_u, b) in zip(moved, first, strict=True)] == [
        15 * 60,
        15 * 60,
    ]
    out = await boss.say("/events remind 0")
    assert "Event reminders are off. Turn them on: /events remind 15" in out
    assert await boss_reminders() == []
    # Petr's own reminder was left alone
    async with sqlite_app.workspace.sessionmaker() as session:
        petrs = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .join(User, User.id == OutboxMessage.user_id)
            .where(OutboxMessage.kind == "reminder", User.name == "Petr")
        )
    assert petrs == 1
    await boss.say("/events remind 15")
    assert len(await boss_reminders()) == 2


async def test_someone_removed_from_a_closed_group_is_out_of_its_events(
    sqlite_app: App,
) -> None:
    boss, _anna, petr = await team(sqlite_app)
    await boss.say("/groups new Secret closed")
    await boss.say("/groups add Secret Petr")
    out = await boss.say("/event Secret sync tomorrow 10:00 #Secret @Petr")
    assert "Event created" in out
    out = await petr.say("/events week")
    assert "Secret sync" in out
    await boss.say("/groups remove Secret Petr")
    out = await petr.say("/events week")
    assert "Secret sync" not in out
    async with sqlite_app.workspace.sessionmaker() as session:
        waiting = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .join(User, User.id == OutboxMessage.user_id)
            .where(OutboxMessage.kind == "reminder", User.name == "Petr")
        )
    assert waiting == 0
