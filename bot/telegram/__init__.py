"""Telegram: the whole workspace in a bot (aiogram 3)."""

from bot.telegram.adapter import TelegramAdapter

__all__ = ["TelegramAdapter"]
