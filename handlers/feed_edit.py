"""Changing what was posted: the author edits a post or a comment, and deletes it
(an admin may delete anyone's, and its author is told); deleting asks first.

/post 12 edit TEXT · /post 12 delete · /post 12 comment TEXT, and the buttons on a post
card and on one's comments (their verbs: handlers.feed.EDIT_VERBS)."""

from __future__ import annotations

from typing import Any

from handlers.calendar_views import SHOWN_COMMENT, shorten
from handlers.core import Ctx, Router
from handlers.feed_cards import author_name, card_reply, show_post, title_of
from handlers.feed_comments import comment_buttons, comment_on
from handlers.forms import Field, Form
from handlers.i18n import N_
from handlers.markup import bold, join_lines
from handlers.numbered import COMMENT, DELETE, EDIT
from handlers.views import Button, View
from services import feed, feed_comments, feed_polls
from services.errors import N_ as _N
from services.errors import DomainError

router = Router(__name__)
ORDER = 72

# the actions typed after a post's number: /post 12 edit TEXT · delete · comment TEXT
POST_ACTIONS = (*EDIT, *DELETE, *COMMENT)


async def subcommand(ctx: Ctx, post_id: int, verb: str, arg: str) -> View | list[View]:
    """/post 12 (open it) · /post 12 edit TEXT · /post 12 delete · /post 12 comment TEXT;
    a post the person does not see is not found, whatever the action."""
    if not verb:
        return await show_post(ctx, post_id)
    if verb in EDIT:
        if not arg:
            return await start_edit(ctx, post_id)
        return await edited(ctx, await feed.update_post(ctx.session, ctx.me, post_id, arg))
    if verb in DELETE:
        return await confirm_delete(ctx, post_id)
    return await comment_on(ctx, post_id, arg)


async def act(ctx: Ctx, verb: str, item_id: int) -> Any:
    """The buttons: x, xy, e on a post; ce, cx, cxy on a comment (`item_id` is its id)."""
    if verb == "x":
        return await confirm_delete(ctx, item_id)
    if verb == "xy":
        return await delete(ctx, item_id)
    if verb == "e":
        return await start_edit(ctx, item_id)
    if verb == "ce":
        await feed_comments.get_comment(ctx.session, ctx.me, item_id)
        return await ctx.start_form("comment_edit", {"comment_id": item_id})
    if verb == "cx":
        post, comment = await feed_comments.get_comment(ctx.session, ctx.me, item_id, deleting=True)
        view = View(
            body=ctx.tr(
                "Delete the comment «{text}» under «{post}»?",
                text=shorten(comment.text, SHOWN_COMMENT),
                post=title_of(post),
            ),
            private=True,
        )
        return view.row(
            Button(ctx.tr.s("Yes, delete it"), f"fd:cxy:{comment.id}"),
            Button(ctx.tr.s("Keep it"), f"fd:o:{post.id}"),
        )
    post = await feed_comments.delete_comment(ctx.session, ctx.me, item_id)  # cxy
    return await card_reply(ctx, post, ctx.tr("The comment is deleted."))


async def start_edit(ctx: Ctx, post_id: int) -> Any:
    post = await feed.get_post_to_change(ctx.session, ctx.me, post_id)
    if post.author_id != ctx.me.user_id:
        raise DomainError(_N("Only the author can edit the post."))
    return await ctx.start_form("post_edit", {"post_id": post.id})


async def edited(ctx: Ctx, post: Any) -> View | list[View]:
    return await card_reply(ctx, post, ctx.tr("The post is changed."), controls=True)


async def confirm_delete(ctx: Ctx, post_id: int) -> View:
    """Deleting cannot be undone: the post or poll is named, what goes with it counted,
    and the person asked once (in a shared chat, alone)."""
    post = await feed.deletable(ctx.session, ctx.me, post_id)
    poll = await feed_polls.poll_of_post(ctx.session, post.id)
    _likes, notes, _reads = await feed.counts(ctx.session, post.id)
    lines: list[Any] = []
    if poll is None:
        lines.append(
            ctx.tr("Delete the post «{post}»? This cannot be undone.", post=title_of(post))
        )
    else:
        votes = sum(r.votes for r in await feed_polls.results(ctx.session, poll))
        lines.append(
            ctx.tr("Delete the poll «{post}»? This cannot be undone.", post=title_of(post))
        )
        if votes:
            lines.append(ctx.tr.n("Its {n} vote goes with it.", "Its {n} votes go with it.", votes))
    if notes:
        lines.append(
            ctx.tr.n("Its {n} comment goes with it.", "Its {n} comments go with it.", notes)
        )
    if post.author_id is not None and post.author_id != ctx.me.user_id:
        lines.append(
            ctx.tr(
                "{person} will be told that you deleted it.",
                person=bold(await author_name(ctx, post)),
            )
        )
    view = View(body=join_lines(lines), ref=f"post:{post.id}", private=True)
    return view.row(
        Button(ctx.tr.s("Yes, delete it"), f"fd:xy:{post.id}"),
        Button(ctx.tr.s("Keep it"), f"fd:o:{post.id}"),
    )


async def delete(ctx: Ctx, post_id: int) -> View:
    """Delete a post or poll; an admin's deleting someone else's tells its author."""
    post = await feed.delete_post(ctx.session, ctx.me, post_id)
    if post.author_id is not None:
        title = title_of(post)
        await ctx.notify(
            post.author_id,
            "post",
            lambda tr: View(
                body=tr(
                    "{person} deleted your post «{post}».", person=bold(ctx.me.name), post=title
                )
            ),
        )
    return View(body=ctx.tr("The post is deleted."), private=True)


async def _submit_post(ctx: Ctx, values: dict[str, Any]) -> View | list[View]:
    return await edited(
        ctx, await feed.update_post(ctx.session, ctx.me, int(values["post_id"]), values["text"])
    )


async def _submit_comment(ctx: Ctx, values: dict[str, Any]) -> View | list[View]:
    post, comment = await feed_comments.update_comment(
        ctx.session, ctx.me, int(values["comment_id"]), values["text"]
    )
    return await card_reply(
        ctx, post, ctx.tr("The comment is changed."), comment_buttons(ctx, comment)
    )


router.form(
    Form(
        name="post_edit",
        title=N_("Edit the post"),
        fields=[Field("text", N_("The new text of the post?"), multiline=True)],
        submit=_submit_post,
    )
)
router.form(
    Form(
        name="comment_edit",
        title=N_("Edit the comment"),
        fields=[Field("text", N_("The new text of your comment?"), multiline=True)],
        submit=_submit_comment,
    )
)
