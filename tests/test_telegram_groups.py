"""A workgroup bound to several Telegram group chats: each chat gets the group's
messages once, a chat that failed is retried alone, and a chat that removed the bot
loses its binding."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from models.base import utcnow
from models.chats import ChatBinding
from models.feed import Post
from models.groups import Group
from models.outbox import OutboxMessage
from models.tasks import Task
from scheduler.dispatcher import UNLIMITED, Dispatcher
from tests.fakes.telegram_api import (
    BOT_USERNAME,
    FakeTelegram,
    Person,
    callback_update,
    message_update,
)
from tests.telegram_harness import Chat, running


async def _in_group(fake: FakeTelegram, person: Person, chat_id: int, text: str) -> None:
    chat = {"id": chat_id, "type": "supergroup", "title": f"Chat {chat_id}"}
    update = await fake.push(message_update(fake, person, text, chat=chat))
    await fake.wait_handled(update["update_id"])


def _posts(fake: FakeTelegram, chat_id: int) -> list[Any]:
    return [c for c in fake.sent(chat_id) if c.result and "hello both" in c.text]


async def test_a_group_message_reaches_each_bound_chat_once(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    async with running(sqlite_url, fake) as adapter:
        anna = Chat(fake, Person(202, "Anna", "en", username="anna"))
        await anna.say("/start", expect=2)
        await anna.say("/groups new Design")
        for chat_id in (-100501, -100502):
            await _in_group(fake, anna.person, chat_id, "/bind Design")
        await anna.say("/post #Design hello both")

        def dispatcher(hours: int = 0) -> Dispatcher:
            return Dispatcher(
                adapter.workspace.sessionmaker,
                {"telegram": adapter.sender},
                limits={"telegram": UNLIMITED},
                now=lambda: utcnow() + timedelta(hours=hours),
            )

        fake.fail("sendMessage", 502, "Bad Gateway")  # the first chat's send
        await dispatcher().drain()
        first = [len(_posts(fake, c)) for c in (-100501, -100502)]
        assert sorted(first) == [0, 1]  # one chat has it, the other is owed it
        async with adapter.workspace.sessionmaker() as session:
            row = (
                await session.execute(select(OutboxMessage).where(OutboxMessage.user_id.is_(None)))
            ).scalar_one()
            assert row.status == "pending"
        retry = dispatcher(hours=1)
        paced: list[str] = []
        acquire = retry.limiters["telegram"].acquire

        async def counted(chat_id: str) -> None:
            paced.append(chat_id)
            await acquire(chat_id)

        retry.limiters["telegram"].acquire = counted  # type: ignore[method-assign]
        await retry.drain()
        assert [len(_posts(fake, c)) for c in (-100501, -100502)] == [1, 1]  # once each
        owed = str(-100501 if first[0] == 0 else -100502)
        assert paced == [owed]  # the chat served before takes no turn of the rate limit
        async with adapter.workspace.sessionmaker() as session:
            row = (
                await session.execute(select(OutboxMessage).where(OutboxMessage.user_id.is_(None)))
            ).scalar_one()
            assert row.status == "sent"

        # a chat that removed the bot: its binding goes, the other chat is served
        await anna.say("/post #Design hello both again")
        fake.fail("sendMessage", 403, "Forbidden: bot was kicked from the supergroup chat")
        await dispatcher(hours=2).drain()
        async with adapter.workspace.sessionmaker() as session:
            bound = set(await session.scalars(select(ChatBinding.chat_id)))
        assert len(bound) == 1
        (kept,) = bound
        again = [c for c in fake.sent(int(kept)) if c.result and "again" in c.text]
        assert len(again) == 1


async def test_a_post_typed_in_a_bound_chat_shows_there_once(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """The reply in the chat it was typed in is the post; the group's notice goes to
    the group's other chats only."""
    async with running(sqlite_url, fake) as adapter:
        anna = Chat(fake, Person(203, "Anna", "en", username="anna"))
        await anna.say("/start", expect=2)
        await anna.say("/groups new Design")
        for chat_id in (-100601, -100602):
            await _in_group(fake, anna.person, chat_id, "/bind Design")
        await _in_group(fake, anna.person, -100601, "/post hello both")
        await _in_group(fake, anna.person, -100601, "/poll hello both? | yes | no")
        await _in_group(fake, anna.person, -100601, "/event hello both sync tomorrow 10:00")
        await Dispatcher(
            adapter.workspace.sessionmaker,
            {"telegram": adapter.sender},
            limits={"telegram": UNLIMITED},
        ).drain()
        typed_in = [c.text for c in _posts(fake, -100601)]
        other = [c.text for c in _posts(fake, -100602)]
        assert len(typed_in) == 3, typed_in  # the replies: post, poll, event
        assert "Posted" not in typed_in[0]  # everyone's card; the author is told privately
        assert any("Posted" in c.text for c in fake.sent(203) if c.result)
        assert len(other) == 3, other  # the group's notices
        assert "Post from" in other[0]


async def test_a_chat_that_removes_the_bot_is_unbound_at_once(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    async with running(sqlite_url, fake) as adapter:
        anna = Chat(fake, Person(202, "Anna", "en", username="anna"))
        await anna.say("/start", expect=2)
        await anna.say("/groups new Design")
        await _in_group(fake, anna.person, -100777, "/bind Design")

        async def bindings() -> list[str]:
            async with adapter.workspace.sessionmaker() as session:
                return list(await session.scalars(select(ChatBinding.chat_id)))

        assert await bindings() == ["-100777"]
        bot = {"id": 777000, "is_bot": True, "first_name": "Planerka"}
        update = await fake.push(
            {
                "update_id": fake.next_update_id(),
                "my_chat_member": {
                    "chat": {"id": -100777, "type": "supergroup", "title": "Design chat"},
                    "from": {"id": 202, "is_bot": False, "first_name": "Anna"},
                    "date": 0,
                    "old_chat_member": {"status": "member", "user": bot},
                    "new_chat_member": {"status": "left", "user": bot},
                },
            }
        )
        await fake.wait_handled(update["update_id"])
        assert await bindings() == []


async def test_a_stranger_starting_the_bot_in_a_group_is_told_privately(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    async with running(sqlite_url, fake) as adapter:
        stranger = Person(404, "Stranger", "en")
        await _in_group(fake, stranger, -100888, "/start")
        assert all("team is ready" not in c.text for c in fake.sent(-100888))
        assert "Send /start to me in a private chat" in fake.sent(404)[-1].text
        async with adapter.workspace.sessionmaker() as session:
            from models.teams import Team

            assert list(await session.scalars(select(Team))) == []  # no team made


async def test_a_group_upgraded_unseen_is_followed_to_its_new_id(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """The "migrated" service message was missed: the first send to the old id learns
    the new one, the binding follows, and the message goes there."""
    async with running(sqlite_url, fake) as adapter:
        anna = Chat(fake, Person(202, "Anna", "en", username="anna"))
        await anna.say("/start", expect=2)
        await anna.say("/groups new Design")
        await _in_group(fake, anna.person, -500, "/bind Design")
        await anna.say("/post #Design hello both")
        fake.fail(
            "sendMessage",
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            migrate_to=-1009001,
        )
        await Dispatcher(
            adapter.workspace.sessionmaker,
            {"telegram": adapter.sender},
            limits={"telegram": UNLIMITED},
        ).drain()
        assert len(_posts(fake, -1009001)) == 1
        async with adapter.workspace.sessionmaker() as session:
            assert list(await session.scalars(select(ChatBinding.chat_id))) == ["-1009001"]


async def test_forwards_other_bots_commands_strangers_buttons_and_recordings(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """A forwarded "/post" is not the forwarder's command; "/roll" in a group is some other
    bot's; a stranger's press in a group is answered to them alone; a voice note is kept
    as a file and a sticker gets the hint."""
    async with running(sqlite_url, fake):
        boss = Chat(fake, Person(101, "Boss", "en"))
        await boss.say("/start", expect=2)
        forwarded = message_update(fake, boss.person, "/post hello from a forward")
        forwarded["message"]["forward_origin"] = {
            "type": "hidden_user",
            "sender_user_name": "Eve",
            "date": 1,
        }
        update = await fake.push(forwarded)
        await fake.wait_handled(update["update_id"])
        texts = [c.text for c in fake.sent(101)]
        assert not any("Posted" in t for t in texts), texts  # not published as Boss's post
        assert "Lead created" in texts[-1], texts  # a forward is a lead, as any forward

        group = -100700
        before = len(fake.calls)
        await _in_group(fake, boss.person, group, "/roll")
        await _in_group(fake, boss.person, group, "/roll@planerka_test_bot")
        said = [c.text for c in fake.calls[before:] if c.method == "sendMessage"]
        # answered once: to "/roll@planerka_test_bot", not to the bare "/roll"
        assert sum("Unknown command /roll" in t for t in said) == 1, said

        stranger = Person(303, "Stranger", "en")
        before = len(fake.calls)
        press = callback_update(fake, stranger, "t:o:1", chat_id=group, message_id=1)
        update = await fake.push(press)
        await fake.wait_handled(update["update_id"])
        public = [
            c for c in fake.calls[before:] if c.method == "sendMessage" and c.chat_id == str(group)
        ]
        assert public == [], [c.text for c in public]

        voice = message_update(fake, boss.person)
        voice["message"]["voice"] = {"file_id": "vo1", "file_unique_id": "vo1u", "duration": 3}
        fake.files["documents/vo1"] = b"OggS voice"
        update = await fake.push(voice)
        await fake.wait_handled(update["update_id"])
        assert "voice_vo1u.ogg" in fake.sent(101)[-1].text, fake.sent(101)[-1].text
        sticker = message_update(fake, boss.person)
        sticker["message"]["sticker"] = {
            "file_id": "st",
            "file_unique_id": "stu",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        update = await fake.push(sticker)
        await fake.wait_handled(update["update_id"])
        assert "Send /help to see what I can do" in fake.sent(101)[-1].text


async def test_a_question_asked_in_a_group_says_to_answer_by_reply(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    async with running(sqlite_url, fake):
        boss = Chat(fake, Person(101, "Boss", "en"))
        await boss.say("/start", expect=2)
        await _in_group(fake, boss.person, -100800, "/task")
        asked = fake.sent(-100800)[-1]
        assert "What needs to be done?" in asked.text, asked.text
        assert "Reply to this message to answer." in asked.text, asked.text
        group = {"id": -100800, "type": "supergroup", "title": "Chat -100800"}
        answer = message_update(fake, boss.person, "Book the room", chat=group, reply_to=asked)
        update = await fake.push(answer)
        await fake.wait_handled(update["update_id"])
        asked = fake.sent(-100800)[-1]
        assert "Who is responsible?" in asked.text, asked.text  # the dialog goes on
        assert "Reply to this message to answer." in asked.text, asked.text
        # a colleague answering it is told whose question it is, not left unanswered
        stranger = Person(102, "Ivan", "en")
        answer = message_update(fake, stranger, "Me!", chat=group, reply_to=asked)
        update = await fake.push(answer)
        await fake.wait_handled(update["update_id"])
        told = [c.text for c in fake.calls if c.data.get("chat_id") in (102, "102")]
        in_group = [c.text for c in fake.sent(-100800)][-1]
        assert any("This question is a colleague's." in t for t in told) or (
            "This question is a colleague's." in in_group
        ), (told, in_group)


async def test_an_anonymous_admin_is_told_to_post_as_themselves(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    async with running(sqlite_url, fake):
        anonymous = Person(1087968824, "Group", "en", username="GroupAnonymousBot")
        group = {"id": -100900, "type": "supergroup", "title": "Ops"}
        update = message_update(fake, anonymous, "/bind Sales", chat=group)
        update["message"]["from"]["is_bot"] = True
        update["message"]["sender_chat"] = group
        pushed = await fake.push(update)
        await fake.wait_handled(pushed["update_id"])
        said = fake.sent(-100900)
        assert said and "post as yourself" in said[-1].text, [c.text for c in said]


async def test_a_persons_lists_asked_in_a_group_are_answered_privately(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """/tasks in a group chat not bound to a workgroup: the asker's own tasks go to
    their private chat, and the group hears only where the answer went."""
    async with running(sqlite_url, fake):
        anna = Chat(fake, Person(204, "Anna", "en", username="anna"))
        await anna.say("/start", expect=2)
        await anna.say("/task Private salary review")
        await _in_group(fake, anna.person, -100701, "/tasks")
        in_group = [c.text for c in fake.sent(-100701) if c.result]
        assert in_group == ["I answered you in a private chat."], in_group
        mine = [c.text for c in fake.sent(204) if c.result and "Private salary review" in c.text]
        assert mine, [c.text for c in fake.sent(204)]


async def test_the_note_in_a_group_speaks_the_language_the_person_chose(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """Anna's Telegram app is in English, but she chose Russian (/me lang ru): the
    group hears where her answer went in Russian, as her answer itself is."""
    async with running(sqlite_url, fake):
        anna = Chat(fake, Person(206, "Anna", "en", username="anna"))
        await anna.say("/start", expect=2)
        await anna.say("/me lang ru")
        await _in_group(fake, anna.person, -100703, "/tasks")
        in_group = [c.text for c in fake.sent(-100703) if c.result]
        assert in_group == ["Я ответил вам в личном чате."], in_group


async def test_bind_and_unbind_typed_privately_say_where_to_send_them(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    async with running(sqlite_url, fake):
        anna = Chat(fake, Person(207, "Anna", "en", username="anna"))
        await anna.say("/start", expect=2)
        out = await anna.say("/unbind")
        assert "Send /unbind in the group chat you want to unbind." in out[-1].text, out[-1].text
        out = await anna.say("/bind")
        assert "Send /bind GROUP in the group chat you want to bind." in out[-1].text


async def test_a_colleagues_press_in_a_group_answers_them_privately(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """Ivan presses "I do" on the group's task list Anna asked for: his own tasks go to
    his private chat, and Anna's message in the group stays the group's list. In a
    group not bound to a workgroup, a person's day, a task card and an export go to
    that person alone."""
    async with running(sqlite_url, fake):
        anna = Chat(fake, Person(205, "Anna", "en", username="anna"))
        await anna.say("/start", expect=2)
        out = await anna.say("/invite")
        link = f"https://t.me/{BOT_USERNAME}?start="
        code = out[0].text.split(link, 1)[1].split('"', 1)[0]
        ivan = Chat(fake, Person(206, "Ivan", "ru", username="ivan"))
        await ivan.say(f"/start {code}", expect=2)
        await anna.say("/groups new Dev")
        await anna.say("/groups add Dev @ivan")
        await ivan.say("/task Ivan private interview tomorrow 12:00")
        await _in_group(fake, anna.person, -100711, "/bind Dev")
        await _in_group(fake, anna.person, -100711, "/task Deploy release tomorrow")
        await _in_group(fake, anna.person, -100711, "/tasks")
        listing = [c for c in fake.sent(-100711) if c.result and "Tasks of" in c.text][-1]
        data = next(d for label, d in listing.buttons if label == "I do")
        update = await fake.push(
            callback_update(
                fake, ivan.person, data, chat_id=-100711, message_id=listing.result["message_id"]
            )
        )
        await fake.wait_handled(update["update_id"])
        shown = [c.text for c in fake.calls if c.data.get("chat_id") in (-100711, "-100711")]
        assert not any("private interview" in t for t in shown), shown
        assert any("private interview" in c.text for c in fake.sent(206) if c.result)

        await anna.say("/task Secret salary review")
        for line in ("/today", "/task 3", "/export"):
            before = len(fake.calls)
            await _in_group(fake, anna.person, -100722, line)
            to_group = [
                c for c in fake.calls[before:] if c.data.get("chat_id") in (-100722, "-100722")
            ]
            assert [c.text for c in to_group] == ["I answered you in a private chat."], (
                line,
                [(c.method, c.text) for c in to_group],
            )


async def test_in_a_bound_chat_only_the_groups_things_are_shown_to_all(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """In a chat bound to Dev: a private task asked by number, the asker's time, their
    agenda, the CRM and the team's invites go to the asker alone; a Dev task's card is
    the chat's."""
    async with running(sqlite_url, fake):
        anna = Chat(fake, Person(207, "Anna", "en", username="anna"))
        await anna.say("/start", expect=2)
        await anna.say("/groups new Dev")
        await anna.say("/task Private interview tomorrow 12:00")
        await anna.say("/task 1 time 2h")
        await anna.say("/lead Victor Secretson, +7 999 123-45-67")
        await anna.say("/invite")
        await _in_group(fake, anna.person, -100731, "/bind Dev")
        await _in_group(fake, anna.person, -100731, "/task Deploy release tomorrow")
        for line in ("/task 1", "/tasks time", "/events week", "/leads", "/team invites"):
            before = len(fake.calls)
            await _in_group(fake, anna.person, -100731, line)
            to_group = [
                c.text for c in fake.calls[before:] if c.data.get("chat_id") in (-100731, "-100731")
            ]
            assert to_group == ["I answered you in a private chat."], (line, to_group)
        before = len(fake.calls)
        await _in_group(fake, anna.person, -100731, "/task 2")
        to_group = [
            c.text for c in fake.calls[before:] if c.data.get("chat_id") in (-100731, "-100731")
        ]
        assert any("Deploy release" in t for t in to_group), to_group  # the group's task


async def test_start_and_help_in_a_group_answer_privately(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    async with running(sqlite_url, fake):
        boss = Chat(fake, Person(207, "Boss", "en", username="boss"))
        await boss.say("/start", expect=2)
        for command in ("/start", "/help", "/menu"):
            await _in_group(fake, boss.person, -100801, command)
        in_group = [c.text for c in fake.sent(-100801) if c.result]
        assert in_group == ["I answered you in a private chat."] * 3, in_group
        mine = [c.text for c in fake.sent(207) if c.result]
        assert any("/help" in text and "/cancel" in text for text in mine), mine


async def test_a_vote_in_a_groups_chat_keeps_the_poll_everyones(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """Ivan (Russian) and Boris vote on Anna's poll in Dev's chat: the group's message
    shows the results in the team's language with no one's marks and no author's
    buttons; each voter is told their vote in their own alert; Anna closes the poll
    from her private chat, and the results reach Dev's chat, everyone's message."""
    async with running(sqlite_url, fake) as adapter:
        anna = Chat(fake, Person(208, "Anna", "en", username="anna"))
        await anna.say("/start", expect=2)
        link = f"https://t.me/{BOT_USERNAME}?start="
        voters = []
        for user_id, name, lang in ((209, "Ivan", "ru"), (210, "Boris", "en")):
            out = await anna.say("/invite")
            code = out[0].text.split(link, 1)[1].split('"', 1)[0]
            voter = Chat(fake, Person(user_id, name, lang, username=name.lower()))
            await voter.say(f"/start {code}", expect=2)
            voters.append(voter)
        await anna.say("/groups new Dev")
        await anna.say("/groups add Dev @ivan @boris")
        await _in_group(fake, anna.person, -100741, "/bind Dev")
        await _in_group(fake, anna.person, -100741, "/poll Lunch? | Pizza | Sushi")
        (poll,) = [c for c in fake.sent(-100741) if c.result and "Lunch?" in c.text]
        options = dict(poll.buttons)
        assert "Close poll" not in options and "Delete" not in options, options
        own = [c for c in fake.sent(208) if c.result and "Poll sent" in c.text][-1]
        assert {"Close poll", "Delete"} <= dict(own.buttons).keys(), own.buttons

        for voter, option, said in (
            (voters[0], "Pizza", "Ваш голос: Pizza"),
            (voters[1], "Sushi", "Your vote: Sushi"),
        ):
            before = len(fake.calls)
            update = await fake.push(
                callback_update(
                    fake, voter.person, options[option], chat_id=-100741, message_id=poll.message_id
                )
            )
            await fake.wait_handled(update["update_id"])
            calls = fake.calls[before:]
            (edit,) = [c for c in calls if c.method == "editMessageText"]
            labels = dict(edit.buttons)
            assert edit.chat_id == "-100741" and "●" not in edit.text, edit.text
            assert not any("✓" in label for label in labels), labels
            assert "Close poll" not in labels and "Delete" not in labels, labels
            assert "Refresh" in labels, labels  # the team's language, whoever pressed
            (answer,) = [c for c in calls if c.method == "answerCallbackQuery"]
            assert answer.data.get("text") == said, answer.data
            assert not [c for c in calls if c.method == "sendMessage"], calls
        assert "Pizza: █████░░░░░ 1 — Ivan" in edit.text and "2 votes" in edit.text, edit.text

        close = dict(own.buttons)["Close poll"]
        before = len(fake.calls)
        update = await fake.push(
            callback_update(fake, anna.person, close, chat_id=208, message_id=own.message_id)
        )
        await fake.wait_handled(update["update_id"])
        shown = [c.text for c in fake.calls[before:] if c.chat_id == "208" and c.text]
        assert any("Voting is over." in t for t in shown), shown
        await Dispatcher(
            adapter.workspace.sessionmaker,
            {"telegram": adapter.sender},
            limits={"telegram": UNLIMITED},
        ).drain()
        (results,) = [c for c in fake.calls[before:] if c.chat_id == "-100741" and c.result]
        assert "Voting is over." in results.text and "Winner" not in results.text, results.text
        assert "Pizza: █████░░░░░ 1 — Ivan" in results.text and "A tie" in results.text
        labels = dict(results.buttons)
        assert "Make a task" not in labels and "Delete" not in labels, labels


async def test_a_page_of_the_groups_task_list_stays_the_groups(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """Ivan (Russian, in Dev) turns the page of the list Anna asked for in Dev's chat:
    the group's message shows the next page in the team's language; Oleg, not in Dev,
    who would see only his own part of it, gets his page privately."""
    async with running(sqlite_url, fake):
        anna = Chat(fake, Person(211, "Anna", "en", username="anna"))
        await anna.say("/start", expect=2)
        link = f"https://t.me/{BOT_USERNAME}?start="
        people = []
        for user_id, name, lang in ((212, "Ivan", "ru"), (213, "Oleg", "en")):
            out = await anna.say("/invite")
            code = out[0].text.split(link, 1)[1].split('"', 1)[0]
            person = Chat(fake, Person(user_id, name, lang, username=name.lower()))
            await person.say(f"/start {code}", expect=2)
            people.append(person)
        ivan, oleg = people
        await anna.say("/groups new Dev")
        await anna.say("/groups add Dev @ivan")
        for n in range(11):
            await anna.say(f"/task #Dev Release step {n}")
        await _in_group(fake, anna.person, -100751, "/bind Dev")
        await _in_group(fake, anna.person, -100751, "/tasks")
        listing = [c for c in fake.sent(-100751) if c.result and "Tasks of" in c.text][-1]
        turn = dict(listing.buttons)["Next »"]

        async def press(person: Person) -> list[Any]:
            before = len(fake.calls)
            update = await fake.push(
                callback_update(fake, person, turn, chat_id=-100751, message_id=listing.message_id)
            )
            await fake.wait_handled(update["update_id"])
            return fake.calls[before:]

        calls = await press(ivan.person)
        (edit,) = [c for c in calls if c.method == "editMessageText"]
        assert edit.chat_id == "-100751" and "Tasks of" in edit.text, edit.text
        assert "Release step" in edit.text or any("Release step" in b for b, _ in edit.buttons)
        assert "« Prev" in dict(edit.buttons), edit.buttons

        calls = await press(oleg.person)
        assert not [c for c in calls if c.method == "editMessageText"], calls
        to_group = [c.text for c in calls if c.method == "sendMessage" and c.chat_id == "-100751"]
        assert to_group == [], to_group  # where his answer went: his toast, not the group's
        (answer,) = [c for c in calls if c.method == "answerCallbackQuery"]
        assert answer.data.get("text") == "I answered you in a private chat.", answer.data
        assert not answer.data.get("show_alert"), answer.data
        assert any("join the group" in c.text for c in calls if c.chat_id == "213" and c.text), [
            (c.method, c.chat_id, c.text) for c in calls
        ]


async def test_a_like_in_a_groups_chat_keeps_the_post_everyones(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """Anna posts an important post in Dev's chat: the group's card has no author's
    buttons, which she gets privately. Ivan (Russian) and Anna like it: the card shows
    the count in the team's language and nobody's own buttons; each is told in an
    alert."""
    async with running(sqlite_url, fake):
        anna = Chat(fake, Person(214, "Anna", "en", username="anna"))
        await anna.say("/start", expect=2)
        link = f"https://t.me/{BOT_USERNAME}?start="
        code = (await anna.say("/invite"))[0].text.split(link, 1)[1].split('"', 1)[0]
        ivan = Chat(fake, Person(215, "Ivan", "ru", username="ivan"))
        await ivan.say(f"/start {code}", expect=2)
        await anna.say("/groups new Dev")
        await anna.say("/groups add Dev @ivan")
        await _in_group(fake, anna.person, -100761, "/bind Dev")
        await _in_group(fake, anna.person, -100761, "/post ! Release on Friday")
        (card,) = [c for c in fake.sent(-100761) if c.result and "Release on Friday" in c.text]
        shared = dict(card.buttons)
        assert "Posted" not in card.text and "I have read it" in shared, card.text
        assert not {"Edit", "Delete"} & shared.keys(), shared
        assert not any("Read by" in label for label in shared), shared
        own = [c for c in fake.sent(214) if c.result and "Posted" in c.text][-1]
        assert {"Edit", "Delete", "Read by 0"} <= dict(own.buttons).keys(), own.buttons

        for person, likes, said in (
            (ivan.person, 1, "Вам это нравится."),
            (anna.person, 2, "You like it."),
        ):
            before = len(fake.calls)
            update = await fake.push(
                callback_update(
                    fake, person, shared["Like (0)"], chat_id=-100761, message_id=card.message_id
                )
            )
            await fake.wait_handled(update["update_id"])
            calls = fake.calls[before:]
            (edit,) = [c for c in calls if c.method == "editMessageText"]
            labels = dict(edit.buttons)
            assert edit.chat_id == "-100761" and "Release on Friday" in edit.text, edit.text
            assert f"Like ({likes})" in labels and "Comment" in labels, labels
            assert not {"Edit", "Delete"} & labels.keys(), labels
            assert not any("Read by" in label for label in labels), labels
            (answer,) = [c for c in calls if c.method == "answerCallbackQuery"]
            assert answer.data.get("text") == said, answer.data
            assert not [c for c in calls if c.method == "sendMessage"], calls


async def test_comment_and_share_pressed_in_a_groups_chat_are_asked_privately(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """Ivan (Russian) presses Comment, then Share on Dev's post in its chat: each question
    goes to his private chat, where he answers it; the group gets no question, no Cancel
    and no "I answered you" (that is his toast, no alert)."""
    async with running(sqlite_url, fake):
        anna = Chat(fake, Person(217, "Anna", "en", username="anna"))
        await anna.say("/start", expect=2)
        link = f"https://t.me/{BOT_USERNAME}?start="
        code = (await anna.say("/invite"))[0].text.split(link, 1)[1].split('"', 1)[0]
        ivan = Chat(fake, Person(218, "Ivan", "ru", username="ivan"))
        await ivan.say(f"/start {code}", expect=2)
        await anna.say("/groups new Dev")
        await anna.say("/groups add Dev @ivan")
        room = -100763
        await _in_group(fake, anna.person, room, "/bind Dev")
        await _in_group(fake, anna.person, room, "/post Release on Friday")
        (card,) = [c for c in fake.sent(room) if c.result and "Release on Friday" in c.text]

        async def press(label: str) -> list[Any]:
            before = len(fake.calls)
            update = await fake.push(
                callback_update(
                    fake,
                    ivan.person,
                    dict(card.buttons)[label],
                    chat_id=room,
                    message_id=card.message_id,
                )
            )
            await fake.wait_handled(update["update_id"])
            calls = fake.calls[before:]
            assert not [c for c in calls if c.chat_id == str(room)], calls
            (answer,) = [c for c in calls if c.method == "answerCallbackQuery"]
            assert answer.data.get("text") == "Я ответил вам в личном чате.", answer.data
            assert not answer.data.get("show_alert"), answer.data
            return [c for c in calls if c.chat_id == "218" and c.result]

        (asked,) = await press("Comment")
        assert "Ваш комментарий?" in asked.text and "Отмена" in dict(asked.buttons)
        assert "Reply" not in asked.text and "Ответьте" not in asked.text, asked.text
        out = await ivan.say("Looks good")
        assert any("Комментарий добавлен." in c.text for c in out), [c.text for c in out]

        (asked,) = await press("Share")
        assert "С кем поделиться?" in asked.text, asked.text
        out = await ivan.say("@anna")
        assert any("уже могут читать этот пост" in c.text for c in out), [c.text for c in out]
        assert not [c for c in fake.sent(room) if "Looks good" in c.text or "@anna" in c.text]


async def test_a_task_card_in_a_groups_chat_is_everyones(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """In Dev's chat a task's card is everyone's: the task's state in the team's
    language and one Open button, whoever asked (Anna creates it, Ivan, Russian, asks
    /task 1) or pressed. Ivan's Open, his task button in the group's list and his Start
    on an old card there give him his own card privately; Start turns the group's card
    into everyone's, never into his."""
    async with running(sqlite_url, fake):
        anna = Chat(fake, Person(216, "Anna", "en", username="anna"))
        await anna.say("/start", expect=2)
        link = f"https://t.me/{BOT_USERNAME}?start="
        code = (await anna.say("/invite"))[0].text.split(link, 1)[1].split('"', 1)[0]
        ivan = Chat(fake, Person(217, "Ivan", "ru", username="ivan"))
        await ivan.say(f"/start {code}", expect=2)
        await anna.say("/groups new Dev")
        await anna.say("/groups add Dev @ivan")
        room = -100771
        await _in_group(fake, anna.person, room, "/bind Dev")

        def in_room(before: int) -> list[Any]:
            return [c for c in fake.calls[before:] if c.chat_id == str(room) and c.text]

        def everyones(call: Any, status: str) -> None:
            assert "Deploy release" in call.text and f"Status: {status}" in call.text, call.text
            assert [label for label, _ in call.buttons] == ["Open"], call.buttons

        before = len(fake.calls)
        await _in_group(fake, anna.person, room, "/task Deploy release tomorrow 15:00 @ivan")
        (card,) = in_room(before)
        everyones(card, "⚪ pending")
        mine = [c for c in fake.calls[before:] if c.chat_id == "216" and c.text]
        assert any("Task #1 created." in c.text and "Delegate" in dict(c.buttons) for c in mine)

        before = len(fake.calls)
        await _in_group(fake, ivan.person, room, "/task 1")
        (asked,) = in_room(before)
        everyones(asked, "⚪ pending")  # the team's language, not Ivan's

        async def press(data: str, message_id: int) -> list[Any]:
            before = len(fake.calls)
            update = await fake.push(
                callback_update(fake, ivan.person, data, chat_id=room, message_id=message_id)
            )
            await fake.wait_handled(update["update_id"])
            return fake.calls[before:]

        calls = await press(dict(asked.buttons)["Open"], asked.message_id)
        assert not [c for c in calls if c.method == "editMessageText"], calls
        (own,) = [c for c in calls if c.chat_id == "217" and c.text]
        assert "Начать" in dict(own.buttons) and "Deploy release" in own.text, own.buttons

        await _in_group(fake, anna.person, room, "/tasks")
        listing = [c for c in fake.sent(room) if c.result and "Tasks of" in c.text][-1]
        pick = next(data for label, data in listing.buttons if "Deploy release" in label)
        calls = await press(pick, listing.message_id)
        assert not [c for c in calls if c.method == "editMessageText"], calls
        assert not any("Начать" in dict(c.buttons) for c in calls if c.chat_id == str(room))
        assert any("Начать" in dict(c.buttons) for c in calls if c.chat_id == "217")

        # an old card in the chat, with Ivan's own buttons on it: Start pressed there
        calls = await press("t:s:1:start", card.message_id)
        (edit,) = [c for c in calls if c.method == "editMessageText"]
        assert edit.chat_id == str(room), edit.chat_id
        everyones(edit, "▶️ in progress")
        (own,) = [c for c in calls if c.chat_id == "217" and c.text]
        assert {"Пауза", "Завершить"} <= dict(own.buttons).keys(), own.buttons


async def test_a_crm_form_started_in_a_group_goes_on_in_the_private_chat(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """/deal in a group chat: its questions go to Anna's private chat, her answers there
    go on with the form, and the new deal is shown to her alone."""
    async with running(sqlite_url, fake):
        anna = Chat(fake, Person(212, "Anna", "en", username="anna"))
        await anna.say("/start", expect=2)
        await _in_group(fake, anna.person, -100741, "/deal")
        assert [c.text for c in fake.sent(-100741) if c.result] == [
            "I answered you in a private chat."
        ]
        assert "Deal title?" in [c.text for c in fake.sent(212) if c.result][-1]
        out = await anna.say("Big rollout")
        assert "Amount and currency?" in out[-1].text, [o.text for o in out]
        out = await anna.say("5000 USD")
        assert "Deal #1" in out[-1].text and "Big rollout" in out[-1].text
        assert not any("Big rollout" in c.text for c in fake.sent(-100741))


async def test_a_chat_bound_to_an_archived_group_reads_it_and_adds_nothing(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """Dev archived, its chat keeps the binding: /task there is refused with the
    read-only sentence (no personal task instead), /tasks, /events and /feed there list
    Dev's things to everyone."""
    async with running(sqlite_url, fake) as adapter:
        anna = Chat(fake, Person(216, "Anna", "en", username="anna"))
        await anna.say("/start", expect=2)
        await anna.say("/groups new Dev")
        room = -100791
        await _in_group(fake, anna.person, room, "/bind Dev")
        await _in_group(fake, anna.person, room, "/task Old thing")
        await _in_group(fake, anna.person, room, "/post Release on Friday")
        await anna.say("/groups archive Dev")

        async def typed(text: str) -> list[str]:
            before = len(fake.calls)
            await _in_group(fake, anna.person, room, text)
            return [c.text for c in fake.calls[before:] if c.text]

        refused = "Dev is archived: its tasks, events, posts and files can be read"
        for line in (
            "/task Deploy release",
            "/task Deploy release @nobody",  # refused before anyone is asked about
            "/post Hi all",
            "/event Retro tomorrow 15:00",
        ):
            said = await typed(line)
            assert any(refused in text for text in said), said
        async with adapter.workspace.sessionmaker() as session:
            assert list(await session.scalars(select(Task.title))) == ["Old thing"]
            assert len(list(await session.scalars(select(Post.id)))) == 1

        said = await typed("/tasks")
        assert any("Tasks of <b>Dev</b> (1)" in text for text in said), said
        said = await typed("/feed")
        assert any("Feed of <b>Dev</b> (1)" in text and "Release" in text for text in said)
        said = await typed("/events")
        assert any("Group calendar" in text for text in said), said
        assert all("I answered you in a private chat" not in c.text for c in fake.sent(room)[-3:])


async def test_a_task_made_in_an_unbound_chat_shows_everyones_card_there(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """A group chat bound to no group: the task made there shows as everyone's card (its
    state and one Open button); the creator's own card, buttons and advice go to them."""
    async with running(sqlite_url, fake):
        anna = Chat(fake, Person(218, "Anna", "en", username="anna"))
        await anna.say("/start", expect=2)
        room = -100801
        before = len(fake.calls)
        await _in_group(fake, anna.person, room, "/task Order pizza tomorrow 15:00")
        (shared,) = [c for c in fake.calls[before:] if c.chat_id == str(room) and c.text]
        assert "Order pizza" in shared.text and "Status: ⚪ pending" in shared.text
        assert [label for label, _ in shared.buttons] == ["Open"], shared.buttons
        mine = [c for c in fake.calls[before:] if c.chat_id == "218" and c.text]
        assert any("Task #1 created." in c.text and "Complete" in dict(c.buttons) for c in mine)


async def test_settings_and_checklist_pressed_on_a_groups_card_refresh_everyones(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """On an old card in Dev's chat (with Anna's own buttons), Approval on/off and a
    checklist tick turn it into everyone's card, showing the change, as Start does; the
    settings and the checklist go to Anna privately."""
    async with running(sqlite_url, fake):
        anna = Chat(fake, Person(219, "Anna", "en", username="anna"))
        await anna.say("/start", expect=2)
        await anna.say("/groups new Dev")
        room = -100811
        await _in_group(fake, anna.person, room, "/bind Dev")
        await anna.say("/task Release notes #Dev")
        await anna.say("/task 1 check Draft")
        await anna.say("/task 1 check Review")
        before = len(fake.calls)
        await _in_group(fake, anna.person, room, "/task 1")
        (card,) = [c for c in fake.calls[before:] if c.chat_id == str(room) and c.text]

        async def press(data: str) -> list[Any]:
            before = len(fake.calls)
            update = await fake.push(
                callback_update(fake, anna.person, data, chat_id=room, message_id=card.message_id)
            )
            await fake.wait_handled(update["update_id"])
            return fake.calls[before:]

        calls = await press("t:ap:1")
        (edit,) = [c for c in calls if c.method == "editMessageText"]
        assert edit.chat_id == str(room), edit.chat_id
        assert "Completion needs the creator's approval." in edit.text, edit.text
        assert [label for label, _ in edit.buttons] == ["Open"], edit.buttons
        (own,) = [c for c in calls if c.chat_id == "219" and c.text]
        assert "Completion needs approval: yes" in own.text, own.text

        calls = await press("t:cx:1")
        (edit,) = [c for c in calls if c.method == "editMessageText"]
        assert "Checklist: 1 of 2 done" in edit.text, edit.text
        (own,) = [c for c in calls if c.chat_id == "219" and c.text]
        assert "Checklist of #1: 1 of 2 done" in own.text, own.text

        await press("t:cd:2")  # deleting an item is asked first; Yes refreshes it too
        calls = await press("t:cy:2")
        (edit,) = [c for c in calls if c.method == "editMessageText"]
        assert edit.chat_id == str(room) and "Checklist: 1 of 1 done" in edit.text, edit.text
        (own,) = [c for c in calls if c.chat_id == "219" and c.text]
        assert "Checklist of #1: 1 of 1 done" in own.text, own.text

        await anna.say("/task 1 time 2h")
        await anna.say("/task 1 time 30m")
        calls = await press("t:tr:1")  # a time entry deleted (asked first): the card's time
        calls = await press("t:ty:1")
        (edit,) = [c for c in calls if c.method == "editMessageText"]
        assert edit.chat_id == str(room) and "Time spent: 30 min" in edit.text, edit.text


async def test_an_events_card_in_a_groups_chat_is_everyones(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """In Dev's chat an event's card is everyone's, as a task's: made there by Anna or
    asked for by Ivan (Russian, Yekaterinburg) with /event 1, it reads the same, in the
    team's language and zone, with nobody's answers and no organiser's buttons; each
    answers for themselves or presses Open. Anna's own card (Move, Cancel) and Ivan's
    own card (in Russian) go to them privately."""
    async with running(sqlite_url, fake):
        anna = Chat(fake, Person(218, "Anna", "en", username="anna"))
        await anna.say("/start", expect=2)
        link = f"https://t.me/{BOT_USERNAME}?start="
        code = (await anna.say("/invite"))[0].text.split(link, 1)[1].split('"', 1)[0]
        ivan = Chat(fake, Person(219, "Ivan", "ru", username="ivan"))
        await ivan.say(f"/start {code}", expect=2)
        await ivan.say("/me tz Asia/Yekaterinburg")
        await anna.say("/groups new Dev")
        await anna.say("/groups add Dev @ivan")
        room = -100781
        await _in_group(fake, anna.person, room, "/bind Dev")

        def in_room(before: int) -> list[Any]:
            return [c for c in fake.calls[before:] if c.chat_id == str(room) and c.text]

        before = len(fake.calls)
        await _in_group(fake, anna.person, room, "/event Review tomorrow 10:00 @ivan")
        (made,) = in_room(before)
        assert "Review" in made.text and "Group: Dev" in made.text, made.text
        assert [label for label, _ in made.buttons] == ["Accept", "Decline", "Maybe", "Open"]
        assert "❔" not in made.text and "Event created" not in made.text, made.text
        mine = [c for c in fake.calls[before:] if c.chat_id == "218" and c.text]
        assert any("Event created" in c.text and "Move" in dict(c.buttons) for c in mine), mine

        before = len(fake.calls)
        await _in_group(fake, ivan.person, room, "/event 1")
        (asked,) = in_room(before)
        when = next(line for line in made.text.splitlines() if line.startswith("When:"))
        assert when in asked.text and "UTC+5" not in asked.text, asked.text
        assert [label for label, _ in asked.buttons] == ["Accept", "Decline", "Maybe", "Open"]

        before = len(fake.calls)
        update = await fake.push(
            callback_update(
                fake,
                ivan.person,
                dict(asked.buttons)["Open"],
                chat_id=room,
                message_id=asked.message_id,
            )
        )
        await fake.wait_handled(update["update_id"])
        assert not [c for c in fake.calls[before:] if c.method == "editMessageText"]
        (own,) = [c for c in fake.calls[before:] if c.chat_id == "219" and c.text]
        assert "Принять" in dict(own.buttons) and "Review" in own.text, own.buttons


async def test_removing_someone_takes_them_out_of_the_groups_chats(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """Removing Lucy, an extranet member, from Rebrand takes her out of Rebrand's two
    Telegram chats (banned and let back, as "Remove" does). Where the bot is no admin,
    Anna is told to do it herself, naming that chat; nothing is retried there."""
    async with running(sqlite_url, fake) as adapter:
        anna = Chat(fake, Person(208, "Anna", "en", username="anna"))
        await anna.say("/start", expect=2)
        await anna.say("/groups new Rebrand closed project")
        out = await anna.say("/invite extranet Rebrand")
        link = f"https://t.me/{BOT_USERNAME}?start="
        code = out[0].text.split(link, 1)[1].split('"', 1)[0]
        lucy = Chat(fake, Person(209, "Lucy", "en", username="lucy"))
        await lucy.say(f"/start {code}", expect=2)
        await _in_group(fake, anna.person, -100761, "/bind Rebrand")
        await _in_group(fake, anna.person, -100762, "/bind Rebrand")
        async with adapter.workspace.sessionmaker() as session, session.begin():
            group = (await session.execute(select(Group))).scalar_one()
            # a Slack channel too, where Lucy's account is not known
            session.add(
                ChatBinding(
                    team_id=group.team_id,
                    group_id=group.id,
                    platform="slack",
                    chat_id="C0REBRAND",
                    title="rebrand",
                )
            )
        out = await anna.say("/groups remove Rebrand @lucy")
        assert (
            "The bot takes <b>Lucy</b> out of the chats Rebrand (Telegram «Chat -100761»), "
            "Rebrand (Telegram «Chat -100762»); where it is not allowed to, you will be told."
            in out[-1].text
        ), out[-1].text
        assert (
            "The bot cannot take <b>Lucy</b> out of the chat Rebrand (Slack «rebrand») itself: "
            "if they are in it, remove them there" in out[-1].text
        ), out[-1].text
        assert not fake.by_method("banChatMember")  # the outbox does it, not the reply

        before = len(fake.calls)
        fake.fail(
            "banChatMember",
            400,
            "Bad Request: not enough rights to restrict/unrestrict chat member",
            after=1,
        )
        dispatcher = Dispatcher(
            adapter.workspace.sessionmaker,
            {"telegram": adapter.sender},
            limits={"telegram": UNLIMITED},
        )
        await dispatcher.drain()
        bans = fake.by_method("banChatMember")
        assert sorted(c.data["chat_id"] for c in bans) == ["-100761", "-100762"], bans
        assert {str(c.data["user_id"]) for c in bans} == {"209"}
        (unban,) = fake.by_method("unbanChatMember")  # only where the ban went through
        assert unban.data["only_if_banned"] is True and str(unban.data["user_id"]) == "209"
        refused_in = next(
            c.data["chat_id"] for c in bans if c.data["chat_id"] != unban.data["chat_id"]
        )
        await dispatcher.drain()  # the notice to Anna, queued by the first drain
        told = [c.text for c in fake.calls[before:] if c.chat_id == "208" and c.text]
        told = [text for text in told if "could not remove" in text]
        assert len(told) == 1, told
        assert (
            f"The bot could not remove <b>Lucy</b> from the chat Rebrand (Telegram «Chat {refused_in}»): "
            "it needs to be an admin there" in told[0]
        ), told[0]
        await dispatcher.drain()
        assert len(fake.by_method("banChatMember")) == 2  # done with: not tried again
        async with adapter.workspace.sessionmaker() as session:
            statuses = (
                await session.execute(
                    select(OutboxMessage.kind, OutboxMessage.status).where(
                        OutboxMessage.kind.in_(["kick", "kick_refused"])
                    )
                )
            ).all()
        assert sorted(statuses) == [("kick", "sent"), ("kick_refused", "sent")], statuses


async def test_a_person_removed_from_a_group_leaves_its_chat_with_every_account(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """Lucy linked a second Telegram account (/me link): taken out of Rebrand, both of
    her accounts are removed from its chat, not only one."""
    async with running(sqlite_url, fake) as adapter:
        anna = Chat(fake, Person(230, "Anna", "en", username="anna"))
        await anna.say("/start", expect=2)
        await anna.say("/groups new Rebrand closed project")
        out = await anna.say("/invite extranet Rebrand")
        code = out[0].text.split(f"https://t.me/{BOT_USERNAME}?start=", 1)[1].split('"', 1)[0]
        lucy = Chat(fake, Person(231, "Lucy", "en", username="lucy"))
        await lucy.say(f"/start {code}", expect=2)
        out = await lucy.say("/me link")
        link = out[0].text.split("Your link code: <code>", 1)[1].split("<", 1)[0]
        phone = Chat(fake, Person(232, "Lucy P", "en"))
        out = await phone.say(f"/start {link}")
        assert "Lucy" in out[0].text, out[0].text
        await _in_group(fake, anna.person, -100763, "/bind Rebrand")
        await anna.say("/groups remove Rebrand @lucy")
        await Dispatcher(
            adapter.workspace.sessionmaker,
            {"telegram": adapter.sender},
            limits={"telegram": UNLIMITED},
        ).drain()
        bans = fake.by_method("banChatMember")
        assert sorted(str(c.data["user_id"]) for c in bans) == ["231", "232"], bans
        assert {c.data["chat_id"] for c in bans} == {"-100763"}


async def test_whom_do_you_mean_in_a_group_chat_names_no_closed_group(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """Two Annas, one (@anna) in the closed group Layoffs: '@ann', both their names and
    nobody's @username, typed in Dev's chat asks there, and the buttons name no closed
    group that the chat's readers may not know of."""
    from tests.console_driver import ConsoleDriver

    async with running(sqlite_url, fake) as adapter:
        boss = Chat(fake, Person(240, "Boss", "en", username="boss"))
        await boss.say("/start", expect=2)
        out = await boss.say("/invite")
        code = out[0].text.split(f"https://t.me/{BOT_USERNAME}?start=", 1)[1].split('"', 1)[0]
        await Chat(fake, Person(241, "Anna", "en", username="anna")).say(f"/start {code}", expect=2)
        await ConsoleDriver(adapter.app, user="Anna").say(f"/start {code}")
        await boss.say("/groups new Dev")
        await boss.say("/groups new Layoffs closed")
        out = await boss.say("/groups add Layoffs @anna")  # her @username: no question
        assert "<b>Anna</b> is now a member of <b>Layoffs</b>." in out[0].text, out[0].text
        await _in_group(fake, boss.person, -100764, "/bind Dev")
        before = len(fake.calls)
        await _in_group(fake, boss.person, -100764, "/task Deploy release tomorrow @ann")
        calls = [c for c in fake.calls[before:] if c.text]
        (asked,) = [c for c in calls if c.chat_id == "-100764"]
        labels = [label for label, _ in asked.buttons]
        assert "Anna (@anna) · Telegram · employee" in labels, labels
        assert not any("Layoffs" in label for label in labels), labels


async def test_open_on_an_archived_groups_event_sends_the_card_privately(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """Dev archived, Anna presses Open on its event's card in Dev's chat: the read-only
    card (no buttons) goes to her private chat, as before the archive, not into a toast;
    her toast says where it went."""
    async with running(sqlite_url, fake):
        anna = Chat(fake, Person(220, "Anna", "en", username="anna"))
        await anna.say("/start", expect=2)
        await anna.say("/groups new Dev")
        room = -100785
        await _in_group(fake, anna.person, room, "/bind Dev")
        await _in_group(fake, anna.person, room, "/event Review tomorrow 10:00")
        (card,) = [c for c in fake.sent(room) if c.result and "Review" in c.text]
        await anna.say("/groups archive Dev")
        before = len(fake.calls)
        update = await fake.push(
            callback_update(
                fake,
                anna.person,
                dict(card.buttons)["Open"],
                chat_id=room,
                message_id=card.message_id,
            )
        )
        await fake.wait_handled(update["update_id"])
        calls = fake.calls[before:]
        (own,) = [c for c in calls if c.chat_id == "220" and c.text]
        assert "Review" in own.text and "read only" in own.text, own.text
        (answer,) = [c for c in calls if c.method == "answerCallbackQuery"]
        assert answer.data.get("text") == "I answered you in a private chat.", answer.data
        assert not [c for c in calls if c.chat_id == str(room)], calls


async def test_the_groups_gantt_in_its_chat_is_posted_there(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """/gantt in a chat bound to Dev charts Dev for everyone there: the picture goes to
    the chat. Asked in a chat bound to no group, it is the asker's: it goes to their
    private chat, and the chat is told where."""
    async with running(sqlite_url, fake):
        anna = Chat(fake, Person(208, "Anna", "en", username="anna"))
        await anna.say("/start", expect=2)
        await anna.say("/groups new Dev")
        await anna.say("/task #Dev Deploy release tomorrow 12:00")
        await _in_group(fake, anna.person, -100732, "/bind Dev")
        before = len(fake.calls)
        await _in_group(fake, anna.person, -100732, "/gantt")
        photos = [c for c in fake.calls[before:] if c.method == "sendPhoto"]
        assert [str(c.data.get("chat_id")) for c in photos] == ["-100732"], fake.calls[before:]
        assert "Gantt chart: Dev" in photos[0].text, photos[0].data
        before = len(fake.calls)
        await _in_group(fake, anna.person, -100733, "/gantt #Dev")
        calls = fake.calls[before:]
        photos = [c for c in calls if c.method == "sendPhoto"]
        assert [str(c.data.get("chat_id")) for c in photos] == ["208"], calls
        to_chat = [c.text for c in calls if str(c.data.get("chat_id")) == "-100733"]
        assert to_chat == ["I answered you in a private chat."], to_chat
