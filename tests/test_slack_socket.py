"""The Slack app end to end in Socket Mode: the adapter's own run() connects through
apps.connections.open to the fake's WebSocket, which sends envelopes as Slack does."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from sqlalchemy import func, select

from bot.app import build_app
from bot.slack import SlackAdapter
from models.groups import Group
from tests import conftest
from tests.fakes import slack_api
from tests.fakes.slack_api import FakeSlack

ANNA = "U0ANNA"


@contextlib.asynccontextmanager
async def socket_mode(database_url: str) -> AsyncIterator[tuple[FakeSlack, SlackAdapter]]:
    fake = await FakeSlack().start()
    settings = conftest.test_settings(
        slack={
            "bot_token": slack_api.BOT_TOKEN,
            "app_token": slack_api.APP_TOKEN,
            "api_base_url": fake.api_url,
        }
    )
    app = build_app(settings, database_url=database_url)
    adapter = SlackAdapter(app)
    running = asyncio.create_task(adapter.run())
    try:
        await fake.wait_socket()
        yield fake, adapter
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await app.close()
        await fake.stop()


async def test_socket_mode_conversation(sqlite_url: str) -> None:
    async with socket_mode(sqlite_url) as (fake, adapter):
        fake.add_user(ANNA, "Anna")
        connect = fake.calls[0]
        assert connect.method == "apps.connections.open" and connect.token == slack_api.APP_TOKEN

        ack = await fake.envelope(
            "slash_commands", slack_api.slash_command("groups new", user=ANNA)
        )
        assert "envelope_id" in ack
        await adapter.drain()
        modal = fake.of("views.open")[-1]["view"]

        submit = slack_api.view_submission(modal, {"name": "", "access": "open"}, user=ANNA)
        ack = await fake.envelope("interactive", submit)
        assert ack["payload"]["response_action"] == "errors"
        assert "name" in ack["payload"]["errors"]

        submit = slack_api.view_submission(modal, {"name": "Socket", "access": "open"}, user=ANNA)
        ack = await fake.envelope("interactive", submit)
        assert not ack.get("payload")
        await adapter.drain()
        assert "Group *Socket* created" in fake.texts()[-1]

        value = fake.last_buttons()["Members"]
        await fake.envelope("interactive", slack_api.block_action(value, user=ANNA))
        await adapter.drain()
        assert "Members of *Socket* (1)" in fake.texts()[-1]

        # an event redelivered with the same event_id has one effect
        event = slack_api.event_callback(slack_api.dm_message("hi", user=ANNA), event_id="EvS1")
        await fake.envelope("events_api", event)
        await adapter.drain()
        count = len(fake.posted())
        await fake.envelope("events_api", event, retry_attempt=1)
        await adapter.drain()
        assert len(fake.posted()) == count

        async with adapter.workspace.sessionmaker() as session:
            total = await session.scalar(
                select(func.count()).select_from(Group).where(Group.name == "Socket")
            )
        assert total == 1
