"""Message shortcuts: "Create task from message" and "Create lead from message"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.slack.commands import run_command

if TYPE_CHECKING:
    from bot.slack.adapter import SlackAdapter

# callback_id of the shortcut in the app's manifest -> the neutral command it runs: the
# message is someone else's words, so always a NEW task or lead of them (never "/task 12
# watch @boris" run for whoever pressed the shortcut), answered to that person alone
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
    text = await slack.people.readable(str((body.get("message") or {}).get("text") or ""))
    fallback = str((body.get("user") or {}).get("username") or "")
    await run_command(slack, body, user, channel, fallback, command, text.strip())
