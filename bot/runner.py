"""`python -m bot run`: start whatever is configured, or the console when nothing is."""

from __future__ import annotations

import asyncio
import gc
import signal
from collections.abc import Coroutine
from typing import Any

import structlog

from bot.adapters import Adapter
from bot.app import App, build_app
from bot.config import Settings
from bot.console import Console
from bot.migrate import upgrade_async

log = structlog.get_logger(__name__)


def freeze_startup_heap() -> None:
    """Call once start-up has built everything: the objects alive then (modules,
    classes, pydantic and SQLAlchemy schemas, translations: hundreds of thousands)
    live as long as the process. Frozen, a full garbage collection no longer walks
    them, which otherwise stalls the event loop, and every chat, for 100-300 ms."""
    gc.collect()
    gc.freeze()


def configured_adapters(app: App) -> list[Adapter]:
    adapters: list[Adapter] = []
    settings = app.settings
    if settings.telegram_enabled:
        from bot.telegram import TelegramAdapter

        adapters.append(TelegramAdapter(app))
    if settings.slack_enabled:
        from bot.slack import SlackAdapter

        adapters.append(SlackAdapter(app))
    return adapters


def scheduler_job(app: App, adapters: list[Adapter]) -> Coroutine[Any, Any, None] | None:
    """The reminder planner and the outbox dispatcher, when enabled."""
    if not app.settings.scheduler.enabled:
        return None
    try:
        from scheduler.service import run_scheduler
    except ImportError:
        log.warning("scheduler_unavailable")
        return None
    senders = {adapter.platform: adapter.sender for adapter in adapters}
    return run_scheduler(app.workspace.sessionmaker, senders, app.settings.scheduler)


async def run(
    settings: Settings, *, console_user: str = "admin", console_lang: str | None = None
) -> int:
    await upgrade_async(settings.database.url)
    app = build_app(settings)
    try:
        adapters = configured_adapters(app)
        jobs: list[Coroutine[Any, Any, None]] = [adapter.run() for adapter in adapters]
        scheduler = scheduler_job(app, adapters)
        if not adapters:
            console = Console(
                app.workspace,
                user=console_user,
                lang=console_lang or settings.workspace.default_locale,
            )
            # beside the console: the reminders, and the web server when it is on (the
            # lead pages and calendar feeds the console hands out addresses of)
            side: list[Coroutine[Any, Any, None]] = []
            if scheduler is not None:
                side.append(scheduler)
            if settings.web.enabled:
                from bot.web import run_web

                side.append(run_web(app))
            background = [asyncio.ensure_future(job) for job in side]
            try:
                await console.run()
            finally:
                for task in background:
                    task.cancel()
                await asyncio.gather(*background, return_exceptions=True)
            return 0
        if scheduler is not None:
            jobs.append(scheduler)
        if settings.web.enabled:
            from bot.web import run_web

            jobs.append(run_web(app))
        log.info("starting", platforms=[adapter.platform for adapter in adapters])
        freeze_startup_heap()
        await run_together(jobs)
        return 0
    finally:
        await app.close()


async def run_together(jobs: list[Any]) -> None:
    """Run the jobs until one ends or fails; then stop the others before the app
    closes (so nothing still sends or writes while the engine goes away)."""
    tasks = [asyncio.ensure_future(job) for job in jobs]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            task.result()  # a failure propagates, after the others are stopped
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def until_terminated(main: Coroutine[Any, Any, int]) -> int:
    """Run `main`; SIGTERM (a service manager's stop) ends it as Ctrl+C does: the jobs
    stop (the Telegram poller confirms what it handled), the app closes (sent-message
    refs written), and the process exits with 0 instead of dying mid-update. A second
    SIGTERM during that shutdown ends the process at once, as a second Ctrl+C does."""
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(main)
    asked = False

    def stop() -> None:
        nonlocal asked
        asked = True
        log.info("stopping", signal="SIGTERM")
        loop.remove_signal_handler(signal.SIGTERM)  # the next one has its default effect
        task.cancel()

    try:
        loop.add_signal_handler(signal.SIGTERM, stop)
    except (NotImplementedError, RuntimeError):  # no signals here (Windows, a thread)
        return await task
    try:
        return await task
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if not asked or not task.cancelled() or (current is not None and current.cancelling()):
            raise  # not (only) our stop: Ctrl+C, or a caller's cancel, goes on up
        log.info("stopped")
        return 0
    finally:
        loop.remove_signal_handler(signal.SIGTERM)
