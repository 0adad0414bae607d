"""The bot's web server: private iCal subscription feeds at /ics/<secret>.ics that
Google Calendar or Outlook poll. The secret is checked against its stored hash."""

from __future__ import annotations

import asyncio
from urllib.parse import urlparse

import structlog
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import App
from services import calendar_ics

log = structlog.get_logger(__name__)
SESSIONS: web.AppKey[async_sessionmaker[AsyncSession]] = web.AppKey("sessions")
HOST: web.AppKey[str] = web.AppKey("host")


async def ics_feed(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if not name.endswith(".ics"):
        raise web.HTTPNotFound()
    token = name[: -len(".ics")]
    async with request.app[SESSIONS]() as session, session.begin():
        text = await calendar_ics.feed_text(session, token, host=request.app[HOST])
    if text is None:
        # the same answer for a wrong and a revoked secret
        raise web.HTTPNotFound()
    return web.Response(
        body=text.encode(),
        content_type="text/calendar",
        charset="utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )


def make_web_app(
    sessions: async_sessionmaker[AsyncSession], public_url: str = ""
) -> web.Application:
    app = web.Application()
    app[SESSIONS] = sessions
    app[HOST] = urlparse(public_url).hostname or "planerka"
    app.router.add_get("/ics/{name}", ics_feed)
    return app


async def run_web(app: App) -> None:
    settings = app.settings.web
    # no access log: request lines carry the feeds' secret tokens
    runner = web.AppRunner(
        make_web_app(app.workspace.sessionmaker, settings.public_url), access_log=None
    )
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
    log.info("web_started", host=settings.host, port=settings.port)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
