"""A post's card: what its reader sees (a poll's is handlers.feed_polls'), the author's
own buttons, the reply to a press or a command (everyone's card in a shared chat, the
actor's note to them alone), opening a post and the message its recipients get."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.calendar_views import SHOWN_COMMENT, shorten
from handlers.core import Ctx
from handlers.i18n import N_, Translator
from handlers.markup import Span, bold, join_lines
from handlers.views import Button, View
from models import db
from models.feed import Post
from models.teams import User
from services import feed, feed_comments, feed_polls, inbox_center
from services.access import archived_group

PREVIEW = 80
CARD_LIMIT = 3800  # characters of a post card (Telegram allows 4096 a message)


def title_of(post: Post) -> str:
    """A post's text as a title in a line: "Office closed on Friday", cut to fit."""
    return shorten(post.text, PREVIEW)


async def only_for_author_here(ctx: Ctx, post: Post) -> bool:
    """Whether a post or poll, answered in this chat, goes to the person alone: one for
    chosen people, or for a group this channel or group chat does not speak for (/bind),
    is not shown to everyone there; the post of the chat's own group is."""
    if ctx.event.chat.private:
        return False
    if post.audience == "people":
        return True
    if post.group_id is None:
        return False
    bound = await ctx.chat_group()
    return bound is None or bound.id != post.group_id


async def author_name(ctx: Ctx, post: Post) -> str:
    user = await db.get(ctx.session, User, post.author_id) if post.author_id else None
    return user.name if user else "?"


async def latest_comments(session: AsyncSession, post: Post, room: int) -> list[list[Span]]:
    """The latest comments of a post or poll, oldest first, as many as fit in `room`
    characters (a long card keeps its latest; "All comments" has the rest)."""
    lines: list[list[Span]] = []
    for comment, name in reversed(await feed_comments.comments(session, post.id)):
        text = shorten(comment.text, SHOWN_COMMENT)
        room -= len(name) + len(text) + 4
        if room < 0:
            break
        lines.insert(0, [Span("💬 "), bold(name), Span(": " + text)])
    return lines


async def post_view(ctx: Ctx, post: Post, *, everyone: bool = False) -> View:
    """A post as its reader sees it; polls show their results. With `everyone`, the
    message all in a shared chat see, whoever pressed: the counts and the buttons anyone
    may press, in the team's language (see Ctx.everyone_tr); the author's own buttons
    are never on it (see own_controls)."""
    poll = await feed_polls.poll_of_post(ctx.session, post.id)
    if poll is not None:
        from handlers.feed_polls import poll_view

        return await poll_view(ctx, poll, post, everyone=everyone)
    tr = await ctx.shared_tr() if everyone else ctx.tr
    likes, notes, _reads = await feed.counts(ctx.session, post.id)
    head = [
        Span("❗ " if post.important else "📰 "),
        bold(await author_name(ctx, post)),
        Span(f" · {tr.when(post.created_at)}"),
    ]
    lines: list[Any] = [head, [Span(post.text)]]
    lines.append(tr("👍 {likes} · 💬 {comments}", likes=str(likes), comments=str(notes)))
    shown = await latest_comments(ctx.session, post, CARD_LIMIT - len(post.text))
    lines.extend(shown)
    read_only = await archived_group(ctx.session, post.group_id) is not None
    if read_only:
        lines.append(tr("Archived group — read only"))
    view = View(body=join_lines(lines), ref=f"post:{post.id}")
    if not read_only:  # an archived group's post is read, not liked, answered or shared
        view.row(
            Button(tr.s("Like") + f" ({likes})", f"fd:l:{post.id}"),
            Button(tr.s("Comment"), f"fd:c:{post.id}"),
            Button(tr.s("Share"), f"fd:sh:{post.id}"),
        )
    if notes > len(shown):
        view.row(Button(tr.s("All comments"), f"fd:cm:{post.id}:1"))
    if everyone:
        if post.important:  # a read receipt is each reader's own press
            view.row(Button(tr.s("I have read it"), f"fd:r:{post.id}"))
        return view
    owner = post.author_id == ctx.me.user_id or ctx.me.is_admin
    if post.important and not owner:
        if not await feed.has_read(ctx.session, post.id, ctx.me.user_id):
            view.row(Button(tr.s("I have read it"), f"fd:r:{post.id}"))
    view.buttons.extend(await own_controls(ctx, post))
    return view


async def own_controls(ctx: Ctx, post: Post) -> list[list[Button]]:
    """The author's (or an admin's) own buttons on a post or poll, never on everyone's
    message: Read by, Edit, Delete (a poll's: Close poll or Make a task, and Delete)."""
    poll = await feed_polls.poll_of_post(ctx.session, post.id)
    if poll is not None:
        from handlers.feed_polls import author_buttons

        return [row for row in await author_buttons(ctx, poll, post) if row]
    rows: list[list[Button]] = []
    if post.author_id != ctx.me.user_id and not ctx.me.is_admin:
        return rows
    if post.important:
        _likes, _notes, reads = await feed.counts(ctx.session, post.id)
        rows.append([Button(ctx.tr.s("Read by {n}", n=reads), f"fd:rb:{post.id}")])
    if await archived_group(ctx.session, post.group_id) is not None:
        return rows  # an archived group's post is not edited or deleted
    delete = Button(ctx.tr.s("Delete"), f"fd:x:{post.id}")
    if post.author_id == ctx.me.user_id:
        rows.append([Button(ctx.tr.s("Edit"), f"fd:e:{post.id}"), delete])
    else:
        rows.append([delete])
    return rows


async def in_shared_chat(ctx: Ctx, post: Post) -> bool:
    """Whether the post's or poll's message here is everyone's: in a channel or group
    chat, unless it was shown there to its author alone (see only_for_author_here)."""
    return ctx.shared_chat and not await only_for_author_here(ctx, post)


async def card_reply(
    ctx: Ctx,
    post: Post,
    note: Any,
    *rows: list[Button],
    edit: bool = False,
    controls: bool = False,
) -> View | list[View]:
    """What a press or a command about a post answers: its card and `note`, what the
    actor is told, with `rows`, their own buttons (and the author's, with `controls`).
    In a shared chat the card is everyone's (see everyones), unless it is not for all
    there (see only_for_author_here): then the actor alone reads it."""
    if await in_shared_chat(ctx, post):
        return await everyones(ctx, post, note, *rows, edit=edit, controls=controls)
    view = await post_view(ctx, post)
    view.body = [*note, Span("\n\n"), *view.body]
    view.edit = edit
    view.buttons.extend(rows)
    view.private = ctx.shared_chat
    return view


async def everyones(
    ctx: Ctx,
    post: Post,
    note: Any,
    *rows: list[Button],
    edit: bool = False,
    controls: bool = False,
) -> list[View]:
    """card_reply in a shared chat: the card everyone there reads, whoever pressed
    (post_view(everyone=True)); `note` and the buttons go to the actor alone (a
    Telegram alert, a Slack ephemeral), when there is any."""
    card = await post_view(ctx, post, everyone=True)
    card.edit = edit
    own = View(body=list(note), private=True)
    own.buttons = [*rows, *(await own_controls(ctx, post) if controls else [])]
    return [card, own] if own.body or own.buttons else [card]


async def read_post(ctx: Ctx, post_id: int) -> Post:
    """A post opened (from the feed, a notice, /post 12) is read: the notices about it
    and its comments leave the unread list."""
    post = await feed.get_post(ctx.session, ctx.me, post_id)
    await inbox_center.mark_ref_read(ctx.session, ctx.me, f"post:{post.id}")
    return post


async def open_post(ctx: Ctx, post_id: int) -> View:
    """The post as the person who opened it sees it (see read_post)."""
    return await post_view(ctx, await read_post(ctx, post_id))


async def show_post(ctx: Ctx, post_id: int) -> View | list[View]:
    """/post 12: the post opened (see read_post). In a shared chat the card is everyone's
    there, as a press on it keeps it (see everyones); the asker's own vote and buttons
    go to them alone."""
    post = await read_post(ctx, post_id)
    if not await in_shared_chat(ctx, post):
        return await post_view(ctx, post)
    note: Any = []
    poll = await feed_polls.poll_of_post(ctx.session, post.id)
    if poll is not None and await feed_polls.my_votes(ctx.session, ctx.me, poll):
        from handlers.feed_polls import my_choice

        note = await my_choice(ctx, poll)
    elif await own_controls(ctx, post):
        note = ctx.tr("Your buttons for «{post}»:", post=title_of(post))
    return await everyones(ctx, post, note, controls=True)


def delivered_view(tr: Translator, post: Post, author: str) -> View:
    """The message a recipient gets."""
    message = (
        N_("❗ Important post from {person}:") if post.important else N_("📰 Post from {person}:")
    )
    view = View(
        body=[*tr(message, person=bold(author)), Span("\n" + post.text)], ref=f"post:{post.id}"
    )
    row = [Button(tr.s("Like"), f"fd:l:{post.id}"), Button(tr.s("Comment"), f"fd:c:{post.id}")]
    if post.important:
        row.append(Button(tr.s("I have read it"), f"fd:r:{post.id}"))
    view.row(*row)
    return view
