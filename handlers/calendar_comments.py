"""A comment on an event: the people mentioned with @name who may see it told of the
mention, its other people of the comment (kept by services.calendar_comments)."""

from __future__ import annotations

from typing import Any

from handlers.calendar_views import card_view, shorten
from handlers.core import Ctx
from handlers.forms import Field, Form
from handlers.i18n import N_
from handlers.markup import Span, bold
from handlers.people import AT_NAME
from handlers.views import Button, View
from models import db
from models.teams import User
from services import calendar, calendar_answers, calendar_comments, users
from services.access import Actor
from services.errors import DomainError


async def add_comment(ctx: Ctx, event_id: int, text: str) -> View:
    event, comment = await calendar_comments.add_comment(ctx.session, ctx.me, event_id, text)
    series_id = event.parent_id or event.id
    mentioned: set[int] = set()
    for token in AT_NAME.findall(text):
        found = await users.find_people(ctx.session, ctx.me, token, handle=True)
        if len(found) == 1:
            mentioned.add(found[0].id)
    for user_id in mentioned:
        user = await db.get(ctx.session, User, user_id)
        if user is None:
            continue
        try:  # a mention tells only people who may see the event (it names it)
            await calendar.get_event(ctx.session, Actor.of(user), series_id)
        except DomainError:
            continue
        await ctx.notify(
            user_id,
            "mention",
            lambda tr: View(
                body=tr(
                    "{person} mentioned you in {title}: {text}",
                    person=bold(ctx.me.name),
                    title=bold(event.title),
                    text=shorten(comment.text, 1000),
                ),
                ref=f"event:{series_id}",
            ).row(Button(tr.s("Open"), f"ev:o:{series_id}")),
            ref=f"event:{series_id}",
        )
    for user_id in await calendar_answers.people_to_tell(ctx.session, event):
        if user_id in mentioned:
            continue
        await ctx.notify(
            user_id,
            "comment",
            lambda tr: View(
                body=tr(
                    "{person} commented on {title}: {text}",
                    person=bold(ctx.me.name),
                    title=bold(event.title),
                    text=shorten(comment.text, 1000),
                ),
                ref=f"event:{series_id}",
            ).row(Button(tr.s("Open"), f"ev:o:{series_id}")),
            ref=f"event:{series_id}",
        )
    view = await card_view(ctx, await calendar.get_occurrence(ctx.session, ctx.me, series_id, None))
    view.body = [*ctx.tr("Comment added."), Span("\n\n"), *view.body]
    return view


async def _submit_comment(ctx: Ctx, values: dict[str, Any]) -> View:
    return await add_comment(ctx, int(values["event_id"]), values["text"])


FORMS = [
    Form(
        name="event_comment",
        title=N_("Comment"),
        fields=[Field("text", N_("Your comment? Mention people with @name."), multiline=True)],
        submit=_submit_comment,
    ),
]
