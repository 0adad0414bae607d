"""The real Bolt app of the Slack adapter served over loopback HTTP, the fake Web API
behind it, and a client that speaks to it as Slack does (signed requests)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp.test_utils import TestServer

from bot.app import build_app
from bot.slack import SlackAdapter
from tests.conftest import test_settings
from tests.fakes import slack_api
from tests.fakes.slack_api import FakeSlack


class Recorder:
    """Sleeps that only record how long they would have waited."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


class SlackHarness:
    def __init__(self, fake: FakeSlack, adapter: SlackAdapter, url: str) -> None:
        self.fake = fake
        self.adapter = adapter
        self.url = url
        self.session = aiohttp.ClientSession()

    async def close(self) -> None:
        await self.session.close()

    async def send(
        self,
        body: str,
        content_type: str,
        *,
        secret: str = slack_api.SIGNING_SECRET,
        timestamp: int | None = None,
        extra: dict[str, str] | None = None,
        settle: bool = True,
    ) -> tuple[int, str]:
        headers = slack_api.signed_headers(body, content_type, secret=secret, timestamp=timestamp)
        headers.update(extra or {})
        async with self.session.post(self.url, data=body.encode(), headers=headers) as response:
            text = await response.text()
            status = response.status
        if settle:
            await self.adapter.drain()
        return status, text

    async def command(self, text: str, *, user: str, channel: str = "C0GENERAL") -> int:
        payload = slash_command_body(
            text, user=user, channel=channel, response_url=self.fake.url(f"/response/{user}")
        )
        status, _ = await self.send(payload, "application/x-www-form-urlencoded")
        return status

    async def press(self, label: str, *, user: str, channel: str = "C0GENERAL") -> int:
        buttons = self.fake.last_buttons()
        matches = [value for text, value in buttons.items() if label in text]
        assert matches, f"no button {label!r} in {buttons}"
        return await self.action(matches[0], user=user, channel=channel)

    async def action(self, value: str, *, user: str, channel: str = "C0GENERAL", **kw: Any) -> int:
        payload = slack_api.block_action(
            value,
            user=user,
            channel=channel,
            response_url=self.fake.url(f"/response/{user}"),
            **kw,
        )
        status, _ = await self.send(
            slack_api.form_body(payload), "application/x-www-form-urlencoded"
        )
        return status

    def last_modal(self) -> dict[str, Any]:
        opened = self.fake.of("views.open")
        assert opened, "no modal was opened"
        return opened[-1]["view"]  # the same modal each time: Slack keeps its id

    async def submit(self, values: dict[str, str], *, user: str) -> tuple[int, dict[str, Any]]:
        payload = slack_api.view_submission(self.last_modal(), values, user=user)
        status, text = await self.send(
            slack_api.form_body(payload), "application/x-www-form-urlencoded"
        )
        return status, (json.loads(text) if text.strip() else {})

    async def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None
    ) -> int:
        body = json.dumps(slack_api.event_callback(event, event_id=event_id))
        extra = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        status, _ = await self.send(body, "application/json", extra=extra if retry else None)
        return status


def slash_command_body(text: str, **kwargs: Any) -> str:
    return urlencode(slack_api.slash_command(text, **kwargs))


@asynccontextmanager
async def slack_http(
    database_url: str, *, sleep: Any = None, **slack: Any
) -> AsyncIterator[SlackHarness]:
    fake = await FakeSlack().start()
    settings = test_settings(
        slack={
            "bot_token": slack_api.BOT_TOKEN,
            "signing_secret": slack_api.SIGNING_SECRET,
            "api_base_url": fake.api_url,
            **slack,
        }
    )
    app = build_app(settings, database_url=database_url)
    adapter = SlackAdapter(app, **({"sleep": sleep} if sleep else {}))
    server = TestServer(adapter.web_app(), host="127.0.0.1")
    await server.start_server()
    harness = SlackHarness(fake, adapter, str(server.make_url("/slack/events")))
    try:
        yield harness
    finally:
        await harness.close()
        await adapter.drain()
        await server.close()
        await app.close()
        await fake.stop()
