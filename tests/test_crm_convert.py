"""Converting leads through the console: the person the team already has is linked."""

from __future__ import annotations

from bot.app import App
from tests.console_driver import ConsoleDriver
from tests.test_crm_console import invite_code


async def test_converting_a_lead_of_a_known_person_links_their_contact(sqlite_app: App) -> None:
    dana = ConsoleDriver(sqlite_app, user="Dana", lang="en")
    await dana.say("/start")
    lena = ConsoleDriver(sqlite_app, user="Lena", lang="en")
    await lena.say(f"/start {invite_code(await dana.say('/invite'))}")
    await lena.say("/lead Tom Baker, Baker Foods LLC, +1 646 555-0199, tom@bakerfoods.com")
    await lena.say("/lead 1")
    await lena.press("Convert")
    out = await lena.press("Convert")
    assert "Lead #1 converted: deal #1, contact #1, company #1." in out, out

    # the same person again, with the e-mail in capitals: Dana converts it
    await dana.say("/lead T. Baker, +1 (646) 555-0199, Tom@BakerFoods.com")
    await dana.press("Create anyway")
    await dana.say("/lead 2")
    await dana.press("Convert")
    out = await dana.press("Convert")
    assert (
        "Lead #2 converted: deal #2, contact #1, company #1. "
        "Linked to the existing contact #1 Tom Baker" in out
    ), out  # said at once, in the reply's first line
    out = await dana.say("/contacts")
    assert "Contacts (1)" in out, out

    # by e-mail alone, the contact only
    await dana.say("/lead Thomas Baker, tom@bakerfoods.com")
    await dana.press("Create anyway")
    await dana.say("/lead 3")
    await dana.press("Convert")
    await dana.press("Deal")  # off: a contact only
    out = await dana.press("Convert")
    assert "Lead #3 converted: contact #1, company #1." in out, out
    out = await dana.say("/contacts")
    assert "Contacts (1)" in out, out


async def test_a_converted_deal_carries_the_leads_comments(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Ольга", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    await olga.say(
        "/lead Иван Петров, ООО Ромашка, +7 912 111-22-33, "
        "комментарий: хочет 50 стульев к 1 декабря"
    )
    await olga.press("Конвертировать")
    out = await olga.press("Конвертировать")
    assert "сделка №1" in out, out
    out = await olga.say("/deal 1")
    assert "Ольга: хочет 50 стульев к 1 декабря" in out and "Лид №1" in out, out


async def test_converting_a_colleagues_lead_links_only_records_its_responsible_can_open(
    sqlite_app: App,
) -> None:
    """With "own" access, the head converts Mia's lead of a client Sam already has: the
    deal, contact and company are Mia's (the lead's responsible, as in Bitrix24), made
    for her rather than Sam's records she cannot open."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    code = invite_code(await boss.say("/invite"))
    mia = ConsoleDriver(sqlite_app, user="Mia", lang="en")
    await mia.say(f"/start {code}")
    sam = ConsoleDriver(sqlite_app, user="Sam", lang="en")
    await sam.say(f"/start {code}")
    await boss.say("/crm access own")
    await sam.say("/company Globex Corp")
    await sam.say("/contact Hank Scorpio, Globex Corp, +1 212 555 0199, hank@globex.com")
    await mia.say("/lead Hank Scorpio, Globex Corp, +1 212 555 0199, hank@globex.com")
    await mia.press("Create anyway")
    await boss.say("/lead 1")
    await boss.press("Convert")
    out = await boss.press("Convert")
    assert "Lead #1 converted: deal #1, contact #2, company #2." in out, out
    out = await mia.say("/deal 1")
    assert "Contact: Hank Scorpio" in out and "Company: Globex Corp" in out, out
    assert "Responsible: Mia" in out, out
    for line in ("/contact 2", "/company 2"):
        out = await mia.say(line)
        assert "Not found" not in out and "Responsible: Mia" in out, (line, out)
