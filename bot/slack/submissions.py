"""Modal submissions (view_submission): the whole neutral form at once.

The form is checked before the ack, because field errors go back in the ack itself
(response_action "errors"); the rest of the reply is posted after it. Slack waits 3 s
from the request's arrival, the look-ups of who submitted it included: when the answer
is not ready by then, the modal stays open as it was filled in (response_action
"update") and is updated when the answer comes, with what to correct or a "Saved".
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import structlog
from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.slack import modals
from bot.slack.mentions import form_values
from bot.slack.sender import Target, error_code
from handlers.events import Incoming
from handlers.markup import Span
from handlers.views import View

if TYPE_CHECKING:
    from bot.slack.adapter import SlackAdapter

log = structlog.get_logger(__name__)

ACK_WITHIN = 2.0  # seconds from the request's arrival: Slack's 3 s, less the way there and back

Answer = tuple[Incoming, Target, list[View]]


def _errors(views: list[View]) -> dict[str, str]:
    for reply in views:
        errors = (reply.form or {}).get("errors")
        if errors:
            return {str(k): str(v) for k, v in errors.items()}
    return {}


async def _answer(slack: SlackAdapter, body: dict[str, Any]) -> Answer:
    """Who submitted what, and the workspace's answer to it."""
    view = body.get("view") or {}
    meta = modals.metadata_of(view)
    user = str((body.get("user") or {}).get("id") or "")
    channel = meta.get("c") or await slack.people.dm_channel(user)
    read = await form_values(slack, body, user)
    event = await slack.event(
        body,
        user=user,
        channel=channel,
        fallback_name=str((body.get("user") or {}).get("username") or ""),
        kind="form",
        form_name=meta.get("f", ""),
        form_values=read.values,
        dedup_key=f"view:{view.get('id')}:{view.get('hash')}" if view.get("id") else None,
    )
    target = Target(
        channel=channel,
        user=user,
        response_url=meta.get("r") or None,
        own_dm=event.chat.private,
    )
    tr = slack.translator_of(event)
    if read.refused:  # in place, before anything is done
        errors = {name: person.error(tr) for name, person in read.refused.items()}
        return event, target, [View(form={"errors": errors})]
    return event, target, [person.view(tr) for person in read.missed] + await slack.handle(event)


async def _answer_late(
    slack: SlackAdapter, work: asyncio.Future[Answer], view: dict[str, Any]
) -> None:
    """The answer after the ack: the modal kept open shows what to correct, or that it
    is saved (then the reply is posted); if it cannot be updated, a message says it."""
    event, target, views = await work
    tr = slack.translator_of(event)
    errors = _errors(views)
    if errors:
        labels = modals.labels_of(view)
        lines = [tr.s("Please correct the form:")]
        lines += [f"• {labels.get(name) or name}: {error}" for name, error in errors.items()]
        note = "\n".join(lines)
        shown, replies = modals.resubmittable(view, note), []
    else:
        shown, replies = modals.finished(view, tr.s("Saved."), tr.s("Close")), views
    try:
        await slack.poster.calls.call("views.update", attempts=1, view_id=view["id"], view=shown)
    except Exception as exc:  # closed meanwhile, or Slack refused: a message says it
        log.info("slack_modal_update_failed", error=error_code(exc))
        if errors:
            replies = [View(body=[Span(note)], private=True)]
    await slack.poster.deliver(replies, target, tr)


def register(bolt: AsyncApp, slack: SlackAdapter) -> None:
    @bolt.view(modals.CALLBACK_ID)
    async def on_submit(ack: AsyncAck, body: dict[str, Any]) -> None:
        loop = asyncio.get_running_loop()
        arrived = loop.time()  # Slack counts from here, our look-ups of the person included
        work = asyncio.ensure_future(_answer(slack, body))
        try:
            # the person's earlier work may hold the turn
            left = max(0.0, ACK_WITHIN - (loop.time() - arrived))
            event, target, views = await asyncio.wait_for(asyncio.shield(work), left)
        except TimeoutError:
            # the modal stays open as it was filled in; its answer updates it
            view = body.get("view") or {}
            await ack(response_action="update", view=modals.resubmittable(view))
            slack.spawn(_answer_late(slack, work, view))
            return
        errors = _errors(views)
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        slack.spawn(slack.poster.deliver(views, target, slack.reply_translator(event, views)))

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
