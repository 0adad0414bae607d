"""The console, end to end: a team set up by its admin, in English and in Russian."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.app import App
from models.calendar import EventAttendee
from models.groups import Group, GroupMember
from models.outbox import OutboxMessage
from models.tasks import Task, TaskMember
from models.teams import User
from tests.console_driver import ConsoleDriver, invite_code


async def test_team_setup_in_english(app: App) -> None:
    boss = ConsoleDriver(app, user="Boss", lang="en")
    out = await boss.say("/start")
    assert "Your team is ready and you are its admin, Boss." in out
    assert "[1] Tasks" in out

    out = await boss.say("/groups new Sales")
    assert "Group Sales created. You are its owner." in out
    out = await boss.say("/groups new Design closed")
    assert "Design — group, closed" in out

    employee_code = invite_code(await boss.say("/invite"))
    out = await boss.press("Invite to a group")
    assert "Which group will the extranet member join?" in out
    out = await boss.press("Design")
    assert "An invite for an extranet member of Design." in out
    extranet_code = invite_code(out)

    anna = ConsoleDriver(app, user="Anna", lang="en")
    out = await anna.say("/groups")
    assert "Send /start to create a team" in out
    out = await anna.say(f"/start {employee_code}")
    assert "Welcome to Boss's team, Anna!" in out
    out = await anna.say("/groups")
    assert "Sales" in out and "Design" not in out  # closed groups stay hidden
    out = await anna.say("/groups join Sales")
    assert "You joined Sales." in out

    guest = ConsoleDriver(app, user="Guest", lang="en")
    out = await guest.say(f"/start {extranet_code}")
    assert "You are an extranet member of the group Design." in out
    out = await guest.say("/groups")
    assert "Design" in out and "Sales" not in out
    out = await guest.say("/groups join Sales")
    assert "There is no group called “Sales”." in out
    out = await guest.say("/invite")
    assert "The command /invite is not available to you." in out

    # the admin adds Anna to the closed group; Anna is notified
    out = await boss.say("/groups add Design @Anna")
    assert "Anna is now a member of Design." in out
    out = await anna.say("/groups members Design")
    assert "Boss added you to the group Design." in out
    assert "Members of Design (3)" in out

    # menu: unpin Tasks, pin CRM
    await boss.say("/menu")
    out = await boss.press("Edit menu")
    assert "📌 Tasks" in out and "○ CRM" in out
    out = await boss.press("Tasks")
    assert "○ Tasks" in out
    out = await boss.press("CRM")
    assert "📌 CRM" in out
    out = await boss.press("Done")
    assert "CRM" in out and "Tasks" not in out

    # language switch
    out = await boss.say("/me lang ru")
    assert "Язык: Русский" in out
    out = await boss.say("/groups")
    assert "Группы (2)" in out


async def test_team_setup_in_russian(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Иван", lang="ru")
    out = await boss.say("/start")
    assert "Ваша команда готова, Иван, вы её администратор." in out
    out = await boss.say("/groups new Продажи")
    assert "Группа Продажи создана. Вы её владелец." in out
    code = invite_code(await boss.say("/invite"))
    petr = ConsoleDriver(sqlite_app, user="Пётр", lang="ru")
    out = await petr.say(f"/start {code}")
    assert "Добро пожаловать, Пётр! Ваша команда — «Команда Иван»." in out
    assert "Ваш часовой пояс — Europe/Moscow; сменить: /me tz ПОЯС." in out  # as it was taken
    out = await petr.say("/groups join продажи")
    assert "Вы вступили в группу Продажи." in out
    out = await petr.say("/me")
    assert "Роль: сотрудник" in out
    out = await petr.press("English")
    assert "Role: employee" in out
    out = await petr.say("/help")
    assert "the commands you can use" in out


async def test_dialog_form_and_cancel(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss")
    await boss.say("/start")
    out = await boss.say("/groups new")
    assert "Name of the new group?" in out
    out = await boss.say("x" * 150)
    assert "That is too long: at most 100 characters." in out
    out = await boss.say("Marketing")
    assert "Open to everyone in the team, or closed?" in out
    out = await boss.say("maybe")
    assert "Answer open or closed." in out
    out = await boss.press("Closed")
    assert "Marketing — group, closed" in out

    out = await boss.say("/me tz")
    assert "Your time zone?" in out
    out = await boss.say("/cancel")
    assert "Cancelled. Nothing was saved." in out
    out = await boss.say("/cancel")
    assert "There is nothing to cancel." in out


async def test_bad_input_gets_clear_answers(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss")
    await boss.say("/start")
    assert "Did you mean /groups?" in await boss.say("/grops")
    assert "Send /help for the list." in await boss.say("/zzzzzz")
    assert "Unknown time zone Mars/Olympus." in await boss.say("/me tz Mars/Olympus")
    assert "Time zone: Asia/Almaty" in await boss.say("/me tz almaty")
    assert "Time zone: UTC+3" in await boss.say("/me tz +03:00")  # as a clock writes it
    assert "Time zone: Asia/Kolkata" in await boss.say("/me tz +05:30")
    assert "This invite code is not valid" in await ConsoleDriver(sqlite_app, user="X").say(
        "/start nope"
    )
    assert "(no button 9)" in await boss.say("9")
    await boss.say("/groups new Sales")
    assert "A group named Sales already exists." in await boss.say("/groups new sales")
    assert "I don't know anyone called Zed in your team." in await boss.say(
        "/groups add Sales @Zed"
    )
    out = await boss.say("/post @Zed Hello there")  # no question the bot would not hear
    assert "I don't know anyone called Zed in your team. Check the name and send" in out


async def test_ambiguous_person_asks_with_buttons(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss")
    await boss.say("/start")
    await boss.say("/groups new Ops")
    await boss.say("/as Anna Ivanova")
    await boss.say("/as Anna Petrova")
    await boss.say("/as Boss")
    out = await boss.say("/groups add Ops anna")
    assert "Several people match anna. Whom do you mean?" in out
    out = await boss.press("Anna Petrova")
    assert "Anna Petrova is now a member of Ops." in out


async def test_console_as_switches_person(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss")
    await boss.say("/start")
    out = await boss.say("/as Kate")
    assert "You are now Kate." in out
    out = await boss.say("/me")
    assert "Kate" in out and "Role: employee" in out


async def test_a_finished_project_is_archived_and_restored(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say(f"/start {invite_code(await boss.say('/invite'))}")
    await boss.say("/groups new Site project")
    await boss.say("/groups add Site @Anna")
    code = invite_code(await boss.say("/invite extranet Site"))
    await boss.say("/task Build landing page #Site @Anna")
    out = await anna.say("/groups archive Site")
    assert "Only the group's owner or a team admin can archive it." in out, out
    out = await boss.say("/groups archive Site")
    assert "Site is archived" in out, out
    out = await anna.say("/groups")
    assert "Groups (0)" in out, out  # out of the list
    assert "Boss archived the group Site: the project is over." in out, out  # and told
    out = await anna.say("/tasks")  # the work stays with its people
    assert "Build landing page" in out, out
    out = await anna.say("/task Another #Site")  # archived, not unknown: who may restore it
    assert "Site is archived; its owner or a team admin can bring it back." in out, out
    assert "Which group is it for?" in out and "no group called" not in out, out
    await anna.say("/cancel")
    out = await boss.say("/task Another #Site")  # and how, to whoever may
    assert "Site is archived. To bring it back: /groups restore Site" in out, out
    await boss.say("/cancel")
    out = await anna.say("/groups Site")
    assert "Site is archived; its owner or a team admin can bring it back." in out, out
    await boss.say("/groups new Secret closed")  # not hers to see: unknown to her
    await boss.say("/groups archive Secret")
    out = await anna.say("/task Peek #Secret")
    assert "There is no group called “Secret”." in out and "archived" not in out, out
    await anna.say("/cancel")
    out = await boss.say("/team invites")
    assert code not in out, out
    carl = ConsoleDriver(sqlite_app, user="Carl", lang="en")
    out = await carl.say(f"/start {code}")
    assert "This invite code is not valid or has expired." in out, out
    out = await anna.say("/groups restore Site")
    assert "There is no archived group called Site." in out, out
    out = await boss.say("/groups restore Site")
    assert "Site is back from the archive." in out, out
    out = await anna.say("/groups")
    assert "Site" in out, out


async def test_archiving_and_restoring_a_group_takes_the_same_few_statements_for_any_events(
    sqlite_app: App,
) -> None:
    """Archiving a group drops its events' queued reminders and restoring it queues them
    again, in a fixed number of statements: a group with 12 coming events takes as many
    as one with 2 (not a round of queries per event)."""
    from sqlalchemy import event as sa_event

    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    for name, count in (("Design", 2), ("Build", 12)):
        await boss.say(f"/groups new {name}")
        for i in range(count):
            await boss.say(f"/event #{name} {name} sync {i} tomorrow {8 + i % 10}:{i:02d}")
    engine = sqlite_app.workspace.sessionmaker.kw["bind"]
    said: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        said.append(statement)

    async def pending() -> list[OutboxMessage]:
        async with sqlite_app.workspace.sessionmaker() as session:
            rows = await session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.kind == "reminder", OutboxMessage.status == "pending"
                )
            )
            return list(rows)

    assert len(await pending()) == 14
    statements: dict[str, list[int]] = {}
    sa_event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        for name in ("Design", "Build"):
            for verb in ("archive", "restore"):
                said.clear()
                out = await boss.say(f"/groups {verb} {name}")
                assert name in out, out
                statements.setdefault(verb, []).append(len(said))
                if verb == "archive":  # none of its reminders is left to go out
                    left = [r.dedup_key or "" for r in await pending()]
                    assert len(left) == (12 if name == "Design" else 2), left
    finally:
        sa_event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert len(await pending()) == 14  # all queued again
    archive, restore = statements["archive"], statements["restore"]
    assert archive[0] == archive[1] and restore[0] == restore[1], statements
    assert max(archive) <= 15 and max(restore) <= 30, statements


async def test_the_extranet_invite_picker_offers_only_groups_one_may_invite_to(
    sqlite_app: App,
) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    emma = ConsoleDriver(sqlite_app, user="Emma", lang="en")
    await emma.say(f"/start {invite_code(await boss.say('/invite'))}")
    await boss.say("/groups new Site")
    await boss.say("/groups add Site @Emma")
    out = await emma.say("/invite extranet")
    assert "Only admins and group owners invite extranet members" in out, out
    assert "[1] Site" not in out, out
    out = await emma.say("/invite extranet Site")  # named: whose it is to invite to it
    assert (
        "Only the owner of Site, its moderators or a team admin invite extranet members to it."
        in out
    ), out
    await emma.say("/groups new Mobile")  # hers
    out = await emma.say("/invite extranet")
    assert "Which group will the extranet member join?" in out, out
    assert "Mobile" in out and "Site" not in out, out


async def test_a_group_name_ending_in_a_flag_word_is_kept_whole_in_quotes(
    sqlite_app: App,
) -> None:
    """`/groups new Website project` says it read "project" as the kind; in quotes the
    name is kept whole."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    out = await boss.say("/groups new Website project")
    assert "I read project as the kind of group" in out, out
    assert '/groups new "Website project"' in out and "Group Website created." in out, out
    out = await boss.say('/groups new "Launch project" closed')
    assert "Group Launch project created." in out and "I read" not in out, out
    out = await boss.say('/groups new "Sales team" quickly')
    assert "After the name only closed or project may follow: quickly" in out, out


async def test_only_the_last_words_of_a_group_name_are_its_kind(sqlite_app: App) -> None:
    """`/groups new Private closed` is the closed group Private (one word of each kind is
    read off the end), and a name that is a kind word alone stays the name."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    out = await boss.say("/groups new Private closed")
    assert "Group Private created." in out and "Name of the new group?" not in out, out
    assert "I read closed as the kind of group" in out, out
    out = await boss.say("/groups new Project")
    assert "Group Project created." in out and "I read" not in out, out
    out = await boss.say("/groups new Rebrand closed project")
    assert "Group Rebrand created." in out and "I read closed project as" in out, out
    out = await boss.say("/groups")
    assert "Private" in out and "Project" in out and "Rebrand" in out, out


async def test_typed_skip_and_cancel_work_as_the_buttons(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss")
    await boss.say("/start")
    await boss.say("/task")
    out = await boss.say("cancel")  # where any text is an answer: asked which it is
    assert "Cancel the form, or is “cancel” your answer?" in out, out
    out = await boss.press("Cancel the form")
    assert "Cancelled. Nothing was saved." in out
    assert "Who is responsible?" not in out
    await boss.say("/task")
    out = await boss.say("Stop")  # not a cancel word: a title like any other
    assert "Who is responsible?" in out, out
    out = await boss.say("Cancel")  # at a field with quick picks: the button's word
    assert "Cancelled. Nothing was saved." in out, out
    await boss.say("/task")
    out = await boss.say("skip")  # a title cannot be skipped: asked again
    assert "This one cannot be skipped: type a value, or press Cancel." in out
    assert "What needs to be done?" in out
    await boss.say("Write the spec")
    await boss.say("me")
    await boss.say("No deadline")  # the label of a quick pick, typed
    out = await boss.say("Пропустить")  # the other language's word counts too
    assert "Write the spec" in out and "Пропустить" not in out
    out = await boss.say("/lead")
    await boss.say("Ivan")
    for _ in range(3):
        out = await boss.say("skip")
    assert "Source?" in out
    out = await boss.say("skip")
    assert "Ivan" in out and "skip" not in out.lower()
    out = await boss.say("/lead")
    out = await boss.say("Стоп")  # a name like any other
    assert "Cancelled" not in out and "Stop" not in out, out
    assert "Company?" in out, out  # the form goes on to its next question


async def test_the_cancel_word_may_be_the_answer_where_text_is_typed(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Ольга", lang="ru")
    await olga.say("/start")
    await olga.say("/deal Поддержка 10k RUB")
    out = await olga.press("проиграна")
    assert "Почему сделка проиграна?" in out, out
    out = await olga.say("Отмена")  # the client called the project off
    assert "Отменить форму или «Отмена» — это ваш ответ?" in out, out
    out = await olga.press("Оставить «Отмена»")
    assert "Причина: Отмена" in out, out
    await olga.say("/task")
    out = await olga.say("стоп")
    assert "Отменено" not in out and "Кто ответственный?" in out, out
    out = await olga.say("отмена")  # a field with quick picks: cancels at once
    assert "Отменено. Ничего не сохранено." in out, out


async def test_a_command_in_the_middle_of_a_form(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss")
    await boss.say("/start")
    await boss.say("/task")
    await boss.say("Write the spec")
    out = await boss.say("/help")  # answers, and the form waits where it was
    assert "the commands you can use" in out
    assert "You are still filling in “New task”; /cancel leaves it." in out
    assert "Who is responsible?" in out
    await boss.say("me")
    out = await boss.say("/tasks")  # another command leaves it, and says so
    assert "Your unfinished “New task” was dropped; nothing of it was saved." in out
    out = await boss.say("tomorrow")
    assert "Send /help to see what I can do" in out
    out = await boss.say("/tasks")
    assert "was dropped" not in out and "Write the spec" not in out


async def test_help_for_one_command(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss")
    await boss.say("/start")
    out = await boss.say("/help")
    assert "(every action: /help task)" in out
    out = await boss.say("/help task")
    assert "/task — create a task" in out and "Usage: /task TEXT" in out
    assert "/help task" not in out  # it does not point at itself
    assert "delegate @person" in out and "For example: /task 12 comment" in out
    assert "/events" not in out  # that command alone
    out = await boss.say("/help /tasks")
    assert "/tasks — your tasks" in out and "/task —" not in out
    out = await boss.say("/task help")  # the help, not a task called "help"
    assert "delegate @person" in out and "created" not in out
    # not a command: said so, with the closest one's help, not the whole list
    out = await boss.say("/help xyz")
    assert out.strip() == "Unknown command /xyz. Send /help for the list.", out
    out = await boss.say("/help tsak")
    assert out.strip() == "Unknown command /tsak. Did you mean /help task?", out
    await boss.say("/task Write the spec")
    assert "Unknown action foo. Send /help task for its actions." in await boss.say("/task 1 foo")
    # every command's unknown action names that command's own help, which exists
    for command, help_line in (
        ("crm", "/crm —"),
        ("day", "/day —"),
        ("inbox", "/inbox —"),
        ("plan", "/plan —"),
        ("groups", "/groups —"),
        ("reminders", "/reminders —"),
    ):
        out = await boss.say(f"/{command} foo bar")
        assert f"Unknown action foo. Send /help {command} for its actions." in out, out
        assert help_line in await boss.say(f"/help {command}")
    ru = ConsoleDriver(sqlite_app, user="Olga", lang="ru")
    await ru.say("/start")
    out = await ru.say("/crm foo")
    assert "Неизвестное действие foo. Список действий — /help crm." in out, out
    out = await ru.say("/help task")
    assert "Как писать: /task ТЕКСТ" in out and "передать @человек" in out
    out = await ru.say("/help xyz")
    assert out.strip() == "Неизвестная команда /xyz. Список — в /help.", out
    out = await ru.say("/help tsak")
    assert out.strip() == "Неизвестная команда /tsak. Может быть, /help task?", out


async def test_an_archived_group_is_read_only_until_restored(sqlite_app: App) -> None:
    """Its tasks, events and posts are read as before, but nothing is added to it or
    changed in it (old buttons included), and its reminders stop; restored, all works."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say(f"/start {invite_code(await boss.say('/invite'))}")
    await boss.say("/groups new Site project")
    await boss.say("/groups add Site @Anna")
    await boss.say("/task Build landing page #Site @Anna")
    await boss.say("/post #Site Kickoff on Monday")
    await boss.say("/event Site review tomorrow 15:00 #Site")
    await anna.say("/task 1")
    complete = next(n for n, label in anna.buttons().items() if label == "Complete")
    # cards Anna keeps open in other windows, their buttons pressed once archived
    old_post = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await old_post.say("/feed")
    await old_post.press("Kickoff")
    old_event = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await old_event.say("/events week")
    await old_event.press("Site review")

    async def event_reminders() -> int:
        async with sqlite_app.workspace.sessionmaker() as session:
            keys = await session.scalars(
                select(OutboxMessage.dedup_key).where(
                    OutboxMessage.dedup_key.like("event:%"), OutboxMessage.status == "pending"
                )
            )
            return len(keys.all())

    async def task_open() -> bool:
        async with sqlite_app.workspace.sessionmaker() as session:
            return bool(await session.scalar(select(Task.is_open).where(Task.id == 1)))

    assert await event_reminders() == 2  # Anna's and Boss's
    out = await boss.say("/groups archive Site")
    assert "nothing can be added to it or changed in it" in out, out
    assert await event_reminders() == 0  # its reminders stop

    read_only = (
        "Site is archived: its tasks, events, posts and files can be read, but nothing can "
        "be added or changed until its owner or a team admin brings it back."
    )
    out = await anna.say(str(complete))  # the old Complete button
    assert read_only in out, out
    assert await task_open()
    out = await anna.say("/task 1")  # read as before
    assert "Build landing page" in out and "Group: Site" in out, out
    out = await anna.say("/task 1 sub Fix the header")  # a task added to the group
    assert read_only in out, out
    out = await boss.say("/task 1 sub Fix the header")  # who may restore is told how
    assert "nothing can be added or changed. To bring it back: /groups restore Site" in out
    out = await old_post.press("Comment")  # refused before the comment is typed
    assert read_only in out and "Your comment?" not in out, out
    out = await boss.say("/event Retro tomorrow 16:00 #Site")
    assert "Site is archived. To bring it back: /groups restore Site" in out, out
    await boss.say("/cancel")
    out = await anna.say("/events week")
    assert "Site review" in out, out
    out = await old_event.press("Accept")
    assert read_only in out, out

    out = await boss.say("/groups restore Site")
    assert "Site is back from the archive." in out, out
    assert await event_reminders() == 2  # reminded again
    await anna.say("/task 1")
    out = await anna.press("Complete")
    assert "completed" in out and "archived" not in out, out
    assert not await task_open()
    out = await anna.say("/task 1 sub Fix the header")
    assert "created" in out, out
    await anna.say("/feed")
    await anna.press("Kickoff")
    await anna.press("Comment")
    out = await anna.say("Ready")
    assert "Comment added." in out, out
    out = await boss.say("/event Retro tomorrow 16:00 #Site")
    assert "Event created" in out, out


async def test_an_archived_groups_things_are_listed_to_read(sqlite_app: App) -> None:
    """/tasks #Site, /events #Site, /feed #Site and /drive #Site list an archived
    group's things as before (reading it works); only adding to it is refused."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/groups new Site project")
    await boss.say("/task Build landing page #Site")
    await boss.say("/post #Site Kickoff on Monday")
    await boss.say("/event Site review tomorrow 15:00 #Site")
    await boss.say("/groups archive Site")

    out = await boss.say("/tasks #Site")
    assert "Tasks of Site (1)" in out and "Build landing page" in out, out
    out = await boss.say("/events #Site")
    assert "Site review" in out and "archived" not in out, out
    out = await boss.say("/feed #Site")
    assert "Feed of Site (1)" in out and "Kickoff on Monday" in out, out
    out = await boss.say("/drive #Site")
    assert "Files" in out and "archived" not in out, out
    out = await boss.say("/gantt #Site")
    assert "archived" not in out and "no group" not in out, out
    out = await boss.say("/post #Site Another one")
    assert "Site is archived" in out, out


async def test_an_archived_groups_cards_offer_only_reading(sqlite_app: App) -> None:
    """A card of an archived group's task, event, post or poll says it is read-only and
    offers only what reads: no Complete, Deadline, Comment, Accept, Like or vote; a
    task's history, time entries and whole comments are read, not changed or answered."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/groups new Site project")
    await boss.say("/task Build landing page #Site")
    await boss.say("/task 1 time 1h")
    await boss.say("/task 1 comment " + " ".join(f"word{i}" for i in range(150)))
    await boss.say("/post #Site Kickoff on Monday")
    await boss.say("/event Site review tomorrow 15:00 #Site")
    await boss.say("/poll #Site Colour? | Red | Blue")
    await boss.say("/groups archive Site")

    def labels() -> set[str]:
        return set(boss.buttons().values())

    out = await boss.say("/task 1")
    assert "Archived group — read only" in out, out
    assert labels() == {"Comments (1)", "Checklist", "Subtasks", "More"}, labels()
    await boss.press("More")
    assert labels() == {"Time entries", "History", "Back"}, labels()
    out = await boss.press("Time entries")
    assert "Time on #1: 1 h" in out and labels() == {"Back"}, labels()
    await boss.press("Back")
    out = await boss.press("History")
    assert "History of #1" in out and labels() == {"Back"}, labels()
    await boss.say("/task 1")
    await boss.press("Comments (1)")
    assert labels() == {"Read whole: Boss", "Back"}, labels()
    out = await boss.press("Read whole: Boss")
    assert "word149" in out and labels() == {"Comments"}, labels()
    await boss.say("/task 1")
    await boss.press("Checklist")
    assert labels() == {"Back"}, labels()

    out = await boss.say("/events #Site")
    out = await boss.press("Site review")
    assert "Archived group — read only" in out and not labels(), labels()

    await boss.say("/feed #Site")
    out = await boss.press("Kickoff")
    assert "Archived group — read only" in out and not labels(), labels()
    await boss.say("/feed #Site")
    out = await boss.press("Colour?")
    assert "Archived group — read only" in out and labels() == {"Refresh"}, labels()

    await boss.say("/groups restore Site")
    await boss.say("/task 1")
    assert {"Complete", "Deadline", "More"} <= labels(), labels()


async def test_an_archived_groups_old_management_buttons_say_it_is_archived(
    sqlite_app: App,
) -> None:
    """Buttons of a group's card kept from before it was archived (open/close, project
    deadline, extranet invite, members), an invite to it and its timesheet: each says
    the group is archived (or reads it), never "Not found"."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say(f"/start {invite_code(await boss.say('/invite'))}")
    await boss.say("/groups new Site project")
    await boss.say("/groups add Site @Anna")
    old = ConsoleDriver(sqlite_app, user="Boss", lang="en")  # the card in another window
    await old.say("/groups Site")
    pressed = {label: n for n, label in old.buttons().items()}
    await anna.say("/groups Site")
    leave = next(n for n, label in anna.buttons().items() if label == "Leave")
    await boss.say("/groups archive Site")

    archived = "Site is archived: its tasks, events, posts and files can be read, but nothing"
    for label in ("Make closed", "Project deadline", "Invite extranet"):
        out = await old.say(str(pressed[label]))
        assert archived in out, (label, out)
    out = await anna.say(str(leave))
    assert archived in out, out
    out = await old.say(str(pressed["Members"]))
    assert "Members of Site (2)" in out, out
    out = await boss.say("/invite extranet Site")
    assert archived in out, out
    out = await boss.say("/timesheet month #Site")
    assert "Not found" not in out and "archived" not in out and "Anna" in out, out


async def test_the_menu_leads_back_and_its_more_page_opens_the_rest(sqlite_app: App) -> None:
    """Every section the menu opens has « Menu under it, back to the menu; More lists
    what has no section (today, language and zone, reminders, timesheet, team, people,
    invite, help), each opening with the way back too; in English and in Russian."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    for section in ("Tasks", "My Plan", "Time", "Calendar", "Groups", "Inbox"):
        await boss.say("/menu")
        out = await boss.press(section)
        assert "« Menu" in boss.buttons().values(), (section, out)
    out = await boss.press("« Menu")
    assert out.startswith("Menu\n") and "More" in out, out
    out = await boss.press("More")
    labels = [label for label in boss.buttons().values() if label != "« Menu"]
    assert labels == [
        "Today",
        "Language and time zone",
        "Reminders",
        "Timesheet",
        "Team",
        "People",
        "Invite",
        "Help",
    ], out
    for label, said in (
        ("Today", "My day, Boss"),
        ("Language and time zone", "Time zone:"),
        ("Reminders", "Daily report prompt"),
        ("Timesheet", "Timesheet, "),
        ("Team", "Members: 1"),
        ("People", "People (1)"),
        ("Invite", "The newcomer sends: /start"),
        ("Help", "/help [COMMAND]"),
    ):
        await boss.say("/menu")
        await boss.press("More")
        out = await boss.press(label)
        assert said in out and "« Menu" in boss.buttons().values(), (label, out)

    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru")
    await olga.say("/start")
    await olga.say("/menu")
    out = await olga.press("Ещё")
    assert "Язык и часовой пояс" in out and "Справка" in out and "« Меню" in out, out
    out = await olga.press("Язык и часовой пояс")
    assert "Часовой пояс:" in out and "« Меню" in out, out
    out = await olga.press("« Меню")
    assert out.startswith("Меню\n") and "Ещё" in out, out


async def test_an_extranet_members_archived_group_is_named_not_an_invite_asked_for(
    sqlite_app: App,
) -> None:
    """Lucy, an outside member of Site only: while Site is archived her /groups names it,
    read only, instead of telling her to wait for an invite."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/groups new Site project")
    lucy = ConsoleDriver(sqlite_app, user="Lucy", lang="ru")
    await lucy.say(f"/start {invite_code(await boss.say('/invite extranet Site'))}")
    await boss.say("/groups archive Site")
    out = await lucy.say("/groups")
    assert (
        "Ваша группа Site в архиве: её задачи, события и файлы остаются в /tasks, /events "
        "и /drive, только для чтения." in out
    ), out
    assert "не состоите ни в одной группе" not in out, out
    await boss.say("/groups restore Site")
    out = await lucy.say("/groups")
    assert "Группы (1)" in out and "Ваша группа Site в архиве" not in out, out


async def test_a_name_two_people_share_is_asked_about_everywhere(sqlite_app: App) -> None:
    """Two people called Anna: "@anna" picks neither without asking. The question tells
    them apart (platform, group, role), and what was typed is done with the one picked."""
    boss = ConsoleDriver(sqlite_app, user="Boss")
    await boss.say("/start")
    await boss.say("/groups new Ops")
    await boss.say("/as Anna")
    await boss.say("/as Anna Two")
    await boss.say("/as Boss")
    await boss.say("/groups add Ops @Anna Two")
    # two people who joined under one name (/me name refuses a colleague's name now)
    async with sqlite_app.workspace.sessionmaker() as session, session.begin():
        await session.execute(update(User).where(User.name == "Anna Two").values(name="Anna"))
    async with sqlite_app.workspace.sessionmaker() as session:
        ids = dict(
            (await session.execute(select(User.name, User.id).where(User.name != "Boss"))).all()
        )
        second = (
            await session.execute(select(User.id).join(GroupMember).where(User.name == "Anna"))
        ).scalar_one()
    assert len(ids) == 1  # both are called Anna
    out = await boss.say("/task Review PR tomorrow 15:00 @anna")
    assert "Several people match @anna." in out, out
    assert "Anna · console · #Ops · employee" in out and "Anna · console · employee" in out
    out = await boss.press("#Ops")
    assert "Task #1 created." in out, out
    # co-executors, an event's people and /groups add with several names: asked the same
    out = await boss.say("/task Deploy tomorrow 16:00 @Boss @anna")
    assert "Several people match anna." in out and "Whom do you mean?" in out, out
    out = await boss.press("#Ops")
    assert "Task #2 created." in out, out
    out = await boss.say("/event Standup tomorrow 10:00 30m @anna")
    assert "Several people match @anna." in out, out
    out = await boss.press("#Ops")
    assert "Standup" in out, out
    await boss.say("/groups new Dev")
    out = await boss.say("/groups add Dev @Boss @anna")
    assert "Several people match anna." in out, out
    out = await boss.say("Anna · console · employee")  # a button's label, typed
    assert "Anna is now a member of Dev." in out, out
    async with sqlite_app.workspace.sessionmaker() as session:
        tasks_ = (await session.execute(select(Task).order_by(Task.id))).scalars().all()
        helping = (await session.execute(select(TaskMember.user_id, TaskMember.role))).all()
        dev = (
            (
                await session.execute(
                    select(GroupMember.user_id).join(Group).where(Group.name == "Dev")
                )
            )
            .scalars()
            .all()
        )
        guests = (await session.execute(select(EventAttendee.user_id))).scalars().all()
    assert tasks_[0].responsible_id == second
    assert (second, "accomplice") in [(u, str(r)) for u, r in helping]
    assert second in guests
    assert second not in dev and len(dev) == 2


async def test_an_extranet_member_in_no_group_is_not_told_to_create_a_task_there(
    sqlite_app: App,
) -> None:
    """Lucy, taken out of her only group, sees no hint to '/task #group': she is told
    she is in no group and whom to ask."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/groups new Site project")
    lucy = ConsoleDriver(sqlite_app, user="Lucy", lang="en")
    await lucy.say(f"/start {invite_code(await boss.say('/invite extranet Site'))}")
    out = await lucy.say("/tasks")
    assert "Create a task in your group" in out, out
    await boss.say("/groups remove Site @Lucy")
    out = await lucy.say("/tasks")
    assert "Create a task in your group" not in out, out
    assert "You are in no group yet, so a task has nowhere to go." in out, out
