"""The Slack app end to end in HTTP mode: signed requests from a local client to the real
Bolt app, replies observed on the fake Slack Web API."""

from __future__ import annotations

import json
import time

from sqlalchemy import func, select

from models.groups import Group
from models.tasks import ChecklistItem, Task
from tests.fakes import slack_api
from tests.fakes.slack_harness import slack_http, slash_command_body

ANNA, BORIS = "U0ANNA", "U0BORIS"
FORM = "application/x-www-form-urlencoded"


async def _groups(harness, name: str) -> int:
    async with harness.adapter.workspace.sessionmaker() as session:
        return int(
            await session.scalar(select(func.count()).select_from(Group).where(Group.name == name))
            or 0
        )


async def test_start_groups_modal_and_buttons(db_url: str) -> None:
    async with slack_http(db_url) as slack:
        slack.fake.add_user(ANNA, "Anna")
        assert await slack.command("start", user=ANNA) == 200
        assert "Welcome" in slack.fake.texts()[0]
        assert "Groups" in slack.fake.last_buttons()

        # a form opens as a modal; field errors come back in the ack
        assert await slack.command("groups new", user=ANNA) == 200
        modal = slack.last_modal()
        assert modal["title"]["text"] == "New group"
        assert [b["block_id"] for b in modal["blocks"]] == ["name", "access", "access__typed"]
        status, answer = await slack.submit({"name": "", "access": "open"}, user=ANNA)
        assert status == 200
        assert answer["response_action"] == "errors"
        assert set(answer["errors"]) == {"name"}
        assert await _groups(slack, "Design") == 0

        status, answer = await slack.submit({"name": "Design", "access": "closed"}, user=ANNA)
        assert status == 200 and answer == {}
        assert "Group *Design* created" in slack.fake.texts()[-1]
        assert slack.fake.of("chat.postMessage")[-1]["channel"] == "C0GENERAL"
        assert await _groups(slack, "Design") == 1

        # buttons: a new message, then one that replaces the message it was on
        await slack.press("Members", user=ANNA)
        assert "Members of *Design* (1)" in slack.fake.texts()[-1]
        await slack.press("Back", user=ANNA)
        await slack.press("Make open", user=ANNA)
        update = slack.fake.of("chat.update")[-1]
        assert update["ts"] == "1700000001.000100"
        assert "group, open" in slack_api.message_text(update)

        # a colleague in the same Slack workspace joins the same team on first contact
        slack.fake.add_user(BORIS, "Boris")
        await slack.command("groups", user=BORIS)
        assert "Design" in str(slack.fake.last_buttons())
        # the team is named after the Slack workspace (auth.test's team)
        await slack.command("team", user=BORIS)
        assert "Test" in slack.fake.texts()[-1] and "T0TEAM" not in slack.fake.texts()[-1]


async def test_russian_speaker_gets_russian(sqlite_url: str) -> None:
    async with slack_http(sqlite_url) as slack:
        slack.fake.add_user(ANNA, "Анна", locale="ru-RU")
        await slack.command("groups", user=ANNA)
        assert "Группы" in slack.fake.texts()[-1]
        await slack.command("groups new", user=ANNA)
        modal = slack.last_modal()
        assert modal["submit"]["text"] == "Сохранить"
        assert modal["title"]["text"] == "Новая группа"
        status, answer = await slack.submit({"access": "open"}, user=ANNA)
        assert answer["errors"] == {"name": "Заполните, пожалуйста, это поле."}


async def test_channel_ping_in_a_title_is_escaped_on_the_wire(sqlite_url: str) -> None:
    async with slack_http(sqlite_url) as slack:
        slack.fake.add_user(ANNA, "Anna")
        # Slack delivers what was typed escaped; the title is stored as typed
        await slack.command("groups new &lt;!channel&gt; &amp; &lt;@U0BORIS&gt; news", user=ANNA)
        wire = json.dumps(slack.fake.posted())
        assert "&lt;!channel&gt; &amp; &lt;@U0BORIS&gt; news" in wire
        assert "<!channel>" not in wire and "<@U0BORIS>" not in wire
        assert await _groups(slack, "<!channel> & <@U0BORIS> news") == 1


async def test_unknown_command_is_ephemeral(sqlite_url: str) -> None:
    async with slack_http(sqlite_url) as slack:
        slack.fake.add_user(ANNA, "Anna")
        await slack.command("grups", user=ANNA)
        ephemeral = slack.fake.of("chat.postEphemeral")
        assert ephemeral and ephemeral[-1]["user"] == ANNA
        assert "Did you mean" in slack_api.message_text(ephemeral[-1])
        assert not slack.fake.of("chat.postMessage")


async def test_bad_signature_and_stale_timestamp_are_401(sqlite_url: str) -> None:
    async with slack_http(sqlite_url) as slack:
        slack.fake.add_user(ANNA, "Anna")
        body = slash_command_body("groups new Forged", user=ANNA)
        status, _ = await slack.send(body, FORM, secret="not-the-secret")
        assert status == 401
        stale = int(time.time()) - 6 * 60
        status, _ = await slack.send(body, FORM, timestamp=stale)
        assert status == 401
        status, _ = await slack.send(body, FORM, extra={"X-Slack-Signature": "v0=00"})
        assert status == 401
        assert await _groups(slack, "Forged") == 0
        assert slack.fake.posted() == []
        # a timestamp within the five minutes passes
        status, _ = await slack.send(body, FORM, timestamp=int(time.time()) - 4 * 60)
        assert status == 200
        assert await _groups(slack, "Forged") == 1


async def test_a_replayed_signed_request_has_one_effect(sqlite_url: str) -> None:
    """The same signed slash command (or button press) sent again within the five
    minutes its signature holds acts once: its trigger_id is its delivery key."""
    async with slack_http(sqlite_url) as slack:
        slack.fake.add_user(ANNA, "Anna")
        await slack.command("start", user=ANNA, channel="D0ANNA")
        body = slash_command_body("task Replayed report", user=ANNA)
        for _ in range(3):
            status, _ = await slack.send(body, FORM)
            assert status == 200
        async with slack.adapter.workspace.sessionmaker() as session:
            titles = (await session.execute(select(Task.title))).scalars().all()
        assert titles == ["Replayed report"], titles
        await slack.command("task 1 check Draft the outline", user=ANNA, channel="D0ANNA")
        tick = next(v for label, v in slack.fake.last_buttons().items() if "Draft" in label)
        press = slack_api.form_body(slack_api.block_action(tick, user=ANNA, channel="D0ANNA"))
        for _ in range(2):  # a toggle: a second effect would open the item again
            status, _ = await slack.send(press, FORM)
            assert status == 200
        async with slack.adapter.workspace.sessionmaker() as session:
            done = (await session.execute(select(ChecklistItem.done))).scalars().all()
        assert done == [True], done  # pressed once, not opened again


async def test_dialog_by_dm_and_retried_event_has_one_effect(db_url: str) -> None:
    async with slack_http(db_url) as slack:
        slack.fake.add_user(ANNA, "Anna")
        dm = "D0ANNA"
        slack.fake.fail("views.open", "expired_trigger_id")  # the modal cannot open: ask by DM
        await slack.command("groups new", user=ANNA, channel=dm)
        assert slack.fake.texts()[-1] == "Name of the new group?"

        answer = slack_api.dm_message("Ops", user=ANNA)
        assert await slack.event(answer, event_id="Ev0001") == 200
        assert "Open to everyone" in slack.fake.texts()[-1]
        before = len(slack.fake.posted())
        assert await slack.event(answer, event_id="Ev0001", retry=1) == 200
        assert await slack.event(answer, event_id="Ev0001", retry=2) == 200
        assert len(slack.fake.posted()) == before

        await slack.press("Open", user=ANNA, channel=dm)
        assert "Group *Ops* created" in slack.fake.texts()[-1]
        assert await _groups(slack, "Ops") == 1


async def test_bot_and_channel_messages_are_ignored(sqlite_url: str) -> None:
    async with slack_http(sqlite_url) as slack:
        slack.fake.add_user(ANNA, "Anna")
        own = slack_api.dm_message("hello", user=ANNA) | {"bot_id": "BBOT0001"}
        await slack.event(own)
        channel = slack_api.dm_message("hello", user=ANNA) | {
            "channel": "C0GENERAL",
            "channel_type": "channel",
        }
        await slack.event(channel)
        assert slack.fake.posted() == []
        await slack.event(slack_api.dm_message("hello", user=ANNA))
        assert "/planerka help" in slack.fake.texts()[-1]  # as Slack users type it


async def test_app_home_shows_my_day(sqlite_url: str) -> None:
    async with slack_http(sqlite_url) as slack:
        slack.fake.add_user(ANNA, "Anna")
        event = {"type": "app_home_opened", "user": ANNA, "channel": "D0ANNA", "tab": "home"}
        assert await slack.event(event) == 200
        published = slack.fake.of("views.publish")
        assert published and published[-1]["user_id"] == ANNA
        home = published[-1]["view"]
        assert home["type"] == "home" and home["blocks"]
        registry = slack.adapter.workspace.registry
        if "today" not in registry.commands:
            assert "*Menu*" in json.dumps(home)
        if "task" in registry.commands:  # where to start: a new task, one's tasks
            entries = slack_api.buttons_of(home["blocks"])
            assert entries.get("New task") == "tc" and entries.get("My tasks") == "tl:d:1"
            await slack.action("tl:d:1", user=ANNA, home=True)
            assert "Nothing here" in slack_api.message_text(slack.fake.of("chat.postMessage")[-1])
        # a button on the Home tab answers in the DM and refreshes the tab
        buttons = slack_api.buttons_of(home["blocks"])
        assert buttons
        published = len(slack.fake.of("views.publish"))
        await slack.action(next(iter(buttons.values())), user=ANNA, home=True)
        assert slack.fake.of("chat.postMessage")[-1]["channel"] == "D0ANNA"
        assert len(slack.fake.of("views.publish")) == published + 1


async def test_app_home_is_shown_again_when_a_task_is_given_debounced(sqlite_url: str) -> None:
    """A task given to Boris republishes his Home through the outbox, even in his quiet
    hours (which hold the notice); two tasks given at once republish it once, and one
    given right after waits the debounce out."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from models.base import utcnow
    from scheduler.dispatcher import Dispatcher

    async with slack_http(sqlite_url) as slack:
        if "task" not in slack.adapter.workspace.registry.commands:
            return
        slack.fake.add_user(ANNA, "Anna")
        slack.fake.add_user(BORIS, "Boris")
        for user in (ANNA, BORIS):
            await slack.command("help", user=user, channel="D" + user.removeprefix("U"))
        local = datetime.now(ZoneInfo("Europe/Moscow"))
        quiet = f"{(local - timedelta(hours=1)):%H:00}-{(local + timedelta(hours=2)):%H:00}"
        await slack.command(f"inbox quiet {quiet}", user=BORIS, channel="D0BORIS")

        def homes_of_boris() -> int:
            return sum(1 for m in slack.fake.of("views.publish") if m["user_id"] == BORIS)

        def dispatcher(later: float = 0.0) -> Dispatcher:
            return Dispatcher(
                slack.adapter.workspace.sessionmaker,
                {"slack": slack.adapter.sender},
                now=lambda: utcnow() + timedelta(seconds=later),
            )

        await slack.command("task Call the client @boris", user=ANNA, channel="D0ANNA")
        await slack.command("task Send the deck @boris", user=ANNA, channel="D0ANNA")
        assert homes_of_boris() == 0
        await dispatcher().drain()
        assert homes_of_boris() == 1

        def home_of_boris() -> str:
            home = [m for m in slack.fake.of("views.publish") if m["user_id"] == BORIS][-1]
            return slack_api.message_text(home["view"])

        # as things are when it goes out: both tasks given
        assert "2 unread notifications" in home_of_boris(), home_of_boris()
        told = [m for m in slack.fake.of("chat.postMessage") if m["channel"] == "D0BORIS"]
        assert not any("gave you a task" in slack_api.message_text(m) for m in told)

        await slack.command("task Book the room @boris", user=ANNA, channel="D0ANNA")
        await dispatcher().drain()
        assert homes_of_boris() == 1  # shown 30 s apart at most
        await dispatcher(later=31).drain()
        assert homes_of_boris() == 2
        assert "3 unread notifications" in home_of_boris(), home_of_boris()


async def test_app_home_is_shown_again_when_a_task_becomes_overdue(sqlite_url: str) -> None:
    """Nothing was done, the deadline simply passed: the planner's overdue notice comes
    with Anna's Home shown again, now listing the task as overdue."""
    from datetime import timedelta

    from sqlalchemy import update

    from models.base import utcnow
    from scheduler import planner
    from scheduler.dispatcher import Dispatcher

    async with slack_http(sqlite_url) as slack:
        if "task" not in slack.adapter.workspace.registry.commands:
            return
        slack.fake.add_user(ANNA, "Anna")
        await slack.command("help", user=ANNA, channel="D0ANNA")
        await slack.command("task Send the invoice in 2 hours", user=ANNA, channel="D0ANNA")
        sessions = slack.adapter.workspace.sessionmaker
        dispatcher = Dispatcher(sessions, {"slack": slack.adapter.sender})
        await dispatcher.drain()
        shown = len(slack.fake.of("views.publish"))
        async with sessions() as session, session.begin():  # two hours on: it is late
            deadline = utcnow() - timedelta(minutes=5)
            await session.execute(update(Task).values(deadline=deadline))
        await planner.tick(sessions, now=utcnow())
        await Dispatcher(
            sessions, {"slack": slack.adapter.sender}, now=lambda: utcnow() + timedelta(seconds=31)
        ).drain()
        published = slack.fake.of("views.publish")
        assert len(published) == shown + 1, published
        assert "overdue" in slack_api.message_text(published[-1]["view"]).lower()


async def test_reply_goes_by_response_url_where_the_bot_is_not_a_member(sqlite_url: str) -> None:
    async with slack_http(sqlite_url) as slack:
        slack.fake.add_user(ANNA, "Anna")
        slack.fake.fail("chat.postMessage", "not_in_channel")
        await slack.command("groups", user=ANNA, channel="C0PRIVATE")
        hooked = slack.fake.of("response_url")
        assert hooked and hooked[-1]["response_type"] == "in_channel"
        assert "Groups" in slack_api.message_text(hooked[-1])


async def test_rate_limited_reply_waits_retry_after(sqlite_url: str) -> None:
    from tests.fakes.slack_harness import Recorder

    sleep = Recorder()
    async with slack_http(sqlite_url, sleep=sleep) as slack:
        slack.fake.add_user(ANNA, "Anna")
        slack.fake.rate_limit("chat.postMessage", 7)
        await slack.command("groups", user=ANNA)
        assert sleep.waits == [7.0]
        assert len(slack.fake.of("chat.postMessage")) == 2  # the 429, then the message
        assert "Groups" in slack.fake.texts()[-1]


async def test_a_reply_rate_limited_for_long_goes_by_response_url_or_after_the_limit(
    sqlite_url: str,
) -> None:
    """Past the 30 s Calls wait, a reply is not lost: it goes through the request's
    response_url; a DM message has none, so the reply waits the limit out."""
    from tests.fakes.slack_harness import Recorder

    sleep = Recorder()
    async with slack_http(sqlite_url, sleep=sleep) as slack:
        slack.fake.add_user(ANNA, "Anna")
        await slack.command("start", user=ANNA, channel="D0ANNA")
        slack.fake.rate_limit("chat.postMessage", 45)
        await slack.command("groups", user=ANNA, channel="D0ANNA")
        hooked = slack.fake.of("response_url")
        assert hooked and "Groups" in slack_api.message_text(hooked[-1]), hooked
        assert sleep.waits == []

        slack.fake.rate_limit("chat.postMessage", 45)
        await slack.event(slack_api.dm_message("/groups", user=ANNA))
        assert sleep.waits == [45.0]
        assert "Groups" in slack_api.message_text(slack.fake.of("chat.postMessage")[-1])


async def test_a_rate_limited_modal_is_not_retried_past_its_trigger(sqlite_url: str) -> None:
    """A trigger_id lives 3 s: after a 429 views.open is not tried again with it, the
    dialog goes on in the DM at once."""
    from tests.fakes.slack_harness import Recorder

    sleep = Recorder()
    async with slack_http(sqlite_url, sleep=sleep) as slack:
        slack.fake.add_user(ANNA, "Anna")
        slack.fake.rate_limit("views.open", 3)
        await slack.command("task", user=ANNA, channel="C0GENERAL")
        assert len(slack.fake.of("views.open")) == 1 and sleep.waits == []
        note = slack_api.message_text(slack.fake.of("chat.postEphemeral")[-1])
        assert "I asked you in our direct messages." in note


async def test_mentions_reach_people_and_notifications_reach_their_dm(sqlite_url: str) -> None:
    from scheduler.dispatcher import Dispatcher

    async with slack_http(sqlite_url) as slack:
        slack.fake.add_user(ANNA, "Anna")
        slack.fake.add_user(BORIS, "Boris")
        await slack.command("groups new Ops", user=ANNA)
        await slack.command("groups", user=BORIS)  # Boris met the app in a channel only
        # Slack sends a typed @mention as an entity
        await slack.command("groups add Ops <@U0BORIS|boris>", user=ANNA)
        assert "*Boris* is now a member of *Ops*" in slack.fake.texts()[-1]
        await slack.command("groups remove Ops <@U0BORIS>", user=ANNA)
        assert "*Boris* is no longer in *Ops*" in slack.fake.texts()[-1]

        # the outbox dispatcher delivers the notification to Boris's DM with the app
        dispatcher = Dispatcher(
            slack.adapter.workspace.sessionmaker, {"slack": slack.adapter.sender}
        )
        await dispatcher.drain()
        to_boris = [m for m in slack.fake.of("chat.postMessage") if m["channel"] == "D0BORIS"]
        assert len(to_boris) == 2
        assert "*Anna* added you to the group *Ops*" in slack_api.message_text(to_boris[0])
        assert "*Anna* removed you from the group *Ops*" in slack_api.message_text(to_boris[1])


async def test_closing_a_modal_leaves_its_dialog(sqlite_url: str) -> None:
    async with slack_http(sqlite_url) as slack:
        slack.fake.add_user(ANNA, "Anna")
        await slack.command("groups new", user=ANNA, channel="D0ANNA")
        modal = slack.last_modal()
        assert modal["notify_on_close"] is True
        closed = slack_api.view_submission(modal, {}, user=ANNA) | {"type": "view_closed"}
        status, _ = await slack.send(slack_api.form_body(closed), FORM)
        assert status == 200
        # a DM message afterwards is not taken as the group's name
        await slack.event(slack_api.dm_message("Ops", user=ANNA))
        assert "/planerka help" in slack.fake.texts()[-1]  # as Slack users type it
        assert await _groups(slack, "Ops") == 0


async def test_edit_of_a_message_posted_through_response_url(sqlite_url: str) -> None:
    async with slack_http(sqlite_url) as slack:
        slack.fake.add_user(ANNA, "Anna")
        await slack.command("groups new Ops", user=ANNA)
        slack.fake.fail("chat.update", "cant_update_message")
        await slack.press("Make closed", user=ANNA)
        hooked = slack.fake.of("response_url")[-1]
        assert hooked["replace_original"] is True
        assert "group, closed" in slack_api.message_text(hooked)


async def test_handler_error_is_one_sentence_and_the_log_has_no_token(
    sqlite_url: str, capsys
) -> None:
    import logging

    import structlog

    from bot.logs import setup_logging
    from handlers.router import CommandSpec

    async def broken(ctx) -> None:
        raise RuntimeError(f"upstream refused {slack_api.BOT_TOKEN}")

    root = logging.getLogger()
    saved = root.handlers[:], root.level
    setup_logging("INFO")
    try:
        async with slack_http(sqlite_url) as slack:
            slack.fake.add_user(ANNA, "Anna")
            registry = slack.adapter.workspace.registry
            registry.commands["boom"] = CommandSpec(name="boom", handler=broken, help="boom")
            assert await slack.command("boom", user=ANNA) == 200
            sent = slack.fake.of("chat.postEphemeral")
            assert len(sent) == 1
            assert slack_api.message_text(sent[0]) == (
                "Something went wrong on our side; nothing was changed. Please try again."
            )
    finally:
        structlog.reset_defaults()
        root.handlers[:], level = saved
        root.setLevel(level)
    logged = capsys.readouterr().err
    assert "handler_failed" in logged and "upstream refused" in logged
    assert slack_api.BOT_TOKEN not in logged


async def test_a_workspace_arriving_at_once_joins_one_team(sqlite_url: str) -> None:
    import asyncio

    from models.teams import Identity, Team

    async with slack_http(sqlite_url) as slack:
        people = [f"U0P{n:02d}" for n in range(12)]
        for user in people:
            slack.fake.add_user(user, f"Person {user}")
        first = [slack.command("groups", user=user) for user in people]
        twice = [slack.command("groups", user="U0P00") for _ in range(4)]
        assert set(await asyncio.gather(*first, *twice)) == {200}
        await slack.adapter.drain()
        texts = slack.fake.texts()
        assert len(texts) == 16
        assert not [t for t in texts if "went wrong" in t]
        async with slack.adapter.workspace.sessionmaker() as session:
            assert await session.scalar(select(func.count()).select_from(Team)) == 1
            identities = await session.scalar(select(func.count()).select_from(Identity))
        assert identities == 12


async def test_modal_reply_to_a_channel_without_the_bot(sqlite_url: str) -> None:
    async with slack_http(sqlite_url) as slack:
        slack.fake.add_user(ANNA, "Anna")
        await slack.command("groups new", user=ANNA, channel="C0PRIVATE")
        slack.fake.fail("chat.postMessage", "not_in_channel")
        status, _ = await slack.submit({"name": "Hidden", "access": "open"}, user=ANNA)
        assert status == 200
        hooked = slack.fake.of("response_url")[-1]
        assert hooked["key"] == ANNA and "Group *Hidden* created" in slack_api.message_text(hooked)


async def test_reply_without_response_url_falls_back_to_the_dm(sqlite_url: str) -> None:
    from bot.slack.sender import Target
    from handlers.markup import Span
    from handlers.views import View

    async with slack_http(sqlite_url) as slack:
        slack.fake.fail("chat.postMessage", "channel_not_found")
        await slack.adapter.poster.post(View(body=[Span("hello")]), Target("C0GONE", ANNA))
        posts = slack.fake.of("chat.postMessage")
        assert [p["channel"] for p in posts] == ["C0GONE", "D0ANNA"]
