"""Posting neutral views to Slack: replies to what people do, and queued messages
(the outbox Sender). Slack's errors become the dispatcher's three outcomes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, NoReturn

import aiohttp
import structlog
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.slack import modals
from bot.slack.people import People
from bot.slack.render import Commands, Message, render
from handlers.dispatch import Workspace
from handlers.i18n import Translator
from handlers.markup import bold
from handlers.views import Attachment, View
from scheduler.delivery import NotAllowed, Parts, RecipientGone, RetryAfter, TemporaryFailure

log = structlog.get_logger(__name__)

PLATFORM = "slack"
# the person or the channel is no longer there: stop writing to it
GONE_ERRORS = frozenset(
    {
        "account_inactive",
        "user_not_found",
        "user_disabled",
        "channel_not_found",
        "is_archived",
        "cannot_dm_bot",
        "not_in_channel",
        "user_not_visible",
    }
)
# the bot cannot post in the channel, but the response_url of the request still works
NO_ACCESS_ERRORS = frozenset({"channel_not_found", "not_in_channel", "is_archived"})
Sleep = Callable[[float], Awaitable[None]]
# conversations.kick: the person is not in the channel (nothing to do), or the bot may not
NOT_THERE_ERRORS = frozenset({"not_in_channel", "user_not_found"})
KICK_REFUSED_ERRORS = frozenset(
    {
        "restricted_action",
        "cant_kick_from_general",
        "cant_kick_self",
        "not_supported",
        "method_not_supported_for_channel_type",
        "missing_scope",
        "no_permission",
        "not_allowed_token_type",
    }
)


def retry_after(exc: SlackApiError) -> float | None:
    if exc.response.status_code != 429 and exc.response.get("error") != "ratelimited":
        return None
    headers = exc.response.headers or {}
    raw = headers.get("Retry-After") or headers.get("retry-after") or "1"
    try:
        return max(0.0, float(raw))
    except ValueError:
        return 1.0


def classify(exc: BaseException) -> Exception | None:
    """RetryAfter, RecipientGone or TemporaryFailure for an error of a Web API call."""
    if isinstance(exc, SlackApiError):
        wait = retry_after(exc)
        if wait is not None:
            return RetryAfter(wait)
        error = str(exc.response.get("error") or "")
        if error in GONE_ERRORS:
            return RecipientGone(error)
        if exc.response.status_code >= 500 or error in ("internal_error", "fatal_error"):
            return TemporaryFailure(error or str(exc.response.status_code))
        return None
    if isinstance(exc, aiohttp.ClientError | OSError | asyncio.TimeoutError):
        return TemporaryFailure(type(exc).__name__)
    return None


def _raise_classified(exc: Exception, what: str) -> NoReturn:
    """An error of the outbox's call, raised as the dispatcher tells them apart."""
    mapped = classify(exc)
    log.info(what, error=error_code(exc), outcome=type(mapped).__name__)
    if mapped is not None:
        raise mapped from exc
    raise exc


def error_code(exc: BaseException) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or exc.response.status_code)
    return type(exc).__name__


class Calls:
    """Web API calls that wait out a 429 (Retry-After) a bounded number of times."""

    def __init__(
        self, client: AsyncWebClient, sleep: Sleep = asyncio.sleep, max_wait: float = 30.0
    ) -> None:
        self.client = client
        self.sleep = sleep
        self.max_wait = max_wait

    async def call(self, method: str, attempts: int = 3, **kwargs: Any) -> AsyncSlackResponse:
        for attempt in range(attempts):
            try:
                return await self.client.api_call(method, json=kwargs)
            except SlackApiError as exc:
                wait = retry_after(exc)
                if wait is None or wait > self.max_wait or attempt == attempts - 1:
                    raise
                log.info("slack_rate_limited", method=method, retry_after=wait)
                await self.sleep(wait)
        raise AssertionError("unreachable")

    async def upload(self, channel: str, item: Attachment) -> None:
        await self.client.files_upload_v2(
            channel=channel, content=item.content, filename=item.name, title=item.name
        )


def trigger_key(body: dict[str, Any]) -> str | None:
    """A slash command's or a button press's delivery key: its trigger_id, one per
    interaction, so the same signed request sent again (a replay within the five minutes
    its signature is good for) has no second effect."""
    trigger = body.get("trigger_id")
    return f"trigger:{trigger}" if trigger else None


@dataclass
class Target:
    """Where a reply goes, and what Slack gave us to reply with."""

    channel: str
    user: str
    trigger_id: str | None = None
    response_url: str | None = None
    message_ts: str | None = None  # the message the pressed button was on
    ephemeral: bool = False  # that message is ephemeral (only response_url can change it)
    # the app's own DM with the person (the event says so); None: judged by the channel
    own_dm: bool | None = None

    @property
    def is_dm(self) -> bool:
        if self.own_dm is not None:
            return self.own_dm
        return self.channel.startswith("D") or self.channel == self.user


class Poster:
    def __init__(
        self, calls: Calls, workspace: Workspace, people: People, commands: Commands | None = None
    ) -> None:
        self.calls = calls
        self.workspace = workspace
        self.people = people
        self.commands = commands  # "/task" written as Slack users type it

    async def deliver(self, views: list[View], target: Target, tr: Translator) -> None:
        for view in views:
            try:
                if await self._open_modal(view, target, tr):
                    continue
                if view.form is not None and "errors" not in view.form and not target.is_dm:
                    # a question asked by messages: only the app's DM hears the answers
                    await self._ask_in_dm(view, target, tr)
                    continue
                moved = await self.post(view, target)
                if moved:  # an image or a file cannot be shown to one person in a channel
                    said = tr("I sent {name} to our direct messages.", name=bold(moved))
                    await self.post(View(body=said, private=True), target)
            except Exception as exc:  # one failed reply must not hide the others
                log.warning("slack_post_failed", error=error_code(exc), channel=target.channel)

    async def _ask_in_dm(self, view: View, target: Target, tr: Translator) -> None:
        """A dialog a channel command started, which no modal can show (a file to send,
        or Slack refused the modal): it goes on in the person's DM with the app, where
        their answers and files reach us; the channel is told, to them only."""
        dm = await self.people.dm_channel(target.user)
        await self.workspace.move_dialog(PLATFORM, target.channel, dm, target.user)
        await self.post(view, Target(channel=dm, user=target.user))
        note = View(body=tr("I asked you in our direct messages."), private=True)
        await self.post(note, target)

    async def _open_modal(self, view: View, target: Target, tr: Translator) -> bool:
        form = view.form
        if form is None or "errors" in form or not target.trigger_id:
            return False
        if not modals.can_show(form):
            return False
        metadata = {"c": target.channel}
        if target.response_url and len(target.response_url) < 1000:
            metadata["r"] = target.response_url  # the reply reaches a channel we are not in
        payload = modals.modal(
            form,
            metadata,
            submit=tr.s("Save"),
            close=tr.s("Cancel"),
            typed_label=tr.s("…or type your answer"),
        )
        trigger, target.trigger_id = target.trigger_id, None  # a trigger opens one modal
        try:
            # a trigger lives 3 s: no waiting out a 429, the dialog goes on by messages
            await self.calls.call("views.open", attempts=1, trigger_id=trigger, view=payload)
        except SlackApiError as exc:
            log.info("slack_modal_failed", error=error_code(exc))
            return False  # the dialog goes on by messages
        return True

    async def post(self, view: View, target: Target) -> str:
        """Post the view; the name of its image or file when that went to the person's
        DM with the app instead of the channel (private, or the channel out of reach)."""
        messages = render(view, self.commands)
        last_ts: str | None = None
        # a private answer never replaces a message everyone in the channel sees
        shown_to_all = target.message_ts and not target.ephemeral and not target.is_dm
        if view.edit and messages and not (view.private and shown_to_all):
            if target.message_ts and not target.ephemeral:
                first = messages.pop(0)
                try:
                    response = await self.calls.call(
                        "chat.update",
                        channel=target.channel,
                        ts=target.message_ts,
                        text=first.text,
                        blocks=first.blocks,
                    )
                    last_ts = str(response.get("ts") or target.message_ts)
                except SlackApiError:
                    if not target.response_url:
                        raise
                    # a message posted through response_url: only it can replace that one
                    await self._respond(target, first, replace=True, ephemeral=False)
            elif target.ephemeral and target.response_url:
                first = messages.pop(0)
                await self._respond(target, first, replace=True, ephemeral=True)
        for message in messages:
            last_ts = await self._post_one(view, target, message) or last_ts
        if view.ref and last_ts:
            await self.workspace.remember_sent(PLATFORM, target.channel, last_ts, view.ref)
        to_dm = ""
        for item in (view.image, view.file):
            if item is not None:
                channel = target.channel
                if view.private and not target.is_dm:
                    channel = await self.people.dm_channel(target.user)
                    to_dm = item.name
                try:
                    await self.calls.upload(channel, item)
                except SlackApiError as exc:
                    if error_code(exc) not in NO_ACCESS_ERRORS or target.is_dm:
                        raise
                    await self.calls.upload(await self.people.dm_channel(target.user), item)
                    to_dm = item.name
        return to_dm

    async def _post_one(self, view: View, target: Target, message: Message) -> str | None:
        ephemeral = view.private and not target.is_dm
        try:
            return await self._send(target.channel, target, message, ephemeral)
        except SlackApiError as exc:
            limited = retry_after(exc)
            if limited is not None:  # longer than Calls waits for
                if target.response_url:  # limited on its own, apart from the Web API
                    await self._respond(target, message, replace=False, ephemeral=ephemeral)
                    return None
                log.info("slack_reply_waits", retry_after=limited, channel=target.channel)
                await self.calls.sleep(limited)  # never lost: it goes once the limit passes
                return await self._send(target.channel, target, message, ephemeral)
            if error_code(exc) not in NO_ACCESS_ERRORS:
                raise
            if target.response_url:
                await self._respond(target, message, replace=False, ephemeral=ephemeral)
                return None
            # nothing else reaches that channel: the person reads it in the app's DM
            dm = await self.people.dm_channel(target.user)
            if dm == target.channel:
                raise
            await self._send(dm, target, message, ephemeral=False)
            return None

    async def _send(
        self, channel: str, target: Target, message: Message, ephemeral: bool
    ) -> str | None:
        """One message to a channel (to the person alone when ephemeral); its ts."""
        if ephemeral:
            await self.calls.call(
                "chat.postEphemeral",
                channel=channel,
                user=target.user,
                text=message.text,
                blocks=message.blocks,
            )
            return None
        response = await self.calls.call(
            "chat.postMessage", channel=channel, text=message.text, blocks=message.blocks
        )
        return str(response.get("ts") or "") or None

    async def _respond(
        self, target: Target, message: Message, *, replace: bool, ephemeral: bool
    ) -> None:
        assert target.response_url is not None
        hook = AsyncWebhookClient(target.response_url)
        body: dict[str, Any] = {
            "text": message.text,
            "blocks": message.blocks,
            "response_type": "ephemeral" if ephemeral else "in_channel",
        }
        if replace:
            body["replace_original"] = True
        await hook.send_dict(body)


class SlackSender:
    """The outbox dispatcher's Sender: one queued view to one chat, errors classified."""

    platform = PLATFORM

    def __init__(
        self,
        client: AsyncWebClient,
        workspace: Workspace,
        commands: Commands | None = None,
        *,
        home: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self.client = client
        self.workspace = workspace
        self.commands = commands
        self._home = home

    async def publish_home(self, user_id: str) -> None:
        """The person's App Home tab shown again (views.publish), errors classified."""
        if self._home is None:
            return
        try:
            await self._home(user_id)
        except Exception as exc:
            _raise_classified(exc, "slack_home_failed")

    async def remove_member(self, chat_id: str, external_id: str) -> None:
        """Take the person out of the channel (conversations.kick)."""
        try:
            await self.client.conversations_kick(channel=chat_id, user=external_id)
        except Exception as exc:
            error = error_code(exc)
            if error in NOT_THERE_ERRORS:
                return
            if error in KICK_REFUSED_ERRORS:
                log.info("slack_kick_refused", error=error)
                raise NotAllowed(error) from exc
            _raise_classified(exc, "slack_kick_failed")

    async def send(self, chat_id: str, payload: dict[str, Any], parts: Parts | None = None) -> None:
        view = View.from_dict(payload)
        last_ts = ""
        try:
            for index, message in enumerate(render(view, self.commands)):
                if parts is not None:
                    if index < parts.done:
                        continue  # arrived before a rate limit or a failure
                    if last_ts and parts.pace is not None:
                        await parts.pace()
                response = await self.client.chat_postMessage(
                    channel=chat_id, text=message.text, blocks=message.blocks
                )
                last_ts = str(response.get("ts") or "")
                if parts is not None:
                    parts.done = index + 1
        except Exception as exc:
            _raise_classified(exc, "slack_send_failed")
        if view.ref and last_ts:
            await self.workspace.remember_sent(PLATFORM, chat_id, last_ts, view.ref)
