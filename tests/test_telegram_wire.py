"""The Telegram adapter on the wire: webhook mode, long texts, files, 429 and 403."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.telegram import TelegramAdapter
from handlers.markup import Span
from handlers.views import Attachment, Button, View
from scheduler.delivery import RecipientGone, RetryAfter, TemporaryFailure
from scheduler.dispatcher import Dispatcher
from scheduler.dispatcher_claim import Job
from scheduler.ratelimit import Limits
from tests.fakes.telegram_api import BOT_USERNAME, FakeTelegram, Person, message_update
from tests.telegram_harness import Chat, running, telegram_app

SECRET = "s3cret-Token_for-webhooks"


@pytest.fixture
async def adapter(sqlite_url: str, fake: FakeTelegram) -> AsyncIterator[TelegramAdapter]:
    app = telegram_app(sqlite_url, fake)
    telegram = TelegramAdapter(app)
    try:
        yield telegram
    finally:
        await telegram.close()
        await app.close()


async def test_webhook_needs_the_secret_and_drops_duplicates(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    async with running(
        sqlite_url,
        fake,
        mode="webhook",
        port=0,
        webhook_url="https://planerka.example/telegram/webhook",
        webhook_secret=SECRET,
    ) as adapter:
        hook = fake.by_method("setWebhook")
        assert hook and hook[0].data["secret_token"] == SECRET
        assert hook[0].data["url"] == "https://planerka.example/telegram/webhook"
        url = f"http://127.0.0.1:{adapter.webhook_port}/telegram/webhook"
        boss = Person(101, "Boss", "en")
        start = message_update(fake, boss, "/start")
        async with aiohttp.ClientSession() as http:
            async with http.post(url, json=start) as response:
                assert response.status == 401
            wrong = {"X-Telegram-Bot-Api-Secret-Token": "guess"}
            async with http.post(url, json=start, headers=wrong) as response:
                assert response.status == 401
            assert fake.sent(101) == []
            right = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            async with http.post(url, json=start, headers=right) as response:
                assert response.status == 200
            await fake.wait_for(lambda: len(fake.sent(101)) >= 2)
            create = message_update(fake, boss, "/groups new Sales")
            for _ in range(2):  # Telegram retries a webhook delivery
                async with http.post(url, json=create, headers=right) as response:
                    assert response.status == 200
            marker = message_update(fake, boss, "/groups")
            async with http.post(url, json=marker, headers=right) as response:
                assert response.status == 200
            await fake.wait_for(lambda: any("Groups (1)" in c.text for c in fake.sent(101)))
        texts = [c.text for c in fake.sent(101)]
        assert sum("created" in t for t in texts) == 1
        assert not any("already exists" in t for t in texts)


async def test_webhook_processes_without_a_configured_secret_agree_on_one(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """Two processes serving the webhook with no `webhook_secret` set register the same
    secret (derived from the token, not random), so an update is let in by either."""
    settings = {"mode": "webhook", "port": 0, "webhook_url": "https://p.example/tg/hook"}
    async with running(sqlite_url, fake, **settings) as first:
        async with running(sqlite_url, fake, **settings) as second:
            first_secret, second_secret = (
                call.data["secret_token"] for call in fake.by_method("setWebhook")
            )
            assert first_secret == second_secret and len(first_secret) >= 32
            assert "TEST-secret" not in first_secret  # not the token itself
            boss = Person(102, "Boss", "en")
            async with aiohttp.ClientSession() as http:
                for adapter in (first, second):
                    url = f"http://127.0.0.1:{adapter.webhook_port}/telegram/webhook"
                    update = message_update(fake, boss, "/help")
                    right = {"X-Telegram-Bot-Api-Secret-Token": first_secret}
                    async with http.post(url, json=update, headers=right) as response:
                        assert response.status == 200
                    async with http.post(url, json=update) as response:
                        assert response.status == 401


async def test_long_text_arrives_as_two_messages(
    adapter: TelegramAdapter, fake: FakeTelegram
) -> None:
    lines = [f"line {n:04d} " + "x" * 50 for n in range(100)]
    text = "\n".join(lines)
    assert 5900 < len(text) < 6100
    payload = View(body=[Span(text)]).row(Button("Open", "grp:l:1")).to_dict()
    await adapter.sender.send("101", payload)
    sent = fake.sent(101)
    assert len(sent) == 2
    assert all(len(c.text) <= 4096 for c in sent)
    assert sent[0].text.endswith(lines[len(sent[0].text.split("\n")) - 1])
    assert "\n".join([sent[0].text, sent[1].text]) == text  # cut at a line boundary
    assert sent[0].buttons == [] and sent[1].buttons == [("Open", "grp:l:1")]


async def test_sender_maps_429_403_and_5xx(adapter: TelegramAdapter, fake: FakeTelegram) -> None:
    payload = View.text("hello").to_dict()
    fake.fail("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    with pytest.raises(RetryAfter) as retry:
        await adapter.sender.send("101", payload)
    assert retry.value.seconds == 7
    fake.fail("sendMessage", 403, "Forbidden: bot was blocked by the user")
    with pytest.raises(RecipientGone):
        await adapter.sender.send("101", payload)
    fake.fail("sendMessage", 502, "Bad Gateway")
    with pytest.raises(TemporaryFailure):
        await adapter.sender.send("101", payload)
    await adapter.sender.send("101", payload)
    assert fake.sent(101)[-1].text == "hello"


async def test_photo_document_and_refs(adapter: TelegramAdapter, fake: FakeTelegram) -> None:
    view = View(
        body=[Span("Gantt <chart>")],
        image=Attachment("gantt.png", b"\x89PNG fake", "image/png"),
        ref="group:1",
    )
    await adapter.sender.deliver("101", view)
    photo = fake.by_method("sendPhoto")[-1]
    assert photo.files["photo"] == b"\x89PNG fake"
    assert photo.data["caption"] == "Gantt &lt;chart&gt;"
    await adapter.sender.deliver(
        "101", View(body=[Span("export")], file=Attachment("t.csv", b"a,b\n", "text/csv"))
    )
    document = fake.by_method("sendDocument")[-1]
    assert document.files["document"] == b"a,b\n"
    from services import messages

    assert adapter.workspace.sent.pending("telegram", "101", str(photo.message_id)) == "group:1"
    await adapter.workspace.sent.flush()
    async with adapter.workspace.sessionmaker() as session:
        ref = await messages.lookup(session, "telegram", "101", str(photo.message_id))
    assert ref == "group:1"


async def test_file_reader_downloads_through_get_file(
    adapter: TelegramAdapter, fake: FakeTelegram
) -> None:
    from handlers.events import FileRef

    fake.files["documents/abc"] = b"name,phone\nAnna,123\n"
    reader = adapter.workspace.services.file_readers["telegram"]
    data = await reader(FileRef(file_id="abc", name="leads.csv"))
    assert data == b"name,phone\nAnna,123\n"
    assert fake.by_method("getFile")[-1].data["file_id"] == "abc"


async def test_private_error_in_group_is_an_alert(sqlite_url: str, fake: FakeTelegram) -> None:
    async with running(sqlite_url, fake):
        boss = Chat(fake, Person(101, "Boss", "en"))
        await boss.say("/start", expect=2)
        from tests.fakes.telegram_api import callback_update

        await fake.push(callback_update(fake, boss.person, "zz:1", chat_id=-100500, message_id=5))
        answers = await fake.wait_calls("answerCallbackQuery", 1)
        assert answers[-1].data["show_alert"] is True
        assert "out of date" in answers[-1].data["text"]
        assert fake.sent(-100500) == []


async def test_failures_never_log_the_token(
    sqlite_url: str,
    fake: FakeTelegram,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tests.fakes.telegram_api import TOKEN

    caplog.set_level("DEBUG")
    async with running(sqlite_url, fake):
        boss = Chat(fake, Person(101, "Boss", "en"))
        fake.fail("sendMessage", 400, "Bad Request: can't parse entities", times=2)
        await boss.say("/start", expect=0)
        assert len(fake.by_method("sendMessage")) == 2  # tried, failed, logged, went on
        out = await boss.say("/help")
        assert "/groups" in out[0].text
    captured = capsys.readouterr()
    secret = TOKEN.split(":", 1)[1]
    logged = [record.getMessage() for record in caplog.records]
    assert any("reply_failed" in line for line in captured.out.splitlines() + logged)
    for text in [captured.out, captured.err, *logged]:
        assert secret not in text


async def test_a_stale_button_press_still_gets_its_reply(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    async with running(sqlite_url, fake):
        boss = Chat(fake, Person(101, "Boss", "en"))
        await boss.say("/start", expect=2)
        await boss.say("/groups new Sales")
        await boss.say("/groups")
        fake.fail("answerCallbackQuery", 400, "Bad Request: query is too old", times=2)
        from tests.fakes.telegram_api import callback_update

        listing = [c for c in boss.replies() if "Groups (1)" in c.text][-1]
        _, action = next(b for b in listing.buttons if "Sales" in b[0])
        update = await fake.push(
            callback_update(fake, boss.person, action, chat_id=101, message_id=listing.message_id)
        )
        await fake.wait_handled(update["update_id"])
        assert "Sales" in boss.replies()[-1].text and "Members: 1" in boss.replies()[-1].text


async def test_a_reply_waits_out_a_429_once(sqlite_url: str, fake: FakeTelegram) -> None:
    async with running(sqlite_url, fake) as adapter:
        waited: list[float] = []

        async def wait(seconds: float) -> None:
            waited.append(seconds)

        adapter.sender.sleep = wait
        boss = Chat(fake, Person(101, "Boss", "en"))
        fake.fail("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
        out = await boss.say("/start", expect=2)
        assert waited == [3]
        assert len(fake.by_method("sendMessage")) == 3  # the refused one, then both
        assert "you are its admin" in out[1].text and "Menu" in out[2].text
        fake.fail("sendMessage", 429, "Too Many Requests: retry after 99", retry_after=99)
        out = await boss.say("/help", expect=1)
        assert waited == [3]  # too long to wait: dropped and logged, the bot goes on


async def test_start_waits_out_an_unreachable_api(
    adapter: TelegramAdapter, fake: FakeTelegram
) -> None:
    waited: list[float] = []

    async def wait(seconds: float) -> None:
        waited.append(seconds)

    adapter.sender.sleep = wait
    adapter.sleep = wait
    adapter.username = ""
    fake.fail("getMe", 502, "Bad Gateway", times=2)
    await adapter.prepare_retrying()
    assert waited == [1.0, 2.0]
    assert adapter.username == "planerka_test_bot"
    assert len(fake.by_method("setMyCommands")) == 6
    fake.fail("setMyCommands", 401, "Unauthorized")  # a revoked token
    from aiogram.exceptions import TelegramUnauthorizedError

    with pytest.raises(TelegramUnauthorizedError):
        await adapter.prepare_retrying()


async def test_a_command_followed_by_a_new_line(sqlite_url: str, fake: FakeTelegram) -> None:
    """'/groups' then a line break then 'new Marketing' is the command with its text; in a
    group, '/help@<this bot>' and a new line is still addressed to this bot."""
    async with running(sqlite_url, fake):
        boss = Chat(fake, Person(101, "Boss", "en"))
        await boss.say("/start", expect=2)
        out = await boss.say("/groups\nnew Marketing")
        assert "Marketing" in out[0].text and "Unknown command" not in out[0].text
        group = {"id": -100500, "type": "supergroup", "title": "Team"}
        before = len(fake.sent(101))
        for text in (f"/help@{BOT_USERNAME}\ntask", "/help@other_bot\ntask"):
            update = await fake.push(message_update(fake, boss.person, text, chat=group))
            await fake.wait_handled(update["update_id"])
        replies = fake.sent(-100500)  # this bot's help, only, to the asker alone
        assert [c.text for c in replies] == ["I answered you in a private chat."]
        # the help of the command on the next line, in the private chat
        assert "Usage: <code>/task" in "\n".join(c.text for c in fake.sent(101)[before:])


def _arrived(fake: FakeTelegram, chat_id: int) -> list[str]:
    """The first words of the messages that reached a chat (not the refused tries)."""
    return [call.text.split(" x", 1)[0] for call in fake.sent(chat_id) if call.result]


def _three_parts() -> dict[str, Any]:
    """A queued view of about 9,000 characters: three Telegram messages."""
    return View.text("\n".join(f"line {i} " + "x" * 90 for i in range(90))).to_dict()


async def test_a_long_queued_view_goes_on_after_a_429_without_repeating_parts(
    adapter: TelegramAdapter, fake: FakeTelegram
) -> None:
    dispatcher = Dispatcher(
        adapter.workspace.sessionmaker,
        {"telegram": adapter.sender},
        limits={"telegram": Limits(per_second=1000, per_chat_interval=0.0)},
    )
    fake.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, after=1)
    outcome = await dispatcher.send(Job(1, "telegram", "101", 0, _three_parts(), 1))
    assert outcome.sent == [1]
    heads = _arrived(fake, 101)
    assert len(heads) == 3 and heads[0] == "line 0" and len(set(heads)) == 3, heads
    assert dispatcher.stats["retry_after"] == 1

    # a network failure after the first part: the row is retried later from part two
    fake.fail("sendMessage", 502, "Bad Gateway", after=1)
    outcome = await dispatcher.send(Job(2, "telegram", "101", 0, _three_parts(), 1))
    assert [row for row, _attempts, _error in outcome.retry] == [2]
    again = outcome.progress[2]
    assert again["parts_done"] == {"101": 1}
    assert len(_arrived(fake, 101)) == 4
    outcome = await dispatcher.send(Job(2, "telegram", "101", 0, again, 2))
    assert outcome.sent == [2]
    heads = _arrived(fake, 101)[3:]
    assert len(heads) == 3 and len(set(heads)) == 3, heads  # each part once


async def test_every_part_of_a_queued_view_counts_against_the_chat_limits(
    adapter: TelegramAdapter, fake: FakeTelegram
) -> None:
    dispatcher = Dispatcher(
        adapter.workspace.sessionmaker,
        {"telegram": adapter.sender},
        limits={"telegram": Limits(per_second=1000, per_chat_interval=0.2, group_per_minute=20)},
    )
    started = time.monotonic()
    await dispatcher.send(Job(1, "telegram", "-100123", 0, _three_parts(), 1))
    spent = time.monotonic() - started
    assert len(_arrived(fake, -100123)) == 3
    assert len(dispatcher.limiters["telegram"].group_window["-100123"]) == 3
    assert spent >= 0.35  # one message each 0.2 s to the chat, parts included


async def test_a_button_whose_edit_fails_still_gets_its_reply(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    """An edit refused with 429 is tried again after retry_after; one that fails on the
    network becomes a new message: the person never loses the answer to a press."""
    from tests.fakes.telegram_api import callback_update

    async with running(sqlite_url, fake) as adapter:
        waited: list[float] = []

        async def wait(seconds: float) -> None:
            waited.append(seconds)

        adapter.sender.sleep = wait
        boss = Chat(fake, Person(101, "Boss", "en"))
        await boss.say("/start", expect=2)
        await boss.say("/task Call Ivanov tomorrow 15:00")
        listing = (await boss.say("/tasks"))[0]
        assert "I do" in listing.text
        _, action = next(b for b in listing.buttons if "I created" in b[0])

        async def press() -> None:
            update = await fake.push(
                callback_update(
                    fake, boss.person, action, chat_id=101, message_id=listing.message_id
                )
            )
            await fake.wait_handled(update["update_id"])

        fake.fail("editMessageText", 429, "Too Many Requests: retry after 2", retry_after=2)
        sent_before = len(boss.replies())
        await press()
        assert waited == [2]
        edits = [c for c in fake.by_method("editMessageText") if c.result]
        assert len(edits) == 1 and "I created" in edits[0].text
        assert len(boss.replies()) == sent_before  # edited in place, nothing new

        fake.fail("editMessageText", 502, "Bad Gateway")
        await press()
        assert len(boss.replies()) == sent_before + 1  # a new message instead
        assert "I created" in boss.replies()[-1].text and "I do" in str(boss.replies()[-1].buttons)


def test_a_group_rows_progress_adds_up_over_its_chats() -> None:
    """One row, two bound chats, both failing after some parts: each keeps its count."""
    from scheduler.dispatcher_record import merge_progress

    into: dict[int, dict[str, Any]] = {}
    merge_progress(into, {7: {"body": [], "parts_done": {"-1001": 1}}})
    merge_progress(into, {7: {"body": [], "parts_done": {"-1002": 2}}})
    assert into[7]["parts_done"] == {"-1001": 1, "-1002": 2}
