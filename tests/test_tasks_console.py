"""Tasks end to end through the console, in English and in Russian."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import App
from handlers.events import ChatRef, Incoming, Sender
from handlers.markup import to_plain
from models.groups import Group
from services import tasks, tasks_deadlines
from services.access import Actor
from services.teams_identity import resolve_actor
from tests.console_driver import ConsoleDriver, invite_code


async def team(app: App, lang: str, boss: str, mate: str) -> tuple[ConsoleDriver, ConsoleDriver]:
    lead = ConsoleDriver(app, user=boss, lang=lang)
    await lead.say("/start")
    code = invite_code(await lead.say("/invite"))
    other = ConsoleDriver(app, user=mate, lang=lang)
    await other.say(f"/start {code}")
    return lead, other


async def actor_of(app: App, name: str) -> Actor:
    async with app.workspace.sessionmaker() as s:
        actor = await resolve_actor(s, "console", name.casefold())
    assert actor is not None
    return actor


def next_friday_label() -> str:
    """How the coming Friday 10:00 (Moscow, the tests' zone) is named from today."""
    now = datetime.now(ZoneInfo("Europe/Moscow"))
    ahead = (4 - now.weekday()) % 7 or (0 if now.hour < 10 else 7)
    day = now.date() + timedelta(days=ahead)
    if ahead < 2:
        return ("today", "tomorrow")[ahead]
    if day.year != now.year:
        return f"{day.day} {day:%b} {day.year}"
    return f"{day:%a} {day.day} {day:%b}"


async def test_task_flow_in_english(app: App) -> None:
    boss, anna = await team(app, "en", "Boss", "Anna")
    await boss.say("/groups new Sales")
    out = await boss.say("/task Send the offer by Friday 10am @Anna #Sales")
    assert "Task #1 created." in out
    assert "Send the offer" in out and "by Friday" not in out
    assert "responsible Anna" in out and "Group: Sales" in out
    assert f"Deadline: {next_friday_label()} 10:00" in out, out
    assert "Add a description" in out  # coaching: no description
    assert "start the title with a verb" not in out

    out = await anna.say("/tasks")
    assert "Boss gave you a task." in out  # the notification arrived
    assert "Tasks — I do (1)" in out
    out = await anna.press("Send the offer")
    assert "Status: ⚪ pending" in out
    out = await anna.press("Start")
    assert "Status: ▶️ in progress" in out
    out = await anna.press("Complete")
    assert "Status: ✅ completed" in out
    assert "Start timer" not in out and "Log time" in out  # no timer on a finished task

    out = await boss.say("/tasks created")
    assert "Anna completed the task." in out

    # approval: the creator asks for it, the responsible's Complete waits for control
    out = await boss.say("/task Prepare the contract @Anna")
    assert "No deadline yet. When is it due?" in out
    out = await boss.press("Tomorrow")
    assert "Deadline: tomorrow 18:00" in out
    await boss.press("More")
    out = await boss.press("Approval on/off")
    assert "Completion needs approval: yes" in out
    await anna.say("/task 2")
    out = await anna.press("Complete")
    assert "Status: 🔎 awaiting control" in out
    out = await anna.press("Renew")  # taken back before the approval
    assert "Status: ⚪ pending" in out
    out = await anna.press("Complete")
    assert "Status: 🔎 awaiting control" in out
    out = await boss.say("/task 2")
    assert "asks you to accept it" in out
    out = await boss.press("Return for rework")
    assert "What should be redone?" in out
    out = await boss.say("Add the annex")
    assert "Status: ▶️ in progress" in out
    out = await anna.say("/task 2 complete")
    assert "returned the task: Add the annex" in out
    out = await boss.say("/task 2")
    out = await boss.press("Accept")
    assert "Status: ✅ completed" in out

    # a title without a verb gets a hint; an unknown person gets candidates
    out = await boss.say("/task Ivanov report @Ana")
    assert "I don't know anyone called @Ana." in out and out.count("Who is responsible?") == 1
    out = await boss.press("Anna")
    assert "Deadline? For example" not in out and "Task #3 created." in out
    assert "Tip: start the title with a verb" in out

    # comments with mentions, checklist, time, subtasks
    out = await boss.say("/task 3 comment Please ask @Anna about numbers")
    assert "Comment added to #3." in out
    out = await anna.say("/task 3 check Collect numbers; Draft")
    assert "Boss mentioned you: Please ask @Anna about numbers" in out
    assert "Checklist of #3: 0 of 2 done" in out
    out = await anna.press("Collect numbers")
    assert "Checklist of #3: 1 of 2 done" in out and "☑ Collect numbers" in out
    out = await anna.say("/task 3 time 2h 30m drafting")
    assert "Logged 2 h 30 min on #3." in out
    out = await anna.say("/task 3")
    assert "Time spent: 2 h 30 min" in out and "Checklist: 1 of 2 done" in out
    out = await anna.press("Start timer")
    assert "Timer started." in out and "Stop timer" in out
    out = await anna.press("Stop timer")
    assert "Logged 0 min on #3." in out
    out = await anna.say("/tasks time")
    assert "Time on tasks, Anna, today: 2 h 30 min" in out and "#3 Ivanov report" in out
    out = await boss.say("/tasks time week @Anna")
    assert "Time on tasks, Anna, this week: 2 h 30 min" in out
    out = await anna.say("/tasks time week @Boss")
    assert "You have no right to do that." in out
    out = await anna.say("/task 3 sub Call the bank tomorrow")
    assert "Task #4 created." in out and "Subtask of #3" in out

    # delegate by button; the deadline flag
    out = await boss.say("/task 3 delegate @Boss")
    assert "Boss is now responsible." in out

    # templates, recurrence, a group's list
    out = await boss.say("/task 1 template Offer")
    assert "Template Offer saved. Create a task from it: /task from Offer" in out
    out = await boss.say("/task from Offer tomorrow 12:00 @Anna")
    assert "Task #5 created." in out and "Send the offer" in out and "responsible Anna" in out
    out = await boss.say("/task 5 repeat weekly mon,fri at 10:00")
    assert "#5 repeats every week on Mon, Fri; the next copy is created" in out
    out = await boss.say("/task 5 repeat off")
    assert "#5 no longer repeats." in out
    await boss.say("/groups project Sales 31.12 18:00")
    out = await boss.say("/tasks #Sales")
    # #1 is completed; #5, made of its template, is the group's too
    assert "Tasks of Sales (1)" in out and "Send the offer" in out
    assert "Project deadline: " in out and "31 Dec" in out
    out = await boss.say("/task Fix issue #123 for @Anna.")
    assert "Fix issue #123 for" in out and "responsible Anna" in out


async def test_task_flow_in_russian(sqlite_app: App) -> None:
    ivan, petr = await team(sqlite_app, "ru", "Иван", "Пётр")
    await ivan.say("/groups new Продажи")
    out = await ivan.say("/task Позвонить Иванову завтра в 15:00 @Пётр #Продажи")
    assert "Задача #1 создана." in out
    assert "Позвонить Иванову" in out and "завтра" in out and "15:00" in out
    assert "ответственный Пётр" in out
    out = await petr.say("/tasks")
    assert "Иван: вам поставлена задача." in out
    assert "Задачи — Делаю (1)" in out
    out = await petr.press("Позвонить Иванову")
    out = await petr.press("Начать")
    assert "Статус: ▶️ " in out and "Пауза" in out
    out = await petr.say("/task 1 время 1ч 15м созвон")
    assert "Учтено 1 ч 15 мин по #1." in out

    out = await petr.say("/plan")
    assert "Мой план" in out and "Новые (1)" in out and "Сегодня (0)" in out, out
    await petr.press("Новые")
    await petr.press("Позвонить Иванову")
    out = await petr.press("На проверку")
    assert "Перемещено в «На проверку»." in out
    out = await petr.say("/plan")
    assert "Новые (0)" in out and "На проверку (1)" in out

    out = await ivan.say("/task Отчёт")
    assert "Совет: начните название с глагола" in out
    assert "Срока пока нет." in out
    out = await ivan.say("/task 2 срок непонятно когда")
    assert "Не понял дату «непонятно когда»" in out

    out = await ivan.say("/task 1 deadline послезавтра 18:00")
    assert "Крайний срок:" in out
    out = await ivan.say("/gantt Продажи")
    assert "Диаграмма Ганта: Продажи" in out and "(image: gantt.png" in out


async def test_form_long_text_and_reply_comment(sqlite_app: App) -> None:
    boss, anna = await team(sqlite_app, "en", "Boss", "Anna")
    out = await boss.say("/task")
    assert "What needs to be done?" in out
    title = "Review " + "very " * 80 + "long title"
    out = await boss.say(title)
    assert "Who is responsible?" in out
    out = await boss.press("Me")
    assert "Deadline?" in out
    out = await boss.say("whenever it suits")
    assert "I could not read whenever it suits as a date." in out
    out = await boss.press("End of week")
    assert "A description" in out
    description = " ".join(f"w{i:04}" for i in range(850))  # 5,100 characters
    assert len(description) > 5000
    out = await boss.say(description)
    assert "Task #1 created." in out
    assert title in out
    assert "Description, page 1 of 2" in out and "w0000" in out and "w0849" not in out
    out = await boss.press("Next »")
    assert "w0849" in out and "Description, page 2 of 2" in out

    # replying in chat to the task's message adds a comment
    workspace = sqlite_app.workspace
    await workspace.remember_sent("console", "console:anna", "m1", "task:1")
    reply = Incoming(
        chat=ChatRef(platform="console", chat_id="console:anna"),
        sender=Sender(external_id="anna", name="Anna"),
        kind="text",
        args="I can help with this",
        reply_to="m1",
    )
    views = await workspace.handle(reply)
    assert "Not found, or you have no access to it." in to_plain(views[0].body)
    await boss.say("/task 1")
    await boss.press("More")
    await boss.press("Add observer")
    out = await boss.say("Anna")
    assert "Anna now observes the task." in out
    views = await workspace.handle(reply)
    assert to_plain(views[0].body) == "Comment added to #1."
    out = await boss.say("/task 1")
    assert "Comments (1)" in out
    out = await boss.press("Comments")
    assert "I can help with this" in out


async def test_five_hundred_tasks_paginate(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss")
    await boss.say("/start")
    actor = await actor_of(sqlite_app, "Boss")
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        for i in range(500):
            await tasks.create_task(s, actor, f"Do item {i:03}")
    out = await boss.say("/tasks")
    assert "Tasks — I do (500)" in out
    pages = re.search(r"\] 1/(\d+)", out)
    assert pages, out
    seen: set[str] = set()
    for _ in range(int(pages.group(1))):
        seen.update(re.findall(r"Do item \d{3}", boss.last))
        if "Next »" not in boss.last:
            break
        await boss.press("Next »")
    assert len(seen) == 500
    assert "Prev" in boss.last and "Next »" not in boss.last


async def test_gantt_png_overdue_mark_and_file_reply(sqlite_app: App, tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from handlers.events import FileRef

    sqlite_app.workspace.services.files_dir = str(tmp_path / "store")
    invoice = tmp_path / "invoice.pdf"
    invoice.write_bytes(b"%PDF bill")
    boss = ConsoleDriver(sqlite_app, user="Boss")
    await boss.say("/start")
    actor = await actor_of(sqlite_app, "Boss")
    now = datetime.now(UTC)
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        late = await tasks.create_task(
            s, actor, "Pay the bill", deadline=now - timedelta(hours=2), now=now - timedelta(days=2)
        )
        soon = await tasks.create_task(s, actor, "Call back", deadline=now + timedelta(hours=5))
        await tasks_deadlines.add_dependency(s, actor, late.id, soon.id)
    out = await boss.say(f"/task {late.id}")
    assert "— overdue" in out
    out = await boss.say(f"/task {soon.id}")
    assert "— due within a day" in out
    out = await boss.say("/tasks overdue")
    assert "Tasks — Overdue (1)" in out and "🔥 Pay the bill" in out

    ws = sqlite_app.workspace
    chat = ChatRef(platform="console", chat_id="console:boss")
    sender = Sender(external_id="boss", name="Boss")
    views = await ws.handle(Incoming(chat=chat, sender=sender, kind="command", command="gantt"))
    image = views[0].image
    assert image is not None and image.content.startswith(b"\x89PNG")
    assert "Tasks: 2; dependencies: 1." in to_plain(views[0].body)

    await ws.remember_sent("console", "console:boss", "m7", f"task:{late.id}")
    views = await ws.handle(
        Incoming(
            chat=chat,
            sender=sender,
            kind="file",
            file=FileRef(file_id=str(invoice), name="invoice.pdf", size=9),
            reply_to="m7",
        )
    )
    assert to_plain(views[0].body) == f"Comment added to #{late.id}."
    out = await boss.say(f"/task {late.id}")
    out = await boss.press("Comments")
    assert "📎 invoice.pdf" in out


async def test_extranet_member_works_inside_the_group(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss")
    await boss.say("/start")
    await boss.say("/groups new Partners")
    code = invite_code(await boss.say("/invite extranet Partners"))
    guest = ConsoleDriver(sqlite_app, user="Guest")
    await guest.say(f"/start {code}")
    await boss.say("/task Call the bank")
    out = await boss.say("/task Sign the contract @Guest")
    assert "Guest is an extranet member: give the task a group they belong to." in out
    out = await boss.say("/task Sign the contract @Guest #Partners")
    assert "Task #2 created." in out
    out = await guest.say("/tasks")
    assert "Sign the contract" in out and "Call the bank" not in out
    out = await guest.say("/task 1")
    assert "Not found, or you have no access to it." in out
    out = await guest.say("/task Review terms")  # their only group: taken without asking
    assert "Task #3 created." in out and "Group: Partners" in out, out
    # a subtask belongs to its parent's group: the guest needs no #group for it
    out = await guest.say("/task 2 sub Collect prices")
    assert "Collect prices" in out and "create tasks inside your group" not in out
    out = await guest.say("/task 4")
    assert "Group: Partners" in out
    # but not under a task outside their groups
    out = await guest.say("/task 1 sub Peek")
    assert "Not found, or you have no access to it." in out
    # the card names only people they may see: someone outside the group is counted
    frank = ConsoleDriver(sqlite_app, user="Frank")
    await frank.say(f"/start {invite_code(await boss.say('/invite'))}")
    await boss.say("/task 2 watch @Frank")
    out = await guest.say("/task 2")
    assert "Observers: 1 more" in out and "Frank" not in out, out
    await boss.say("/groups add Partners @Frank")
    out = await guest.say("/task 2")
    assert "Observers: Frank" in out, out


async def test_group_chat_bound_to_a_workgroup(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss")
    await boss.say("/start")
    await boss.say("/groups new Sales")
    ws = sqlite_app.workspace
    chat = ChatRef(platform="console", chat_id="room-1", private=False)
    sender = Sender(external_id="boss", name="Boss")

    async def say(command: str, args: str = "") -> str:
        views = await ws.handle(
            Incoming(chat=chat, sender=sender, kind="command", command=command, args=args)
        )
        return "\n".join(to_plain(v.body) for v in views)

    await say("bind", "Sales")
    out = await say("task", "Call the client tomorrow 11:00")
    assert "Group: Sales" in out
    out = await say("tasks")
    assert "Tasks of Sales (1)" in out
    out = await boss.say("/tasks")  # in private: the person's own list
    assert "Tasks — I do (1)" in out


async def test_long_checklist_pages(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss")
    await boss.say("/start")
    await boss.say("/task Pack the boxes tomorrow")
    items = "; ".join(f"Box {i:02}" for i in range(25))
    out = await boss.say(f"/task 1 check {items}")
    assert "Checklist of #1: 0 of 25 done" in out
    assert "Box 09" in out and "Box 10" not in out and "1/3" in out
    await boss.press("Next »")
    out = await boss.press("Next »")
    assert "Box 24" in out and "3/3" in out
    out = await boss.press("Box 24")
    assert "Checklist of #1: 1 of 25 done" in out and "☑ Box 24" in out and "3/3" in out


async def test_title_roles_and_delete_by_command(sqlite_app: App) -> None:
    boss, anna = await team(sqlite_app, "en", "Boss", "Anna")
    await team_member(sqlite_app, boss, "Petr")
    await boss.say("/task Draft the plan tomorrow")
    out = await boss.say("/task 1 title Draft the launch plan")
    assert "#1 Draft the launch plan" in out
    out = await boss.say("/task 1 add @Anna")
    assert "Anna is now a co-executor." in out and "Co-executors: Anna" in out
    out = await boss.say("/task 1 watch @Petr")
    assert "Petr now observes the task." in out and "Observers: Petr" in out
    out = await anna.say("/tasks help")
    assert "Boss added you as a co-executor." in out and "Tasks — I help (1)" in out
    out = await anna.say("/task 1 delete")
    assert "Only the task's creator may delete it." in out, out
    await boss.say("/task 1 sub Book the venue")
    out = await boss.say("/task 1 delete")
    assert "Delete #1 Draft the launch plan? This cannot be undone." in out, out
    assert "Its 1 open subtask stays, without a parent." in out, out
    out = await boss.press("Keep it")
    assert "#1 Draft the launch plan" in out, out
    await boss.say("/task 1 delete")
    out = await boss.press("Yes, delete it")
    assert "Task #1 deleted." in out
    out = await anna.say("/task 1")
    assert "Boss deleted the task Draft the launch plan." in out
    assert "Not found, or you have no access to it." in out


async def test_a_deleted_tasks_number_and_buttons_never_pass_to_a_new_task(
    sqlite_app: App,
) -> None:
    """SQLite gave the id of a deleted newest row to the next one: the next task was #1
    again, and the old task's buttons acted on it."""
    boss, anna = await team(sqlite_app, "en", "Boss", "Anna")
    await boss.say("/task Pay the invoice @Anna")
    out = await anna.say("/cancel")
    assert "Boss gave you a task." in out and "Pay the invoice" in out
    (old_open,) = (n for n, label in anna.buttons().items() if label == "Open")
    await boss.say("/task 1 delete")
    assert "Task #1 deleted." in await boss.press("Yes, delete it")
    out = await boss.say("/task Call the bank @Anna")
    assert "Task #2 created." in out and "#2 Call the bank" in out
    out = await anna.say(str(old_open))  # Open on the old message about task #1
    assert "Not found, or you have no access to it." in out, out
    assert "Call the bank" not in out.split("🔔")[0], out


async def team_member(app: App, lead: ConsoleDriver, name: str) -> ConsoleDriver:
    code = invite_code(await lead.say("/invite"))
    person = ConsoleDriver(app, user=name)
    await person.say(f"/start {code}")
    return person


async def test_a_deadline_typed_for_a_recent_day_is_overdue_not_next_year(sqlite_app: App) -> None:
    from datetime import UTC, datetime, timedelta

    import pytest

    today = datetime.now(UTC).date()
    past = today - timedelta(days=3)
    if past.year != today.year:
        pytest.skip("the first days of a year: three days ago was last year")
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone="UTC")
    await boss.say("/start")
    out = await boss.say(f"/task Call Sidorov {past:%d.%m} 15:00")
    assert f"{past.day} " in out and str(today.year + 1) not in out
    assert "overdue" in out


def _zone_at(hour: int) -> str:
    """A fixed-offset zone where the local hour is about `hour` now."""
    from datetime import UTC, datetime

    offset = hour - datetime.now(UTC).hour  # -23..23; every hour has a zone in -12..14
    offset = offset - 24 if offset > 14 else offset + 24 if offset < -12 else offset
    if offset == 0:
        return "UTC"
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"  # POSIX signs


async def test_today_18_is_offered_only_before_18(sqlite_app: App) -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    evening, morning = _zone_at(20), _zone_at(10)
    late = ConsoleDriver(sqlite_app, user="Kenji", lang="en", timezone=evening)
    await late.say("/start")
    assert datetime.now(UTC).astimezone(ZoneInfo(evening)).hour in (20, 21)
    out = await late.say("/task Write spec")
    assert "Today 18:00" not in out and "Tomorrow" in out
    early = ConsoleDriver(sqlite_app, user="Olga", lang="en", timezone=morning)
    await early.say("/start")
    out = await early.say("/task Write spec")
    assert "Today 18:00" in out
    # an old "Today 18:00" button pressed in the evening
    views = await sqlite_app.workspace.handle(
        Incoming(
            chat=ChatRef(platform="console", chat_id="kenji", private=True),
            sender=Sender(external_id="kenji", name="Kenji"),
            kind="action",
            action="t:dq:1:td",
        )
    )
    text = to_plain(views[0].body)
    assert "It is past 18:00 today. Choose Tomorrow or type a date." in text
    assert "overdue" not in text


async def test_time_written_without_spaces(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/task Write spec tomorrow 15:00")
    out = await boss.say("/task 1 time 2h30m")
    assert "2 h 30 min" in out
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru")
    await olga.say("/start")
    await olga.say("/task Написать ТЗ завтра 15:00")
    out = await olga.say("/task 2 время 1ч15м")
    assert "1 ч 15 мин" in out
    # minutes without their unit after the hours are minutes, not a lost number
    out = await boss.say("/task 1 time 1h45")
    assert "1 h 45 min" in out, out
    out = await boss.say("/task 1 time 2h 15 fixing bugs")
    assert "2 h 15 min" in out, out
    out = await boss.say("/task 1 time 1h 2 bugs fixed")
    assert "Logged 1 h" in out and "45" not in out.split("Logged")[1].splitlines()[0], out


async def test_status_verbs_and_filters_in_russian(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru")
    await olga.say("/start")
    await olga.say("/task Написать ТЗ завтра 15:00")
    out = await olga.say("/task 1 начать")
    assert "Статус: ▶️ в работе" in out
    out = await olga.say("/task 1 завершить")
    assert "Статус: ✅ завершена" in out
    out = await olga.say("/tasks поручила")
    assert "Задачи — Поручил" in out


async def test_i_assigned_lists_tasks_given_to_others_not_my_own(sqlite_app: App) -> None:
    """As in Bitrix24: "I created" ("Поручил") is what I set for someone else; a task I
    gave myself is under "I do" alone."""
    boss = ConsoleDriver(sqlite_app, user="Иван", lang="ru")
    await boss.say("/start")
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say(f"/start {invite_code(await boss.say('/invite'))}")
    await boss.say("/task Проверить договор")
    await boss.say("/task Подготовить счёт @Anna")
    out = await boss.say("/tasks поручил")
    assert "Задачи — Поручил (1)" in out and "Подготовить счёт" in out, out
    assert "Проверить договор" not in out, out
    out = await boss.say("/tasks делаю")
    assert "Задачи — Делаю (1)" in out and "Проверить договор" in out, out
    assert "Подготовить счёт" not in out, out
    await anna.say("/task Write the report")
    await anna.say("/task Review the report @Иван")
    out = await anna.say("/tasks created")
    assert "Tasks — I created (1)" in out and "Review the report" in out, out
    assert "Write the report" not in out, out
    # handed back to its creator, it is his to do, no longer one he assigned
    await anna.say("/task 2 delegate @Иван")
    out = (await boss.say("/tasks поручил")).split("🔔")[0]  # the list, not his news
    assert "Задачи — Поручил (0)" in out and "Подготовить счёт" not in out, out


async def test_spoken_deadlines_leave_a_clean_title(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="UTC")
    await olga.say("/start")
    out = await olga.say("/task Позвонить Петрову завтра в 9 утра")
    assert "#1 Позвонить Петрову\n" in out and "Крайний срок: завтра 09:00" in out
    out = await olga.say("/task Отправить отчёт завтра в 7 вечера")
    assert "#2 Отправить отчёт\n" in out and "Крайний срок: завтра 19:00" in out
    out = await olga.say("/task Позвонить Ли завтра вечером")
    assert "#3 Позвонить Ли\n" in out and "Крайний срок: завтра 19:00" in out
    kim = ConsoleDriver(sqlite_app, user="Kim", lang="en", timezone="UTC")
    await kim.say("/start")
    out = await kim.say("/task Ship the release tomorrow at 9")
    assert "#4 Ship the release\n" in out and "Deadline: tomorrow 09:00" in out


async def test_this_evening_is_the_same_hour_in_both_languages(sqlite_app: App) -> None:
    kim = ConsoleDriver(sqlite_app, user="Kim", lang="en")
    await kim.say("/start")
    out = await kim.say("/task Call Lee this evening")
    assert "#1 Call Lee\n" in out and "Deadline: today 19:00" in out, out
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru")
    await olga.say("/start")
    out = await olga.say("/task Позвонить Ли сегодня вечером")
    assert "#2 Позвонить Ли\n" in out and "Крайний срок: сегодня 19:00" in out, out


async def test_a_task_with_many_subtasks_pages_them(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/task Launch the site tomorrow 15:00")
    for n in range(1, 13):
        await boss.say(f"/task 1 sub Step {n:02d}")
    await boss.say("/task 1")
    out = await boss.press("Subtasks")
    assert "Subtasks of #1 (12)" in out and "1/2" in out and "Step 01" in out
    out = await boss.press("Next")
    assert "2/2" in out and "Step 12" in out and "Step 01" not in out


async def test_time_on_tasks_pages_past_twenty(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    for n in range(1, 24):
        await boss.say(f"/task Job {n:02d} tomorrow 15:00")
        await boss.say(f"/task {n} time {n}m")
    out = await boss.say("/tasks time")
    assert "1/2" in out and out.count("• #") == 20
    out = await boss.press("Next")
    assert "2/2" in out and out.count("• #") == 3


async def test_repeat_said_in_two_words(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru")
    await olga.say("/start")
    await olga.say("/task Проверить почту завтра 10:00")
    out = await olga.say("/task 1 repeat каждый день")
    assert "#1 повторяется ежедневно" in out, out


async def test_a_huge_number_is_not_found_not_a_crash(app: App) -> None:
    boss = ConsoleDriver(app, user="Boss", lang="en")
    await boss.say("/start")
    for command in (
        "/task 99999999999999999999999",
        "/task 3000000000",
        "/lead 99999999999999999999",
    ):
        out = await boss.say(command)
        assert "Not found, or you have no access to it." in out, (command, out)
        assert "Something went wrong" not in out


async def test_a_weekday_and_an_hour_said_in_russian(sqlite_app: App) -> None:
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    out = await olga.say("/task Созвон с клиентом в понедельник в 10 утра")
    assert "#1 Созвон с клиентом\n" in out and "просрочена" not in out
    local = datetime.now(UTC).astimezone(ZoneInfo("Europe/Moscow"))
    monday = local.date() + timedelta(days=(0 - local.weekday()) % 7 or 7)
    if local.weekday() == 0 and local.hour < 10:
        monday = local.date()
    assert "10:00" in out and (str(monday.day) in out or "завтра" in out or "сегодня" in out)


async def test_plan_commands_without_a_column_ask_which(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    out = await boss.say("/plan rename")
    assert "Which column? For example: /plan rename 2 Next week" in out
    out = await boss.say("/plan delete")
    assert "Which column? For example: /plan delete 2" in out


async def test_an_hour_after_a_weekday_stays_the_afternoon(sqlite_app: App) -> None:
    kim = ConsoleDriver(sqlite_app, user="Kim", lang="en", timezone="UTC")
    await kim.say("/start")
    out = await kim.say("/task Call the client on monday at 3")
    assert "15:00" in out and "03:00" not in out and "overdue" not in out
    out = await kim.say("/task Report by the end of the week")
    assert "18:00" in out or "23:59" in out


async def test_us_style_dates_for_an_english_user(sqlite_app: App) -> None:
    from datetime import UTC, datetime

    kate = ConsoleDriver(sqlite_app, user="Kate", lang="en", timezone="America/New_York")
    await kate.say("/start")
    year = datetime.now(UTC).year
    out = await kate.say("/task Call Bob 12/15")
    assert "15 Dec" in out and str(year + 89) not in out and "2115" not in out, out
    out = await kate.say("/task Call Bob December 15th at 2:30pm")
    assert "#2 Call Bob\n" in out and "15 Dec" in out and "14:30" in out, out


async def test_repeat_rules_said_with_an_hour_and_a_weekday_name(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/task Water the plants tomorrow 10:00")
    out = await boss.say("/task 1 repeat daily at 5pm")
    assert "#1 repeats daily" in out and "17:00" in out, out
    out = await boss.say("/task 1 repeat every friday at 9am")
    assert "#1 repeats every week on Fri;" in out and "09:00" in out, out
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru")
    await olga.say("/start")
    await olga.say("/task Отчёт завтра 10:00")
    out = await olga.say("/task 2 repeat по пятницам в 6 вечера")
    assert "#2 повторяется каждую неделю: пт;" in out and "18:00" in out, out
    out = await olga.say("/task 2 repeat каждый понедельник в 10")
    assert "пн" in out and "10:00" in out and "09:00" not in out, out  # the hour said
    out = await olga.say("/task 2 repeat по будням в 10")
    assert "#2 повторяется по будням;" in out, out
    # the hour said; the next copy may be made an hour ahead, when the working day starts
    assert "🔁 Повторяется по будням в 10:00;" in await olga.say("/task 2"), olga.last
    out = await boss.say("/task 1 repeat every weekday at 9am")
    assert "#1 repeats on workdays;" in out and "09:00" in out, out
    out = await boss.say("/task 1 repeat every other friday at 4pm")
    assert "#1 repeats every 2 weeks" in out and "Fri" in out and "16:00" in out, out
    out = await olga.say("/task 2 repeat раз в две недели по пятницам в 16")
    assert "#2 повторяется раз в 2 недели" in out and "16:00" in out, out


async def test_a_project_keeps_its_deadline_and_a_date_alone_ends_the_working_day(
    sqlite_app: App,
) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone="Europe/Berlin")
    await boss.say("/start")
    await boss.say("/groups new Website")
    # dates weeks ahead, said without a year: shown with their day, not "tomorrow"
    day = datetime.now(ZoneInfo("Europe/Berlin")).date() + timedelta(days=20)
    out = await boss.say(f"/groups project Website {day:%d.%m}")
    assert "Deadline: " in out and f"{day.day} {day:%b}" in out and "18:00" in out, out
    out = await boss.say("/groups project Website")  # again, no date: the deadline stays
    assert f"{day.day} {day:%b}" in out and "18:00" in out, out
    out = await boss.say("/groups project Website none")
    assert "Deadline: no deadline" in out, out
    later = day + timedelta(days=1)
    out = await boss.say(f"/groups project Website {later:%m/%d} 10:00")
    assert f"{later.day} {later:%b}" in out and "10:00" in out, out


async def test_a_deadline_after_the_projects_or_the_parents_is_kept_with_a_warning(
    sqlite_app: App,
) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone="Europe/Berlin")
    await boss.say("/start")
    await boss.say("/groups new Website")
    await boss.say("/groups project Website 11.12.2030")
    out = await boss.say("/task Post-launch polish 20.12.2030 #Website")
    assert "Task #1 created." in out, out
    assert "after the deadline of the project Website (" in out and "11 Dec" in out, out
    out = await boss.say("/task Launch 10.12.2030 12:00 #Website")
    assert "Task #2 created." in out and "after the deadline" not in out, out
    out = await boss.say("/task 2 sub Deploy to prod 15.12.2030")
    assert "Task #3 created." in out, out
    assert "after the deadline of its parent task #2 (" in out and "10 Dec" in out, out
    out = await boss.say("/task 2 deadline 13.12.2030")
    assert "after the deadline of the project Website (" in out, out
    out = await boss.say("/task 2 deadline 9.12.2030")
    assert "after the deadline" not in out, out
    # the project moved earlier: its open tasks now due after it are counted
    out = await boss.say("/groups project Website 4.12.2030")
    assert "3 open tasks of the project are due after this deadline (" in out, out
    await boss.say("/task 1 complete")
    out = await boss.say("/groups project Website 4.12.2030")
    assert "2 open tasks of the project" in out, out
    async with sqlite_app.workspace.sessionmaker() as s:  # every deadline was kept
        deadlines = {t.title: t.deadline for t in (await s.execute(select(tasks.Task))).scalars()}
    assert deadlines["Post-launch polish"] is not None
    assert deadlines["Deploy to prod"] is not None and deadlines["Deploy to prod"].day == 15
    await boss.say("/me lang ru")
    out = await boss.say("/groups project Website 4.12.2030")
    assert "У 2 открытых задач проекта срок позже этого (" in out, out


def a_day_of_month_past() -> tuple[int, datetime]:
    """A day of the month that has passed this month (yesterday's; on the 1st there is
    none, the test is then weaker), and the UTC midnight of its coming date."""
    today = datetime.now(UTC).date()
    day = (today - timedelta(days=1)).day
    year, month = today.year, today.month
    while True:  # the next month that has that day, from today on
        try:
            coming = datetime(year, month, day, tzinfo=UTC)
        except ValueError:
            coming = None
        if coming is not None and coming.date() >= today:
            return day, coming
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


async def test_a_day_of_the_month_that_has_passed_is_next_months(sqlite_app: App) -> None:
    day, coming = a_day_of_month_past()
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone="UTC")
    await boss.say("/start")
    await boss.say(f"/task Monthly review on the {day}th at 15:00")
    await boss.say(f"/task Plan {day}th 3pm")
    await boss.say("/me lang ru")
    await boss.say(f"/task Обзор {day}-го в 15:00")
    await boss.say(f"/task Отчёт {day} числа в 15:00")
    await boss.say(f"/task Сверка к {day} числу")
    async with sqlite_app.workspace.sessionmaker() as s:
        found = {t.title: t.deadline for t in (await s.execute(select(tasks.Task))).scalars()}
    at_three = coming + timedelta(hours=15)
    assert found == {
        "Monthly review": at_three,
        "Plan": at_three,
        "Обзор": at_three,
        "Отчёт": at_three,
        "Сверка": coming + timedelta(hours=18),
    }, found


async def test_a_bare_day_is_due_at_the_end_of_the_persons_own_working_day(
    sqlite_app: App,
) -> None:
    """Boss works 08:00-16:30: "next monday" and "послезавтра" without a time are due at
    16:30, in the command and in the form; with no schedule of his, 18:00 as before."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone="Europe/Moscow")
    await boss.say("/start")
    out = await boss.say("/task Send the invoice next monday")
    assert "Mon" in out and "18:00" in out, out
    await boss.say("/day schedule mon-sun 08:00-16:30 lunch 30")
    out = await boss.say("/task Pay the rent next monday")
    assert "Mon" in out and "16:30" in out and "18:00" not in out, out
    await boss.say("/task Prepare the contract")
    await boss.press("Other date")
    out = await boss.say("послезавтра")
    assert "Deadline: " in out and "16:30" in out, out
    from models.tasks import Task

    async with sqlite_app.workspace.sessionmaker() as session:
        found = list(await session.scalars(select(Task).order_by(Task.id)))
    moscow = ZoneInfo("Europe/Moscow")
    ends = [
        (t.deadline.astimezone(moscow).hour, t.deadline.astimezone(moscow).minute) for t in found
    ]
    assert ends == [(18, 0), (16, 30), (16, 30)], ends


async def test_quick_deadlines_are_at_the_end_of_the_persons_working_day(
    sqlite_app: App,
) -> None:
    """Olga works 08:00-16:30: Today, Tomorrow and End of week (under a new card and in
    the deadline question) are due at 16:30 her time; Today is offered while her day
    lasts, and an old Today pressed after it is refused with her hour."""
    morning, evening = _zone_at(10), _zone_at(17)
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="en", timezone=morning)
    await olga.say("/start")
    await olga.say("/day schedule mon-sun 08:00-16:30 lunch 30")
    out = await olga.say("/task Call the bank")
    assert "Today 16:30" in out and "18:00" not in out, out
    out = await olga.press("Tomorrow")
    assert "Deadline: tomorrow 16:30" in out, out
    await olga.say("/task Pay the rent")
    await olga.press("Other date")
    await olga.press("End of week")
    await olga.say("/task Order paper")
    out = await olga.press("Today 16:30")
    assert "Deadline: today 16:30" in out, out
    kenji = ConsoleDriver(sqlite_app, user="Kenji", lang="en", timezone=evening)
    await kenji.say(f"/start {invite_code(await olga.say('/invite'))}")
    await kenji.say("/day schedule mon-sun 08:00-16:30 lunch 30")
    out = await kenji.say("/task Write spec")
    assert "Today" not in out and "Tomorrow" in out, out
    views = await sqlite_app.workspace.handle(
        Incoming(
            chat=ChatRef(platform="console", chat_id="kenji", private=True),
            sender=Sender(external_id="kenji", name="Kenji"),
            kind="action",
            action="t:dq:4:td",
        )
    )
    assert "It is past 16:30 today." in to_plain(views[0].body)
    from models.tasks import Task

    async with sqlite_app.workspace.sessionmaker() as session:
        found = list(await session.scalars(select(Task).order_by(Task.id)))
    local = [t.deadline.astimezone(ZoneInfo(morning)) for t in found if t.deadline]
    assert [(d.hour, d.minute) for d in local] == [(16, 30)] * 3, local
    assert local[1].weekday() == 4, local  # End of week: Friday


async def test_today_in_the_small_hours_of_a_night_shift_ends_this_morning(
    sqlite_app: App,
) -> None:
    """Oleg works 22:00-06:00 every night: at about 03:00 his Today is the shift that
    began last evening, due at 06:00 this morning, and Tomorrow the next morning's."""
    from datetime import UTC, datetime, timedelta

    small_hours = _zone_at(3)
    oleg = ConsoleDriver(sqlite_app, user="Oleg", lang="en", timezone=small_hours)
    await oleg.say("/start")
    await oleg.say("/day schedule mon-sun 22:00-06:00")
    out = await oleg.say("/task Fix the pump")
    assert "Today 06:00" in out, out
    out = await oleg.press("Today 06:00")
    assert "Deadline: today 06:00" in out, out
    await oleg.say("/task Oil the pump")
    out = await oleg.press("Tomorrow")
    assert "Deadline: tomorrow 06:00" in out, out
    from models.tasks import Task

    async with sqlite_app.workspace.sessionmaker() as session:
        found = list(await session.scalars(select(Task).order_by(Task.id)))
    now = datetime.now(UTC)
    ahead = [t.deadline - now for t in found if t.deadline]
    assert timedelta(0) < ahead[0] <= timedelta(hours=3), ahead
    assert ahead[1] - ahead[0] == timedelta(days=1), ahead


async def test_today_typed_in_the_small_hours_of_a_night_shift_ends_this_morning(
    sqlite_app: App,
) -> None:
    """Typed as the buttons read it: at about 03:00 of a 22:00-06:00 shift "today" is
    the running shift, due at 06:00 this morning, and "завтра" the next one."""
    oleg = ConsoleDriver(sqlite_app, user="Oleg", lang="en", timezone=_zone_at(3))
    await oleg.say("/start")
    await oleg.say("/day schedule mon-sun 22:00-06:00")
    out = await oleg.say("/task Fix the pump today")
    assert "Deadline: today 06:00" in out, out
    out = await oleg.say("/task Oil the pump завтра")
    assert "Deadline: tomorrow 06:00" in out, out


async def test_an_event_on_a_bare_date_asks_for_the_time(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    out = await boss.say("/event Party 31.12")
    assert "At what time?" in out, out
    out = await boss.say("/event Party 31.12 19:00")
    assert "31 Dec" in out and "19:00" in out, out


async def test_a_group_name_of_several_words_after_a_hash(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/groups new Acme Website")
    await boss.say("/groups new Acme Mobile")
    out = await boss.say("/task Fix header #Acme Website tomorrow")
    assert "#1 Fix header\n" in out and "Group: Acme Website" in out, out
    out = await boss.say("/task Fix menu #acme mobile")
    assert "#2 Fix menu\n" in out and "Group: Acme Mobile" in out, out
    out = await boss.say("/task Fix logo #Acme")
    assert "Several groups match: Acme Mobile, Acme Website." in out, out
    out = await boss.say("/task Fix it tomorrow #Nowhere")
    assert "There is no group called “Nowhere”." in out, out
    assert "Which group is it for?" in out  # the line is kept for the answer
    out = await boss.say("#Acme Mobile")
    assert "#3 Fix it\n" in out and "Group: Acme Mobile" in out and "tomorrow" in out, out
    await boss.say("/task Fix that #Nowhere")
    out = await boss.press("Without a group")
    assert "#4 Fix that\n" in out and "Group:" not in out, out


async def test_the_card_offers_deadline_and_delegate_only_to_who_may_use_them(
    sqlite_app: App,
) -> None:
    boss, anna = await team(sqlite_app, "en", "Boss", "Anna")
    await boss.say("/task Prepare the offer tomorrow 15:00 @Anna")
    out = await boss.say("/task 1")
    assert "Deadline" in boss.buttons().values() and "Delegate" in boss.buttons().values()
    out = await anna.say("/task 1")
    labels = set(anna.buttons().values())
    assert "Delegate" in labels and "Deadline" in labels, out  # the responsible
    await boss.say("/task 1")
    await boss.press("More")
    out = await boss.press("Deadline rights on/off")
    assert "The responsible may change the deadline: no" in out, out
    out = await anna.say("/task 1")
    labels = set(anna.buttons().values())
    assert "Delegate" in labels and "Deadline" not in labels, out
    await boss.say("/task 1")
    await boss.press("More")
    await boss.press("Add observer")
    out = await boss.say("Anna")
    assert "Anna is already responsible for this task." in out, out
    await boss.say("/task Check the offer tomorrow 16:00")
    await boss.say("/task 2")
    await boss.press("More")
    await boss.press("Add observer")
    out = await boss.say("Anna")
    assert "Anna" in out, out
    out = await anna.say("/task 2")
    labels = set(anna.buttons().values())
    assert "Check the offer" in out and "More" in labels, out
    assert "Delegate" not in labels and "Deadline" not in labels, out  # an observer


async def test_an_hour_said_after_a_date_or_with_chasa(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="Asia/Yekaterinburg")
    await olga.say("/start")
    out = await olga.say("/task Позвонить 15 декабря в 10")
    assert "#1 Позвонить\n" in out and "15 дек" in out and "10:00" in out, out
    assert "2110" not in out
    out = await olga.say("/task Отправить счёт в 3 часа дня")
    assert "#2 Отправить счёт\n" in out and "15:00" in out, out
    out = await olga.say("/event Встреча 15 декабря в 10")
    assert "15 дек" in out and "10:00–11:00" in out and "2110" not in out, out


async def test_numbers_of_a_title_stay_in_it(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone="America/New_York")
    await boss.say("/start")
    out = await boss.say("/task Review PR 42 next friday 5pm")
    assert "#1 Review PR 42\n" in out and "17:00" in out and "2042" not in out, out
    out = await boss.say("/task Call Bob re invoice 4521 by Dec 5")
    assert "#2 Call Bob re invoice 4521\n" in out and "5 Dec" in out, out
    assert "4521 " not in out.split("Deadline:")[1].splitlines()[0], out
    out = await boss.say("/task Order 24/7 support plan")
    assert "#3 Order 24/7 support plan\n" in out and "Deadline: no deadline" in out, out


async def test_a_new_deadline_said_with_do(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    await olga.say("/task Подготовить договор завтра 15:00")
    out = await olga.say("/task 1 deadline до 10 декабря 12:00")
    assert "10 дек" in out and "12:00" in out and "Не понял" not in out, out
    out = await olga.say("/task 1 deadline by Dec 11 3pm")
    assert "11 дек" in out and "15:00" in out, out


async def test_groups_by_name_and_zones_by_city(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/groups new Acme Website")
    out = await boss.say("/groups Acme Website")
    assert "Acme Website — group, open" in out, out
    out = await boss.say("/groups joi Acme")
    assert "Unknown action joi." in out, out
    out = await boss.say("/me tz new york")
    assert "America/New_York" in out, out
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru")
    await olga.say("/start")
    out = await olga.say("/me tz Екатеринбург")
    assert "Часовой пояс: Asia/Yekaterinburg" in out, out


async def test_end_words_and_a_date_that_starts_the_line(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone="America/New_York")
    await boss.say("/start")
    out = await boss.say("/task Send the report by EOD")
    assert "#1 Send the report\n" in out and "Deadline: today" in out, out
    out = await boss.say("/task Clean the garage this weekend")
    assert "#2 Clean the garage\n" in out and "Deadline: no deadline" not in out, out
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    out = await olga.say("/task Завтра позвонить Ивану")
    assert "#3 Позвонить Ивану\n" in out and "завтра 18:00" in out, out


async def test_completing_a_task_with_open_subtasks_asks_first(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone="Europe/Berlin")
    await boss.say("/start")
    await boss.say("/task Launch the site")
    await boss.say("/task 1 sub Write the copy")
    await boss.say("/task 1 sub Deploy")
    out = await boss.say("/task 2 done")
    assert "Status: ✅" in out, out
    out = await boss.say("/task 1")
    assert "Subtasks: 1 of 2 done" in out, out
    out = await boss.press("Complete")
    assert "#1 has 1 open subtask: #3 Deploy.\nComplete it anyway?" in out, out
    out = await boss.say("/task 1")
    assert "Status: ⚪" in out, out  # asking changed nothing
    await boss.press("Complete")
    out = await boss.press("Complete anyway")
    assert "#1 Launch the site" in out and "Status: ✅" in out, out
    await boss.say("/task 3 finish")
    out = await boss.say("/task 1")
    assert "Subtasks: 2 of 2 done" in out, out


async def test_completing_with_an_open_checklist_or_predecessor_asks_first(
    sqlite_app: App,
) -> None:
    """Unchecked checklist items and an open task this one waits on are named before it
    is completed; Cancel changes nothing; with nothing open, Complete is one press."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone="Europe/Berlin")
    await boss.say("/start")
    await boss.say("/task API: auth endpoints")
    await boss.say("/task Login form")
    await boss.say("/task 2 after 1")
    await boss.say("/task 2 check Fields; Errors; Styles; Tests")
    out = await boss.say("/task 2 complete")
    assert (
        "4 checklist items of 4 are not checked.\n"
        "#2 starts after 1 task that is still open: #1 API: auth endpoints.\n"
        "Complete it anyway?"
    ) in out, out
    out = await boss.press("Cancel")
    assert "#2 Login form" in out and "Status: ⚪" in out, out
    await boss.say("/task 2 complete")
    out = await boss.press("Complete anyway")
    assert "#2 Login form" in out and "Status: ✅" in out, out
    out = await boss.say("/task 1 complete")  # nothing open in it or before it
    assert "#1 API: auth endpoints" in out and "Status: ✅" in out, out
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    await olga.say("/task Отчёт")
    await olga.say("/task Сверка")
    await olga.say("/task 4 после 3")
    await olga.say("/task 4 check Цифры")
    out = await olga.say("/task 4 завершить")
    assert (
        "Не отмечен 1 пункт чек-листа из 1.\n"
        "#4 начинается после 1 задачи, которая ещё не завершена: #3 Отчёт.\n"
        "Всё равно завершить?"
    ) in out, out


async def test_checklist_items_one_per_line_with_list_marks(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone="Europe/Berlin")
    await boss.say("/start")
    await boss.say("/task Shopping")
    out = await boss.say("/task 1 check\n- milk\n- bread; eggs\n1. butter")
    assert "0 of 4 done" in out and "☐ milk" in out and "☐ butter" in out, out
    assert "- milk" not in out and "1. butter" not in out, out
    await boss.press("Add item")
    out = await boss.say("[ ] jam\n• tea")
    assert "0 of 6 done" in out and "☐ jam" in out and "☐ tea" in out, out


async def test_a_dependency_keeps_the_deadline_and_offers_to_move_it(sqlite_app: App) -> None:
    """A deadline before the predecessor's stays until the person says: Move puts it on
    the working day after, at its own time of day, and its people are told; Keep keeps."""
    from datetime import date, timedelta

    boss, anna = await team(sqlite_app, "en", "Boss", "Anna")
    later = (date.today() + timedelta(days=10)).strftime("%d.%m.%Y")
    sooner = (date.today() + timedelta(days=2)).strftime("%d.%m.%Y")
    await boss.say(f"/task Design {later} 17:00")
    await boss.say(f"/task Build {sooner} 12:00 @Anna")
    await boss.say(f"/task Test {sooner} 15:00")
    await anna.say("/tasks")  # read the assignment
    was = (await boss.say("/task 2")).split("Deadline: ")[1].splitlines()[0]
    out = await boss.say("/task 2 after 1")
    assert "#2 now starts after #1 is due (" in out, out
    assert f"but its deadline, {was}, comes before that. Move it to " in out, out
    assert out.split("Deadline: ")[1].splitlines()[0] == was, out  # not moved yet
    out = await anna.say("/tasks")
    assert "deadline" not in out, out  # nobody was told of a move that did not happen
    out = await boss.press("Move to")
    deadline = out.split("Deadline: ")[1].splitlines()[0]
    assert deadline != was and deadline.endswith("12:00"), deadline
    assert not deadline.startswith(("Sat", "Sun")), deadline
    out = await anna.say("/tasks")
    assert "Boss changed the deadline:" in out, out
    await boss.say("/task 3 after 1")
    out = await boss.press("Keep the deadline")
    assert "#3 Test" in out and "15:00" in out.split("Deadline: ")[1].splitlines()[0], out
    out = await boss.say("/task 1 after 2")
    assert "That would make a circle of dependencies." in out, out
    out = await boss.say("/task 2")
    assert "Starts after: #1 Design" in out, out
    out = await boss.say("/task 2 after 1 off")
    assert "#2 no longer waits for #1." in out and "Starts after" not in out, out
    out = await boss.say("/task 1 after 2")  # no circle now
    assert "#1 now starts after #2 is due" in out, out


async def test_who_may_complete_log_time_split_and_move_a_locked_deadline(
    sqlite_app: App,
) -> None:
    boss, anna = await team(sqlite_app, "en", "Boss", "Anna")
    code = invite_code(await boss.say("/invite"))
    petr = ConsoleDriver(sqlite_app, user="Petr", lang="en")
    await petr.say(f"/start {code}")
    await boss.say("/task Prepare the report tomorrow @Anna")
    await boss.say("/task 1 add @Petr")  # a co-executor
    out = await petr.say("/task 1")
    assert "Start" in out and "Complete" not in out, out
    out = await petr.say("/task 1 complete")
    assert "You have no right to do that." in out, out
    out = await petr.say("/task 1 time 1h")
    assert "Logged 1 h" in out, out  # a co-executor works on it

    olga = ConsoleDriver(sqlite_app, user="Olga", lang="en")
    await olga.say(f"/start {code}")
    await boss.say("/task 1 watch @Olga")  # an observer
    await boss.say("/task 1 check Collect the numbers")
    out = await olga.say("/task 1")
    assert "Log time" not in out and "Start timer" not in out, out
    out = await olga.press("Checklist")
    assert "☐ Collect the numbers" in out and "Add item" not in out and "✖" not in out, out
    out = await olga.say("/task 1 time 5h")
    assert "You have no right to do that." in out, out
    out = await olga.say("/task 1 sub Draw the charts")
    assert "You have no right to do that." in out, out

    # the creator locked the deadline: a dependency does not move it for Anna
    await boss.say("/task 1")
    await boss.press("More")
    out = await boss.press("Deadline rights")
    assert "The responsible may change the deadline: no" in out, out
    await anna.say("/task Private errand 31.12.2030 12:00")
    out = await anna.say("/task 1 after 2")
    assert "only the task's creator may move it" in out, out
    assert "2030" not in out.split("Deadline:")[1].splitlines()[0], out


async def test_a_repeat_said_in_the_task_line(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    out = await olga.say("/task Созвон с клиентом каждый понедельник в 10")
    assert "#1 Созвон с клиентом\n" in out and "#1 повторяется каждую неделю: пн;" in out, out
    # due at its first Monday, which Moscow may already be in, or be the eve of
    today = datetime.now(ZoneInfo("Europe/Moscow"))
    monday = {0: "сегодня" if today.hour < 10 else "пн", 6: "завтра"}.get(today.weekday(), "пн")
    assert f"Крайний срок: {monday} " in out and "10:00" in out, out
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    out = await boss.say("/task Review the weekly report tomorrow")
    assert "#2 Review the weekly report\n" in out and "repeats" not in out, out
    out = await boss.say("/task Water the plants every other friday at 4pm")
    assert "#3 Water the plants\n" in out and "#3 repeats every 2 weeks" in out, out
    out = await olga.say("/task Сверка раз в 3 недели по понедельникам")
    assert "#4 Сверка\n" in out and "#4 повторяется раз в 3 недели" in out, out
    out = await olga.say("/task Стендап по будням в 10")
    assert "#5 Стендап\n" in out and "#5 повторяется по будням;" in out, out
    out = await olga.say("/task 4 repeat раз в 5 недель по понедельникам")
    assert "#4 повторяется раз в 5 недель" in out, out
    out = await boss.say("/task Standup every weekday at 10")
    assert "#6 Standup\n" in out and "#6 repeats on workdays;" in out, out


async def test_the_creator_hears_who_the_task_was_handed_to(sqlite_app: App) -> None:
    boss, anna = await team(sqlite_app, "en", "Boss", "Anna")
    code = invite_code(await boss.say("/invite"))
    petr = ConsoleDriver(sqlite_app, user="Petr", lang="en")
    await petr.say(f"/start {code}")
    await boss.say("/task Prepare the contract tomorrow @Anna")
    await boss.say("/tasks")
    out = await anna.say("/task 1 delegate")
    assert "To whom?" in out and "anyone called" not in out, out  # asked
    await anna.say("/cancel")
    out = await anna.say("/task 1 delegate @Petr")
    assert "Petr is now responsible." in out, out
    out = await boss.say("/tasks")
    assert "Anna handed the task over to Petr." in out, out
    out = await petr.say("/tasks")
    assert "Anna handed you a task created by Boss." in out, out
    assert "gave you a task" not in out and "handed the task over" not in out, out


async def test_a_timer_left_running_for_days_asks_for_the_time(sqlite_app: App) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from models.base import utcnow
    from models.tasks import TaskTimer

    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/task Write the spec")
    out = await boss.press("Start timer")
    assert "Timer started." in out, out
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        await s.execute(update(TaskTimer).values(started_at=utcnow() - timedelta(days=3)))
    await boss.say("/task 1")
    out = await boss.press("Stop timer")
    assert "more than a day, so nothing was logged." in out and "72 h" not in out, out
    out = await boss.say("2h 30m")
    assert "Logged 2 h 30 min on #1." in out, out


async def test_a_completed_task_moves_to_the_done_column_of_my_plan(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru")
    await olga.say("/start")
    await olga.say("/task Позвонить Иванову")
    await olga.say("/task Отправить счёт")
    await olga.say("/plan")  # the plan is opened: its columns exist
    await olga.press("Новые")
    await olga.press("Позвонить Иванову")
    await olga.press("Сегодня")
    await olga.say("/task 1 завершить")
    await olga.say("/task 2 завершить")
    out = await olga.say("/plan")
    assert "Завершённые (2)" in out and "Сегодня (0)" in out and "Новые (0)" in out, out
    await olga.say("/task 1 возобновить")
    out = await olga.say("/plan")
    assert "Завершённые (1)" in out and "Новые (1)" in out, out  # open again: not done
    out = await olga.say("/task 1 repeat по вторникам, четвергам")
    assert "#1 повторяется каждую неделю: вт, чт;" in out, out
    out = await olga.say("/task Сверка по вторникам раз в 2 недели")
    assert "#3 Сверка\n" in out and "раз в 2 недели" in out and "вт " in out, out


async def test_a_task_completed_before_the_plan_was_first_opened_is_in_done(
    sqlite_app: App,
) -> None:
    """The columns are made on the first /plan: what was completed before is in Done,
    as /tasks done lists it, and leaves it when renewed."""
    anna, carl = await team(sqlite_app, "en", "Anna", "Carl")
    await anna.say("/task Login form tomorrow @Carl")
    await anna.say("/task Auth endpoints tomorrow @Carl")
    await carl.say("/task 1 complete")  # before Carl ever opened /plan
    out = await carl.say("/plan")
    assert "New (1)" in out and "Done (1)" in out, out
    out = await carl.press("Done (1)")
    assert "Login form" in out, out
    out = await carl.press("Login form")
    assert "Column: Done. Move to:" in out, out
    await anna.say("/task 2 complete")  # after: it joins the first one
    out = await carl.say("/plan")
    assert "New (0)" in out and "Done (2)" in out, out
    await carl.say("/task 1 renew")
    out = await carl.say("/plan")
    assert "New (1)" in out and "Done (1)" in out, out


async def test_a_non_member_of_an_open_group_is_offered_to_join_to_see_its_tasks(
    sqlite_app: App,
) -> None:
    boss, anna = await team(sqlite_app, "en", "Boss", "Anna")
    await boss.say("/groups new Sales")
    await boss.say("/task Call the client #Sales")
    out = await anna.say("/tasks #Sales")
    assert "join the group to see all of them" in out, out
    await anna.press("Join the group")
    out = await anna.say("/tasks #Sales")
    assert "Call the client" in out and "join the group" not in out, out


async def test_a_deadline_in_the_past_is_said(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    out = await boss.say("/task Pay the bill 01.01.2020 10:00")
    assert "Task #1 created. Its deadline has already passed." in out, out
    out = await boss.say("/task 1 deadline 02.01.2020 10:00")
    assert "This deadline has already passed." in out, out
    out = await boss.say("/task Pay the rent tomorrow")
    assert "already passed" not in out, out


async def test_time_on_tasks_of_someone_elsewhere_counts_their_day(sqlite_app: App) -> None:
    """A supervisor in Los Angeles asking for the time of someone in Vladivostok gets
    that person's today, as their timesheet counts it (the two days differ most hours)."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone="America/Los_Angeles")
    await boss.say("/start")
    code = invite_code(await boss.say("/invite"))
    ivan = ConsoleDriver(sqlite_app, user="Ivan", lang="en", timezone="Asia/Vladivostok")
    await ivan.say(f"/start {code}")
    await ivan.say("/task Port the parser")
    from models.tasks import TaskTimeEntry
    from models.teams import User

    def midnight(zone: str) -> datetime:
        local = datetime.now(ZoneInfo(zone)).replace(hour=0, minute=0, second=0, microsecond=0)
        return local.astimezone(UTC)

    ivan_day, boss_day = midnight("Asia/Vladivostok"), midnight("America/Los_Angeles")
    # a moment of Ivan's day that is not of the supervisor's
    moment = ivan_day if ivan_day < boss_day else ivan_day + timedelta(hours=23, minutes=59)
    async with sqlite_app.workspace.sessionmaker() as session, session.begin():
        ivan_id = await session.scalar(select(User.id).where(User.name == "Ivan"))
        assert ivan_id is not None
        session.add(TaskTimeEntry(task_id=1, user_id=ivan_id, started_at=moment, seconds=9000))
    out = await boss.say("/tasks time @Ivan")
    assert "Time on tasks, Ivan, today: 2 h 30 min" in out, out


async def test_a_workday_repeat_and_a_moscow_zone_said_in_russian(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="Asia/Yekaterinburg")
    await olga.say("/start")
    out = await olga.say("/me tz мск")
    assert "Часовой пояс: Europe/Moscow" in out, out
    await olga.say("/task Планёрка завтра")
    out = await olga.say("/task 1 repeat по будням в 10")
    assert "#1 повторяется по будням;" in out, out
    out = await olga.say("/task 1 repeat каждый пн и ср в 10")
    assert "#1 повторяется каждую неделю: пн, ср;" in out, out


async def test_a_task_over_a_span_of_days_is_due_on_its_last(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    out = await olga.say("/task Проверить счета с 1 по 15 декабря 2030")
    assert "#1 Проверить счета\n" in out and "Крайний срок: 15 дек. 2030 18:00" in out, out
    out = await olga.say("/task Отпуск с 1 по 15 декабря оформить до 20.11.2030")
    assert "#2 Отпуск с 1 по 15 декабря оформить\n" in out, out  # beside a date: the title's


async def test_co_executors_templates_and_adding_people_as_bitrix24_has_them(
    sqlite_app: App,
) -> None:
    maya = ConsoleDriver(sqlite_app, user="Maya", lang="en", timezone="Europe/London")
    await maya.say("/start")
    code = invite_code(await maya.say("/invite"))
    tom = ConsoleDriver(sqlite_app, user="Tom", lang="en", timezone="America/Chicago")
    await tom.say(f"/start {code}")
    ana = ConsoleDriver(sqlite_app, user="Ana", lang="en", timezone="Europe/Madrid")
    await ana.say(f"/start {code}")
    await maya.say("/task Design API tomorrow @Tom")
    # a bare "add" asks whom, instead of making the asker an observer
    out = await maya.say("/task 1 add")
    assert "now observes" not in out and "Whom?" in out, out
    out = await maya.say("@Ana")
    assert "Ana is now a co-executor." in out, out
    out = await ana.say("/inbox")
    assert "Maya added you as a co-executor." in out and "gave you a task" not in out, out
    # a co-executor is not offered what only the creator or the responsible may do
    await ana.say("/task 1")
    out = await ana.press("More")
    assert "Edit description" not in out and "Add observer" not in out and "Watch" in out, out
    out = await ana.press("Watch")
    assert "You work on this task already, as a co-executor." in out, out
    # a colleague's template is not overwritten
    await maya.say("/task 1 template Status")
    await tom.say("/task Fix my laptop")
    out = await tom.say("/task 2 template Status")
    assert "The template Status is a colleague's." in out, out
    out = await maya.say("/task from Status tomorrow")
    assert "Design API" in out and "Fix my laptop" not in out, out


async def test_observers_hear_that_a_task_waits_for_approval(sqlite_app: App) -> None:
    maya = ConsoleDriver(sqlite_app, user="Maya", lang="en")
    await maya.say("/start")
    code = invite_code(await maya.say("/invite"))
    tom = ConsoleDriver(sqlite_app, user="Tom", lang="en")
    await tom.say(f"/start {code}")
    kim = ConsoleDriver(sqlite_app, user="Kim", lang="en")
    await kim.say(f"/start {code}")
    await maya.say("/task Design API tomorrow @Tom")
    await maya.say("/task 1 watch @Kim")
    await maya.say("/task 1")
    await maya.press("More")
    await maya.press("Approval on/off")
    await tom.say("/task 1 complete")
    out = await kim.say("/inbox")
    assert "Tom completed the task; it waits for the creator's approval." in out, out
    out = await maya.say("/inbox")
    assert "asks you to accept it" in out and "waits for the creator's approval" not in out, out


async def test_timers_stop_when_the_task_is_handed_over_or_completed(sqlite_app: App) -> None:
    from sqlalchemy import update

    from models.base import utcnow
    from models.tasks import TaskTimeEntry, TaskTimer

    boss, anna = await team(sqlite_app, "en", "Boss", "Anna")
    petr = ConsoleDriver(sqlite_app, user="Petr", lang="ru")
    await petr.say(f"/start {invite_code(await boss.say('/invite'))}")
    await boss.say("/task Prepare the offer @Anna")
    await anna.say("/task 1")
    out = await anna.press("Start timer")
    assert "Timer started." in out, out

    async def ran_for(minutes: int) -> None:
        async with sqlite_app.workspace.sessionmaker() as s, s.begin():
            started = utcnow() - timedelta(minutes=minutes)
            await s.execute(update(TaskTimer).values(started_at=started))

    await ran_for(40)
    # the creator hands the task to Petr: Anna's clock stops, her 40 minutes are kept
    out = await boss.say("/task 1 delegate @Petr")
    assert "Petr is now responsible." in out and "Your timer" not in out, out
    out = await anna.say("/tasks time")
    assert "Your timer on this task stopped: 40 min logged." in out, out
    # the time counts on the day the timer started (the database check below counts
    # it whenever the suite runs; just after midnight in Moscow that day was yesterday)
    moscow = ZoneInfo("Europe/Moscow")
    if (utcnow() - timedelta(minutes=41)).astimezone(moscow).date() == utcnow().astimezone(
        moscow
    ).date():
        assert "Time on tasks, Anna, today: 40 min" in out, out
    out = await anna.say("/task 1")
    assert "Start timer" not in out and "Stop timer" not in out, out  # an observer now

    # Petr works on it and completes it: his own reply says what was logged
    await petr.say("/task 1")
    out = await petr.press("Запустить таймер")
    await ran_for(25)
    out = await petr.say("/task 1 завершить")
    assert "Ваш таймер по этой задаче остановлен: учтено 25 мин." in out, out
    async with sqlite_app.workspace.sessionmaker() as s:
        entries = (await s.execute(select(TaskTimeEntry))).scalars().all()
        timers = (await s.execute(select(TaskTimer))).scalars().all()
    assert sorted(e.seconds // 60 for e in entries) == [25, 40] and timers == []


async def test_the_new_task_form_asks_an_extranet_member_for_one_of_their_groups(
    sqlite_app: App,
) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss")
    await boss.say("/start")
    await boss.say("/groups new Partners")
    await boss.say("/groups new Mobile")
    await boss.say("/groups new Secret closed")
    guest = ConsoleDriver(sqlite_app, user="Guest")
    await guest.say(f"/start {invite_code(await boss.say('/invite extranet Partners'))}")
    await guest.say(f"/start {invite_code(await boss.say('/invite extranet Mobile'))}")
    out = await guest.say("/task")
    assert "Which group is the task for?" in out, out
    assert "Partners" in out and "Mobile" in out and "Secret" not in out, out
    assert "Without a group" not in out, out
    out = await guest.say("-")  # typed "no group": an outside member's task is a group's
    assert "Pick one of your groups: press it, or type its name." in out, out
    out = await guest.say("Secret")  # a group they are not in is none of theirs
    assert "Which group is the task for?" in out and "Secret" not in out.split("\n")[-1], out
    await guest.press("Partners")
    await guest.say("Fix header")
    await guest.press("Me")
    await guest.press("Tomorrow")
    out = await guest.press("Skip")
    assert "Task #1 created." in out and "Group: Partners" in out, out

    # a refusal when the form is sent ends it: it is said once, not at every message
    await guest.say("/task")
    await guest.press("Mobile")
    await guest.say("Test the app")
    out = await boss.say("/groups remove Mobile @Guest")
    assert "Guest" in out, out
    await guest.press("Me")
    await guest.press("Tomorrow")
    out = await guest.press("Skip")
    assert "Not found, or you have no access to it." in out, out
    assert "The form is closed; nothing was saved." in out, out
    out = await guest.say("Anything")
    assert "Not found" not in out and "created" not in out, out
    out = await guest.say("/task")  # one group left: it is not asked
    assert "What needs to be done?" in out and "Which group" not in out, out


async def test_an_extranet_member_s_line_without_a_group_asks_which_keeping_the_line(
    sqlite_app: App,
) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss")
    await boss.say("/start")
    await boss.say("/groups new Sales")
    await boss.say("/groups new Web")
    guest = ConsoleDriver(sqlite_app, user="Guest")
    await guest.say(f"/start {invite_code(await boss.say('/invite extranet Sales'))}")
    await guest.say(f"/start {invite_code(await boss.say('/invite extranet Web'))}")
    out = await guest.say("/task Fix thing tomorrow")
    assert "Which group is it for? Choose one, or type its name." in out, out
    assert "Sales" in out and "Web" in out and "without a group" not in out.lower(), out
    out = await guest.say("нет")  # not theirs to leave out: asked again, the line kept
    assert "Pick one of your groups: press it, or type its name." in out, out
    out = await guest.say("web")
    assert "Task #1 created." in out and "#1 Fix thing\n" in out, out
    assert "Group: Web" in out and "tomorrow" in out, out


async def test_a_group_beyond_the_buttons_is_picked_by_its_name(sqlite_app: App) -> None:
    from handlers.groups_input import GROUP_CHOICES

    boss = ConsoleDriver(sqlite_app, user="Boss")
    await boss.say("/start")
    for number in range(GROUP_CHOICES + 2):
        await boss.say(f"/groups new Team {number:02d}")
    last = f"Team {GROUP_CHOICES + 1:02d}"
    out = await boss.say("/task Fix it #Nowhere")
    assert "Which group is it for? Choose one, or type its name." in out, out
    assert "Team 00" in out and last not in out, out
    out = await boss.say(last)
    assert "#1 Fix it\n" in out and f"Group: {last}" in out, out


async def test_a_chain_moves_by_each_link_s_real_shift_in_the_creator_s_week(
    sqlite_app: App,
) -> None:
    """A one-day move is one day for the creator (the weekend is theirs, not that of a
    responsible 7 hours ahead), and a weekend push in the middle of a chain reaches the
    tasks after it: no successor starts before its predecessor is due."""
    from models.tasks import Task

    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en", timezone="Europe/Moscow")
    await anna.say("/start")
    code = invite_code(await anna.say("/invite"))
    for name, zone in (("Boris", "Asia/Vladivostok"), ("Clara", "America/New_York")):
        await ConsoleDriver(sqlite_app, user=name, lang="en", timezone=zone).say(f"/start {code}")
    await anna.say("/task Review the mockups 04.12.2030 15:00")
    await anna.say("/task Approve the mockups 05.12.2030 18:00 @Boris")
    await anna.say("/task Lay out the pages 06.12.2030 18:00 @Clara")
    await anna.say("/task 2 after 1")
    await anna.say("/task 3 after 2")

    async def dates() -> dict[int, tuple[datetime, datetime]]:
        async with sqlite_app.workspace.sessionmaker() as s:
            rows = (await s.execute(select(Task))).scalars()
            return {t.id: (t.start_at or t.created_at, t.deadline) for t in rows}

    out = await anna.say("/task 1 deadline 05.12.2030 15:00")
    assert "2 dependent tasks moved with it." in out, out
    out = await anna.say("/task 2")
    assert "Deadline: 6 Dec 2030 18:00" in out, out  # one day, not three
    out = await anna.say("/task 3")
    assert "Deadline: 9 Dec 2030 18:00" in out, out  # Saturday goes on to Monday
    await anna.say("/task 1 deadline 03.12.2030 15:00")
    out = await anna.say("/task 3")
    assert "Deadline: 6 Dec 2030 18:00" in out, out  # back from Saturday to Friday
    got = await dates()
    assert got[2][0] >= got[1][1] and got[3][0] >= got[2][1], got


async def test_a_deferred_task_is_not_overdue_anywhere(sqlite_app: App) -> None:
    """One rule: a deferred task is not overdue in /tasks, in /today (the morning
    message, the Slack Home), and gets no deadline reminder or overdue notice."""
    from models.tasks import Task
    from services import reminders

    boss, _ = await team(sqlite_app, "en", "Boss", "Anna")
    await boss.say("/task Yesterday thing yesterday 18:00")
    await boss.say("/task Pay the hosting tomorrow 12:00")
    out = await boss.say("/today")
    assert "Overdue (1)" in out and "Yesterday thing" in out, out  # before: overdue
    await boss.say("/task 1 defer")
    await boss.say("/task 2 defer")
    out = await boss.say("/today")
    assert "Overdue" not in out and "Yesterday thing" not in out, out
    out = await boss.say("/tasks overdue")
    assert "Yesterday thing" not in out, out
    async with sqlite_app.workspace.sessionmaker() as s:
        task = await s.get(Task, 2)
        assert task is not None and task.deadline is not None
        for moment in (task.deadline - timedelta(hours=1), task.deadline + timedelta(minutes=5)):
            page = await reminders.deadline_hits(s, moment, timedelta(minutes=30))
            assert page.hits == [], page.hits


async def test_my_plan_keeps_only_my_tasks_and_a_renamed_done_column_still_takes_the_done(
    sqlite_app: App,
) -> None:
    """A task handed to someone else leaves the old plan; a completed task goes to the
    done column even after it was renamed; deleting a column asks first, and the column
    of tasks not yet planned cannot be deleted (moved or not)."""
    anna, boris = await team(sqlite_app, "en", "Anna", "Boris")
    clara = await team_member(sqlite_app, anna, "Clara")
    await clara.say("/tasks")
    await anna.say("/task Brief for the designers tomorrow @Boris")
    await anna.say("/task Yesterday thing yesterday 18:00 @Boris")
    await anna.say("/task Budget 10.02.2030 @Boris")
    await boris.say("/plan")
    await boris.press("New")
    await boris.press("Brief for the designers")
    await boris.press("This week")
    await anna.say("/task 1 delegate @Clara")
    out = await boris.say("/plan")
    assert "This week (0)" in out and "New (2)" in out, out  # no longer his
    out = await boris.say("/plan rename 5 Closed")
    assert "Closed (0)" in out, out
    await boris.press("New")
    await boris.press("Yesterday thing")
    await boris.press("This week")
    await boris.say("/task 2 complete")
    out = await boris.say("/plan")
    assert "This week (0)" in out and "Closed (1)" in out, out

    out = await boris.press("Edit columns")
    assert "New takes the tasks not yet planned" in out, out
    out = await boris.say("/plan delete 1")
    assert "holds the tasks not yet planned: it cannot be deleted" in out, out
    await boris.say("/plan")
    await boris.press("Edit columns")
    out = await boris.press("↓")  # "New" goes down a place: it keeps its role
    out = await boris.say("/plan delete New")
    assert "cannot be deleted" in out, out
    out = await boris.say("/plan delete Today")
    assert "Delete the column Today? Its 0 tasks go back to New." in out, out
    out = await boris.say("/plan")
    assert "Today (0)" in out and "New (1)" in out, out  # nothing deleted without a yes
    await boris.say("/plan delete Today")
    out = await boris.press("Delete")
    assert "Column Today deleted." in out, out
    out = await boris.say("/plan")
    assert "Today" not in out and "New (1)" in out, out


async def test_the_gantt_says_what_it_leaves_out_and_who_does_each_bar(
    sqlite_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past 60 tasks the chart says "60 of 62"; a cut title ends with "…"; each row and
    each line of a group's list names the responsible; the project deadline is drawn;
    an overdue bar runs on to now."""
    from handlers import tasks_gantt

    drawn: list[tuple[list[tasks_gantt.Bar], tasks_gantt.Marks]] = []
    real_draw = tasks_gantt.draw

    def spy(bars: Any, deps: Any, title: str, tz: str, marks: Any, lang: str = "en") -> bytes:
        drawn.append((bars, marks))
        return real_draw(bars, deps, title, tz, marks, lang)

    monkeypatch.setattr(tasks_gantt, "draw", spy)
    boss, anna = await team(sqlite_app, "en", "Boss", "Anna")
    await boss.say("/groups new Launch project")
    await boss.say("/groups add Launch @Anna")
    await boss.say("/groups project Launch 31.12.2030")
    actor = await actor_of(sqlite_app, "Boss")
    anna_id = (await actor_of(sqlite_app, "Anna")).user_id
    now = datetime.now(UTC)
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        group_id = (await s.execute(select(Group.id).where(Group.name == "Launch"))).scalar_one()
        await tasks.create_task(
            s,
            actor,
            "Late one",
            deadline=now - timedelta(days=1),
            group_id=group_id,
            responsible_id=anna_id,
            now=now - timedelta(days=3),
        )
        for n in range(61):
            await tasks.create_task(
                s,
                actor,
                f"Prepare section {n} of the integration spec for the contractor",
                deadline=now + timedelta(days=1 + n),
                group_id=group_id,
                responsible_id=anna_id,
            )
    out = await boss.say("/gantt #Launch")
    assert "Tasks: 60 of 62, those due first; dependencies: 0." in out, out
    bars, marks = drawn[-1]
    assert bars[1].label == "#2 Prepare section 0 of the integration sp… · Anna", bars[1].label
    assert marks.project_deadline is not None and marks.project_deadline.year == 2030
    assert bars[0].overdue and bars[0].end < now  # drawn on to now (see draw)
    out = await boss.say("/tasks #Launch")
    assert "🔥 Late one · yesterday" in out and "· Anna" in out, out


async def test_an_impossible_date_in_a_task_line_is_said_not_kept_in_the_title(
    sqlite_app: App,
) -> None:
    boss, _ = await team(sqlite_app, "en", "Boss", "Anna")
    out = await boss.say("/task Pay rent 30.02")
    # as /away and /event say it: no example of how to write a date
    assert out.splitlines()[0] == "There is no such date: 30.02." and "created" not in out, out
    out = await boss.say("/task Close the books 31.11.2030 12:00")
    assert out.splitlines()[0] == "There is no such date: 31.11.2030.", out
    anna = ConsoleDriver(sqlite_app, user="Анна", lang="ru")
    await anna.say("/start")
    out = await anna.say("/task Оплатить аренду 30.02")
    assert out.splitlines()[0] == "Такой даты нет: 30.02." and "создана" not in out, out
    out = await anna.say("/task Закрыть месяц 31.11.2030 12:00")
    assert out.splitlines()[0] == "Такой даты нет: 31.11.2030.", out
    out = await boss.say("/task Pay rent 28.02.2030 and update version 1.15")
    assert "Task #1 created." in out and "version 1.15" in out, out


async def test_an_impossible_day_written_with_its_month_in_words_is_refused(
    sqlite_app: App,
) -> None:
    boss, _ = await team(sqlite_app, "en", "Boss", "Anna")
    for line, said in (
        ("/task Call Ann April 31", "April 31"),
        ("/task Call Ann Feb 30", "Feb 30"),
        ("/task Pay the 31st of April", "31st of April"),
        ("/task Call Ann Feb 29 2027", "Feb 29 2027"),
    ):
        out = await boss.say(line)
        assert f"There is no such date: {said}." in out and "created" not in out, out
    anna = ConsoleDriver(sqlite_app, user="Анна", lang="ru", timezone="Europe/Moscow")
    await anna.say("/start")
    for line, said in (
        ("/task Позвонить 31 апреля", "31 апреля"),
        ("/task Позвонить Ане 32 января", "32 января"),
        ("/task Позвонить Ане 0 января", "0 января"),
    ):
        out = await anna.say(line)
        assert f"Такой даты нет: {said}." in out and "создана" not in out, out
    async with sqlite_app.workspace.sessionmaker() as s:
        assert (await s.scalars(select(tasks.Task))).first() is None
    out = await boss.say("/task Sprint 3 April 30 and Feb 29")  # such days are
    assert "Task #1 created." in out, out


async def test_a_date_a_hundred_years_off_is_said_to_be_so_not_not_found(
    sqlite_app: App,
) -> None:
    boss, _ = await team(sqlite_app, "en", "Boss", "Anna")
    for line, said in (
        ("/task Call Ann 01.01.0001", "01.01.0001"),
        ("/task Call Bob 31.12.9999 23:59", "31.12.9999 23:59"),
        ("/task Call Bob 01.01.1900", "01.01.1900"),
        ("/task 1 deadline 05.05.2150", "05.05.2150"),
    ):
        out = await boss.say(line)
        assert f"The date {said} is too far off" in out, out
        assert "Not found" not in out and "created" not in out, out
    # a deadline kept before such dates were refused: a repeat says so, not "not found"
    await boss.say("/task Call Bob tomorrow")
    async with sqlite_app.workspace.sessionmaker() as s:
        task = (await s.scalars(select(tasks.Task))).one()
        task.deadline = datetime(9999, 12, 31, 20, 59, tzinfo=UTC)
        await s.commit()
    out = await boss.say(f"/task {task.id} repeat daily at 10:00")
    assert "A date here is too far off" in out and "Not found" not in out, out


async def test_a_month_in_the_title_is_no_deadline_and_a_template_s_title_is_kept(
    sqlite_app: App,
) -> None:
    anna = ConsoleDriver(sqlite_app, user="Анна", lang="ru", timezone="Europe/Moscow")
    await anna.say("/start")
    out = await anna.say("/task Подготовить медиаплан на декабрь")
    assert "#1 Подготовить медиаплан на декабрь\n" in out and "Крайний срок: без срока" in out, out
    out = await anna.say("/task Подготовить медиаплан на декабрь завтра 18:00")
    assert "#2 Подготовить медиаплан на декабрь\n" in out and "завтра 18:00" in out, out
    # a title kept as typed (renamed, or from the form) is never read again for a date
    await anna.say("/task 1 название Созвон #42 в пятницу @Глеб")
    out = await anna.say("/task 1 шаблон Созвон")  # the hint is in the words help gives
    assert out.strip() == "Шаблон Созвон сохранён. Задача по нему: /task из Созвон", out
    out = await anna.say("/task из Созвон завтра 18:00")
    assert "#3 Созвон #42 в пятницу @Глеб\n" in out and "завтра 18:00" in out, out
    out = await anna.say("/task из Созвон")
    assert "#4 Созвон #42 в пятницу @Глеб\n" in out and "без срока" in out, out


async def test_a_title_starting_with_iz_is_a_task_unless_a_template_is_named(
    sqlite_app: App,
) -> None:
    anna = ConsoleDriver(sqlite_app, user="Анна", lang="ru", timezone="Europe/Moscow")
    await anna.say("/start")
    out = await anna.say("/task из")
    assert "Шаблонов пока нет" in out and "создана" not in out, out
    out = await anna.say("/task Из презентации убрать старые слайды завтра")
    assert "#1 Из презентации убрать старые слайды\n" in out, out
    await anna.say("/task 1 шаблон Слайды")
    out = await anna.say("/task из")
    assert "Какой шаблон?" in out and "создана" not in out, out
    out = await anna.press("Слайды")
    assert "#2 Из презентации убрать старые слайды\n" in out, out


async def test_a_template_name_with_a_typo_asks_which_was_meant(sqlite_app: App) -> None:
    boss, _ = await team(sqlite_app, "en", "Boss", "Anna")
    await boss.say("/task Monthly report")
    await boss.say("/task 1 template Monthly")
    out = await boss.say("/task from Montly tomorrow")
    assert "There is no template Montly. Did you mean Monthly?" in out, out
    assert "created" not in out, out
    out = await boss.press("Use the template")
    assert "Task #2 created." in out and "#2 Monthly report\n" in out, out
    assert "Deadline: tomorrow 18:00" in out, out
    await boss.say("/task from Montly")
    out = await boss.press("A task with this title")
    assert "Task #3 created." in out and "#3 from Montly\n" in out, out
    out = await boss.say("/task from the client: resend the invoice")  # no template close
    assert "Task #4 created." in out and "#4 from the client: resend the invoice" in out, out
    anna = ConsoleDriver(sqlite_app, user="Анна", lang="ru", timezone="Europe/Moscow")
    await anna.say("/start")
    made = re.search(r"#(\d+) Созвон с клиентом", await anna.say("/task Созвон с клиентом"))
    assert made is not None
    await anna.say(f"/task {made.group(1)} шаблон Созвон")
    out = await anna.say("/task из Созван")
    assert "Шаблона «Созван» нет. Может быть, «Созвон»?" in out, out
    out = await anna.press("По шаблону")
    assert "Созвон с клиентом" in out and "создана" in out, out


async def marketing(app: App, *names: str) -> dict[str, ConsoleDriver]:
    """Анна (admin) and the colleagues she invited, all in Moscow, speaking Russian."""
    anna = ConsoleDriver(app, user="Анна", lang="ru", timezone="Europe/Moscow")
    await anna.say("/start")
    code = invite_code(await anna.say("/invite"))
    people = {"Анна": anna}
    for name in names:
        people[name] = ConsoleDriver(app, user=name, lang="ru", timezone="Europe/Moscow")
        await people[name].say(f"/start {code}")
    return people


async def test_several_people_are_added_to_a_task_in_one_command(sqlite_app: App) -> None:
    team = await marketing(sqlite_app, "Борис", "Глеб", "Дарья", "Егор", "Жанна")
    anna = team["Анна"]
    await anna.say("/task Медиаплан @Борис")
    out = await anna.say("/task 1 добавить @Дарья @Егор")
    assert "Дарья теперь соисполнитель.\nЕгор теперь соисполнитель." in out, out
    assert "Соисполнители: Дарья, Егор" in out, out
    out = await anna.say("/task 1 наблюдать @Глеб, @Жанна")
    assert "Наблюдатели: Глеб, Жанна" in out, out
    out = await team["Жанна"].say("/inbox")
    assert "Анна: вы добавлены в наблюдатели." in out, out


async def test_mentions_that_notify_nobody_are_said_and_an_unseen_person_can_be_asked_for(
    sqlite_app: App,
) -> None:
    team = await marketing(sqlite_app, "Борис", "Глеб", "Егор")
    anna, gleb = team["Анна"], team["Глеб"]
    await anna.say("/task Медиаплан @Борис")
    out = await anna.say("/task 1 комментарий @Глебу передай, и @Ктото тоже; почта ann@mail.ru")
    assert "Комментарий добавлен к #1." in out, out
    assert "@Ктото: в команде нет никого с таким именем, уведомление не отправлено." in out, out
    assert "mail.ru" not in out.split("#1.", 1)[1], out  # an e-mail is no mention
    out = await gleb.say("/inbox")
    assert "Вас упомянули в комментарии. Анна:" in out, out  # "@Глебу": Глеб, in the dative
    # an observer may not add people: whom he mentions, the deciders are asked to add
    await anna.say("/task 1 наблюдать @Глеб")
    out = await gleb.say("/task 1 комментарий @Егор подключись")
    assert "Егор не видит эту задачу, уведомление не отправлено." in out, out
    out = await gleb.press("Попросить добавить: Егор")
    assert "Просьба добавить в наблюдатели (Егор) отправлена: Анна, Борис." in out, out
    out = await team["Борис"].say("/inbox")
    assert "Глеб просит добавить в наблюдатели задачи: Егор" in out, out
    out = await team["Борис"].press("Добавить наблюдателем: Егор")
    assert "Егор теперь наблюдает за задачей." in out, out


async def test_a_delegated_task_is_said_to_be_handed_on_not_given(sqlite_app: App) -> None:
    team = await marketing(sqlite_app, "Борис", "Дарья")
    await team["Анна"].say("/task Медиаплан @Борис")
    await team["Борис"].say("/task 1 передать @Дарья")
    out = await team["Дарья"].say("/inbox")
    assert "Борис: вам передана задача, постановщик — Анна." in out, out
    assert "Борис: вам поставлена задача" not in out, out


async def test_tasks_are_found_by_words_and_completed_ones_listed(sqlite_app: App) -> None:
    anna = (await marketing(sqlite_app))["Анна"]
    await anna.say("/task Согласовать Макет баннера")
    await anna.say("/task Заказать печать")
    await anna.say("/task 1 завершить")
    out = await anna.say("/tasks найти макет")
    assert "Задачи со словами «макет» (1)" in out and "Согласовать Макет баннера" in out, out
    out = await anna.say("/tasks search МАКЕТ баннера")
    assert "Согласовать Макет баннера" in out and "Заказать печать" not in out, out
    out = await anna.say("/tasks завершённые")
    assert "Завершённые (1)" in out and "Согласовать Макет баннера" in out, out
    assert "Заказать печать" not in out, out
    out = await anna.say("/tasks печать")  # no group: said, and searched
    assert "«печать» — не фильтр и не группа; задачи с этими словами:" in out, out
    assert "Заказать печать" in out and "Группы" not in out, out
    await anna.say("/groups new Маркетинг")
    out = await anna.say("/tasks маркетинг")  # a group's name still lists the group
    assert "Задачи группы Маркетинг" in out, out


async def test_a_checklist_item_is_deleted_only_when_confirmed_and_history_keeps_it(
    sqlite_app: App,
) -> None:
    boss, anna = await team(sqlite_app, "en", "Boss", "Anna")
    await boss.say("/task Prepare the media plan tomorrow @Anna")
    await boss.say("/task 1 check Collect budgets; Agree with sales")
    await anna.say("/task 1")
    await anna.press("Checklist")
    out = await anna.press("Collect budgets")
    assert "1 of 2 done" in out
    out = await anna.press("✖")  # the first ✖: "Collect budgets"
    assert "Delete the item “Collect budgets”?" in out and "2 done" in out
    assert set(anna.buttons().values()) == {"Yes, delete", "No"}
    out = await anna.press("No")
    assert "1 of 2 done" in out and "☑ Collect budgets" in out
    await anna.press("✖")
    out = await anna.press("Yes, delete")
    assert "0 of 1 done" in out and "Collect budgets" not in out
    await boss.say("/task 1")
    await boss.press("More")
    out = await boss.press("History")
    assert "History of #1" in out
    assert "Anna ticked the item “Collect budgets”." in out
    assert "Anna deleted the item “Collect budgets”." in out


async def test_time_entries_are_listed_changed_and_deleted_with_history(
    sqlite_app: App,
) -> None:
    boss, anna = await team(sqlite_app, "en", "Boss", "Anna")
    await boss.say("/task Prepare the media plan tomorrow @Anna")
    await anna.say("/task 1 time 2h 30m call with the agency")
    await anna.say("/task 1 time 45m")
    await anna.say("/task 1")
    await anna.press("More")
    out = await anna.press("Time entries")
    assert "Time on #1: 3 h 15 min" in out
    assert "Anna" in out and "2 h 30 min" in out and "call with the agency" in out
    assert "45 min" in out and "Change 1" in out and "Delete 2" in out
    await anna.press("Change 2")  # the older entry: 2 h 30 min
    out = await anna.say("1h")
    assert "Time on #1: 1 h 45 min" in out
    out = await anna.press("Delete 1")
    assert "Delete the entry of 45 min?" in out
    out = await anna.press("Yes, delete")
    assert "Time on #1: 1 h" in out and "45 min" not in out
    # the creator may correct too; a colleague who only sees the task may not
    await boss.say("/task 1")
    await boss.press("More")
    out = await boss.press("Time entries")
    assert "Change 1" in out
    await boss.press("Back")
    out = await boss.press("History")
    assert "Anna changed a time entry: 2 h 30 min → 1 h." in out
    assert "Anna deleted a time entry of 45 min." in out


async def test_a_template_keeps_the_group_people_and_settings_and_templates_are_listed(
    sqlite_app: App,
) -> None:
    boss, anna = await team(sqlite_app, "en", "Boss", "Anna")
    petr = await team_member(sqlite_app, boss, "Petr")
    await team_member(sqlite_app, boss, "Olga")
    await boss.say("/groups new Marketing")
    await boss.say("/task Prepare the media plan tomorrow @Anna @Petr #Marketing")
    await boss.say("/task 1 watch @Olga")
    await boss.say("/task 1")
    await boss.press("More")
    await boss.press("Approval on/off")
    out = await boss.press("Deadline rights on/off")
    assert "needs approval: yes" in out and "change the deadline: no" in out
    await boss.say("/task 1 template Media plan")
    out = await boss.say("/task from Media plan fri 18:00")
    assert "Task #2 created." in out and "Group: Marketing" in out, out
    assert "responsible Anna" in out and "Petr" in out and "Olga" in out, out
    out = await boss.press("More")
    assert "needs approval: yes" in out and "change the deadline: no" in out, out
    out = await petr.say("/inbox")
    assert "#2" in out or "Prepare the media plan" in out

    # the list: a page of them, each made into a task or deleted (asked first)
    await boss.say("/task 1 template Another one")
    out = await boss.say("/templates")
    assert "Task templates (2)" in out and "Media plan — Prepare the media plan" in out
    out = await boss.press("Create from Media plan")
    assert "Task #3 created." in out and "Group: Marketing" in out, out
    out = await anna.say("/task templates")
    assert "Task templates (2)" in out and "Delete" not in anna.buttons().values()
    await boss.say("/templates")
    out = await boss.press("Delete")
    assert "Delete the template Another one?" in out
    out = await boss.press("Yes, delete")
    assert "Template Another one deleted." in out and "Task templates (1)" in out


async def test_a_person_said_after_a_template_replaces_its_responsible(
    sqlite_app: App,
) -> None:
    boss, anna = await team(sqlite_app, "en", "Boss", "Anna")
    await team_member(sqlite_app, boss, "Petr")
    await boss.say("/groups new Dev")
    await boss.say("/task Weekly report #Dev @Petr @Anna")
    await boss.say("/task 1 template Rep")
    # Anna, a co-executor of the template, is said to be responsible: she is, and only that
    out = await boss.say("/task from Rep @Anna tomorrow")
    assert "Task #2 created." in out and "responsible Anna" in out, out
    assert "Co-executors" not in out, out


async def test_someone_unknown_said_after_a_template_is_asked_about_first(
    sqlite_app: App,
) -> None:
    boss, anna = await team(sqlite_app, "en", "Boss", "Anna")
    await team_member(sqlite_app, boss, "Petr")
    await boss.say("/groups new Dev")
    await boss.say("/task Weekly report #Dev @Petr @Anna")
    await boss.say("/task 1 template Rep")
    out = await boss.say("/task from Rep @Nobodyx")
    assert "I don't know anyone called @Nobodyx." in out, out
    assert "Who is responsible?" in out and "created" not in out, out
    async with sqlite_app.workspace.sessionmaker() as s:
        assert len((await s.execute(select(tasks.Task))).scalars().all()) == 1
    out = await boss.say("Anna")
    assert "Task #2 created." in out and "responsible Anna" in out, out
    assert "Co-executors" not in out, out


async def test_templates_are_listed_in_russian(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Анна", lang="ru")
    await boss.say("/start")
    out = await boss.say("/task шаблоны")
    assert "Шаблоны задач (0)" in out, out
    await boss.say("/task Подготовить медиаплан завтра")
    await boss.say("/task 1 шаблон Медиаплан")
    out = await boss.say("/templates")
    assert "Шаблоны задач (1)" in out and "Создать по «Медиаплан»" in out, out


async def test_a_long_comment_is_read_whole(sqlite_app: App) -> None:
    boss, anna = await team(sqlite_app, "en", "Boss", "Anna")
    await boss.say("/task Prepare the media plan tomorrow @Anna")
    words = " ".join(f"word{i}" for i in range(700))  # about 5,500 characters
    await boss.say(f"/task 1 comment {words}")
    out = await anna.say("/task 1")
    assert "Boss commented: word0" in out and "word699" not in out and "…" in out
    out = await anna.press("Read whole")  # the notice's button
    assert "Boss on #1" in out and "word0 " in out and "word699" in out, out[-300:]
    out = await anna.press("Comments")
    assert "word699" not in out and "…" in out
    out = await anna.press("Read whole: Boss")
    assert "word350" in out and "word699" in out


async def test_notices_name_the_task_the_old_deadline_and_a_new_title(sqlite_app: App) -> None:
    boss, anna = await team(sqlite_app, "ru", "Анна", "Борис")
    await boss.say("/groups new Маркетинг")
    await boss.say("/task Подготовить медиаплан 04.12 18:00 @Борис #Маркетинг")
    out = await anna.say("/inbox")
    assert "Анна: вам поставлена задача. #1 · срок" in out and "· группа Маркетинг" in out, out
    await boss.say("/task 1 срок 11.12 18:00")
    await boss.say("/task 1 название Подготовить медиаплан на январь")
    out = await anna.say("/task 1")
    assert "крайний срок изменён" in out and "4 дек." in out and "→" in out, out
    assert "задача переименована, прежнее название — «Подготовить медиаплан»" in out, out
    # one name for the approval step, and the checklist is the task's
    await boss.say("/task 1")
    await boss.press("Ещё")
    await boss.press("Приёмка")
    await anna.say("/task 1 пункт Собрать бюджеты")
    assert "Чек-лист задачи #1: выполнено 0 из 1" in anna.last
    await anna.say("/task 1")
    out = await anna.press("Завершить")
    assert "Не отмечен 1 пункт чек-листа из 1." in out, out  # asked first
    await anna.press("Всё равно завершить")
    out = await boss.say("/task 1")
    assert "Принять" in boss.buttons().values() and "Вернуть на доработку" in out, out


async def contractor_team(app: App) -> dict[str, ConsoleDriver]:
    """Anna (admin); Petr in the closed group Secret, with task #1 there; Lucy an extranet
    member of the closed project Rebrand, with task #2 there that Petr observes."""
    anna = ConsoleDriver(app, user="Anna", lang="en")
    await anna.say("/start")
    petr = ConsoleDriver(app, user="Petr", lang="en")
    await petr.say(f"/start {invite_code(await anna.say('/invite'))}")
    await anna.say("/groups new Secret closed")
    await anna.say("/groups add Secret @Petr")
    await anna.say("/groups new Rebrand closed project")
    await anna.say("/task Salary plan Q1 @Petr #Secret")
    await anna.say("/task Logo concepts #Rebrand")
    await anna.say("/task 2 watch @Petr")
    lucy = ConsoleDriver(app, user="Lucy", lang="en")
    await lucy.say(f"/start {invite_code(await anna.say('/invite extranet Rebrand'))}")
    return {"Anna": anna, "Petr": petr, "Lucy": lucy}


async def test_an_extranet_member_outside_the_tasks_group_is_not_offered_to_be_added(
    sqlite_app: App,
) -> None:
    """Lucy, of Rebrand only, mentioned on a Secret task: no "Ask to add" that could never
    be done, and why; an admin's mention does not add her either."""
    team = await contractor_team(sqlite_app)
    out = await team["Petr"].say("/task 1 comment @Lucy will handle the salary slide")
    assert (
        "Lucy is an extranet member outside this task's group: nobody can add them to it, "
        "and they were not notified." in out
    ), out
    assert "Ask to add" not in out, out
    out = await team["Anna"].say("/task 1 comment @Lucy check this")
    assert "nobody can add them to it" in out and "Ask to add" not in out, out
    assert "Observers" not in await team["Anna"].say("/task 1"), out
    out = await team["Anna"].say("/task 1 watch @Lucy")
    assert "Lucy is an extranet member outside Secret: they cannot take part in its tasks." in out


async def test_an_extranet_members_mention_of_someone_hidden_from_them_claims_nothing(
    sqlite_app: App,
) -> None:
    """Petr observes Lucy's task but is hidden from her: her @Petr is said to be no one she
    works with, not "nobody was notified" (he hears of the comment as its observer)."""
    team = await contractor_team(sqlite_app)
    out = await team["Lucy"].say("/task 2 comment @Petr can you review?")
    assert "@Petr: there is no one by this name among the people you work with." in out, out
    assert "notified" not in out, out
    assert "Lucy commented" in await team["Petr"].say("/inbox")


async def test_an_extranet_members_task_starting_with_from_is_a_title(
    sqlite_app: App,
) -> None:
    """Lucy has no templates: a line starting with "From" is her task's title, whatever
    templates the team has; "/task from" alone says she has none."""
    team = await contractor_team(sqlite_app)
    await team["Anna"].say("/task 2 template Brief")
    out = await team["Lucy"].say("/task From the client: resend the invoice")
    assert "Task #3 created" in out and "From the client: resend the invoice" in out, out
    out = await team["Lucy"].say("/task from Brief Logo v2 friday")
    assert "Task #4 created" in out and "from Brief Logo v2\n" in out, out
    out = await team["Lucy"].say("/task from")
    assert "Task templates are not available to you; /task TITLE makes a task." in out, out
    out = await team["Lucy"].say("/task из презентации убрать слайд")
    assert "Task #5 created" in out and "из презентации убрать слайд" in out, out


async def test_time_on_a_groups_tasks_per_person(sqlite_app: App) -> None:
    """/tasks time неделя #Маркетинг: what each member logged on the group's tasks this
    week; someone outside the group is refused."""
    boss, anna = await team(sqlite_app, "ru", "Борис", "Анна")
    petr = ConsoleDriver(sqlite_app, user="Пётр", lang="ru")
    await petr.say(f"/start {invite_code(await boss.say('/invite'))}")
    await boss.say("/groups new Маркетинг closed")
    await boss.say("/groups add Маркетинг @Анна")
    await boss.say("/task #Маркетинг Макет баннера завтра 15:00 @Анна")
    await boss.say("/task Личное дело завтра 15:00")
    await anna.say("/task 1 время 2ч")
    await boss.say("/task 1 время 30м")
    await boss.say("/task 2 время 1ч")  # not the group's
    out = await boss.say("/tasks время неделя #Маркетинг")
    assert "Время по задачам группы Маркетинг, на этой неделе: 2 ч 30 мин" in out, out
    assert "#1 Макет баннера — Анна — 2 ч" in out and "#1 Макет баннера — Борис — 30 мин" in out
    assert "#2" not in out, out
    out = await petr.say("/tasks время #Маркетинг")  # a closed group he is not in
    assert "Группы «Маркетинг» нет." in out and "Макет баннера" not in out, out


async def test_a_negative_task_number_is_no_new_task(sqlite_app: App) -> None:
    """`/task -5` is about a task 5 that is not there (as `/task 0`), never a new task
    titled "5"."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    for line in ("/task -5", "/task #-5", "/task -5 comment hi", "/task 0"):
        out = await boss.say(line)
        assert out.startswith("Not found, or you have no access to it."), (line, out)
    out = await boss.say("/tasks")
    assert "#1" not in out, out


async def test_tasks_due_today_this_week_and_next_week_in_the_person_s_days(
    sqlite_app: App,
) -> None:
    """/tasks today, week and next week (alone, after a filter, with a #group, by the
    list's buttons) count the person's own days; the week starts as their working week."""
    from services.tasks_due import week_start
    from services.timeman_schedules import Schedule

    boss, anna = await team(sqlite_app, "en", "Boss", "Anna")
    await boss.say("/groups new Sprint")
    actor = await actor_of(sqlite_app, "Boss")
    anna_id = (await actor_of(sqlite_app, "Anna")).user_id
    zone = ZoneInfo(actor.timezone)
    today = datetime.now(zone).date()
    monday = today - timedelta(days=today.weekday())

    def at(day: Any, hour: int) -> datetime:
        return datetime(day.year, day.month, day.day, hour, tzinfo=zone)

    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        sprint = (await s.scalars(select(Group).where(Group.name == "Sprint"))).one()
        made = at(monday, 0) - timedelta(days=1)
        for title, deadline, group_id in (
            ("Today thing", at(today, 12), None),
            ("Sunday thing", at(monday + timedelta(days=6), 20), None),
            ("Next Monday thing", at(monday + timedelta(days=7), 10), None),
            ("Far thing", at(monday + timedelta(days=21), 10), None),
            ("Sprint review", at(monday + timedelta(days=8), 15), sprint.id),
        ):
            await tasks.create_task(
                s,
                actor,
                title,
                deadline=deadline,
                group_id=group_id,
                responsible_id=anna_id if group_id else None,
                now=made,
            )

    out = await boss.say("/tasks week")
    assert "Tasks — Due this week (" in out and "Today thing" in out, out
    assert "Sunday thing" in out and "Next Monday" not in out and "Far thing" not in out, out
    assert "Sprint review" not in out, out  # Anna's, and due next week
    out = await boss.say("/tasks today")
    assert "Tasks — Due today" in out and "Today thing" in out and "Far thing" not in out, out
    out = await boss.press("Due next week")
    assert "Tasks — Due next week (2)" in out, out
    assert "Next Monday thing" in out and "Sprint review" in out and "Today thing" not in out
    out = await boss.say("/tasks created next week")  # set for someone else: Anna's
    assert "Tasks — I created · Due next week (1)" in out and "Sprint review" in out, out
    assert "Next Monday thing" not in out, out
    out = await anna.say("/tasks next week #Sprint")
    assert "Tasks of Sprint · Due next week (1)" in out and "Sprint review" in out, out
    out = await anna.say("/tasks #Sprint week")
    assert "Tasks of Sprint · Due this week (0)" in out, out
    out = await anna.press("• Due this week")  # pressed again: the whole group's list
    assert "Tasks of Sprint (1)" in out, out
    out = await boss.say("/tasks search week")  # a search still searches
    assert "Tasks with “week” (0)" in out, out
    # the week as the person works it: Sunday to Thursday starts on Sunday
    assert week_start(monday + timedelta(days=3), Schedule(weekdays="71234")) == monday - (
        timedelta(days=1)
    )
    assert week_start(monday + timedelta(days=6), Schedule()) == monday
    # in Russian
    ru = (await marketing(sqlite_app))["Анна"]
    ru_actor = await actor_of(sqlite_app, "Анна")
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        await tasks.create_task(s, ru_actor, "Макет", deadline=at(today, 12), now=made)
    out = await ru.say("/tasks неделя")
    assert "Задачи — Срок на этой неделе (1)" in out and "Макет" in out, out
    out = await ru.say("/tasks на следующей неделе")
    assert "Задачи — Срок на следующей неделе (0)" in out, out
    out = await ru.say("/tasks сегодня")
    assert "Задачи — Срок сегодня (1)" in out, out


async def test_a_group_report_counts_due_against_done_open_overdue_and_time_per_person(
    sqlite_app: App,
) -> None:
    """/groups report: a project's tasks due against done (and on time), completed,
    open and overdue, and per person, with the time logged on its tasks; its members'
    and the admins' to read; in another period by its buttons; in Russian too."""
    boss, anna = await team(sqlite_app, "en", "Boss", "Anna")
    ivan = ConsoleDriver(sqlite_app, user="Ivan", lang="en")
    await ivan.say(f"/start {invite_code(await boss.say('/invite'))}")
    await boss.say("/groups new Sprint project")
    await boss.say("/groups add Sprint @Anna")
    actor = await actor_of(sqlite_app, "Boss")
    anna_id = (await actor_of(sqlite_app, "Anna")).user_id
    now = datetime.now(UTC)
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        sprint = (await s.scalars(select(Group).where(Group.name == "Sprint"))).one()
        for title, due, who in (
            ("Late one", now - timedelta(days=2), anna_id),
            ("On time one", now + timedelta(days=2), anna_id),
            ("Overdue one", now - timedelta(days=1), anna_id),
            ("Boss's one", now + timedelta(days=5), None),
            ("Someday", None, anna_id),
        ):
            await tasks.create_task(
                s,
                actor,
                title,
                deadline=due,
                group_id=sprint.id,
                responsible_id=who,
                now=now - timedelta(days=10),
            )
    await anna.say("/task 1 complete")
    await anna.say("/task 2 time 1h")
    await anna.say("/task 2 complete")
    await boss.say("/task 4 time 30m")

    out = await boss.say("/groups report Sprint")
    assert "Report of Sprint, all time" in out, out
    assert "Due in the period: 4; done: 2, on time: 1" in out, out
    assert "Completed in the period: 2" in out and "Open now: 3, overdue: 1" in out, out
    assert "Time logged on its tasks: 1 h 30 min" in out, out
    assert "Anna — done: 2 · open: 2 · overdue: 1 · time: 1 h" in out, out
    assert "Boss — done: 0 · open: 1 · overdue: 0 · time: 30 min" in out, out
    assert "Ivan" not in out, out  # not in the group
    out = await boss.press("Last week")
    assert "Completed in the period: 0" in out and "Open now: 3, overdue: 1" in out, out
    out = await anna.say("/groups Sprint")
    out = await anna.press("Report")
    assert "Report of Sprint, all time" in out and "Anna — done: 2" in out, out
    out = await ivan.say("/groups report Sprint")  # not a member: the work is not his
    assert "You have no right to do that." in out and "Anna" not in out, out
    gleb = ConsoleDriver(sqlite_app, user="Глеб", lang="ru")
    await gleb.say(f"/start {invite_code(await boss.say('/invite'))}")
    await boss.say("/groups add Sprint @Глеб")
    out = await gleb.say("/groups отчёт Sprint за всё время")
    assert "Отчёт по группе Sprint, всё время" in out, out
    assert "Со сроком в этом периоде: 4; выполнено: 2, из них в срок: 1" in out, out
    assert "Anna — выполнено: 2 · открыто: 2 · просрочено: 1 · время: 1 ч" in out, out


async def test_a_task_due_in_the_year_9999_is_named_not_drawn(sqlite_app: App) -> None:
    """A deadline no calendar can draw (one kept from before dates were checked) no
    longer breaks the group's chart for everyone: that task is named under it."""
    from sqlalchemy import update

    from models.tasks import Task

    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/groups new Sales")
    await boss.say("/task Forever task tomorrow 15:00 #Sales")
    await boss.say("/task Call the client tomorrow 10:00 #Sales")
    far = datetime(9999, 12, 31, 20, 0, tzinfo=UTC)
    async with sqlite_app.workspace.sessionmaker() as session, session.begin():
        await session.execute(update(Task).where(Task.id == 1).values(deadline=far, due_sort=far))
    out = await boss.say("/gantt #Sales")
    assert "Something went wrong" not in out, out
    assert "Tasks: 1; dependencies: 0." in out and "(image: gantt.png" in out, out
    assert "Not drawn, due more than five years ahead: #1 Forever task." in out, out
    await boss.say("/task Someday maybe #Sales")  # no deadline: no bar, but said
    out = await boss.say("/gantt #Sales")
    assert "Not drawn, with no deadline: 1 open task." in out, out


async def test_the_gantt_keeps_completed_tasks_and_their_arrows(
    sqlite_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A completed task of the group stays on its chart, drawn as done, with the arrow
    to the task that waits for it; Hide completed takes them off, Show completed back."""
    from handlers import tasks_gantt

    drawn: list[tuple[list[tasks_gantt.Bar], list[tuple[int, int]]]] = []
    real_draw = tasks_gantt.draw

    def spy(bars: Any, deps: Any, title: str, tz: str, marks: Any, lang: str = "en") -> bytes:
        drawn.append((bars, deps))
        return real_draw(bars, deps, title, tz, marks, lang)

    monkeypatch.setattr(tasks_gantt, "draw", spy)
    boss, anna = await team(sqlite_app, "en", "Boss", "Anna")
    await boss.say("/groups new Sprint")
    await boss.say("/groups add Sprint @Anna")
    await boss.say("/task #Sprint Design the API tomorrow 12:00")
    await boss.say("/task #Sprint Build the API in 3 days @Anna")
    await boss.say("/task 2 after 1")
    out = await boss.say("/task 1 complete")
    assert "completed" in out, out
    out = await boss.say("/gantt #Sprint")
    assert "Tasks: 2; dependencies: 1." in out and "Completed: 1, drawn in grey." in out, out
    bars, deps = drawn[-1]
    assert [(b.task_id, b.done) for b in bars] == [(1, True), (2, False)] and deps == [(1, 2)]
    assert not bars[0].overdue
    out = await boss.press("Hide completed")
    assert "Tasks: 1; dependencies: 0." in out and "Completed" not in out, out
    out = await boss.press("Show completed")
    assert "Tasks: 2; dependencies: 1." in out, out


async def test_the_gantt_shows_a_subtask_under_its_parent(
    sqlite_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handlers import tasks_gantt

    drawn: list[list[tasks_gantt.Bar]] = []
    real_draw = tasks_gantt.draw

    def spy(bars: Any, deps: Any, title: str, tz: str, marks: Any, lang: str = "en") -> bytes:
        drawn.append(bars)
        return real_draw(bars, deps, title, tz, marks, lang)

    monkeypatch.setattr(tasks_gantt, "draw", spy)
    boss = ConsoleDriver(sqlite_app, user="Boss")
    await boss.say("/start")
    await boss.say("/task Plan the release 10.12.2030 12:00")
    await boss.say("/task Order pizza 05.12.2030 12:00")
    out = await boss.say("/task 1 sub Write the notes 01.12.2030 12:00")
    assert "Task #3 created." in out, out
    out = await boss.say("/gantt")
    assert "Tasks: 3;" in out, out
    labels = [bar.label.removesuffix(" · Boss") for bar in drawn[-1]]
    assert labels == ["#2 Order pizza", "#1 Plan the release", "   ↳ #3 Write the notes"], labels


async def test_a_group_whose_name_starts_with_a_due_word_is_listed_whole(sqlite_app: App) -> None:
    """/tasks Week planning is the group Week planning, not 'due this week' of a group
    'planning' matched in part."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/groups new Week planning")
    await boss.say("/task Draft the agenda in 3 weeks #Week planning")
    out = await boss.say("/tasks Week planning")
    assert out.startswith("Tasks of Week planning (1)") and "Draft the agenda" in out, out
    out = await boss.say("/tasks week")
    assert out.startswith("Tasks — Due this week (0)"), out


async def test_a_team_holiday_keeps_a_date_said_and_the_buttons_step_over_it(
    sqlite_app: App,
) -> None:
    """Tomorrow is the team's holiday: "tomorrow" said is kept as said (a date typed is
    never moved unsaid), while the quick Tomorrow button names the next working day,
    and /slots finds no free time tomorrow; today keeps its Today button."""
    zone = _zone_at(10)
    today = datetime.now(UTC).astimezone(ZoneInfo(zone)).date()
    tomorrow, after = today + timedelta(days=1), today + timedelta(days=2)
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone=zone)
    await boss.say("/start")
    await boss.say("/day schedule team mon-sun 09:00-18:00")
    out = await boss.say(f"/team holidays add {tomorrow.isoformat()} Founders Day")
    assert "is a day off for the whole team now" in out, out
    await boss.say("/task Call the bank tomorrow")
    out = await boss.say("/task Pay the rent")
    assert "Today 18:00" in out and "Tomorrow" not in out, out
    assert f"Next working day, {after.day} {after.strftime('%b')} {after.year}" in out, out
    await boss.press("Next working day")
    out = await boss.say("/slots @Boss tomorrow 2h")
    assert "No common free time there. Try a later week or other days." in out, out
    assert "instead" not in out, out  # no length finds time on a day off
    from models.tasks import Task

    async with sqlite_app.workspace.sessionmaker() as session:
        found = list(await session.scalars(select(Task).order_by(Task.id)))
    due = [t.deadline.astimezone(ZoneInfo(zone)) for t in found if t.deadline]
    assert [(d.date(), d.hour) for d in due] == [(tomorrow, 18), (after, 18)], due


async def test_the_creators_absence_does_not_move_a_deadline_given_to_someone(
    sqlite_app: App,
) -> None:
    """Anna is away for ten days and gives Petr a task due on a date inside them: the
    date stays as she typed it (it is Petr's working day, and hers is not his)."""
    from models.tasks import Task

    anna, petr = await team(sqlite_app, "en", "Anna", "Petr")
    zone = ZoneInfo("Europe/Moscow")
    today = datetime.now(UTC).astimezone(zone).date()
    first, last, due = (
        today + timedelta(days=1),
        today + timedelta(days=10),
        today + timedelta(days=3),
    )
    await anna.say(f"/away {first:%d.%m.%Y}-{last:%d.%m.%Y} vacation")
    out = await anna.say(f"/task Sign the contract @Petr {due:%d.%m.%Y}")
    assert "Task #1 created." in out, out
    async with sqlite_app.workspace.sessionmaker() as session:
        task = (await session.execute(select(Task))).scalar_one()
    assert task.deadline is not None and task.deadline.astimezone(zone).date() == due


async def test_quick_deadlines_follow_the_responsibles_days_not_the_pressers(
    sqlite_app: App,
) -> None:
    """Anna gives Petr tasks while he is on vacation tomorrow: the quick Tomorrow button
    (under the card, in the deadline question, in the New task form) names and sets his
    next working day, at the end of his own working day (16:30). Away tomorrow herself
    instead, she is offered and sets tomorrow for Ivan: her absence is not his."""
    from models.tasks import Task

    zone = _zone_at(10)
    today = datetime.now(UTC).astimezone(ZoneInfo(zone)).date()
    tomorrow, after = today + timedelta(days=1), today + timedelta(days=2)
    named = f"Next working day, {after.day} {after.strftime('%b')} {after.year}"
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en", timezone=zone)
    await anna.say("/start")
    await anna.say("/day schedule team mon-sun 09:00-18:00")
    code = invite_code(await anna.say("/invite"))
    petr = ConsoleDriver(sqlite_app, user="Petr", lang="en", timezone=zone)
    ivan = ConsoleDriver(sqlite_app, user="Ivan", lang="en", timezone=zone)
    await petr.say(f"/start {code}")
    await ivan.say(f"/start {code}")
    await petr.say("/day schedule mon-sun 08:00-16:30 lunch 30")
    out = await petr.say(f"/away {tomorrow:%d.%m.%Y}-{tomorrow:%d.%m.%Y} vacation")
    assert "You are away from" in out, out

    out = await anna.say("/task Sign the contract @Petr")
    assert named in out and "Tomorrow" not in out and "Today 16:30" in out, out
    out = await anna.press(named)
    assert "Deadline: " in out, out
    await anna.say("/task Send the invoice @Petr")
    out = await anna.press("Other date")
    assert named in out and "Tomorrow" not in out, out
    await anna.press(named)
    await anna.say("/task")
    await anna.say("Check the figures")
    out = await anna.say("Petr")
    assert named in out and "Tomorrow" not in out, out
    await anna.press(named)
    await anna.press("Skip")

    await anna.say(f"/away {tomorrow:%d.%m.%Y}-{tomorrow:%d.%m.%Y} vacation")
    out = await anna.say("/task Book the room @Ivan")
    assert "Tomorrow" in out and "Next working day" not in out, out
    await anna.press("Tomorrow")

    async with sqlite_app.workspace.sessionmaker() as session:
        found = list(await session.scalars(select(Task).order_by(Task.id)))
    due = [t.deadline.astimezone(ZoneInfo(zone)) for t in found if t.deadline]
    assert [(d.date(), d.hour, d.minute) for d in due] == [
        *[(after, 16, 30)] * 3,
        (tomorrow, 18, 0),
    ], [(t.title, t.deadline) for t in found]


async def test_a_date_cut_out_before_a_comma_leaves_no_space_before_it(sqlite_app: App) -> None:
    kim = ConsoleDriver(sqlite_app, user="Kim", lang="en")
    await kim.say("/start")
    out = await kim.say("/task Report tomorrow at 3pm, urgent")
    assert "#1 Report, urgent\n" in out and "Deadline: tomorrow 15:00" in out, out
    out = await kim.say("/task Call Bob  tomorrow 15:00. Then  mail him")
    assert "#2 Call Bob. Then mail him\n" in out, out  # other spaces as ever
    out = await kim.say("/task Call Bob 15.12.")
    assert re.search(r"#3 Call Bob\n", out), out  # a mark that ends the line goes
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru")
    await olga.say("/start")
    out = await olga.say("/task Отчёт завтра в 15:00, срочно")
    assert "#4 Отчёт, срочно\n" in out and "Крайний срок: завтра 15:00" in out, out
    out = await olga.say("/event Встреча завтра в 15:00, переговорная")
    assert "📅 Встреча, переговорная\n" in out and "Когда: завтра 15:00–16:00" in out, out
    out = await kim.say("/event Sync tomorrow at 10am, room 5")
    assert "📅 Sync, room 5\n" in out and "When: tomorrow 10:00–11:00" in out, out
