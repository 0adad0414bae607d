"""Sending neutral views to Telegram chats: replies to updates and the outbox.

Bot API failures become the delivery contract's exceptions: 429 -> RetryAfter,
403 (blocked, kicked) and a vanished chat -> RecipientGone, network errors and
5xx -> TemporaryFailure.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import structlog
from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import BufferedInputFile, ReplyParameters

from bot.telegram.methods import EditText, SendText
from bot.telegram.render import Piece, markup_json, pieces
from handlers.dispatch import Workspace
from handlers.views import View
from scheduler.delivery import NotAllowed, Parts, RecipientGone, RetryAfter, TemporaryFailure
from services import chats

log = structlog.get_logger(__name__)

PLATFORM = "telegram"
NO_PREVIEW_JSON = '{"is_disabled":true}'


@asynccontextmanager
async def bot_api_errors() -> AsyncIterator[None]:
    """Translate aiogram's exceptions into the delivery contract."""
    try:
        yield
    except TelegramRetryAfter as exc:
        raise RetryAfter(float(exc.retry_after)) from exc
    except TelegramForbiddenError as exc:
        raise RecipientGone(exc.message) from exc
    except TelegramNotFound as exc:
        raise RecipientGone(exc.message) from exc
    except TelegramBadRequest as exc:
        if "chat not found" in exc.message.lower():
            raise RecipientGone(exc.message) from exc
        raise
    except (TelegramNetworkError, TelegramServerError) as exc:
        raise TemporaryFailure(str(exc)) from exc
    except TelegramAPIError as exc:
        raise TemporaryFailure(str(exc)) from exc


class TelegramSender:
    """Implements scheduler.delivery.Sender, and sends the replies of the adapter."""

    platform = PLATFORM

    def __init__(self, bot: Bot, workspace: Workspace) -> None:
        self.bot = bot
        self.workspace = workspace
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    async def send(self, chat_id: str, payload: dict[str, Any], parts: Parts | None = None) -> None:
        try:
            async with bot_api_errors():
                await self.deliver(
                    chat_id, View.from_dict(payload), ref=payload.get("ref"), parts=parts
                )
        except TemporaryFailure as exc:
            moved = exc.__cause__
            if not isinstance(moved, TelegramMigrateToChat):
                raise
            # the group became a supergroup while nobody wrote there: its binding follows
            new_id = str(moved.migrate_to_chat_id)
            async with self.workspace.sessionmaker() as session, session.begin():
                await chats.move_chat(session, PLATFORM, chat_id, new_id)
            log.info("telegram_chat_moved_on_send", old=chat_id, new=new_id)
            async with bot_api_errors():
                await self.deliver(
                    new_id, View.from_dict(payload), ref=payload.get("ref"), parts=parts
                )

    async def remove_member(self, chat_id: str, external_id: str) -> None:
        """Take the person out of the group chat as a chat admin's "Remove" does: banned,
        then let back at once (an invite link still lets them join again)."""
        try:
            async with bot_api_errors():
                await self.bot.ban_chat_member(chat_id, int(external_id))
        except TelegramBadRequest as exc:  # not an admin with the right to ban, an admin
            if "participant" in exc.message.lower():  # not in the chat: nothing to do
                return
            raise NotAllowed(exc.message) from exc
        try:
            async with bot_api_errors():
                await self.bot.unban_chat_member(chat_id, int(external_id), only_if_banned=True)
        except TelegramBadRequest:  # a basic group keeps no list of the banned
            log.info("telegram_unban_skipped", chat=chat_id)

    async def deliver(
        self,
        chat_id: str,
        view: View,
        *,
        ref: str | None = None,
        reply_to: int | None = None,
        wait_limit: float = 0.0,
        parts: Parts | None = None,
    ) -> list[int]:
        """Send one view as one or more messages (their ids); remember them when it
        shows an item.

        A 429 with a retry_after up to `wait_limit` seconds is waited out once per
        message (replies to a person); otherwise it propagates (the outbox reschedules,
        and `parts` tells the retry where to go on from).
        """
        sent: list[int] = []
        for index, piece in enumerate(pieces(view)):
            if parts is not None:
                if index < parts.done:
                    continue  # arrived before a 429 or a failure
                if sent and parts.pace is not None:
                    await parts.pace()
            sent.append(await self._send_retrying(chat_id, view, piece, reply_to, wait_limit))
            reply_to = None
            if parts is not None:
                parts.done = index + 1
        ref = ref or view.ref
        if ref:
            for message_id in sent:
                await self.workspace.remember_sent(PLATFORM, chat_id, str(message_id), ref)
        return sent

    async def _send_retrying(
        self, chat_id: str, view: View, piece: Piece, reply_to: int | None, wait_limit: float
    ) -> int:
        try:
            return await self._send_piece(chat_id, view, piece, reply_to)
        except TelegramRetryAfter as exc:
            if exc.retry_after > wait_limit:
                raise
            await self.sleep(exc.retry_after)
            return await self._send_piece(chat_id, view, piece, reply_to)

    async def _send_piece(
        self, chat_id: str, view: View, piece: Piece, reply_to: int | None
    ) -> int:
        """Send one piece; the id of the message it became."""
        if piece.kind == "text":
            answer = await self.bot(
                SendText(
                    chat_id=chat_id,
                    text=piece.html,
                    parse_mode="HTML",
                    reply_markup=markup_json(piece.rows),
                    link_preview_options=NO_PREVIEW_JSON,
                    reply_parameters=(
                        json.dumps({"message_id": reply_to, "allow_sending_without_reply": True})
                        if reply_to is not None
                        else None
                    ),
                )
            )
            return answer.message_id
        common: dict[str, Any] = {"reply_markup": piece.markup}
        if reply_to is not None:
            common["reply_parameters"] = ReplyParameters(
                message_id=reply_to, allow_sending_without_reply=True
            )
        if piece.kind == "photo" and view.image is not None:
            message = await self.bot.send_photo(
                chat_id,
                BufferedInputFile(view.image.content, filename=view.image.name),
                caption=piece.html or None,
                **common,
            )
            return message.message_id
        if view.file is None:
            raise ValueError(f"a {piece.kind} piece without its attachment")
        message = await self.bot.send_document(
            chat_id,
            BufferedInputFile(view.file.content, filename=view.file.name),
            caption=piece.html or None,
            **common,
        )
        return message.message_id

    async def edit(
        self, chat_id: str, message_id: int, view: View, *, wait_limit: float = 0.0
    ) -> bool:
        """Replace a message's text and keyboard in place; False when it cannot be (the
        caller then sends the view as a new message). A 429 up to `wait_limit` seconds is
        waited out once."""
        parts = pieces(view)
        if len(parts) != 1 or parts[0].kind != "text":
            return False
        piece = parts[0]
        waited = False
        while True:
            try:
                await self.bot(
                    EditText(
                        chat_id=chat_id,
                        message_id=message_id,
                        text=piece.html,
                        parse_mode="HTML",
                        reply_markup=markup_json(piece.rows),
                        link_preview_options=NO_PREVIEW_JSON,
                    )
                )
                break
            except TelegramRetryAfter as exc:
                if waited or exc.retry_after > wait_limit:
                    log.info("edit_failed", chat_id=chat_id, reason=exc.message)
                    return False
                waited = True
                await self.sleep(exc.retry_after)
            except TelegramBadRequest as exc:
                if "not modified" in exc.message:
                    return True
                log.info("edit_failed", chat_id=chat_id, reason=exc.message)
                return False
            except TelegramAPIError as exc:  # blocked, a network error, a 5xx
                log.info("edit_failed", chat_id=chat_id, reason=str(exc)[:200])
                return False
        if view.ref:
            await self.workspace.remember_sent(PLATFORM, chat_id, str(message_id), view.ref)
        return True
