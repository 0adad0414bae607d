"""Modal submissions (view_submission): the whole neutral form at once.

The form is checked before the ack, because field errors go back in the ack itself
(response_action "errors"); the rest of the reply is posted after it.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.slack import modals
from bot.slack.sender import Target
from handlers.events import Incoming
from handlers.views import View

if TYPE_CHECKING:
    from bot.slack.adapter import SlackAdapter


ACK_WITHIN = 2.0  # seconds: Slack's 3 s, less the way there and back


async def _deliver_later(
    slack: SlackAdapter, work: asyncio.Future[list[View]], target: Target, event: Incoming
) -> None:
    views = await work
    await slack.poster.deliver(views, target, slack.translator_of(event))


def register(bolt: AsyncApp, slack: SlackAdapter) -> None:
    @bolt.view(modals.CALLBACK_ID)
    async def on_submit(ack: AsyncAck, body: dict[str, Any]) -> None:
        view = body.get("view") or {}
        meta = modals.metadata_of(view)
        user = str((body.get("user") or {}).get("id") or "")
        channel = meta.get("c") or await slack.people.dm_channel(user)
        event = await slack.event(
            body,
            user=user,
            channel=channel,
            fallback_name=str((body.get("user") or {}).get("username") or ""),
            kind="form",
            form_name=meta.get("f", ""),
            form_values=modals.submitted_values(view),
            dedup_key=f"view:{view.get('id')}:{view.get('hash')}" if view.get("id") else None,
        )
        target = Target(
            channel=channel,
            user=user,
            response_url=meta.get("r") or None,
            own_dm=event.chat.private,
        )
        work = asyncio.ensure_future(slack.handle(event))
        try:
            # Slack waits 3 s for the ack; the person's earlier work may hold the turn
            views = await asyncio.wait_for(asyncio.shield(work), ACK_WITHIN)
        except TimeoutError:
            await ack()  # the modal closes; the answer (or its errors) comes as a message
            slack.spawn(_deliver_later(slack, work, target, event))
            return
        for reply in views:
            errors = (reply.form or {}).get("errors")
            if errors:
                await ack(response_action="errors", errors={k: str(v) for k, v in errors.items()})
                return
        await ack()
        slack.spawn(slack.poster.deliver(views, target, slack.translator_of(event)))

    @bolt.view_closed(modals.CALLBACK_ID)
    async def on_close(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        slack.spawn(closed(slack, body))


async def closed(slack: SlackAdapter, body: dict[str, Any]) -> None:
    """The person closed the modal: its dialog is cancelled, quietly."""
    meta = modals.metadata_of(body.get("view") or {})
    user = str((body.get("user") or {}).get("id") or "")
    if not meta.get("c") or not user:
        return
    event = await slack.event(body, user=user, channel=meta["c"], kind="action", action="f:cancel")
    await slack.handle(event)
