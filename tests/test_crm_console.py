"""The CRM through the console: lead -> duplicate warning -> convert -> deal through its
stages -> won -> dashboard, in English and in Russian; import and export."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.app import App
from models.crm import CrmActivity, CrmCompany, CrmContact, CrmDeal, CrmLead, CrmNote
from models.notifications import Notification
from models.outbox import OutboxMessage
from tests.console_driver import ConsoleDriver, invite_code


async def test_sales_cycle_in_english(app: App) -> None:
    boss = ConsoleDriver(app, user="Boss", lang="en")
    await boss.say("/start")

    out = await boss.say(
        "/lead Ivan Petrov, Romashka LLC, +7 999 123-45-67, ivan@romashka.ru, source: call"
    )
    assert "Lead #1 created." in out
    assert "Lead #1: Ivan Petrov" in out
    assert "Company: Romashka LLC" in out
    assert "Phone: +7 999 123-45-67" in out
    assert "E-mail: ivan@romashka.ru" in out
    assert "Source: call" in out and "Status: new" in out

    # the same phone typed differently: a duplicate warning, then a merge
    out = await boss.say("/lead Ivan P, 8 (999) 123 45 67, comment: second call")
    assert "This looks like a duplicate:" in out
    assert "lead #1 Ivan Petrov (same phone)" in out
    out = await boss.press("Merge into #1")
    assert "Merged into #1." in out
    assert "A duplicate entry was merged in" in out
    assert "Boss: second call" in out  # the duplicate's comment lives on
    out = await boss.press("History")
    assert "Comments and history (3)" in out and "second call" in out
    assert "Lead created" in out
    out = await boss.say("/leads")
    assert "Leads (1)" in out

    # a bad e-mail is kept as text with a warning
    out = await boss.say("/lead Petr Sidorov, petr@nowhere, source: web")
    assert "petr@nowhere does not look like an e-mail; kept as text." in out
    assert "Source: web form" in out
    out = await boss.say("/leads web")
    assert "Leads (1)" in out and "Petr Sidorov" in out
    out = await boss.press("Export CSV")
    assert "1 row exported." in out and "leads.csv" in out

    # convert lead 1 into a deal, a contact and a company
    await boss.say("/lead 1")
    out = await boss.press("Convert")
    assert "Convert lead #1 into:" in out
    assert "☑ Deal" in out and "☑ Contact" in out and "☑ Company" in out
    out = await boss.press("Convert")
    assert "Lead #1 converted: deal #1, contact #1, company #1." in out
    assert "Status: converted" in out

    out = await boss.press("Deal #1")
    assert "Deal #1: Romashka LLC" in out and "Stage: new" in out
    assert "Contact: Ivan Petrov" in out and "Company: Romashka LLC" in out
    out = await boss.press("Amount")
    assert "Amount and currency?" in out
    out = await boss.say("150 000 RUB")
    assert "Amount: 150 000 RUB" in out
    for stage in ("preparation", "offer", "negotiation"):
        out = await boss.press(stage)
        assert f"Stage: {stage}" in out
    out = await boss.press("won")
    assert "🎉 The deal is won!" in out and "Stage: won" in out

    # the contact knows its deal, the company its contact
    out = await boss.say("/contact 1")
    assert "Contact #1: Ivan Petrov" in out and "#1 Romashka LLC — 150 000 RUB" in out
    # creating a contact or a company checks for duplicates too
    out = await boss.say("/contact Ivan Petrov, Romashka LLC, +7 999 123 45 67")
    assert "This looks like a duplicate:" in out
    assert "lead #1 Ivan Petrov (same phone)" in out
    assert "contact #1 Ivan Petrov (same phone)" in out
    out = await boss.press("Create anyway")
    assert (
        "Contact #2 created." in out and "Company: Romashka LLC" in out
    )  # linked by the company name
    out = await boss.say("/company Romashka LLC")
    assert "company #1 Romashka LLC (same name)" in out
    assert "Open #1" not in boss.last  # the button says what it opens
    out = await boss.press("Company #1")
    assert "Company #1: Romashka LLC" in out and "Ivan Petrov" in out
    out = await boss.say("/crm find 999 123")
    assert "lead #1 Ivan Petrov" in out and "contact #1 Ivan Petrov" in out

    # a lost deal needs a reason
    out = await boss.say("/deal Support contract 10k RUB")
    assert "Deal #2 created." in out and "Amount: 10 000 RUB" in out
    out = await boss.press("lost")
    assert "Why was the deal lost?" in out
    out = await boss.say("Too expensive")
    assert "Stage: lost" in out and "Reason: Too expensive" in out

    # an activity with a reminder in the outbox
    await boss.say("/deal 2")
    out = await boss.press("Activity")
    assert "Call, meeting or to-do?" in out
    await boss.press("call")
    await boss.say("Discuss the price")
    out = await boss.say("tomorrow 15:00")
    # 15 minutes ahead, worded for when it arrives
    assert "Planned; I will remind you tomorrow 14:45." in out
    async with app.workspace.sessionmaker() as session, session.begin():
        row = await session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reminder"))
        assert row is not None and row.dedup_key and row.dedup_key.startswith("activity:1:")
        assert row.status == "pending"
        activity = await session.scalar(select(CrmActivity))
        assert activity is not None and row.due_at == activity.due_at - timedelta(minutes=15)
        row.due_at = datetime.now(UTC) - timedelta(minutes=1)  # the time has come
    out = await boss.say("/deals won")
    assert "🔔 Reminder: call Discuss the price, today 15:00" in out, out
    out = await boss.press("Done")
    assert "Done." in out and "✔ 📞 call" in out

    # the plan and the dashboard
    out = await boss.say("/crm plan @Boss 200000")
    assert re.search(r"Plan for Boss in [A-Z][a-z]+ \d{4}: 200 000 RUB\.", out), out
    out = await boss.say("/crm")
    assert "CRM Start" in out
    assert "Boss: 150 000 RUB of 200 000 RUB (75%)" in out
    assert "Leads: 2, converted: 1 (50%)" in out
    assert "call: 1 lead, 1 converted (100%)" in out
    assert "Boss: won 1 for 150 000 RUB" in out
    assert re.search(r"\(image: crm-\d{4}-\d\d\.png, \d+ bytes\)", out), out

    out = await boss.press(" »")  # the next month has no plan and no results yet
    assert "No plan for this month." in out and "No results this month yet." in out
    out = await boss.say("/crm report deals by owner won")
    assert "Report: deals by responsible" in out and "Boss: 1 deal, 150 000 RUB" in out
    out = await boss.say("/crm report deals by owner")  # of any state: the won sum
    assert "Boss: 2 deals, won 1: 150 000 RUB" in out, out
    out = await boss.say("/crm report month")  # a month by its name, not "2026-11"
    assert re.search(r"• [A-Z][a-z]+ \d{4}: 1 deal, 150 000 RUB", out), out
    out = await boss.say("/crm report leads by status web")
    assert "new: 1 lead" in out and "converted" not in out
    out = await boss.say("/crm report funnel")
    assert "Deal funnel" in out and "won: 1 deal, 150 000 RUB" in out
    out = await boss.say("/export deals")
    assert "2 rows exported." in out and "deals.csv" in out


async def test_sales_cycle_in_russian(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Босс", lang="ru")
    await boss.say("/start")
    out = await boss.say(
        "/lead Иван Петров, ООО Ромашка, +7 999 123-45-67, ivan@romashka.ru, источник: звонок"
    )
    assert "Лид №1 создан." in out
    assert "Компания: ООО Ромашка" in out and "Источник: звонок" in out
    out = await boss.say("/lead Иван Петров, ООО «Ромашка»")
    assert "Похоже на дубликат:" in out and "(то же имя и компания)" in out
    out = await boss.press("Всё равно создать")
    assert "Лид №2 создан." in out

    await boss.say("/lead 1")
    out = await boss.press("Конвертировать")
    out = await boss.press("Компания")  # untick the company
    assert "☐ Компания" in out
    out = await boss.press("Конвертировать")
    assert "Лид №1 сконвертирован: сделка №1, контакт №1." in out
    out = await boss.press("Сделка №1")
    assert "Сделка №1: ООО Ромашка" in out and "Стадия: новая" in out  # сделка: feminine
    for stage in ("подготовка", "предложение", "переговоры"):
        out = await boss.press(stage)
        assert f"Стадия: {stage}" in out
    out = await boss.press("выиграна")
    assert "🎉 Сделка выиграна!" in out
    out = await boss.press("Дело")
    assert "Звонок, встреча или задача?" in out
    await boss.press("встреча")
    await boss.say("Подписать акт")
    out = await boss.say("завтра в 15:00")
    assert "Запланировано; напомню завтра 14:45." in out
    assert "🤝 встреча, завтра 15:00 — Подписать акт" in out
    out = await boss.press("Перенести")
    out = await boss.say("послезавтра в 10:00")
    assert "Перенесено на" in out and "10:00" in out
    out = await boss.say("/crm todo")
    assert "Мои дела (1)" in out and "Подписать акт" in out

    out = await boss.say("/crm plan @Босс 1 count")
    assert "план на" in out and "сделок: 1." in out
    out = await boss.say("/crm")
    assert "Старт CRM" in out
    assert "Босс: 1 из 1 сделки (100%)" in out
    assert "Лидов: 2, сконвертировано: 1 (50%)" in out
    assert "Воронка лидов" in out and "сконвертирован: 1" in out


async def test_import_preview_and_commit(sqlite_app: App, tmp_path: Path) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/lead Existing Person, +7 900 000-00-01")
    good = tmp_path / "leads.csv"
    good.write_bytes(
        "Имя;Фамилия;Название компании;Мобильный телефон;E-mail;Источник\n"
        "Анна;Смирнова;ООО Вектор;+7 900 000-00-01;anna@vector.ru;Звонок\n"
        "Олег;Иванов;;89001112233;oleg@mail.ru;Веб-сайт\n".encode("cp1251")
    )
    out = await boss.say("/import")
    assert "Send the CSV file" in out
    out = await boss.say("here it is")  # text instead of a file: asked again
    assert "Send the CSV file as a document." in out
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    out = await boss.say(f"/file {empty}")  # no CSV at all: said, and asked again
    assert "The file is empty." in out and "closed" not in out, out
    picture = tmp_path / "photo.csv"
    picture.write_bytes(bytes(range(256)) * 4)
    out = await boss.say(f"/file {picture}")
    assert "neither UTF-8 nor Windows-1251" in out and "closed" not in out, out
    out = await boss.say(f"/file {good}")
    assert "New: 1" in out and "Duplicates: 1" in out and "Errors: 0" in out
    assert "Duplicate lines: 2" in out
    out = await boss.press("Import new only")
    assert "Imported leads: 1." in out
    out = await boss.say("/leads")
    assert "Leads (2)" in out and "Олег Иванов" in out

    bad = tmp_path / "bad.csv"
    bad.write_text("name,phone,email\nA,12,a@b.ru\nB,+79001112299,b@b.ru\nC,,not-an-email\n")
    await boss.say("/import")
    out = await boss.say(f"/file {bad}")
    assert "Errors: 2" in out
    assert "line 2: phone 12 is not a phone number" in out
    assert "line 4: e-mail not-an-email is not valid" in out
    assert "Nothing was imported." in out
    out = await boss.say("/leads")
    assert "Leads (2)" in out


async def test_team_rights_notifications_and_fields(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    code = invite_code(await boss.say("/invite"))
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say(f"/start {code}")

    # responsible and stage changes notify the responsible person
    out = await boss.say("/deal Big deal 1000 USD")
    assert "Amount: 1 000 USD" in out
    await boss.press("Responsible")
    out = await boss.say("Anna")
    assert "Anna is responsible now." in out
    out = await anna.say("/deals")
    assert "🔔 Boss made you responsible for Big deal." in out
    assert "Deals (1)" in out
    await boss.say("/deal 1 stage offer")
    out = await anna.say("/deal 1 stage nonsense")
    assert "🔔 Boss moved the deal Big deal to offer." in out
    assert "There is no stage nonsense. Choose one:" in out
    assert "[1] new" in out
    await boss.say("/deal 1 stage lost")
    await boss.say("Too expensive")
    out = await anna.say("/deals")
    assert "🔔 Boss moved the deal Big deal to lost. Reason: Too expensive" in out, out
    out = await boss.say("/crm pipeline Partners")
    assert "Pipeline Partners created with the default stages." in out
    out = await boss.say("/crm currency usd")
    assert "The team's currency is USD now." in out
    out = await boss.say("/deal #Partners Reseller deal 500")
    assert "Pipeline: Partners" in out and "Amount: 500 USD" in out
    out = await boss.say("/deal #Nope Something")
    assert "There is no pipeline Nope. Choose one:" in out and "Sales" in out
    out = await anna.say("/crm plan @Anna 5")
    assert "You have no right to do that." in out

    # an employee with the default visibility sees only their own leads
    await boss.say("/lead Boss's lead, +7 900 000-00-01")
    out = await anna.say("/leads")
    assert "Leads (0)" in out
    out = await anna.say("/lead 1")
    assert "Not found, or you have no access to it." in out
    out = await boss.say("/crm access all")
    assert "Employees now see every CRM record of the team." in out
    out = await anna.say("/leads")
    assert "Leads (1)" in out

    # extranet: no CRM until granted
    await boss.say("/groups new Partners")
    guest_code = invite_code(await boss.say("/invite extranet Partners"))
    guest = ConsoleDriver(sqlite_app, user="Guest", lang="en")
    await guest.say(f"/start {guest_code}")
    out = await guest.say("/leads")
    assert "The CRM is not open to you. Ask an admin for access." in out
    out = await boss.say("/crm grant @Guest")
    assert "Guest may use the CRM now." in out
    out = await guest.say("/leads")
    assert "Leads (0)" in out

    # a custom list field and a custom lead status
    out = await boss.say("/crm field add deal Region list North|South")
    assert "Field Region added." in out
    await boss.say("/deal 1")
    out = await boss.press("Fields")
    assert "Which field?" in out
    await boss.press("Region")
    out = await boss.say("east")
    assert "Choose one of: North, South." in out
    out = await boss.say("south")
    assert "Region: South" in out
    # products from the catalogue, with quantity and discount
    out = await anna.say("/products add Consulting 5000 RUB")
    assert "You have no right to do that." in out
    out = await boss.say("/products add Consulting 5000 RUB")
    assert "Product Consulting added: 5 000 RUB." in out
    await boss.say("/deal 1")
    out = await boss.press("Add product")
    assert "Which product?" in out
    await boss.press("Consulting")
    out = await boss.say("2 pcs")
    assert "Discount?" in out
    out = await boss.say("10%")
    assert "Amount: 9 000 RUB" in out and "Consulting × 2, −10% = 9 000 RUB" in out
    assert "set by hand" not in out
    await boss.press("Amount")
    out = await boss.say("7000 RUB")
    assert "Amount: 7 000 RUB" in out, out
    assert "⚠ The products come to 9 000 RUB; the amount was set by hand." in out, out
    out = await boss.say("/crm status add Qualified")
    assert "Lead status Qualified added." in out
    out = await boss.say("/lead 1")
    assert "[3] Qualified" in out
    out = await boss.press("Qualified")
    assert "Status: Qualified" in out


async def test_find_pages_through_results(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    for n in range(1, 13):
        out = await boss.say(f"/lead Client {n}, +7 900 100-00-{n:02d}")
        assert f"Lead #{n} created." in out
    out = await boss.say("/crm find client")
    assert "Found for client: 12" in out and "1/2" in out  # ten a page
    assert "Client 12" in out and "Client 2 " not in out
    out = await boss.press("Next")
    assert "2/2" in out and "Client 2 " in out and "Client 1 " in out and "Client 3" not in out
    out = await boss.say("/crm find 900 100-00-07")
    assert "Found for 900 100-00-07: 1" in out and "Client 7" in out
    await boss.say("/lead Ivan Petrov, ООО Ромашка, +7 999 123-45-67")
    out = await boss.say("/crm find Ромашка")
    assert "Found for Ромашка: 1" in out and "Ivan Petrov" in out


async def test_an_employee_hands_a_lead_over_under_own_visibility(sqlite_app: App) -> None:
    """With "own records" visibility the lead leaves the employee's sight as they hand
    it over: the handover stands, and the new owner is told."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    code = invite_code(await boss.say("/invite"))
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say(f"/start {code}")
    out = await anna.say("/lead Carl, +7 911 000 00 05")
    assert "Lead #1 created." in out
    await anna.press("Responsible")
    out = await anna.say("Boss")
    assert "Boss is responsible now." in out
    assert "Not found" not in out and "Lead #1: Carl" not in out
    out = await anna.say("/leads")
    assert "Leads (0)" in out
    out = await boss.say("/leads")
    assert "🔔 Anna made you responsible for Carl." in out
    assert "Leads (1)" in out and "Carl" in out


async def test_amounts_numbers_and_exports_resist_odd_input(
    sqlite_app: App, tmp_path: Path
) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    boss.console.files_dir = tmp_path
    await boss.say("/start")
    # a number in the title stays in the title; thousands groups are one amount
    out = await boss.say("/deal Office 365 12000")
    assert "Deal #1: Office 365" in out and "Amount: 12 000 RUB" in out
    out = await boss.say("/deal Fit-out 1 500 000 RUB")
    assert "Deal #2: Fit-out" in out and "Amount: 1 500 000 RUB" in out
    # an amount no deal has is refused in one sentence, and nothing is saved
    out = await boss.say("/deal Big 99999999999999999999 RUB")
    assert "99999999999999999999 RUB is too large for an amount." in out
    assert "Something went wrong" not in out
    out = await boss.say("/deals")
    assert "Deals (2)" in out
    await boss.say("/deal 1")
    await boss.press("Amount")
    out = await boss.say("1e30")
    assert "I could not read 1e30 as an amount" in out or "too large" in out

    # a number field: absurd exponents are refused, not stored or crashed on
    await boss.say("/crm field add deal Budget number")
    for raw in ("1e1000000", "1e200000"):
        await boss.say("/deal 1")
        await boss.press("Fields")
        await boss.press("Budget")
        out = await boss.say(raw)
        assert "is too large or too small for a number field." in out, out
        assert "Something went wrong" not in out and len(out) < 2000
        await boss.say("/cancel")

    # a formula typed as a name is exported as text; a phone number stays a phone number
    await boss.say("/lead =2+3*7, +7 999 555-44-33")
    out = await boss.say("/export leads")
    assert "1 row exported." in out
    exported = (tmp_path / "leads.csv").read_text(encoding="utf-8-sig")
    assert "'=2+3*7" in exported and ",+7 999 555-44-33," in exported


async def test_an_amount_the_deal_line_cannot_take_is_refused_not_made_zero(
    sqlite_app: App,
) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    for line, answer in (
        ("/deal Big deal -100 RUB", "An amount cannot be negative: -100 RUB."),
        ("/deal Big deal 1e308 RUB", "I could not read 1e308 RUB as an amount"),
        ("/deal Big deal 100 XXX", "XXX is not a currency code I know"),
    ):
        out = await boss.say(line)
        assert answer in out and "created" not in out, out
    out = await boss.say("/deals")
    assert "Deals (0)" in out, out
    out = await boss.say("/deal Licences for 2 teams 500 JPY")
    assert "Deal #1: Licences for 2 teams" in out and "Amount: 500 JPY" in out, out
    # the deal form says the same
    await boss.press("Amount")
    out = await boss.say("-100")
    assert "An amount cannot be negative: -100." in out, out
    await boss.say("/cancel")
    out = await boss.say("/crm currency XYZ")
    assert "XYZ is not a currency code I know" in out, out
    out = await boss.say("/crm currency jpy")
    assert "The team's currency is JPY now." in out, out


async def test_amounts_in_russian(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Босс", lang="ru")
    await boss.say("/start")
    out = await boss.say("/deal Крупная 99999999999999999999 руб")
    assert "99999999999999999999 руб — слишком большая сумма." in out


async def test_products_currencies_and_a_long_catalogue(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    out = await boss.say("/products add Consulting 100 USD")
    assert "Product Consulting added: 100 USD." in out
    out = await boss.say("/products add consulting 90 USD")
    assert "There is already a product consulting." in out
    await boss.say("/products add Audit 100 EUR")
    await boss.say("/deal Mixed")
    await boss.press("Add product")
    await boss.press("Consulting")
    await boss.say("1 pcs")
    out = await boss.say("0%")
    assert "Amount: 100 USD" in out
    # a product in another currency is refused at once, and the product asked again
    await boss.press("Add product")
    out = await boss.press("Audit")
    assert "Audit is priced in EUR; this deal's products are in USD." in out, out
    assert "Which product?" in out, out
    await boss.press("Consulting")
    await boss.say("2 pcs")
    out = await boss.say("0%")
    assert "Amount: 300 USD" in out and "Audit" not in out, out
    # the amount's currency cannot relabel the lines' prices
    await boss.press("Amount")
    out = await boss.say("250 GBP")
    assert "This deal's products are priced in USD: give its amount in USD." in out, out
    out = await boss.say("250 USD")
    assert "Amount: 250 USD" in out and "• Consulting × 2 = 200 USD" in out, out
    assert "The products come to 300 USD; the amount was set by hand." in out, out
    # adding one more replaces the typed amount, says so and keeps it in the history
    await boss.press("Add product")
    await boss.press("Consulting")
    await boss.say("1 pcs")
    out = await boss.say("0%")
    assert "The amount 250 USD typed by hand is replaced by the products' total, 400 USD." in out, (
        out
    )
    out = await boss.press("History")
    assert "Amount: 250 USD replaced by the products' total, 400 USD" in out, out
    # reports add each currency up on its own, converting nothing
    await boss.say("/deal Local 5000 RUB")
    out = await boss.say("/crm report funnel")
    assert "2 deals, 5 000 RUB + 400 USD" in out
    await boss.say("/deal 1 stage won")
    await boss.say("/deal 2 stage won")
    out = await boss.say("/crm")
    assert "won 2 for 5 000 RUB + 400 USD" in out

    # a catalogue longer than any page: a product is found by its name
    for n in range(1, 206):
        await boss.say(f"/products add P{n:03d} {n} RUB")
    await boss.say("/deal Big2")
    await boss.press("Add product")
    out = await boss.say("p205")
    assert "Quantity?" in out, out
    await boss.say("2 pcs")
    out = await boss.say("0%")
    assert "P205 × 2 = 410 RUB" in out


async def test_imported_contacts_keep_their_company(sqlite_app: App, tmp_path: Path) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/company Romashka LLC")
    data = tmp_path / "contacts.csv"
    data.write_text(
        "name,company,phone,comment\n"
        "Olga,Romashka LLC,+7 900 111 22 33,VIP\n"
        "Ivan,Vector,+7 900 111 22 44,\n"
        "Petr,vector,+7 900 111 22 55,\n",
        encoding="utf-8",
    )
    await boss.say("/import contacts")
    out = await boss.say(f"/file {data}")
    assert "New: 3" in out and "Errors: 0" in out
    out = await boss.press("Import all")
    assert "Imported contacts: 3." in out
    out = await boss.say("/companies")
    assert "Companies (2)" in out and "Vector" in out
    out = await boss.say("/contact 1")
    assert "Company: Romashka LLC" in out and "🏢 Romashka LLC" in out  # the one that was there
    out = await boss.say("/contact 3")
    assert "🏢 Vector" in out  # created once for Ivan and Petr


async def test_a_company_with_many_deals_and_contacts_pages_them(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/company Romashka LLC")
    for n in range(1, 8):
        await boss.say(f"/contact Person {n}, Romashka LLC, +7 900 222 00 {n:02d}")
    for n in range(1, 13):
        out = await boss.say(f"/lead Buyer {n}, Romashka LLC, +7 900 333 00 {n:02d}")
        await boss.press("Convert")
        await boss.press("Convert")
    out = await boss.say("/company 1")
    assert "All deals (12)" in out and "All contacts (" in out
    out = await boss.press("All deals (12)")
    assert "Deals of Romashka LLC (12)" in out and "1/2" in out
    out = await boss.press("Next")
    assert "2/2" in out and out.count("💼") == 2
    out = await boss.press("Back")
    assert "Company #1: Romashka LLC" in out
    out = await boss.press("All contacts (19)")  # 7 added, 12 from the converted leads
    assert "Contacts of Romashka LLC (19)" in out and "1/2" in out
    out = await boss.press("Next")
    assert "2/2" in out and "Person 7" in out
    # conversion linked each lead to the company the team has: there is one Romashka
    out = await boss.say("/companies")
    assert "Companies (1)" in out


async def test_the_lead_form_asks_again_for_an_unknown_source(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/lead")
    await boss.say("Ivan")
    await boss.press("Skip")
    await boss.press("Skip")
    out = await boss.press("Skip")
    assert "Source?" in out
    out = await boss.say("pigeon post")
    assert "There is no source pigeon post. Choose one:" in out and "call" in out
    assert "set to other" not in out
    out = await boss.press("call")
    assert "Lead #1 created." in out and "Source: call" in out


async def test_the_lead_form_asks_again_for_a_phone_or_e_mail_that_is_none(
    sqlite_app: App,
) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/lead")
    await boss.say("Ivan")
    await boss.press("Skip")
    out = await boss.say("abc")
    assert out.startswith("“abc” does not look like a phone number.\nPhone?")
    assert "Skip" in out
    out = await boss.say("+7 900 123 45 67")
    assert "E-mail?" in out
    out = await boss.say("+7 900 123 45 67")
    assert out.startswith("“+7 900 123 45 67” does not look like an e-mail address.\nE-mail?")
    out = await boss.say("ivan@example.com")
    assert "Source?" in out
    out = await boss.press("call")
    assert "Lead #1 created." in out and "does not look like" not in out
    assert "Phone: +7 900 123-45-67" in out and "E-mail: ivan@example.com" in out

    # nothing was saved while they were refused; Skip and a dash still leave them empty
    ivan = ConsoleDriver(sqlite_app, user="Иван", lang="ru")
    await ivan.say(f"/start {invite_code(await boss.say('/invite'))}")
    await ivan.say("/lead")
    await ivan.say("Пётр")
    await ivan.press("Пропустить")
    out = await ivan.say("abc")
    assert out.startswith("«abc» не похоже на номер телефона.\nТелефон?")
    out = await ivan.press("Пропустить")
    assert "E-mail?" in out
    out = await ivan.say("+7 900 123 45 67")
    assert out.startswith("«+7 900 123 45 67» не похоже на адрес e-mail.\nE-mail?")
    await ivan.say("-")
    out = await ivan.press("звонок")
    assert "Лид №2 создан." in out and "не похоже" not in out
    assert "Телефон:" not in out and "E-mail:" not in out
    async with sqlite_app.workspace.sessionmaker() as session:
        phones = (await session.scalars(select(CrmLead.phone).order_by(CrmLead.id))).all()
    assert phones == ["+7 900 123-45-67", ""]


async def test_a_plan_in_another_currency_or_with_kopecks(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    out = await boss.say("/crm plan @Boss 5000 USD")
    assert "Plans are in the team's currency, RUB." in out
    out = await boss.say("/crm plan @Boss 150000.50")
    assert "Plan for Boss in" in out and "150 000" in out
    out = await boss.say("/crm plan @Boss 200000 2026-12")
    assert "Plan for Boss in December 2026: 200 000 RUB." in out


async def test_a_russian_reader_sees_roubles_as_the_rouble_sign(
    sqlite_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cards, plans, reports and the chart title say "1 250 000 ₽" to a Russian reader;
    other currencies keep their code, and an English reader keeps "RUB"."""
    from matplotlib.axes import Axes

    titles: list[str] = []
    set_title = Axes.set_title
    monkeypatch.setattr(
        Axes, "set_title", lambda ax, label, *a, **k: titles.append(label) or set_title(ax, label)
    )
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    out = await olga.say("/deal Мебель 1 250 000 руб")
    assert "Сумма: 1 250 000 ₽" in out and "RUB" not in out, out
    out = await olga.say("/deal Лицензии 2 500 $")
    assert "Сумма: 2 500 USD" in out, out
    await olga.say("/deal 1 стадия выиграна")
    await olga.say("/deal 2 стадия выиграна")
    out = await olga.say("/crm plan @Olga 2 млн")
    assert "— 2 000 000 ₽." in out, out
    out = await olga.say("/crm")
    assert "Olga: 1 250 000 ₽ из 2 000 000 ₽" in out, out
    assert "(62%), и ещё 2 500 USD в других валютах" in out, out  # never converted
    assert "выиграно 2 на 1 250 000 ₽ + 2 500 USD" in out, out
    assert "Выиграно, ₽" in titles, titles
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    out = await boss.say("/deal Chairs 5000 RUB")
    assert "Amount: 5 000 RUB" in out, out


async def test_plans_and_the_dashboard_take_months_by_name(sqlite_app: App) -> None:
    from datetime import date

    from services.crm_periods import parse_month

    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    december = parse_month("декабрь", date.today())  # the nearest December
    year = december[:4]
    out = await olga.say("/crm plan @Olga 500 тыс декабрь")
    assert f"Olga: план на декабрь {year} — 500 000 ₽." in out, out
    out = await olga.say("/crm plan @Olga 10 сделок на декабрь")
    assert f"Olga: план на декабрь {year} — сделок: 10." in out, out
    out = await olga.say("/crm month декабрь")
    assert f"Старт CRM — декабрь {year}" in out and "Olga: 0 из 10 сделок" in out, out
    assert "« ноябрь" in out, out


async def test_an_activity_noted_after_the_fact_gets_no_reminder(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/lead Ivan, +7 999 000 11 22")
    await boss.press("Activity")
    await boss.press("call")
    await boss.say("Talked about the price")
    out = await boss.say("yesterday 15:00")
    assert "Noted for yesterday 15:00, which has passed: no reminder." in out
    async with sqlite_app.workspace.sessionmaker() as session:
        reminders = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "reminder")
        )
    assert reminders == 0


async def test_an_activity_for_a_day_without_a_time_is_due_at_the_start_of_the_day(
    sqlite_app: App,
) -> None:
    """ "послезавтра" with no time: 09:00 that day (a task's deadline takes the end of the
    working day), not the clock time it was typed at; a time said is kept."""
    olga = ConsoleDriver(sqlite_app, user="Ольга", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    await olga.say("/lead Иван Петров, +7 912 345-67-89")
    await olga.press("Дело")
    await olga.press("звонок")
    await olga.say("Уточнить количество стульев")
    out = await olga.say("послезавтра")
    assert re.search(r"📞 звонок, \w\w \d+ \w+\. 09:00 — Уточнить", out), out
    await olga.press("Дело")
    await olga.press("встреча")
    await olga.say("Показ образцов")
    await olga.say("послезавтра в 15:30")
    async with sqlite_app.workspace.sessionmaker() as session:
        due = list(await session.scalars(select(CrmActivity.due_at).order_by(CrmActivity.id)))
    moscow = ZoneInfo("Europe/Moscow")
    day = datetime.now(moscow).date() + timedelta(days=2)
    assert [d.astimezone(moscow).replace(tzinfo=None) for d in due] == [
        datetime(day.year, day.month, day.day, 9, 0),
        datetime(day.year, day.month, day.day, 15, 30),
    ], due


async def test_a_bare_day_takes_the_start_of_the_persons_own_working_day(
    sqlite_app: App,
) -> None:
    """Olga works 10:30-19:00: her call set for "послезавтра" is due at 10:30 that day,
    not at the 09:00 of a schedule she does not keep."""
    olga = ConsoleDriver(sqlite_app, user="Ольга", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    await olga.say("/day schedule mon-sun 10:30-19:00 lunch 0")
    await olga.say("/lead Иван Петров, +7 912 345-67-89")
    await olga.press("Дело")
    await olga.press("звонок")
    await olga.say("Уточнить количество стульев")
    out = await olga.say("послезавтра")
    assert re.search(r"📞 звонок, \w\w \d+ \w+\. 10:30 — Уточнить", out), out
    async with sqlite_app.workspace.sessionmaker() as session:
        due = await session.scalar(select(CrmActivity.due_at))
    moscow = ZoneInfo("Europe/Moscow")
    day = datetime.now(moscow).date() + timedelta(days=2)
    assert due is not None
    assert due.astimezone(moscow).replace(tzinfo=None) == datetime(
        day.year, day.month, day.day, 10, 30
    ), due


async def test_a_contact_line_typed_without_commas(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Ольга", lang="ru")
    await olga.say("/start")
    out = await olga.say("/lead Сергей Смирнов ИП Смирнов 8 (912) 555-44-33 smirnov@mail.ru")
    assert "Лид №1: Сергей Смирнов" in out and "ИП Смирнов" in out
    assert "+7 912 555-44-33" in out and "smirnov@mail.ru" in out
    out = await olga.say("/lead Мария +79161234567 сайт")
    assert "Лид №2: Мария" in out and "+7 916 123-45-67" in out


async def test_amounts_and_numbers_written_with_thousands_separators(app: App) -> None:
    boss = ConsoleDriver(app, user="Boss", lang="en")
    await boss.say("/start")
    out = await boss.say("/deal Website $2,500")
    assert "Deal #1 created." in out and "Amount: 2 500 USD" in out, out
    out = await boss.say("/deal Hosting 1,250.75 USD")
    assert "Amount: 1 250.75 USD" in out, out
    out = await boss.say("/deal Licences 1.250,50 €")
    assert "Amount: 1 250.50 EUR" in out, out
    out = await boss.say("/products add Consulting 12,000 USD")
    assert "Product Consulting added: 12 000 USD." in out, out
    out = await boss.say("/crm field add deal Seats number")
    assert "Field Seats added." in out, out
    await boss.say("/deal 1")
    await boss.press("Fields")
    await boss.press("Seats")
    out = await boss.say("2,500")
    assert "Seats: 2,500" in out and "Seats: 2500" not in out, out  # card and history alike
    olga = ConsoleDriver(app, user="Olga", lang="ru")
    await olga.say("/start")
    await olga.say("/crm field add deal Ставка number")
    await olga.say("/deal Сайт 150 000 руб")
    await olga.press("Поля")
    await olga.press("Ставка")
    out = await olga.say("2,5")
    assert "Ставка: 2,5" in out and "Ставка: 2.5" not in out, out  # card and history alike


async def test_north_american_phones_in_a_lead_line(app: App) -> None:
    boss = ConsoleDriver(app, user="Boss", lang="en")
    await boss.say("/start")
    out = await boss.say("/lead John Smith (415) 555-2671")
    assert "Lead #1: John Smith\n" in out and "Phone: +1 415 555-2671" in out, out
    out = await boss.say("/contact Bob Stone 415.555.2671")
    assert "This looks like a duplicate:" in out and "lead #1 John Smith (same phone)" in out
    out = await boss.say("/lead Notes from 12.05.2026 call")
    assert "Lead #2: Notes from 12.05.2026 call" in out and "Phone:" not in out, out


async def test_a_colleagues_client_is_flagged_without_showing_the_record(
    sqlite_app: App, tmp_path: Path
) -> None:
    olga = ConsoleDriver(sqlite_app, user="Ольга", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    ivan = ConsoleDriver(sqlite_app, user="Иван", lang="ru", timezone="Europe/Moscow")
    await ivan.say(f"/start {invite_code(await olga.say('/invite'))}")
    petr = ConsoleDriver(sqlite_app, user="Пётр", lang="ru", timezone="Europe/Moscow")
    await petr.say(f"/start {invite_code(await olga.say('/invite'))}")
    await ivan.say("/lead Иван Петров, ООО Ромашка, +7 912 345-67-89, комментарий: тайна")
    data = tmp_path / "leads.csv"
    data.write_bytes("Имя;Телефон\nИван Петров;+7 912 345-67-89\nАнна;+7 900 1112233\n".encode())
    await petr.say("/import")
    out = await petr.say(f"/file {data}")
    assert "Новых: 1" in out and "Дубликатов: 1" in out, out  # Иван's client among them
    await petr.press("Отмена")

    out = await petr.say("/lead Иван Петров, ООО Ромашка, 89123456789")
    assert "Похоже на дубликат:" in out, out
    assert "лид №1, ответственный — Иван (тот же телефон)" in out, out
    assert "Иван Петров" not in out and "тайна" not in out, out  # nothing of the record
    labels = set(petr.buttons().values())
    assert labels == {"Всё равно создать"}, out  # nothing to open or merge into
    out = await petr.press("Всё равно создать")
    assert "Лид №2 создан." in out, out


async def test_merging_keeps_the_other_persons_name(sqlite_app: App) -> None:
    ivan = ConsoleDriver(sqlite_app, user="Иван", lang="ru", timezone="Europe/Moscow")
    await ivan.say("/start")
    await ivan.say("/lead Иван Петров, ООО «Ромашка», +7 912 345-67-89")
    out = await ivan.say(
        "/lead Олег Смирнов, ООО «Ромашка», 8 912 345 67 89, o.smirnov@romashka.ru"
    )
    assert "(тот же телефон)" in out, out
    out = await ivan.press("Объединить с №1")
    assert "Лид №1: Иван Петров" in out, out
    assert (
        "Объединено с дубликатом: Олег Смирнов · ООО «Ромашка» · +7 912 345-67-89 · "
        "o.smirnov@romashka.ru" in out
    ), out


async def test_a_card_counts_its_activities_and_opens_them_all(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/deal Chairs 1000 USD")
    for n in range(1, 8):
        await boss.say("/deal 1")
        await boss.press("Activity")
        await boss.press("call")
        await boss.say(f"Call {n}")
        await boss.say(f"in {n} days")
    out = await boss.say("/deal 1")
    assert "Activities (7)" in out and "— Call 5" in out and "— Call 6" not in out, out
    assert "✔ Call 5" in out, out  # every activity shown has its buttons
    out = await boss.press("All activities (7)")
    assert "Activities (7)" in out and "— Call 7" in out and "✔ Call 7" in out, out


async def test_a_new_team_counts_in_the_currency_of_where_it_works(app: App) -> None:
    boss = ConsoleDriver(app, user="Boss", lang="en", timezone="America/New_York")
    await boss.say("/start")
    out = await boss.say("/deal Consulting 2.5k")
    assert "Amount: 2 500 USD" in out, out
    out = await boss.say("/deal Redesign 15,000 dollars")
    assert "Deal #2 created." in out and "Amount: 15 000 USD" in out, out
    out = await boss.say("/deal Audit USD 4000")
    assert "Audit\n" in out and "Amount: 4 000 USD" in out, out
    olga = ConsoleDriver(app, user="Olga", lang="ru", timezone="Asia/Yekaterinburg")
    await olga.say("/start")
    out = await olga.say("/deal Сайт 150 тыс рублей")
    assert "Сумма: 150 000 ₽" in out, out
    out = await olga.say("/deal Поддержка 2000")
    assert "Сумма: 2 000 ₽" in out, out


def test_default_currency_by_zone_then_language() -> None:
    from services.crm import default_currency

    assert default_currency("America/Chicago", "en") == "USD"
    assert default_currency("America/Indiana/Indianapolis", "en") == "USD"
    assert default_currency("Europe/Berlin", "en") == "EUR"
    assert default_currency("Europe/London", "en") == "GBP"
    assert default_currency("Asia/Almaty", "ru") == "KZT"
    assert default_currency("Europe/Moscow", "en") == "RUB"
    assert default_currency("UTC", "ru") == "RUB"
    assert default_currency("UTC", "en") == "USD"


async def test_lead_lines_and_files_as_russians_write_them(sqlite_app: App, tmp_path: Path) -> None:
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru")
    await olga.say("/start")
    out = await olga.say("/lead Иван Петров, ООО Ромашка, +7 912 555-44-33, сайт")
    assert "Лид №1: Иван Петров" in out and "Источник: веб-форма" in out, out
    out = await olga.say("/lead Олег Смирнов, тел. 8 912 111 22 33, почта oleg@mail.ru, ООО Лютик")
    assert "Телефон: +7 912 111-22-33" in out and "E-mail: oleg@mail.ru" in out, out
    assert "Компания: ООО Лютик" in out, out
    out = await olga.say("/lead Анна, +7 912 000-11-22, источник: реклама")
    assert "Источник: реклама" in out and "Неизвестный источник" not in out, out
    people = tmp_path / "contacts.csv"
    people.write_text(
        "ФИО,Телефон,Email,Компания\nПетров Иван Сергеевич,+7 912 333-44-55,ip@lutik.ru,ООО Лютик\n",
        encoding="utf-8",
    )
    await olga.say("/import contacts")
    out = await olga.say(f"/file {people}")
    assert "Новых: 1" in out, out
    await olga.press("Импортировать все (1)")
    out = await olga.say("/contacts")
    assert "Петров Иван Сергеевич" in out, out


async def test_russian_cards_filters_and_history_have_no_english(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru")
    await olga.say("/start")
    out = await olga.say("/contacts")
    assert "Контактов пока нет. Добавьте: /contact" in out, out
    out = await olga.say("/companies")
    assert "Компаний пока нет. Добавьте: /company" in out, out
    out = await olga.say("/contact Иван Петров +7 912 555-44-33")
    assert "Контакт №1: Иван Петров" in out and "Contact" not in out, out
    out = await olga.say("/company ООО Ромашка")
    assert "Компания №1: ООО Ромашка" in out and "Company" not in out, out
    out = await olga.say("/deals бред")
    assert "Доступны: мои, открытые, выигранные, проигранные." in out, out
    out = await olga.say("/deal Сайт 100 000 руб")
    assert "Стадия: новая" in out and "новый" not in out, out
    out = await olga.say("/deals открытые")
    assert "Сайт" in out and "новая" in out, out
    out = await olga.say("/deal 1 стадия")
    assert "На какой стадии теперь сделка №1?" in out and "Сделка №2" not in out, out
    out = await olga.press("переговоры")
    assert "Стадия: переговоры" in out, out
    out = await olga.say("/leads в работе")
    assert "Лиды (0)" in out and "Неизвестный фильтр" not in out, out
    await olga.say("/lead Анна")
    await olga.press("Дело")
    await olga.press("звонок")
    out = await olga.press("Пропустить")
    out = await olga.say("завтра 15:00")
    assert "Запланировано дело: звонок" in out and "call" not in out, out


async def test_a_local_phone_number_gets_no_country_code(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="Asia/Yekaterinburg")
    await olga.say("/start")
    out = await olga.say("/lead Иван Петров, тел. 2-22-33-44")
    assert "Телефон: 2-22-33-44" in out and "+222" not in out, out
    out = await olga.say("/contact Анна Смирнова, 8 912 555-44-33")
    assert "+7 912 555-44-33" in out, out


async def test_custom_dates_numbers_and_amounts_as_russians_type_them(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    await olga.say("/crm field add deal Дата отгрузки date")
    await olga.say("/crm field add deal Бюджет number")
    out = await olga.say("/deal Мониторы 150 т.р.")
    assert "Сделка №1: Мониторы\n" in out and "Сумма: 150 000 ₽" in out, out
    await olga.press("Поля")
    await olga.press("Дата отгрузки")
    out = await olga.say("15.12.2026")
    assert "Дата отгрузки: 15 дек. 2026" in out, out  # Moscow's day, not UTC's 14th
    await olga.press("Поля")
    await olga.press("Бюджет")
    out = await olga.say("1,5 млн")
    assert "Бюджет: 1 500 000" in out, out
    out = await olga.say("/deal 1")  # the history says them as the card does
    assert "Olga: Дата отгрузки: 15 дек. 2026" in out and "2026-12-15" not in out, out
    assert "Olga: Бюджет: 1 500 000" in out and "1500000" not in out, out
    out = await olga.say("/deal Лицензии 2 миллиона рублей")
    assert "Сумма: 2 000 000 ₽" in out, out
    out = await olga.say("/deal Аренда 50 тыс в месяц")
    assert "Сделка №3: Аренда, в месяц" in out and "Сумма: 50 000 ₽" in out, out


async def test_companies_export_is_named_in_plural(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/company Globex Corp")
    out = await boss.say("/export companies")
    assert "companies.csv" in out and "companys" not in out, out


async def test_a_contact_with_a_new_company_makes_and_links_it(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone="America/New_York")
    await boss.say("/start")
    out = await boss.say("/contact Jane Doe, Globex Corp, jane@globex.com, (212) 555-0199")
    assert "Contact #1: Jane Doe" in out and "Company: Globex Corp" in out, out
    out = await boss.press("Globex Corp")
    assert "Company #1: Globex Corp" in out and "👤 Jane Doe" in out, out
    out = await boss.say("/contact John Roe, Globex Corp")
    assert "Company: Globex Corp" in out, out
    out = await boss.say("/companies")
    assert "Companies (1)" in out, out


async def _olga_plans_a_call(app: App, when: str) -> tuple[ConsoleDriver, str]:
    """Olga (ru, Moscow) with lead #1 and a call planned on it for `when`."""
    olga = ConsoleDriver(app, user="Olga", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    await olga.say("/lead Иван Петров")
    await olga.press("Дело")
    await olga.press("звонок")
    await olga.press("Пропустить")
    return olga, await olga.say(when)


async def test_my_day_lists_activities_by_kind_with_the_overdue_ones(sqlite_app: App) -> None:
    olga, out = await _olga_plans_a_call(sqlite_app, "вчера в 15")
    assert "вчера 15:00" in out, out  # the hour said, not this minute of yesterday
    out = await olga.say("/today")
    assert "Дела CRM (1)" in out and "• 📞 звонок — 🔥 вчера 15:00" in out, out
    out = await olga.press("Мои дела")
    assert "Мои дела (1)" in out, out


async def test_a_rescheduled_activity_shows_its_card_and_is_in_the_history(sqlite_app: App) -> None:
    olga, _ = await _olga_plans_a_call(sqlite_app, "завтра в 15")
    await olga.press("Перенести")
    out = await olga.say("послезавтра в 11")
    assert "Перенесено на" in out and "Лид №1: Иван Петров" in out, out
    assert "Дело перенесено на" in out and "11:00: звонок" in out, out
    out = await olga.press("✔ звонок")
    out = await olga.say("/lead 1")
    assert "Дело выполнено: звонок" in out and "call" not in out, out


async def test_imported_phone_extensions_stay_apart_from_the_number(
    sqlite_app: App, tmp_path: Path
) -> None:
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    data = tmp_path / "leads.csv"
    data.write_bytes("Имя;Телефон\nИван;+7 (495) 123-45-67 доб. 123\n".encode("cp1251"))
    await olga.say("/import leads")
    out = await olga.say(f"/file {data}")
    assert "Ошибок: 0" in out, out
    await olga.press("Импортировать")
    out = await olga.say("/lead 1")
    assert "Телефон: +7 495 123-45-67 доб. 123" in out and "4951234567123" not in out, out


BITRIX_LEADS = (
    "ID;Название лида;Имя;Фамилия;Рабочий телефон;Мобильный телефон;Рабочий e-mail;"
    "Источник;Статус;Ответственный\n"
    "101;Сайт;Алексей;Смирнов;+7 (495) 111-22-33;+7 (916) 222-33-44;a@vector.ru;"
    "Веб-сайт;В работе;Иван Сидоров\n"
    "102;Звонок;Елена;Кузнецова;;8 903 555-66-77, 8 (495) 777-88-99;;Звонок;Новый;\n"
    '103;Выставка;Ольга;Новикова;;+7 999 000-11-22;"o.n@techno.ru; info@techno.ru";'
    "Выставка;Некачественный лид;Ольга\n"
    "104;;Мария;Морозова;;;maria@mail.ru;Электронная почта;Обработан;Сергей Попов\n"
    "105;;Андрей;Соколов;;+7 912 345-67-89;;Генератор продаж;Думает;\n"
)


async def test_a_bitrix24_export_imports_whole(sqlite_app: App, tmp_path: Path) -> None:
    olga = ConsoleDriver(sqlite_app, user="Ольга", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    ivan = ConsoleDriver(sqlite_app, user="Иван", lang="ru", timezone="Europe/Moscow")
    await ivan.say(f"/start {invite_code(await olga.say('/invite'))}")
    data = tmp_path / "leads.csv"
    data.write_bytes(BITRIX_LEADS.encode("cp1251"))
    await olga.say("/import")
    out = await olga.say(f"/file {data}")
    assert "Новых: 5" in out and "Ошибок: 0" in out, out
    # said before anything is imported: what is kept aside and who gets what
    assert "В 3 строках несколько телефонов или e-mail" in out, out
    assert "Ответственный не найден в команде: Сергей Попов." in out, out
    assert "Статус не распознан: Думает. Эти лиды будут новыми." in out, out
    assert "Источник не распознан: Генератор продаж." in out, out
    await olga.press("Импортировать все")

    out = await olga.say("/lead 1")
    assert "Телефон: +7 495 111-22-33" in out and "Источник: веб-форма" in out, out
    assert "Статус: в работе" in out and "Ответственный: Иван" in out, out
    assert "Ещё в файле: +7 (916) 222-33-44" in out, out
    out = await olga.say("/lead 2")
    assert "Телефон: +7 903 555-66-77" in out and "Ещё в файле: 8 (495) 777-88-99" in out, out
    out = await olga.say("/lead 3")
    assert "E-mail: o.n@techno.ru" in out and "Ещё в файле: info@techno.ru" in out, out
    assert "Источник: выставка" in out and "Статус: некачественный" in out, out
    out = await olga.say("/lead 4")
    assert "Источник: e-mail" in out and "Статус: обработан" in out, out
    assert "Ответственный: Ольга" in out, out
    out = await olga.say("/lead 5")
    assert "Источник: другое" in out and "Источник в файле: Генератор продаж" in out, out
    assert "Статус: новый" in out, out


async def test_lead_lines_keep_a_second_phone_notes_and_a_company_after_the_phone(
    sqlite_app: App,
) -> None:
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    out = await olga.say(
        "/lead Алексей Попов, ООО Старт, тел. 8 800 555 35 35, моб. +7-926-000-11-22"
    )
    assert "Телефон: +7 800 555-35-35" in out and "моб. +7-926-000-11-22" in out, out
    out = await olga.say("/lead Наталья, natasha@yandex.ru, завтра перезвонить")
    assert "Компания: завтра" not in out and "завтра перезвонить" in out, out
    out = await olga.say('/lead Ирина Ковалёва +79035556677 ООО "Заря" источник сайт')
    assert 'Компания: ООО "Заря"' in out and "Источник: веб-форма" in out, out


async def test_leads_typed_without_commas_or_colons(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    out = await olga.say("/lead Иван Петров +7 912 345-67-89 ООО Ромашка хочет 50 стульев")
    assert "Лид №1: Иван Петров" in out and "Компания: ООО Ромашка\n" in out, out
    assert "хочет 50 стульев" in out.split("Комментарии")[1], out
    out = await olga.say(
        '/lead ЗАО "Альфа" Кузнецов Дмитрий Сергеевич тел. 8-905-111-22-33 почта d.kuz@alfa.ru'
    )
    assert "Лид №2: Кузнецов Дмитрий Сергеевич\n" in out, out
    assert 'Компания: ЗАО "Альфа"' in out and "Телефон: +7 905 111-22-33" in out, out
    assert "E-mail: d.kuz@alfa.ru" in out and "Источник: другое" in out, out
    out = await olga.say("/lead Петров Иван Иванович тел 89123456700 компания Ромашка")
    assert "Лид №3: Петров Иван Иванович\n" in out and "Компания: Ромашка" in out, out
    assert "Телефон: +7 912 345-67-00" in out, out


async def test_the_report_builder_reads_russian_and_a_period_after_the_grouping(
    sqlite_app: App,
) -> None:
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    await olga.say("/lead Иван, +7 912 555 44 33, звонок")
    month = datetime.now(ZoneInfo("Europe/Moscow")).strftime("%Y-%m")  # the lead's, hers
    out = await olga.say("/crm отчёт")  # its hint is in her words, and works as shown
    assert f"/crm отчёт лиды по источникам {month}" in out and "report" not in out, out
    out = await olga.say(f"/crm отчёт лиды по источникам {month}")
    assert "Отчёт: лиды по полю «источник»" in out and "звонок: 1 лид" in out, out
    out = await olga.say("/crm отчёт лиды по источникам")
    assert "Отчёт: лиды по полю «источник»" in out and "звонок: 1 лид" in out, out
    out = await olga.say("/crm отчёт сделки по ответственному выигранные")
    assert "Отчёт: сделки по полю «ответственный»" in out, out
    out = await olga.say("/crm отчёт по месяцам")
    assert "Продажи по месяцам" in out, out
    out = await olga.say("/crm report leads by source month")
    assert "«источник»" in out and "звонок: 1 лид" in out, out
    out = await olga.say("/crm report foo")
    assert "воронка, по месяцам, сотрудники, источники" in out and "funnel" not in out, out


async def test_a_russian_export_opens_in_columns_with_companies_and_local_times(
    sqlite_app: App, tmp_path: Path
) -> None:
    import csv

    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="Europe/Moscow")
    olga.console.files_dir = tmp_path
    await olga.say("/start")
    await olga.say("/contact Иван Петров, ООО Ромашка, +7 912 555-44-33")
    out = await olga.say("/export contacts")
    assert "contacts.csv" in out, out
    text = (tmp_path / "contacts.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(text.splitlines(), delimiter=";"))  # as Excel in Russian reads it
    await olga.say("/lead Пётр, +7 912 555-44-00, звонок")
    await olga.say("/export leads")
    leads = (tmp_path / "leads.csv").read_text(encoding="utf-8-sig")
    assert ";звонок;новый;" in leads, leads  # the reader's words, not codes
    assert rows[0] == [
        "ID",
        "Имя",
        "Компания",
        "Телефон",
        "E-mail",
        "Ответственный",
        "Дата создания",
        "Комментарии",
    ], rows
    assert rows[1][1:4] == ["Иван Петров", "ООО Ромашка", "+7 912 555-44-33"], rows
    moscow = datetime.now(ZoneInfo("Europe/Moscow")).replace(tzinfo=None)
    created = datetime.strptime(rows[1][6], "%Y-%m-%d %H:%M")  # a time Excel reads as one
    assert abs(created - moscow) < timedelta(minutes=5), rows  # Moscow time, not UTC
    # amounts with the decimal comma Russian Excel reads as a number
    await olga.say("/deal Консультация 15 000,50 руб")
    await olga.say("/export deals")
    deals = list(
        csv.reader(
            (tmp_path / "deals.csv").read_text(encoding="utf-8-sig").splitlines(), delimiter=";"
        )
    )
    assert deals[0][:5] == ["ID", "Название", "Стадия", "Сумма", "Валюта"], deals
    assert deals[1][3:5] == ["15000,50", "RUB"], deals  # a number and a code, not "₽"
    await olga.say("/deal 1 comment Клиент просит скидку")
    await olga.say("/export deals")
    deals = list(
        csv.reader(
            (tmp_path / "deals.csv").read_text(encoding="utf-8-sig").splitlines(), delimiter=";"
        )
    )
    assert deals[0][-1] == "Комментарии" and deals[1][-1].endswith(": Клиент просит скидку")
    out = await olga.say("/deal 1")
    assert "15 000,50 ₽" in out, out


async def test_the_owner_of_a_lead_hears_when_someone_else_converts_it(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    tom = ConsoleDriver(sqlite_app, user="Tom", lang="en")
    await tom.say(f"/start {invite_code(await boss.say('/invite'))}")
    await tom.say("/lead Ivan Petrov, Romashka LLC, +7 999 123-45-67")
    await boss.say("/lead 1")
    await boss.press("Convert")
    out = await boss.press("Convert")
    assert "Lead #1 converted:" in out, out
    out = await tom.say("/inbox")
    assert "Boss converted your lead #1: deal #1" in out, out


async def test_a_deal_typed_with_an_at_person_is_theirs(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="ru")
    await boss.say("/start")
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="ru")
    await anna.say(f"/start {invite_code(await boss.say('/invite'))}")
    out = await boss.say("/deal Поставка окон 100 тыс @Anna")
    assert "Сделка №1: Поставка окон\n" in out and "Сумма: 100 000 ₽" in out, out
    assert "Ответственный: Anna" in out, out
    out = await anna.say("/deals")
    assert "Boss" in out and "Поставка окон" in out, out
    out = await boss.say("/deal Ремонт 5 тыс @Nobody")
    assert "Nobody" in out and "Сделка №2" not in out, out


async def _olga_calls_on_a_deal(app: App, when: str) -> tuple[ConsoleDriver, str]:
    """Olga (ru, Moscow) with deal #1 and a call «обсудить скидку» on it for `when`."""
    olga = ConsoleDriver(app, user="Olga", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    await olga.say("/deal Поставка кофе 100000")
    await olga.press("Дело")
    await olga.press("звонок")
    await olga.say("обсудить скидку")
    return olga, await olga.say(when)


async def test_an_activity_reminder_reaches_the_inbox_when_due_and_goes_when_done(
    sqlite_app: App,
) -> None:
    olga, out = await _olga_calls_on_a_deal(sqlite_app, "послезавтра в 11")
    assert "Запланировано; напомню" in out and "10:45" in out, out
    out = await olga.say("/inbox")
    assert "Напоминание" not in out and "Ничего нового" in out, out  # not until 10:45
    async with sqlite_app.workspace.sessionmaker() as session:
        due = await session.scalar(select(CrmActivity.due_at))
        waiting = await session.scalar(
            select(Notification.created_at).where(Notification.kind == "reminder")
        )
    assert due is not None and waiting == due - timedelta(minutes=15)
    await olga.say("/deal 1")
    out = await olga.press("✔ обсудить скидку")
    assert "Готово." in out, out
    async with sqlite_app.workspace.sessionmaker() as session:
        left = await session.scalar(
            select(func.count()).select_from(Notification).where(Notification.kind == "reminder")
        )
        pending = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "reminder")
        )
    assert (left, pending) == (0, 0)  # called off before it was due: nothing waits


async def test_an_arrived_activity_reminder_is_read_once_the_activity_is_done(
    sqlite_app: App,
) -> None:
    olga, out = await _olga_calls_on_a_deal(sqlite_app, "через 5 минут")
    out += await olga.say("/inbox")  # due at once: printed, and in the inbox
    assert "🔔 Напоминание: звонок обсудить скидку, сегодня" in out, out
    assert "1. ⏰ Напоминание: звонок обсудить скидку" in out, out
    await olga.say("/deal 1")
    out = await olga.press("✔ обсудить скидку")
    assert "Готово." in out, out
    out = await olga.say("/inbox")
    assert "Напоминание" not in out and "Ничего нового" in out, out
    # another one still opens its deal from the inbox
    await olga.say("/deal 1")
    await olga.press("Дело")
    await olga.press("звонок")
    await olga.say("отправить договор")
    await olga.say("через 5 минут")
    await olga.say("/inbox")
    out = await olga.press("Открыть 1")
    assert "Сделка №1: Поставка кофе" in out, out


async def test_list_filters_as_russians_say_them(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    await olga.say("/lead Пётр, +7 912 555-44-00")
    out = await olga.say("/leads новые")
    assert "Лиды (1)" in out and "#1 Пётр" in out, out
    out = await olga.say("/leads обработанные")
    assert "Лиды (0)" in out, out
    await olga.say("/deal Поставка мониторов 150 т.р.")
    await olga.say("/deal Ремонт офиса 90 т.р.")
    await olga.say("/deal 1 стадия выиграна")
    out = await olga.say("/deals выиграны")  # the won deal, not the open one
    assert "Сделки (1)" in out and "Неизвестный фильтр" not in out, out
    assert "Поставка мониторов" in out and "Ремонт офиса" not in out, out
    out = await olga.say("/help leads")
    assert "/leads [мои] [новые|в работе" in out and "new|in_progress" not in out, out


async def test_crm_find_finds_deals_by_title(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    await olga.say("/deal Поставка мониторов 150 т.р.")
    out = await olga.say("/crm find поставка")
    assert "сделка №1 Поставка мониторов" in out, out
    out = await olga.press("Поставка мониторов")
    assert "Сделка №1: Поставка мониторов" in out, out


async def test_russian_wording_in_lead_filters_search_and_deal_titles(sqlite_app: App) -> None:
    """ "/leads за неделю", "/leads звонки"; a name found in another case ("Ромашку",
    "Петрову") without pulling in look-alikes; "Диван на 75 тыс." titled "Диван"."""
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    await olga.say("/lead Иван Петров, ООО «Ромашка», +7 912 345-67-89, звонок")
    await olga.say("/lead Мария Петрова, ООО Василёк, m.petrova@vasilek.ru, сайт")
    await olga.say("/lead Марина Соколова, +7 913 000-11-22, сайт")
    out = await olga.say("/leads за неделю")
    assert "Лиды (3)" in out and "Неизвестный фильтр" not in out, out
    out = await olga.say("/leads звонки")
    assert "Лиды (1)" in out and "Иван Петров" in out, out
    out = await olga.say("/leads мои с сайта за этот месяц")
    assert "Лиды (2)" in out and "Иван Петров" not in out, out
    out = await olga.say("/leads вчерашние")
    assert "Неизвестный фильтр вчерашние." in out, out
    assert "статус: новый, в работе, обработан" in out, out
    assert "источник: звонок, e-mail, мессенджер, веб-форма" in out, out
    assert "период: сегодня, неделя, месяц, год." in out, out

    out = await olga.say("/crm find Ромашку")
    assert "Найдено по запросу Ромашку: 1" in out and "Иван Петров" in out, out
    out = await olga.say("/crm find Петрову")
    assert "Найдено по запросу Петрову: 2" in out, out  # Петров and Петрова
    out = await olga.say("/crm find Мария")  # found as typed: Марина is not pulled in
    assert "Найдено по запросу Мария: 1" in out and "Марина" not in out, out
    out = await olga.say("/crm find Марию")  # Мари(я), not Мари(на)
    assert "Найдено по запросу Марию: 1" in out and "Мария Петрова" in out, out
    out = await olga.say("/crm find ООО Ромашкой")
    assert "Найдено по запросу ООО Ромашкой: 1" in out and "Иван Петров" in out, out

    out = await olga.say("/deal Диван на 75 тыс. руб.")
    assert "Сделка №1: Диван\n" in out and "Сумма: 75 000 ₽" in out, out
    out = await olga.say("/deal Ремонт офиса на сумму 2 млн")
    assert "Сделка №2: Ремонт офиса\n" in out, out
    out = await olga.say("/crm find дивана")
    assert "сделка №1 Диван" in out, out


async def test_month_dashboard_counts_that_months_leads_and_reports_name_pipelines(
    sqlite_app: App, tmp_path: Path
) -> None:
    import csv

    dana = ConsoleDriver(sqlite_app, user="Dana", lang="en", timezone="America/New_York")
    dana.console.files_dir = tmp_path
    await dana.say("/start")
    await dana.say("/lead Ivan Petrov, +7 999 123-45-67")
    out = await dana.say("/crm month 2025-01")
    assert "Leads: 0" in out and "Leads: 1" not in out, out  # not all-time figures
    out = await dana.say("/crm report leads by source today")
    assert "1 lead" in out, out
    await dana.say("/crm pipeline Renewals")
    await dana.say("/deal Website 1000")
    out = await dana.say("/crm report funnel")
    assert "Sales · new: 1 deal" in out, out
    await dana.say("/deal 1")
    await dana.press("lost")
    await dana.say("Went with a competitor")
    await dana.say("/export deals")
    rows = list(csv.reader((tmp_path / "deals.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][-2] == "Lost reason" and rows[1][-2] == "Went with a competitor", rows


async def test_lead_lists_by_period_are_calendar_periods_of_the_reader(sqlite_app: App) -> None:
    from sqlalchemy import update as sql_update

    from models.crm import CrmLead

    dana = ConsoleDriver(sqlite_app, user="Dana", lang="en", timezone="America/New_York")
    await dana.say("/start")
    await dana.say("/lead Yesterday Guy, +1 646 555-0101")
    await dana.say("/lead Today Guy, +1 646 555-0102")
    new_york = ZoneInfo("America/New_York")
    today = datetime.now(new_york).replace(hour=0, minute=0, second=0, microsecond=0)
    first = today.replace(day=1)
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        # an hour before the reader's midnight, and an hour before the month began
        before = today - timedelta(hours=1) if today != first else first - timedelta(hours=1)
        await s.execute(sql_update(CrmLead).where(CrmLead.id == 1).values(created_at=before))
    out = await dana.say("/leads today")
    assert "Today Guy" in out and "Yesterday Guy" not in out, out
    async with sqlite_app.workspace.sessionmaker() as s, s.begin():
        await s.execute(
            sql_update(CrmLead).where(CrmLead.id == 1).values(created_at=first - timedelta(hours=1))
        )
    out = await dana.say("/leads month")
    assert "Today Guy" in out and "Yesterday Guy" not in out, out


async def test_imported_leads_are_announced_to_whom_they_go(
    sqlite_app: App, tmp_path: Path
) -> None:
    dana = ConsoleDriver(sqlite_app, user="Dana", lang="en")
    await dana.say("/start")
    code = invite_code(await dana.say("/invite"))
    raj = ConsoleDriver(sqlite_app, user="Raj", lang="en")
    await raj.say(f"/start {code}")
    sheet = tmp_path / "leads.csv"
    sheet.write_text(
        "name,phone,responsible\nAlpha,+1 646 555-0101,Raj\nBeta,+1 646 555-0102,Raj\n"
        "Gamma,+1 646 555-0103,Dana\n"
    )
    await dana.say("/import")
    await dana.say(f"/file {sheet}")
    out = await dana.press("Import")
    assert "Imported leads: 3." in out, out
    out = await raj.say("/inbox")
    assert "Dana imported 2 leads for you." in out, out


async def test_local_numbers_take_the_teams_country_in_chat_and_import(
    sqlite_app: App, tmp_path: Path
) -> None:
    raj = ConsoleDriver(sqlite_app, user="Raj", lang="en", timezone="Asia/Kolkata")
    await raj.say("/start")
    out = await raj.say("/lead Priya Sharma, 98765 43210")
    assert "+91" in out and "+7 987" not in out, out
    sheet = tmp_path / "leads.csv"
    sheet.write_text("name,phone\nAmit,98200 11223\n")
    await raj.say("/import")
    await raj.say(f"/file {sheet}")
    await raj.press("Import")
    out = await raj.say("/leads")
    assert "Amit" in out, out
    out = await raj.say("/crm find Amit")
    assert "+91" in out and "+7 982" not in out, out
    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    out = await olga.say("/lead Пётр, 9161234567")
    assert "+7 916 123-45-67" in out, out  # a Russian team's local mobile, as before


async def test_report_periods_in_words_are_honoured_named_and_kept_by_the_buttons(
    sqlite_app: App,
) -> None:
    """A deal won today: "November 2025" is that month, not this year's; this month,
    this quarter and this year count it, last week, last month and yesterday do not;
    every title names its period, and the template buttons keep it."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en", timezone="America/New_York")
    await boss.say("/start")
    await boss.say("/deal Walmart 20000")
    await boss.say("/deal 1 stage won")
    today = datetime.now(UTC).astimezone(ZoneInfo("America/New_York")).date()
    a_year_ago = f"{today.strftime('%B')} {today.year - 1}"
    out = await boss.say(f"/crm report employee {a_year_ago}")
    assert f"Sales by employee — {a_year_ago}" in out and "No data" in out, out
    quarter = f"Q{(today.month - 1) // 3 + 1}"
    for words in ("this month", quarter, "this quarter", str(today.year), "month"):
        out = await boss.say(f"/crm report funnel {words}")
        assert "won: 1 deal, 20 000" in out, (words, out)
    out = await boss.say(f"/crm report funnel {quarter}")
    assert f"Deal funnel — {quarter} {today.year}" in out, out
    for words in ("last month", "last week", "yesterday", f"{today.year - 1}"):
        out = await boss.say(f"/crm report deals by owner {words}")
        assert "Report: deals by responsible — " in out and "No data" in out, (words, out)
    out = await boss.say("/crm report deals won this month")
    assert "Boss" not in out and "won: 1 deal" in out, out
    out = await boss.say("/crm report funnel")
    assert "Deal funnel — all time" in out, out
    out = await boss.say("/crm report funnel soonish")
    assert "Give a period: a month (November 2025, 2025-11)" in out, out

    # the buttons keep the period: last year's funnel, then last year's employees
    await boss.say(f"/crm report funnel {today.year - 1}")
    out = await boss.press("Sales by employee")
    assert f"Sales by employee — {today.year - 1}" in out and "No data" in out, out

    olga = ConsoleDriver(sqlite_app, user="Olga", lang="ru", timezone="Europe/Moscow")
    await olga.say("/start")
    await olga.say("/deal Диван 75 тыс. руб.")
    await olga.say("/deal 1 stage won")
    for words in ("в прошлом месяце", "за прошлую неделю", f"за {today.year - 1} год"):
        out = await olga.say(f"/crm отчёт сотрудники {words}")
        assert "нет данных" in out, (words, out)
    today = datetime.now(ZoneInfo("Europe/Moscow")).date()  # her quarter, not New York's
    out = await olga.say(f"/crm отчёт воронка {(today.month - 1) // 3 + 1} квартал")
    assert f"{(today.month - 1) // 3 + 1}-й квартал {today.year}" in out, out
    assert "1 сделка" in out, out


async def test_won_deals_in_another_currency_add_up_in_their_own(app: App) -> None:
    """No exchange rate is invented: a deal won in pounds in a dollar team is shown as
    pounds beside the dollars, in the plan, the ranking and the reports, never as 0."""
    boss = ConsoleDriver(app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/crm currency USD")
    await boss.say("/deal Walmart 10000 USD")
    await boss.say("/deal 1 stage won")
    await boss.say("/deal Tesco £40,000")
    await boss.say("/deal 2 stage won")
    await boss.say("/deal Aldi €5,000")
    await boss.say("/crm plan @Boss 50000")
    out = await boss.say("/crm")
    assert "10 000 USD of 50 000 USD (20%), and 40 000 GBP in other currencies" in out, out
    assert "won 2 for 10 000 USD + 40 000 GBP" in out, out
    out = await boss.say("/crm report employee")
    assert "Boss: 2 deals, 10 000 USD + 40 000 GBP" in out, out
    out = await boss.say("/crm report funnel")
    assert "new: 1 deal, 5 000 EUR\n" in out and " 0 USD" not in out, out


async def test_a_number_and_an_action_is_about_a_record_never_a_new_one(
    sqlite_app: App,
) -> None:
    """`/lead 5 comment hi` with no lead 5, `/deal -5`, `/contact -1`: not found, and no
    record is made of those words. On a record one sees, `comment TEXT` adds a comment
    and another action shows the card whose buttons do it."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    for line in (
        "/lead 5 comment hi",
        "/lead -5",
        "/contact 5 comment hi",
        "/contact -1",
        "/company 3 edit Romashka",
        "/company -2",
        "/deal 5 comment hi",
        "/deal 5 удалить",
        "/deal 5 amount 5000",
        "/deal 5 won",
        "/contact 5 phone +7 999 000-00-00",
        "/deal -5",
    ):
        out = await boss.say(line)
        assert out.startswith("Not found, or you have no access to it."), (line, out)
    async with sqlite_app.workspace.sessionmaker() as session:
        for table in (CrmLead, CrmContact, CrmCompany, CrmDeal):
            assert await session.scalar(select(func.count()).select_from(table)) == 0, table
    await boss.say("/lead Ivan Petrov, +7 999 123-45-67")
    out = await boss.say("/lead 1 comment Called him, calls back on Monday")
    assert "Comment added." in out and "Called him, calls back on Monday" in out, out
    assert "Lead #1: Ivan Petrov" in out, out
    out = await boss.say("/lead 1 delete")  # a lead's delete is typed: asked first
    assert out.startswith("Delete lead #1 Ivan Petrov?"), out
    out = await boss.say("/lead 1 convert")
    assert out.startswith("Use the card's buttons for that:"), out
    assert "Lead #1: Ivan Petrov" in out, out
    out = await boss.say("/deal 2 big clients 100000")  # no action word: a new deal's title
    assert "Deal #1 created." in out, out
    async with sqlite_app.workspace.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(CrmLead)) == 1


async def _sales_team(app: App) -> tuple[ConsoleDriver, ConsoleDriver, ConsoleDriver]:
    """Ольга (admin, head of sales), Иван and Пётр (managers) in Yekaterinburg."""
    zone = "Asia/Yekaterinburg"
    olga = ConsoleDriver(app, user="Ольга", lang="ru", timezone=zone)
    await olga.say("/start")
    ivan = ConsoleDriver(app, user="Иван", lang="ru", timezone=zone)
    await ivan.say(f"/start {invite_code(await olga.say('/invite'))}")
    petr = ConsoleDriver(app, user="Пётр", lang="ru", timezone=zone)
    await petr.say(f"/start {invite_code(await olga.say('/invite'))}")
    return olga, ivan, petr


async def _deal_stage(app: App, deal_id: int) -> str:
    from models.crm import CrmDeal, CrmStage

    async with app.workspace.sessionmaker() as session:
        code = await session.scalar(
            select(CrmStage.code)
            .join(CrmDeal, CrmDeal.stage_id == CrmStage.id)
            .where(CrmDeal.id == deal_id)
        )
    return str(code)


async def test_a_department_reads_a_colleagues_deal_and_only_its_chain_changes_it(
    sqlite_app: App,
) -> None:
    olga, ivan, petr = await _sales_team(sqlite_app)
    await olga.say("/team supervisor @Иван @Пётр")  # Пётр heads Иван for now
    await olga.say("/team supervisor @Пётр @Ольга")
    await olga.say("/crm access department")
    await ivan.say("/deal Лицензии 268750")
    out = await ivan.say("/deal 1 стадия выиграна")
    assert "🎉 Сделка выиграна!" in out, out
    await ivan.say("/deal Поддержка 100000")

    # Иван's supervisor may change his deal: the card has its buttons
    out = await petr.say("/deal 1")
    assert {"проиграна", "Сумма", "Ответственный", "Поля"} <= set(petr.buttons().values()), out
    # Иван reports to Ольга now: Пётр still sees the deal (department), only to read it
    await olga.say("/team supervisor @Иван @Ольга")
    refused = (
        "Изменить сделку №1 могут только ответственный (Иван), его руководители и администраторы."
    )
    out = await petr.press("проиграна")  # the button he was shown before
    assert refused in out, out
    assert "Почему сделка проиграна?" not in out, out
    out = await petr.say("/deal 1 стадия проиграна")
    assert refused in out, out
    assert await _deal_stage(sqlite_app, 1) == "won"
    out = await petr.say("/deal 1")
    assert "Сделка №1: Лицензии" in out and "Ответственный: Иван" in out, out
    labels = set(petr.buttons().values())
    assert not labels & {"новая", "переговоры", "проиграна", "Сумма", "Добавить товар"}, out
    assert not labels & {"Ответственный", "Поля"}, out
    assert {"Комментировать", "Дело", "История"} <= labels, out
    out = await petr.say("/deal 2")
    await petr.press("Комментировать")
    out = await petr.say("Позвони им до пятницы")  # a comment adds, it changes nothing
    assert "Комментарий добавлен." in out, out

    # the head of sales may; a won deal asks before it leaves the won ones
    await olga.say("/deal 1")
    out = await olga.press("переговоры")
    assert (
        "Сделка №1 Лицензии выиграна. Перевести её на стадию «переговоры»? "
        "В плане и отчётах она перестанет считаться выигранной." in out
    ), out
    out = await olga.press("Оставить выигранной")
    assert "Стадия: выиграна" in out, out
    assert await _deal_stage(sqlite_app, 1) == "won"
    out = await olga.press("проиграна")
    assert "выиграна. Перевести её на стадию «проиграна»?" in out, out
    out = await olga.press("Да, перевести")
    assert "Почему сделка проиграна?" in out, out
    out = await olga.say("передумали")
    assert "Стадия: проиграна" in out and "Причина: передумали" in out, out


async def test_a_leads_details_are_corrected_and_a_junk_lead_deleted(sqlite_app: App) -> None:
    from models.crm import CrmNote

    olga, ivan, _petr = await _sales_team(sqlite_app)
    out = await olga.say("/lead Сергй, +7 912 345-67-89")
    assert "Лид №1 создан." in out, out
    out = await olga.say("/lead 1 имя Сергей")  # corrected, not a new lead "1 имя Сергей"
    assert "Лид №1 изменён." in out and "Лид №1: Сергей" in out, out
    assert "Ольга: Имя: Сергей" in out, out
    out = await olga.say("/lead 1 фамилия Петров")  # no such field: no junk lead either
    assert "Чтобы изменить лид №1, напишите /lead 1, что изменить (имя, телефон, почта" in out
    out = await olga.say("/lead 1 телефон 12")
    assert "«12» не похоже на номер телефона." in out, out
    out = await olga.say("/lead 1 почта Sergey@Romashka.ru")
    assert "E-mail: sergey@romashka.ru" in out, out
    out = await olga.press("Изменить")
    assert "Что изменить в лиде №1?" in out, out
    out = await olga.press("Телефон")
    assert "Телефон лида? Прочерк (-) очистит поле." in out, out
    out = await olga.say("позже")
    assert "«позже» не похоже на номер телефона." in out, out  # and asked again
    out = await olga.say("8 (912) 345-67-00")
    assert "Телефон: +7 912 345-67-00" in out, out
    await olga.press("Изменить")
    await olga.press("Компания")
    out = await olga.say("ООО Ромашка")
    assert "Компания: ООО Ромашка" in out, out
    out = await olga.say("/leads")
    assert "Лиды (1)" in out, out
    # another manager who sees the lead may not correct it
    await olga.say("/crm access all")
    out = await ivan.say("/lead 1 имя Иван")
    assert "Изменить лид №1 могут только ответственный (Ольга)" in out, out
    out = await ivan.say("/lead 1")
    assert not {"Изменить", "Удалить", "Конвертировать"} & set(ivan.buttons().values()), out

    # a junk lead goes, asked first
    await olga.say("/lead Тест, +7 900 000-00-01")
    await olga.press("Комментировать")
    await olga.say("проба")
    out = await olga.press("Удалить")
    assert "Удалить лид №2 Тест? Его комментарии, история и дела удалятся вместе с ним" in out
    out = await olga.press("Оставить")
    assert "Лид №2: Тест" in out, out
    await olga.press("Удалить")
    out = await olga.press("Да, удалить")
    assert "Лид №2 Тест удалён." in out, out
    out = await olga.say("/leads")
    assert "Лиды (1)" in out and "Тест" not in out, out
    out = await olga.say("/lead 2")
    assert "Не найдено" in out, out
    async with sqlite_app.workspace.sessionmaker() as session:
        left = await session.scalar(
            select(func.count()).select_from(CrmNote).where(CrmNote.entity_id == 2)
        )
    assert left == 0


async def test_a_cards_long_comments_are_shown_by_their_start(sqlite_app: App) -> None:
    """Three 3,000-character comments no longer make a lead's card three messages long:
    the card shows each one's start and points to History, which has them whole."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/lead Ivan Petrov, +7 999 123-45-67")
    for n in range(3):
        await boss.say(f"/lead 1 comment Call {n}: " + "details " * 375)
    out = await boss.say("/lead 1")
    assert len(out) < 2500, len(out)
    assert "Call 2: details" in out and "…" in out, out
    assert "The whole comments are under History." in out, out
    out = await boss.press("History")
    assert ("details " * 370) in out, out[:300]


async def test_an_activity_is_read_from_one_line(sqlite_app: App) -> None:
    """ "звонок завтра в 10:00 обсудить счёт" typed at the activity's first question is
    the kind, the time and the subject at once, as /task reads a line; a bare kind
    still asks the rest."""
    olga = ConsoleDriver(sqlite_app, user="Ольга", lang="ru")
    await olga.say("/start")
    await olga.say("/lead Иван Петров, +7 999 123-45-67")
    await olga.say("/lead 1")
    out = await olga.press("Дело")
    assert "Звонок, встреча или задача?" in out, out
    out = await olga.say("звонок завтра в 10:00 обсудить счёт")
    assert "Запланировано" in out and "📞 звонок, завтра 10:00 — обсудить счёт" in out, out
    await olga.say("/lead 1")
    await olga.press("Дело")
    out = await olga.say("встреча")
    assert "О чём?" in out, out


async def test_exported_leads_import_back_with_comments_statuses_and_dates(
    sqlite_app: App, tmp_path: Path
) -> None:
    """The lead export has the comments (time and author, oldest first); the file comes
    back with them, its statuses and creation dates; a re-import of duplicates offers to
    fill in the existing leads, and importing them anew says it makes new records."""
    import csv
    import io

    olga = ConsoleDriver(sqlite_app, user="Ольга", lang="ru", timezone="Asia/Yekaterinburg")
    olga.console.files_dir = tmp_path
    await olga.say("/start")
    await olga.say("/lead Анна Смирнова, +7 912 345-67-89, anna@mail.ru")
    await olga.say("/lead 1 comment Нужен счёт на 10 лицензий")
    await olga.say("/lead Пётр Иванов, ООО Вектор, +7 912 000-11-22")
    await olga.say("/lead 2")
    await olga.press("Конвертировать")
    out = await olga.press("Конвертировать")
    assert "Лид №2 сконвертирован" in out, out
    await olga.say("/export leads")
    path = tmp_path / "leads.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0][-2:] == ["Дата создания", "Комментарии"], rows
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d Ольга: Нужен счёт на 10 лицензий", rows[1][-1])
    assert rows[2][6] == "сконвертирован", rows

    # the same file again: every row is a duplicate, and nothing is missing from them
    await olga.say("/import leads")
    out = await olga.say(f"/file {path}")
    assert "Новых: 0" in out and "Дубликатов: 2" in out, out
    labels = set(olga.buttons().values())
    assert {"Обновить существующие (2)", "Импортировать все как новые записи (2)"} <= labels, out
    assert "Импортировать все (2)" not in labels, out
    out = await olga.press("Обновить существующие")
    assert "Импортировано лидов: 0, обновлено: 0." in out, out

    # a company and a comment added in the file fill in the lead; its e-mail stays
    rows[1][2], rows[1][4] = "ООО Ромашка", "other@mail.ru"
    rows[1][-1] += "\n2026-01-15 10:00 Ольга: Перезвонить в пятницу\nпосле обеда"
    rows[1][8] = rows[2][8] = "2025-03-14 09:30"
    text = io.StringIO()
    csv.writer(text, delimiter=";").writerows(rows)
    path.write_text(text.getvalue(), encoding="utf-8-sig")
    await olga.say("/import leads")
    await olga.say(f"/file {path}")
    out = await olga.press("Обновить существующие")
    assert "Импортировано лидов: 0, обновлено: 1." in out, out
    out = await olga.say("/lead 1")
    assert "Компания: ООО Ромашка" in out and "E-mail: anna@mail.ru" in out, out
    assert "Перезвонить в пятницу\nпосле обеда" in out, out
    out = await olga.say("/leads")
    assert "Лиды (2)" in out, out

    # imported as new records: statuses, creation dates, comments' times and authors kept
    await olga.say("/import leads")
    await olga.say(f"/file {path}")
    out = await olga.press("Импортировать все как новые записи")
    assert "Импортировано лидов: 2." in out, out
    out = await olga.say("/lead 4")
    assert "Статус: сконвертирован" in out, out
    async with sqlite_app.workspace.sessionmaker() as session:
        lead = await session.get(CrmLead, 3)
        assert lead is not None
        assert lead.created_at == datetime(2025, 3, 14, 4, 30, tzinfo=UTC)
        notes = (
            await session.execute(
                select(CrmNote.text, CrmNote.author_id, CrmNote.created_at)
                .where(CrmNote.entity == "lead", CrmNote.entity_id == 3)
                .order_by(CrmNote.id)
            )
        ).all()
        assert [(n.text, n.author_id) for n in notes] == [
            ("Нужен счёт на 10 лицензий", lead.owner_id),
            ("Перезвонить в пятницу\nпосле обеда", lead.owner_id),
        ], notes
        assert notes[1].created_at == datetime(2026, 1, 15, 5, 0, tzinfo=UTC)


async def test_a_file_with_new_and_known_leads_adds_the_new_and_fills_in_the_known(
    sqlite_app: App, tmp_path: Path
) -> None:
    """Status names in English, Bitrix24's creation dates and comments come in; a known
    lead of the file is filled in beside the new ones, not made again."""
    olga = ConsoleDriver(sqlite_app, user="Ольга", lang="ru", timezone="Asia/Yekaterinburg")
    await olga.say("/start")
    await olga.say("/lead Анна Смирнова, +7 912 345-67-89")
    data = tmp_path / "leads.csv"
    data.write_text(
        "Имя;Телефон;Статус;Дата создания;Комментарий\n"
        "Мария;+7 912 111-22-33;Converted;14.03.2025 09:30:00;Клиент с выставки\n"
        "Олег;+7 912 111-22-44;In progress;вчера;\n"
        "Анна Смирнова;+7 912 345-67-89;;;позвонить после обеда\n",
        encoding="utf-8",
    )
    await olga.say("/import leads")
    out = await olga.say(f"/file {data}")
    assert "Новых: 2" in out and "Дубликатов: 1" in out, out
    assert "Дата создания не распознана: вчера. Эти записи получат сегодняшнюю дату." in out
    labels = set(olga.buttons().values())
    assert {
        "Только новые (2)",
        "Добавить новые (2), обновить существующие (1)",
        "Импортировать все как новые записи (3)",
    } <= labels, out
    out = await olga.press("Добавить новые")
    assert "Импортировано лидов: 2, обновлено: 1." in out, out
    out = await olga.say("/lead 1")
    assert "позвонить после обеда" in out and "Дополнено из файла импорта" not in out, out
    out = await olga.say("/lead 2")
    assert "Статус: сконвертирован" in out and "Клиент с выставки" in out, out
    out = await olga.say("/lead 3")
    assert "Статус: в работе" in out, out
    async with sqlite_app.workspace.sessionmaker() as session:
        maria = await session.get(CrmLead, 2)
        assert maria is not None and maria.converted_at is not None
        assert maria.created_at == datetime(2025, 3, 14, 4, 30, tzinfo=UTC)
        oleg = await session.get(CrmLead, 3)
        assert oleg is not None and oleg.created_at > datetime.now(UTC) - timedelta(minutes=5)
