"""A scripted team conversation through the real aiogram bot (polling) and the fake Bot API."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.app import build_registry
from tests.fakes.telegram_api import BOT_USERNAME, FakeTelegram, Person
from tests.telegram_harness import Chat, running

COMMANDS = build_registry().commands


async def test_team_conversation(db_url: str, fake: FakeTelegram) -> None:
    async with running(db_url, fake):
        boss = Chat(fake, Person(101, "Boss", "en", username="boss"))
        out = await boss.say("/start", expect=2)
        assert "you are its admin" in out[0].text

        out = await boss.say("/invite")
        link = f"https://t.me/{BOT_USERNAME}?start="
        assert link in out[0].text
        code = out[0].text.split(link, 1)[1].split('"', 1)[0]

        anna = Chat(fake, Person(202, "Anna", "ru", username="anna"))
        out = await anna.say(f"/start {code}", expect=2)
        assert "Добро пожаловать" in out[0].text and "<b>Anna</b>" in out[0].text
        out = await boss.say("/people")
        assert "Anna" in out[0].text and "Boss" in out[0].text

        if "task" not in COMMANDS:
            pytest.skip("the tasks area is not in the registry yet")
        out = await boss.say("/task Prepare the report tomorrow 15:00")
        # one message in a private chat: the card, with the advice under it
        assert len(out) == 1, [c.text for c in out]
        card = out[0]
        assert "Prepare the report" in card.text and "tomorrow 15:00" in card.text
        assert "Add a description" in card.text
        assert "Add description" in [label for label, _ in card.buttons]
        labels = [label for label, _ in card.buttons]
        assert "Start" in labels and "Complete" in labels
        assert all(len(data.encode()) <= 64 for _, data in card.buttons)

        # a reply to the task's message is a comment on the task
        out = await boss.say("Draft is <ready>", reply_to=card)
        assert any("Comment added to #1" in c.text for c in out), [c.text for c in out]

        out = await boss.press("Start")
        assert any("in progress" in c.text.lower() for c in out), [c.text for c in out]
        out = await boss.press("Complete")
        assert any("completed" in c.text.lower() for c in out), [c.text for c in out]

        out = await boss.say("/tasks")
        assert "Tasks" in out[0].text

        if "plan" not in COMMANDS or "gantt" not in COMMANDS:
            pytest.skip("My Plan and the Gantt chart are not in the registry yet")
        await boss.say("/task Review the budget tomorrow 10:00")
        out = await boss.say("/plan")
        assert "My Plan" in out[0].text
        labels = [label for label, _ in out[0].buttons]
        assert "New (1)" in labels and "Today (0)" in labels, labels
        await boss.press("New")
        out = await boss.press("Review the budget")
        assert any("→" in label for label, _ in out[-1].buttons)
        out = await boss.press("→ This week")
        assert any("Moved to <b>This week</b>" in c.text for c in out), [c.text for c in out]

        out = await boss.say("/gantt")
        photos = [c for c in out if c.method == "sendPhoto"]
        assert photos and photos[0].files["photo"].startswith(b"\x89PNG")


async def test_dialog_survives_a_restart_and_cancel(sqlite_url: str, fake: FakeTelegram) -> None:
    boss = Chat(fake, Person(101, "Boss", "en"))
    async with running(sqlite_url, fake):
        await boss.say("/start", expect=2)
        out = await boss.say("/groups new")
        assert "Name of the new group?" in out[-1].text
    async with running(sqlite_url, fake):  # a new process, the same database
        out = await boss.say("Marketing")
        assert "Open to everyone in the team, or closed?" in out[-1].text
        out = await boss.press("Closed")
        assert "Group <b>Marketing</b> created." in out[-1].text
        out = await boss.say("/groups new")
        out = await boss.say("/cancel")
        out = await boss.say("Not a group name")
        assert "Send /help" in out[-1].text


async def test_notifications_reach_the_private_chat_and_403_deactivates(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    from sqlalchemy import select

    from models.teams import Identity
    from scheduler.dispatcher import UNLIMITED, Dispatcher

    async with running(sqlite_url, fake) as adapter:
        boss = Chat(fake, Person(101, "Boss", "en"))
        await boss.say("/start", expect=2)
        out = await boss.say("/invite")
        code = out[0].text.split("?start=", 1)[1].split('"', 1)[0]
        anna = Chat(fake, Person(202, "Anna", "ru"))
        await anna.say(f"/start {code}", expect=2)
        await boss.say("/groups new Design closed")
        await boss.say("/groups add Design @Anna")

        dispatcher = Dispatcher(
            adapter.workspace.sessionmaker,
            {"telegram": adapter.sender},
            limits={"telegram": UNLIMITED},
        )
        before = len(anna.replies())
        boss_before = len(boss.replies())
        assert await dispatcher.drain() == 2  # Anna's, and Boss hears that she joined
        note = anna.replies()[before:]
        assert len(note) == 1 and "<b>Boss</b>" in note[0].text and "Design" in note[0].text
        told = boss.replies()[boss_before:]
        assert [m.text for m in told] == ["<b>Anna</b> joined the team with your invite."], told

        # Anna blocks the bot: the next notification finds her gone
        await boss.say("/groups remove Design @Anna")
        await boss.say("/groups add Design @Anna")
        fake.fail("sendMessage", 403, "Forbidden: bot was blocked by the user")
        await dispatcher.drain()
        async with adapter.workspace.sessionmaker() as session:
            identity = (
                await session.execute(select(Identity).where(Identity.external_id == "202"))
            ).scalar_one()
        assert identity.active is False

        # she unblocks the bot and writes to it: reachable again
        await anna.say("/help")
        await boss.say("/groups remove Design @Anna")
        await boss.say("/groups add Design @Anna")
        before = len(anna.replies())
        assert await dispatcher.drain() == 2  # removed from the group, then added again
        told = [c.text for c in anna.replies()[before:]]
        assert "вы исключены из группы" in told[0] and "вы добавлены в группу" in told[1], told


async def test_csv_import_through_a_telegram_document(sqlite_url: str, fake: FakeTelegram) -> None:
    if "import" not in COMMANDS:
        pytest.skip("the CRM import is not in the registry yet")
    fake.files["documents/csv1"] = (
        b"name,phone,email\nAnna,+7 900 000-00-01,a@x.ru\nBoris,+7 900 000-00-02,b@x.ru\n"
    )
    document = {
        "file_id": "csv1",
        "file_unique_id": "csv1u",
        "file_name": "leads.csv",
        "mime_type": "text/csv",
        "file_size": 80,
    }
    async with running(sqlite_url, fake):
        boss = Chat(fake, Person(101, "Boss", "en"))
        await boss.say("/start", expect=2)
        out = await boss.say("/import leads")
        assert "Send the CSV file" in out[-1].text
        out = await boss.say("", document=document)
        assert "Import preview: leads.csv" in out[-1].text and "New: 2" in out[-1].text
        assert fake.by_method("getFile")[-1].data["file_id"] == "csv1"
        out = await boss.press("Import all")
        assert "Imported leads: 2" in out[-1].text


async def test_a_slot_booked_twice_from_the_same_list_is_refused(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """Boss books a slot from /slots, then presses the same Book button on the same
    list again: the slot is taken now, so he is told so, before being asked a title,
    and no second meeting is made at that time."""
    from sqlalchemy import func, select

    from models.calendar import Event

    async with running(sqlite_url, fake) as adapter:
        boss = Chat(fake, Person(103, "Boss", "en"))
        await boss.say("/start", expect=2)
        out = await boss.say("/invite")
        code = out[0].text.split("?start=", 1)[1].split('"', 1)[0]
        anna = Chat(fake, Person(204, "Anna", "en"))
        await anna.say(f"/start {code}", expect=2)
        await boss.say("/slots @Anna next week 60m")
        out = await boss.press("Book")
        assert "What is the meeting called?" in out[-1].text, out[-1].text
        out = await boss.say("Interview")
        assert "Event created" in out[-1].text, out[-1].text
        out = await boss.press("Book")  # the first button of the same, older list
        assert "This slot is no longer free for everyone." in out[-1].text, out[-1].text
        async with adapter.workspace.sessionmaker() as session:
            count = (await session.execute(select(func.count()).select_from(Event))).scalar_one()
        assert count == 1


async def test_a_console_person_links_their_telegram_account(
    db_url: str, fake: FakeTelegram
) -> None:
    """A code asked for in the console, sent with /start from Telegram by someone the bot
    does not know there: the Telegram account is the same person, with her tasks."""
    from tests.console_driver import ConsoleDriver, invite_code

    async with running(db_url, fake) as adapter:
        boss = ConsoleDriver(adapter.app, user="Boss")
        await boss.say("/start")
        anna = ConsoleDriver(adapter.app, user="Anna", lang="ru")
        await anna.say(f"/start {invite_code(await boss.say('/invite'))}")
        await boss.say("/task Review PR tomorrow 15:00 @Anna")
        out = await anna.say("/me link")
        assert "Ваш код привязки:" in out and "В течение 10 минут" in out, out
        link = out.split("/me link ", 1)[1].split()[0]

        phone = Chat(fake, Person(303, "Anna P", "ru", username="anna_p"))
        out = await phone.say(f"/start {link}")
        assert "Готово: теперь этот аккаунт принадлежит пользователю <b>Anna</b>" in out[0].text
        out = await phone.say("/tasks")
        assert "(1)" in out[0].text, out[0].text
        assert any("Review PR" in label for label, _ in out[0].buttons), out[0].buttons
        out = await phone.say(f"/start {link}")  # used once
        assert "Этот код привязки неверен или устарел." in out[0].text, out[0].text


async def _ivans(adapter: Any, fake: FakeTelegram) -> tuple[Chat, str, dict[str, int]]:
    """Boss (@boss) and Ivan (@ivan) in Telegram, another Ivan, Petr Orlov and Petr
    Sokolov from the console (no @username): the boss's chat, an invite code, the ids."""
    from sqlalchemy import select

    from models.teams import Identity
    from tests.console_driver import ConsoleDriver

    boss = Chat(fake, Person(101, "Boss", "en", username="boss"))
    await boss.say("/start", expect=2)
    out = await boss.say("/invite")
    code = out[0].text.split(f"https://t.me/{BOT_USERNAME}?start=", 1)[1].split('"', 1)[0]
    await Chat(fake, Person(206, "Ivan", "en", username="ivan")).say(f"/start {code}", expect=2)
    for name in ("Ivan", "Petr Orlov", "Petr Sokolov"):
        await ConsoleDriver(adapter.app, user=name).say(f"/start {code}")
    async with adapter.workspace.sessionmaker() as session:
        rows = await session.execute(select(Identity.external_id, Identity.user_id))
        ids = {str(external): int(user) for external, user in rows.all()}
    return boss, code, {"@ivan": ids["206"], "Ivan": ids["ivan"]}


async def _task_people(adapter: Any, task_id: int) -> tuple[int, list[tuple[int, str]]]:
    """A task's responsible and its other people (id, role), as the database holds them."""
    from sqlalchemy import select

    from models.tasks import Task, TaskMember

    async with adapter.workspace.sessionmaker() as session:
        task = await session.get(Task, task_id)
        assert task is not None
        rows = await session.execute(
            select(TaskMember.user_id, TaskMember.role).where(TaskMember.task_id == task_id)
        )
        return task.responsible_id, sorted((int(u), str(r)) for u, r in rows.all())


async def test_an_exact_username_wins_over_a_namesake_in_commands(
    db_url: str, fake: FakeTelegram
) -> None:
    """Ivan (@ivan) in Telegram and another Ivan who joined from the console: "@ivan" (any
    case) in a command is Ivan (@ivan), as Telegram reads a mention; the bare name "ivan"
    is asked about, the buttons say which is which, and the pick is taken; an @name that
    is nobody's @username but several people's name is asked about as before."""
    async with running(db_url, fake) as adapter:
        boss, _code, ids = await _ivans(adapter, fake)
        out = await boss.say("/task Call the client tomorrow 15:00 @ivan")
        text = "\n".join(c.text for c in out)
        assert "Several people match" not in text and "Task #1 created." in text, text
        assert await _task_people(adapter, 1) == (ids["@ivan"], [])
        # a co-executor, and an observer: the same
        out = await boss.say("/task Send the offer tomorrow 16:00 @Boss @IVAN")
        text = "\n".join(c.text for c in out)
        assert "Several people match" not in text and "Task #2 created." in text, text
        assert (await _task_people(adapter, 2))[1] == [(ids["@ivan"], "accomplice")]
        out = await boss.say("/task 2 watch @Ivan")
        assert "Several people match" not in "\n".join(c.text for c in out)
        assert (ids["@ivan"], "auditor") in (await _task_people(adapter, 2))[1]
        # the bare name is no surer than a namesake's @username: asked, and the pick taken
        out = await boss.say("/task 1 delegate ivan")
        text = "\n".join(c.text for c in out)
        assert "Several people match <b>ivan</b>. Whom do you mean?" in text, text
        labels = [label for c in out for label, _ in c.buttons]
        assert "Ivan (@ivan) · Telegram · employee" in labels, labels
        assert "Ivan · console · employee" in labels, labels
        await boss.press("Ivan · console")
        assert (await _task_people(adapter, 1))[0] == ids["Ivan"]
        # "@petr" is nobody's @username and two people's first name: asked
        out = await boss.say("/task Book the venue tomorrow 17:00 @petr")
        text = "\n".join(c.text for c in out)
        assert "Several people match <b>@petr</b>." in text, text
        labels = [label for c in out for label, _ in c.buttons]
        assert "Petr Orlov" in labels and "Petr Sokolov" in labels, labels


async def test_an_extranet_members_at_username_finds_only_people_they_see(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """Ivan (@ivan) is outside Partners, the other Ivan in it: a guest of Partners who
    writes "@ivan" gets the Ivan they work with, never the one hidden from them."""
    from tests.console_driver import ConsoleDriver

    async with running(sqlite_url, fake) as adapter:
        boss, _code, ids = await _ivans(adapter, fake)
        await boss.say("/groups new Partners")
        await boss.say("/groups add Partners ivan")
        await boss.press("Ivan · console")
        out = await boss.say("/invite extranet Partners")
        code = out[0].text.split(f"https://t.me/{BOT_USERNAME}?start=", 1)[1].split('"', 1)[0]
        guest = ConsoleDriver(adapter.app, user="Guest")
        await guest.say(f"/start {code}")
        out = await guest.say("/task Sign the contract tomorrow 10:00 @ivan")
        assert "Task #1 created." in out and "Several people match" not in out, out
        assert "@ivan" not in out.replace("Sign the contract", ""), out
        assert await _task_people(adapter, 1) == (ids["Ivan"], [])


async def test_a_comments_at_username_reaches_its_owner_among_namesakes(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """Two people called Ivan, one of them @ivan in Telegram: '@ivan' in a comment (which
    cannot ask whom it means) is his, as Telegram reads a mention; he is told of it."""
    from sqlalchemy import select

    from models.outbox import OutboxMessage
    from models.teams import Identity
    from tests.console_driver import ConsoleDriver

    async with running(sqlite_url, fake) as adapter:
        boss = Chat(fake, Person(105, "Boss", "en"))
        await boss.say("/start", expect=2)
        out = await boss.say("/invite")
        code = out[0].text.split("?start=", 1)[1].split('"', 1)[0]
        await Chat(fake, Person(206, "Ivan", "en", username="ivan")).say(f"/start {code}", expect=2)
        await ConsoleDriver(adapter.app, user="Ivan").say(f"/start {code}")
        await boss.say("/task Quarterly report tomorrow 10:00")
        out = await boss.say("/task 1 comment ping @ivan, the numbers are in")
        said = "\n".join(c.text for c in out)
        assert "several people match" not in said, said
        async with adapter.workspace.sessionmaker() as session:
            ivan = await session.scalar(
                select(Identity.user_id).where(Identity.external_id == "206")
            )
            told = (
                await session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == ivan))
            ).all()
        assert any("ping @ivan" in str(row.payload) for row in told), [r.payload for r in told]
        # the same under a post of the feed, and under a calendar event
        await boss.say("/post Offsite next month")
        await boss.say("/post 1 comment @ivan will you book it?")
        await boss.say("/event Planning tomorrow 11:00-12:00 @ivan")
        await boss.say("/event 1 comment @ivan bring the numbers")
        async with adapter.workspace.sessionmaker() as session:
            told = (
                await session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == ivan))
            ).all()
        payloads = [str(row.payload) for row in told]
        assert any("will you book it?" in p for p in payloads), payloads
        # as the one mentioned, not only as a participant of the event
        assert any("mentioned you in" in p and "bring the numbers" in p for p in payloads), payloads


async def test_home_is_the_day_with_where_to_start_under_it(
    db_url: str, fake: FakeTelegram
) -> None:
    """/home in Telegram: the day, and New task / My tasks on the same message, not on a
    message of its own holding a lone "·"."""
    async with running(db_url, fake):
        boss = Chat(fake, Person(101, "Boss", "en", username="boss"))
        await boss.say("/start", expect=2)
        out = await boss.say("/home")
        assert len(out) == 1, [c.text for c in out]
        labels = [label for label, _ in out[0].buttons]
        assert "New task" in labels and "My tasks" in labels, labels
        assert out[0].text.strip() not in ("", "·"), out[0].text
