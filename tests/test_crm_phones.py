"""Phones as people type them abroad: no country code is made up, a trunk 0 is kept,
and the team's country (from its language and time zone) fills in what is missing."""

from __future__ import annotations

import asyncio

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.app import App
from bot.migrate import downgrade
from bot.web import make_web_app
from models.crm import CrmForm, CrmLead
from models.teams import Team
from services.crm_parse import Card
from services.crm_phones import national_number, phone_key, team_country
from services.crm_recognise import recognise
from tests.console_driver import ConsoleDriver


def test_no_country_code_is_made_up() -> None:
    card = recognise("Raj Kumar, 98765 43210")
    assert card.phone == "98765 43210" and not card.phone_key.startswith("7"), card
    card = recognise("Jonas Weber, 030 1234567")
    assert card.phone == "030 1234567" and "+0" not in card.phone, card
    card = Card()
    card.set_phone("0171 2345678")
    assert card.phone == "0171 2345678" and card.phone_key == "01712345678"
    # the team's country fills it in
    card = Card()
    card.set_phone("98765 43210", team_country("en", "Asia/Kolkata"))
    assert card.phone == "+91 98765 43210" and card.phone_key == "919876543210"
    assert phone_key("030 1234567", team_country("de", "Europe/Berlin")) == "49301234567"
    # a Russian team keeps its +7
    assert phone_key("9161234567", team_country("ru", "Europe/Moscow")) == "79161234567"
    assert phone_key("8 916 123-45-67") == "79161234567"

    # one person, with and without the country code
    def nsn(typed: str) -> str:
        return national_number(typed, phone_key(typed))

    assert nsn("+91 98765 43210") == nsn("98765 43210") == "9876543210"
    assert nsn("+91 98765 43210") != nsn("98765 43211")


async def test_a_visitor_of_an_indian_team_keeps_their_number(sqlite_app: App) -> None:
    raj = ConsoleDriver(sqlite_app, user="Raj", lang="en", timezone="Asia/Kolkata")
    await raj.say("/start")
    await raj.say("/crm form new Enquiry")
    async with sqlite_app.workspace.sessionmaker() as session, session.begin():
        token = (await session.execute(select(CrmForm.token))).scalar_one()
        team = (await session.execute(select(Team))).scalar_one()
        team.timezone = "Asia/Kolkata"
    client = TestClient(TestServer(make_web_app(sqlite_app.workspace.sessionmaker)))
    await client.start_server()
    try:
        sent = await client.post(f"/f/{token}", data={"name": "Priya", "phone": "98765 43210"})
        assert sent.status == 200
    finally:
        await client.close()
    async with sqlite_app.workspace.sessionmaker() as session:
        lead = (await session.execute(select(CrmLead))).scalar_one()
    assert lead.phone == "+91 98765 43210" and lead.phone_key == "919876543210", lead.phone
    out = await raj.say("/lead Priya S, +91 98765 43210")
    assert "This looks like a duplicate:" in out and "(same phone)" in out, out


async def test_search_finds_a_number_typed_with_the_russian_8(sqlite_app: App) -> None:
    ivan = ConsoleDriver(sqlite_app, user="Иван", lang="ru", timezone="Europe/Moscow")
    await ivan.say("/start")
    await ivan.say("/lead Иван Петров, ООО «Ромашка», +7 912 345-67-89")
    for typed in ("8 912 345-67-89", "89123456789", "8(912)3456789", "+79123456789", "345-67-89"):
        out = await ivan.say(f"/crm find {typed}")
        assert f"Найдено по запросу {typed}: 1" in out and "Иван Петров" in out, out


async def test_numbers_kept_before_normalisation_match_the_others(
    sqlite_app: App, sqlite_url: str
) -> None:
    """Rows kept with the number as typed ("89121234567" its own key, a team whose
    country is not known) are found under any form of it once migrated, and warn of a
    duplicate; a number of another country with the same digits is not the same."""
    from sqlalchemy import update

    from bot.migrate import upgrade_async

    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    typed = ["9121234567", "89121234567", "+7 912 123-45-67", "+1 912 123 4567"]
    async with sqlite_app.workspace.sessionmaker() as session, session.begin():
        team = (await session.execute(select(Team))).scalar_one()
        team.locale, team.timezone = "en", "UTC"  # no country to complete a number with
    for n, _ in enumerate(typed):
        await boss.say(f"/lead Client {n}, client{n}@example.com")
    async with sqlite_app.workspace.sessionmaker() as session, session.begin():
        for n, phone in enumerate(typed):  # as kept before numbers were normalised
            digits = "".join(c for c in phone if c.isdigit())
            await session.execute(
                update(CrmLead)
                .where(CrmLead.name == f"Client {n}")
                .values(phone=phone, phone_key=digits)
            )
    await asyncio.to_thread(downgrade, sqlite_url, "0017")
    await upgrade_async(sqlite_url)

    for number in ("+7 912 123-45-67", "8 912 123 45 67", "79121234567"):
        out = await boss.say(f"/crm find {number}")
        assert f"Found for {number}: 3" in out, out
        assert all(f"Client {n}" in out for n in range(3)) and "Client 3" not in out, out
    # another country's number: not the Russian ones; the one of no known country may be
    out = await boss.say("/crm find +1 912 123 4567")
    assert "Found for +1 912 123 4567: 2" in out, out
    assert "Client 3" in out and "Client 0" in out and "Client 1" not in out, out
    out = await boss.say("/lead Pavel, 8 912 123 45 67")
    assert "This looks like a duplicate:" in out and "(same phone)" in out, out
    assert "Client 0" in out and "Client 1" in out, out
    # new rows match old ones and each other in any form too
    await boss.press("Create anyway")
    out = await boss.say("/crm find 912 123 45 67")
    assert "Found for 912 123 45 67: 5" in out, out  # the national number: any country


async def test_german_numbers_are_grouped_and_match(sqlite_app: App) -> None:
    """A German team's numbers are shown as Germans write them (country code, area or
    mobile prefix, subscriber), typed with or without +49 they are one number."""
    jonas = ConsoleDriver(sqlite_app, user="Jonas", lang="en", timezone="Europe/Berlin")
    await jonas.say("/start")
    async with sqlite_app.workspace.sessionmaker() as session, session.begin():
        team = (await session.execute(select(Team))).scalar_one()
        team.locale, team.timezone = "en", "Europe/Berlin"
    out = await jonas.say("/lead Jonas Weber, +49 30 12345678")
    assert "+49 30 12345678" in out, out
    out = await jonas.say("/lead Anna Weber, 030 12345678")  # the trunk 0, no +49
    assert "This looks like a duplicate:" in out and "Jonas Weber (same phone)" in out, out
    await jonas.press("Create anyway")
    out = await jonas.say("/lead Max Müller, +4915112345678")
    assert "+49 151 12345678" in out, out
    out = await jonas.say("/crm find 0151 12345678")
    assert "Found for 0151 12345678: 1" in out and "Max Müller +49 151 12345678" in out, out
    out = await jonas.say("/crm find +49 30 12345678")
    assert "Found for +49 30 12345678: 2" in out, out
    assert "Anna Weber +49 30 12345678" in out and "Jonas Weber +49 30 12345678" in out, out
    # a Russian number as Russians write it, with its trunk 8, is no Munich one
    out = await jonas.say("/lead Olga, 8 912 123-45-67")
    assert "+7 912 123-45-67" in out and "+49" not in out, out
    out = await jonas.say("/crm find +7 912 123 45 67")
    assert "Found for +7 912 123 45 67: 1" in out and "Olga +7 912 123-45-67" in out, out
