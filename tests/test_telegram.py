"""The Telegram adapter end to end: real aiogram, polling, against the fake Bot API."""

from __future__ import annotations

from tests.fakes.telegram_api import BOT_USERNAME, FakeTelegram, Person, message_update
from tests.telegram_harness import Chat, running


async def test_start_menu_and_invite_deep_link(sqlite_url: str, fake: FakeTelegram) -> None:
    async with running(sqlite_url, fake):
        # the command menu is published in en and ru, for private and for group chats
        menus = {
            (call.data["scope"]["type"], call.data.get("language_code")): {
                c["command"]: c["description"] for c in call.data["commands"]
            }
            for call in fake.by_method("setMyCommands")
        }
        en, ru = menus["all_private_chats", "en"], menus["all_private_chats", "ru"]
        assert en["groups"] == "workgroups and projects"
        assert ru["groups"] != en["groups"]
        assert "bind" not in en and "unbind" not in en and "start" in en
        group = menus["all_group_chats", "en"]
        assert "bind" in group and "unbind" in group and "start" not in group
        assert set(menus) >= {("all_private_chats", None), ("all_group_chats", "ru")}

        boss = Chat(fake, Person(101, "Boss", "en"))
        out = await boss.say("/start", expect=2)
        assert "Your team is ready and you are its admin, <b>Boss</b>." in out[0].text
        assert any(label.endswith("Tasks") for label, _ in out[1].buttons)

        out = await boss.say("/invite")
        assert f"https://t.me/{BOT_USERNAME}?start=" in out[0].text
        code = out[0].text.split("?start=", 1)[1].split('"', 1)[0]

        anna = Chat(fake, Person(202, "Anna", "ru"))
        out = await anna.say(f"/start {code}", expect=2)
        assert "Anna" in out[0].text and "Boss" in out[0].text
        assert "Добро пожаловать" in out[0].text  # Telegram's language_code decides

        # a button press answers the query and edits the list in place
        await boss.say("/groups new Sales")
        await boss.say("/groups")
        answers = len(fake.by_method("answerCallbackQuery"))
        out = await boss.press("My groups")
        assert out[0].method == "editMessageText"
        assert "My groups (1)" in out[0].text
        assert len(fake.by_method("answerCallbackQuery")) == answers + 1


async def test_user_text_arrives_escaped(sqlite_url: str, fake: FakeTelegram) -> None:
    async with running(sqlite_url, fake):
        boss = Chat(fake, Person(101, "<i>Boss</i>", "en"))
        await boss.say("/start", expect=2)
        out = await boss.say("/groups new <b>&</b>")
        assert "<b>&lt;b&gt;&amp;&lt;/b&gt;</b>" in out[0].text
        assert "<b>&</b>" not in out[0].text
        assert out[0].data["parse_mode"] == "HTML"


async def test_duplicate_update_has_one_effect(sqlite_url: str, fake: FakeTelegram) -> None:
    async with running(sqlite_url, fake):
        boss = Chat(fake, Person(101, "Boss", "en"))
        await boss.say("/start", expect=2)
        update = message_update(fake, boss.person, "/groups new Sales")
        await fake.push(update)
        await fake.wait_handled(update["update_id"])
        # Telegram delivers the same update again (its offset was not confirmed in time)
        await fake.redeliver(update)
        await fake.wait_handled(update["update_id"], times=2)
        out = await boss.say("/groups")
        assert "Groups (1)" in out[0].text
        created = [c for c in boss.replies() if "created" in c.text]
        assert len(created) == 1
        assert not any("already exists" in c.text for c in boss.replies())


async def test_groups_react_to_commands_and_replies_only(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    async with running(sqlite_url, fake):
        boss = Chat(fake, Person(101, "Boss", "en"))
        await boss.say("/start", expect=2)
        group = {"id": -100500, "type": "supergroup", "title": "Team"}
        before = len(fake.calls)
        await fake.push(message_update(fake, boss.person, "hello everyone", chat=group))
        await fake.push(message_update(fake, boss.person, "/groups@other_bot", chat=group))
        await fake.push(message_update(fake, boss.person, f"/groups@{BOT_USERNAME}", chat=group))
        await fake.wait_for(lambda: len(fake.sent(-100500)) >= 1)
        sent = fake.sent(-100500)
        assert len(sent) == 1 and "Groups (0)" in sent[0].text
        assert sent[0].data["reply_parameters"]["message_id"]
        assert all(c.chat_id == "-100500" for c in fake.calls[before:] if c.method == "sendMessage")


async def test_bind_a_group_chat(sqlite_url: str, fake: FakeTelegram) -> None:
    async with running(sqlite_url, fake):
        boss = Chat(fake, Person(101, "Boss", "ru"))
        await boss.say("/start", expect=2)
        await boss.say("/groups new Sales")
        out = await boss.say("/bind Sales")
        assert "/bind ГРУППА" in out[0].text  # only in a group chat

        room = {"id": -100777, "type": "supergroup", "title": "Sales room"}
        await fake.push(message_update(fake, boss.person, "/bind", chat=room))
        await fake.wait_for(lambda: len(fake.sent(-100777)) >= 1)
        status = fake.sent(-100777)[-1]
        assert "не привязан" in status.text
        (label, action), *_ = status.buttons
        assert label == "Sales" and action.startswith("ch:b:")

        from tests.fakes.telegram_api import callback_update

        await fake.push(
            callback_update(
                fake, boss.person, action, chat_id=-100777, message_id=status.message_id
            )
        )
        edited = await fake.wait_calls("editMessageText", 1)
        assert "привязан к группе <b>Sales</b>" in edited[-1].text

        # a stranger in the room cannot unbind it
        stranger = Person(303, "Stranger", "en")
        await fake.push(message_update(fake, stranger, "/unbind", chat=room))
        await fake.wait_for(lambda: len(fake.sent(-100777)) >= 2)
        # told privately, not in front of the group
        assert "Send /start" in fake.sent(303)[-1].text
        assert "Send /start" not in fake.sent(-100777)[-1].text


async def test_in_a_group_a_dialog_continues_through_replies(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    async with running(sqlite_url, fake):
        boss = Chat(fake, Person(101, "Boss", "en"))
        await boss.say("/start", expect=2)
        room = {"id": -100900, "type": "supergroup", "title": "Ops room"}
        update = await fake.push(message_update(fake, boss.person, "/groups new", chat=room))
        await fake.wait_handled(update["update_id"])
        question = fake.sent(-100900)[-1]
        assert "Name of the new group?" in question.text
        # plain text in the group is not for the bot, even inside a dialog
        update = await fake.push(message_update(fake, boss.person, "Ops", chat=room))
        await fake.wait_handled(update["update_id"])
        assert fake.sent(-100900)[-1] is question
        # a reply to the bot's question is
        update = await fake.push(
            message_update(fake, boss.person, "Ops", chat=room, reply_to=question)
        )
        await fake.wait_handled(update["update_id"])
        assert "Open to everyone in the team, or closed?" in fake.sent(-100900)[-1].text


async def test_group_notices_go_to_the_bound_chat(sqlite_url: str, fake: FakeTelegram) -> None:
    from handlers.markup import Span
    from handlers.views import View
    from scheduler.dispatcher import UNLIMITED, Dispatcher
    from services import chats_news, groups, teams_identity

    async with running(sqlite_url, fake) as adapter:
        boss = Chat(fake, Person(101, "Boss", "en"))
        await boss.say("/start", expect=2)
        await boss.say("/groups new Sales")
        room = {"id": -100321, "type": "supergroup", "title": "Sales room"}
        update = await fake.push(message_update(fake, boss.person, "/bind Sales", chat=room))
        await fake.wait_handled(update["update_id"])
        assert "bound to the group <b>Sales</b>" in fake.sent(-100321)[-1].text

        async with adapter.workspace.sessionmaker() as session, session.begin():
            actor = await teams_identity.resolve_actor(session, "telegram", "101")
            assert actor is not None
            (sales,) = await groups.find_groups(session, actor, "Sales")
            payload = View(body=[Span("Deal <won> & closed")]).to_dict()
            assert await chats_news.notify_group(session, sales, kind="post", payload=payload)

        dispatcher = Dispatcher(
            adapter.workspace.sessionmaker,
            {"telegram": adapter.sender},
            limits={"telegram": UNLIMITED},
        )
        before = len(fake.sent(-100321))
        await dispatcher.drain()
        notices = fake.sent(-100321)[before:]
        assert [c.text for c in notices] == ["Deal &lt;won&gt; &amp; closed"]
        assert fake.sent(101)[-1].text != notices[0].text  # not to anyone's private chat


async def test_binding_follows_a_group_upgraded_to_a_supergroup(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    async with running(sqlite_url, fake):
        boss = Chat(fake, Person(101, "Boss", "en"))
        await boss.say("/start", expect=2)
        await boss.say("/groups new Sales")
        old = {"id": -4001, "type": "group", "title": "Sales"}
        update = await fake.push(message_update(fake, boss.person, "/bind Sales", chat=old))
        await fake.wait_handled(update["update_id"])
        moved = message_update(fake, boss.person, chat=old)
        moved["message"]["migrate_to_chat_id"] = -1004001
        await fake.push(moved)
        await fake.wait_handled(moved["update_id"])
        new = {"id": -1004001, "type": "supergroup", "title": "Sales"}
        update = await fake.push(message_update(fake, boss.person, "/bind", chat=new))
        await fake.wait_handled(update["update_id"])
        assert "This chat is bound to the group <b>Sales</b>." in fake.sent(-1004001)[-1].text


async def test_in_a_group_an_answer_for_one_person_goes_to_their_private_chat(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    async with running(sqlite_url, fake) as adapter:
        adapter.workspace.services.public_url = "https://planerka.example"
        boss = Chat(fake, Person(101, "Boss", "en"))
        await boss.say("/start", expect=2)
        room = {"id": -100600, "type": "supergroup", "title": "Team"}

        await fake.push(message_update(fake, boss.person, "/ics link", chat=room))
        await fake.wait_for(lambda: len(fake.sent(-100600)) >= 1)
        note = fake.sent(-100600)[-1]
        assert "I answered you in a private chat." in note.text
        assert note.data["reply_parameters"]["message_id"]
        secret = boss.replies()[-1]
        assert "https://planerka.example/ics/" in secret.text  # in the private chat 101
        assert all("/ics/" not in c.text for c in fake.sent(-100600))

        # nobody can be written to privately before they start the bot: the group is
        # told so, and the secret link never appears there
        fake.fail("sendMessage", 403, "Forbidden: bot can't initiate conversation with a user")
        await fake.push(message_update(fake, boss.person, "/ics link", chat=room))
        await fake.wait_for(lambda: len(fake.sent(-100600)) >= 2)
        refused = fake.sent(-100600)[-1]
        assert "cannot write to you privately yet" in refused.text
        assert f"https://t.me/{BOT_USERNAME}" in refused.text
        assert all("/ics/" not in c.text for c in fake.sent(-100600))

        # a passing failure of the private chat is not mistaken for a refusal
        fake.fail("sendMessage", 500, "Internal Server Error")
        await fake.push(message_update(fake, boss.person, "/ics link", chat=room))
        await fake.wait_for(lambda: len(fake.sent(-100600)) >= 3)
        assert "could not reach your private chat just now" in fake.sent(-100600)[-1].text
        assert all("/ics/" not in c.text for c in fake.sent(-100600))

        # an answer for everyone stays in the group
        await fake.push(message_update(fake, boss.person, "/groups", chat=room))
        await fake.wait_for(lambda: len(fake.sent(-100600)) >= 4)
        assert "Groups (0)" in fake.sent(-100600)[-1].text


async def test_the_menu_follows_the_language_set_with_me_lang(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    async with running(sqlite_url, fake):
        anna = Chat(fake, Person(202, "Anna", "en"))  # her Telegram app speaks English
        await anna.say("/start", expect=2)
        before = len(fake.by_method("setMyCommands"))
        await anna.say("/me lang ru")
        menus = fake.by_method("setMyCommands")[before:]
        assert len(menus) == 1, menus
        assert menus[0].data["scope"] == {"type": "chat", "chat_id": 202}
        commands = {c["command"]: c["description"] for c in menus[0].data["commands"]}
        assert commands["groups"] == "рабочие группы и проекты", commands
        assert "bind" not in commands


async def test_completing_a_task_that_waits_on_an_open_one_asks_first(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    async with running(sqlite_url, fake):
        boss = Chat(fake, Person(101, "Boss", "en"))
        await boss.say("/start", expect=2)
        await boss.say("/task API: auth endpoints")
        await boss.say("/task Login form")
        await boss.say("/task 2 after 1")
        out = await boss.say("/task 2 complete")
        assert "#2 starts after 1 task that is still open: #1 API: auth endpoints." in out[0].text
        assert [label for label, _ in out[0].buttons] == ["Complete anyway", "Cancel"]
        out = await boss.press("Complete anyway")
        assert "Status: ✅ completed" in out[-1].text, [c.text for c in out]
