"""CSV import edge cases on both engines: Bitrix24 headers in ru and en, plain format,
utf-8 and cp1251, bad rows with line numbers, duplicates, all-or-nothing, 10,000 rows."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.events import ChatRef, Incoming, Sender
from models.crm import CrmContact, CrmLead, CrmNote
from models.db import create_engine, create_sessionmaker
from services import crm_import, crm_leads, teams, teams_invites
from services.access import Actor
from services.crm import Card
from services.errors import DomainError
from services.teams import Newcomer

BITRIX_RU = (
    "ID;Название лида;Имя;Отчество;Фамилия;Название компании;Рабочий телефон;"
    "Рабочий e-mail;Источник;Комментарий\n"
    '1;Заявка;Анна;Ивановна;Смирнова;ООО "Вектор";+7 (900) 000-00-01;anna@vector.ru;'
    "Звонок;перезвонить\n"
    "2;Сайт;Олег;;Иванов;;8 900 111 22 33;oleg@mail.ru;Веб-сайт;\n"
)
BITRIX_EN = (
    "ID,Lead name,First name,Last name,Company name,Mobile phone,Work e-mail,Source\n"
    "1,Request,Jane,Doe,Acme Inc,+1 415 555 0100,jane@acme.com,E-mail\n"
)


@pytest.fixture
async def maker(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(db_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
async def boss(maker: async_sessionmaker[AsyncSession]) -> Actor:
    async with maker() as s, s.begin():
        return await teams.create_team(
            s, Newcomer(platform="console", external_id="boss", name="Boss")
        )


async def count(s: AsyncSession, model: type) -> int:
    return int(await s.scalar(select(func.count()).select_from(model)) or 0)


def test_bitrix_headers_in_both_encodings() -> None:
    for data in (
        BITRIX_RU.encode("utf-8"),
        BITRIX_RU.encode("cp1251"),
        ("\ufeff" + BITRIX_RU).encode("utf-8"),
    ):
        preview = crm_import.parse(data)
        assert preview.errors == []
        first, second = preview.rows
        assert first["name"] == "Анна Ивановна Смирнова"
        assert first["company"] == 'ООО "Вектор"'
        assert first["phone_key"] == "79000000001" and first["source"] == "call"
        assert first["comment"] == "перезвонить"
        assert second["phone_key"] == "79001112233" and second["source"] == "web"
    preview = crm_import.parse(BITRIX_EN.encode())
    assert preview.rows[0]["name"] == "Jane Doe" and preview.rows[0]["source"] == "email"
    assert preview.rows[0]["phone_key"] == "14155550100"


def test_bad_rows_are_reported_with_line_numbers() -> None:
    data = (
        b"name\tphone\temail\n"
        b"Ok\t+79000000001\tok@x.ru\n"
        b"\t\t\n"  # blank: skipped, not an error
        b"Bad phone\t12\t\n"
        b"Bad mail\t\tnope@\n"
        b"\t\t\n"
        b"Too many\t+79000000002\ta@b.ru\textra\n"
        b";;\n"
    )
    preview = crm_import.parse(data)
    assert [row["name"] for row in preview.rows] == ["Ok", ";;"]
    assert [line for line, _key, _params in preview.errors] == [4, 5, 7]
    with pytest.raises(DomainError):
        crm_import.parse(b"foo,bar\n1,2\n")  # no known columns
    with pytest.raises(DomainError):
        crm_import.parse(b"")


async def test_preview_counts_and_all_or_nothing(
    maker: async_sessionmaker[AsyncSession], boss: Actor
) -> None:
    async with maker() as s, s.begin():
        await crm_leads.create_lead(
            s, boss, Card(name="Old", phone="+79000000001", phone_key="79000000001"), force=True
        )
        data = (
            b"name,phone,email\n"
            b"Anna,+7 900 000-00-01,a@x.ru\n"  # duplicate of an existing lead
            b"Boris,+7 900 000-00-02,b@x.ru\n"
            b"Boris again,,b@x.ru\n"  # duplicate of line 3 by e-mail
            b"Carl,+7 900 000-00-03,\n"
        )
        preview = await crm_import.preview(s, boss, data, "lead")
        assert (preview.new, preview.duplicates, preview.errors) == (2, [2, 4], [])
        entity, n = await crm_import.commit(s, boss, preview.draft_id or 0, skip_duplicates=True)
        assert (entity, n) == ("lead", 2)
        assert await count(s, CrmLead) == 3
        with pytest.raises(DomainError):  # a draft is used once
            await crm_import.commit(s, boss, preview.draft_id or 0, skip_duplicates=True)

        bad = b"name,phone\nGood,+79000000009\nBad,12\n"
        preview = await crm_import.preview(s, boss, bad, "contact")
        assert len(preview.errors) == 1
        with pytest.raises(DomainError):
            await crm_import.commit(s, boss, preview.draft_id or 0, skip_duplicates=False)
        assert await count(s, CrmContact) == 0  # nothing from that file

        contacts = await crm_import.preview(s, boss, BITRIX_EN.encode(), "contact")
        await crm_import.commit(s, boss, contacts.draft_id or 0, skip_duplicates=False)
        assert await count(s, CrmContact) == 1


async def test_ten_thousand_rows(maker: async_sessionmaker[AsyncSession], boss: Actor) -> None:
    lines = ["Имя;Фамилия;Мобильный телефон;E-mail;Источник"]
    for i in range(10_000):
        lines.append(f"Имя{i};Фамилия{i};+7 901 {i // 10000:03d}-{i % 10000:04d};p{i}@x.ru;Звонок")
    lines.append("Повтор;;;p5@x.ru;")  # a duplicate of line 7 inside the file
    data = "\n".join(lines).encode("cp1251")
    async with maker() as s, s.begin():
        preview = await crm_import.preview(s, boss, data, "lead")
        assert preview.new == 10_000 and preview.duplicates == [10_002]
        assert preview.errors == []
    async with maker() as s, s.begin():
        entity, n = await crm_import.commit(s, boss, preview.draft_id or 0, skip_duplicates=True)
        assert n == 10_000
    async with maker() as s:
        assert await count(s, CrmLead) == 10_000
        page = await crm_leads.list_leads(s, boss, crm_leads.LeadFilter(source="call"), per_page=5)
        assert page.total == 10_000 and page.pages == 2000


async def test_failed_commit_leaves_nothing(
    maker: async_sessionmaker[AsyncSession], boss: Actor
) -> None:
    data = "name,phone\n" + "\n".join(f"P{i},+7902{i:07d}" for i in range(3000))
    async with maker() as s, s.begin():
        preview = await crm_import.preview(s, boss, data.encode(), "lead")
    with pytest.raises(RuntimeError):
        async with maker() as s, s.begin():
            await crm_import.commit(s, boss, preview.draft_id or 0, skip_duplicates=False)
            raise RuntimeError("the event failed after the insert")
    async with maker() as s:
        assert await count(s, CrmLead) == 0


async def test_forwarded_message_becomes_a_lead(db_url: str) -> None:
    from bot.app import build_app
    from tests.conftest import test_settings
    from tests.console_driver import ConsoleDriver

    app = build_app(test_settings(), database_url=db_url)
    try:
        boss = ConsoleDriver(app, user="Boss", lang="en")
        await boss.say("/start")
        event = Incoming(
            chat=ChatRef("console", boss.console.key, True),
            sender=Sender(external_id=boss.console.key, name="Boss", language_code="en"),
            kind="text",
            args="Hello! We need 20 licences, call me back: +7 916 555-44-33",
            forwarded_from="Maria Ivanova",
        )
        views = await app.workspace.handle(event)
        text = "".join(span.text for span in views[0].body)
        assert "Lead #1 created." in text and "Maria Ivanova" in text
        assert "Source: messenger" in text and "We need 20 licences" in text
        assert "Phone: +7 916 555-44-33" in text  # found inside the message
        assert views[0].ref == "lead:1"
        async with app.workspace.sessionmaker() as s:
            note = await s.scalar(select(CrmNote).where(CrmNote.kind == "comment"))
            assert note is not None and note.text.startswith("Hello!")
        hidden = Incoming(
            chat=event.chat,
            sender=event.sender,
            kind="text",
            args="Need a quote for 5 seats\nwrite to buyer@shop.io",
            forwarded_from="",
        )
        views = await app.workspace.handle(hidden)
        text = "".join(span.text for span in views[0].body)
        assert "Lead #2: Need a quote for 5 seats" in text and "E-mail: buyer@shop.io" in text
    finally:
        await app.close()


async def test_reply_to_a_card_is_a_comment(sqlite_url: str) -> None:
    from bot.app import build_app
    from tests.conftest import test_settings
    from tests.console_driver import ConsoleDriver

    app = build_app(test_settings(), database_url=sqlite_url)
    try:
        boss = ConsoleDriver(app, user="Boss", lang="en")
        await boss.say("/start")
        await boss.say("/lead Ivan, +7 999 000-00-00")
        chat = ChatRef("console", f"console:{boss.console.key}", True)
        await app.workspace.remember_sent("console", chat.chat_id, "m1", "lead:1")
        event = Incoming(
            chat=chat,
            sender=Sender(external_id=boss.console.key, name="Boss", language_code="en"),
            kind="text",
            args="Called, he wants a discount",
            reply_to="m1",
        )
        views = await app.workspace.handle(event)
        text = "".join(span.text for span in views[0].body)
        assert "Comment added." in text and "Boss: Called, he wants a discount" in text
        # a reply to a card of another team's lead is refused, not commented
        other = Incoming(
            chat=ChatRef("console", "console:stranger", True),
            sender=Sender(external_id="stranger", name="Stranger", language_code="en"),
            kind="command",
            command="start",
        )
        await app.workspace.handle(other)
        await app.workspace.remember_sent("console", "console:stranger", "m2", "lead:1")
        sneaky = Incoming(
            chat=ChatRef("console", "console:stranger", True),
            sender=Sender(external_id="stranger", name="Stranger", language_code="en"),
            kind="text",
            args="hello",
            reply_to="m2",
        )
        views = await app.workspace.handle(sneaky)
        assert "Not found, or you have no access to it." in "".join(
            span.text for span in views[0].body
        )
    finally:
        await app.close()


async def test_export_round_trip(maker: async_sessionmaker[AsyncSession], boss: Actor) -> None:
    import csv
    import io

    from services import crm_export

    async with maker() as s, s.begin():
        for name, source in (("Анна", "call"), ("Bob, Jr.", "web"), ('Say "hi"', "call")):
            c = Card(name=name, source=source)
            c.set_phone(f"+7 900 000-00-0{len(name) % 10}")
            await crm_leads.create_lead(s, boss, c, force=True)
        data, n = await crm_export.export_csv(s, boss, "lead")
        assert n == 3 and data.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert rows[0][:3] == ["ID", "Name", "Company"]
        assert [r[1] for r in rows[1:]] == ["Анна", "Bob, Jr.", 'Say "hi"']
        filtered, n = await crm_export.export_csv(
            s, boss, "lead", lead_filter=crm_leads.LeadFilter(source="call")
        )
        assert n == 2
        # what was exported imports back as duplicates only
        again = await crm_import.preview(s, boss, data, "lead")
        assert again.new == 0 and len(again.duplicates) == 3 and again.errors == []


async def test_responsible_and_comments_come_along(
    maker: async_sessionmaker[AsyncSession], boss: Actor
) -> None:
    async with maker() as s, s.begin():
        code = (await teams_invites.create_invite(s, boss, role="employee")).code
        anna, _ = await teams_invites.join_with_invite(
            s, code, Newcomer(platform="console", external_id="anna", name="Anna")
        )
        data = (
            "Имя;Мобильный телефон;Ответственный;Комментарий\n"
            "Первый;+7 900 000-00-01;anna;позвонить в понедельник\n"
            "Второй;+7 900 000-00-02;Nobody;\n"
        ).encode("cp1251")
        preview = await crm_import.preview(s, boss, data, "lead")
        await crm_import.commit(s, boss, preview.draft_id or 0, skip_duplicates=False)
        leads = {lead.name: lead for lead in await s.scalars(select(CrmLead).order_by(CrmLead.id))}
        assert leads["Первый"].owner_id == anna.user_id
        assert leads["Второй"].owner_id == boss.user_id
        note = await s.scalar(select(CrmNote).where(CrmNote.kind == "comment"))
        assert note is not None
        assert (note.entity_id, note.text) == (leads["Первый"].id, "позвонить в понедельник")
