"""The calendar end to end through the console, in English and in Russian."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from bot.app import App
from models.calendar import Event
from models.outbox import OutboxMessage
from models.tasks import Task
from services.calendar_recur import series_starts
from tests.console_driver import ConsoleDriver, bind_room, invite_code
from tests.test_tasks_console import a_day_of_month_past


async def team(app: App, lang: str = "en") -> tuple[ConsoleDriver, ConsoleDriver, ConsoleDriver]:
    boss = ConsoleDriver(app, user="Boss", lang=lang)
    await boss.say("/start")
    code = invite_code(await boss.say("/invite"))
    anna = ConsoleDriver(app, user="Anna", lang=lang)
    await anna.say(f"/start {code}")
    petr = ConsoleDriver(app, user="Petr", lang=lang)
    await petr.say(f"/start {code}")
    return boss, anna, petr


async def test_event_invitation_answers_and_changes_in_english(app: App) -> None:
    boss, anna, petr = await team(app)
    out = await boss.say(
        "/event Interview with Candidate tomorrow 15:00-16:00 @Anna @Petr place: Room 2"
    )
    assert "Event created; 2 people invited." in out
    assert "Interview with Candidate" in out
    assert "When: tomorrow 15:00–16:00" in out
    assert "Where: Room 2" in out
    assert "❔ Anna" in out and "✅ Boss" in out

    out = await anna.say("/events")
    assert "Boss invites you to Interview with Candidate, tomorrow 15:00–16:00." in out
    out = await anna.press("Accept")
    assert "You accepted." in out and "✅ Anna" in out
    out = await petr.say("/events week")
    assert "Interview with Candidate ❔" in out  # not answered yet
    out = await petr.press("Decline")
    assert "You declined." in out
    out = await petr.say("/events week")
    assert "Interview with Candidate ❌" in out

    out = await boss.say("/events week")
    assert "Anna accepted Interview with Candidate." in out
    assert "Petr declined Interview with Candidate." in out
    assert "Interview with Candidate" in out
    out = await boss.press("📅 Interview")
    assert "✅ Anna" in out and "❌ Petr" in out

    # reminders wait in the outbox, 15 minutes before, for those who come
    async with app.workspace.sessionmaker() as session:
        keys = set(
            (
                await session.execute(
                    select(OutboxMessage.dedup_key).where(OutboxMessage.kind == "reminder")
                )
            ).scalars()
        )
    assert len([k for k in keys if k and k.startswith("event:")]) == 2  # Boss and Anna, not Petr

    out = await boss.press("Move")
    assert "When does it start now?" in out
    out = await boss.say("tomorrow 17:00")
    assert "You moved Interview with Candidate to tomorrow 17:00–18:00." in out
    out = await anna.say("/events week")
    assert "Boss moved Interview with Candidate from tomorrow 15:00 to tomorrow 17:00–18:00." in out

    # a comment with a mention
    await boss.say("/events week")
    await boss.press("📅 Interview")
    out = await boss.press("Comment")
    out = await boss.say("Bring the CV, @Petr")
    assert "Comment added." in out and "Bring the CV, @Petr" in out
    out = await petr.say("/events")
    assert "Boss mentioned you in Interview with Candidate: Bring the CV, @Petr" in out
    out = await anna.say("/events")
    assert "Boss commented on Interview with Candidate: Bring the CV, @Petr" in out

    await boss.say("/events week")
    await boss.press("📅 Interview")
    out = await boss.press("Edit")
    assert "New title?" in out
    out = await boss.say("Interview (final round)")
    out = await boss.say("Room 5")
    out = await boss.press("Skip")
    assert "📅 Interview (final round)" in out and "Where: Room 5" in out
    out = await anna.say("/events")
    assert "Boss changed Interview (final round): title, place." in out

    await boss.say("/events week")
    await boss.press("📅 Interview")
    out = await boss.press("Cancel event")
    assert "Cancel Interview (final round) for everyone?" in out, out
    out = await boss.press("Yes, cancel it")
    assert "You cancelled Interview (final round)." in out
    out = await anna.say("/events week")
    assert "Boss cancelled Interview (final round)." in out
    assert "Nothing planned." in out


async def test_bad_input_gets_one_question(sqlite_app: App) -> None:
    boss, _anna, _petr = await team(sqlite_app)
    out = await boss.say("/event Sync tomorrow 10:00-09:00")
    assert "The event would end before it starts." in out
    out = await boss.say("/event Sync tomorrow 10:00 @Nobody")
    assert "I don't know anyone called Nobody in your team." in out
    assert "Who should come?" in out
    await boss.say("/cancel")
    out = await boss.say("/event Sync with nobody")
    assert "When is it?" in out
    out = await boss.say("/event Sync tomorrow 10:00")
    assert "Event created.\n" in out
    out = await boss.say("/events tomorrow")
    assert "Sync" in out and "(1)" in out
    out = await boss.say("/events 1.1.2020")
    assert "1 Jan 2020 (0)" in out and "Nothing planned." in out
    out = await boss.say("/events blah")
    assert "Say today, week, next or a date" in out
    out = await boss.say("/events remind 30")
    assert "Reminders will come 30 min before events." in out


async def test_a_title_too_long_is_refused_whole_not_cut(sqlite_app: App) -> None:
    """A 300-character title is not cut to 200 mid-word: it is refused, with where the
    details go; with them after a |, the event is made and keeps every word."""
    boss, _anna, _petr = await team(sqlite_app)
    words = (
        "of the warehouse move with the client who asks to call back about the delivery "
        "dates and the new contract terms for the next quarter, including the prices, the "
        "discounts, the penalties for late delivery and who pays for the extra trucks"
    )  # with "Planning", 247 characters
    out = await boss.say(f"/event Planning {words} tomorrow 10:00")
    assert "An event title may have at most 200 characters" in out, out
    out = await boss.say("/events tomorrow")
    assert "Nothing planned." in out, out
    out = await boss.say(f"/event Planning tomorrow 10:00 | {words}")
    assert "Event created." in out, out
    async with sqlite_app.workspace.sessionmaker() as session:
        event = (await session.execute(select(Event))).scalar_one()
    assert (event.title, event.description) == ("Planning", words)


async def test_recurring_event_and_single_change_in_russian(sqlite_app: App) -> None:
    boss, anna, _petr = await team(sqlite_app, lang="ru")
    out = await boss.say("/event Планерка каждый день 10:00 на 15 минут @Anna")
    assert "Событие создано; приглашён 1 человек." in out
    assert "Повторяется: каждый день" in out
    out = await boss.say("/events неделя")
    assert out.count("Планерка") >= 2
    out = await boss.press("📅 Планерка")
    out = await boss.press("Отменить это")
    assert "Вы отменили событие «Планерка»" in out
    out = await anna.say("/events")
    assert "Boss приглашает вас на событие «Планерка»" in out
    out = await anna.press("Принять")
    assert "Вы приняли приглашение." in out
    out = await boss.say("/events картинка")
    assert "(image: week.png" in out


async def test_slots_and_booking(sqlite_app: App) -> None:
    boss, anna, _petr = await team(sqlite_app)
    out = await boss.say("/slots")
    assert "Whose free time?" in out
    out = await boss.say("/slots @Anna next week 30m")
    assert "Free 30 min for Boss, Anna:" in out
    assert "🟢" in out
    out = await boss.press("Book")
    assert "What is the meeting called?" in out
    out = await boss.say("Planning")
    assert "Event created; 1 person invited." in out and "Planning" in out
    out = await anna.say("/slots @Boss next week 30m")
    assert "Boss invites you to Planning" in out


async def test_slots_in_russian(sqlite_app: App) -> None:
    boss, _anna, _petr = await team(sqlite_app, lang="ru")
    out = await boss.say("/slots @Anna следующая неделя 1ч")
    assert "Свободно 1 ч — Boss, Anna:" in out
    # one day, named as people name it: that day's windows only
    today = datetime.now(ZoneInfo("Europe/Moscow")).date()
    monday = today + timedelta(days=7 - today.weekday())
    for said in ("в понедельник", "пн 30м", f"{monday:%d.%m}"):
        out = await boss.say(f"/slots @Anna {said}")
        assert "🟢 вт " not in out and "🟢 ср " not in out, (said, out)
    assert "🟢 пн " in out and "1 окно" in out
    out = await boss.say("/slots @Anna на след неделе")
    assert "🟢 пн " in out and "🟢 пт " in out
    out = await boss.say("/slots @Anna когда-нибудь")
    assert "На какие дни?" in out


async def test_slots_the_day_after_tomorrow_is_not_tomorrow(sqlite_app: App) -> None:
    """ "послезавтра" holds "завтра": the day searched is the one said, and named."""
    from babel.dates import format_date

    boss, _anna, _petr = await team(sqlite_app, lang="ru")
    today = datetime.now(ZoneInfo("Europe/Moscow")).date()
    for said, days in (("послезавтра", 2), ("завтра", 1)):
        out = await boss.say(f"/slots @Anna {said}")
        day = format_date(today + timedelta(days=days), "d MMM yyyy", locale="ru")
        assert out.startswith(f"{day}\nСвободно 1 ч — Boss, Anna:"), (said, out)
        if days == 2:
            assert "🟢 завтра" not in out, out


async def test_times_show_in_each_readers_zone(sqlite_app: App) -> None:
    boss, anna, _petr = await team(sqlite_app)
    await anna.say("/me tz London")
    out = await boss.say("/event Call tomorrow 14:00-15:00 @Anna")
    assert "When: tomorrow 14:00–15:00" in out  # Boss is in Moscow
    out = await anna.say("/events week")
    # London, winter: UTC. Moscow's tomorrow is London's tomorrow too, except in the
    # three hours Moscow has begun a day London has not
    now = datetime.now(ZoneInfo("UTC"))
    day = now.astimezone(ZoneInfo("Europe/Moscow")).date() + timedelta(days=1)
    said = "tomorrow" if day == now.date() + timedelta(days=1) else f"{day:%a} {day.day} {day:%b}"
    if said != "tomorrow" and day.year != now.year:  # 1 January: named with its year
        said = f"{day.day} {day:%b} {day.year}"
    assert f"Boss invites you to Call, {said} 11:00–12:00." in out, out
    # a weekly meeting late on Monday in Moscow falls on Tuesday morning in Vladivostok
    await anna.say("/me tz Asia/Vladivostok")
    out = await boss.say("/event Sync every mon, wed 22:00 30m @Anna")
    assert "Repeats: every week on Mon, Wed" in out, out
    out = await anna.say("/event 2")
    assert "Repeats: every week on Tue, Thu" in out, out


async def test_declining_one_occurrence_of_a_repeating_event(app: App) -> None:
    """Anna skips one daily standup: only that one is marked declined, her reminder
    for it goes, the organiser hears which day, and an answer for all resets it."""
    boss, anna, _petr = await team(app)
    out = await boss.say("/event Standup every day 10:00 15m @Anna")
    assert "Event created; 1 person invited." in out
    out = await anna.say("/events next week")
    assert out.count("Standup ❔") == 7
    out = await anna.press("📅 Standup")  # next Monday's
    assert "Accept this one" in out and "Decline all" in out

    boss_rows = (OutboxMessage.kind == "reminder", OutboxMessage.dedup_key.like("%:1"))
    async with app.workspace.sessionmaker() as session, session.begin():
        # a mark on the organiser's queued reminders: rows made anew would not have it
        await session.execute(update(OutboxMessage).where(*boss_rows).values(error="kept"))
    out = await anna.press("Decline this one")
    # Anna's answer redoes her reminders only: the organiser's stay as they were
    async with app.workspace.sessionmaker() as session:
        marks = list(await session.scalars(select(OutboxMessage.error).where(*boss_rows)))
    assert marks and set(marks) == {"kept"}
    said = out.splitlines()[0]
    assert re.fullmatch(r"You will not come to Standup .+ 10:00–10:15\.", said), out
    assert "• Decline this one" in out and "• Decline all" not in out
    out = await anna.say("/events next week")
    assert out.count("Standup ❌") == 1 and out.count("Standup ❔") == 6

    out = await boss.say("/events")
    assert re.search(r"Anna will not come to Standup .+ 10:00–10:15\.", out), out

    async with app.workspace.sessionmaker() as session:
        rows = list(
            await session.scalars(
                select(OutboxMessage.dedup_key).where(OutboxMessage.kind == "reminder")
            )
        )
    mine = {key.rsplit(":", 2)[1] for key in rows if key and key.endswith(":2")}
    boss_keys = {key.rsplit(":", 2)[1] for key in rows if key and key.endswith(":1")}
    assert len(boss_keys - mine) == 1  # Anna (user 2) has no reminder for that morning

    out = await anna.say("/events next week")
    await anna.press("📅 Standup")
    out = await anna.press("Accept all")
    assert "You accepted." in out
    out = await anna.say("/events next week")
    assert "❌" not in out and "❔" not in out and out.count("10:15  Standup\n") == 7


async def test_dotted_times_and_a_night_shift(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="ru")
    await boss.say("/start")
    out = await boss.say("/event Созвон завтра 10.05")
    assert "📅 Созвон\n" in out and "завтра 10:05–11:05" in out
    out = await boss.say("/event Обход завтра 10.30 30m")
    assert "завтра 10:30–11:00" in out
    out = await boss.say("/event Отчёт за 10.05 завтра в 12:00")
    assert "📅 Отчёт за 10.05\n" in out and "завтра 12:00–13:00" in out
    en = ConsoleDriver(sqlite_app, user="Kim", lang="en")
    await en.say("/start")
    out = await en.say("/event Night shift tomorrow 22:00-02:00")
    assert "Event created." in out and "When: tomorrow 22:00 – " in out and " 02:00" in out
    out = await en.say("/event Sync tomorrow 10:00-09:00")
    assert "The event would end before it starts." in out


async def test_an_event_in_the_past_is_pointed_out(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    out = await boss.say("/event Old meeting yesterday 10:00")
    assert "Event created. Note: it is already over." in out
    out = await boss.say("/event New meeting tomorrow 10:00")
    assert "already over" not in out


async def test_an_event_on_a_day_of_the_month_that_has_passed_is_next_months(
    sqlite_app: App,
) -> None:
    day, coming = a_day_of_month_past()
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone="UTC")
    await boss.say("/start")
    out = await boss.say(f"/event Monthly review on the {day}th at 15:00")
    assert "Event created." in out and "already over" not in out, out
    await boss.say("/me lang ru")
    await boss.say(f"/event Обзор {day}-го в 15:00")
    async with sqlite_app.workspace.sessionmaker() as s:
        found = {e.title: e.starts_at for e in (await s.execute(select(Event))).scalars()}
    at_three = coming + timedelta(hours=15)
    assert found == {"Monthly review": at_three, "Обзор": at_three}, found


async def test_an_event_says_when_or_is_asked(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="ru")
    await boss.say("/start")
    out = await boss.say("/event Созвон завтра")
    assert "В какое время? Например: 15:00, в 10, 15:00-16:30 или «весь день»." in out
    out = await boss.say("/event Созвон завтра в 25:00")
    assert "Такого времени нет: 25:00." in out
    out = await boss.say("/event Созвон через 2 часа")
    assert "Событие создано." in out and "📅 Созвон\n" in out
    out = await boss.say("/event Обед с клиентом в понедельник в 13 1ч")
    assert "Событие создано." in out and "13:00–14:00" in out


async def test_event_dates_with_a_spoken_hour(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="ru")
    await boss.say("/start")
    out = await boss.say("/event Созвон 31.12 в 18")
    assert "Событие создано." in out and "18:00–19:00" in out and "в 18" not in out.split("\n")[2]
    out = await boss.say("/event Планёрка через 1,5 часа на 30 минут")
    assert "Событие создано." in out and "📅 Планёрка\n" in out


async def test_twelve_hour_ranges_and_compound_lengths_through_the_console(app: App) -> None:
    boss = ConsoleDriver(app, user="Boss", lang="en")
    await boss.say("/start")
    out = await boss.say("/event Review tomorrow 2pm to 4pm")
    assert "📅 Review\n" in out and "tomorrow 14:00–16:00" in out, out
    out = await boss.say("/event Workshop tomorrow 10:00 for 1h30m")
    assert "📅 Workshop\n" in out and "tomorrow 10:00–11:30" in out, out


async def test_a_meeting_on_workdays_through_the_console(app: App) -> None:
    olga = ConsoleDriver(app, user="Olga", lang="ru")
    await olga.say("/start")
    out = await olga.say("/event Планёрка по будням в 9:30 15м")
    assert "📅 Планёрка\n" in out and "Повторяется: каждую неделю: пн, вт, ср, чт, пт" in out, out
    out = await olga.say("/event Ретро раз в две недели в пятницу в 16:00")
    assert "Повтор через неделю пока не поддерживается." in out, out


async def test_weeks_in_words_reminder_range_and_offset_zones(sqlite_app: App) -> None:
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="ru", timezone="Asia/Yekaterinburg")
    await anna.say("/start")
    out = await anna.say("/events на этой неделе")
    assert "Эта неделя (" in out, out
    out = await anna.say("/events на следующей неделе")
    assert "Следующая неделя (" in out, out
    out = await anna.say("/events remind -5")
    assert "от 0" in out and "10080" in out, out
    await anna.say("/events remind 0")
    out = await anna.say("/events remind")
    assert "Напоминания о событиях выключены." in out and " 0 мин" not in out, out
    out = await anna.say("/me tz +3")
    assert "UTC+3" in out and "GMT-3" not in out, out
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone="America/New_York")
    await boss.say("/start")
    out = await boss.say("/events this week")
    assert "This week (" in out, out


async def test_an_end_hour_past_noon_written_short_is_the_afternoon(sqlite_app: App) -> None:
    kim = ConsoleDriver(sqlite_app, user="Kim", lang="en", timezone="America/New_York")
    await kim.say("/start")
    out = await kim.say("/event Lunch with Sam tomorrow 12:30-1:30")
    assert "Event created." in out and "12:30–13:30" in out, out
    out = await kim.say("/event Sync tomorrow 10:00-09:00")
    assert "The event would end before it starts. Send it again" in out, out


async def test_cancelling_a_whole_series_asks_first(sqlite_app: App) -> None:
    boss, _anna, petr = await team(sqlite_app)
    await boss.say("/event Standup tomorrow 10:00 15m daily @Petr")
    await boss.say("/events week")
    await boss.press("📅 Standup")
    out = await boss.press("Cancel series")
    assert "Cancel Standup for everyone? All its dates go" in out, out
    out = await boss.press("Keep it")
    assert "Standup" in out and "Cancel series" in out, out
    out = await petr.say("/events week")
    assert "cancelled" not in out and "Standup" in out, out


async def test_no_common_time_offers_what_to_try_instead(sqlite_app: App) -> None:
    boss, _anna, _petr = await team(sqlite_app)
    # ten hours: more than a working day (next week: working days whatever today is)
    out = await boss.say("/slots @Anna next week 600m")
    assert "0 windows" in out and "Try a later week or a shorter length." in out, out
    assert "5 h instead" in out, out
    out = await boss.press("5 h instead")
    assert "Free 5 h for" in out and "0 windows" not in out, out


async def test_a_working_day_to_midnight_has_free_time(sqlite_app: App) -> None:
    boss, anna, _petr = await team(sqlite_app)
    out = await anna.say("/day schedule mon-fri 15:00-00:00 lunch 0")
    assert "15:00–24:00" in out, out
    out = await boss.say("/slots @Anna next week 60m")
    assert "Free 1 h for Boss, Anna: 5 windows" in out, out  # 15:00-18:00 each workday


async def test_queued_reminders_follow_a_new_zone_language_and_quiet_hours(
    sqlite_app: App,
) -> None:
    """Reminders are worded and timed when queued, days ahead: a person who changes
    their zone, language or quiet hours gets them worded and timed anew."""
    from handlers.markup import to_plain
    from handlers.views import View
    from models.teams import User

    boss, anna, _petr = await team(sqlite_app)
    await anna.say("/me tz Asia/Kolkata")
    await boss.say("/event Standup tomorrow 08:00 15m @Anna")  # Moscow: 10:30 in Kolkata

    async def annas_reminder() -> tuple[str, datetime]:
        async with sqlite_app.workspace.sessionmaker() as session:
            anna_id = await session.scalar(select(User.id).where(User.name == "Anna"))
            row = (
                await session.execute(
                    select(OutboxMessage).where(
                        OutboxMessage.kind == "reminder", OutboxMessage.user_id == anna_id
                    )
                )
            ).scalar_one()
            return to_plain(View.from_dict(row.payload).body), row.due_at

    text, _due = await annas_reminder()
    assert "10:30" in text, text
    await anna.say("/me tz Europe/Berlin")
    text, _due = await annas_reminder()
    assert "06:00" in text and "10:30" not in text, text  # Berlin, winter: UTC+1
    await anna.say("/me lang ru")
    text, due = await annas_reminder()
    assert "Standup начинается" in text and "06:00" in text, text
    await anna.say("/inbox quiet 05:00-07:00")
    _text, held = await annas_reminder()
    assert held > due  # 05:45 Berlin falls in the new quiet hours: it waits for 07:00


async def test_an_occurrence_moved_after_its_reminder_is_reminded_again(sqlite_app: App) -> None:
    boss, anna, _petr = await team(sqlite_app)
    out = await boss.say("/event Standup daily tomorrow 10:00 15m @Anna")
    assert "Event created" in out, out
    async with sqlite_app.workspace.sessionmaker() as session, session.begin():
        # tomorrow's reminders went out already (as they do at 09:45)
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.kind == "reminder").values(status="sent")
        )
    out = await boss.say("/event 1")
    out = await boss.press("Move this")
    assert "When does it start now?" in out, out
    out = await boss.say("tomorrow 11:00")
    assert "You moved Standup to tomorrow 11:00–11:15." in out, out
    async with sqlite_app.workspace.sessionmaker() as session:
        pending = (
            (
                await session.execute(
                    select(OutboxMessage.due_at).where(
                        OutboxMessage.kind == "reminder", OutboxMessage.status == "pending"
                    )
                )
            )
            .scalars()
            .all()
        )
    starts = {
        (due + timedelta(minutes=15)).astimezone(ZoneInfo("Europe/Moscow")).hour for due in pending
    }
    assert 11 in starts, pending  # the moved one, for Boss and Anna


async def test_what_event_asks_is_answered(sqlite_app: App) -> None:
    """An unknown @name or #group, or no line at all: a question the next message answers,
    the rest of the line kept."""
    boss, anna, _petr = await team(sqlite_app)
    out = await boss.say("/event Standup tomorrow 10:00 30m @anya")
    assert "I don't know anyone called anya in your team." in out
    assert "Who should come?" in out
    out = await boss.say("@Anna")
    assert "Event created; 1 person invited." in out
    assert "Standup" in out and "tomorrow 10:00–10:30" in out
    out = await boss.say("/event Review tomorrow 15:00 @anya")
    out = await boss.press("Nobody")
    assert "Event created." in out and "Review" in out
    await boss.say("/groups new Sales")
    out = await boss.say("/event Demo tomorrow 12:00 #sails")
    assert "There is no group called “sails”." in out
    assert "Which group is it for?" in out
    out = await boss.press("Sales")
    assert "Event created." in out and "Demo" in out and "Sales" in out
    out = await boss.say("/event Lunch tomorrow 13:00 #nope")
    out = await boss.press("Without a group")
    assert "Event created." in out and "Lunch" in out
    out = await boss.say("/event")
    assert "Describe the event:" in out
    out = await boss.say("Team sync friday 11:00")
    assert "Event created." in out and "Team sync" in out
    out = await anna.say("/events week")
    assert "Standup" in out


async def test_a_title_opening_with_a_repeat_word_keeps_it(sqlite_app: App) -> None:
    boss, _anna, _petr = await team(sqlite_app)
    out = await boss.say("/event Weekly sync every mon 10:00 60m @Anna")
    assert "📅 Weekly sync\n" in out and "Repeats: every week on Mon" in out, out
    out = await boss.say("/event Daily standup 09:30 15m")
    assert "📅 Daily standup\n" in out and "Repeats: every day" in out, out
    assert '"Daily" in the title: it repeats every day.' in out, out
    out = await boss.say("/event Monthly report review Dec 10 15:00")
    assert "📅 Monthly report review\n" in out and "Repeats" not in out, out
    assert '"Monthly" in the title, but it happens once. To repeat it, add "every month".' in out
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru")
    await olga.say("/start")
    out = await olga.say("/event Еженедельная планёрка в пн 10:00")
    assert "📅 Еженедельная планёрка\n" in out, out
    assert "«Еженедельная» в названии: событие повторяется каждую неделю: пн." in out, out
    out = await olga.say("/event Еженедельная планёрка завтра 10:00")
    assert "Повторяется" not in out and "добавьте «каждую неделю»" in out, out


async def test_a_monthly_title_with_a_day_of_the_month_repeats_monthly(sqlite_app: App) -> None:
    """A title opening with "Monthly" and a day of the month said as an English ordinal
    ("on the 10th at 15:00") is a series on that day, as "Ежемесячный отчёт 10 числа в
    15:00" is; with the month named it is one meeting."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone="UTC")
    await boss.say("/start")
    for line in (
        "/event Monthly review on the 10th at 15:00",
        "/event Monthly sync 15:00 on the 1st",
        "/event Monthly check 10th 3pm",
    ):
        out = await boss.say(line)
        assert '"Monthly" in the title: it repeats every month' in out, (line, out)
        assert "Repeats: every month" in out and "already over" not in out, (line, out)
    out = await boss.say("/event Monthly report Dec 10th 15:00")
    assert "Repeats" not in out and 'To repeat it, add "every month".' in out, out
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="UTC")
    await olga.say("/start")
    for line in (
        "/event Ежемесячный отчёт 10 числа в 15:00",
        "/event Ежемесячный обзор 10-го в 15:00",
    ):
        out = await olga.say(line)
        assert "«Ежемесячный» в названии: событие повторяется" in out, (line, out)
    async with sqlite_app.workspace.sessionmaker() as s:
        found = {
            e.title: (e.repeat, e.starts_at) for e in (await s.execute(select(Event))).scalars()
        }
    for title in ("Monthly review", "Monthly check", "Ежемесячный отчёт", "Ежемесячный обзор"):
        repeat, starts = found[title]
        assert repeat == "monthly" and (starts.day, starts.hour) == (10, 15), (title, found)
    assert found["Monthly sync"][0] == "monthly" and found["Monthly sync"][1].day == 1, found
    assert found["Monthly report"][0] == "none", found


async def test_an_hour_said_before_the_room_is_the_meetings_time(sqlite_app: App) -> None:
    """ "в среду в 10 в переговорной": the hour is the time (not the 10th of the month),
    the room stays in the title; a task said so is due then too."""
    anna = ConsoleDriver(sqlite_app, user="Анна", lang="ru", timezone="Europe/Moscow")
    await anna.say("/start")
    out = await anna.say("/event Встреча в среду в 10 в переговорной")
    assert "Событие создано." in out and "уже прошло" not in out, out
    assert "📅 Встреча в переговорной\n" in out and "10:00–11:00" in out, out
    out = await anna.say("/event Совещание в 11 в четверг")
    assert "📅 Совещание\n" in out and "11:00–12:00" in out, out
    out = await anna.say("/task Позвонить в среду в 10 в офисе")
    assert "#1 Позвонить в офисе\n" in out and "10:00" in out, out
    zone = ZoneInfo("Europe/Moscow")
    now = datetime.now(zone)
    async with sqlite_app.workspace.sessionmaker() as s:
        starts = {e.title: e.starts_at for e in (await s.execute(select(Event))).scalars()}
        task = (await s.execute(select(Task))).scalar_one()
    for title, (weekday, hour) in {
        "Встреча в переговорной": (2, 10),
        "Совещание": (3, 11),
    }.items():
        local = starts[title].astimezone(zone)
        assert (local.weekday(), local.hour) == (weekday, hour), (title, local)
        assert now < local <= now + timedelta(days=7), (title, local)
    assert task.deadline is not None
    due = task.deadline.astimezone(zone)
    assert (due.weekday(), due.hour) == (2, 10) and now < due <= now + timedelta(days=7), due


async def test_a_series_with_an_end_date_through_the_console(sqlite_app: App) -> None:
    """ "каждую среду в 15 до 31 декабря": a weekly series at 15:00 that ends on that day
    (not a block of whole days), and the card names its end."""
    from babel.dates import format_date

    zone = ZoneInfo("Europe/Moscow")
    last = datetime.now(zone).date() + timedelta(days=40)
    months = (
        "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
    ).split()
    anna = ConsoleDriver(sqlite_app, user="Анна", lang="ru", timezone="Europe/Moscow")
    await anna.say("/start")
    out = await anna.say(f"/event Созвон каждую среду в 15 до {last.day} {months[last.month - 1]}")
    assert "📅 Созвон\n" in out and "15:00–16:00" in out and "весь день" not in out, out
    day = format_date(last, "d MMM yyyy", locale="ru")
    assert f"Повторяется: каждую неделю: ср, по {day}" in out, out
    kim = ConsoleDriver(sqlite_app, user="Kim", lang="en", timezone="Europe/Moscow")
    await kim.say("/start")
    month = format_date(last, "MMM", locale="en")
    out = await kim.say(f"/event Standup every monday at 9:30 until {month} {last.day}")
    day = format_date(last, "d MMM yyyy", locale="en")
    assert "📅 Standup\n" in out and f"Repeats: every week on Mon, until {day}" in out, out
    async with sqlite_app.workspace.sessionmaker() as s:
        found = {e.title: e for e in (await s.execute(select(Event))).scalars()}
    for title, weekday, clock in (("Созвон", 2, (15, 0)), ("Standup", 0, (9, 30))):
        event = found[title]
        start = event.starts_at.astimezone(zone)
        assert event.repeat == "weekly" and not event.all_day, title
        assert (start.weekday(), start.hour, start.minute) == (weekday, *clock), (title, start)
        assert event.ends_at - event.starts_at == timedelta(hours=1), title
        assert event.repeat_until is not None
        assert event.repeat_until.astimezone(zone).date() == last, (title, event.repeat_until)
        # the meetings stop there: the last one is in the series' last week
        final = list(series_starts(event, event.repeat_until + timedelta(days=60)))[-1]
        assert 0 <= (last - final.astimezone(zone).date()).days < 7, (title, final)
    # a month without a day: "до марта" ends with the last day of the month before it
    # (two months on: the series always has a date before its end)
    ahead = (datetime.now(zone).date().replace(day=1) + timedelta(days=70)).replace(day=1)
    out = await anna.say(f"/event Планёрка каждый понедельник в 10 до {months[ahead.month - 1]}")
    end = format_date(ahead - timedelta(days=1), "d MMM yyyy", locale="ru")
    assert f"Повторяется: каждую неделю: пн, по {end}" in out, out


async def test_every_day_until_friday_ends_on_friday(sqlite_app: App) -> None:
    """ "каждый день в 9 до пятницы": a daily series that ends on the coming Friday (not
    one that starts then and never ends)."""
    from babel.dates import format_date

    zone = ZoneInfo("Europe/Moscow")
    today = datetime.now(zone).date()
    friday = today + timedelta(days=(4 - today.weekday() - 1) % 7 + 1)
    anna = ConsoleDriver(sqlite_app, user="Анна", lang="ru", timezone="Europe/Moscow")
    await anna.say("/start")
    out = await anna.say("/event Планёрка каждый день в 9 до пятницы")
    day = format_date(friday, "d MMM yyyy", locale="ru")
    assert "📅 Планёрка\n" in out and f"Повторяется: каждый день, по {day}" in out, out
    async with sqlite_app.workspace.sessionmaker() as s:
        (event,) = (await s.execute(select(Event))).scalars()
    start = event.starts_at.astimezone(zone)
    assert event.repeat == "daily" and start.hour == 9 and start.date() <= friday, start
    assert event.repeat_until is not None
    assert event.repeat_until.astimezone(zone).date() == friday, event.repeat_until


async def test_this_friday_noon_midnight_and_a_zone_named_for_the_time(sqlite_app: App) -> None:
    """ "в эту пятницу", "в полдень", "в полночь" are times; "по Екатеринбургу" after the
    hour reads it there, stays out of the title and is said in the answer."""
    anna = ConsoleDriver(sqlite_app, user="Анна", lang="ru", timezone="Europe/Moscow")
    await anna.say("/start")
    out = await anna.say("/event Ретро в эту пятницу в 16")
    assert "📅 Ретро\n" in out and "16:00–17:00" in out, out
    out = await anna.say("/event Обед послезавтра в полдень")
    assert "📅 Обед\n" in out and "12:00–13:00" in out, out
    out = await anna.say("/event Выкатка в полночь")
    assert "📅 Выкатка\n" in out and "00:00–01:00" in out, out
    out = await anna.say("/event Встреча завтра в 10 по Екатеринбургу")
    assert "📅 Встреча\n" in out and "08:00–09:00" in out, out
    assert "Время понято как 10:00 по зоне Asia/Yekaterinburg" in out, out
    moscow, yekaterinburg = ZoneInfo("Europe/Moscow"), ZoneInfo("Asia/Yekaterinburg")
    now = datetime.now(moscow)
    async with sqlite_app.workspace.sessionmaker() as s:
        starts = {e.title: e.starts_at for e in (await s.execute(select(Event))).scalars()}
    retro = starts["Ретро"].astimezone(moscow)
    assert (retro.weekday(), retro.hour) == (4, 16) and now < retro <= now + timedelta(days=7)
    lunch = starts["Обед"].astimezone(moscow)
    assert (lunch.date(), lunch.hour) == (now.date() + timedelta(days=2), 12), lunch
    release = starts["Выкатка"].astimezone(moscow)
    assert (release.date(), release.hour) == (now.date() + timedelta(days=1), 0), release
    meeting = starts["Встреча"].astimezone(yekaterinburg)
    assert meeting.hour == 10 and now < meeting <= now + timedelta(days=2), meeting


async def test_queued_reminders_follow_an_edited_title_and_place(sqlite_app: App) -> None:
    """Edit renames an event and gives it a new place: the reminders waiting in the
    outbox say the new title and place, not the old ones."""
    boss, anna, _petr = await team(sqlite_app)
    out = await boss.say("/event Bank call tomorrow 10:00 @Anna place: Room 1")
    assert "Event created" in out, out
    await anna.say("/events")
    await anna.press("Accept")
    await boss.say("/event 1")
    await boss.press("Edit")
    await boss.say("Call with the bank")
    await boss.say("Zoom")
    out = await boss.say("-")
    assert "Call with the bank" in out, out
    async with sqlite_app.workspace.sessionmaker() as session:
        payloads = (
            (
                await session.execute(
                    select(OutboxMessage.payload).where(
                        OutboxMessage.kind == "reminder", OutboxMessage.status == "pending"
                    )
                )
            )
            .scalars()
            .all()
        )
    texts = [str(p) for p in payloads]
    assert len(texts) == 2, texts  # Boss and Anna
    assert all("Call with the bank" in t and "Zoom" in t for t in texts), texts
    assert not any("Room 1" in t or "Bank call" in t for t in texts), texts


async def test_a_meeting_over_another_is_pointed_out(sqlite_app: App) -> None:
    """A meeting at a time when its organiser or an invitee has another one is made,
    with a word on what it overlaps (a meeting the organiser is not in stays unnamed)."""
    boss, anna, petr = await team(sqlite_app, "ru")
    await boss.say("/event Планёрка завтра в 10:00 @Anna")
    await petr.say("/event Обед завтра в 11:00 @Anna")
    out = await boss.say("/event Встреча с банком завтра с 10:30 до 11:30 @Anna")
    assert "Событие создано; приглашён 1 человек." in out, out
    assert "⚠️ Накладка: Планёрка, завтра 10:00–11:00 — вы, Anna." in out, out
    assert "⚠️ Накладка с другим событием, завтра 11:00–12:00: Anna." in out, out
    out = await boss.say("/event Отчёт завтра в 15:00 @Anna")
    assert "Накладка" not in out, out


async def test_moving_every_date_of_a_series_keeps_its_answers_in_russian(
    sqlite_app: App,
) -> None:
    """Boss (Moscow) moves his Monday and Wednesday 9:30 meeting to Tuesday 10:00 from
    one date's card: every date moves a day and half an hour later (Tue, Thu), Anna's
    (Yekaterinburg) answer for the series stays, her "not this time" and his cancelled
    date follow their dates, her reminders are queued anew, she is told once in her
    zone, and the .ics holds the new rule."""
    from handlers.markup import to_plain
    from handlers.views import View
    from models.calendar import EventAttendee, EventOccurrenceAnswer
    from models.teams import User
    from services import calendar_feed, calendar_ics
    from services.access import Actor
    from services.calendar_recur import key_to_time, occ_key

    boss = ConsoleDriver(sqlite_app, user="Boss", lang="ru", timezone="Europe/Moscow")
    await boss.say("/start")
    code = invite_code(await boss.say("/invite"))
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="ru", timezone="Asia/Yekaterinburg")
    await anna.say(f"/start {code}")
    out = await boss.say("/event Планёрка по понедельникам и средам в 9:30 @Anna")
    assert "Повторяется: каждую неделю: пн, ср" in out, out
    await anna.say("/events")
    await anna.press("Принять")

    async def press_nth(who: ConsoleDriver, label: str, nth: int) -> str:
        numbers = [n for n, text in who.buttons().items() if label in text]
        return await who.say(str(numbers[nth]))

    await anna.say("/events следующая")
    out = await press_nth(anna, "Планёрка", 0)  # next Monday's
    out = await anna.press("Не приду в этот раз")
    await boss.say("/events следующая")
    await press_nth(boss, "Планёрка", 1)  # next Wednesday's
    out = await boss.press("Отменить это")
    assert "Вы отменили событие «Планёрка»" in out, out
    zone = ZoneInfo("Europe/Moscow")
    async with sqlite_app.workspace.sessionmaker() as session:
        (series,) = await session.scalars(select(Event).where(Event.parent_id.is_(None)))
        (declined,) = await session.scalars(select(EventOccurrenceAnswer))
        (cancelled,) = await session.scalars(select(Event).where(Event.parent_id.is_not(None)))
        monday = key_to_time(declined.occ_key).astimezone(zone)
        wednesday = cancelled.recurrence_id.astimezone(zone)
        assert (monday.weekday(), monday.hour, monday.minute) == (0, 9, 30)
        assert wednesday.weekday() == 2 and series.weekdays == "0,2"

    await boss.say("/events следующая")
    out = await press_nth(boss, "Планёрка", 0)  # next Monday's
    out = await boss.press("Перенести все")
    assert "Когда теперь начинается эта дата?" in out, out
    out = await boss.say("вторник 10:00")
    assert out.startswith(
        "Вы перенесли все даты события «Планёрка»: теперь 10:00–11:00, каждую неделю: вт, чт."
    ), out
    assert "Повторяется: каждую неделю: вт, чт" in out and "❌ Anna" in out, out

    async with sqlite_app.workspace.sessionmaker() as session:
        series = await session.get(Event, series.id)
        assert series is not None and series.weekdays == "1,3", series.weekdays
        first = series.starts_at.astimezone(zone)
        assert (first.hour, first.minute) == (10, 0), first
        (answer,) = await session.scalars(select(EventOccurrenceAnswer))
        moved = key_to_time(answer.occ_key).astimezone(zone)
        assert moved == monday + timedelta(days=1, minutes=30), moved  # Tuesday 10:00
        assert (answer.status, answer.user_id) == ("no", 2)
        (row,) = await session.scalars(select(Event).where(Event.parent_id.is_not(None)))
        assert row.cancelled and row.recurrence_id == wednesday + timedelta(days=1, minutes=30)
        assert row.starts_at == row.recurrence_id  # a cancelled date moves with the series
        (attendee,) = await session.scalars(select(EventAttendee).where(EventAttendee.user_id == 2))
        assert attendee.status == "yes"  # her answer to the series stays
        notices = list(
            await session.scalars(
                select(OutboxMessage.payload).where(
                    OutboxMessage.user_id == 2, OutboxMessage.kind == "event"
                )
            )
        )
        texts = [to_plain(View.from_dict(p).body) for p in notices]
        moved_notices = [t for t in texts if "все даты" in t]
        reminders = list(
            await session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.kind == "reminder", OutboxMessage.status == "pending"
                )
            )
        )
    assert len(moved_notices) == 1, notices
    assert (
        "все даты события «Планёрка» перенесены — было 11:30–12:30, каждую неделю: пн, ср; "
        "теперь 12:00–13:00, каждую неделю: вт, чт." in moved_notices[0]
    ), moved_notices  # in Anna's zone
    # every queued reminder is for a Tuesday or a Thursday at 10:00 Moscow, none for
    # Anna's declined Tuesday nor the cancelled Thursday
    assert reminders
    for reminder in reminders:
        start = reminder.due_at.astimezone(zone) + timedelta(minutes=15)
        assert (start.weekday() in (1, 3), start.hour, start.minute) == (True, 10, 0), start
        assert start != row.recurrence_id
        assert not (reminder.user_id == 2 and start == moved)
        assert str(occ_key(start)) in (reminder.dedup_key or "")

    out = await anna.say("/events следующая")
    listing = out.split("\n\n")[0]  # Tuesday (declined); Thursday cancelled
    assert listing.startswith("Следующая неделя (1)\nвт ") and "12:00–13:00  Планёрка ❌" in out, (
        out
    )

    async with sqlite_app.workspace.sessionmaker() as session:
        user = await session.get(User, 2)
        assert user is not None
        text = calendar_ics.render(
            await calendar_feed.entries(session, Actor.of(user)), name="Anna"
        )
    assert "RRULE:FREQ=WEEKLY;BYDAY=TU,TH" in text, text
    assert f"EXDATE;TZID=Europe/Moscow:{moved:%Y%m%dT%H%M%S}" in text, text
    assert f"EXDATE;TZID=Europe/Moscow:{row.recurrence_id.astimezone(zone):%Y%m%dT%H%M%S}" in (
        text
    ), text


async def test_moving_every_date_of_a_series_in_english(sqlite_app: App) -> None:
    """A daily standup moved from 10:00 to 10:30 for all its dates: a date moved on its
    own to 16:00 stays there (and still replaces its day's standup), the others follow;
    Anna is told once; a one-off event has no such button."""
    boss, anna, _petr = await team(sqlite_app)
    await boss.say("/event Standup every day 10:00 15m @Anna")
    await boss.say("/events next week")
    await boss.press("📅 Standup")  # next Monday's
    await boss.press("Move this one")
    out = await boss.say("next monday 16:00")
    assert "You moved Standup to" in out and "16:00–16:15" in out, out
    await boss.say("/events next week")
    numbers = [n for n, label in boss.buttons().items() if "Standup" in label]
    await boss.say(str(numbers[2]))  # next Wednesday's
    out = await boss.press("Move all")
    assert "When does this date start now?" in out, out
    out = await boss.say("10:30")
    assert out.startswith(
        "You moved every date of Standup to 10:30–10:45, every day.\n\n📅 Standup\n"
    ), out
    out = await boss.say("/events next week")
    assert out.count("10:30–10:45  Standup") == 6 and out.count("16:00–16:15  Standup") == 1, out
    out = await anna.say("/inbox")
    assert out.count("🔔 Boss moved every date") == 1, out  # one notice
    assert "Boss moved every date of Standup: it was 10:00–10:15, every day; now it is " in out
    await boss.say("/event Lunch tomorrow 13:00")
    assert "Move all" not in boss.last and "Move" in boss.last


async def group_chat_news(app: App) -> list[str]:
    """What the outbox says in the chats bound to groups (not to a person)."""
    from handlers.markup import to_plain
    from handlers.views import View

    async with app.workspace.sessionmaker() as session:
        rows = await session.scalars(
            select(OutboxMessage.payload)
            .where(OutboxMessage.user_id.is_(None))
            .order_by(OutboxMessage.id)
        )
        return [to_plain(View.from_dict(p).body) for p in rows]


async def test_move_all_to_a_weekday_takes_the_nearest_and_tells_the_groups_chat(
    sqlite_app: App,
) -> None:
    """On a Thursday's date, "Wednesday" moves a weekly series one day earlier (not six
    later); a day as far before as after is asked about. The move of the series, and of
    one date, is posted in the chat bound to the event's group."""

    boss, _anna, _petr = await team(sqlite_app)
    await boss.say("/groups new Dev")
    await boss.say("/groups add Dev Anna")
    await bind_room(sqlite_app, "room-dev", "Dev", by="boss")
    await boss.say("/event Sync every week on thursday 10:00 #Dev")
    async with sqlite_app.workspace.sessionmaker() as session:
        (series,) = await session.scalars(select(Event))
        first, zone = series.starts_at, ZoneInfo(series.timezone)
    assert first.astimezone(zone).weekday() == 3, first
    await boss.say("/events next week")
    await boss.press("📅 Sync")
    await boss.press("Move all")
    out = await boss.say("sunday 22:00")  # 3½ days either way
    assert "Both are as far from this date" in out, out
    out = await boss.say("wednesday 10:00")
    assert "You moved every date of Sync" in out, out
    async with sqlite_app.workspace.sessionmaker() as session:
        (series,) = await session.scalars(select(Event))
    assert series.starts_at.astimezone(zone) == first.astimezone(zone) - timedelta(days=1)
    news = await group_chat_news(sqlite_app)
    assert any(n.startswith("Boss moved every date of Sync: it was ") for n in news), news

    await boss.say("/events next week")
    await boss.press("📅 Sync")
    await boss.press("Move this one")
    await boss.say("friday 11:00")
    news = await group_chat_news(sqlite_app)
    assert any(n.startswith("Boss moved Sync from ") for n in news), news


async def test_move_all_on_a_date_moved_on_its_own_counts_from_its_shown_time(
    sqlite_app: App,
) -> None:
    """A daily standup at 10:00 whose next Monday was moved to 16:00: Move all pressed on
    that Monday, "16:30", moves every date by half an hour (10:30) and Monday to 16:30."""
    boss, _anna, _petr = await team(sqlite_app)
    await boss.say("/event Standup every day 10:00 15m @Anna")
    await boss.say("/events next week")
    await boss.press("📅 Standup")  # next Monday's
    await boss.press("Move this one")
    await boss.say("next monday 16:00")
    await boss.say("/events next week")
    await boss.say("1")  # that Monday's, at 16:00
    await boss.press("Move all")
    out = await boss.say("16:30")
    assert "You moved every date of Standup to 10:30–10:45, every day." in out, out
    out = await boss.say("/events next week")
    assert out.count("10:30–10:45  Standup") == 6 and out.count("16:30–16:45  Standup") == 1, out


async def test_a_month_said_without_a_day_is_the_events_title(sqlite_app: App) -> None:
    """ "на декабрь", "for December": what the meeting is about, not the day it is on."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="ru")
    await boss.say("/start")
    out = await boss.say("/event Планёрка по бюджету на декабрь завтра в 10")
    assert "📅 Планёрка по бюджету на декабрь\nКогда: завтра 10:00–11:00" in out
    out = await boss.say("/event Планёрка на декабрь 10:00")
    assert (
        "📅 Планёрка на декабрь\nКогда: " in out
        and "декабр" not in out.split("Когда: ")[1].split("\n")[0]
    )
    boss = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await boss.say("/start")
    out = await boss.say("/event Budget for December at 10")
    assert (
        "📅 Budget for December\nWhen: " in out
        and "Dec" not in out.split("When: ")[1].split("\n")[0]
    )


async def test_an_event_number_and_an_action_is_about_that_event(sqlite_app: App) -> None:
    """`/event 5 move tomorrow 12:00` with no event 5, `/event -1`: not found, no event
    "5 move"; on an event one sees, `comment TEXT` comments and `move` shows its card,
    whose buttons move it."""
    boss, anna, _petr = await team(sqlite_app)
    for line in ("/event 5 move tomorrow 12:00", "/event 5 comment hi", "/event -1"):
        out = await boss.say(line)
        assert out.startswith("Not found, or you have no access to it."), (line, out)
    async with sqlite_app.workspace.sessionmaker() as session:
        assert not (await session.execute(select(Event))).scalars().all()
    await boss.say("/event Planning tomorrow 10:00 @Anna")
    out = await anna.say("/event 1 comment I will bring the slides")
    assert "Comment added." in out and "I will bring the slides" in out, out
    out = await boss.say("/event 1 move tomorrow 12:00")
    assert out.startswith("Use the card's buttons for that:"), out
    assert "Planning" in out and "Move" in out, out
    async with sqlite_app.workspace.sessionmaker() as session:
        titles = [e.title for e in (await session.execute(select(Event))).scalars()]
    assert titles == ["Planning"], titles


async def test_an_impossible_or_far_off_date_of_an_event_is_refused(app: App) -> None:
    boss, _, _ = await team(app)
    for line, answer in (
        ("/event Meeting April 31 10:00", "There is no such date: April 31."),
        ("/event Standup 31 февраля 10:00", "There is no such date: 31 февраля."),
        ("/event Standup 32 января 10:00", "There is no such date: 32 января."),
        ("/event Standup 31.12.9999 23:00 2h", "The date 31.12.9999 23:00 is too far off"),
        ("/event Standup 01.01.0001 10:00", "The date 01.01.0001 10:00 is too far off"),
    ):
        out = await boss.say(line)
        assert answer in out and "Event created" not in out, out
        assert "Not found" not in out, out
    async with app.workspace.sessionmaker() as s:
        assert (await s.scalars(select(Event))).first() is None


async def test_what_an_event_line_says_is_kept_or_refused_never_made_now(app: App) -> None:
    boss, _, _ = await team(app)
    for line, answer in (
        ("/event Standup tomorrow 10:00 -30m", "A length cannot be -30m"),
        ("/event Standup tomorrow 10:00 -1h30m", "A length cannot be -1h30m"),
        ("/event Standup tomorrow 10:00 0m", "A length cannot be 0m"),
        ("/event Standup tomorrow 10:00 every 0 days", "An event cannot repeat every 0 days"),
    ):
        out = await boss.say(line)
        assert answer in out and "Event created" not in out, out
    async with app.workspace.sessionmaker() as s:
        assert (await s.scalars(select(Event))).first() is None
    olga = ConsoleDriver(app, user="Ольга", lang="ru")
    await olga.say("/start")
    out = await olga.say("/event Планёрка вчера в 10:00")
    assert "📅 Планёрка\n" in out and "Когда: вчера 10:00–11:00" in out, out
    assert "оно уже прошло" in out, out
    out = await olga.say("/event Стендап завтра в 10:00 каждые 0 дней")
    assert "Событие не может повторяться «каждые 0 дней»" in out, out
    out = await olga.say("/event Стендап завтра в 10:00 на -30 минут")
    assert "Длительность не может быть «-30 минут»" in out, out
