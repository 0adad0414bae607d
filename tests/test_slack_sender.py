"""Sending to Slack: the outbox Sender's outcomes, attachments, and files people share."""

from __future__ import annotations

import pytest

from bot.slack.sender import Target
from handlers.events import FileRef
from handlers.markup import bold
from handlers.views import Attachment, Button, View
from scheduler.delivery import RecipientGone, RetryAfter, TemporaryFailure
from scheduler.dispatcher import Dispatcher
from scheduler.dispatcher_claim import Job
from scheduler.ratelimit import Limits
from services.errors import DomainError
from tests.fakes import slack_api
from tests.fakes.slack_harness import slack_http


def _payload(title: str = "Report <!here>") -> dict:
    view = View(body=[bold(title)], ref="task:7")
    view.row(Button("Done", "task:d:7"))
    return view.to_dict()


async def test_sender_posts_rendered_view(sqlite_url: str) -> None:
    async with slack_http(sqlite_url) as slack:
        await slack.adapter.sender.send("D0ANNA", _payload())
        posted = slack.fake.of("chat.postMessage")[-1]
        assert posted["channel"] == "D0ANNA"
        assert slack_api.message_text(posted) == "*Report &lt;!here&gt;*"
        assert slack_api.buttons_of(posted["blocks"]) == {"Done": "task:d:7"}
        assert slack.adapter.sender.platform == "slack"


async def test_sender_maps_429_to_retry_after(sqlite_url: str) -> None:
    async with slack_http(sqlite_url) as slack:
        slack.fake.rate_limit("chat.postMessage", 12)
        with pytest.raises(RetryAfter) as caught:
            await slack.adapter.sender.send("D0ANNA", _payload())
        assert caught.value.seconds == 12.0
        # once the wait is over the same message goes through
        await slack.adapter.sender.send("D0ANNA", _payload())
        assert len(slack.fake.of("chat.postMessage")) == 2


@pytest.mark.parametrize("error", ["account_inactive", "user_not_found", "channel_not_found"])
async def test_sender_maps_gone_recipients(sqlite_url: str, error: str) -> None:
    async with slack_http(sqlite_url) as slack:
        slack.fake.fail("chat.postMessage", error)
        with pytest.raises(RecipientGone):
            await slack.adapter.sender.send("D0GONE", _payload())


async def test_sender_maps_server_and_network_errors(sqlite_url: str) -> None:
    async with slack_http(sqlite_url) as slack:
        slack.fake.fail("chat.postMessage", "internal_error", status=503)
        with pytest.raises(TemporaryFailure):
            await slack.adapter.sender.send("D0ANNA", _payload())
        await slack.fake.stop()  # nobody listens any more
        with pytest.raises(TemporaryFailure):
            await slack.adapter.sender.send("D0ANNA", _payload())


async def test_images_and_files_are_uploaded(sqlite_url: str) -> None:
    async with slack_http(sqlite_url) as slack:
        view = View(body=[bold("Chart")])
        view.image = Attachment("gantt.png", b"\x89PNG-bytes", "image/png")
        view.file = Attachment("tasks.csv", b"id,title\n1,a\n", "text/csv")
        await slack.adapter.poster.post(view, Target(channel="C0GENERAL", user="U0ANNA"))
        assert len(slack.fake.of("files.getUploadURLExternal")) == 2
        assert set(slack.fake.uploads.values()) == {b"\x89PNG-bytes", b"id,title\n1,a\n"}
        done = slack.fake.of("files.completeUploadExternal")
        assert [call["channel_id"] for call in done] == ["C0GENERAL", "C0GENERAL"]


async def test_private_file_goes_to_the_dm(sqlite_url: str) -> None:
    async with slack_http(sqlite_url) as slack:
        view = View(body=[bold("Export")], private=True)
        view.file = Attachment("tasks.csv", b"1", "text/csv")
        await slack.adapter.poster.post(view, Target(channel="C0GENERAL", user="U0ANNA"))
        assert slack.fake.of("chat.postEphemeral")
        assert slack.fake.of("files.completeUploadExternal")[-1]["channel_id"] == "D0ANNA"


async def test_file_reader_downloads_with_the_bot_token(sqlite_url: str) -> None:
    async with slack_http(sqlite_url) as slack:
        slack.fake.files["report.pdf"] = b"%PDF-1.4"
        reader = slack.adapter.workspace.services.file_readers["slack"]
        url = slack.fake.url("/files/report.pdf")
        assert await reader(FileRef(file_id=url, name="report.pdf")) == b"%PDF-1.4"
        with pytest.raises(DomainError):
            await reader(FileRef(file_id=slack.fake.url("/files/missing"), name="x"))
        with pytest.raises(DomainError):  # the token is never sent to another host
            await reader(FileRef(file_id="http://example.invalid/x", name="x"))


async def test_a_long_queued_view_goes_on_after_a_rate_limit_without_repeating(
    sqlite_url: str,
) -> None:
    """60 buttons are two Slack messages; a 429 on the second does not send the first again."""
    async with slack_http(sqlite_url) as slack:
        view = View.text("hello")
        for n in range(60):
            view.row(Button(f"b{n}", f"a:{n}"))
        dispatcher = Dispatcher(
            slack.adapter.workspace.sessionmaker,
            {"slack": slack.adapter.sender},
            limits={"slack": Limits(per_second=1000, per_chat_interval=0.0)},
        )
        slack.fake.rate_limit("chat.postMessage", 1, after=1)
        outcome = await dispatcher.send(Job(1, "slack", "D0ANNA", 0, view.to_dict(), 1))
        assert outcome.sent == [1]
        posted = slack.fake.of("chat.postMessage")
        arrived = [len(slack_api.buttons_of(p["blocks"])) for p in posted]
        # the refused try is recorded too: the first message went once, the second twice
        assert sum(arrived) == 60 + arrived[1], arrived
        assert len(posted) == 3 and arrived[1] == arrived[2]
