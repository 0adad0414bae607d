"""Who writes: Slack user ids to neutral senders (name, locale and zone from users.info),
and the app's DM channel with each person (conversations.open), both cached."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import structlog
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.render import unescape
from handlers.events import Sender

log = structlog.get_logger(__name__)

# <@U123|anna>, <#C123|general>, <!here>, <https://x|label>, <mailto:a@b|a@b>
ENTITY = re.compile(r"<([@#!]?)([^<>|]*)(?:\|([^<>]*))?>")
MENTIONED = re.compile(r"<@([UW][A-Z0-9]{2,20})(?:\|([^<>]*))?>")


def team_of(body: dict[str, Any]) -> str | None:
    """The workspace a payload comes from: events, commands and interactions say it apart."""
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    user = body.get("user")
    if not team and isinstance(user, dict):
        team = user.get("team_id")
    return str(team) if team else None


class People:
    def __init__(
        self,
        client: AsyncWebClient,
        *,
        ttl: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
        size: int = 10_000,
    ) -> None:
        self.client = client
        self.ttl = ttl
        self.clock = clock
        self.size = size
        self._users: dict[str, tuple[float, dict[str, Any]]] = {}
        self._dms: dict[str, str] = {}

    async def info(self, user_id: str) -> dict[str, Any]:
        """The person's users.info (cached); {} when Slack did not answer."""
        return await self.lookup(user_id) or {}

    async def lookup(self, user_id: str) -> dict[str, Any] | None:
        """users.info, cached; the older answer, or None, when Slack did not answer (a
        failure is not cached: Slack is asked again next time)."""
        cached = self._users.get(user_id)
        now = self.clock()
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        try:
            response = await self.client.users_info(user=user_id, include_locale=True)
            user = dict(response.get("user") or {})
        except (SlackApiError, OSError, TimeoutError) as exc:
            log.warning("slack_users_info_failed", error=_error_of(exc))
            return cached[1] if cached is not None else None
        if len(self._users) >= self.size:
            self._users.clear()
        self._users[user_id] = (now, user)
        return user

    async def sender(self, user_id: str, team_id: str | None, fallback_name: str = "") -> Sender:
        return sender_of(user_id, await self.lookup(user_id), team_id, fallback_name)

    async def readable(self, text: str) -> str:
        """What a person typed, from Slack's text: mentions as @username, channels as
        #name, links as their address, and &amp; &lt; &gt; unescaped."""
        parts: list[str] = []
        last = 0
        for match in ENTITY.finditer(text):
            parts.append(unescape(text[last : match.start()]))
            last = match.end()
            sigil, target, label = match.groups()
            if sigil == "@":
                parts.append(await self._person(target, label))
            elif sigil == "#":
                parts.append("#" + unescape(label or target))
            elif sigil == "!":  # <!here>, <!subteam^S1|@devs>, <!date^…|Feb 18>: the label
                parts.append(unescape(label) if label else "@" + unescape(target.split("^", 1)[0]))
            else:
                parts.append(unescape(target.removeprefix("mailto:")))
        parts.append(unescape(text[last:]))
        return "".join(parts)

    async def mentions_readable(self, text: str) -> str:
        """Text typed into a modal (Slack sends it as typed, unescaped) with its people
        mentions (<@U123|anna>, <@U123>) as @username, as `readable` gives them; any
        other angle brackets are the person's own words and stay."""
        parts: list[str] = []
        last = 0
        for match in MENTIONED.finditer(text):
            parts.append(text[last : match.start()])
            parts.append(await self._person(*match.groups()))
            last = match.end()
        parts.append(text[last:])
        return "".join(parts)

    async def _person(self, user_id: str, label: str | None) -> str:
        if not label:
            label = (await self.info(user_id)).get("name") or user_id
        return "@" + unescape(label)

    async def dm_channel(self, user_id: str) -> str:
        """The app's DM with the person; their user id works as a channel if this fails."""
        known = self._dms.get(user_id)
        if known:
            return known
        try:
            response = await self.client.conversations_open(users=user_id)
            channel = str((response.get("channel") or {}).get("id") or "")
        except (SlackApiError, OSError, TimeoutError) as exc:
            log.warning("slack_conversations_open_failed", error=_error_of(exc))
            return user_id
        if not channel:
            return user_id
        self._dms[user_id] = channel
        return channel


def sender_of(
    user_id: str, user: dict[str, Any] | None, team_id: str | None, fallback_name: str = ""
) -> Sender:
    """The neutral sender from a users.info answer; None: Slack did not answer, so the
    profile is not known yet (the workspace asks again on a later contact)."""
    known = user is not None
    user = user or {}
    profile = user.get("profile") or {}
    name = (
        profile.get("display_name")
        or profile.get("real_name")
        or user.get("real_name")
        or user.get("name")
        or fallback_name
        or user_id
    )
    return Sender(
        external_id=user_id,
        name=str(name),
        username=user.get("name") or fallback_name or None,
        language_code=user.get("locale") or None,
        timezone=user.get("tz") or None,
        team_key=team_id or user.get("team_id") or None,
        # multi- and single-channel guests are outsiders, as extranet members are
        guest=bool(user.get("is_restricted") or user.get("is_ultra_restricted")),
        profile_known=known,
    )


def workspaces_of(user: dict[str, Any]) -> set[str]:
    """The workspaces a users.info answer places the person in: their own, and on an
    Enterprise Grid the organisation's workspaces they belong to."""
    found = {str(user.get("team_id") or "")}
    found.update(str(team) for team in (user.get("enterprise_user") or {}).get("teams") or [])
    return found - {""}


def _error_of(exc: BaseException) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or exc.response.status_code)
    return type(exc).__name__
