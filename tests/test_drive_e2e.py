"""The drive end to end through the console: files kept, listed, searched, moved to a
group, attached to an event by replying to it, and sent back."""

from __future__ import annotations

from pathlib import Path

from bot.app import App
from tests.console_driver import ConsoleDriver
from tests.test_calendar_e2e import invite_code


async def test_drive_in_english_and_russian(sqlite_app: App, tmp_path: Path) -> None:
    sqlite_app.workspace.services.files_dir = str(tmp_path / "store")
    report = tmp_path / "Q3 report.pdf"
    report.write_bytes(b"%PDF-1.4 quarterly numbers")
    photo = tmp_path / "team.png"
    photo.write_bytes(b"\x89PNG fake")

    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    code = invite_code(await boss.say("/invite"))
    await boss.say("/groups new Sales")
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="ru")
    await anna.say(f"/start {code}")
    petr = ConsoleDriver(sqlite_app, user="Petr", lang="en")
    await petr.say(f"/start {code}")
    await anna.say("/groups join Sales")

    out = await boss.say(f"/file {report}")
    assert "Saved to your drive: Q3 report.pdf." in out
    assert "application/pdf" in out and "Owner: Boss" in out
    stored = list((tmp_path / "store").rglob("*Q3 report.pdf"))
    assert len(stored) == 1 and stored[0].read_bytes() == b"%PDF-1.4 quarterly numbers"
    out = await boss.press("To a group")
    out = await boss.press("Sales")
    assert "Group: Sales" in out
    await boss.say(f"/file {photo}")

    out = await boss.say("/drive")
    assert "Files (2)" in out and "team.png" in out
    out = await boss.say("/drive report")
    assert "Files matching report (1)" in out and "team.png" not in out

    # the group sees the group's file, not Boss's own one; others see nothing
    out = await anna.say("/drive")
    assert "Файлы (1)" in out and "Q3 report.pdf" in out and "team.png" not in out
    assert "Q3 report.pdf · 26 Б" in out, out  # sizes in the reader's units
    out = await anna.press("Q3 report.pdf")
    out = await anna.press("Получить файл")
    assert "(file: Q3 report.pdf, 26 bytes)" in out
    out = await petr.say("/drive")
    assert "Files (0)" in out
    out = await petr.say("/drive #Sales")
    assert "Files (0)" in out

    # attach by replying to an event: attendees get it from the event card
    await boss.say("/event Review tomorrow 12:00 @Petr")
    async with sqlite_app.workspace.sessionmaker() as session:
        from sqlalchemy import select

        from models.calendar import Event

        event_id = (await session.execute(select(Event.id))).scalar_one()
    from dataclasses import replace

    event = boss.console.to_event(f"/file {photo}")
    assert event is not None
    await sqlite_app.workspace.remember_sent("console", "console:boss", "m1", f"event:{event_id}")
    views = await sqlite_app.workspace.handle(replace(event, reply_to="m1"))
    from handlers.markup import to_plain

    assert f"Saved and attached to event #{event_id}: team.png." in to_plain(views[0].body)
    out = await petr.say(f"/event {event_id}")
    assert "Files: team.png" in out
    out = await petr.press("📄 team.png")
    assert "(file: team.png, 9 bytes)" in out


async def reply_with_file(app: App, who: ConsoleDriver, ref: str, path: Path) -> str:
    """`who` sends the file at `path` in reply to a message about `ref` ("task:1")."""
    from dataclasses import replace

    from handlers.markup import to_plain

    event = who.console.to_event(f"/file {path}")
    assert event is not None
    message = f"m{id(event)}"
    await app.workspace.remember_sent("console", event.chat.chat_id, message, ref)
    views = await app.workspace.handle(replace(event, reply_to=message))
    return "\n".join(to_plain(view.body) for view in views)


async def test_files_attached_to_tasks(sqlite_app: App, tmp_path: Path) -> None:
    sqlite_app.workspace.services.files_dir = str(tmp_path / "store")
    spec = tmp_path / "spec.md"
    spec.write_text("# spec")
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    code = invite_code(await boss.say("/invite"))
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say(f"/start {code}")
    petr = ConsoleDriver(sqlite_app, user="Petr", lang="en")
    await petr.say(f"/start {code}")
    await boss.say("/task Write the spec tomorrow 18:00 @Anna")
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru")
    await olga.say(f"/start {code}")
    await boss.say("/task 1 watch @Olga")
    out = await olga.say("/drive task 1")
    assert "Файлы — задача #1 (0)" in out and "ответом на сообщение" in out, out
    # a file sent in reply to the task is kept in the drive, attached to the task,
    # and posted as a comment that says which file it is and opens it
    out = await reply_with_file(sqlite_app, boss, "task:1", spec)
    assert "Comment added to #1." in out
    out = await anna.say("/drive task 1")
    assert "🔔 Boss attached spec.md\n" in out, out  # the file named, not its reference
    assert "Files of task #1 (1)" in out and "spec.md" in out
    out = await anna.press("spec.md")
    assert "(file: spec.md, 6 bytes)" in out
    out = await olga.say("/task 1")
    out = await olga.press("Комментарии")
    assert "📎 spec.md" in out
    out = await olga.press("📎 spec.md")
    assert "(file: spec.md, 6 bytes)" in out
    # the file is Boss's, in his drive
    out = await boss.say("/drive")
    assert "Files (1)" in out and "spec.md" in out
    out = await petr.say("/drive task 1")
    assert "Not found, or you have no access to it." in out


async def test_a_file_stays_with_its_group_when_its_owner_leaves_it(
    sqlite_app: App, tmp_path: Path
) -> None:
    sqlite_app.workspace.services.files_dir = str(tmp_path / "store")
    notes = tmp_path / "notes.txt"
    notes.write_text("plans")
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    code = invite_code(await anna.say("/invite"))
    await anna.say("/groups new Secret closed")
    boris = ConsoleDriver(sqlite_app, user="Boris", lang="en")
    await boris.say(f"/start {code}")
    await anna.say("/groups add Secret Boris")
    await boris.say(f"/file {notes}")
    await boris.press("To a group")
    out = await boris.press("Secret")
    assert "Group: Secret" in out
    assert (
        "notes.txt belongs to the group Secret now: its members see it, and you keep it "
        "while you are in the group." in out
    ), out
    await anna.say("/groups remove Secret Boris")
    out = await boris.say("/inbox")
    assert (
        "Anna removed you from the group Secret. The 1 file you put in the group stays "
        "with it." in out
    ), out
    # a closed group's file is its members' only: having added it opens nothing
    out = await boris.say("/drive")
    assert "Files (0)" in out, out
    out = await boris.say("/drive notes")
    assert "notes.txt" not in out, out
    await anna.say("/drive")
    out = await anna.press("notes.txt")
    assert "Owner: Boris" in out and "Group: Secret" in out, out
    out = await anna.press("Get the file")
    assert "(file: notes.txt, 5 bytes)" in out, out


async def test_a_former_owner_does_not_take_a_group_back(sqlite_app: App) -> None:
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    code = invite_code(await anna.say("/invite"))
    boris = ConsoleDriver(sqlite_app, user="Boris", lang="en")
    await boris.say(f"/start {code}")
    await boris.say("/groups new Research")
    out = await boris.say("/groups owner Research Anna")
    assert "Anna now owns Research." in out
    out = await boris.say("/groups owner Research Boris")
    assert "Only the group's owner or a team admin can hand it over." in out


async def test_long_pickers_and_searches_page(sqlite_app: App, tmp_path: Path) -> None:
    sqlite_app.workspace.services.files_dir = str(tmp_path / "store")
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    for n in range(1, 13):
        await anna.say(f"/groups new G{n:02d}")
    for n in range(1, 13):
        path = tmp_path / f"report {n:02d}.txt"
        path.write_text(str(n))
        await anna.say(f"/file {path}")
    out = await anna.say("/drive report")
    assert "Files matching report (12)" in out and "1/2" in out
    out = await anna.press("Next")
    assert "2/2" in out and out.count("[1] 📄 report") == 1 and "[3] 📄" not in out
    # the group picker of a file, and the extranet invite's, go past the first page
    out = await anna.say("/drive report 01")
    out = await anna.press("report 01.txt")
    out = await anna.press("To a group")
    assert "1/2" in out and "G12" not in out
    out = await anna.press("Next")
    out = await anna.press("G12")
    assert "Group: G12" in out
    out = await anna.say("/invite extranet")
    assert "Which group will the extranet member join?" in out and "1/2" in out
    out = await anna.press("Next")
    out = await anna.press("G12")
    assert "An invite for an extranet member of G12." in out


async def test_deleting_a_file_asks_first_tells_its_owner_and_removes_the_copy(
    sqlite_app: App, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    sqlite_app.workspace.services.files_dir = str(store)
    contract = tmp_path / "contract.pdf"
    contract.write_bytes(b"%PDF terms")
    lena = ConsoleDriver(sqlite_app, user="Lena", lang="en")
    await lena.say("/start")
    await lena.say("/groups new Design")
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="ru")
    await anna.say(f"/start {invite_code(await lena.say('/invite'))}")
    await anna.say("/groups join Design")
    await anna.say(f"/file {contract}")
    await anna.press("В группу")
    await anna.press("Design")
    assert len(list(store.rglob("*contract.pdf"))) == 1

    await lena.say("/drive")
    await lena.press("contract.pdf")
    out = await lena.press("Delete")
    assert "Delete contract.pdf? This cannot be undone." in out, out
    out = await lena.press("Keep it")
    assert "📄 contract.pdf" in out and "Owner: Anna" in out
    assert len(list(store.rglob("*contract.pdf"))) == 1
    await lena.press("Delete")
    out = await lena.press("Yes, delete it")
    assert "Deleted contract.pdf." in out
    assert list(store.rglob("*contract.pdf")) == []  # the stored copy went with it
    out = await anna.say("/drive")
    assert "Файлы (0)" in out and "Lena: ваш файл contract.pdf удалён." in out, out


async def test_a_file_sent_in_reply_to_a_post_is_kept(sqlite_app: App, tmp_path: Path) -> None:
    sqlite_app.workspace.services.files_dir = str(tmp_path / "store")
    mood = tmp_path / "mood.jpg"
    mood.write_bytes(b"jpeg")
    lena = ConsoleDriver(sqlite_app, user="Lena", lang="en")
    await lena.say("/start")
    await lena.say("/post Moodboard for the café project")
    out = await reply_with_file(sqlite_app, lena, "post:1", mood)
    assert (
        "Saved to your drive: mood.jpg. It is not attached to that message: files go on "
        "events, tasks, leads, deals, contacts and companies." in out
    ), out
    out = await lena.say("/drive")
    assert "Files (1)" in out and "mood.jpg" in out


async def test_a_removed_persons_files_go_to_their_successor(
    sqlite_app: App, tmp_path: Path
) -> None:
    from sqlalchemy import select, update

    from models.drive import DriveFile
    from models.teams import User

    sqlite_app.workspace.services.files_dir = str(tmp_path / "store")
    contract = tmp_path / "contract.pdf"
    contract.write_bytes(b"%PDF terms")
    mood = tmp_path / "mood.png"
    mood.write_bytes(b"png")
    lena = ConsoleDriver(sqlite_app, user="Lena", lang="en")
    await lena.say("/start")
    await lena.say("/groups new Design")
    code = invite_code(await lena.say("/invite"))
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say(f"/start {code}")
    petr = ConsoleDriver(sqlite_app, user="Petr", lang="en")
    await petr.say(f"/start {code}")
    await anna.say("/groups join Design")
    await anna.say(f"/file {contract}")  # her own
    await anna.say(f"/file {mood}")
    await anna.press("To a group")
    await anna.press("Design")

    out = await lena.say("/team remove @Anna")
    assert "Still with them: 2 files." in out, out
    out = await lena.press("Remove, hand over to Lena")
    assert "Handed over to Lena: 2 files." in out, out
    out = await lena.say("/drive")
    assert "Files (2)" in out and "contract.pdf" in out and "mood.png" in out, out
    out = await lena.press("contract.pdf")
    assert "Owner: Lena" in out

    # files left behind by someone removed before (kept as theirs) are the admins' to see
    async with sqlite_app.workspace.sessionmaker() as session, session.begin():
        anna_id = await session.scalar(select(User.id).where(User.name == "Anna"))
        await session.execute(update(DriveFile).values(owner_id=anna_id, group_id=None))
    out = await lena.say("/drive")
    assert "Files (2)" in out, out
    out = await petr.say("/drive")
    assert "Files (0)" in out, out


async def test_a_removed_persons_files_in_a_closed_group_stay_with_its_members(
    sqlite_app: App, tmp_path: Path
) -> None:
    sqlite_app.workspace.services.files_dir = str(tmp_path / "store")
    salaries = tmp_path / "salaries.xlsx"
    salaries.write_bytes(b"pay")
    plan = tmp_path / "plan.txt"
    plan.write_text("plan")
    lena = ConsoleDriver(sqlite_app, user="Lena", lang="en")
    await lena.say("/start")
    code = invite_code(await lena.say("/invite"))
    anna, olga, petr = (
        ConsoleDriver(sqlite_app, user=n, lang="en") for n in ("Anna", "Olga", "Petr")
    )
    for person in (anna, olga, petr):
        await person.say(f"/start {code}")
    await anna.say("/groups new HR closed")
    await anna.say("/groups add HR Olga")
    await anna.say(f"/file {salaries}")
    await anna.press("To a group")
    await anna.press("HR")
    await anna.say(f"/file {plan}")  # her own

    # Petr, not in HR, takes her own file only; HR's goes to its owner (Lena, who took
    # the group over from Anna) and stays HR's members' to see
    await lena.say("/team remove @Anna")
    await lena.press("Hand over to someone else")
    out = await lena.press("Petr")
    assert "Still with them: 1 file." in out, out
    out = await lena.press("Remove, hand over to Petr")
    assert "Handed over to Petr: 1 file." in out, out
    out = await petr.say("/drive")
    assert "Files (1)" in out and "plan.txt" in out and "salaries" not in out, out
    out = await petr.say("/drive salaries")
    assert "Files matching salaries (0)" in out, out
    out = await lena.say("/drive")
    assert "salaries" not in out, out
    await olga.say("/drive")
    out = await olga.press("salaries.xlsx")
    assert "Owner: Lena" in out and "Group: HR" in out, out


async def test_drive_names_types_and_an_items_files_page(sqlite_app: App, tmp_path: Path) -> None:
    from dataclasses import replace

    from handlers.markup import to_plain

    sqlite_app.workspace.services.files_dir = str(tmp_path / "store")
    lena = ConsoleDriver(sqlite_app, user="Lena", lang="en")
    await lena.say("/start")
    await lena.say("/event Review tomorrow 12:00")
    deck = tmp_path / "deck.key"
    deck.write_bytes(b"deck")

    async def send(name: str, ref: str | None = None) -> str:
        event = lena.console.to_event(f"/file {deck}")
        assert event is not None and event.file is not None
        event = replace(event, file=replace(event.file, name=name))
        if ref is not None:
            await sqlite_app.workspace.remember_sent("console", event.chat.chat_id, "m1", ref)
            event = replace(event, reply_to="m1")
        return "\n".join(to_plain(v.body) for v in await sqlite_app.workspace.handle(event))

    out = await send("deck <v3>.key", "event:1")
    assert "Saved and attached to event #1: deck <v3>.key." in out, out
    assert "application/vnd.apple.keynote" in out, out  # not a PGP key
    out = await send('<b>Brief & "Logo"</b> v2.pdf')
    assert 'Saved to your drive: <b>Brief & "Logo"<∕b> v2.pdf.' in out, out
    out = await send("Очень_длинное_имя_" * 20 + ".png")
    name = out.split("Saved to your drive: ", 1)[1].split("\n", 1)[0]
    assert name.startswith("Очень_длинное_имя_") and name.endswith("….png."), name
    assert len(name) == 256  # 255 and the sentence's full stop

    for n in range(2, 13):  # twelve files on the event: more than a page
        await send(f"part {n:02d}.key", "event:1")
    out = await lena.say("/drive event 1")
    assert "Files of event #1 (12)" in out and "1/2" in out and "part 12.key" not in out, out
    out = await lena.press("Next")
    assert "2/2" in out and "part 12.key" in out and "part 02.key" not in out, out
    out = await lena.press("part 12.key")
    assert "(file: part 12.key, 4 bytes)" in out


async def test_drive_in_a_shared_chat_lists_the_groups_files_not_anyones_own(
    sqlite_app: App, tmp_path: Path
) -> None:
    """/drive typed in a chat bound to Design lists Design's files there, never the
    typer's own drive; a file's card and the file go to the one who pressed, and in a
    chat bound to no group the list is the typer's alone."""
    from tests.test_bound_chat import Room, action_of, shown

    sqlite_app.workspace.services.files_dir = str(tmp_path / "store")
    contract = tmp_path / "secret contract.pdf"
    contract.write_bytes(b"%PDF private")
    logo = tmp_path / "logo.pdf"
    logo.write_bytes(b"%PDF logo")
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    code = invite_code(await anna.say("/invite"))
    boris = ConsoleDriver(sqlite_app, user="Boris", lang="en")
    await boris.say(f"/start {code}")
    await anna.say("/groups new Design closed")
    await anna.say("/groups add Design Boris")
    await anna.say(f"/file {contract}")  # her own drive
    await boris.say(f"/file {logo}")
    await boris.press("To a group")
    await boris.press("Design")
    room = Room(sqlite_app, "room-design")
    await room.say("Anna", "bind", "Design")

    for args in ("", "secret", "logo"):
        views = await room.say("Anna", "drive", args)
        assert views and not any(v.private for v in views), views
        assert "secret contract" not in shown(views), shown(views)
    assert "logo.pdf" in shown(views), shown(views)
    opened = await room.press("Boris", action_of(views, "dr:o:"))
    assert opened and all(v.private for v in opened), opened
    got = await room.press("Boris", action_of(opened, "dr:get:"))
    assert got and all(v.private for v in got), got

    views = await room.say("Anna", "drive", "task 1")  # an item's files: hers to see
    assert views and all(v.private for v in views), views
    other = Room(sqlite_app, "room-lobby")  # bound to no group: her own list, to her
    views = await other.say("Anna", "drive")
    assert views and all(v.private for v in views), views
    assert "secret contract.pdf" in shown(views), shown(views)
