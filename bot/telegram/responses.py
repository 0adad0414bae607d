"""Keep aiogram's parsed response classes alive.

For every Bot API call aiogram parametrises its generic `Response[T]` with the
method's return type. pydantic caches parametrised classes in a weak-valued
dictionary, and such classes sit in reference cycles, so a garbage collection
frees them and the next call builds the class again: about 6 ms for
`Response[Message]`, every few dozen calls of a busy bot. Holding them here keeps
pydantic's cache warm for the process's lifetime.
"""

from __future__ import annotations

from typing import Any

from aiogram import methods
from aiogram.client.session.base import Response

from bot.telegram.methods import EditText, SendText

USED_METHODS = (
    methods.AnswerCallbackQuery,
    methods.DeleteWebhook,
    methods.EditMessageReplyMarkup,
    methods.EditMessageText,
    methods.GetFile,
    methods.GetMe,
    methods.GetUpdates,
    methods.SendDocument,
    methods.SendMessage,
    methods.SendPhoto,
    methods.SetMyCommands,
    methods.SetWebhook,
    SendText,
    EditText,
)

_held: dict[Any, Any] = {}


def hold_response_types() -> None:
    """Build (once) and hold Response[T] for the methods the adapter calls."""
    for method in USED_METHODS:
        returning = method.__returning__
        if returning not in _held:
            _held[returning] = Response[returning]  # type: ignore[valid-type]
