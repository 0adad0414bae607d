"""The Slack app: slack_bolt's AsyncApp over HTTP (aiohttp, signed requests) or Socket
Mode, turning Slack's payloads into neutral events and the replies into Block Kit.

Listeners ack first and leave the work to a background task, so Slack always gets its
answer within 3 seconds; a modal submission is the one exception, because its field
errors travel in the ack itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import structlog
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import App
from bot.slack import actions, commands, events, shortcuts, submissions
from bot.slack.people import People, team_of
from bot.slack.render import Commands, home_view
from bot.slack.sender import PLATFORM, Calls, Poster, SlackSender, Sleep, Target
from handlers.events import ChatRef, FileRef, Incoming
from handlers.i18n import Translator, translator
from handlers.views import View, reader_locale
from services import teams, teams_identity
from services.errors import N_, DomainError
from services.teams import normalize_locale

log = structlog.get_logger(__name__)

EVENTS_PATH = "/slack/events"
FILE_HOSTS = frozenset({"files.slack.com", "files-edu.slack.com", "files-gov.slack.com"})


def _secret(value: Any) -> str:
    return value.get_secret_value() if value is not None else ""


class SlackAdapter:
    platform = PLATFORM

    def __init__(self, app: App, *, sleep: Sleep = asyncio.sleep) -> None:
        self.app = app
        self.workspace = app.workspace
        self.settings = app.settings.slack
        self.bot_token = _secret(self.settings.bot_token)
        self.app_token = _secret(self.settings.app_token)
        signing_secret = _secret(self.settings.signing_secret)
        if not self.app_token and not signing_secret:
            raise ValueError("Slack HTTP mode needs slack.signing_secret (or an app_token)")
        self.client = AsyncWebClient(token=self.bot_token, base_url=self.settings.api_base_url)
        self.bolt = AsyncApp(
            client=self.client,
            signing_secret=signing_secret or "socket-mode",
            # listeners ack and hand the work to a task themselves (see spawn)
            process_before_response=True,
            request_verification_enabled=not self.app_token,
            name="planerka",
        )
        self.people = People(self.client)
        typed = Commands(self.settings.command, frozenset(self.workspace.registry.commands))
        self.poster = Poster(Calls(self.client, sleep), self.workspace, self.people, typed)
        self._sender = SlackSender(
            self.client, self.workspace, typed, home=lambda user: self.publish_home(user, None)
        )
        self._tasks: set[asyncio.Task[None]] = set()
        # work after the ack waits its turn rather than for a database connection
        self._work = asyncio.Semaphore(max(4, app.settings.database.pool_size))
        self._dm_noted: set[str] = set()
        self._teams_named: set[str] = set()
        self._team_names: dict[str, str | None] = {}  # workspace id -> its name (auth.test)
        # one event at a time per person; first contacts one at a time (joining the team)
        self._turns: dict[str, tuple[asyncio.Lock, int]] = {}
        self._first_contact = asyncio.Lock()
        self._known: set[str] = set()
        self.workspace.services.file_readers[PLATFORM] = self.read_file
        self.workspace.services.homes = True  # the App Home follows the person's tasks
        for module in (commands, actions, submissions, shortcuts, events):
            module.register(self.bolt, self)

    @property
    def sender(self) -> SlackSender:
        return self._sender

    # -- background work ---------------------------------------------------------

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run after the ack; errors are logged, never raised into Bolt."""
        task = asyncio.create_task(self._guard(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _guard(self, work: Coroutine[Any, Any, None]) -> None:
        try:
            async with self._work:
                await work
        except Exception as exc:
            log.exception("slack_work_failed", error=type(exc).__name__)

    async def drain(self) -> None:
        """Wait for the work already started (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # -- neutral events in, replies out -------------------------------------------

    async def event(
        self,
        body: dict[str, Any],
        *,
        user: str,
        channel: str,
        fallback_name: str = "",
        **fields: Any,
    ) -> Incoming:
        sender = await self.people.sender(user, team_of(body), fallback_name)
        # a team made on this first contact is called as the workspace is, from the start
        sender = replace(sender, team_name=await self.workspace_name(sender.team_key))
        # private only in the app's own DM with the person: a slash command typed in a
        # DM between two people comes from a "D" channel too, where the other one reads
        # along and the app cannot post
        own = await self.people.dm_channel(user)  # the user's id when Slack did not say
        private = channel.startswith("D") and (channel == own or not own.startswith("D"))
        return Incoming(
            chat=ChatRef(platform=PLATFORM, chat_id=channel, private=private),
            sender=sender,
            **fields,
        )

    def locale_of(self, event: Incoming) -> str:
        return normalize_locale(event.sender.language_code, self.workspace.services.default_locale)

    def translator_of(self, event: Incoming) -> Translator:
        return translator(self.locale_of(event))

    def reply_translator(self, event: Incoming, views: list[View]) -> Translator:
        """For what the adapter adds to the workspace's replies: the actor's own language
        (/me lang), as the replies carry it, else their Slack profile's."""
        return translator(reader_locale(views) or self.locale_of(event))

    async def handle(self, event: Incoming) -> list[View]:
        """The workspace's answer to one event, in order per person.

        A person's events run one after another (a double click acts twice, in turn),
        and people this process has not met yet are handled one at a time, so the first
        contacts of a whole workspace do not race to create its team or their identity.
        """
        user = event.sender.external_id
        lock, users = self._turns.get(user, (asyncio.Lock(), 0))
        self._turns[user] = (lock, users + 1)
        try:
            async with lock:
                if user in self._known:
                    return await self.workspace.handle(event)
                async with self._first_contact:
                    views = await self.workspace.handle(event)
                if len(self._known) >= 100_000:
                    self._known.clear()
                self._known.add(user)
                return views
        finally:
            lock, users = self._turns[user]
            if users <= 1:
                del self._turns[user]
            else:
                self._turns[user] = (lock, users - 1)

    async def run_event(self, event: Incoming, target: Target) -> list[View]:
        views = await self.handle(event)
        await self.poster.deliver(views, target, self.reply_translator(event, views))
        await self.remember_dm(event)
        return views

    async def workspace_name(self, team_key: str | None) -> str | None:
        """The name of the workspace the app is installed in (auth.test, asked once)."""
        if not team_key:
            return None
        if team_key not in self._team_names:
            try:
                response = await self.client.auth_test()
            except Exception as exc:
                log.warning("slack_auth_test_failed", error=type(exc).__name__)
                return None  # asked again next time
            said = response.get("team_id") == team_key and response.get("team")
            self._team_names[team_key] = str(response["team"]) if said else None
        return self._team_names[team_key]

    async def name_team(self, team_key: str | None) -> None:
        """A team made from this Slack workspace before its name was known (by its id)
        is called as the workspace is."""
        if not team_key or team_key in self._teams_named:
            return
        name = await self.workspace_name(team_key)
        if name is None:
            return
        async with self.workspace.sessionmaker() as session, session.begin():
            await teams.name_workspace_team(session, team_key, name)
        self._teams_named.add(team_key)

    async def remember_dm(self, event: Incoming) -> None:
        """Someone met in a channel still gets reminders: their DM with the app is noted
        once per process (the scheduler writes to identities that have a chat)."""
        user = event.sender.external_id
        if user in self._dm_noted:
            return
        await self.name_team(event.sender.team_key)
        channel = event.chat.chat_id if event.chat.private else await self.people.dm_channel(user)
        if not channel.startswith("D"):
            return
        async with self.workspace.sessionmaker() as session, session.begin():
            await teams_identity.remember_chat(session, PLATFORM, user, channel)
        self._dm_noted.add(user)

    async def publish_home(self, user: str, team: str | None) -> None:
        """The person's home (handlers.home: "my day" and where to start) on the App Home tab."""
        channel = await self.people.dm_channel(user)
        event = await self.event(
            {"team_id": team}, user=user, channel=channel, kind="command", command="home"
        )
        views = await self.handle(event)
        if views:
            await self.poster.calls.call(
                "views.publish", user_id=user, view=home_view(views, self.poster.commands)
            )

    # -- files ---------------------------------------------------------------------

    async def read_file(self, file: FileRef) -> bytes:
        """A file a person shared: url_private fetched with the bot token, Slack hosts only."""
        host = urlsplit(file.file_id).hostname or ""
        api_host = urlsplit(self.settings.api_base_url).hostname or ""
        if host not in FILE_HOSTS and host != api_host:
            raise DomainError(N_("The file could not be downloaded from Slack."))
        headers = {"Authorization": f"Bearer {self.bot_token}"}
        timeout = aiohttp.ClientTimeout(total=60)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.get(file.file_id, headers=headers) as response,
            ):
                kind = response.headers.get("Content-Type", "")
                if response.status != 200 or kind.startswith("text/html"):
                    raise DomainError(N_("The file could not be downloaded from Slack."))
                return await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("slack_file_failed", error=type(exc).__name__)
            raise DomainError(N_("The file could not be downloaded from Slack.")) from None

    # -- serving -------------------------------------------------------------------

    def web_app(self) -> web.Application:
        """HTTP mode: Slack's Request URL is POST /slack/events (signature checked by Bolt)."""

        async def handle(request: web.Request) -> web.Response:
            bolt_request = await to_bolt_request(request)
            bolt_response = await self.bolt.async_dispatch(bolt_request)
            return await to_aiohttp_response(bolt_response)

        application = web.Application()
        application.router.add_post(EVENTS_PATH, handle)
        return application

    def socket_handler(self) -> Any:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        return AsyncSocketModeHandler(self.bolt, self.app_token)

    async def run(self) -> None:
        if self.app_token:
            handler = self.socket_handler()
            log.info("slack_socket_mode")
            await handler.connect_async()
            try:
                await asyncio.Event().wait()
            finally:
                await handler.close_async()
                await self.drain()
            return
        runner = web.AppRunner(self.web_app())
        await runner.setup()
        site = web.TCPSite(runner, self.settings.host, self.settings.port)
        await site.start()
        log.info("slack_http_mode", host=self.settings.host, port=self.settings.port)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()
            await self.drain()
