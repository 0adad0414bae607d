"""The one slash command (/planerka by default) carries every chat command."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.slack.mentions import NotEnrolled, enroll_mentioned
from bot.slack.sender import Target, trigger_key
from handlers.events import Quote, split_head

if TYPE_CHECKING:
    from bot.slack.adapter import SlackAdapter


def split_command(text: str) -> tuple[str, str]:
    """'task buy milk' -> ('task', 'buy milk'); a leading slash is allowed; empty -> help."""
    head, rest = split_head(text)
    name = head.lstrip("/").split("@", 1)[0].lower()
    return (name or "help"), rest.strip()


def register(bolt: AsyncApp, slack: SlackAdapter) -> None:
    @bolt.command(slack.settings.command)
    async def on_command(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        slack.spawn(run(slack, body))


async def run(slack: SlackAdapter, body: dict[str, Any]) -> None:
    user = str(body.get("user_id") or "")
    raw = str(body.get("text") or "")
    missed = await enroll_mentioned(slack, raw, user, str(body.get("team_id") or "") or None)
    name, args = split_command(await slack.people.readable(raw))
    channel = str(body.get("channel_id") or "") or await slack.people.dm_channel(user)
    fallback = str(body.get("user_name") or "")
    await run_command(slack, body, user, channel, fallback, name, args, missed)


async def run_command(
    slack: SlackAdapter,
    body: dict[str, Any],
    user: str,
    channel: str,
    fallback_name: str,
    command: str,
    args: str,
    missed: Sequence[NotEnrolled] = (),
    *,
    quote: Quote | None = None,
) -> None:
    """Run one neutral command for a slash command or a shortcut (the message it was
    run on as `quote`), replying in place; the author first hears privately of the
    people it mentions who did not join."""
    event = await slack.event(
        body,
        user=user,
        channel=channel,
        fallback_name=fallback_name,
        kind="command",
        command=command,
        args=args,
        quote=quote,
        dedup_key=trigger_key(body),
    )
    target = Target(
        channel=channel,
        user=user,
        trigger_id=body.get("trigger_id"),
        response_url=body.get("response_url"),
        own_dm=event.chat.private,
    )
    if missed:
        tr = slack.translator_of(event)
        await slack.poster.deliver([person.view(tr) for person in missed], target, tr)
    await slack.run_event(event, target)
