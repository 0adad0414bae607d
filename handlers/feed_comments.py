"""Comments on posts: adding one (with the notices to those mentioned and to the other
commenters, gathered while unread), one's own comment's buttons and the page of all."""

from __future__ import annotations

from collections.abc import Callable

from handlers.calendar_views import comments_view, shorten
from handlers.core import Ctx
from handlers.feed_cards import card_reply, title_of
from handlers.i18n import N_, Translator
from handlers.markup import Markup, bold
from handlers.people import AT_NAME
from handlers.views import Button, View
from models.feed import PostComment
from services import feed, feed_comments, notifications, users


def comment_buttons(ctx: Ctx, comment: PostComment, label: str = "") -> list[Button]:
    """One's own comment: edit it, delete it (named by `label` among several)."""
    suffix = f": {label}" if label else ""
    return [
        Button((ctx.tr.s("Edit my comment") + suffix)[:60], f"fd:ce:{comment.id}"),
        Button((ctx.tr.s("Delete my comment") + suffix)[:60], f"fd:cx:{comment.id}"),
    ]


async def comment_on(ctx: Ctx, post_id: int, text: str) -> View | list[View]:
    post, comment = await feed_comments.add_comment(ctx.session, ctx.me, post_id, text)
    mentioned: set[int] = set()
    for token in AT_NAME.findall(text):
        found = await users.find_people(ctx.session, ctx.me, token, handle=True)
        # a mention tells only people who may read the post (it quotes the post)
        if len(found) == 1 and await feed.may_read(ctx.session, found[0], post.id):
            mentioned.add(found[0].id)
    preview = title_of(post)
    said = shorten(comment.text, 1000)
    ref = feed_comments.comment_ref(post.id, comment.id)  # deleting the comment takes its notices

    def build(say: Callable[[Translator], Markup]) -> Callable[[Translator], View]:
        return lambda tr: View(body=say(tr), ref=ref).row(Button(tr.s("Open"), f"fd:o:{post.id}"))

    def one(message: str) -> Callable[[Translator], Markup]:
        return lambda tr: tr(message, person=bold(ctx.me.name), post=preview, text=said)

    def several(count: int) -> Callable[[Translator], Markup]:  # the last one quoted
        return lambda tr: tr.n(
            "{n} new comment on «{post}»: last by {person}: {text}",
            "{n} new comments on «{post}»: last by {person}: {text}",
            count,
            person=bold(ctx.me.name),
            post=preview,
            text=said,
        )

    for user_id in mentioned:
        await ctx.notify(
            user_id,
            "mention",
            build(one(N_("{person} mentioned you under «{post}»: {text}"))),
            ref=ref,
        )
    batch = f"comments:post:{post.id}"  # while unread, one notice gathers the comments
    # one's comment shows one has read the others: the next is news again
    await notifications.close_batch(ctx.session, ctx.me.user_id, batch)
    for user_id in await feed_comments.commenters(ctx.session, post):
        if user_id in mentioned:
            continue
        count = await notifications.batch_size(ctx.session, user_id, batch) + 1
        await ctx.notify(
            user_id,
            "comment",
            build(
                one(N_("{person} commented on «{post}»: {text}")) if count == 1 else several(count)
            ),
            ref=ref,
            batch=batch,
        )
    return await card_reply(ctx, post, ctx.tr("Comment added."), comment_buttons(ctx, comment))


async def comments_page(ctx: Ctx, post_id: int, page_no: int) -> View:
    """All comments of a post, a page of them; one's own with their edit and delete."""
    post, page = await feed_comments.comment_page(
        ctx.session, ctx.me, post_id, page_no, ctx.services.page_size
    )
    view = comments_view(ctx, title_of(post), page, f"fd:cm:{post.id}", f"fd:o:{post.id}")
    back = view.buttons.pop()
    for comment, _name in page.items:  # one's own comments on the page: edit, delete
        if comment.author_id == ctx.me.user_id:
            view.row(*comment_buttons(ctx, comment, shorten(comment.text, 20)))
    view.buttons.append(back)
    view.edit = True
    return view
