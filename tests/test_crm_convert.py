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
