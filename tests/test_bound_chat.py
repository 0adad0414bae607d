"""A group chat bound to a workgroup speaks for the group: posts, polls and events
made there are the group's, and its members only hear of them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.app import App
from handlers.events import ChatRef, Incoming, Sender
from handlers.markup import to_plain
from handlers.views import View
from models.calendar import Event
from models.feed import Post
from models.outbox import OutboxMessage
from models.tasks import Task
from models.teams import User
from tests.console_driver import ConsoleDriver, bind_room, invite_code


async def test_posts_polls_and_events_in_a_bound_chat_stay_in_the_group(
    sqlite_app: App,
) -> None:
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    code = invite_code(await anna.say("/invite"))
    for name in ("Boss", "Petr"):
        await ConsoleDriver(sqlite_app, user=name, lang="en").say(f"/start {code}")
    await anna.say("/groups new Secret closed")
    await anna.say("/groups add Secret Boss")
    ws = sqlite_app.workspace
    chat = ChatRef(platform="console", chat_id="room-secret", private=False)
    sender = Sender(external_id="anna", name="Anna")

    async def say(command: str, args: str = "") -> str:
        views = await ws.handle(
            Incoming(chat=chat, sender=sender, kind="command", command=command, args=args)
        )
        return "\n".join(to_plain(v.body) for v in views)

    await say("bind", "Secret")
    out = await say("post", "Salary review results are in")
    assert "Posted; it reached 1 person." in out  # Boss, the group's other member
    out = await say("poll", "Offsite? | Yes | No")
    out = await say("event", "Secret sync tomorrow 10:00")
    assert "Group: Secret" in out
    out = await say("events")
    assert "Secret sync" in out

    async with ws.sessionmaker() as session:
        rows = await session.execute(
            select(User.name, OutboxMessage.payload)
            .join(User, User.id == OutboxMessage.user_id)
            .where(OutboxMessage.kind.in_(("post", "invitation")))
        )
        reached = {name for name, _payload in rows.all()}
    assert reached == {"Boss"}  # Secret's other member; not Petr
    out = await ConsoleDriver(sqlite_app, user="Petr", lang="en").say("/feed")
    assert "Salary review" not in out and "Offsite?" not in out


async def test_times_in_a_group_chat_name_their_zone(sqlite_app: App) -> None:
    """A group chat's people live anywhere: the times it is shown name their zone;
    a private chat's are the reader's own and stay bare."""
    from handlers.views import View

    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en", timezone="Europe/Berlin")
    await anna.say("/start")
    await anna.say("/groups new Design")
    ws = sqlite_app.workspace
    chat = ChatRef(platform="console", chat_id="room-design", private=False)
    sender = Sender(external_id="anna", name="Anna")
    views = await ws.handle(
        Incoming(chat=chat, sender=sender, kind="command", command="bind", args="Design")
    )
    views = await ws.handle(
        Incoming(
            chat=chat, sender=sender, kind="command", command="event", args="Review tomorrow 10:00"
        )
    )
    shown = "\n".join(to_plain(v.body) for v in views)
    assert "When: tomorrow 10:00–11:00 (CET)" in shown, shown  # in the chat it was typed in
    out = await anna.say("/event Retro tomorrow 15:00 #Design")
    assert "When: tomorrow 15:00–16:00\n" in out, out  # her own chat: her own zone
    async with ws.sessionmaker() as session:
        rows = (
            (
                await session.execute(
                    select(OutboxMessage.payload).where(OutboxMessage.user_id.is_(None))
                )
            )
            .scalars()
            .all()
        )
    notices = [to_plain(View.from_dict(p).body) for p in rows]
    assert any(
        "Anna plans Retro for the group, tomorrow 15:00–16:00 (CET). Will you come?" in n
        for n in notices
    ), notices  # no "invites you" to a whole chat


class Room:
    """A group chat on the console: who says or presses what, and the views it gets."""

    def __init__(self, app: App, chat_id: str) -> None:
        self.ws = app.workspace
        self.chat = ChatRef(platform="console", chat_id=chat_id, private=False)

    async def send(self, who: str, **kwargs: Any) -> list[Any]:
        sender = Sender(external_id=who.casefold(), name=who)
        return await self.ws.handle(Incoming(chat=self.chat, sender=sender, **kwargs))

    async def say(self, who: str, command: str, args: str = "") -> list[Any]:
        return await self.send(who, kind="command", command=command, args=args)

    async def press(self, who: str, action: str) -> list[Any]:
        return await self.send(who, kind="action", action=action)


def action_of(views: list[Any], start: str) -> str:
    return next(
        b.action for v in views for row in v.buttons for b in row if b.action.startswith(start)
    )


def shown(views: list[Any]) -> str:
    return "\n".join(to_plain(v.body) for v in views)


async def calendar_room(app: App) -> Room:
    """Anna (Berlin, the team's first) and Boris (Yekaterinburg) are in Design, bound to
    a chat; Petr is not. Anna plans 12 of Design's meetings there, one with Petr too."""
    anna = ConsoleDriver(app, user="Anna", lang="en", timezone="Europe/Berlin")
    await anna.say("/start")
    code = invite_code(await anna.say("/invite"))
    await ConsoleDriver(app, user="Boris", lang="ru", timezone="Asia/Yekaterinburg").say(
        f"/start {code}"
    )
    await ConsoleDriver(app, user="Petr", lang="en", timezone="Europe/Berlin").say(f"/start {code}")
    await anna.say("/groups new Design")
    await anna.say("/groups add Design Boris")
    room = Room(app, "room-design")
    await room.say("Anna", "bind", "Design")
    await room.say("Anna", "event", "Lunch tomorrow 13:00 @Petr")
    for n in range(11):
        await room.say("Anna", "event", f"Review {n} in 3 days {8 + n}:00")
    return room


async def test_a_page_of_the_groups_calendar_stays_the_groups(sqlite_app: App) -> None:
    """Boris (Russian, Yekaterinburg) turns the page of Design's calendar in its chat:
    the chat's message shows the next page of all of it, in the team's language and
    zone, without his own answers; Petr, outside Design, gets his part privately."""
    room = await calendar_room(sqlite_app)
    views = await room.say("Boris", "events")
    (listing,) = views
    assert not listing.private and "Group calendar, four weeks (12)" in shown(views), shown(views)
    assert "(CET)" in shown(views) and "❔" not in shown(views), shown(views)
    turn = action_of(views, "ev:g:")[: -len(":1")] + ":2"

    views = await room.press("Boris", turn)
    (page,) = views
    assert page.edit and not page.private, page
    assert "Group calendar, four weeks (12)" in shown(views), shown(views)
    assert "(CET)" in shown(views) and "UTC+5" not in shown(views), shown(views)
    assert "❔" not in shown(views), shown(views)

    views = await room.press("Petr", turn)
    assert all(v.private and not v.edit for v in views), views
    assert "(1)" in shown(views), shown(views)  # his own part: the lunch he is invited to


async def test_an_answer_in_the_groups_chat_is_told_to_the_one_who_answered(
    sqlite_app: App,
) -> None:
    """Boris opens a meeting from Design's list in its chat and accepts it: his card and
    "You accepted" go to him alone, not as a card in his zone into the group."""
    room = await calendar_room(sqlite_app)
    views = await room.say("Boris", "events")
    opened = await room.press("Boris", action_of(views, "ev:o:"))
    assert opened and all(v.private for v in opened), opened
    answered = await room.press("Boris", action_of(opened, "ev:y:"))
    assert answered and all(v.private for v in answered), answered
    assert "Вы приняли приглашение." in shown(answered), shown(answered)


async def test_a_slot_booked_in_a_bound_chat_is_the_groups(sqlite_app: App) -> None:
    """A free slot booked from Design's chat is Design's meeting, as /event typed there."""
    room = await calendar_room(sqlite_app)
    views = await room.say("Anna", "slots", "@Boris next week")
    asked = await room.press("Anna", action_of(views, "sl:b:"))
    assert "What is the meeting called?" in shown(asked), shown(asked)
    views = await room.send("Anna", kind="text", args="Interview")
    assert "Group: Design" in shown(views), shown(views)
    views = await room.say("Boris", "events")
    assert "Group calendar, four weeks (13)" in shown(views), shown(views)


async def test_a_bound_chat_hears_of_its_groups_tasks(sqlite_app: App) -> None:
    """A new task of the group, one completed and one overdue are said in the chats
    bound to it (through the outbox, as the group's posts are), in the team's language,
    with Open only; not in the chat the task was made in, which shows it already."""
    from datetime import timedelta

    from models.base import utcnow
    from scheduler import planner

    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    code = invite_code(await anna.say("/invite"))
    petr = ConsoleDriver(sqlite_app, user="Petr", lang="ru")
    await petr.say(f"/start {code}")
    await anna.say("/groups new Design")
    await anna.say("/groups add Design Petr")
    ws = sqlite_app.workspace
    chat = ChatRef(platform="console", chat_id="room-design", private=False)
    await ws.handle(
        Incoming(
            chat=chat,
            sender=Sender(external_id="anna", name="Anna"),
            kind="command",
            command="bind",
            args="Design",
        )
    )

    async def said_in_the_group() -> list[tuple[str, list[str]]]:
        async with ws.sessionmaker() as session:
            rows = await session.execute(
                select(OutboxMessage.payload)
                .where(OutboxMessage.user_id.is_(None), OutboxMessage.kind == "task")
                .order_by(OutboxMessage.id)
            )
            views = [View.from_dict(p) for p in rows.scalars()]
        return [(to_plain(v.body), [b.action for r in v.buttons for b in r]) for v in views]

    await anna.say("/task #Design Redesign onboarding @Petr")
    await anna.say("/task Buy milk")  # no group's: no chat hears of it
    assert await said_in_the_group() == [
        (
            "Anna created a task of the group; Petr is responsible.\n#1 Redesign onboarding\n"
            "Deadline: no deadline",
            ["t:o:1"],
        )
    ]
    await petr.say("/task 1 complete")
    assert (await said_in_the_group())[-1] == (
        "Petr completed the task.\nRedesign onboarding",
        ["t:o:1"],
    )  # in the team's language, whoever did it

    await anna.say("/task #Design Send the mockups @Petr in 1 hour")
    await planner.tick(ws.sessionmaker, now=utcnow() + timedelta(hours=1, minutes=5))
    await planner.tick(ws.sessionmaker, now=utcnow() + timedelta(hours=1, minutes=6))
    news = await said_in_the_group()
    overdue = [text for text, _ in news if "overdue" in text]
    assert len(overdue) == 1 and "Send the mockups" in overdue[0], news


async def test_the_new_task_form_in_a_bound_chat_makes_the_groups_task(
    sqlite_app: App,
) -> None:
    """/task alone and the New task button, in a chat bound to a group, ask no group and
    make the group's task, as /task TITLE typed there does."""

    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    await anna.say("/groups new Design")
    room = Room(sqlite_app, "room-design")
    await room.say("Anna", "bind", "Design")
    asked = shown(await room.say("Anna", "task"))
    assert "Which group" not in asked and "What needs to be done?" in asked, asked
    for answer in ("Draw the logo", "me", "-", "-"):
        await room.send("Anna", kind="text", args=answer)
    asked = shown(await room.press("Anna", "tc"))
    assert "Which group" not in asked and "What needs to be done?" in asked, asked
    for answer in ("Pick the fonts", "me", "-", "-"):
        await room.send("Anna", kind="text", args=answer)
    async with sqlite_app.workspace.sessionmaker() as session:
        rows = (await session.execute(select(Task.title, Task.group_id))).all()
    assert sorted(rows) == [("Draw the logo", 1), ("Pick the fonts", 1)], rows


async def test_bind_in_a_chat_bound_to_an_archived_group_says_it_is_archived(
    sqlite_app: App,
) -> None:
    """/bind's status names the bound group as archived, and how to bring it back."""
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    await anna.say("/groups new Design")
    await anna.say("/groups new Ops")
    room = Room(sqlite_app, "room-design")
    await room.say("Anna", "bind", "Design")
    said = shown(await room.say("Anna", "bind"))
    assert "This chat is bound to the group Design." in said and "archived" not in said, said
    await anna.say("/groups archive Design")
    said = shown(await room.say("Anna", "bind"))
    assert "This chat is bound to the group Design." in said, said
    assert "Design is archived" in said and "/groups restore Design" in said, said
    said = shown(await room.say("Anna", "bind", "Design"))
    assert "Design is archived" in said, said


async def test_the_groups_cards_and_lists_keep_the_teams_zone_whoever_asks(
    sqlite_app: App,
) -> None:
    """Boris (Yekaterinburg) opens Design's task, lists its tasks and likes its post in
    its chat: everyone's messages there stay in the team's zone (Anna's Berlin, named),
    as the group's calendar does, not in the zone of whoever asked or pressed."""
    room = await calendar_room(sqlite_app)
    views = await room.say("Anna", "task", "Deploy release tomorrow 15:00 @Boris")
    assert "tomorrow 15:00 (CET)" in shown(views), shown(views)

    views = await room.say("Boris", "task", "1")
    card = next(v for v in views if not v.private)
    assert "tomorrow 15:00 (CET)" in to_plain(card.body), shown(views)
    assert "UTC+5" not in to_plain(card.body), shown(views)

    views = await room.say("Boris", "tasks")
    (listing,) = [v for v in views if not v.private]
    labels = [b.label for row in listing.buttons for b in row]
    assert any("Deploy release · tomorrow 15:00 (CET)" in label for label in labels), labels

    views = await room.say("Anna", "post", "Release on Friday")
    views = await room.press("Boris", action_of(views, "fd:l:"))
    (card,) = [v for v in views if not v.private]
    assert card.edit and "(CET)" in to_plain(card.body), shown(views)
    assert "UTC+5" not in to_plain(card.body), shown(views)


async def test_a_dropped_form_is_told_to_its_owner_not_on_the_groups_list(
    sqlite_app: App,
) -> None:
    """Boris leaves a question open in Design's chat and asks for the group's tasks
    there: the list stays everyone's, in the team's language; that his form was dropped
    is said to him alone, in Russian."""
    room = await calendar_room(sqlite_app)
    asked = await room.say("Boris", "task")
    assert "asks" in asked[0].meta, shown(asked)
    views = await room.say("Boris", "tasks")
    (listing,) = [v for v in views if not v.private]
    assert to_plain(listing.body).startswith("Tasks of"), shown(views)
    (note,) = [v for v in views if v.private]
    assert "Незаконченная форма" in to_plain(note.body), shown(views)


async def test_archiving_and_restoring_a_group_is_told_to_its_members_and_chat(
    sqlite_app: App,
) -> None:
    """Anna archives Design, then brings it back: Boris, a member, hears of both (in
    Russian), and so does Design's chat, in the team's language; Petr, outside, hears
    of neither."""
    room = await calendar_room(sqlite_app)
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en", timezone="Europe/Berlin")
    await anna.say("/groups archive Design")
    out = await anna.say("/groups restore Design")
    assert "Design is back from the archive." in out, out
    async with room.ws.sessionmaker() as session:
        rows = await session.execute(
            select(User.name, OutboxMessage.payload)
            .outerjoin(User, User.id == OutboxMessage.user_id)
            .where(OutboxMessage.kind.in_(("group", "group_added")))
            .order_by(OutboxMessage.id)
        )
        told = [(name, to_plain(View.from_dict(payload).body)) for name, payload in rows.all()]
    boris = [text for name, text in told if name == "Boris" and "архив" in text]
    chat = [text for name, text in told if name is None]
    assert len(boris) == 2 and "Anna: группа Design отправлена в архив" in boris[0], told
    assert "Anna: группа Design возвращена из архива" in boris[1], told
    assert chat == [
        "Anna archived the group Design: the project is over. Its tasks, events and files "
        "stay in /tasks, /events and /drive, to read: nothing can be added to them or "
        "changed.",
        "Anna brought the group Design back from the archive: its tasks, events, posts and "
        "files can be added to and changed again.",
    ], told
    assert not [name for name, _text in told if name == "Petr"], told


async def test_a_template_s_group_gives_way_to_the_chat_s(sqlite_app: App) -> None:
    """A task made of a template in a bound chat is the chat's group's, whatever group
    the template has; in an archived group's chat none is made. In a private chat the
    template's group is kept."""
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    await anna.say("/groups new Dev")
    await anna.say("/groups new Design")
    await anna.say("/task Weekly report #Dev")
    await anna.say("/task 1 template Rep")
    room = Room(sqlite_app, "room-design")
    await room.say("Anna", "bind", "Design")
    views = await room.say("Anna", "task", "from Rep")
    assert "Task #2 created." in shown(views) and "Group: Design" in shown(views), shown(views)
    out = await anna.say("/task from Rep")
    assert "Task #3 created." in out and "Group: Dev" in out, out

    await anna.say("/groups archive Design")
    views = await room.say("Anna", "task", "from Rep")
    assert "Design is archived" in shown(views) and "created" not in shown(views), shown(views)
    out = await anna.say("/tasks")
    assert "#4" not in out, out
    assert "Tasks — I do (3)" in out, out  # #1 to #3 only: the list shows no numbers


async def test_a_bound_chat_hears_its_groups_event_cancelled_or_renamed(
    sqlite_app: App,
) -> None:
    """A new title or place of a group's event, and its cancellation, are said in the
    chat bound to the group, as its moves are; a new description alone is not, nor a
    change made in that chat (its reply shows it)."""
    from tests.test_calendar_e2e import group_chat_news

    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    await anna.say("/groups new Design")
    room = Room(sqlite_app, "room-design")
    await room.say("Anna", "bind", "Design")
    await anna.say("/event Retro tomorrow 15:00 #Design")
    told = len(await group_chat_news(sqlite_app))  # the invitation
    await anna.press("Edit")
    await anna.say("Retrospective")
    await anna.say("Room 5")
    await anna.press("Skip")
    assert (await group_chat_news(sqlite_app))[told:] == [
        "Anna changed Retrospective: title, place."
    ]
    await anna.say("/event 1")
    await anna.press("Edit")
    await anna.press("Skip")
    await anna.press("Skip")
    out = await anna.say("Bring the sticky notes")
    assert "Bring the sticky notes" in out, out
    assert len(await group_chat_news(sqlite_app)) == told + 1  # not for a description
    await anna.say("/event 1")
    await anna.press("Cancel event")
    await anna.press("Yes, cancel it")
    assert (await group_chat_news(sqlite_app))[told + 1 :] == ["Anna cancelled Retrospective."]

    views = await room.say("Anna", "event", "Sync tomorrow 10:00")
    told = len(await group_chat_news(sqlite_app))
    said = await room.press("Anna", action_of(views, "ev:xs:"))
    said = await room.press("Anna", action_of(said, "ev:xy:"))
    assert "You cancelled Sync." in shown(said), shown(said)
    assert len(await group_chat_news(sqlite_app)) == told  # shown here, not posted again


async def test_who_may_not_see_a_bound_chats_group_is_refused_there(sqlite_app: App) -> None:
    """In a chat bound to a closed group, a team member outside it and someone of another
    team are refused, to them alone, and nothing is made: never a team-wide post or task
    (nor the other team's) whose card would show in the group's chat."""
    from models.tasks import Task

    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    code = invite_code(await anna.say("/invite"))
    await ConsoleDriver(sqlite_app, user="Olga", lang="en").say(f"/start {code}")
    await ConsoleDriver(sqlite_app, user="Boris", lang="en").say("/start")  # his own team
    await anna.say("/groups new Design closed")
    ws = sqlite_app.workspace
    chat = ChatRef(platform="console", chat_id="room-design", private=False)

    async def say(who: str, command: str, args: str = "") -> list[View]:
        sender = Sender(external_id=who.casefold(), name=who)
        return await ws.handle(
            Incoming(chat=chat, sender=sender, kind="command", command=command, args=args)
        )

    await say("Anna", "bind", "Design")
    refusals = {
        "Olga": "You are not a member of Design, and commands in this chat act on it. "
        "Send me yours in a private chat.",
        "Boris": "This chat belongs to another team: commands here act on that team's "
        "group. Send me yours in a private chat.",
    }
    for who, refusal in refusals.items():
        for command, args in (
            ("post", "hello from " + who),
            ("task", who + " task"),
            ("event", "Sync tomorrow 10:00"),
            ("poll", "Lunch? | Pizza | Sushi"),
            ("tasks", ""),
            ("feed", ""),
        ):
            views = await say(who, command, args)
            assert [(to_plain(v.body), v.private) for v in views] == [(refusal, True)], (
                who,
                command,
                views,
            )
    async with ws.sessionmaker() as session:
        for table in (Post, Task, Event):
            assert not (await session.execute(select(table))).scalars().all(), table
    views = await say("Anna", "post", "hello Design")  # the group's own members post there
    assert "Posted" in "\n".join(to_plain(v.body) for v in views), views


async def test_new_tasks_of_a_group_are_told_with_numbers_deadlines_and_gathered(
    sqlite_app: App,
) -> None:
    """Each new task of a bound group is told with its number and deadline (in the
    team's zone, named). One person's first new task goes at once; their next ones
    within a minute wait it out together, gathered in one message in the order they
    were made, with a button each; minutes later, the next goes at once again."""
    from datetime import timedelta

    from sqlalchemy import update

    from models.base import utcnow

    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    code = invite_code(await anna.say("/invite"))
    petr = ConsoleDriver(sqlite_app, user="Petr", lang="en")
    await petr.say(f"/start {code}")
    await anna.say("/groups new Sprint")
    await anna.say("/groups add Sprint Petr")
    ws = sqlite_app.workspace
    await bind_room(sqlite_app, "room-sprint", "Sprint", by="anna")

    async def group_rows() -> list[OutboxMessage]:
        async with ws.sessionmaker() as session:
            rows = await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.user_id.is_(None), OutboxMessage.kind == "task")
                .order_by(OutboxMessage.id)
            )
            return list(rows)

    await anna.say("/task #Sprint Write the spec @Petr 03.12.2030 18:00")
    (first,) = await group_rows()
    text = to_plain(View.from_dict(first.payload).body)
    assert text == (
        "Anna created a task of the group; Petr is responsible.\n#1 Write the spec\n"
        "Deadline: 3 Dec 2030 18:00 (MSK)"
    ), text
    assert first.due_at <= utcnow()  # the first of a while goes at once
    await anna.say("/task #Sprint Build the API 05.12.2030 12:00")
    await anna.say("/task #Sprint Review 04.12.2030 12:00 @Petr")
    first_again, row = await group_rows()  # the next ones wait a minute, together
    assert row.due_at > utcnow() + timedelta(seconds=30)
    view = View.from_dict(row.payload)
    assert to_plain(view.body) == (
        "Anna created 2 tasks of the group:\n"
        "• #2 Build the API · Anna · 5 Dec 2030 12:00 (MSK)\n"
        "• #3 Review · Petr · 4 Dec 2030 12:00 (MSK)"
    ), to_plain(view.body)
    assert [(b.label, b.action) for r in view.buttons for b in r] == [
        ("#2", "t:o:2"),
        ("#3", "t:o:3"),
    ]
    await petr.say("/task #Sprint Petr's own task")  # another person's: a message of its own
    rows = await group_rows()
    assert len(rows) == 3 and rows[-1].due_at <= utcnow()
    await anna.say("/task 2 complete")  # news of #2: its gathered "created" goes first
    async with ws.sessionmaker() as session:
        news = list(
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.user_id.is_(None))
                .order_by(OutboxMessage.due_at, OutboxMessage.id)
            )
        )
    texts = [to_plain(View.from_dict(n.payload).body) for n in news]
    made = next(i for i, t in enumerate(texts) if t.startswith("Anna created 2 tasks"))
    done = next(i for i, t in enumerate(texts) if "completed" in t)
    assert made < done and news[made].due_at <= utcnow(), texts
    async with ws.sessionmaker() as session, session.begin():  # minutes later: all went
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.user_id.is_(None))
            .values(due_at=utcnow(), created_at=utcnow() - timedelta(minutes=2))
        )
    await anna.say("/task #Sprint Deploy")
    rows = await group_rows()
    assert len(rows) == 5 and "#5 Deploy" in to_plain(View.from_dict(rows[-1].payload).body)
    assert rows[-1].due_at <= utcnow()


async def test_an_empty_group_calendar_says_how_to_add_an_event(sqlite_app: App) -> None:
    """Nothing planned in the group's four weeks: the chat is told how to add an event,
    in the team's language, and one added there then shows."""
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="ru", timezone="Europe/Berlin")
    await anna.say("/start")
    await anna.say("/groups new Design")
    room = Room(sqlite_app, "room-design")
    await room.say("Anna", "bind", "Design")
    views = await room.say("Anna", "events")
    assert "Календарь группы на четыре недели (0)" in shown(views), shown(views)
    assert "Ничего не запланировано. Добавьте событие: /event" in shown(views), shown(views)
    await room.say("Anna", "event", "Обед завтра 13:00")
    views = await room.say("Anna", "events")
    assert "(1)" in shown(views) and "Ничего не запланировано" not in shown(views), shown(views)
