"""sendMessage as the adapter uses it: the keyboard goes as the JSON it is built into
once, and the answer is read for the message's id only.

aiogram's own SendMessage takes the keyboard as pydantic models, dumps them and walks
the dump field by field to encode each request (about 0.1 ms for a list's 18
buttons), and validates Telegram's answer into a full Message, keyboard included
(about 0.08 ms). A reply needs neither: the adapter builds the keyboard from the
view itself, and keeps only the id of what it sent. This is aiogram's documented way
to call a method (a TelegramMethod subclass through `bot(...)`), so its session,
error mapping (429, 403, ...) and middlewares apply unchanged.
"""

from __future__ import annotations

from typing import ClassVar

from aiogram.methods.base import TelegramMethod
from pydantic import BaseModel, ConfigDict


class Sent(BaseModel):
    """What Telegram answers to a sent message, as far as the adapter reads it."""

    model_config = ConfigDict(extra="ignore")

    message_id: int


class SendText(TelegramMethod[Sent]):
    """sendMessage with its JSON fields (reply_markup, ...) already serialised."""

    __returning__: ClassVar[type] = Sent
    __api_method__: ClassVar[str] = "sendMessage"

    chat_id: int | str
    text: str
    parse_mode: str | None = None
    reply_markup: str | None = None  # InlineKeyboardMarkup as JSON
    link_preview_options: str | None = None  # LinkPreviewOptions as JSON
    reply_parameters: str | None = None  # ReplyParameters as JSON


class EditText(TelegramMethod[Sent | bool]):
    """editMessageText with the keyboard already as JSON; its answer is not read."""

    __returning__: ClassVar[object] = Sent | bool
    __api_method__: ClassVar[str] = "editMessageText"

    chat_id: int | str
    message_id: int
    text: str
    parse_mode: str | None = None
    reply_markup: str | None = None
    link_preview_options: str | None = None
