"""Group calendars, feeds and files through the console: an extranet member sees
only their group's, an employee outside a closed group sees none of it."""

from __future__ import annotations

from pathlib import Path

from bot.app import App
from tests.console_driver import ConsoleDriver
from tests.test_calendar_e2e import invite_code


async def test_extranet_sees_only_its_group(sqlite_app: App, tmp_path: Path) -> None:
    sqlite_app.workspace.services.files_dir = str(tmp_path / "store")
    contract = tmp_path / "contract.txt"
    contract.write_text("terms")
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    code = invite_code(await boss.say("/invite"))
    await boss.say("/groups new Partners closed")
    await boss.say("/invite")
    out = await boss.press("Invite to a group")
    out = await boss.press("Partners")
    guest_code = invite_code(out)
    guest = ConsoleDriver(sqlite_app, user="Guest", lang="en")
    await guest.say(f"/start {guest_code}")
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="ru")
    await anna.say(f"/start {code}")

    out = await boss.say("/event Partner sync next mon 12:00 #Partners")
    assert "Event created; 1 person invited." in out  # the guest, the group's member
    await boss.say("/post Team lunch on Friday")
    await boss.say("/post #Partners Contract draft is ready")
    await boss.say(f"/file {contract}")
    await boss.press("To a group")
    await boss.press("Partners")

    out = await guest.say("/feed")
    assert "Contract draft is ready" in out and "Team lunch" not in out
    assert "Feed (1)" in out
    out = await guest.say("/help")  # what they can do, not what admins can
    assert "/post #group [!] TEXT" in out and "post to the team" not in out, out
    assert "remove @person" not in out and "/team — the people you work with" in out, out
    out = await anna.say("/help")
    assert "— ваша команда и её люди" in out and "remove @person" not in out, out
    assert "/invite extranet ГРУППА" in out and "currency" not in out, out
    out = await anna.say("/invite")
    assert "Сотрудников приглашает администратор." in out, out
    out = await boss.say("/help")
    assert "remove @person" in out, out
    out = await guest.say("/post Hello everyone")
    assert "Name your group with #group: outside members write only to their groups." in out
    out = await guest.say("/poll Best day? | Mon | Tue")
    assert "Name your group with #group" in out and "Poll created" not in out, out
    out = await guest.say("/poll #Partners Best day? | Mon | Tue")
    assert "Poll sent to 1 person." in out, out
    out = await guest.say("/events #Partners")
    assert "Partner sync" in out
    await boss.say("/groups new Merger closed")
    out = await boss.say("/event Merger sync next tue 11:00 @Guest #Merger")
    assert "Guest is an extranet member and sees only their groups' events." in out, out
    out = await guest.say("/events")
    assert "Merger" not in out, out
    out = await guest.say("/drive")
    assert "contract.txt" in out

    out = await anna.say("/feed")
    assert "Team lunch" in out and "Contract draft" not in out
    out = await anna.say("/events #Partners")
    assert "Группы «Partners» нет." in out
    out = await anna.say("/drive")
    assert "contract.txt" not in out
    out = await anna.say("/event 1")
    assert "Не найдено" in out


async def test_removing_a_contractor_names_the_tasks_left_in_their_hands(
    sqlite_app: App,
) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="ru")
    await boss.say("/start")
    await boss.say("/groups new Сайт closed")
    await boss.say("/invite")
    await boss.press("Пригласить в группу")
    guest_code = invite_code(await boss.press("Сайт"))
    kontr = ConsoleDriver(sqlite_app, user="Kontr", lang="ru")
    await kontr.say(f"/start {guest_code}")
    await boss.say("/task Сверстать главную до пятницы @Kontr #Сайт")
    out = await boss.say("/groups remove Сайт @Kontr")
    assert "Kontr больше не в группе Сайт." in out and "вышел" not in out, out
    assert "За этим человеком осталась 1 открытая задача группы: #1 Сверстать главную" in out, out
    out = await boss.press("#1 Сверстать главную")
    assert "ответственный Kontr" in out and "Делегировать" in out, out
    out = await kontr.say("/tasks")
    assert "Boss: вы исключены из группы Сайт." in out, out


async def test_a_contractor_asked_onto_a_second_group_joins_it_with_the_invite(
    sqlite_app: App,
) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/groups new Site closed")
    await boss.say("/groups new Sales closed")
    await boss.say("/invite")
    await boss.press("Invite to a group")
    site_code = invite_code(await boss.press("Site"))
    await boss.say("/invite")
    await boss.press("Invite to a group")
    sales_code = invite_code(await boss.press("Sales"))
    out = await boss.say("/team invites")
    assert "extranet, Site" in out and "extranet, Sales" in out, out
    kontr = ConsoleDriver(sqlite_app, user="Kontr", lang="en")
    await kontr.say(f"/start {site_code}")
    out = await boss.say("/groups")  # whoever made the invite hears it was used
    assert "Kontr joined the group Site with your invite." in out, out
    out = await kontr.say(f"/start {sales_code}")
    assert "You are now a member of the group Sales." in out, out
    out = await boss.say("/groups")
    assert "Kontr joined the group Sales with your invite." in out, out
    await kontr.say(f"/start {sales_code}")  # already in: nothing new to tell
    out = await boss.say("/groups")
    assert "with your invite" not in out, out
    out = await kontr.say("/groups my")
    assert "Sales" in out and "Site" in out, out
    await boss.say("/groups remove Site @Kontr")
    await boss.say("/groups remove Sales @Kontr")
    out = await kontr.say("/groups my")
    assert "You are in no group now" in out and "/groups new" not in out, out
    out = await kontr.say("/tasks")  # in no group: no task has anywhere to go
    assert "You are in no group yet, so a task has nowhere to go." in out, out
    assert "/task #group" not in out, out
