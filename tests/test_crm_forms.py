"""Lead pages end to end: an admin makes a form in chat, a visitor sends it over HTTP,
the lead appears with source "web form" and its responsible person is told."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.app import App
from bot.web import make_web_app
from handlers.markup import to_plain
from handlers.views import View
from models.crm import CrmLead
from models.outbox import OutboxMessage
from tests.console_driver import ConsoleDriver, invite_code


def _token(text: str) -> str:
    match = re.search(r"/f/([\w-]+)", text)
    assert match, text
    return match.group(1)


async def test_a_lead_page_turns_a_visit_into_a_lead(sqlite_app: App) -> None:
    sqlite_app.workspace.services.public_url = "https://bot.example.com"
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    code = invite_code(await boss.say("/invite"))
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="ru")
    await anna.say(f"/start {code}")
    out = await boss.say("/crm form new Consultation <request>")
    assert "Form Consultation <request> created." in out
    assert "Page: https://bot.example.com/f/" in out and "Leads go to: Boss" in out
    token = _token(out)
    await boss.press("Text on the page")
    await boss.say("We call back within an hour.\nNo spam, ever.")
    await boss.press("Responsible")
    out = await boss.say("Anna")
    assert "Leads go to: Anna" in out

    client = TestClient(TestServer(make_web_app(sqlite_app.workspace.sessionmaker)))
    await client.start_server()
    try:
        page = await client.get(f"/f/{token}")
        html = await page.text()
        assert page.status == 200 and page.headers["X-Frame-Options"] == "DENY"
        assert "Consultation &lt;request&gt;" in html and "<request>" not in html
        assert "<p>We call back within an hour.</p>" in html and 'name="website"' in html
        assert (await client.get("/f/not-a-form")).status == 404

        # errors are shown on the form, with what was typed kept (and escaped)
        bad = await client.post(
            f"/f/{token}", data={"name": '"><script>x</script>', "phone": "12", "email": ""}
        )
        text = await bad.text()
        assert bad.status == 400 and "This does not look like a phone number." in text
        assert "<script>x</script>" not in text and "&lt;script&gt;" in text

        good = await client.post(
            f"/f/{token}",
            data={
                "name": "Ivan Petrov",
                "phone": "+7 999 123-45-67",
                "email": "ivan@romashka.ru",
                "message": "Need a quote for 10 seats",
                "website": "",
            },
        )
        assert good.status == 200 and "Thank you!" in await good.text()
        # a robot fills the hidden field: thanked, and nothing is made of it
        robot = await client.post(
            f"/f/{token}", data={"name": "Bot", "phone": "+79990000000", "website": "x"}
        )
        assert robot.status == 200
        # too big a body is refused before it is read whole
        huge = await client.post(f"/f/{token}", data={"name": "x" * 40_000})
        assert huge.status == 413
    finally:
        await client.close()

    async with sqlite_app.workspace.sessionmaker() as session:
        leads = list((await session.execute(select(CrmLead))).scalars())
        told = list(
            (
                await session.execute(
                    select(OutboxMessage).where(OutboxMessage.kind == "assignment")
                )
            ).scalars()
        )
    assert [(lead.name, lead.source, lead.email) for lead in leads] == [
        ("Ivan Petrov", "web", "ivan@romashka.ru")
    ]
    texts = [to_plain(View.from_dict(row.payload).body) for row in told]
    assert any("Ivan Petrov" in t and "Consultation <request>" in t for t in texts), texts
    out = await anna.say("/leads")
    assert "Ivan Petrov" in out
    out = await anna.say("/lead 1")
    assert "веб-форма" in out or "web" in out
    assert "Need a quote for 10 seats" in out

    # an admin turns the form off: its page is gone
    out = await boss.say("/crm forms")
    assert "Lead forms (1)" in out and "on, 1 sent" in out
    await boss.press("Consultation")
    out = await boss.press("Turn off")
    assert "State: off" in out
    client = TestClient(TestServer(make_web_app(sqlite_app.workspace.sessionmaker)))
    await client.start_server()
    try:
        assert (await client.get(f"/f/{token}")).status == 404
    finally:
        await client.close()
    out = await anna.say("/crm forms")
    assert "У вас нет прав на это." in out


async def test_a_lead_page_speaks_the_team_language_and_limits_senders(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Ольга", lang="ru")
    await olga.say("/start")
    out = await olga.say("/crm form new Заявка")
    assert "Форма Заявка создана." in out
    async with sqlite_app.workspace.sessionmaker() as session:
        from models.crm import CrmForm

        token = (await session.execute(select(CrmForm.token))).scalar_one()
    client = TestClient(TestServer(make_web_app(sqlite_app.workspace.sessionmaker)))
    await client.start_server()
    try:
        html = await (await client.get(f"/f/{token}")).text()
        assert 'lang="ru"' in html and "Ваше имя" in html and "Отправить" in html
        statuses = []
        for n in range(7):
            reply = await client.post(
                f"/f/{token}", data={"name": f"Гость {n}", "phone": f"+7999000000{n}"}
            )
            statuses.append(reply.status)
        assert statuses == [200] * 5 + [429] * 2
    finally:
        await client.close()
    async with sqlite_app.workspace.sessionmaker() as session:
        assert len(list((await session.execute(select(CrmLead))).scalars())) == 5


async def test_a_lead_page_refuses_what_it_cannot_keep_whole_in_the_team_language(
    sqlite_app: App,
) -> None:
    """Nothing a visitor sends is cut unsaid: a message over 2,000 characters is refused
    on the form, with what was typed; a body too big to read gets the form again with a
    sentence, in Russian; a wrong address gets a page in the browser's language."""
    olga = ConsoleDriver(sqlite_app, user="Ольга", lang="ru")
    await olga.say("/start")
    await olga.say("/crm form new Заявка")
    async with sqlite_app.workspace.sessionmaker() as session:
        from models.crm import CrmForm

        token = (await session.execute(select(CrmForm.token))).scalar_one()
    client = TestClient(TestServer(make_web_app(sqlite_app.workspace.sessionmaker)))
    await client.start_server()
    try:
        html = await (await client.get(f"/f/{token}")).text()
        assert 'name="name" type="text" maxlength="200"' in html, html
        long = "Нужно " + "x" * 2500
        reply = await client.post(
            f"/f/{token}", data={"name": "Гость", "phone": "+79990001122", "message": long}
        )
        text = await reply.text()
        assert reply.status == 400, reply.status
        assert "Пожалуйста, сократите сообщение до 2000 символов." in text
        assert long in text  # what was typed stays, to shorten
        huge = await client.post(f"/f/{token}", data={"name": "Гость", "message": "й" * 14_000})
        text = await huge.text()
        assert huge.status == 413 and 'lang="ru"' in text, text
        assert "Форма слишком большая" in text and 'name="message"' in text
        lost = await client.get("/f/not-a-form", headers={"Accept-Language": "de-DE, ru;q=0.8"})
        text = await lost.text()
        assert lost.status == 404 and "Такой формы нет" in text, text
        lost = await client.get("/f/not-a-form")
        assert "This form does not exist or no longer takes requests." in await lost.text()
    finally:
        await client.close()
    async with sqlite_app.workspace.sessionmaker() as session:
        assert list((await session.execute(select(CrmLead))).scalars()) == []


async def test_a_form_that_arrives_in_pieces_is_read_whole(sqlite_app: App) -> None:
    """On a network a body comes in segments: the lead gets all of the message, and a
    body over the limit sent in chunks is refused, not cut."""
    import asyncio
    from urllib.parse import urlencode

    from models.crm import CrmNote

    sqlite_app.workspace.services.public_url = "https://bot.example.com"
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    token = _token(await boss.say("/crm form new Consult"))
    server = TestServer(make_web_app(sqlite_app.workspace.sessionmaker))
    await server.start_server()
    message = "Нужно предложение на 10 мест. " * 30

    async def post(body: bytes, chunked: bool = False) -> bytes:
        reader, writer = await asyncio.open_connection(server.host, server.port)
        length = b"Transfer-Encoding: chunked" if chunked else b"Content-Length: %d" % len(body)
        writer.write(
            b"POST /f/%s HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n%s\r\n"
            b"Connection: close\r\n\r\n" % (token.encode(), length)
        )
        for start in range(0, len(body), 1400):  # as TCP segments
            piece = body[start : start + 1400]
            writer.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            await writer.drain()
            await asyncio.sleep(0.02)
        if chunked:
            writer.write(b"0\r\n\r\n")
        answer = await reader.read()
        writer.close()
        return answer.split(b"\r\n", 1)[0]

    try:
        form = {"name": "Ivan Petrov", "phone": "+7 999 123-45-67", "message": message}
        assert b" 303 " in await post(urlencode(form).encode())  # to the thank-you page
        huge = urlencode({"name": "x", "message": "y" * 40_000}).encode()
        assert b" 413 " in await post(huge, chunked=True)
    finally:
        await server.close()
    async with sqlite_app.workspace.sessionmaker() as session:
        notes = list(await session.scalars(select(CrmNote)))
        leads = list(await session.scalars(select(CrmLead)))
    kept = [len(n.text) for n in notes if n.text.startswith("Нужно")]
    assert len(leads) == 1 and kept == [len(message.strip())]


def test_behind_a_local_proxy_the_visitor_is_the_forwarded_address() -> None:
    from aiohttp.test_utils import make_mocked_request

    from bot.web import _sender_address

    request = make_mocked_request(
        "POST", "/f/x", headers={"X-Forwarded-For": "203.0.113.7, 198.51.100.2"}
    )
    proxied = request.clone(remote="127.0.0.1")
    assert _sender_address(proxied) == "198.51.100.2"  # the hop the local proxy saw
    direct = request.clone(remote="192.0.2.5")  # not from a local proxy: not believed
    assert _sender_address(direct) == "192.0.2.5"


async def test_a_known_visitor_is_flagged_and_the_visit_is_not_put_on_the_taker(
    sqlite_app: App,
) -> None:
    sqlite_app.workspace.services.public_url = "https://bot.example.com"
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="ru", timezone="Europe/Moscow")
    await boss.say("/start")
    await boss.say("/lead Иван Петров, +7 912 555-44-33")
    token = _token(await boss.say("/crm form new Заявка"))
    client = TestClient(TestServer(make_web_app(sqlite_app.workspace.sessionmaker)))
    await client.start_server()
    try:
        sent = await client.post(
            f"/f/{token}",
            data={"name": "Иван", "phone": "8 912 555 44 33", "message": "Хочу КП", "website": ""},
        )
        assert sent.status == 200
    finally:
        await client.close()
    out = await boss.say("/leads")
    assert "Похоже на дубликат:" in out and "лид №1 Иван Петров (тот же телефон)" in out, out
    out = await boss.say("/lead 2")
    assert "форма заявки: Хочу КП" in out and "Boss: Хочу КП" not in out, out
    assert "форма заявки: Лид создан" in out, out


async def test_a_lead_page_is_sent_once_and_refusals_keep_what_was_typed(
    sqlite_app: App,
) -> None:
    sqlite_app.workspace.services.public_url = "https://bot.example.com"
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    token = _token(await boss.say("/crm form new Demo"))
    client = TestClient(TestServer(make_web_app(sqlite_app.workspace.sessionmaker)))
    await client.start_server()
    try:
        # numbers nobody can call back are refused, on the form, in plain words
        for phone in ("1111111", "555 0199 9"):
            bad = await client.post(f"/f/{token}", data={"name": "Tom", "phone": phone})
            text = await bad.text()
            assert bad.status == 400, (phone, text)
            assert "Please check the phone number: it needs all its digits" in text, text
            assert f'value="{phone}"' in text
        # five refused tries do not use up the visitor's sends
        for _ in range(5):
            assert (await client.post(f"/f/{token}", data={"name": "Tom"})).status == 400
        form = {"name": "Tom Baker", "phone": "+1 646 555-0199", "message": "Call me"}
        sent = await client.post(f"/f/{token}", data=form, allow_redirects=False)
        assert sent.status == 303, await sent.text()
        assert sent.headers["Location"] == f"{token}?sent=1"  # beside the form's own address
        thanks = await client.get(f"/f/{token}?sent=1")
        assert thanks.status == 200 and "Thank you!" in await thanks.text()
        # the same form again (a double click, a reload): thanked, not recorded twice
        again = await client.post(f"/f/{token}", data=form, allow_redirects=False)
        assert again.status == 303
        # after the limit a new send is refused, and the form keeps what was typed
        for n in range(4):
            await client.post(
                f"/f/{token}", data={"name": f"Guest {n}", "phone": f"+1646555010{n}"}
            )
        late = await client.post(f"/f/{token}", data={"name": "Ann Lee", "email": "ann@lee.io"})
        text = await late.text()
        assert late.status == 429 and "Too many sends from here" in text, text
        assert 'value="Ann Lee"' in text and 'value="ann@lee.io"' in text
    finally:
        await client.close()
    async with sqlite_app.workspace.sessionmaker() as session:
        names = [lead.name for lead in await session.scalars(select(CrmLead).order_by(CrmLead.id))]
        told = list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "assignment"))
        )
    assert names == ["Tom Baker", "Guest 0", "Guest 1", "Guest 2", "Guest 3"], names
    texts = [to_plain(View.from_dict(row.payload).body) for row in told]
    assert sum("Tom Baker" in t for t in texts) == 1, texts


def _send_token(html: str) -> str:
    match = re.search(r'name="_send" value="([\w-]+)"', html)
    assert match, html
    return match.group(1)


async def test_a_send_repeated_after_a_restart_or_on_another_process_is_one_lead(
    sqlite_app: App,
) -> None:
    """The page's token is kept with the lead in the database: the same send again on a
    new server (a restart, a second process) is thanked for and makes nothing."""
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/crm form new Demo")
    async with sqlite_app.workspace.sessionmaker() as session:
        from models.crm import CrmForm

        token = (await session.execute(select(CrmForm.token))).scalar_one()

    async def serve() -> TestClient:
        client = TestClient(TestServer(make_web_app(sqlite_app.workspace.sessionmaker)))
        await client.start_server()
        return client

    first, second = await serve(), await serve()
    try:
        once = _send_token(await (await first.get(f"/f/{token}")).text())
        other = _send_token(await (await second.get(f"/f/{token}")).text())
        assert once != other  # every page drawn gets its own
        # a refused send keeps its token: the corrected one is still the same send
        bad = await first.post(f"/f/{token}", data={"name": "Tom", "_send": once})
        assert bad.status == 400 and _send_token(await bad.text()) == once
        form = {"name": "Tom Baker", "phone": "+1 646 555-0199", "_send": once}
        sent = await first.post(f"/f/{token}", data=form, allow_redirects=False)
        assert sent.status == 303
        again = await second.post(f"/f/{token}", data=form, allow_redirects=False)
        assert again.status == 303 and again.headers["Location"] == f"{token}?sent=1"
        await first.close()
        first = await serve()  # the server restarted: what it held in memory is gone
        retry = await first.post(f"/f/{token}", data=form, allow_redirects=False)
        assert retry.status == 303
        # the same person sending from a new page is a new send
        fresh = await second.post(f"/f/{token}", data={**form, "_send": other})
        assert fresh.status == 200
        # a copy of the form without the token (a site's own): by sender and fields
        bare = {"name": "Ann Lee", "email": "ann@lee.io"}
        assert (await first.post(f"/f/{token}", data=bare)).status == 200
        assert (await second.post(f"/f/{token}", data=bare)).status == 200
    finally:
        await first.close()
        await second.close()
    async with sqlite_app.workspace.sessionmaker() as session:
        names = [lead.name for lead in await session.scalars(select(CrmLead).order_by(CrmLead.id))]
        told = list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "assignment"))
        )
    assert names == ["Tom Baker", "Tom Baker", "Ann Lee"], names
    assert len(told) == 3
    out = await boss.say("/crm form 1")
    assert "sent: 3" in out, out


async def test_a_refused_phone_is_explained_in_the_team_language(sqlite_app: App) -> None:
    olga = ConsoleDriver(sqlite_app, user="Ольга", lang="ru")
    await olga.say("/start")
    await olga.say("/crm form new Заявка")
    async with sqlite_app.workspace.sessionmaker() as session:
        from models.crm import CrmForm

        token = (await session.execute(select(CrmForm.token))).scalar_one()
    client = TestClient(TestServer(make_web_app(sqlite_app.workspace.sessionmaker)))
    await client.start_server()
    try:
        bad = await client.post(f"/f/{token}", data={"name": "Иван", "phone": "1111111"})
        assert bad.status == 400
        assert "Проверьте номер телефона: нужны все его цифры" in await bad.text()
    finally:
        await client.close()


async def test_a_lead_page_reads_a_form_in_the_charset_it_was_sent_in(sqlite_app: App) -> None:
    """An old windows-1251 site posting its own copy of the form: the charset its
    Content-Type names, or the browser's _charset_ field (accept-charset), is honoured;
    a charset that cannot be read is refused in words, and nothing garbled is stored."""
    from urllib.parse import quote

    olga = ConsoleDriver(sqlite_app, user="Ольга", lang="ru")
    await olga.say("/start")
    await olga.say("/crm form new Заявка")
    async with sqlite_app.workspace.sessionmaker() as session:
        from models.crm import CrmForm

        token = (await session.execute(select(CrmForm.token))).scalar_one()

    def cp1251(**fields: str) -> bytes:
        return "&".join(f"{k}={quote(v.encode('cp1251'))}" for k, v in fields.items()).encode()

    form = "application/x-www-form-urlencoded"
    client = TestClient(TestServer(make_web_app(sqlite_app.workspace.sessionmaker)))
    await client.start_server()
    try:
        html = await (await client.get(f"/f/{token}")).text()
        assert '<input type="hidden" name="_charset_">' in html  # a copied form says its own
        declared = await client.post(
            f"/f/{token}",
            data=cp1251(name="Пётр Иванов", phone="+7 913 111-22-33", message="Нужен счёт"),
            headers={"Content-Type": f"{form}; charset=windows-1251"},
        )
        assert declared.status == 200
        by_field = await client.post(
            f"/f/{token}",
            data=cp1251(name="Анна Ёлкина", phone="+7 913 444-55-66", _charset_="windows-1251"),
            headers={"Content-Type": form},
        )
        assert by_field.status == 200
        for headers, body in (
            ({"Content-Type": f"{form}; charset=x-klingon"}, b"name=Tom&phone=%2B79130000000"),
            ({"Content-Type": form}, cp1251(name="Пётр", phone="+7 913 777-88-99")),
        ):
            refused = await client.post(f"/f/{token}", data=body, headers=headers)
            assert refused.status == 400
            assert "Форма пришла в кодировке, которую не удаётся прочитать" in (
                await refused.text()
            )
    finally:
        await client.close()
    async with sqlite_app.workspace.sessionmaker() as session:
        leads = list((await session.execute(select(CrmLead).order_by(CrmLead.id))).scalars())
    assert [lead.name for lead in leads] == ["Пётр Иванов", "Анна Ёлкина"]
    out = await olga.say("/lead 1")
    assert "Пётр Иванов" in out and "Нужен счёт" in out


async def test_a_new_lead_notice_says_what_each_button_opens(sqlite_app: App) -> None:
    """Иван takes the form's leads; the visitor is known as Ольга's lead (not his to
    open) and as his own contact: the buttons name the lead and the contact."""
    sqlite_app.workspace.services.public_url = "https://bot.example.com"
    olga = ConsoleDriver(sqlite_app, user="Ольга", lang="ru", timezone="Asia/Yekaterinburg")
    await olga.say("/start")
    ivan = ConsoleDriver(sqlite_app, user="Иван", lang="ru", timezone="Asia/Yekaterinburg")
    await ivan.say(f"/start {invite_code(await olga.say('/invite'))}")
    await olga.say("/lead Анна Смирнова, +7 912 345-67-89")
    await ivan.say("/contact Анна Смирнова, +7 912 345-67-89")
    out = await ivan.press("Всё равно создать")
    assert "Контакт №1 создан." in out, out
    token = _token(await olga.say("/crm form new Заявка"))
    await olga.press("Ответственный")
    await olga.say("Иван")
    client = TestClient(TestServer(make_web_app(sqlite_app.workspace.sessionmaker)))
    await client.start_server()
    try:
        sent = await client.post(
            f"/f/{token}",
            data={
                "name": "Анна",
                "phone": "8 (912) 345-67-89",
                "message": "Ещё раз",
                "website": "",
            },
        )
        assert sent.status == 200
    finally:
        await client.close()
    out = await ivan.say("/leads")
    assert "лид №1, ответственный — Ольга (тот же телефон)" in out, out
    assert "контакт №1 Анна Смирнова (тот же телефон)" in out, out
    labels = set(ivan.buttons().values())
    assert {"Лид №2", "Контакт №1"} <= labels, out
    assert "Лид №1" not in labels and not any(label.startswith("Открыть") for label in labels)
    out = await ivan.press("Контакт №1")
    assert "Контакт №1: Анна Смирнова" in out, out
