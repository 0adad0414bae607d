"""Scripted Slack conversations through other areas' features, by the same front door:
signed requests to the Bolt app, replies read on the fake Slack Web API."""

from __future__ import annotations

import pytest

from scheduler.dispatcher import Dispatcher
from tests.fakes import slack_api
from tests.fakes.slack_harness import slack_http

ANNA, BORIS = "U0ANNA", "U0BORIS"


def _require(slack, *commands: str) -> None:
    missing = [c for c in commands if c not in slack.adapter.workspace.registry.commands]
    if missing:
        pytest.skip(f"/{', /'.join(missing)} not in this build")


async def test_working_day_start_break_finish_report(sqlite_url: str) -> None:
    async with slack_http(sqlite_url) as slack:
        _require(slack, "day", "today", "me")
        slack.fake.add_user(ANNA, "Anna")
        slack.fake.add_user(BORIS, "Boris")
        await slack.command("help", user=BORIS)
        await slack.command("me supervisor <@U0BORIS|boris>", user=ANNA)

        await slack.command("day start", user=ANNA)
        assert "Working since" in slack.fake.texts()[-1]
        await slack.press("Break", user=ANNA)
        assert "On a break since" in slack_api.message_text(slack.fake.of("chat.update")[-1])
        await slack.press("Resume", user=ANNA)
        assert "Working since" in slack_api.message_text(slack.fake.of("chat.update")[-1])
        await slack.press("Finish", user=ANNA)
        assert any("Day finished" in text for text in slack.fake.texts()[-2:])

        # the report's text is a form: a modal in Slack
        await slack.press("Add text", user=ANNA)
        modal = slack.last_modal()
        assert modal["blocks"][0]["element"]["multiline"] is True
        status, answer = await slack.submit({"text": "Shipped the <Slack> app"}, user=ANNA)
        assert status == 200 and answer == {}
        assert "Notes: Shipped the &lt;Slack&gt; app" in slack.fake.texts()[-1]
        await slack.press("Send to supervisor", user=ANNA)

        # the supervisor hears of it in his DM through the outbox
        dispatcher = Dispatcher(
            slack.adapter.workspace.sessionmaker, {"slack": slack.adapter.sender}
        )
        await dispatcher.drain()
        to_boris = [m for m in slack.fake.of("chat.postMessage") if m["channel"] == "D0BORIS"]
        assert any("Anna" in slack_api.message_text(m) for m in to_boris)

        # App Home: "my day" from /today, with its buttons
        event = {"type": "app_home_opened", "user": ANNA, "channel": "D0ANNA", "tab": "home"}
        await slack.event(event)
        home = slack.fake.of("views.publish")[-1]["view"]
        assert "My day, Anna" in str(home["blocks"])
