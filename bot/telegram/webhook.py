"""Webhook mode: aiohttp serves the configured path; Telegram must send the secret."""

from __future__ import annotations

import asyncio
import base64
import hmac
from typing import TYPE_CHECKING

import structlog
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

if TYPE_CHECKING:
    from bot.telegram.adapter import TelegramAdapter

log = structlog.get_logger(__name__)


def build_web_app(adapter: TelegramAdapter, secret: str) -> web.Application:
    """The aiohttp application: requests without the right secret get 401."""
    application = web.Application()
    # answered after the update is handled: a crash mid-way makes Telegram deliver it
    # again, and the inbox keeps the second delivery from repeating what was done
    handler = SimpleRequestHandler(
        dispatcher=adapter.dispatcher,
        bot=adapter.bot,
        secret_token=secret,
        handle_in_background=False,
    )
    handler.register(application, path=adapter.settings.path)
    setup_application(application, adapter.dispatcher, bot=adapter.bot)
    return application


async def serve_webhook(adapter: TelegramAdapter) -> None:
    settings = adapter.settings
    if not settings.webhook_url:
        raise ValueError("telegram.webhook_url is required in webhook mode")
    secret = webhook_secret(adapter)
    runner = web.AppRunner(build_web_app(adapter, secret))
    await runner.setup()
    try:
        site = web.TCPSite(runner, settings.host, settings.port)
        await site.start()
        for address in runner.addresses:
            if isinstance(address, tuple) and len(address) >= 2:
                adapter.webhook_port = int(address[1])
                break
        await adapter.bot.set_webhook(
            url=settings.webhook_url,
            secret_token=secret,
            allowed_updates=adapter.dispatcher.resolve_used_update_types(),
        )
        log.info("telegram_webhook", host=settings.host, port=adapter.webhook_port)
        adapter.ready.set()
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        await adapter.bot.session.close()


def webhook_secret(adapter: TelegramAdapter) -> str:
    """The configured secret; without one, a secret derived from the bot's token and the
    webhook's address: every process serving the webhook registers the same one (a
    random secret per process would have each turn away what another registered)."""
    secret = adapter.settings.webhook_secret
    if secret is not None and secret.get_secret_value():
        return secret.get_secret_value()
    token = adapter.settings.token.get_secret_value() if adapter.settings.token else ""
    digest = hmac.new(
        token.encode(), f"planerka-webhook:{adapter.settings.webhook_url}".encode(), "sha256"
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")  # Telegram: A-Z a-z 0-9 _ -
