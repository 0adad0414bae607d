"""Message shortcuts: "Create task from message" and "Create lead from message"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import structlog
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError

from bot.slack.commands import run_command
from bot.slack.mentions import enroll_mentioned
from bot.slack.people import team_of
from handlers.events import Quote

if TYPE_CHECKING:
    from bot.slack.adapter import SlackAdapter

log = structlog.get_logger(__name__)

# callback_id of the shortcut in the app's manifest -> the neutral command it runs: the
# message is someone else's words, so always a NEW task or lead of them (never "/task 12
# watch @boris" run for whoever pressed the shortcut), answered to that person alone; the
# message goes as a Quote, kept word for word with its author and link
SHORTCUTS = {"task_from_message": "task_from_text", "lead_from_message": "lead_from_text"}


def register(bolt: AsyncApp, slack: SlackAdapter) -> None:
    for callback_id, command in SHORTCUTS.items():
        bolt.shortcut(callback_id)(_listener(slack, command))


def _listener(slack: SlackAdapter, command: str) -> Any:
    async def on_shortcut(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        slack.spawn(run(slack, body, command))

    return on_shortcut


async def run(slack: SlackAdapter, body: dict[str, Any], command: str) -> None:
    user = str((body.get("user") or {}).get("id") or "")
    channel = str((body.get("channel") or {}).get("id") or "") or await slack.people.dm_channel(
        user
    )
    message = body.get("message") or {}
    raw = str(message.get("text") or "")
    author = str(message.get("user") or "")
    team = team_of(body)
    if author and author != user:  # of the workspace: a person of its team, who can watch
        await enroll_mentioned(slack, f"<@{author}>", user, team)
    text = (await slack.people.readable(raw)).strip()
    quote = Quote(
        text=text,
        author_id=author,
        author_name=(await slack.people.sender(author, team)).name if author else "",
        link=await permalink(slack, body, channel, str(message.get("ts") or "")),
    )
    fallback = str((body.get("user") or {}).get("username") or "")
    await run_command(slack, body, user, channel, fallback, command, text, quote=quote)


async def permalink(slack: SlackAdapter, body: dict[str, Any], channel: str, ts: str) -> str:
    """The message's link (chat.getPermalink); built from the workspace's address, the
    channel and the message's time stamp when Slack does not say it."""
    if not ts:
        return ""
    try:
        response = await slack.client.chat_getPermalink(channel=channel, message_ts=ts)
        if response.get("permalink"):
            return str(response["permalink"])
    except (SlackApiError, OSError, TimeoutError) as exc:
        log.warning("slack_permalink_failed", error=type(exc).__name__)
    domain = str((body.get("team") or {}).get("domain") or "")
    if not domain or not channel:
        return ""
    return f"https://{domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
