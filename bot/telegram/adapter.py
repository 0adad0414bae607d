"""The Telegram adapter: aiogram 3 in, neutral events through the workspace, views out.

One aiogram Router with two handlers (messages and button presses) turns updates
into handlers.events.Incoming, calls Workspace.handle (one transaction, inbox
dedup by update_id) and renders the views. Long polling by default; webhook mode
serves aiohttp with a secret token.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import replace
from typing import TYPE_CHECKING

import aiohttp
import structlog
from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommandScopeChat,
    CallbackQuery,
    ChatMemberUpdated,
    Message,
    Update,
)

from bot.telegram.commands import menu, set_commands
from bot.telegram.events import anonymous_command, from_callback, from_message
from bot.telegram.group_answers import PrivateNote, alert_text, where_it_went
from bot.telegram.polling import Poller
from bot.telegram.responses import hold_response_types
from bot.telegram.sender import PLATFORM, TelegramSender
from handlers.events import FileRef, Incoming
from handlers.i18n import translator
from handlers.markup import Span, to_plain
from handlers.views import View, reader_locale
from services import chats
from services.errors import N_, DomainError
from services.teams import normalize_locale

if TYPE_CHECKING:
    from bot.app import App

log = structlog.get_logger(__name__)

REPLY_WAIT_LIMIT = 30.0  # seconds a reply may wait out a 429 before it is dropped


class TelegramAdapter:
    platform = PLATFORM

    def __init__(self, app: App, *, bot: Bot | None = None) -> None:
        hold_response_types()
        self.app = app
        self.settings = app.settings.telegram
        self.workspace = app.workspace
        if bot is None:
            if self.settings.token is None:
                raise ValueError("the Telegram adapter needs a token")
            session = AiohttpSession(api=TelegramAPIServer.from_base(self.settings.api_base_url))
            bot = Bot(
                self.settings.token.get_secret_value(),
                session=session,
                default=DefaultBotProperties(parse_mode=ParseMode.HTML),
            )
        self.bot = bot
        self.username = self.settings.bot_username.lstrip("@")
        self._sender = TelegramSender(bot, self.workspace)
        self.router = Router(name=__name__)
        self.router.message.register(self.on_message)
        self.router.callback_query.register(self.on_callback)
        self.router.my_chat_member.register(self.on_membership)
        # dialogs live in the database (handlers.forms), so aiogram's FSM stays off
        self.dispatcher = Dispatcher(disable_fsm=True)
        self.dispatcher.include_router(self.router)
        self._turns: dict[str, tuple[asyncio.Lock, int]] = {}
        self.ready = asyncio.Event()
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
        self.poller = Poller(self.dispatcher, bot, sleep=lambda delay: self.sleep(delay))
        self.webhook_port: int | None = None
        services = self.workspace.services
        services.invite_links[PLATFORM] = self.invite_link
        services.file_readers[PLATFORM] = self.read_file

    @property
    def sender(self) -> TelegramSender:
        return self._sender

    # -- start-up --------------------------------------------------------------
    async def prepare(self) -> None:
        """Learn the bot's username and publish the command menu in ru and en."""
        if not self.username:
            me = await self.bot.me()
            self.username = me.username or ""
        await set_commands(
            self.bot, self.workspace.registry, self.workspace.services.default_locale
        )

    async def follow_language(self, event: Incoming, views: list[View]) -> None:
        """A person who changed their language (/me lang) gets their private chat's menu
        in it, whatever language their Telegram app speaks."""
        locale = next((v.meta["locale"] for v in views if "locale" in v.meta), None)
        if locale is None:
            return
        # a person's private chat with the bot has the person's own id
        scope = BotCommandScopeChat(chat_id=int(event.sender.external_id))
        try:
            await self.bot.set_my_commands(menu(self.workspace.registry, locale), scope=scope)
        except TelegramAPIError as exc:  # the answer still goes out; the menu waits
            log.info("chat_menu_failed", reason=exc.message)

    def invite_link(self, code: str) -> str:
        return f"https://t.me/{self.username}?start={code}"

    async def read_file(self, file: FileRef) -> bytes:
        try:
            info = await self.bot.get_file(file.file_id)
            if not info.file_path:
                raise DomainError(N_("Telegram did not give the file; please send it again."))
            data = await self.bot.download_file(info.file_path)
        except TelegramAPIError as exc:
            log.warning("file_download_failed", reason=exc.message)
            raise DomainError(N_("Telegram did not give the file; please send it again.")) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            # the download URL carries the token: log only the kind of failure
            log.warning("file_download_failed", reason=type(exc).__name__)
            raise DomainError(N_("Telegram did not give the file; please send it again.")) from exc
        assert data is not None
        return data.read()

    # -- serving -----------------------------------------------------------------
    async def prepare_retrying(self) -> None:
        """prepare(), waiting out an unreachable Bot API; a rejected token is fatal."""
        delay = 1.0
        while True:
            try:
                await self.prepare()
                return
            except TelegramUnauthorizedError:
                log.error("telegram_token_rejected")
                raise
            except TelegramAPIError as exc:
                log.warning("telegram_unreachable", reason=str(exc)[:200], retry_in=delay)
                await self.sleep(delay)
                delay = min(delay * 2, 60.0)

    async def run(self) -> None:
        await self.prepare_retrying()
        if self.settings.mode == "webhook":
            from bot.telegram.webhook import serve_webhook

            await serve_webhook(self)
            return
        await self.bot.delete_webhook(drop_pending_updates=False)
        log.info("telegram_polling", bot=self.username)
        self.ready.set()
        try:
            await self.poller.run()
        finally:
            await self.bot.session.close()

    async def close(self) -> None:
        await self.bot.session.close()

    # -- one update ----------------------------------------------------------------
    @asynccontextmanager
    async def _turn(self, chat_id: str) -> AsyncIterator[None]:
        """Updates of one chat are handled in order; other chats run concurrently."""
        lock, users = self._turns.get(chat_id, (asyncio.Lock(), 0))
        self._turns[chat_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._turns[chat_id]
            if users <= 1:
                del self._turns[chat_id]
            else:
                self._turns[chat_id] = (lock, users - 1)

    async def on_message(self, message: Message, event_update: Update) -> None:
        if message.migrate_to_chat_id is not None:
            await self.chat_moved(str(message.chat.id), str(message.migrate_to_chat_id))
            return
        event = from_message(message, event_update.update_id, self.bot.id, self.username)
        if event is None:
            if anonymous_command(message, self.username):
                tr = translator(normalize_locale(None, self.workspace.services.default_locale))
                said = tr(
                    "An anonymous admin cannot be told apart from the others: "
                    "post as yourself to use me here."
                )
                await self._deliver_each(
                    str(message.chat.id), [View(body=said)], reply_to=message.message_id
                )
            return
        async with self._turn(event.chat.chat_id):
            views = await self.workspace.handle(event)
            reply_to = None if event.chat.private else message.message_id
            await self._send_all(event, views, reply_to=reply_to)

    async def on_callback(self, query: CallbackQuery, event_update: Update) -> None:
        event = from_callback(query, event_update.update_id)
        if event is None:
            await query.answer()
            return
        answered = False
        try:
            async with self._turn(event.chat.chat_id):
                views = await self.workspace.handle(event)
                alert = alert_text(event, views)
                if alert is not None:
                    answered = True
                    await self._answer(query, alert, show_alert=True)
                    views = [v for v in views if not v.private]  # the alert said that one
                message = query.message if isinstance(query.message, Message) else None
                shared_private = not event.chat.private and bool(views) and views[0].private
                if message is not None and views and views[0].edit and not shared_private:
                    if await self._sender.edit(
                        event.chat.chat_id,
                        message.message_id,
                        views[0],
                        wait_limit=REPLY_WAIT_LIMIT,
                    ):
                        views = views[1:]
                note = await self._send_all(event, views, pressed=True)
                if not answered:
                    answered = True
                    # where the presser's answer went is said to them alone, not to the
                    # group: a toast, or an alert when they must do something first
                    text = to_plain(note.body) if note is not None else None
                    await self._answer(query, text, show_alert=note is not None and note.urgent)
        finally:
            if not answered:
                with suppress(TelegramAPIError):
                    await query.answer()

    @staticmethod
    async def _answer(query: CallbackQuery, text: str | None, *, show_alert: bool) -> None:
        try:
            await query.answer(text=text, show_alert=show_alert)
        except TelegramAPIError as exc:  # e.g. a query too old to answer
            log.info("answer_failed", reason=exc.message)

    async def on_membership(self, update: ChatMemberUpdated) -> None:
        """The bot left or was removed from a group chat: the chat's binding goes."""
        if update.chat.type not in ("group", "supergroup"):
            return
        if update.new_chat_member.status not in ("left", "kicked"):
            return
        async with self.workspace.sessionmaker() as session, session.begin():
            closed = await chats.chat_closed(session, PLATFORM, str(update.chat.id))
        log.info("telegram_removed_from_chat", chat=update.chat.id, unbound=closed)

    async def chat_moved(self, old_chat_id: str, new_chat_id: str) -> None:
        """A group became a supergroup: its binding follows it to the new chat id."""
        async with self.workspace.sessionmaker() as session, session.begin():
            moved = await chats.move_chat(session, PLATFORM, old_chat_id, new_chat_id)
        log.info("telegram_chat_moved", old=old_chat_id, new=new_chat_id, binding=moved)

    async def _send_all(
        self,
        event: Incoming,
        views: list[View],
        *,
        reply_to: int | None = None,
        pressed: bool = False,
    ) -> PrivateNote | None:
        """Views go to the chat the event came from; in a group, a view meant for the
        actor alone goes to their private chat (Telegram has no message only one
        member of a group sees), and the actor is told where the answer went: for a
        typed command, in the group (nothing else of theirs was posted there); for a
        button (`pressed`), the note is returned for the callback's answer, which only
        the presser sees, and nothing is posted to the group."""
        await self.follow_language(event, views)
        chat_id = event.chat.chat_id
        shared = not event.chat.private
        personal = [v for v in views if shared and v.private]
        public = [v for v in views if not (shared and v.private)]
        if shared and any("asks" in v.meta for v in public):
            # a question in a group: the bot hears only commands and replies to itself
            tr = translator(reader_locale(views) or normalize_locale(event.sender.language_code))
            hint = tr("↩ Reply to this message to answer.")
            public = [
                replace(v, body=[*v.body, Span("\n\n"), *hint]) if "asks" in v.meta else v
                for v in public
            ]
        sent_public, _ = await self._deliver_each(chat_id, public, reply_to=reply_to)
        if not personal:
            return None
        # a person's private chat with the bot has the person's own id
        privately, refused = await self._deliver_each(event.sender.external_id, personal)
        if sent_public and not pressed:
            return None
        note = where_it_went(
            self.username,
            reader_locale(views) or normalize_locale(event.sender.language_code),
            privately,
            refused,
        )
        if pressed:
            return note
        await self._deliver_each(chat_id, [View(body=note.body)], reply_to=reply_to)
        return None

    async def _deliver_each(
        self, chat_id: str, views: list[View], *, reply_to: int | None = None
    ) -> tuple[bool, bool]:
        """Send the views in order: whether one arrived, and whether the chat refused
        (403: the bot is blocked there, or a person never started it)."""
        arrived = refused = False
        for view in views:
            if not view.body and not view.image and not view.file and not any(view.buttons):
                continue
            try:
                await self._sender.deliver(
                    chat_id, view, reply_to=reply_to, wait_limit=REPLY_WAIT_LIMIT
                )
                arrived = True
            except TelegramRetryAfter as exc:
                log.warning("reply_dropped_rate_limited", chat_id=chat_id, seconds=exc.retry_after)
            except TelegramForbiddenError as exc:
                refused = True
                log.warning("reply_failed", chat_id=chat_id, reason=exc.message)
            except TelegramAPIError as exc:
                log.warning("reply_failed", chat_id=chat_id, reason=exc.message)
            reply_to = None
        return arrived, refused
