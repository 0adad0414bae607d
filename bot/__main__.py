"""python -m bot [run|console|scheduler|migrate]"""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.app import build_app
from bot.config import load_settings
from bot.console import Console
from bot.logs import setup_logging
from bot.migrate import upgrade_async


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Planerka, a team workspace in chat"
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="start what is configured; the console when nothing is")
    console = sub.add_parser("console", help="chat with the workspace in this terminal")
    console.add_argument("--db", help="database URL (default: from the settings)")
    console.add_argument("--user", default="admin", help="who you are (default: admin)")
    console.add_argument("--lang", choices=["ru", "en"], default=None, help="your language")
    console.add_argument(
        "--tz", default=None, help="your time zone for a new person, e.g. Europe/Moscow"
    )
    sub.add_parser(
        "scheduler", help="run only the reminder planner and the outbox dispatcher (scale-out)"
    )
    migrate = sub.add_parser("migrate", help="apply database migrations")
    migrate.add_argument("--db", help="database URL (default: from the settings)")
    return parser


async def _console(db: str | None, user: str, lang: str | None, tz: str | None) -> int:
    settings = load_settings()
    url = db or settings.database.url
    await upgrade_async(url)
    app = build_app(settings, database_url=url)
    try:
        console = Console(
            app.workspace,
            user=user,
            lang=lang or settings.workspace.default_locale,
            timezone=tz,
        )
        await console.run()
    finally:
        await app.close()
    return 0


async def _run() -> int:
    from bot.runner import run, until_terminated

    return await until_terminated(run(load_settings()))


async def _scheduler() -> int:
    from bot.runner import until_terminated

    return await until_terminated(_scheduler_only())


async def _scheduler_only() -> int:
    from bot.runner import configured_adapters, freeze_startup_heap
    from scheduler.service import run_scheduler

    settings = load_settings()
    await upgrade_async(settings.database.url)
    app = build_app(settings)
    try:
        senders = {adapter.platform: adapter.sender for adapter in configured_adapters(app)}
        freeze_startup_heap()
        await run_scheduler(app.workspace.sessionmaker, senders, settings.scheduler)
    finally:
        await app.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = load_settings()
    setup_logging(settings.logging.level, settings.logging.json_output)
    if args.command in (None, "run"):
        return asyncio.run(_run())
    if args.command == "console":
        return asyncio.run(_console(args.db, args.user, args.lang, args.tz))
    if args.command == "scheduler":
        return asyncio.run(_scheduler())
    if args.command == "migrate":
        from bot.migrate import upgrade

        upgrade(args.db or settings.database.url)
        print("migrated")
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
