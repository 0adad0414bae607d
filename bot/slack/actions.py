"""Buttons (block_actions): each button's value is the neutral action string."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.slack.render import ACTION_ID
from bot.slack.sender import Target, trigger_key

if TYPE_CHECKING:
    from bot.slack.adapter import SlackAdapter


def register(bolt: AsyncApp, slack: SlackAdapter) -> None:
    @bolt.action(ACTION_ID)
    async def on_action(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        slack.spawn(run(slack, body))


async def run(slack: SlackAdapter, body: dict[str, Any]) -> None:
    pressed = (body.get("actions") or [{}])[0]
    value = str(pressed.get("value") or "")
    user = str((body.get("user") or {}).get("id") or "")
    container = body.get("container") or {}
    view = body.get("view") or {}
    from_home = container.get("type") == "view" and view.get("type") == "home"
    channel = str(
        (body.get("channel") or {}).get("id") or container.get("channel_id") or ""
    ) or await slack.people.dm_channel(user)
    event = await slack.event(
        body,
        user=user,
        channel=channel,
        fallback_name=str((body.get("user") or {}).get("username") or ""),
        kind="action",
        action=value,
        dedup_key=trigger_key(body),
    )
    target = Target(
        channel=channel,
        user=user,
        trigger_id=body.get("trigger_id"),
        response_url=body.get("response_url"),
        message_ts=container.get("message_ts") if container.get("type") == "message" else None,
        ephemeral=bool(container.get("is_ephemeral")),
        own_dm=event.chat.private,
    )
    await slack.run_event(event, target)
    if from_home:
        await slack.publish_home(user, event.sender.team_key)
