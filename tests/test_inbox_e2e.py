"""The notification centre end to end through the console, in English and in Russian."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from bot.app import App, build_app
from models.notifications import NotificationSettings
from models.outbox import OutboxMessage
from models.teams import User
from tests import conftest
from tests.console_driver import ConsoleDriver, invite_code
from tests.test_calendar_e2e import team


async def test_inbox_open_read_mute_in_english(app: App) -> None:
    boss, anna, _petr = await team(app)
    await boss.say("/event Budget review tomorrow 11:00 30m @Anna")
    await boss.say("/post Coffee machine is fixed")
    out = await anna.say("/inbox")
    assert "Inbox (2 unread)" in out
    assert "📅 Boss invites you to Budget review" in out
    assert "📰 Post from Boss: Coffee machine is fixed" in out
    out = await anna.press("Open 2")  # the invitation (older, so second)
    assert "📅 Budget review" in out and "When: tomorrow 11:00–11:30" in out
    out = await anna.say("/inbox")
    assert "Inbox (1 unread)" in out and "Budget review" not in out
    out = await anna.press("✓")
    assert "Inbox (0 unread)" in out and "Nothing new." in out

    # mute one item: a later change of the event still reaches the centre, not the chat
    await boss.say("/event Standup tomorrow 09:00 15m @Anna")
    out = await anna.say("/inbox")
    out = await anna.press("🔕")
    assert (
        "Muted: you will not be notified about this item any more, unless someone mentions you."
        in out
    )
    await boss.say("/events week")
    await boss.press("📅 Standup")
    await boss.press("Cancel event")
    await boss.press("Yes, cancel it")
    out = await anna.say("/groups")
    assert "cancelled Standup" not in out  # no message in the chat
    out = await anna.say("/inbox")
    assert "Boss cancelled Standup." in out

    out = await anna.say("/inbox read")
    assert "notification marked read." in out or "notifications marked read." in out
    out = await anna.say("/inbox")
    assert "Inbox (0 unread)" in out


async def test_inbox_settings_in_russian(sqlite_app: App) -> None:
    boss, anna, _petr = await team(sqlite_app, lang="ru")
    out = await anna.say("/inbox")
    assert "Уведомления (0 непрочитанных)" in out
    out = await anna.press("Настройки")
    assert "Доставка: каждое сразу" in out and "Тихие часы: нет" in out
    out = await anna.press("ежечасная сводка")
    assert "Доставка: ежечасная сводка" in out
    out = await anna.press("посты")
    assert "Отключены: посты" in out
    out = await anna.press("Тихие часы")
    out = await anna.say("23:00-07:30")
    assert "Тихие часы: 23:00–07:30" in out
    out = await anna.say("/inbox тишина 25:00-07:00")
    assert "Укажите время" in out
    out = await anna.say("/inbox тихие часы 22:00-08:00")  # as the settings name them
    assert "Тихие часы: 22:00–08:00" in out, out
    out = await anna.say("/inbox сводка ежедневно")
    assert "ежедневная сводка" in out, out
    await anna.say("/inbox digest hourly")
    await anna.say("/inbox quiet 23:00-07:30")
    async with sqlite_app.workspace.sessionmaker() as session:
        prefs = (await session.execute(select(NotificationSettings))).scalars().all()
        row = next(p for p in prefs if p.digest == "hourly")
        assert row.quiet_start == 23 * 60 and row.quiet_end == 7 * 60 + 30
        assert row.muted_kinds == ["post"]
    # a muted kind is still recorded in the centre
    await boss.say("/post Всем привет")
    out = await anna.say("/inbox")
    assert "Всем привет" in out


async def test_inbox_pages(sqlite_app: App) -> None:
    boss, anna, _petr = await team(sqlite_app)
    for n in range(12):
        await boss.say(f"/post News number {n}")
    await anna.say("/inbox")  # the console prints the delivered messages too
    out = await anna.say("/inbox")
    assert "Inbox (12 unread)" in out and "1/2" in out
    assert "News number 11" in out and "News number 0" not in out
    out = await anna.press("Next »")
    assert "2/2" in out and "News number 0" in out and "News number 11" not in out
    out = await anna.press("Mark all read")
    assert "Inbox (0 unread)" in out


async def test_a_muted_task_stays_quiet_about_its_comments_and_opening_reads_them(
    app: App,
) -> None:
    boss, anna, _petr = await team(app)
    await boss.say("/task Call Ivanov tomorrow 15:00 @Anna")
    await anna.say("/inbox")
    out = await anna.press("🔕")
    assert "Muted" in out, out
    await boss.say("/task 1 comment Do not forget the discount")
    out = await anna.say("/groups")
    assert "Do not forget the discount" not in out  # no push: the task is muted
    out = await anna.say("/inbox")
    assert "Do not forget the discount" in out and "Inbox (1 unread)" in out, out
    out = await anna.press("Open")
    assert "#1 Call Ivanov" in out, out  # the task, not the notice again
    out = await anna.say("/inbox")
    assert "Inbox (0 unread)" in out, out


async def test_a_task_opened_from_its_push_is_read_in_the_inbox(app: App) -> None:
    boss, anna, _petr = await team(app)
    await boss.say("/task Call Ivanov tomorrow 15:00 @Anna")
    out = await anna.say("/groups")  # the push arrives with this reply
    assert "Boss gave you a task." in out, out
    out = await anna.press("Open")
    assert "#1 Call Ivanov" in out, out
    out = await anna.say("/inbox")
    assert "Inbox (0 unread)" in out, out


async def test_a_notice_kept_for_the_digest_names_its_day(sqlite_app: App) -> None:
    """A digest is read the next morning: a notice kept for it says the date, not
    "tomorrow" as it was when written."""
    from handlers.markup import to_plain
    from handlers.views import View
    from models.notifications import Notification

    boss, anna, _petr = await team(sqlite_app)
    await anna.say("/inbox digest daily")
    await boss.say("/event Planning tomorrow 09:00 30m @Anna")
    async with sqlite_app.workspace.sessionmaker() as session:
        payloads = (await session.execute(select(Notification.payload))).scalars().all()
    texts = [to_plain(View.from_dict(p).body) for p in payloads]
    assert any("Planning" in t and "09:00" in t for t in texts), texts
    assert all("tomorrow" not in t for t in texts), texts


async def test_what_a_contractor_may_no_longer_open_is_not_delivered_nor_listed(
    sqlite_app: App,
) -> None:
    """Taken out of the group, a contractor gets none of its news still waiting (a
    push, their digest) and their /inbox does not quote it."""
    from handlers.digest import queue_digests
    from tests.console_driver import ConsoleDriver, invite_code

    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/groups new Site")
    carl = ConsoleDriver(sqlite_app, user="Carl", lang="en")
    await carl.say(f"/start {invite_code(await boss.say('/invite extranet Site'))}")
    dana = ConsoleDriver(sqlite_app, user="Dana", lang="en")
    await dana.say(f"/start {invite_code(await boss.say('/invite extranet Site'))}")
    await carl.say("/inbox digest hourly")
    await boss.say("/task Build landing page @Carl #Site")
    await boss.say("/task Write copy @Dana #Site")
    await boss.say("/task 1 comment the budget is 5k")
    await boss.say("/task 2 comment the budget for copy is 1k")
    out = await boss.say("/groups remove Site @Carl")
    out = await boss.say("/groups remove Site @Dana")
    out = await dana.say("/help")  # the push waiting for her is not sent
    assert "1k" not in out and "Write copy" not in out, out
    async with sqlite_app.workspace.sessionmaker() as session, session.begin():
        await session.execute(update(NotificationSettings).values(last_digest_at=None))
        await queue_digests(session)
    out = await carl.say("/help")
    assert "5k" not in out and "Build landing page" not in out, out
    assert "Boss removed you from the group Site." in out, out
    out = await dana.say("/inbox")
    assert "1k" not in out and "(about something no longer open to you)" in out, out


async def test_opening_a_notice_about_a_deleted_task_says_so_and_reads_it(
    sqlite_app: App,
) -> None:
    boss, anna, _petr = await team(sqlite_app)
    await boss.say("/task Secret pitch @Anna")
    await boss.say("/task 1 comment see the draft")
    await boss.say("/task 1 delete")
    await boss.press("Yes, delete it")
    out = await anna.say("/inbox")
    assert "Inbox (3 unread)" in out and "Boss deleted the task Secret pitch." in out
    assert "(about something no longer open to you)" in out
    assert "🔕" not in out  # nothing more comes about it: nothing to mute
    out = await anna.press("Open 2")
    assert "This item was deleted, or it is no longer open to you." in out, out
    out = await anna.say("/inbox")  # what is left: the notice of the deletion
    assert "Inbox (1 unread)" in out and "no longer open to you" not in out, out


async def test_the_digest_leaves_out_what_was_read_in_the_inbox(sqlite_app: App) -> None:
    from handlers.digest import queue_digests

    boss, anna, _petr = await team(sqlite_app)
    await anna.say("/inbox digest hourly")
    await boss.say("/task Draft the brief @Anna")
    await boss.say("/task Call the printer @Anna")
    out = await anna.say("/inbox")
    assert "Inbox (2 unread)" in out and "1. 🔔 Boss gave you a task. #2 Call the printer" in out
    await anna.press("✓")  # the first row read: Call the printer
    async with sqlite_app.workspace.sessionmaker() as session, session.begin():
        await session.execute(update(NotificationSettings).values(last_digest_at=None))
        assert await queue_digests(session) == 1
    out = await anna.say("/help")
    assert "Draft the brief" in out and "Call the printer" not in out, out
    # everything read: no digest at all
    await boss.say("/task Book the room @Anna")
    await anna.say("/inbox read")
    async with sqlite_app.workspace.sessionmaker() as session, session.begin():
        await session.execute(update(NotificationSettings).values(last_digest_at=None))
        assert await queue_digests(session) == 0


async def test_unread_notifications_are_counted_in_the_menu_and_today(sqlite_app: App) -> None:
    boss, anna, _petr = await team(sqlite_app)
    await boss.say("/task Draft the brief @Anna")
    await boss.say("/task Call the printer @Anna")
    out = await anna.say("/menu")
    assert "Inbox (2)" in out, out
    out = await anna.say("/today")
    assert "2 unread notifications: /inbox" in out, out
    await anna.say("/inbox read")
    out = await anna.say("/menu")
    assert "Inbox (" not in out and "Inbox" in out, out
    out = await anna.say("/today")
    assert "unread" not in out, out


def _window_around_now(tz: str) -> tuple[str, datetime]:
    """Quiet hours from an hour ago to two hours ahead in `tz` ("HH:MM-HH:MM"), and when
    they end (UTC): now is inside them, whatever the wall clock says."""
    local = datetime.now(ZoneInfo(tz)).replace(second=0, microsecond=0)
    start, end = local - timedelta(hours=1), local + timedelta(hours=2)
    return f"{start:%H:%M}-{end:%H:%M}", end.astimezone(UTC)


async def test_team_default_quiet_hours_through_the_console(sqlite_url: str) -> None:
    """A new team starts with 22:00-08:00; its admin changes them; they hold what comes
    to people who chose none of their own (in their own zone), not to those with their
    own hours or their own "off", and never the answers to a person's own commands."""
    settings = conftest.test_settings()
    settings.workspace.default_quiet_hours = "22:00-08:00"  # the workspace's default
    app = build_app(settings, database_url=sqlite_url)
    try:
        boss = ConsoleDriver(app, user="Boss")
        await boss.say("/start")
        assert "Quiet hours: 22:00–08:00" in await boss.say("/team")
        assert "a new team has 22:00–08:00" in await boss.say("/help")
        code = invite_code(await boss.say("/invite"))
        people = {}
        for name in ("Anna", "Petr", "Olga"):
            people[name] = ConsoleDriver(app, user=name, timezone="Asia/Tokyo")
            await people[name].say(f"/start {code}")
        anna, petr, olga = people["Anna"], people["Petr"], people["Olga"]
        out = await anna.say("/inbox settings")
        assert "Quiet hours: 22:00–08:00 (team default)" in out, out

        window, ends = _window_around_now("Asia/Tokyo")
        out = await anna.say(f"/team quiet {window}")
        assert "You have no right to do that." in out, out
        out = await boss.say(f"/team quiet {window}")
        shown = window.replace("-", "–")
        assert f"The team's quiet hours are now {shown}." in out, out
        out = await anna.say("/inbox settings")
        assert f"Quiet hours: {shown} (team default)" in out, out
        assert "Quiet hours: none" in await petr.say("/inbox quiet off")
        _, outside = _window_around_now("Asia/Tokyo")
        out = await olga.say(f"/inbox quiet {outside:%H:%M}-{outside + timedelta(hours=1):%H:%M}")
        assert "(team default)" not in out, out

        await boss.say("/task Call Ivanov tomorrow 15:00 @Anna @Petr @Olga")
        out = await anna.say("/task Buy milk")  # her own command: answered at once
        assert "Buy milk" in out and "gave you a task" not in out, out
        # the pushes arrive with a reply (the inbox would list the notice anyway)
        assert "Boss gave you a task." not in await anna.say("/groups")
        assert "Boss gave you a task." in await petr.say("/groups")
        assert "Boss gave you a task." in await olga.say("/groups")
        async with app.workspace.sessionmaker() as s:
            anna_id = await s.scalar(select(User.id).where(User.name == "Anna"))
            held = await s.scalar(
                select(OutboxMessage).where(
                    OutboxMessage.user_id == anna_id, OutboxMessage.status == "pending"
                )
            )
        assert held is not None and held.due_at == ends  # the end, in her zone

        # the team's quiet hours are lifted: what they held goes now
        out = await boss.say("/team quiet off")
        assert "The team has no quiet hours now." in out, out
        assert "Boss gave you a task." in await anna.say("/groups")
    finally:
        await app.close()


async def test_team_default_quiet_hours_in_russian(sqlite_app: App) -> None:
    boss, anna, _petr = await team(sqlite_app, lang="ru")
    out = await boss.say("/team тишина 23:00-07:00")
    assert "Теперь тихие часы команды — 23:00–07:00." in out, out
    assert "Тихие часы: 23:00–07:00" in await boss.say("/team")
    out = await anna.say("/inbox настройки")
    assert "Тихие часы: 23:00–07:00 (общие для команды)" in out, out
    out = await anna.say("/inbox тишина выкл")  # none for her, not even the team's
    assert "Тихие часы: нет" in out and "общие" not in out, out
    out = await anna.say("/inbox тишина команды")  # the team's again
    assert "Тихие часы: 23:00–07:00 (общие для команды)" in out, out
    out = await anna.say("/team тишина выкл")
    assert "У вас нет прав на это." in out, out
