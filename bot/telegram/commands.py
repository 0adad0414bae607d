"""The "/" command menu Telegram shows, for private and group chats, in each language."""

from __future__ import annotations

import re

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats

from bot.telegram.sender import PLATFORM
from handlers.i18n import translator
from handlers.routing import Registry

COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
MENU_LANGUAGES = ("en", "ru")
MENU_SCOPES = (
    ("private", BotCommandScopeAllPrivateChats()),
    ("group", BotCommandScopeAllGroupChats()),
)


def menu(registry: Registry, lang: str, kind: str = "private") -> list[BotCommand]:
    """The "/" menu of private chats or of group chats, in one language."""
    tr = translator(lang)
    out: list[BotCommand] = []
    for spec in registry.ordered:
        if spec.hidden or (spec.platforms is not None and PLATFORM not in spec.platforms):
            continue
        if spec.chats and spec.chats != kind:  # /bind: group chats only
            continue
        if not COMMAND_NAME.fullmatch(spec.name):
            continue
        description = tr.s(spec.help).strip() or spec.name
        out.append(BotCommand(command=spec.name, description=description[:256]))
    return out[:100]


async def set_commands(bot: Bot, registry: Registry, default: str) -> None:
    """Private and group chats each get their menu, by default (in the `default`
    language) and per language."""
    for kind, scope in MENU_SCOPES:
        await bot.set_my_commands(menu(registry, default, kind), scope=scope)
        for lang in MENU_LANGUAGES:
            await bot.set_my_commands(menu(registry, lang, kind), scope=scope, language_code=lang)
