"""Events API: messages in the app's DM (dialogs, plain text, files) and App Home."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.slack.sender import Target
from handlers.events import FileRef, parse_command_line

if TYPE_CHECKING:
    from bot.slack.adapter import SlackAdapter

# message subtypes a person produces; edits, joins and bot posts are not messages to us
PERSON_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})


def register(bolt: AsyncApp, slack: SlackAdapter) -> None:
    @bolt.event("message")
    async def on_message(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        event = body.get("event") or {}
        if (
            event.get("channel_type") != "im"
            or event.get("bot_id")
            or event.get("subtype") not in PERSON_SUBTYPES
            or not event.get("user")
        ):
            return
        slack.spawn(on_dm(slack, body, event))

    @bolt.event("app_home_opened")
    async def on_home(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        event = body.get("event") or {}
        if event.get("tab", "home") == "home" and event.get("user"):
            slack.spawn(slack.publish_home(str(event["user"]), body.get("team_id")))


def file_of(event: dict[str, Any]) -> FileRef | None:
    for item in event.get("files") or []:
        url = item.get("url_private_download") or item.get("url_private")
        if url:
            return FileRef(
                file_id=str(url),
                name=str(item.get("name") or "file"),
                size=int(item.get("size") or 0),
                mime=str(item.get("mimetype") or "application/octet-stream"),
            )
    return None


async def on_dm(slack: SlackAdapter, body: dict[str, Any], event: dict[str, Any]) -> None:
    user = str(event["user"])
    channel = str(event.get("channel") or "")
    text = (await slack.people.readable(str(event.get("text") or ""))).strip()
    thread = event.get("thread_ts")
    fields: dict[str, Any] = {
        "dedup_key": f"event:{body.get('event_id')}" if body.get("event_id") else None,
        "reply_to": str(thread) if thread and thread != event.get("ts") else None,
    }
    file = file_of(event)
    command = parse_command_line(text)
    if file is not None:
        fields.update(kind="file", file=file, args=text)
    elif command is not None:
        fields.update(kind="command", command=command[0], args=command[1])
    else:
        fields.update(kind="text", args=text)
    incoming = await slack.event(body, user=user, channel=channel, **fields)
    target = Target(channel=channel, user=user, own_dm=incoming.chat.private)
    await slack.run_event(incoming, target)
