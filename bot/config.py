"""Settings: config.toml, then PLANERKA_<SECTION>__<KEY> environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


class DatabaseSettings(BaseModel):
    url: str = "sqlite+aiosqlite:///data/planerka.sqlite3"
    echo: bool = False
    pool_size: int = 10
    # SQLite only: "inline" runs statements on the event loop's thread and waits for
    # locks asynchronously (models/sqlite_inline.py); "thread" is plain aiosqlite
    sqlite_driver: Literal["inline", "thread"] = "inline"


class WorkspaceSettings(BaseModel):
    default_timezone: str = "UTC"
    default_locale: Literal["ru", "en"] = "en"
    page_size: int = 10
    invite_ttl_days: int = 14
    # a new team's default quiet hours, in each person's own zone ("off": none); its
    # admins change them with /team quiet
    default_quiet_hours: str = "22:00-08:00"


class TelegramSettings(BaseModel):
    token: SecretStr | None = None
    mode: Literal["polling", "webhook"] = "polling"
    api_base_url: str = "https://api.telegram.org"
    webhook_url: str = ""
    webhook_secret: SecretStr | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    path: str = "/telegram/webhook"
    bot_username: str = ""


class SlackSettings(BaseModel):
    bot_token: SecretStr | None = None
    signing_secret: SecretStr | None = None
    app_token: SecretStr | None = None
    host: str = "127.0.0.1"
    port: int = 3000
    api_base_url: str = "https://slack.com/api/"
    command: str = "/planerka"


class WebSettings(BaseModel):
    """The bot's own web server (iCal subscription feeds, CRM lead pages)."""

    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = 8090
    public_url: str = ""  # how calendars reach it, e.g. https://bot.example.com


class SchedulerSettings(BaseModel):
    enabled: bool = True
    planner_interval_seconds: float = 30.0
    dispatcher_interval_seconds: float = 1.0
    catch_up_minutes: int = 15


class LoggingSettings(BaseModel):
    level: str = "INFO"
    json_output: bool = Field(default=False, alias="json")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PLANERKA_",
        env_nested_delimiter="__",
        extra="ignore",
        populate_by_name=True,
    )

    database: DatabaseSettings = DatabaseSettings()
    workspace: WorkspaceSettings = WorkspaceSettings()
    telegram: TelegramSettings = TelegramSettings()
    slack: SlackSettings = SlackSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    web: WebSettings = WebSettings()
    logging: LoggingSettings = LoggingSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        path = Path(os.environ.get("PLANERKA_CONFIG", "config.toml"))
        toml = TomlConfigSettingsSource(settings_cls, toml_file=path)
        return (init_settings, env_settings, toml)

    @property
    def telegram_enabled(self) -> bool:
        return self.telegram.token is not None and bool(self.telegram.token.get_secret_value())

    @property
    def slack_enabled(self) -> bool:
        token = self.slack.bot_token
        return token is not None and bool(token.get_secret_value())


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
