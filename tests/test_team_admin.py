"""Admins run the team's people: roles, removing someone and bringing them back,
and the invites that still work."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from bot.app import App
from models.base import utcnow
from models.groups import GroupMember
from models.tasks import Task
from models.teams import LinkCode, User
from tests.console_driver import ConsoleDriver, invite_code


async def test_roles_removal_and_invites(sqlite_app: App) -> None:
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    code = invite_code(await anna.say("/invite"))
    boris = ConsoleDriver(sqlite_app, user="Boris", lang="en")
    await boris.say(f"/start {code}")
    out = await boris.say("/team remove @Anna")
    assert "You have no right to do that." in out or "admin" in out.lower()

    # each action's example is its own: "/team role" does not suggest a removal
    out = await anna.say("/team role")
    assert "For example: /team role @Boris admin" in out and "remove" not in out
    assert "/team remove @Boris" in await anna.say("/team remove")
    assert "Removed from the team (0)" in await anna.say("/team restore")

    # the last admin stays one; an employee becomes an admin and back
    out = await anna.say("/team role @Anna employee")
    assert "The team needs at least one admin." in out
    out = await anna.say("/team role @Boris admin")
    assert "Boris is admin now." in out
    out = await boris.say("/team role @Boris employee")
    assert "Boris is employee now." in out

    # removing asks first, then the person is out, and cannot start over
    out = await anna.say("/team remove @Boris")
    assert "Remove Boris from the team?" in out
    out = await anna.press("Cancel")
    assert "Nothing was changed." in out
    await anna.say("/team remove @Boris")
    out = await anna.press("Remove Boris")
    assert "Boris was removed from the team." in out
    out = await anna.say("/people")
    assert "People (1)" in out and "Boris" not in out
    out = await boris.say("/tasks")
    assert "You are no longer in the team" in out and "Send /start" not in out, out
    out = await boris.say("/start")
    assert "You are no longer in the team Anna's team. Ask its admin to bring you back." in out
    out = await anna.say("/team remove @Anna")
    assert "You cannot remove yourself; another admin can." in out

    out = await anna.say("/team restore Boris")
    assert "Boris is back in the team." in out
    out = await boris.say("/tasks")
    assert "Tasks" in out and "Send /start" not in out

    # invites that work, and revoking one
    out = await anna.say("/team invites")
    assert "Invites that work (1)" in out and code in out
    out = await anna.press("Revoke")
    assert f"The invite {code} no longer works." in out and "Invites that work (0)" in out
    carl = ConsoleDriver(sqlite_app, user="Carl", lang="en")
    out = await carl.say(f"/start {code}")
    assert "This invite code is not valid or has expired." in out

    out = await anna.say("/team nonsense")
    assert "Unknown word nonsense." in out


async def test_team_admin_in_russian(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Ольга", lang="ru")
    await olga.say("/start")
    code = invite_code(await olga.say("/invite"))
    petr = ConsoleDriver(sqlite_app, user="Пётр", lang="ru")
    await petr.say(f"/start {code}")
    out = await olga.say("/team удалить Пётр")
    assert "Исключить из команды: Пётр?" in out
    out = await olga.press("Исключить: Пётр")
    assert "Пётр больше не в команде." in out


async def test_an_extranet_member_counts_only_the_people_they_see(sqlite_app: App) -> None:
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    code = invite_code(await anna.say("/invite"))
    for name in ("Boris", "Carl", "Dina"):
        await ConsoleDriver(sqlite_app, user=name, lang="en").say(f"/start {code}")
    await anna.say("/groups new Partners")
    guest_code = invite_code(await anna.say("/invite extranet Partners"))
    guest = ConsoleDriver(sqlite_app, user="Guest", lang="en")
    await guest.say(f"/start {guest_code}")
    out = await guest.say("/team")
    assert "Members: 2" in out  # Anna (the group's owner) and the guest, not all five
    out = await anna.say("/team")
    assert "Members: 5" in out


async def test_an_extranet_menu_offers_only_what_they_can_open(sqlite_app: App) -> None:
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    await anna.say("/groups new Partners")
    guest = ConsoleDriver(sqlite_app, user="Guest", lang="en")
    out = await guest.say(f"/start {invite_code(await anna.say('/invite extranet Partners'))}")
    out = await guest.say("/menu")
    assert "Tasks" in out and "Time" not in out
    out = await guest.press("Edit menu")
    assert "Time" not in out and "Tasks" in out
    out = await anna.say("/menu")
    assert "Time" in out


async def test_a_name_typed_with_e_for_yo_is_found(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Ольга", lang="ru")
    await olga.say("/start")
    code = invite_code(await olga.say("/invite"))
    await ConsoleDriver(sqlite_app, user="Пётр", lang="ru").say(f"/start {code}")
    out = await olga.say("/task Позвонить клиенту завтра 15:00 @Петр")
    assert "ответственный Пётр" in out, out


async def test_nobody_takes_a_colleagues_name(sqlite_app: App) -> None:
    """`/me name Boss` by someone else is refused (any case, ё as е, extra spaces), by
    command and in the form, and /people keeps one Boss; one's own name, written
    otherwise, may be taken."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    code = invite_code(await boss.say("/invite"))
    emp = ConsoleDriver(sqlite_app, user="Emp", lang="en")
    await emp.say(f"/start {code}")
    petr = ConsoleDriver(sqlite_app, user="Пётр Иванов", lang="ru")
    await petr.say(f"/start {code}")
    out = await emp.say("/me name Boss")
    assert "Someone in your team is already called Boss." in out, out
    out = await emp.say("/me name  bOSS ")
    assert "already called bOSS" in out, out
    await emp.say("/me name")
    out = await emp.say("boss")
    assert "already called boss" in out and "How should the team call you?" in out, out
    await emp.say("/cancel")
    out = await emp.say("/me name Петр   иванов")
    assert "already called Петр иванов" in out, out
    out = await petr.say("/me name Пётр иванов")  # their own name, written otherwise
    assert "Теперь вас зовут Пётр иванов." in out, out
    out = await emp.say("/me name Петя")
    assert "Теперь" not in out and "Your name is now Петя." in out, out
    out = await boss.say("/people")
    assert out.count("Boss") == 1, out
    async with sqlite_app.workspace.sessionmaker() as session:
        names = set((await session.execute(select(User.name))).scalars())
    assert names == {"Boss", "Петя", "Пётр иванов"}, names


async def test_several_people_added_to_a_group_at_once(sqlite_app: App) -> None:
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    code = invite_code(await anna.say("/invite"))
    for name in ("Petr", "Olga"):
        await ConsoleDriver(sqlite_app, user=name, lang="en").say(f"/start {code}")
    await anna.say("/groups new Sales closed")
    out = await anna.say("/groups add Sales @Petr @Olga")
    assert "Petr is now a member of Sales." in out and "Olga is now a member of Sales." in out
    out = await anna.say("/groups add Sales @Petr @Nobody")
    assert "I don't know anyone called Nobody" in out


async def test_several_people_written_as_people_write_them(sqlite_app: App) -> None:
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="ru")
    await anna.say("/start")
    code = invite_code(await anna.say("/invite"))
    for name in ("Мария Иванова", "Пётр", "Олег"):
        await ConsoleDriver(sqlite_app, user=name, lang="ru").say(f"/start {code}")
    await anna.say("/groups new Sales closed")
    out = await anna.say("/groups add Sales @Мария Иванова, @Петр и @Олег @Петр")
    for name in ("Мария Иванова", "Пётр", "Олег"):
        assert out.count(f"{name} теперь в группе Sales.") == 1, out  # Пётр named twice, added once
    out = await anna.say("/groups add Sales @Олег @Пётр")
    assert out.count("уже") >= 2  # already members: said for each, nothing fails


async def test_what_a_removed_person_handed_out_stops_with_them(sqlite_app: App) -> None:
    zed = ConsoleDriver(sqlite_app, user="Zed", lang="en")
    await zed.say("/start")
    code = invite_code(await zed.say("/invite"))
    yan = ConsoleDriver(sqlite_app, user="Yan", lang="en")
    await yan.say(f"/start {code}")
    await yan.say("/groups new YanGroup")
    guest_code = invite_code(await yan.say("/invite extranet YanGroup"))
    await zed.say("/team remove @Yan")
    out = await zed.press("Remove Yan")
    assert "Yan was removed from the team." in out
    out = await zed.say("/team invites")
    assert guest_code not in out
    outsider = ConsoleDriver(sqlite_app, user="Outsider", lang="en")
    out = await outsider.say(f"/start {guest_code}")
    assert "This invite code is not valid or has expired." in out
    from sqlalchemy import select

    from models.groups import Group
    from models.teams import User

    async with sqlite_app.workspace.sessionmaker() as session:
        owner = await session.scalar(
            select(User.name).join(Group, Group.owner_id == User.id).where(Group.name == "YanGroup")
        )
    assert owner == "Zed"  # the group went to the admin who removed its owner


async def test_help_shows_an_outsider_no_crm_until_granted(sqlite_app: App) -> None:
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    await anna.say("/groups new Partners")
    guest = ConsoleDriver(sqlite_app, user="Guest", lang="en")
    await guest.say(f"/start {invite_code(await anna.say('/invite extranet Partners'))}")
    out = await guest.say("/help")
    assert "/lead" not in out and "/crm" not in out and "/task" in out
    out = await guest.say("/help lead")  # its help is not theirs either
    assert out.strip() == "The command /lead is not available to you.", out
    await anna.say("/crm grant @Guest")
    out = await guest.say("/help")
    assert "/lead" in out
    assert "Usage: /lead" in await guest.say("/help lead")


async def test_roles_are_taken_in_the_words_the_bot_shows(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Босс", lang="ru")
    await boss.say("/start")
    code = invite_code(await boss.say("/invite"))
    anna = ConsoleDriver(sqlite_app, user="Анна", lang="ru")
    out = await anna.say(f"/start {code}")
    assert "Ваша команда — «Команда Босс»" in out and "Ваш часовой пояс" in out, out
    out = await boss.say("/team role @Анна администратор")
    assert "Анна" in out and "администратор" in out and "Например" not in out, out
    out = await boss.say("/team role @Анна что-то")
    assert "Например: /team role @Борис администратор" in out, out


async def test_a_removed_member_hears_that_they_were_removed(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    code = invite_code(await boss.say("/invite"))
    boris = ConsoleDriver(sqlite_app, user="Boris", lang="en")
    await boris.say(f"/start {code}")
    await boris.say("/menu")
    await boss.say("/team remove @Boris")
    await boss.press("Remove")
    out = await boris.press("Tasks")  # an old button, /help and /start say the same
    assert "You are no longer in the team Boss's team. Ask its admin" in out, out
    assert "to create a team" not in out, out
    out = await boris.say("/help")
    assert "You are no longer in the team Boss's team. Ask its admin" in out, out
    assert "to create a team" not in out, out
    out = await boris.say("/today")
    assert "You are no longer in the team" in out and "to create a team" not in out, out
    out = await boris.say("/start")
    assert "You are no longer in the team Boss's team. Ask its admin" in out, out
    stranger = ConsoleDriver(sqlite_app, user="Zoe", lang="en")  # never in a team: /start
    out = await stranger.say("/help")
    assert "Send /start to create a team or to join one with an invite code." in out, out


async def test_someone_who_made_a_team_by_mistake_leaves_it_and_joins_with_the_invite(
    app: App,
) -> None:
    sqlite_app = app  # on both engines: deleting a team cascades in the database
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    code = invite_code(await boss.say("/invite"))
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="en")
    out = await olga.say("/start WRONG")
    assert "/start without a code makes a new team of your own" in out, out
    await olga.say("/start")  # a team of her own, by mistake, with some work in it
    await olga.say("/products add Widget 100 RUB")
    await olga.say("/deal Big order")
    await olga.press("Add product")
    await olga.press("Widget")
    await olga.say("2 pcs")
    out = await olga.say("0%")
    assert "Widget × 2" in out, out  # a product line: its key does not cascade
    await olga.say("/task Call the client tomorrow")
    out = await olga.say(f"/start {code}")
    assert "If you are alone in it, /team leave deletes it" in out, out
    out = await olga.say("/team leave")
    assert "You are alone in it" in out, out
    out = await olga.press("Yes, leave and delete it")
    assert "it is deleted" in out, out
    out = await olga.say(f"/start {code}")
    assert "Welcome to" in out and "Boss's team" in out, out
    out = await boss.say("/team leave")  # not alone: refused at once
    assert "Only someone alone in a team can leave it this way" in out, out
    assert "Yes, leave" not in out, out
    out = await boss.say("/team")
    assert "Members: 2" in out, out  # not alone: the team stays


async def test_someone_removed_and_brought_back_is_out_of_closed_group_events(
    sqlite_app: App,
) -> None:
    alice = ConsoleDriver(sqlite_app, user="Alice", lang="en")
    await alice.say("/start")
    await alice.say("/groups new Board closed")
    bob = ConsoleDriver(sqlite_app, user="Bob", lang="en")
    await bob.say(f"/start {invite_code(await alice.say('/invite'))}")
    await alice.say("/groups add Board @Bob")
    carl = ConsoleDriver(sqlite_app, user="Carl", lang="en")  # an extranet member of Board
    await carl.say(f"/start {invite_code(await alice.say('/invite extranet Board'))}")
    out = await alice.say(
        "/event Board meeting: acquisition of Foo next monday 10:00 1h #Board every mon"
    )
    assert "Event created; 2 people invited." in out, out
    out = await carl.say("/event 1")
    assert "acquisition of Foo" in out and "Accept" in out

    for name in ("Bob", "Carl"):
        await alice.say(f"/team remove @{name}")
        out = await alice.press(f"Remove {name}")
        assert f"{name} was removed from the team." in out
        out = await alice.say(f"/team restore {name}")
        assert f"{name} is back in the team." in out

    # Bob had not read his invitation yet: it does not arrive now either
    out = await bob.say("/groups")
    assert "Groups (0)" in out and "acquisition of Foo" not in out, out
    for person in (bob, carl):
        out = await person.say("/event 1")
        assert "Not found, or you have no access to it." in out and "Accept" not in out, out
        out = await person.say("/events week")
        assert "acquisition of Foo" not in out, out
    await alice.say("/event 1")
    await alice.press("Comment")
    out = await alice.say("The price is 42M")
    assert "Comment added." in out
    for person in (bob, carl):
        out = await person.say("/inbox")
        assert "42M" not in out, out


async def test_only_an_admin_sets_supervisors(sqlite_app: App) -> None:
    alice = ConsoleDriver(sqlite_app, user="Alice", lang="en")
    await alice.say("/start")
    code = invite_code(await alice.say("/invite"))
    bob = ConsoleDriver(sqlite_app, user="Bob", lang="en")
    await bob.say(f"/start {code}")
    carol = ConsoleDriver(sqlite_app, user="Carol", lang="en")
    await carol.say(f"/start {code}")
    await alice.say("/crm access department")
    out = await carol.say("/lead Foo Corp, +7 900 000-00-01")
    assert "Foo Corp" in out, out

    # Bob cannot put himself under Carol to see her department's leads
    refused = "Only a team admin sets supervisors. Ask an admin: /team supervisor"
    out = await bob.say("/me supervisor @Carol")
    assert refused in out, out
    out = await bob.say("/me supervisor")  # not even the question
    assert refused in out, out
    out = await bob.say("/team supervisor @Bob @Carol")
    assert refused in out, out
    out = await bob.say("/me")
    assert "Supervisor: not set" in out and "] Supervisor" not in out, out
    out = await bob.say("/leads")
    assert "Leads (0)" in out, out

    # the admin does it, sees it in /people, and takes it away
    out = await alice.say("/team supervisor @Bob @Carol")
    assert "Bob's supervisor is now Carol." in out, out
    out = await bob.say("/me")
    assert "Supervisor: Carol" in out, out
    out = await bob.say("/leads")
    assert "Leads (1)" in out, out
    out = await alice.say("/people")
    assert "Bob — employee, supervisor Carol" in out, out
    out = await alice.say("/team supervisor @Carol @Bob")
    assert "That would make a circle of supervisors." in out, out
    out = await alice.say("/team supervisor @Bob")
    assert "For example: /team supervisor @Boris @Anna" in out, out
    out = await alice.say("/team supervisor @Bob none")
    assert "Bob has no supervisor now." in out, out
    out = await bob.say("/leads")
    assert "Leads (0)" in out, out
    out = await alice.say("/me supervisor @Carol")  # an admin's own, as before
    assert "Supervisor: Carol" in out, out


async def test_supervisors_are_set_by_an_admin_in_russian(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Ольга", lang="ru")
    await olga.say("/start")
    code = invite_code(await olga.say("/invite"))
    petr = ConsoleDriver(sqlite_app, user="Пётр", lang="ru")
    await petr.say(f"/start {code}")
    out = await petr.say("/me руководитель @Ольга")
    assert "Руководителя назначает только администратор команды." in out, out
    out = await olga.say("/team руководитель @Пётр @Ольга")
    assert "Пётр: руководитель — Ольга." in out, out
    out = await olga.say("/team руководитель @Пётр нет")
    assert "Пётр: руководитель не назначен." in out, out
    await olga.say("/team руководитель @Пётр @Ольга")
    out = await olga.say("/team руководитель @Пётр никого")  # the calendar's words too
    assert "Пётр: руководитель не назначен." in out, out
    await olga.say("/team руководитель @Пётр @Ольга")
    out = await olga.say("/team руководитель @Пётр no one")
    assert "Пётр: руководитель не назначен." in out, out


async def test_removing_someone_hands_what_they_hold_to_a_colleague(sqlite_app: App) -> None:
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    people = {}
    for name in ("Boris", "Petr", "Vera"):
        people[name] = ConsoleDriver(sqlite_app, user=name, lang="en")
        await people[name].say(f"/start {invite_code(await anna.say('/invite'))}")
    boris, petr, vera = people["Boris"], people["Petr"], people["Vera"]
    await anna.say("/task Prepare report tomorrow 15:00 @Boris")
    await boris.say("/deal Big contract 10000 USD")
    await boris.say("/lead Ivan Petrov, +7 999 123-45-67")
    await boris.say("/event Standup tomorrow 10:00 30m @Petr @Anna")
    await petr.say("/event Review tomorrow 12:00 @Boris")
    await anna.say("/team supervisor @Petr @Boris")

    out = await anna.say("/team remove @Boris")
    assert "Still with them: 1 open task, 1 open deal, 1 open lead, 1 coming event." in out, out
    assert "All of it goes to Anna" in out and "Reporting to them: Petr." in out, out
    out = await anna.press("Hand over to someone else")
    assert "Who takes over from Boris?" in out and "Vera" in out and "] Boris" not in out, out
    out = await anna.press("Vera")
    assert "All of it goes to Vera" in out, out
    out = await anna.press("Remove, hand over to Vera")
    assert "Boris was removed from the team." in out, out
    assert "Handed over to Vera: 1 open task, 1 open deal, 1 open lead, 1 coming event." in out
    assert "No supervisor now: Petr." in out, out

    out = await anna.say("/task 1")
    assert "responsible Vera" in out and "Boris" not in out, out  # not even an observer
    out = await vera.say("/deal 1")
    assert "Responsible: Vera" in out, out
    out = await vera.say("/lead 1")
    assert "Responsible: Vera" in out, out
    out = await vera.say("/event 1")
    assert "Organiser: Vera" in out and "Boris" not in out and "✅ Vera" in out, out
    out = await petr.say("/event 2")
    assert "Boris" not in out, out
    out = await petr.say("/me")
    assert "Supervisor: not set" in out, out
    out = await vera.say("/inbox")
    assert "Anna removed Boris from the team; you now organise Standup." in out, out
    assert "Prepare report" in out and "Big contract" in out and "Ivan Petrov" in out, out


async def test_removing_someone_hands_over_their_repeating_tasks_and_approvals(
    sqlite_app: App,
) -> None:
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    people = {}
    for name in ("Boris", "Petr", "Vera"):
        people[name] = ConsoleDriver(sqlite_app, user=name, lang="en")
        await people[name].say(f"/start {invite_code(await anna.say('/invite'))}")
    boris, petr, vera = people["Boris"], people["Petr"], people["Vera"]
    # a weekly report Boris does: this week's is done, the copies to come are his
    await anna.say("/task Weekly report tomorrow 10:00 @Boris")
    await anna.say("/task 1 repeat weekly")
    await boris.say("/task 1 done")
    # Petr's work that Boris, its creator, approves: one done and waiting, one not yet
    for title in ("Price list", "Catalogue"):
        out = await boris.say(f"/task {title} tomorrow 12:00 @Petr")
        await boris.press("More")
        await boris.press("Approval on/off")
    out = await petr.say("/task 2 done")
    assert "Status: 🔎 awaiting control" in out, out

    out = await anna.say("/team remove @Boris")
    assert "Still with them: 1 repeating task, 2 tasks to approve." in out, out
    await anna.press("Hand over to someone else")
    await anna.press("Vera")
    out = await anna.press("Remove, hand over to Vera")
    assert "Handed over to Vera: 1 repeating task, 2 tasks to approve." in out, out

    async with sqlite_app.workspace.sessionmaker() as s:
        rows = {t.id: t for t in (await s.execute(select(Task))).scalars()}
        users = {u.name: u.id for u in (await s.execute(select(User))).scalars()}
    assert rows[1].responsible_id == users["Vera"]  # the template: so every copy
    assert rows[2].creator_id == users["Vera"] and rows[3].creator_id == users["Vera"]
    out = await vera.say("/task 2 approve")
    assert "completed" in out, out
    out = await vera.say("/inbox")
    assert "Anna removed Boris from the team; this repeating task is yours now." in out, out
    assert "Anna removed Boris from the team; you now approve this task." in out, out


async def test_removing_someone_stops_their_timer_day_and_places_on_tasks(
    sqlite_app: App,
) -> None:
    from datetime import timedelta

    from sqlalchemy import select

    from models.tasks import TaskMember, TaskTimeEntry, TaskTimer
    from models.timeman import Violation, WorkDay

    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    boris = ConsoleDriver(sqlite_app, user="Boris", lang="en")
    await boris.say(f"/start {invite_code(await anna.say('/invite'))}")
    vera = ConsoleDriver(sqlite_app, user="Vera", lang="en")
    await vera.say(f"/start {invite_code(await anna.say('/invite'))}")
    await anna.say("/task Shared work")
    await anna.say("/task 1 add @Boris")
    await anna.say("/task Done together")
    await anna.say("/task 2 add @Boris")
    await anna.say("/task 2 done")
    await boris.say("/day start")
    await boris.say("/task 1")
    assert "Timer started." in await boris.press("Start timer")
    await vera.say("/day start")
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        timer = (await s.scalars(select(TaskTimer))).one()
        timer.started_at -= timedelta(minutes=30)
        boris_day, vera_day = (await s.scalars(select(WorkDay).order_by(WorkDay.id))).all()
        boris_day.started_at -= timedelta(minutes=40)
        vera_day.day -= timedelta(days=2)  # left open two days ago
        vera_day.started_at -= timedelta(days=2)

    await anna.say("/team remove Boris")
    out = await anna.press("Remove Boris")
    assert "Boris was removed from the team." in out, out
    assert "Their timer on #1 Shared work stopped: 30 min logged." in out, out
    assert "Their working day is closed: finished today" in out, out
    assert "No longer a co-executor or observer of 1 open task." in out, out
    out = await anna.say("/task 1")
    assert "Boris" not in out, out
    await anna.say("/team remove Vera")
    out = await anna.press("Remove Vera")
    assert "Their working day is closed: finished" in out and "timer" not in out, out
    async with sqlite_app.workspace.sessionmaker() as s:
        assert (await s.scalars(select(TaskTimer))).all() == []
        logged = (await s.scalars(select(TaskTimeEntry.seconds))).all()
        assert logged and 29 * 60 <= logged[0] <= 31 * 60, logged
        days = (await s.scalars(select(WorkDay).order_by(WorkDay.id))).all()
        assert [d.status for d in days] == ["closed", "closed"]
        assert all(d.finished_at is not None for d in days)
        boris_worked = days[0].finished_at - days[0].started_at  # type: ignore[operator]
        assert timedelta(minutes=39) < boris_worked < timedelta(minutes=42), boris_worked
        # the day left open closes at its planned end, not two days of work
        vera_worked = days[1].finished_at - days[1].started_at  # type: ignore[operator]
        assert vera_worked < timedelta(hours=24), vera_worked
        kinds = set((await s.scalars(select(Violation.kind))).all())
        assert not kinds & {"early_finish", "short_day", "left_open"}, kinds
        # still a co-executor of the completed task: who did the work stays
        members = (await s.execute(select(TaskMember.task_id))).scalars().all()
        assert members == [2], members


async def test_a_removed_person_is_not_made_an_observer_by_a_later_delegation(
    sqlite_app: App,
) -> None:
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    boris = ConsoleDriver(sqlite_app, user="Boris", lang="en")
    await boris.say(f"/start {invite_code(await anna.say('/invite'))}")
    await anna.say("/task Prepare report tomorrow 15:00 @Boris")
    await boris.say("/task 1 done")
    await anna.say("/team remove @Boris")
    out = await anna.press("Remove Boris")  # a completed task is not handed over
    assert "Boris was removed from the team." in out and "Handed over" not in out, out
    await anna.say("/task 1 reopen")
    out = await anna.say("/task 1 delegate @Anna")
    assert "Anna is now responsible." in out and "Observers" not in out, out


async def test_the_hand_over_reads_in_russian(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Ольга", lang="ru")
    await olga.say("/start")
    petr = ConsoleDriver(sqlite_app, user="Пётр", lang="ru")
    await petr.say(f"/start {invite_code(await olga.say('/invite'))}")
    await olga.say("/task Отчёт завтра 15:00 @Пётр")
    await olga.say("/task Смета завтра 16:00 @Пётр")
    out = await olga.say("/team удалить Пётр")
    assert "За этим человеком остаётся: 2 открытые задачи." in out, out
    out = await olga.press("Исключить, передать: Ольга")
    assert "Ольга получает: 2 открытые задачи." in out, out


async def test_removed_people_are_listed_and_found_by_part_of_the_name(sqlite_app: App) -> None:
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    for name in ("Boris Ivanov", "Boris Petrov", "Vera Lopez"):
        person = ConsoleDriver(sqlite_app, user=name, lang="en")
        await person.say(f"/start {invite_code(await anna.say('/invite'))}")
        await anna.say(f"/team remove {name}")
        await anna.press(f"Remove {name}")
    out = await anna.say("/team removed")
    assert "Removed from the team (3)" in out and "Restore Vera Lopez" in out, out
    out = await anna.press("Restore Vera Lopez")
    assert "Vera Lopez is back in the team." in out, out
    out = await anna.say("/team restore vera")
    assert "Vera Lopez is in the team." in out, out
    out = await anna.say("/team restore boris")
    assert "Several people who left match boris." in out, out
    out = await anna.press("Boris Petrov")
    assert "Boris Petrov is back in the team." in out, out
    out = await anna.say("/team restore ivan")
    assert "Boris Ivanov is back in the team." in out, out
    out = await anna.say("/team restore Zoe")
    assert "Nobody called Zoe has left the team. Who has: /team removed" in out, out


async def test_removing_someone_from_the_team_names_their_groups_chats(sqlite_app: App) -> None:
    """An extranet member removed from the team may still be in the chat their group
    speaks in: where the bot cannot remove people (the console's rooms), the admin is
    told to remove them there, and nothing is queued to try."""
    from tests.test_bound_chat import Room

    anna = ConsoleDriver(sqlite_app, user="Anna", lang="ru")
    await anna.say("/start")
    await anna.say("/groups new Rebrand closed project")
    code = invite_code(await anna.say("/invite extranet Rebrand"))
    await ConsoleDriver(sqlite_app, user="Lucy", lang="en").say(f"/start {code}")
    await Room(sqlite_app, "room-rebrand").say("Anna", "bind", "Rebrand")
    await anna.say("/team remove @Lucy")
    out = await anna.press("Lucy")
    assert (
        "Lucy: бот не может сам исключить этого человека из чата Rebrand (console). "
        "Если он там есть, исключите его сами" in out
    ), out
    from sqlalchemy import func, select

    from models.outbox import OutboxMessage

    async with sqlite_app.workspace.sessionmaker() as session:
        kicks = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "kick")
        )
    assert kicks == 0


def _link_code(out: str) -> str:
    match = re.search(r"/me link (\S+)", out)
    assert match, out
    return match.group(1)


async def test_a_person_links_another_account_with_a_one_time_code(sqlite_app: App) -> None:
    """Anna joined again from another account, as a second Anna with nothing: a code she
    asks for on her first account makes the second one hers; it works once and shortly,
    and an account whose person has work of their own elsewhere is refused, with why."""
    boss = ConsoleDriver(sqlite_app, user="Boss")
    await boss.say("/start")
    code = invite_code(await boss.say("/invite"))
    anna = ConsoleDriver(sqlite_app, user="Anna")
    await anna.say(f"/start {code}")
    await boss.say("/task Review PR tomorrow 15:00 @Anna")
    laptop = ConsoleDriver(sqlite_app, user="Anna laptop")
    await laptop.say(f"/start {code}")
    await laptop.say("/me name Anna")
    assert "Tasks — I do (0)" in await laptop.say("/tasks")

    out = await anna.say("/me link")
    assert "Your link code:" in out and "within 10 minutes" in out, out
    link = _link_code(out)
    out = await laptop.say(f"/me link {link}")
    assert "Linked: this account is now Anna's, with everything of theirs." in out, out
    assert "Review PR" in await laptop.say("/tasks")
    assert "People (2)" in await boss.say("/people")  # the empty second Anna is gone
    async with sqlite_app.workspace.sessionmaker() as session:
        stored = (await session.execute(select(LinkCode))).scalars().all()
    assert stored == []  # used once

    out = await ConsoleDriver(sqlite_app, user="Eve").say(f"/start {link}")
    assert "This link code is not valid or has expired." in out, out

    zed = ConsoleDriver(sqlite_app, user="Zed", lang="ru")
    await zed.say("/start")
    await zed.say("/task Своя задача завтра 10:00")
    out = await zed.say(f"/me link {_link_code(await anna.say('/me link'))}")
    assert "Этот аккаунт — Zed из команды" in out and "есть задачи или другая работа" in out, out
    assert "Своя задача" in await zed.say("/tasks")

    late = _link_code(await anna.say("/me link"))
    async with sqlite_app.workspace.sessionmaker() as session, session.begin():
        await session.execute(update(LinkCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    out = await ConsoleDriver(sqlite_app, user="Eve").say(f"/start {late}")
    assert "This link code is not valid or has expired." in out, out


async def test_linking_keeps_a_login_others_report_to_and_takes_its_groups(
    sqlite_app: App,
) -> None:
    """A second login that people report to is a place in the team, not an empty login:
    linking it is refused. Without reports, linking it moves its groups to the person
    instead of losing them with it."""
    boss = ConsoleDriver(sqlite_app, user="Boss")
    await boss.say("/start")
    await boss.say("/as Newbie")
    await boss.say("/as Anna")
    await boss.say("/groups new Ops closed")  # Anna's group, Boss not in it
    await boss.say("/groups add Ops @Newbie")
    await boss.say("/as Boss")
    await boss.say("/team supervisor @Anna @Newbie")
    link = _link_code(await boss.say("/me link"))
    await boss.say("/as Newbie")
    out = await boss.say(f"/me link {link}")
    assert "who has tasks or other work there; it stays theirs" in out, out
    await boss.say("/as Boss")
    assert "People (3)" in await boss.say("/people")
    await boss.say("/team supervisor @Anna none")
    link = _link_code(await boss.say("/me link"))
    await boss.say("/as Newbie")
    out = await boss.say(f"/me link {link}")
    assert "Linked: this account is now Boss's" in out, out
    async with sqlite_app.workspace.sessionmaker() as session:
        members = (
            (
                await session.execute(
                    select(User.name).join(GroupMember, GroupMember.user_id == User.id)
                )
            )
            .scalars()
            .all()
        )
    assert sorted(members) == ["Anna", "Boss"], members  # Newbie's place in Ops, Boss's
