"""The composition root: settings -> engine -> workspace."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from handlers.app import build_registry
from handlers.core import Services
from handlers.dispatch import Workspace
from models.db import create_engine, create_sessionmaker
from services.errors import DomainError
from services.notifications_settings import parse_hours


@dataclass
class App:
    settings: Settings
    engine: AsyncEngine
    workspace: Workspace

    async def close(self) -> None:
        await self.workspace.close()
        await self.engine.dispose()


def quiet_hours(text: str) -> tuple[int, int] | None:
    """The setting workspace.default_quiet_hours: "22:00-08:00", or "off" for none."""
    if text.strip().lower() in ("", "off", "none"):
        return None
    try:
        start, end = parse_hours(text)
    except DomainError as exc:
        raise ValueError(
            f"workspace.default_quiet_hours: {text!r} is not like 22:00-08:00"
        ) from exc
    return None if start == end else (start, end)


def build_app(settings: Settings, *, database_url: str | None = None) -> App:
    url = database_url or settings.database.url
    engine = create_engine(
        url,
        echo=settings.database.echo,
        pool_size=settings.database.pool_size,
        sqlite_driver=settings.database.sqlite_driver,
    )
    services = Services(
        page_size=settings.workspace.page_size,
        default_timezone=settings.workspace.default_timezone,
        default_locale=settings.workspace.default_locale,
        invite_ttl_days=settings.workspace.invite_ttl_days,
        default_quiet_hours=quiet_hours(settings.workspace.default_quiet_hours),
        public_url=settings.web.public_url.rstrip("/") if settings.web.enabled else "",
    )
    workspace = Workspace(create_sessionmaker(engine), build_registry(), services)
    return App(settings=settings, engine=engine, workspace=workspace)
